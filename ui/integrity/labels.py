"""How integrity terms read on screen: audit actions and kinds of evidence."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from app.integrity.evidence import AttachmentKind


def _tr(text: str) -> str:
    return QCoreApplication.translate("integrity", text)


def action_label(action: str) -> str:
    labels = {
        "create": _tr("Created"),
        "update": _tr("Changed"),
        "delete": _tr("Removed"),
        "finalise": _tr("Finalised"),
        "amend": _tr("Amended"),
        "attach": _tr("Attached"),
        "export": _tr("Exported"),
        "print": _tr("Printed"),
        "import": _tr("Imported"),
    }
    return labels.get(action, action.capitalize())


def kind_label(kind: AttachmentKind) -> str:
    return {
        AttachmentKind.SUBMITTED_WORK: _tr("Submitted work"),
        AttachmentKind.DRAFT: _tr("Earlier draft"),
        AttachmentKind.IN_CLASS_WRITING: _tr("In-class writing"),
        AttachmentKind.DETECTOR_REPORT: _tr("AI-detector or authorship report"),
        AttachmentKind.OTHER: _tr("Other evidence"),
    }[kind]


def local_time(value: dt.datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")
