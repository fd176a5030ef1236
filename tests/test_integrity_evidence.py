"""Evidence files: copied in by SHA-256, private, deduplicated, listed, opened, and weighed."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from app.cli.main import main
from app.domain.interview import IndicatorSeen
from app.errors import OwnWorkError, StorageFullError, ValidationError
from app.integrity import blobs, evidence
from app.integrity.evidence import DETECTOR_ONLY_REFUSAL, AttachmentKind
from app.paths import AppPaths
from app.storage import audit, conversations, interviews
from app.storage.database import Database
from tests.integrity_support import evidence_files, table_rows


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "Zoë's essay (final).pdf"
    path.write_bytes(b"%PDF-1.4\n" + "Castles of the Welsh Marches — Zoë".encode() * 50)
    return path


def test_a_file_is_copied_in_under_its_sha256_readable_by_the_user_only(
    store: Database, paths: AppPaths, conversation_id: int, work: Path
) -> None:
    with store.transaction() as session:
        attached = evidence.attach(
            session, paths, work, kind="submitted_work", conversation_id=conversation_id
        )
        entries = audit.entries_for(session, "attachment", attached.id)
    digest = hashlib.sha256(work.read_bytes()).hexdigest()
    stored = paths.evidence_dir / digest[:2] / digest
    assert attached.sha256 == digest and attached.size == work.stat().st_size
    assert attached.name == work.name and attached.media_type == "application/pdf"
    assert attached.kind is AttachmentKind.SUBMITTED_WORK and attached.added_by == "test teacher"
    assert stored.read_bytes() == work.read_bytes()
    assert [e.action for e in entries] == ["attach"]
    if os.name == "posix":
        assert stored.stat().st_mode & 0o777 == 0o600
        assert stored.parent.stat().st_mode & 0o777 == 0o700
        assert paths.evidence_dir.stat().st_mode & 0o777 == 0o700
    work.write_bytes(b"changed afterwards")
    assert stored.read_bytes() != work.read_bytes()  # a copy, not a link


def test_the_same_content_is_stored_once(
    store: Database, paths: AppPaths, conversation_id: int, work: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(work.read_bytes())
    with store.transaction() as session:
        submission_id = conversations.get(session, conversation_id).submission_id
        first = evidence.attach(session, paths, work, submission_id=submission_id)
        second = evidence.attach(
            session, paths, copy, kind="draft", conversation_id=conversation_id
        )
        listed = evidence.list_for_conversation(session, conversation_id)
        only_conversation = evidence.list_for_conversation(
            session, conversation_id, include_submission=False
        )
    assert first.sha256 == second.sha256
    assert [a.id for a in listed] == [first.id, second.id]
    assert [a.id for a in only_conversation] == [second.id]
    assert [f for f in evidence_files(paths.evidence_dir) if not f.startswith("incoming")] == [
        f"{first.sha256[:2]}/{first.sha256}"
    ]


def _refused(store: Database, paths: AppPaths, conversation_id: int, source: Path) -> str:
    before = table_rows(paths.database)
    with pytest.raises(OwnWorkError) as raised, store.transaction() as session:
        evidence.attach(session, paths, source, conversation_id=conversation_id)
    assert table_rows(paths.database) == before
    assert [f for f in evidence_files(paths.evidence_dir) if not f.startswith("incoming")] == []
    assert (
        not list((paths.evidence_dir / "incoming").glob("*"))
        if paths.evidence_dir.exists()
        else True
    )
    return str(raised.value)


def test_a_file_over_200_mb_is_refused(
    store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:
        handle.truncate(evidence.MAX_BYTES + 1)  # sparse: no 200 MB written to disk
    assert "at most 200 MB" in _refused(store, paths, conversation_id, big)


def test_missing_folder_and_unreadable_files_are_refused_clearly(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    work: Path,
) -> None:
    assert "does not exist" in _refused(store, paths, conversation_id, tmp_path / "gone.pdf")
    assert "not a file" in _refused(store, paths, conversation_id, tmp_path)
    real_open = Path.open

    def locked(self: Path, *args: object, **kwargs: object) -> object:
        if self == work:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", locked)
    assert "cannot be read (Permission denied)" in _refused(store, paths, conversation_id, work)


def test_a_full_disk_while_copying_leaves_nothing_behind(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    work: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(_fd: int, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    # The evidence store (app/integrity/blobs.py) writes the copy.
    monkeypatch.setattr(blobs.os, "write", full)
    before = table_rows(paths.database)
    with pytest.raises(StorageFullError, match=r"disk .* is full"), store.transaction() as session:
        evidence.attach(session, paths, work, conversation_id=conversation_id)
    assert table_rows(paths.database) == before
    assert evidence_files(paths.evidence_dir) == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "parent"),
        ({"conversation_id": 1, "submission_id": 1}, "parent"),
        ({"conversation_id": 999}, "conversation_id"),
        ({"conversation_id": 1, "kind": "horoscope"}, "kind"),
        ({"conversation_id": 1, "note": "x" * 5001}, "note"),
        ({"conversation_id": 1, "name": "a\x00b"}, "name"),
    ],
)
def test_attachment_details_are_checked_before_the_copy(
    store: Database, paths: AppPaths, conversation_id: int, work: Path, kwargs: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as raised, store.transaction() as session:
        evidence.attach(session, paths, work, **kwargs)
    assert field in raised.value.field_errors
    assert evidence_files(paths.evidence_dir) == []


def test_a_viewing_copy_keeps_the_name_and_refuses_a_changed_file(
    store: Database, paths: AppPaths, conversation_id: int, work: Path
) -> None:
    with store.transaction() as session:
        attached = evidence.attach(session, paths, work, conversation_id=conversation_id)
    copy = evidence.viewing_copy(paths, store, attached)
    assert copy.name == work.name and copy.read_bytes() == work.read_bytes()
    if os.name == "posix":
        assert copy.stat().st_mode & 0o222 == 0  # a viewer cannot change the evidence
    assert evidence.viewing_copy(paths, store, attached) == copy  # opening twice is fine
    evidence.evidence_path(paths, attached.sha256).write_bytes(b"tampered")
    with pytest.raises(OwnWorkError, match="no longer matches the SHA-256"):
        evidence.viewing_copy(paths, store, attached)
    evidence.evidence_path(paths, attached.sha256).unlink()
    with pytest.raises(OwnWorkError, match="missing"):
        evidence.viewing_copy(paths, store, attached)


def test_a_detector_result_alone_is_not_evidence_for_a_referral(
    store: Database, paths: AppPaths, conversation_id: int, work: Path
) -> None:
    with store.transaction() as session:
        assert evidence.evidence_summary(session, conversation_id).referral_refusal is None
        evidence.attach(
            session, paths, work, kind="detector_report", conversation_id=conversation_id
        )
        summary = evidence.evidence_summary(session, conversation_id)
    assert summary.detector_reports == 1 and summary.detector_only
    assert summary.referral_refusal == DETECTOR_ONLY_REFUSAL
    assert "not proof on its own" in DETECTOR_ONLY_REFUSAL
    with store.transaction() as session:
        interviews.set_indicators(session, conversation_id, [IndicatorSeen(code="detector_flag")])
        assert evidence.evidence_summary(session, conversation_id).detector_only
        interviews.add_excerpt(session, conversation_id, location="p. 2", text="The marches…")
        summary = evidence.evidence_summary(session, conversation_id)
    assert summary.conversation_evidence and summary.referral_refusal is None


def test_cli_attach(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    work: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = ["--data-dir", str(paths.data_dir)]
    code = main(
        [
            *folder,
            "attach",
            "--conversation",
            str(conversation_id),
            str(work),
            "--kind",
            "draft",
            "--note",
            "First draft, handed in on paper.",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "Attached Zoë's essay (final).pdf" in out
    assert hashlib.sha256(work.read_bytes()).hexdigest() in out
    assert main([*folder, "attach", "--submission", "999", str(work)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no submission with id 999" in err
