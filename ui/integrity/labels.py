"""How integrity terms read on screen: the core's labels for audit actions (app/domain/labels.py)
and kinds of evidence (app/integrity/evidence.py), passed through the translator."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from app.domain.labels import ACTION_LABELS
from app.integrity.evidence import KIND_LABELS, AttachmentKind


def _tr(text: str) -> str:
    return QCoreApplication.translate("integrity", text)


def action_label(action: str) -> str:
    """An audit action's label; one this version does not know reads as itself."""
    label = ACTION_LABELS.get(action)
    return _tr(label) if label is not None else action.capitalize()


def kind_label(kind: AttachmentKind) -> str:
    return _tr(KIND_LABELS[kind])


def local_time(value: dt.datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")
