"""A small school for the role tests: two teachers in two departments, a head of department,
three conversations, and one principal per role (their logins are the staff rows' logins)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.principal import Principal, Role
from app.domain.records import ConversationDraft, StaffDraft, StudentDraft, SubmissionDraft
from app.storage import conversations, staff, students, submissions
from app.storage.database import Database
from app.storage.models import ConversationRow, StaffRow
from app.storage.models_access import DepartmentRow, DepartmentStaffRow


def principal(login: str, *roles: Role) -> Principal:
    return Principal(login, frozenset(roles))


OKAFOR = principal("s.okafor", Role.TEACHER)
PATEL = principal("r.patel", Role.TEACHER)
HEAD_OF_HISTORY = principal("h.jones", Role.HEAD_OF_DEPARTMENT)
EXAMS_OFFICER = principal("e.walsh", Role.EXAMS_OFFICER)
HEAD_OF_CENTRE = principal("m.grant", Role.HEAD_OF_CENTRE)
SENIOR_LEADER = principal("k.brown", Role.SENIOR_LEADER)
DPO = principal("d.ahmed", Role.DPO)
IT_ADMIN = principal("t.lee", Role.IT_ADMIN)


@dataclass(frozen=True)
class School:
    mai: int  # student: Mai Nguyen, GCSE History
    tom: int  # student: Tom Reid, A level Physics
    # Okafor's, concluded with concerns remaining (History).
    okafor_concerns: int
    # Patel's, still being prepared (Physics).
    patel_preparing: int
    # Patel's, concluded and satisfied (Physics).
    patel_concluded: int


def _staff(session: object, name: str, login: str) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    person = staff.create(session, StaffDraft(name=name))
    row = session.get(StaffRow, person.id)
    assert row is not None
    row.login = login
    return person.id


def _conclude(session: object, conversation_id: int, conclusion: str) -> None:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    row = session.get(ConversationRow, conversation_id)
    assert row is not None
    row.status, row.conclusion = "concluded", conclusion


def make_school(store: Database) -> School:
    with store.transaction() as session:
        okafor = _staff(session, "Ms Okafor", OKAFOR.name)
        patel = _staff(session, "Mr Patel", PATEL.name)
        head = _staff(session, "Mrs Jones", HEAD_OF_HISTORY.name)
        history, physics = DepartmentRow(name="History"), DepartmentRow(name="Physics")
        session.add_all([history, physics])
        session.flush()
        session.add_all(
            [
                DepartmentStaffRow(department_id=history.id, staff_id=okafor),
                DepartmentStaffRow(department_id=history.id, staff_id=head, head=True),
                DepartmentStaffRow(department_id=physics.id, staff_id=patel),
            ]
        )
        mai = students.create(session, StudentDraft(surname="Nguyen", forename="Mai"))
        tom = students.create(session, StudentDraft(surname="Reid", forename="Tom"))
        essay = submissions.create(
            session,
            SubmissionDraft(student_id=mai.id, awarding_body="AQA", qualification="GCSE History"),
        )
        project = submissions.create(
            session,
            SubmissionDraft(
                student_id=tom.id, awarding_body="OCR", qualification="A level Physics"
            ),
        )
        held = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)

        def planned(submission_id: int, lead: int) -> int:
            draft = ConversationDraft(submission_id=submission_id, held_at=held, led_by_id=lead)
            return conversations.create(session, draft).id

        concerns = planned(essay.id, okafor)
        preparing = planned(project.id, patel)
        concluded = planned(project.id, patel)
        _conclude(session, concerns, "concerns_remain")
        _conclude(session, concluded, "satisfied")
    return School(
        mai=mai.id,
        tom=tom.id,
        okafor_concerns=concerns,
        patel_preparing=preparing,
        patel_concluded=concluded,
    )
