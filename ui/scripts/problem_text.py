"""The core's validation messages, worded for the editor: field paths become plain words."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

_QUESTION_PATH = re.compile(r"sections\[(\d+)\]\.questions\[(\d+)\]")
_SECTION_PATH = re.compile(r"sections\[(\d+)\]")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScriptEditor", text)


def field_label(name: str) -> str:
    labels = {
        "id": _tr("Id"),
        "title": _tr("Title"),
        "subject": _tr("Subject"),
        "version": _tr("Version"),
        "description": _tr("Description"),
        "sections": _tr("Sections"),
        "questions": _tr("Questions"),
        "text": _tr("Question"),
        "guidance": _tr("Guidance"),
        "follow_ups": _tr("Follow-ups"),
        "anchor_excerpt": _tr("About a passage"),
    }
    return labels.get(name, name)


def humane(message: str) -> str:
    """``sections[0].questions[2]`` -> ``question 3 of section 1``, and so on."""
    message = _QUESTION_PATH.sub(
        lambda m: _tr("question {0} of section {1}").format(
            int(m.group(2)) + 1, int(m.group(1)) + 1
        ),
        message,
    )
    message = _SECTION_PATH.sub(lambda m: _tr("section {0}").format(int(m.group(1)) + 1), message)
    return message[:1].upper() + message[1:]
