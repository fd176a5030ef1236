"""Use cases of the records: students, submissions, conversations, staff and the centre.

Each function takes the principal acting and the ``Database``, checks the principal may, runs in
one transaction of its own and returns plain records (``app.domain.records``); writes return an
``Outcome`` naming what changed.  Validation (and its messages) is the repositories' own, so the
window's forms and ``ownwork add`` refuse the same input in the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.domain.access import holds_every_role
from app.domain.list_query import ListQuery
from app.domain.principal import Principal, Role
from app.domain.records import (
    Centre,
    Conversation,
    ConversationDraft,
    Staff,
    StaffDraft,
    StaffRole,
    Student,
    StudentDraft,
    Submission,
    SubmissionDraft,
)
from app.domain.text import clean_line
from app.errors import PermissionDenied
from app.i18n import N_
from app.services.base import (
    CENTRE,
    CONVERSATION,
    READERS,
    STAFF,
    STUDENT,
    SUBMISSION,
    Changes,
    Outcome,
    require,
    require_any,
    transaction,
)
from app.services.case_access import check_change, check_read

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.storage.database import Database

# Who leads or attends a conversation, as a form gives it: a member of staff's id, a name typed
# (an existing member of staff's, in any capitals, or a new one's), or nobody.
StaffChoice = int | str | None


# --- students -------------------------------------------------------------------------------


def list_students(principal: Principal, database: Database, query: ListQuery) -> list[Student]:
    require_any(principal, READERS, "see the students")
    from app.storage import students

    with transaction(database, principal) as session:
        return students.page(session, query)


def count_students(principal: Principal, database: Database, query: ListQuery) -> int:
    require_any(principal, READERS, "see the students")
    from app.storage import students

    with transaction(database, principal) as session:
        return students.count(session, query)


def get_student(principal: Principal, database: Database, student_id: int) -> Student:
    require_any(principal, READERS, "see the students")
    from app.storage import students

    with transaction(database, principal) as session:
        return students.get(session, student_id)


def add_student(principal: Principal, database: Database, draft: StudentDraft) -> Outcome[Student]:
    require(principal, Role.TEACHER, "add a student")
    from app.storage import students

    with transaction(database, principal) as session:
        student = students.create(session, draft)
    return Outcome(student, Changes.of(STUDENT, student.id))


def change_student(
    principal: Principal,
    database: Database,
    student_id: int,
    draft: StudentDraft,
    *,
    version: int | None = None,
) -> Outcome[Student]:
    """``version``: the one the form started from; if someone saved since, ``ConflictError``
    (app/errors.py) names them and gives both versions, and nothing is written."""
    require(principal, Role.TEACHER, "change a student's details")
    from app.storage import students

    with transaction(database, principal) as session:
        student = students.update(session, student_id, draft, version=version)
    # A renamed student is found by their submissions' and conversations' lists too.
    return Outcome(
        student, Changes.of(STUDENT, student.id) | Changes.of(SUBMISSION) | Changes.of(CONVERSATION)
    )


# --- submissions ----------------------------------------------------------------------------


def list_submissions(
    principal: Principal, database: Database, query: ListQuery, *, student_id: int | None = None
) -> list[Submission]:
    require_any(principal, READERS, "see the submissions")
    from app.storage import submissions

    with transaction(database, principal) as session:
        return submissions.page(session, query, student_id=student_id)


def count_submissions(principal: Principal, database: Database, query: ListQuery) -> int:
    require_any(principal, READERS, "see the submissions")
    from app.storage import submissions

    with transaction(database, principal) as session:
        return submissions.count(session, query)


def get_submission(principal: Principal, database: Database, submission_id: int) -> Submission:
    require_any(principal, READERS, "see the submissions")
    from app.storage import submissions

    with transaction(database, principal) as session:
        return submissions.get(session, submission_id)


def add_submission(
    principal: Principal, database: Database, draft: SubmissionDraft
) -> Outcome[Submission]:
    require(principal, Role.TEACHER, "add a submission")
    from app.storage import submissions

    with transaction(database, principal) as session:
        submission = submissions.create(session, draft)
    return Outcome(submission, Changes.of(SUBMISSION, submission.id))


def change_submission(
    principal: Principal,
    database: Database,
    submission_id: int,
    draft: SubmissionDraft,
    *,
    version: int | None = None,
) -> Outcome[Submission]:
    """``version`` as for ``change_student``."""
    require(principal, Role.TEACHER, "change a submission")
    from app.storage import submissions

    with transaction(database, principal) as session:
        submission = submissions.update(session, submission_id, draft, version=version)
    return Outcome(submission, Changes.of(SUBMISSION, submission.id) | Changes.of(CONVERSATION))


# --- conversations --------------------------------------------------------------------------


def list_conversations(
    principal: Principal,
    database: Database,
    query: ListQuery,
    *,
    submission_id: int | None = None,
    student_id: int | None = None,
) -> list[Conversation]:
    require_any(principal, READERS, "see the conversations")
    from app.storage import conversations
    from app.storage.access import visible_to

    with transaction(database, principal) as session:
        return conversations.page(
            session,
            query,
            submission_id=submission_id,
            student_id=student_id,
            visible=visible_to(principal),
        )


def count_conversations(
    principal: Principal, database: Database, query: ListQuery, *, up_to: int | None = None
) -> int:
    """How many conversations the list holds; a filtered count stops at ``up_to``."""
    require_any(principal, READERS, "see the conversations")
    from app.storage import conversations
    from app.storage.access import visible_to

    with transaction(database, principal) as session:
        return conversations.count(session, query, up_to=up_to, visible=visible_to(principal))


def get_conversation(
    principal: Principal, database: Database, conversation_id: int
) -> Conversation:
    require_any(principal, READERS, "see the conversations")
    from app.storage import conversations

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return conversations.get(session, conversation_id)


def plan_conversation(
    principal: Principal,
    database: Database,
    *,
    submission_id: int,
    held_at: dt.datetime,
    led_by: StaffChoice = None,
    second_staff: StaffChoice = None,
    others_present: str = "",
    conversation_id: int | None = None,
    version: int | None = None,
) -> Outcome[Conversation]:
    """Plan a conversation (or, with ``conversation_id``, change who, when and about what).

    A name typed for who leads or attends is found among the staff, whatever its capitals, or
    becomes a new member of staff, in the same transaction: the new name is kept only if the
    conversation is saved.  ``version`` as for ``change_student``."""
    doing = "plan a conversation" if conversation_id is None else "change a conversation"
    require(principal, Role.TEACHER, doing)
    from app.storage import conversations

    changes = Changes()
    with transaction(database, principal) as session:
        if conversation_id is not None:
            check_change(session, principal, conversation_id)
        lead_id, added = _staff_id(session, led_by, StaffRole.TEACHER)
        changes |= added
        second_id, added = _staff_id(session, second_staff, StaffRole.SECOND_STAFF)
        changes |= added
        if database.server is not None:
            lead_id = _kept_by_the_teacher(session, principal, lead_id, second_id)
        draft = ConversationDraft(
            submission_id=submission_id,
            held_at=held_at,
            led_by_id=lead_id,
            second_staff_id=second_id,
            others_present=others_present,
        )
        if conversation_id is None:
            conversation = conversations.create(session, draft)
        else:
            conversation = conversations.update(session, conversation_id, draft, version=version)
    return Outcome(conversation, changes | Changes.of(CONVERSATION, conversation.id))


def _kept_by_the_teacher(
    session: Session, principal: Principal, lead_id: int | None, second_id: int | None
) -> int | None:
    """On a school's server a teacher's conversation is theirs: led by them (when nobody else
    was chosen to lead) or with them as the second member of staff.  Returns who leads.  (The
    personal store's staff have no logins: its one teacher plans for anyone.)"""
    if holds_every_role(principal):
        return lead_id
    from app.storage.access import staff_id_of

    mine = staff_id_of(session, principal.name)
    if mine is None:
        raise PermissionDenied(
            f"{principal.name} may not plan a conversation: no member of staff has that login "
            "yet (IT adds one with ownwork server add-staff)."
        )
    if mine in (lead_id, second_id):
        return lead_id
    if lead_id is None:
        return mine
    raise PermissionDenied(
        f"{principal.name} may not plan a conversation for another teacher: lead it or be "
        "its second member of staff."
    )


def _staff_id(session: Session, choice: StaffChoice, role: StaffRole) -> tuple[int | None, Changes]:
    if choice is None or isinstance(choice, int):
        return choice, Changes()
    from app.storage import staff

    name = clean_line(choice)
    if not name:
        return None, Changes()
    known = staff.find_by_name(session, name)
    if known is not None:
        return known.id, Changes()
    person = staff.create(session, StaffDraft(name=name, role=role))
    return person.id, Changes.of(STAFF, person.id)


# --- staff and the centre -------------------------------------------------------------------


def list_staff(principal: Principal, database: Database) -> list[Staff]:
    require_any(principal, READERS, "see the staff")
    from app.storage import staff

    with transaction(database, principal) as session:
        return staff.all_staff(session)


def add_staff(principal: Principal, database: Database, draft: StaffDraft) -> Outcome[Staff]:
    require(principal, Role.TEACHER, "add a member of staff")
    from app.storage import staff

    with transaction(database, principal) as session:
        person = staff.create(session, draft)
    return Outcome(person, Changes.of(STAFF, person.id))


def set_centre_and_staff(
    principal: Principal,
    database: Database,
    centre: Centre,
    people: Sequence[tuple[int | None, StaffDraft]],
    *,
    versions: Mapping[str | int, int] | None = None,
) -> Outcome[Centre]:
    """The centre's details and its staff (an id to change, None to add), all or nothing: a
    ``ValidationError`` names every problem and nothing is saved.  ``versions``: those the form
    started from, ``"centre"`` for the centre's and a member of staff's id for theirs; a change
    saved meanwhile by someone else raises ``ConflictError`` and nothing is saved."""
    started = versions or {}
    require(principal, Role.EXAMS_OFFICER, "change the centre's details")
    from app.errors import ValidationError
    from app.storage import staff

    errors: dict[str, str] = {}
    changes = Changes.of(CENTRE, 1)
    with transaction(database, principal) as session:
        try:
            saved = staff.set_centre(session, centre, version=started.get("centre"))
        except ValidationError as error:
            errors.update(error.field_errors)
        for staff_id, draft in people:
            try:
                if staff_id:
                    changes |= Changes.of(
                        STAFF,
                        staff.update(session, staff_id, draft, version=started.get(staff_id)).id,
                    )
                else:
                    changes |= Changes.of(STAFF, staff.create(session, draft).id)
            except ValidationError:
                errors["staff"] = N_("Every member of staff needs a name.")
        if errors:
            raise ValidationError(errors)
    return Outcome(saved, changes)


def get_centre(principal: Principal, database: Database) -> Centre:
    require_any(principal, READERS, "see the centre's details")
    from app.storage import staff

    with transaction(database, principal) as session:
        return staff.get_centre(session)


def set_centre(
    principal: Principal, database: Database, centre: Centre, *, version: int | None = None
) -> Outcome[Centre]:
    """``version`` as for ``change_student``."""
    require(principal, Role.EXAMS_OFFICER, "change the centre's details")
    from app.storage import staff

    with transaction(database, principal) as session:
        saved = staff.set_centre(session, centre, version=version)
    return Outcome(saved, Changes.of(CENTRE, 1))
