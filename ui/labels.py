"""How enum values read on screen, in one place so every widget says the same thing."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.records import Conclusion, ConversationStatus, Rating, StaffRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def status_label(status: ConversationStatus) -> str:
    return {
        ConversationStatus.PREPARING: _tr("Preparing"),
        ConversationStatus.IN_PROGRESS: _tr("In progress"),
        ConversationStatus.CONCLUDED: _tr("Concluded"),
    }[status]


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
