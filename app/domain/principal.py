"""Who is acting: a ``Principal`` (a name for the audit log and the roles it holds).

Every use case in ``app/services`` is given one and checks it before doing anything.  In the
personal store (one teacher, one computer) there is one principal, the signed-in account, with
every role; a shared school server will give each member of staff theirs.
"""

from __future__ import annotations

import enum
import getpass
from dataclasses import dataclass

from app.i18n import N_


class Role(enum.StrEnum):
    # Keeps and reads records: students, submissions, conversations, documents, evidence.
    TEACHER = "teacher"
    # Handles what leaves the department: referrals, the centre's details, cases handed on.
    EXAMS_OFFICER = "exams_officer"
    # Looks after the store itself: backups, restores, imports from the MIS, demo records.
    ADMINISTRATOR = "administrator"


ROLE_LABELS: dict[Role, str] = {
    Role.TEACHER: N_("teacher"),
    Role.EXAMS_OFFICER: N_("exams officer"),
    Role.ADMINISTRATOR: N_("administrator"),
}


def signed_in_user() -> str:
    """The account the teacher signed in to the computer with: the personal store's actor."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (rare on school images)
        return "unknown user"


@dataclass(frozen=True)
class Principal:
    name: str
    roles: frozenset[Role]

    @classmethod
    def personal(cls, name: str | None = None) -> Principal:
        """The one principal of a personal store: the signed-in account, with every role."""
        return cls(name or signed_in_user(), frozenset(Role))

    def may(self, role: Role) -> bool:
        return role in self.roles
