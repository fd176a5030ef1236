"""Who may do what to which conversation, and which parts of OwnWork each role uses.

The school's rules (issue 20) as pure functions of a ``Principal`` and the facts about one case.
On a school's server PostgreSQL enforces the same rules with privileges and row-level security;
the services ask these first so that a refusal is one sentence rather than a server error.  A
principal holding every role (the personal store's one user, a server's superuser) is refused
nothing here: the personal store behaves as it always has.

Each ``may_…`` returns None when allowed, else the sentence that says why not.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.principal import Principal, Role


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    """What the rules need to know about one conversation (``app/storage/access.case_facts``)."""

    conversation_id: int
    # The logins of the member of staff leading it and the second member present (None: the
    # staff row has no login, as in a personal store or a case moved in from one).
    led_by_login: str | None = None
    second_login: str | None = None
    # Colleagues it was shared with, and whether it was passed to the exams officer.
    shared_with: frozenset[str] = frozenset()
    passed_to_exams_officer: bool = False
    # The logins of the heads of the departments its leading teacher belongs to.
    department_heads: frozenset[str] = frozenset()
    concluded: bool = False
    concerns_remain: bool = False


def holds_every_role(principal: Principal) -> bool:
    """The personal store's one user (and a server's superuser): every rule lets them through."""
    return principal.roles >= frozenset(Role)


def keeps(principal: Principal, case: CaseFacts) -> bool:
    """A teacher keeps the conversations they lead or are the second member of staff on."""
    return principal.may(Role.TEACHER) and principal.name in (case.led_by_login, case.second_login)


def may_read(principal: Principal, case: CaseFacts) -> str | None:
    if holds_every_role(principal) or keeps(principal, case):
        return None
    if principal.may(Role.TEACHER) and principal.name in case.shared_with:
        return None
    if principal.may(Role.HEAD_OF_DEPARTMENT) and principal.name in case.department_heads:
        return None
    handles_cases = principal.may(Role.EXAMS_OFFICER) or principal.may(Role.HEAD_OF_CENTRE)
    if handles_cases and (case.concerns_remain or case.passed_to_exams_officer):
        return None
    return (
        f"{principal.name} may not see conversation {case.conversation_id}: it was not led by "
        "them, shared with them or passed on to them."
    )


def may_change(principal: Principal, case: CaseFacts) -> str | None:
    """Change, conclude, finalise or amend: only the teachers who keep it."""
    if holds_every_role(principal) or keeps(principal, case):
        return None
    if not principal.may(Role.TEACHER):
        return (
            f"{principal.name} may not change conversation {case.conversation_id}: that needs "
            "the teacher role."
        )
    return (
        f"{principal.name} may not change conversation {case.conversation_id}: it is led by "
        "another teacher."
    )


def may_hand_on(
    principal: Principal, case: CaseFacts, *, to_login: str | None = None
) -> str | None:
    """Pass to the exams officer (``to_login`` None) or share with a colleague: the keeping
    teacher, once the conversation is concluded."""
    refused = may_change(principal, case)
    if refused is not None:
        return refused.replace("may not change", "may not pass on", 1)
    what = f"conversation {case.conversation_id}"
    if not case.concluded:
        return f"{what} cannot be passed on yet: only a concluded conversation is."
    if to_login is None and case.passed_to_exams_officer:
        return f"{what} is already with the exams officer."
    if to_login is not None and to_login == principal.name:
        return f"{what} is already yours: share it with a colleague by their login."
    if to_login is not None and to_login in case.shared_with:
        return f"{what} is already shared with {to_login}."
    return None


def may_review(principal: Principal, case: CaseFacts) -> str | None:
    """A review note: the head of the leading teacher's department."""
    if holds_every_role(principal):
        return None
    if principal.may(Role.HEAD_OF_DEPARTMENT) and principal.name in case.department_heads:
        return None
    return (
        f"{principal.name} may not write a review note on conversation {case.conversation_id}: "
        "only the head of its teacher's department may."
    )


@dataclass(frozen=True)
class Uses:
    """The parts of OwnWork a principal uses: what the window shows them (``ui/main_window``)."""

    record_lists: bool  # the students, submissions and conversations
    writes_records: bool  # new and changed records, the walk-through, finalising
    hands_on: bool  # Case › Pass on / Share
    waiting_list: bool  # cases passed to the exams officer
    review_notes: bool
    statistics: bool
    subject_access: bool
    centre_details: bool  # the centre's details and staff, case bundles brought in
    looks_after_store: bool  # accounts, upgrades, checks, backups


# The personal store's one user (and a server's superuser) has the window a teacher always had
# on their own records: the other roles' parts are for a school's many staff, and on the
# personal store their use cases are on the command line (statistics, subject-access).
KEEPER_USES = Uses(
    record_lists=True,
    writes_records=True,
    hands_on=False,
    waiting_list=False,
    review_notes=False,
    statistics=False,
    subject_access=False,
    centre_details=True,
    looks_after_store=True,
)


def uses(principal: Principal) -> Uses:
    if holds_every_role(principal):
        return KEEPER_USES
    may = principal.may
    handles_cases = may(Role.EXAMS_OFFICER) or may(Role.HEAD_OF_CENTRE)
    return Uses(
        record_lists=may(Role.TEACHER) or may(Role.HEAD_OF_DEPARTMENT) or handles_cases,
        writes_records=may(Role.TEACHER),
        hands_on=may(Role.TEACHER),
        waiting_list=handles_cases,
        review_notes=may(Role.HEAD_OF_DEPARTMENT),
        statistics=may(Role.SENIOR_LEADER) or handles_cases,
        subject_access=may(Role.DPO),
        centre_details=may(Role.EXAMS_OFFICER),
        looks_after_store=may(Role.IT_ADMIN),
    )


# Who reads the roster of students and their submissions.
ROSTER_READERS = (
    Role.TEACHER,
    Role.HEAD_OF_DEPARTMENT,
    Role.EXAMS_OFFICER,
    Role.HEAD_OF_CENTRE,
)
# Who reads the statistics (counts only).
STATISTICS_READERS = (Role.SENIOR_LEADER, Role.HEAD_OF_CENTRE, Role.EXAMS_OFFICER)
# Who sees the list of cases waiting with the exams officer.
WAITING_READERS = (Role.EXAMS_OFFICER, Role.HEAD_OF_CENTRE)
