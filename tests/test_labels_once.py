"""Every label the core prints is written once, in the core; the window shows the same text."""

from __future__ import annotations

import ast
from pathlib import Path

from app.documents.wording import RATING_LABELS
from app.domain.labels import (
    ACTION_LABELS,
    CONCLUSION_LABELS,
    FINALISED,
    ROLE_LABELS,
    STATUS_LABELS,
)
from app.domain.records import Conclusion, ConversationStatus, Rating, StaffRole
from app.integrity.evidence import KIND_LABELS, AttachmentKind
from ui.integrity.labels import action_label, kind_label
from ui.labels import conclusion_label, rating_label, role_label, status_label

UI = Path(__file__).resolve().parent.parent / "ui"
CORE_LABELS = {
    *STATUS_LABELS.values(),
    FINALISED,
    *CONCLUSION_LABELS.values(),
    *ROLE_LABELS.values(),
    *ACTION_LABELS.values(),
    *KIND_LABELS.values(),
    *RATING_LABELS.values(),
}


def test_the_window_shows_the_cores_labels(qapp: object) -> None:
    assert [kind_label(k) for k in AttachmentKind] == [KIND_LABELS[k] for k in AttachmentKind]
    assert [rating_label(r) for r in Rating] == [RATING_LABELS[r] for r in Rating]
    assert [status_label(s) for s in ConversationStatus] == list(STATUS_LABELS.values())
    assert [conclusion_label(c) for c in Conclusion] == list(CONCLUSION_LABELS.values())
    assert [role_label(r) for r in StaffRole] == list(ROLE_LABELS.values())
    assert action_label("amend") == "Amended" and action_label("frobnicate") == "Frobnicate"


def test_the_windows_label_modules_write_no_core_label_again() -> None:
    """They translate the core's texts; a heading that happens to read the same ("Finalised:
    yes") elsewhere in the window is another text, not a copy of a value's label."""
    written_again = {
        (path.relative_to(UI.parent).as_posix(), node.value)
        for path in (UI / "labels.py", UI / "integrity" / "labels.py")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and node.value in CORE_LABELS
    }
    assert written_again == set()
