"""How enum values read on screen, in one place so every widget says the same thing."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.records import Conclusion, Conversation, ConversationStatus, Rating, StaffRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def status_label(status: ConversationStatus) -> str:
    return {
        ConversationStatus.PREPARING: _tr("Preparing"),
        ConversationStatus.IN_PROGRESS: _tr("In progress"),
        ConversationStatus.CONCLUDED: _tr("Concluded"),
    }[status]


def conversation_status_label(conversation: Conversation, *, with_date: bool = False) -> str:
    """Where a conversation stands; a finalised record says so, whatever its walk-through
    status (from then on it changes only by amendment)."""
    if conversation.finalised_at is None:
        return status_label(conversation.status)
    if not with_date:
        return _tr("Finalised")
    when = conversation.finalised_at.astimezone().strftime("%d %b %Y %H:%M")
    return _tr("Finalised {0}").format(when)


def conclusion_label(conclusion: Conclusion | None) -> str:
    if conclusion is None:
        return ""
    return {
        Conclusion.SATISFIED: _tr("Satisfied it is the student's own work"),
        Conclusion.CONCERNS_REMAIN: _tr("Concerns remain"),
        Conclusion.ACKNOWLEDGED: _tr("Student acknowledged help or AI use"),
    }[conclusion]


def rating_label(rating: Rating | None) -> str:
    if rating is None:
        return ""
    return {
        Rating.CLEAR: _tr("Explained clearly"),
        Rating.PARTLY: _tr("Partly explained"),
        Rating.UNABLE: _tr("Could not explain"),
    }[rating]


def role_label(role: StaffRole) -> str:
    return {
        StaffRole.TEACHER: _tr("Teacher"),
        StaffRole.SECOND_STAFF: _tr("Second member of staff"),
        StaffRole.EXAMS_OFFICER: _tr("Exams officer"),
        StaffRole.HEAD_OF_CENTRE: _tr("Head of centre"),
        StaffRole.OTHER: _tr("Other"),
    }[role]


def finalise_explanation() -> str:
    """What finalising means, in the same words wherever a teacher is asked to finalise."""
    return _tr(
        "Finalising makes this record read-only everywhere. Its integrity code (a SHA-256 of its "
        "content) is recorded, so anyone can later check that it has not changed. A later "
        "correction is added as an amendment, with its reason, beside the original. Finalising "
        "cannot be undone."
    )
