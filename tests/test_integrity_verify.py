"""``ownwork verify`` passes on sound records and names every kind of tampering it must catch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.domain.records import StudentDraft
from app.integrity import amendments, evidence
from app.integrity.verify import VerifyReport, verify
from app.paths import AppPaths
from app.storage import students
from app.storage.database import Database
from tests.integrity_support import finalised, tamper


@pytest.fixture
def case(store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path) -> int:
    """A finalised conversation with an amendment and an attachment."""
    finalised(store, conversation_id)
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(b"%PDF-1.4 first draft of the essay")
    with store.transaction() as session:
        amendments.add(
            session,
            conversation_id,
            path="outcome.student_account",
            new_value="Says a cousin helped with the wording of two paragraphs.",
            reason="The student asked for the account to be more precise.",
        )
        evidence.attach(session, paths, draft, kind="draft", conversation_id=conversation_id)
    return conversation_id


def _check(store: Database, paths: AppPaths) -> VerifyReport:
    return verify(paths, store)


def _messages(report: VerifyReport) -> list[str]:
    return [str(p) for p in report.problems]


def test_sound_records_verify(store: Database, paths: AppPaths, case: int) -> None:
    report = _check(store, paths)
    assert report.ok, report.problems
    assert (report.finalised, report.amendments, report.attachments) == (1, 1, 1)
    assert report.audit_entries > 10
    assert report.summary().startswith("All records verified")


def test_a_changed_finalised_field_is_detected(store: Database, paths: AppPaths, case: int) -> None:
    tamper(
        paths.database,
        f"UPDATE conversation_answers SET student_words = 'I wrote it all myself.' "
        f"WHERE conversation_id = {case} AND position = 0",
    )
    report = _check(store, paths)
    assert not report.ok
    assert _messages(report) == [
        f"conversation {case}: Was changed after it was finalised: "
        "Question 1: student words (answers.1.student_words)."
    ]


def test_a_changed_conclusion_on_the_conversation_row_is_detected(
    store: Database, paths: AppPaths, case: int
) -> None:
    tamper(paths.database, f"UPDATE conversations SET conclusion = 'satisfied' WHERE id = {case}")
    assert any("outcome.conclusion" in m for m in _messages(_check(store, paths)))


def test_removing_the_finalisation_to_edit_the_record_is_detected(
    store: Database, paths: AppPaths, case: int
) -> None:
    tamper(
        paths.database,
        f"DELETE FROM finalisations WHERE conversation_id = {case}",
        f"UPDATE conversations SET next_step = 'Nothing further.' WHERE id = {case}",
    )
    messages = _messages(_check(store, paths))
    assert any(f"conversation {case}: Was finalised (audit entry" in m for m in messages)


def test_a_changed_attachment_file_is_detected(store: Database, paths: AppPaths, case: int) -> None:
    with store.transaction() as session:
        (attached,) = evidence.list_for_conversation(session, case)
    stored = evidence.evidence_path(paths, attached.sha256)
    stored.write_bytes(b"%PDF-1.4 a different draft")
    messages = _messages(_check(store, paths))
    assert messages == [
        f"attachment {attached.id} (draft.pdf): Its file was changed after it was attached: "
        "its SHA-256 no longer matches."
    ]
    stored.unlink()
    assert "Its file is missing" in _messages(_check(store, paths))[0]


def test_a_changed_attachment_row_is_detected(store: Database, paths: AppPaths, case: int) -> None:
    tamper(paths.database, "UPDATE attachments SET kind = 'submitted_work'")
    (message,) = _messages(_check(store, paths))
    assert message.startswith("attachment 1 (draft.pdf): Its details were changed")
    assert "kind" in message


@pytest.mark.parametrize("which", ["middle", "first"])
def test_a_deleted_audit_entry_is_detected(
    store: Database, paths: AppPaths, case: int, which: str
) -> None:
    entry = 5 if which == "middle" else 1
    tamper(paths.database, f"DELETE FROM audit_log WHERE id = {entry}")
    messages = _messages(_check(store, paths))
    assert messages[0] == (
        f"audit entry {entry}: Missing from the audit log: removed after being written "
        f"(the chain resumes at entry {entry + 1})."
    )


def test_deleting_the_last_entries_of_the_log_is_detected(
    store: Database, paths: AppPaths, case: int
) -> None:
    # The chain alone cannot see its own end cut off; the records that need an entry can.
    tamper(paths.database, "DELETE FROM audit_log WHERE action IN ('attach', 'amend')")
    messages = _messages(_check(store, paths))
    assert any("amendment 1" in m and "no entry in the audit log" in m for m in messages)
    assert any("attachment 1" in m and "no entry in the audit log" in m for m in messages)


def test_an_edited_audit_entry_is_detected(store: Database, paths: AppPaths, case: int) -> None:
    tamper(paths.database, "UPDATE audit_log SET actor = 'someone else' WHERE id = 3")
    assert _messages(_check(store, paths)) == [
        "audit entry 3: Changed after it was written: its SHA-256 no longer matches its content."
    ]


def test_a_rehashed_edit_breaks_the_link_to_the_next_entry(
    store: Database, paths: AppPaths, case: int
) -> None:
    tamper(paths.database, "UPDATE audit_log SET hash = prev_hash WHERE id = 3")
    messages = _messages(_check(store, paths))
    assert any(
        m.startswith("audit entry 4: Does not link to the entry before it") for m in messages
    )


def test_an_edited_amendment_is_detected(store: Database, paths: AppPaths, case: int) -> None:
    tamper(paths.database, "UPDATE amendments SET reason = 'no reason'")
    (message,) = _messages(_check(store, paths))
    assert message.startswith(f"amendment 1 (conversation {case}): Was changed after")


def test_removed_safeguards_are_reported(store: Database, paths: AppPaths, case: int) -> None:
    tamper(paths.database, restore_triggers=False)
    (message,) = _messages(_check(store, paths))
    assert message.startswith("database triggers: 19 of the safeguards")


def test_a_student_renamed_in_ownwork_after_finalising_is_a_note_not_a_problem(
    store: Database, paths: AppPaths, case: int
) -> None:
    with store.transaction() as session:
        student = students.get(session, 1)
        students.update(
            session,
            student.id,
            StudentDraft(
                surname="Nguyen",
                forename=student.forename,
                upn=student.upn,
                candidate_number=student.candidate_number,
            ),
        )
    report = _check(store, paths)
    assert report.ok
    assert [str(n) for n in report.notes] == [
        f"conversation {case}: After it was finalised, these details were corrected in "
        "OwnWork: Student: surname (student.surname). The finalised record keeps the values it "
        "had."
    ]


def test_a_student_renamed_behind_the_apps_back_is_a_problem(
    store: Database, paths: AppPaths, case: int
) -> None:
    tamper(paths.database, "UPDATE students SET forename = 'Mai' WHERE id = 1")
    (message,) = _messages(_check(store, paths))
    assert "changed outside OwnWork" in message and "student.forename" in message


def test_cli_verify_exit_codes_and_json(
    store: Database, paths: AppPaths, case: int, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(paths.data_dir)]
    assert main([*folder, "verify"]) == 0
    assert "All records verified" in capsys.readouterr().out
    tamper(paths.database, "DELETE FROM audit_log WHERE id = 2")
    assert main([*folder, "verify"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("PROBLEM  audit entry 2: Missing")
    assert main([*folder, "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["problems"][0]["record"] == "audit entry 2"
    assert report["checked"]["finalised"] == 1


def test_a_damaged_database_file_is_reported_not_crashed_on(
    store: Database, paths: AppPaths, case: int, capsys: pytest.CaptureFixture[str]
) -> None:
    store.dispose()
    data = bytearray(paths.database.read_bytes())
    data[4096 * 2 : 4096 * 3] = b"\x00" * 4096  # wipe a page in the middle of the file
    paths.database.write_bytes(bytes(data))
    code = main(["--data-dir", str(paths.data_dir), "verify"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err + captured.out
    lines = captured.out.splitlines()
    assert lines[0].startswith("PROBLEM  database file: The database")
    assert "is damaged" in lines[0]
    assert lines[-1].startswith("The database file failed SQLite's integrity check")
