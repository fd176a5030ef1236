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
    """The school's roles; the values are what ``ownwork server add-staff --role`` takes, and
    each has a group role on the server (``app/storage/roles.GROUP_ROLES``)."""

    # Keeps and reads records: students, submissions, the conversations they lead or share.
    TEACHER = "teacher"
    # Reads what their department's teachers hold and writes review notes.
    HEAD_OF_DEPARTMENT = "head-of-department"
    # Handles what leaves the department: referrals, the centre's details, cases handed on.
    EXAMS_OFFICER = "exams-officer"
    # Signs what the centre sends to the awarding body.
    HEAD_OF_CENTRE = "head-of-centre"
    # Sees counts and statistics, never a conversation or a name.
    SENIOR_LEADER = "senior-leader"
    # Answers subject access requests: one named student's records at a time, each use logged.
    DPO = "dpo"
    # Looks after the store itself: accounts, upgrades, checks, backups and restores.
    IT_ADMIN = "it-admin"


ROLE_LABELS: dict[Role, str] = {
    Role.TEACHER: N_("teacher"),
    Role.HEAD_OF_DEPARTMENT: N_("head of department"),
    Role.EXAMS_OFFICER: N_("exams officer"),
    Role.HEAD_OF_CENTRE: N_("head of centre"),
    Role.SENIOR_LEADER: N_("senior leader"),
    Role.DPO: N_("data protection officer"),
    Role.IT_ADMIN: N_("IT administrator"),
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
