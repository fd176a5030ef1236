"""Finalising makes a concluded record read-only everywhere; corrections are amendments."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.cli.main import main
from app.domain import canonical
from app.domain.interview import IndicatorSeen
from app.domain.records import Conclusion, ConversationDraft, Rating
from app.errors import OwnWorkError, ValidationError
from app.integrity import amendments, finalise
from app.integrity.guard import RecordFinalisedError
from app.paths import AppPaths
from app.storage import audit, case_files, conversations, interviews
from app.storage.database import Database
from app.storage.models import AnswerRow, AuditRow, ExcerptRow
from tests.integrity_support import all_rows, conclude, finalised


def _code(store: Database, conversation_id: int) -> str:
    with store.transaction() as session:
        return canonical.integrity_code(case_files.load_case(session, conversation_id))


def test_only_a_concluded_conversation_can_be_finalised(
    store: Database, conversation_id: int
) -> None:
    with store.transaction() as session, pytest.raises(OwnWorkError, match="not been concluded"):
        finalise.finalise(session, conversation_id)
    conclude(store, conversation_id)
    with store.transaction() as session:
        done = finalise.finalise(session, conversation_id)
    assert done.finalised_by == "test teacher"
    assert done.content_hash == _code(store, conversation_id)
    with store.transaction() as session, pytest.raises(OwnWorkError, match="already finalised"):
        finalise.finalise(session, conversation_id)


def test_finalising_writes_its_integrity_code_into_the_audit_log(
    store: Database, conversation_id: int
) -> None:
    code = finalised(store, conversation_id)
    with store.transaction() as session:
        entry = session.scalars(select(AuditRow).where(AuditRow.action == "finalise")).one()
        assert entry.entity_id == conversation_id
        assert json.loads(entry.changes_json)["content_hash"] == code
        assert finalise.finalised_among(session, [conversation_id, 999]) == {conversation_id}


def _first_ids(session: Session, conversation_id: int) -> tuple[int, int]:
    answer = session.scalars(
        select(AnswerRow.id).where(AnswerRow.conversation_id == conversation_id)
    ).first()
    excerpt = session.scalars(
        select(ExcerptRow.id).where(ExcerptRow.conversation_id == conversation_id)
    ).first()
    assert answer is not None and excerpt is not None
    return answer, excerpt


WRITES: dict[str, Callable[[Session, int, int, int], object]] = {
    "header": lambda s, c, a, e: conversations.update(
        s, c, ConversationDraft(submission_id=1, held_at=conversations.get(s, c).held_at)
    ),
    "preparation": lambda s, c, a, e: interviews.save_preparation(s, c, concern_summary="x"),
    "people": lambda s, c, a, e: interviews.set_people(
        s, c, led_by_id=None, second_staff_id=None, others_present="x"
    ),
    "indicators": lambda s, c, a, e: interviews.set_indicators(
        s, c, [IndicatorSeen(code="other", note="x")]
    ),
    "add excerpt": lambda s, c, a, e: interviews.add_excerpt(s, c, location="p1", text="x"),
    "update excerpt": lambda s, c, a, e: interviews.update_excerpt(s, e, location="", text="x"),
    "remove excerpt": lambda s, c, a, e: interviews.remove_excerpt(s, e),
    "move excerpt": lambda s, c, a, e: interviews.move_excerpt(s, e, 3),
    "answer": lambda s, c, a, e: interviews.update_answer(s, a, student_words="rewritten"),
    "rating": lambda s, c, a, e: interviews.update_answer(s, a, rating=Rating.CLEAR),
    "question": lambda s, c, a, e: interviews.add_question(s, c, after_answer_id=a, text="Why?"),
    "position": lambda s, c, a, e: interviews.set_position(s, c, 0),
    "outcome": lambda s, c, a, e: interviews.save_outcome(s, c, next_step="x"),
    "conclude": lambda s, c, a, e: interviews.conclude(
        s, c, conclusion=Conclusion.SATISFIED, student_account="", next_step=""
    ),
}


@pytest.mark.both_stores
@pytest.mark.parametrize("write", sorted(WRITES))
def test_finalised_record_cannot_be_edited(
    store: Database, conversation_id: int, write: str
) -> None:
    code = finalised(store, conversation_id)
    before = all_rows(store)
    with store.transaction() as session:
        answer_id, excerpt_id = _first_ids(session, conversation_id)
    with (
        pytest.raises(RecordFinalisedError, match=r"was finalised on .* add an amendment instead"),
        store.transaction() as session,
    ):
        WRITES[write](session, conversation_id, answer_id, excerpt_id)
    assert all_rows(store) == before
    assert _code(store, conversation_id) == code


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE conversation_answers SET student_words = 'x' WHERE conversation_id = {c}",
        "DELETE FROM conversation_excerpts WHERE conversation_id = {c}",
        "INSERT INTO conversation_indicators (conversation_id, code, note) "
        "VALUES ({c}, 'other', '')",
        "UPDATE conversations SET next_step = 'x' WHERE id = {c}",
        "DELETE FROM finalisations",
        "UPDATE finalisations SET content_hash = 'x'",
        "DELETE FROM audit_log WHERE id = 1",
        "UPDATE audit_log SET summary = 'x'",
    ],
)
@pytest.mark.both_stores
def test_the_database_itself_refuses_changes_to_finalised_records_and_the_log(
    store: Database, conversation_id: int, statement: str
) -> None:
    finalised(store, conversation_id)
    before = all_rows(store)
    # A connection of its own, outside the application's sessions: the database refuses.
    with store.engine.connect() as connection:
        with pytest.raises(DBAPIError, match=r"finalised|append-only"):
            connection.execute(text(statement.format(c=conversation_id)))
        connection.rollback()
    assert all_rows(store) == before


@pytest.mark.parametrize("store_kind", ["postgresql"])
@pytest.mark.parametrize("table", ["audit_log", "finalisations", "amendments", "attachments"])
def test_the_server_refuses_to_truncate_an_append_only_table(
    store: Database, conversation_id: int, table: str
) -> None:
    # TRUNCATE fires no row trigger; SQLite has no TRUNCATE (its DELETE is covered above).
    finalised(store, conversation_id)
    before = all_rows(store)
    with (
        store.engine.connect() as connection,
        pytest.raises(DBAPIError, match=f"OwnWork: {table} is append-only"),
    ):
        connection.execute(text(f"TRUNCATE {table} CASCADE"))
    assert all_rows(store) == before


def test_a_correction_is_an_amendment_beside_the_original(
    store: Database, conversation_id: int
) -> None:
    code = finalised(store, conversation_id)
    with store.transaction() as session:
        fields = {f.path: f for f in amendments.amendable_fields(session, conversation_id)}
        original = fields["answers.1.student_words"].value
        first = amendments.add(
            session,
            conversation_id,
            path="answers.1.student_words",
            new_value="I started with Chepstow because we went there in Year 7.",
            reason="The student corrected the year when reading the record.",
        )
    with store.transaction() as session:
        second = amendments.add(
            session,
            conversation_id,
            path="answers.1.student_words",
            new_value="Year 7, on the history trip.",
            reason="Added where the visit happened.",
        )
        listed = amendments.list_for(session, conversation_id)
        current = {f.path: f.value for f in amendments.amendable_fields(session, conversation_id)}
        entries = audit.entries_for(session, "amendment", second.id)
    assert first.old_value == original
    assert second.old_value == first.new_value
    assert [a.id for a in listed] == [first.id, second.id]
    assert listed[0].author == "test teacher" and listed[0].label == "Question 1: student words"
    assert current["answers.1.student_words"] == "Year 7, on the history trip."
    assert [e.action for e in entries] == ["amend"]
    # The record itself, and the code it was finalised with, are unchanged.
    assert _code(store, conversation_id) == code


@pytest.mark.parametrize(
    ("path", "value", "reason", "field"),
    [
        ("answers.1.student_words", "new", "   ", "reason"),
        ("answers.99.student_words", "new", "typo", "path"),
        ("format", "x", "typo", "path"),
        ("outcome.next_step", "Refer to the exams officer.", "same", "value"),
        ("outcome.next_step", "bell \x07", "typo", "value"),
    ],
)
def test_an_amendment_needs_a_known_field_a_change_and_a_reason(
    store: Database, conversation_id: int, path: str, value: str, reason: str, field: str
) -> None:
    finalised(store, conversation_id)
    with store.transaction() as session, pytest.raises(ValidationError) as raised:
        amendments.add(session, conversation_id, path=path, new_value=value, reason=reason)
    assert field in raised.value.field_errors
    with store.transaction() as session:
        assert amendments.list_for(session, conversation_id) == []


def test_a_conversation_still_in_progress_is_not_amended(
    store: Database, conversation_id: int
) -> None:
    with store.transaction() as session, pytest.raises(OwnWorkError, match="not been concluded"):
        amendments.add(
            session, conversation_id, path="outcome.next_step", new_value="x", reason="y"
        )


def test_cli_finalise_and_amend(
    store: Database, paths: AppPaths, conversation_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    conclude(store, conversation_id)
    folder = ["--data-dir", str(paths.data_dir)]
    assert main([*folder, "finalise", str(conversation_id)]) == 0
    out = capsys.readouterr().out
    assert f"Conversation {conversation_id} finalised" in out
    assert _code(store, conversation_id)[:8] in out
    assert main([*folder, "finalise", str(conversation_id)]) == 1
    assert "already finalised" in capsys.readouterr().err
    assert main([*folder, "amend", str(conversation_id), "--list-fields"]) == 0
    assert "outcome.next_step" in capsys.readouterr().out
    args = ["--field", "outcome.next_step", "--value", "Referred on 9 October."]
    assert main([*folder, "amend", str(conversation_id), *args, "--reason", "date"]) == 0
    assert "Amendment 1 recorded" in capsys.readouterr().out
    assert main([*folder, "amend", str(conversation_id), "--field", "outcome.next_step"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--reason" in err
