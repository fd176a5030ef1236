"""``ownwork export``: a PDF on success, one clear line and a non-zero exit otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.cli.main import main
from app.storage import audit
from app.storage.database import Database
from app.storage.models import AnswerRow, ConversationRow, IndicatorRow, StudentRow
from tests.document_support import pdf_text, reader
from tests.integrity_support import centre_for_referrals
from tests.read_only_support import NOBODY, owned_place, ownwork, seeded


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def conclude(store: Database, conversation_id: int, conclusion: str = "concerns_remain") -> None:
    """Record the walk-through's outcome directly in the tables, as the interview screens do."""
    with store.transaction() as session:
        row = session.get(ConversationRow, conversation_id)
        assert row is not None
        row.status = "concluded"
        row.conclusion = conclusion
        row.concern_summary = "The essay does not match the class work."
        row.student_account = "I wrote it at home."
        row.rights_json = (
            '{"informed_in_writing": true, "told_consequences": true, '
            '"told_statement_and_appeal": true}'
        )
        session.add(IndicatorRow(conversation_id=conversation_id, code="style_shifts"))
        session.add(
            AnswerRow(
                conversation_id=conversation_id,
                position=0,
                question_key="s1.q1",
                section_title="Process",
                question_text="Where did you start?",
                rating="unable",
                student_words="I can't remember.",
                observations="Long pause.",
            )
        )


def test_export_record_and_student_copy(
    store: Database, conversation_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "record.pdf"
    code, out, err = run(capsys, "export", "record", str(conversation_id), "-o", str(target))
    assert (code, err) == (0, "")
    assert out.strip() == f"Saved the record of conversation {conversation_id} to {target}."
    text = pdf_text(target.read_bytes())
    assert "Thị Mai Nguyễn" in text and "Ms Okafor" in text
    with store.transaction() as session:
        exports = [
            e
            for e in audit.entries_for(session, "conversation", conversation_id)
            if e.action == "export"
        ]
    assert [e.summary for e in exports] == [
        f"Exported the record of conversation {conversation_id} to record.pdf"
    ]
    copy = tmp_path / "copy.pdf"
    code, _, _ = run(
        capsys, "export", "record", str(conversation_id), "-o", str(copy), "--student-copy"
    )
    assert code == 0
    assert "student's copy" in pdf_text(copy.read_bytes())


def test_export_referral_once_concluded(
    store: Database, conversation_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conclude(store, conversation_id)
    centre_for_referrals(store)
    target = tmp_path / "referral.pdf"
    code, _, err = run(capsys, "export", "referral", str(conversation_id), "-o", str(target))
    # The conversation was held weeks before today: the referral is late, and says so.
    assert code == 0
    assert err.startswith("ownwork: warning: late notification. The concern arose on or before")
    assert len(err.splitlines()) == 1
    data = target.read_bytes()
    assert "Where did you start?" in pdf_text(data)
    assert "declaration_confirmed" in (reader(data).get_fields() or {})


def _one_line_failure(code: int, out: str, err: str) -> str:
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ownwork: ")
    return lines[0]


def _exports(store: Database, conversation_id: int) -> int:
    with store.transaction() as session:
        entries = audit.entries_for(session, "conversation", conversation_id)
    return sum(1 for e in entries if e.action == "export")


def test_unknown_id(store: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "x.pdf"
    line = _one_line_failure(*run(capsys, "export", "record", "4242", "-o", str(target)))
    assert "no conversation with id 4242" in line
    assert not target.exists()


def test_unwritable_path(
    store: Database, conversation_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no such folder" / "x.pdf"
    line = _one_line_failure(
        *run(capsys, "export", "record", str(conversation_id), "-o", str(missing))
    )
    assert "Cannot save the PDF to" in line and "no such folder" in line
    line = _one_line_failure(
        *run(capsys, "export", "record", str(conversation_id), "-o", str(tmp_path))
    )
    assert "that is a folder" in line


def test_read_only_folder() -> None:
    """Run as another process (as "nobody" when root, whom file modes do not bind)."""
    with owned_place() as place:
        folder = seeded(place)
        locked = place / "locked"
        locked.mkdir(mode=0o500)
        if os.geteuid() == 0:
            os.chown(locked, NOBODY, NOBODY)
        done = ownwork("export", "record", "1", "-o", str(locked / "x.pdf"), folder=folder)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "Cannot save the PDF to" in done.stderr and "Permission denied" in done.stderr
    assert not (locked / "x.pdf").exists()


def test_existing_file_is_replaced_only_by_a_complete_one(
    store: Database, conversation_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "record.pdf"
    target.write_bytes(b"old")
    assert run(capsys, "export", "record", str(conversation_id), "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "record.pdf"]


def test_referral_not_ready(
    store: Database, conversation_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "referral.pdf"
    line = _one_line_failure(
        *run(capsys, "export", "referral", str(conversation_id), "-o", str(target))
    )
    assert f"Conversation {conversation_id} is not ready for a referral" in line
    assert "no conclusion yet" in line
    conclude(store, conversation_id, conclusion="satisfied")
    line = _one_line_failure(
        *run(capsys, "export", "referral", str(conversation_id), "-o", str(target))
    )
    assert "nothing to refer" in line
    assert not target.exists()
    assert _exports(store, conversation_id) == 0


def test_missing_glyphs_refused_unless_allowed(
    store: Database, conversation_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with store.transaction() as session:
        student = session.query(StudentRow).one()
        student.forename = "𓀀𓀁"
    target = tmp_path / "record.pdf"
    line = _one_line_failure(
        *run(capsys, "export", "record", str(conversation_id), "-o", str(target))
    )
    assert "U+13000" in line and "student's forename" in line and "--allow-missing-glyphs" in line
    assert not target.exists()
    code, _, err = run(
        capsys,
        "export",
        "record",
        str(conversation_id),
        "-o",
        str(target),
        "--allow-missing-glyphs",
    )
    assert code == 0
    assert err.startswith("ownwork: warning: no font on this computer can draw")
    assert target.exists()
