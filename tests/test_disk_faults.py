"""A full disk and a read-only data folder: a clear message, and what was saved stays saved.

The full disk is simulated portably with SQLite's ``max_page_count``; where the test may mount
file systems (root in a container), a tiny tmpfs fills up for real and a read-only one refuses
for real (EROFS) — otherwise those tests are skipped and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.cli.main import main
from app.errors import DataFolderError, OwnWorkError, StorageFullError
from app.integrity import evidence
from app.integrity.verify import verify
from app.paths import AppPaths, resolve_paths
from app.storage import backups, case_files, interviews
from app.storage.database import Database, open_store
from app.storage.sqlite import integrity_problems
from tests.integrity_support import plan_conversation, table_rows
from tests.interview_support import snapshot

NOTE = "The student described the castle visit in detail. " * 2000  # 100 KB


def _in_progress(store: Database, conversation_id: int) -> list[int]:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        answers = interviews.begin(session, conversation_id, snapshot(), "Essay")
    return [a.id or 0 for a in answers]


def _compact(store: Database) -> int:
    """VACUUM (no free pages left to reuse) and return the database's size in pages."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")
        return int(connection.exec_driver_sql("PRAGMA page_count").scalar() or 0)


def _limit_pages(store: Database, extra: int) -> None:
    """From now on the database may grow by ``extra`` pages at most: a disk that fills up."""
    pages = _compact(store)

    @event.listens_for(store.engine, "connect")
    def _limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + extra}")

    store.engine.dispose()  # pooled connections reopen with the limit


def test_a_full_database_says_so_and_keeps_what_was_saved(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    answers = _in_progress(store, conversation_id)
    with store.transaction() as session:
        interviews.update_answer(session, answers[0], student_words="Saved before the disk filled.")
    _limit_pages(store, extra=30)
    saved: list[int] = []
    with pytest.raises(StorageFullError) as raised:
        for answer_id in answers[1:]:
            with store.transaction() as session:
                interviews.update_answer(session, answer_id, observations=NOTE)
            saved.append(answer_id)
    message = str(raised.value)
    assert "is full" in message and "what was saved before is intact" in message
    with store.transaction() as session:
        content = case_files.load_content(session, conversation_id)
    by_id = {a.id: a for a in content.answers}
    assert by_id[answers[0]].student_words == "Saved before the disk filled."
    for answer_id in answers[1:]:
        # Each note is either all there or not there at all.
        assert by_id[answer_id].observations == (NOTE.strip() if answer_id in saved else "")
    assert integrity_problems(paths.database) == []
    assert verify(paths, store).ok


def test_a_full_database_from_the_command_line(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from app.storage import sqlite as sqlite_module

    real = sqlite_module.configure_engine

    def tiny(engine: Any) -> None:
        real(engine)

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection: Any, _record: Any) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    _compact(store)
    before = table_rows(paths.database)
    monkeypatch.setattr(sqlite_module, "configure_engine", tiny)
    big = tmp_path / "scan.txt"
    big.write_text(NOTE * 3)
    note = ["--note", NOTE[:4000]]
    code = main(
        [
            "--data-dir",
            str(paths.data_dir),
            "attach",
            "--conversation",
            str(conversation_id),
            str(big),
            *note,
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "is full" in err
    assert table_rows(paths.database) == before


@pytest.fixture
def mountable(tmp_path: Path) -> Iterator[Path]:
    """A folder where this test may mount a tmpfs, or a skip saying why it cannot."""
    point = tmp_path / "mnt"
    point.mkdir()
    if os.name != "posix" or shutil.which("mount") is None:
        pytest.skip("needs mount(8)")
    probe = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("mounting a tmpfs needs root (or CAP_SYS_ADMIN) in a container")
    subprocess.run(["umount", str(point)], check=True)
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _mount(point: Path, size: str, *, read_only: bool = False) -> None:
    options = f"size={size},mode=0700" + (",ro" if read_only else "")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], check=True)


def _remount_read_only(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)


def test_a_tiny_file_system_fills_up_for_real(mountable: Path, tmp_path: Path) -> None:
    _mount(mountable, "1m")
    paths = resolve_paths(mountable / "data")
    store = open_store(paths, actor="teacher")
    try:
        conversation_id = plan_conversation(store)
        answers = _in_progress(store, conversation_id)
        with store.transaction() as session:
            interviews.update_answer(session, answers[0], student_words="Kept.")
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(os.urandom(2 * 1024 * 1024))
        before = table_rows(paths.database)
        with pytest.raises(StorageFullError, match="is full"), store.transaction() as session:
            evidence.attach(session, paths, scan, conversation_id=conversation_id)
        assert table_rows(paths.database) == before
        assert not list((paths.evidence_dir / "incoming").glob("*"))
        with pytest.raises(StorageFullError, match="is full"):
            for answer_id in answers[1:] * 20:
                with store.transaction() as session:
                    interviews.update_answer(
                        session, answer_id, observations=os.urandom(60_000).hex()
                    )
        with store.transaction() as session:
            content = case_files.load_content(session, conversation_id)
        assert content.answers[0].student_words == "Kept."
        assert integrity_problems(paths.database) == []
    finally:
        store.dispose()


def test_a_read_only_file_system_opens_the_records_read_only_and_left_untouched(
    mountable: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EROFS binds root too: the records are read, writing is refused, no byte changes."""
    _mount(mountable, "4m")
    paths = resolve_paths(mountable / "data")
    store = open_store(paths, actor="teacher")
    plan_conversation(store)
    store.dispose()
    _remount_read_only(mountable)
    before = paths.database.read_bytes()
    store = open_store(paths)
    try:
        assert store.read_only is not None and "Read-only file system" in store.read_only
    finally:
        store.dispose()
    assert main(["--data-dir", str(paths.data_dir), "list", "conversations"]) == 0
    assert main(["--data-dir", str(paths.data_dir), "verify"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("All records verified")
    assert main(["--data-dir", str(paths.data_dir), "finalise", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Read-only file system" in err and "Traceback" not in err
    assert "cannot change the records" in err
    assert paths.database.read_bytes() == before


def test_a_read_only_evidence_folder_refuses_the_file_and_records_nothing(
    store: Database, paths: AppPaths, conversation_id: int, mountable: Path, tmp_path: Path
) -> None:
    paths.evidence_dir.mkdir(parents=True, exist_ok=True)
    _mount(paths.evidence_dir, "1m", read_only=True)
    try:
        work = tmp_path / "essay.pdf"
        work.write_bytes(b"%PDF-1.4 essay")
        before = table_rows(paths.database)
        with pytest.raises(DataFolderError) as raised, store.transaction() as session:
            evidence.attach(session, paths, work, conversation_id=conversation_id)
        assert "evidence folder" in str(raised.value)
        assert "Read-only file system" in str(raised.value)
        assert table_rows(paths.database) == before
    finally:
        subprocess.run(["umount", "-l", str(paths.evidence_dir)], capture_output=True)


def test_a_read_only_backups_folder_is_reported_and_harms_nothing(
    store: Database, paths: AppPaths, conversation_id: int, mountable: Path
) -> None:
    paths.backups_dir.mkdir(parents=True, exist_ok=True)
    _mount(paths.backups_dir, "1m", read_only=True)
    try:
        before = table_rows(paths.database)
        with pytest.raises(OwnWorkError, match="backup could not be written") as raised:
            backups.rotate_daily(paths)
        assert "Your records are unaffected" in str(raised.value)
        assert table_rows(paths.database) == before
    finally:
        subprocess.run(["umount", "-l", str(paths.backups_dir)], capture_output=True)
