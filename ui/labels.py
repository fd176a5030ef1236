"""How enum values read on screen: the core's labels (app/domain/labels.py and beside each
area), passed through the translator, so every widget says the same thing as the core prints."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.documents.wording import RATING_LABELS
from app.domain.labels import (
    CONCLUSION_LABELS,
    FINALISED,
    FINALISED_ON,
    ROLE_LABELS,
    STATUS_LABELS,
)
from app.domain.records import Conclusion, Conversation, ConversationStatus, Rating, StaffRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def status_label(status: ConversationStatus) -> str:
    return _tr(STATUS_LABELS[status])


def conversation_status_label(conversation: Conversation, *, with_date: bool = False) -> str:
    """Where a conversation stands; a finalised record says so, whatever its walk-through
    status (from then on it changes only by amendment)."""
    if conversation.finalised_at is None:
        return status_label(conversation.status)
    if not with_date:
        return _tr(FINALISED)
    when = conversation.finalised_at.astimezone().strftime("%d %b %Y %H:%M")
    return _tr(FINALISED_ON).format(when)


def conclusion_label(conclusion: Conclusion | None) -> str:
    return "" if conclusion is None else _tr(CONCLUSION_LABELS[conclusion])


def rating_label(rating: Rating | None) -> str:
    return "" if rating is None else _tr(RATING_LABELS[rating])


def role_label(role: StaffRole) -> str:
    return _tr(ROLE_LABELS[role])


def finalise_explanation() -> str:
    """What finalising means, in the same words wherever a teacher is asked to finalise."""
    return _tr(
        "Finalising makes this record read-only everywhere. Its integrity code (a SHA-256 of its "
        "content) is recorded, so anyone can later check that it has not changed. A later "
        "correction is added as an amendment, with its reason, beside the original. Finalising "
        "cannot be undone."
    )
