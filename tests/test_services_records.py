"""The records' use cases: permission first, one transaction, the principal in the audit log,
and what changed named for whoever called."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.list_query import ListQuery
from app.domain.principal import Principal, Role
from app.domain.records import Centre, StudentDraft, SubmissionDraft
from app.errors import PermissionDenied, ValidationError
from app.services import records
from app.services.base import CONVERSATION, STAFF, STUDENT, Changes
from app.storage import audit
from app.storage.database import Database

pytestmark = pytest.mark.both_stores

TEACHER = Principal("j.okafor", frozenset({Role.TEACHER}))
OFFICER = Principal("p.adeyemi", frozenset({Role.EXAMS_OFFICER}))
# Plans conversations led by whoever is typed: the personal store's one user (every role).  On
# a server a teacher's own conversation must be theirs (tests/test_access_services.py).
KEEPER = Principal.personal("j.okafor")
WHEN = dt.datetime(2026, 3, 20, 14, 30, tzinfo=dt.UTC)


def _student(store: Database, principal: Principal = TEACHER) -> int:
    draft = StudentDraft(surname="Nguyễn", forename="Thị Mai", candidate_number="0423")
    return records.add_student(principal, store, draft).value.id


def _submission(store: Database) -> int:
    draft = SubmissionDraft(
        student_id=_student(store), awarding_body="AQA", qualification="A level History"
    )
    return records.add_submission(TEACHER, store, draft).value.id


def test_the_audit_entry_names_the_principal_not_the_computer_account(store: Database) -> None:
    student_id = _student(store)
    with store.transaction() as session:
        entries = audit.entries_for(session, "student", student_id)
    assert [e.actor for e in entries] == ["j.okafor"]
    assert store.actor != "j.okafor"  # the store's own stand-in was not used


def test_adding_a_student_says_which_record_changed(store: Database) -> None:
    outcome = records.add_student(
        TEACHER, store, StudentDraft(surname="Wójcik", forename="Łukasz", candidate_number="7")
    )
    assert outcome.value.candidate_number == "0007"
    assert outcome.changes == Changes.of(STUDENT, outcome.value.id)
    assert STUDENT in outcome.changes and CONVERSATION not in outcome.changes


def test_a_principal_without_the_role_is_refused_in_a_sentence_and_nothing_is_saved(
    store: Database,
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        _student(store, OFFICER)
    assert str(refused.value) == "p.adeyemi may not add a student: that needs the teacher role."
    assert records.list_students(TEACHER, store, ListQuery()) == []


def test_only_an_exams_officer_changes_the_centre(store: Database) -> None:
    with pytest.raises(PermissionDenied, match="exams officer role"):
        records.set_centre(TEACHER, store, Centre(name="Hillside"))
    saved = records.set_centre(OFFICER, store, Centre(name="Hillside", centre_number="12345"))
    assert records.get_centre(TEACHER, store).centre_number == "12345"
    assert saved.changes.kinds == {"centre"}


def test_the_personal_principal_holds_every_role() -> None:
    personal = Principal.personal("t.teacher")
    assert all(personal.may(role) for role in Role)
    assert personal.name == "t.teacher"


def test_planning_with_a_new_name_adds_the_member_of_staff_in_the_same_step(
    store: Database,
) -> None:
    submission_id = _submission(store)
    first = records.plan_conversation(
        KEEPER, store, submission_id=submission_id, held_at=WHEN, led_by="Ms Okafor"
    )
    assert first.value.led_by_name == "Ms Okafor"
    assert STAFF in first.changes and CONVERSATION in first.changes
    # Typed again in other capitals: the same member of staff, not a second one.
    again = records.plan_conversation(
        KEEPER, store, submission_id=submission_id, held_at=WHEN, led_by="ms okafor"
    )
    assert again.value.led_by_id == first.value.led_by_id
    assert STAFF not in again.changes
    assert [p.name for p in records.list_staff(TEACHER, store)] == ["Ms Okafor"]


def test_a_refused_conversation_keeps_no_newly_typed_member_of_staff(store: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        records.plan_conversation(KEEPER, store, submission_id=999, held_at=WHEN, led_by="Mr Lee")
    assert "submission_id" in refused.value.field_errors
    assert records.list_staff(TEACHER, store) == []


def test_changes_merge_by_kind() -> None:
    merged = Changes.of(STUDENT, 1) | Changes.of(STUDENT, 2) | Changes.of(STAFF, 3)
    assert merged.ids(STUDENT) == {1, 2} and merged.ids(STAFF) == {3}
    assert not Changes() and merged
