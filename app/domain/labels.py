"""How the records' values read to people, written once.

The core prints these (the CLI, the documents); the window shows the same texts through its
translator (ui/labels.py), so no label is written twice.  Each literal is marked with ``N_`` for
the translation tools (app/i18n.py).  Labels that belong to one area stay beside it, marked the
same way: kinds of evidence in app/integrity/evidence.py, ratings and conclusions as documents
word them in app/documents/wording.py.
"""

from __future__ import annotations

from typing import Final

from app.domain.records import Conclusion, ConversationStatus, StaffRole
from app.i18n import N_

STATUS_LABELS: Final = {
    ConversationStatus.PREPARING: N_("Preparing"),
    ConversationStatus.IN_PROGRESS: N_("In progress"),
    ConversationStatus.CONCLUDED: N_("Concluded"),
}
FINALISED: Final = N_("Finalised")
# "{0}": when, as the window shows it.
FINALISED_ON: Final = N_("Finalised {0}")

# A conclusion as a list or a form shows it (documents word it in full: app/documents/wording).
CONCLUSION_LABELS: Final = {
    Conclusion.SATISFIED: N_("Satisfied it is the student's own work"),
    Conclusion.CONCERNS_REMAIN: N_("Concerns remain"),
    Conclusion.ACKNOWLEDGED: N_("Student acknowledged help or AI use"),
}

ROLE_LABELS: Final = {
    StaffRole.TEACHER: N_("Teacher"),
    StaffRole.SECOND_STAFF: N_("Second member of staff"),
    StaffRole.EXAMS_OFFICER: N_("Exams officer"),
    StaffRole.HEAD_OF_CENTRE: N_("Head of centre"),
    StaffRole.OTHER: N_("Other"),
}

# What an audit entry did, as the timeline shows it.
ACTION_LABELS: Final = {
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Removed"),
    "finalise": N_("Finalised"),
    "amend": N_("Amended"),
    "attach": N_("Attached"),
    "export": N_("Exported"),
    "print": N_("Printed"),
    "import": N_("Imported"),
}


def action_label(action: str) -> str:
    """An audit action's label; one this version does not know reads as itself."""
    return ACTION_LABELS.get(action, action.capitalize())
