"""The timeline: a case's or a student's history, in time order, with files and corrections."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.domain.records import ConversationDraft
from app.integrity import amendments, evidence, timeline
from app.integrity.exports import audit_export, audit_print
from app.paths import AppPaths
from app.storage import conversations
from app.storage.database import Database
from app.storage.models import AuditRow
from tests.integrity_support import finalised, tamper


@pytest.mark.both_stores
def test_a_case_timeline_holds_its_whole_history_in_order(
    store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    code = finalised(store, conversation_id)
    report = tmp_path / "detector.png"
    report.write_bytes(b"\x89PNG\r\n\x1a\n fake")
    with store.transaction() as session:
        evidence.attach(
            session,
            paths,
            report,
            kind="detector_report",
            conversation_id=conversation_id,
            note="87% from the school's tool",
        )
        amendments.add(
            session,
            conversation_id,
            path="outcome.next_step",
            new_value="Referred on 9 October.",
            reason="Added the date.",
        )
        audit_export(session, conversation_id, "record", tmp_path / "record.pdf")
        audit_print(session, conversation_id, "student_copy")
        events = timeline.for_conversation(session, conversation_id)
    actions = [e.action for e in events]
    assert actions[0] == "create" and actions[-4:] == ["attach", "amend", "export", "print"]
    assert "finalise" in actions
    assert [e.at for e in events] == sorted(e.at for e in events)
    attached = next(e for e in events if e.action == "attach")
    details = dict(attached.details)
    assert details["File"] == "detector.png" and details["Kind"].startswith("AI-detector")
    assert attached.attachment is not None
    assert details["SHA-256"] == attached.attachment.sha256
    assert details["Note"] == "87% from the school's tool"
    amended = dict(next(e for e in events if e.action == "amend").details)
    assert amended == {
        "Field": "Outcome: next step",
        "Was": "Refer to the exams officer.",
        "Now": "Referred on 9 October.",
        "Reason": "Added the date.",
    }
    exported = next(e for e in events if e.action == "export")
    assert "record.pdf" in exported.summary and exported.actor == store.actor
    with store.transaction() as session:
        logged = session.get(AuditRow, exported.audit_id)
        assert logged is not None
        # The entry names the exact state of the record the document was made from.
        assert json.loads(logged.changes_json)["content_hash"] == code
    assert any(e.record.startswith("answer") for e in events)
    assert any(e.record.startswith("excerpt") for e in events)


@pytest.mark.both_stores
def test_a_student_timeline_spans_their_conversations(
    store: Database, conversation_id: int
) -> None:
    with store.transaction() as session:
        header = conversations.get(session, conversation_id)
        other = conversations.create(
            session,
            ConversationDraft(
                submission_id=header.submission_id,
                held_at=dt.datetime(2026, 11, 2, 14, tzinfo=dt.UTC),
            ),
        )
        events = timeline.for_student(session, header.student_id)
        one_case = timeline.for_conversation(session, conversation_id)
    records = {e.record for e in events}
    assert {f"student {header.student_id}", f"conversation {conversation_id}"} <= records
    assert f"conversation {other.id}" in records
    assert f"conversation {other.id}" not in {e.record for e in one_case}


def test_an_attachment_without_an_audit_entry_still_shows(
    store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("draft")
    with store.transaction() as session:
        evidence.attach(session, paths, draft, conversation_id=conversation_id)
    tamper(paths.database, "DELETE FROM audit_log WHERE action = 'attach'")
    with store.transaction() as session:
        events = timeline.for_conversation(session, conversation_id)
    flagged = [e for e in events if e.action == "attach"]
    assert len(flagged) == 1 and flagged[0].audit_id is None
    assert "no audit entry" in flagged[0].summary


def test_cli_timeline(
    store: Database, paths: AppPaths, conversation_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    finalised(store, conversation_id)
    folder = ["--data-dir", str(paths.data_dir)]
    assert main([*folder, "timeline", "--conversation", str(conversation_id)]) == 0
    text = capsys.readouterr().out
    assert "finalise: Finalised conversation" in text
    assert main([*folder, "timeline", "--student", "1", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert events[0]["action"] == "create" and events[0]["record"] == "student 1"
    assert main([*folder, "timeline", "--student", "99"]) == 1
    assert "no student with id 99" in capsys.readouterr().err
