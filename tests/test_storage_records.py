"""Students, submissions and conversations through the repositories."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.records import StudentDraft, SubmissionDraft
from app.errors import ValidationError
from app.storage import audit, conversations, students, submissions
from app.storage.database import Database
from app.storage.listing import ListQuery
from app.storage.models import AuditRow

pytestmark = pytest.mark.both_stores


def _student(store: Database, **fields: object) -> int:
    values: dict[str, object] = {"surname": "Ødegård", "forename": "Ingrid"} | fields
    with store.transaction() as session:
        return students.create(session, StudentDraft(**values)).id  # type: ignore[arg-type]


def test_candidate_number_is_padded_and_unique(store: Database) -> None:
    first = _student(store, candidate_number="42")
    with store.transaction() as session:
        assert students.get(session, first).candidate_number == "0042"
    with pytest.raises(ValidationError) as raised:
        _student(store, surname="Other", candidate_number="0042")
    assert "already has candidate number 0042" in raised.value.field_errors["candidate_number"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("surname", "   ", "Surname is required"),
        ("candidate_number", "12a4", "four digits"),
        ("upn", "123", "13 characters"),
        ("year_group", 15, "between 1 and 14"),
        ("forename", "Zo\x00ë", "control characters"),
        ("surname", "x" * 101, "too long"),
    ],
)
def test_invalid_student_fields_are_named(
    store: Database, field: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _student(store, **{field: value})
    assert message in raised.value.field_errors[field]
    with store.transaction() as session:
        assert students.count(session) == 0


def test_search_ignores_case_accents_and_apostrophes(store: Database) -> None:
    _student(store, surname="Wójcik", forename="Łukasz")
    _student(store, surname="O'Brien", forename="Siobhán")
    _student(store, surname="Nguyễn", forename="Thị Mai")
    with store.transaction() as session:

        def names(text: str) -> list[str]:
            return [s.surname for s in students.page(session, ListQuery(search=text))]

        assert names("lukasz") == ["Wójcik"]
        assert names("obrien siobhan") == ["O'Brien"]
        assert names("NGUYEN") == ["Nguyễn"]
        assert names("zzz") == []
        assert names("100%_") == []
        # A label pasted back (the pickers show "Surname, Forename (number)").
        assert names("Wójcik, Łukasz") == ["Wójcik"]
        assert names("(O'Brien)") == ["O'Brien"]


def test_every_change_is_audited_with_a_chain(store: Database) -> None:
    student_id = _student(store, candidate_number="0001")
    with store.transaction() as session:
        students.update(
            session,
            student_id,
            StudentDraft(surname="Ødegård", forename="Astrid", candidate_number="0001"),
        )
    with store.transaction() as session:
        entries = audit.entries_for(session, "student", student_id)
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].actor == store.actor  # "test teacher"; on a server, its login
    assert "forename" in entries[1].summary
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash
    assert rows[1].hash == audit.entry_hash(rows[0].hash, rows[1])


def test_submission_dates_are_checked(store: Database) -> None:
    student_id = _student(store)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with store.transaction() as session, pytest.raises(ValidationError) as raised:
        submissions.create(
            session,
            SubmissionDraft(
                student_id=student_id,
                awarding_body="",
                qualification="GCSE Art",
                handed_in_on=tomorrow,
                declaration_signed=True,
            ),
        )
    errors = raised.value.field_errors
    assert set(errors) == {"awarding_body", "handed_in_on", "declaration_signed_on"}


def test_renamed_student_is_found_through_submissions(
    store: Database, conversation_id: int
) -> None:
    with store.transaction() as session:
        conv = conversations.get(session, conversation_id)
        student = students.get(session, conv.student_id)
        students.update(
            session,
            student.id,
            StudentDraft(
                surname="Trần", forename=student.forename, candidate_number=student.candidate_number
            ),
        )
    with store.transaction() as session:
        found = conversations.page(session, ListQuery(search="tran castles"))
    assert [c.id for c in found] == [conversation_id]


def test_lists_sort_and_window(store: Database) -> None:
    for number in range(1, 8):
        _student(store, surname=f"S{8 - number}", candidate_number=f"{number:04d}")
    with store.transaction() as session:
        by_name = students.page(session, ListQuery(sort="name", limit=3))
        by_number_desc = students.page(
            session, ListQuery(sort="candidate_number", descending=True, offset=1, limit=2)
        )
        total = students.count(session)
    assert [s.surname for s in by_name] == ["S1", "S2", "S3"]
    assert [s.candidate_number for s in by_number_desc] == ["0006", "0005"]
    assert total == 7
