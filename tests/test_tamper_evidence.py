"""Tampering and faults tried from outside the app, as issue 15 found them: real data folders,
the installed command run as a subprocess, files changed with the sqlite3 module.

Covers: no silent empty store; verify against backups and anchors (tail deletion,
un-finalising, a rebuilt chain); evidence files no record refers to; a restore that verifies
the backup first.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from app.integrity import evidence
from app.paths import AppPaths
from app.storage import audit, backups
from app.storage.database import Database
from app.storage.models import AuditRow
from tests.integrity_support import finalised, ownwork, table_rows, tamper


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def attach_file(store: Database, paths: AppPaths, conversation_id: int, data: bytes) -> None:
    with store.transaction() as session:
        evidence.attach_bytes(
            session, paths, data, name="essay.txt", conversation_id=conversation_id
        )


# -- no silent empty store ------------------------------------------------------------------


def test_an_emptied_database_beside_evidence_is_reported_not_replaced(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    attach_file(store, paths, conversation_id, b"the essay")
    store.dispose()
    paths.database.write_bytes(b"")
    for command in (("list", "students"), ("verify",), ("seed-demo",)):
        error = one_line_error(ownwork(paths, *command))
        assert "is empty (0 bytes)" in error and "1 evidence file" in error
        assert "Restore a backup" in error
    assert paths.database.stat().st_size == 0  # nothing was created in its place


def test_a_missing_database_beside_backups_is_reported(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    backups.backup_into_folder(paths)
    store.dispose()
    paths.database.unlink()
    error = one_line_error(ownwork(paths, "list", "conversations"))
    assert "is missing" in error and "1 backup" in error and str(paths.backups_dir) in error
    assert not paths.database.exists()


def test_a_new_folder_still_opens_empty(paths: AppPaths) -> None:
    result = ownwork(paths, "list", "students")
    assert result.returncode == 0, result.stderr
    assert paths.database.stat().st_size > 0


def test_a_window_closed_before_its_store_opened_leaves_no_false_alarm(paths: AppPaths) -> None:
    # The first paint saves the window's settings before any store exists; that is no trace
    # of records, so the next start opens the new folder as usual.
    painted = ownwork(paths, "--smoke")
    assert painted.returncode == 0, painted.stderr
    assert paths.settings_file.is_file() and not paths.database.exists()
    listed = ownwork(paths, "--smoke=listed")
    assert listed.returncode == 0, listed.stderr
    assert "opened=true" in paths.settings_file.read_text(encoding="utf-8")


def test_settings_that_saw_a_store_make_a_missing_database_a_loss(paths: AppPaths) -> None:
    assert ownwork(paths, "--smoke=listed").returncode == 0
    paths.database.unlink()
    for sidecar in paths.data_dir.glob("ownwork.sqlite3-*"):
        sidecar.unlink()
    error = one_line_error(ownwork(paths, "list", "students"))
    assert "is missing" in error and "its settings" in error
    assert not paths.database.exists()


def test_a_daily_backup_with_fewer_entries_keeps_the_earlier_ones_and_says_so(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    start = dt.date(2026, 9, 1)
    for offset in range(3):
        assert backups.rotate_daily(paths, keep=3, today=start + dt.timedelta(days=offset))
    good = backups.anchor_of(paths.backups_dir / "daily-2026-09-03.sqlite3")
    assert good is not None and good.position > 0
    # The log is cut short behind the app's back; the next days' backups hold less.
    tamper(paths.database, "DELETE FROM audit_log WHERE id > 1")
    warnings: list[str] = []
    for offset in range(3, 7):
        day = start + dt.timedelta(days=offset)
        assert backups.rotate_daily(paths, keep=3, today=day, warn=warnings.append)
    assert warnings and "fewer audit entries (1)" in warnings[0]
    assert "daily-2026-09-03.sqlite3" in warnings[0] and "Both are kept" in warnings[0]
    kept = sorted(p.name for p in paths.backups_dir.glob("kept-daily-*"))
    assert kept == [f"kept-daily-2026-09-0{d}.sqlite3" for d in (1, 2, 3)]
    held = backups.anchor_of(paths.backups_dir / "kept-daily-2026-09-03.sqlite3")
    assert held == good
    dailies = sorted(p.name for p in paths.backups_dir.glob("daily-*"))
    assert dailies == [f"daily-2026-09-0{d}.sqlite3" for d in (5, 6, 7)]


def test_verify_reports_evidence_files_no_record_refers_to(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    attach_file(store, paths, conversation_id, b"the essay")
    stray = evidence.evidence_path(paths, "ab" + "0" * 62)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left behind")
    result = ownwork(paths, "verify")
    assert result.returncode == 1
    assert f"evidence file ab{os.sep}ab{'0' * 62}: No record refers to it" in result.stdout


# -- anchors outside the database -----------------------------------------------------------


def _head(database: Path) -> tuple[int, str]:
    with closing(sqlite3.connect(database)) as connection:
        (count,) = connection.execute("SELECT count(*) FROM audit_log").fetchone()
        (last,) = connection.execute("SELECT max(id) FROM audit_log").fetchone()
    return count, last


def test_unfinalising_after_a_backup_is_detected_and_named(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    finalised(store, conversation_id)
    written = ownwork(paths, "backup")
    assert written.returncode == 0, written.stderr
    assert "backups" in written.stdout and "anchor" in written.stdout
    assert ownwork(paths, "verify").returncode == 0
    _, last = _head(paths.database)
    # Un-finalise: the finalisation and the log's tail entry that recorded it both removed.
    tamper(
        paths.database,
        f"DELETE FROM finalisations WHERE conversation_id = {conversation_id}",
        f"DELETE FROM audit_log WHERE id = {last}",
    )
    result = ownwork(paths, "verify")
    assert result.returncode == 1
    assert "Removed from the audit log" in result.stdout
    assert f"finalise conversation {conversation_id}" in result.stdout


def test_a_deleted_tail_entry_is_detected_through_a_backup_given_elsewhere(
    store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    outside = tmp_path / "usb" / "copy.sqlite3"
    assert ownwork(paths, "backup", "-o", str(outside)).returncode == 0
    _, last = _head(paths.database)
    tamper(paths.database, f"DELETE FROM audit_log WHERE id = {last}")
    assert ownwork(paths, "verify").returncode == 0  # nothing in the folder knew better
    result = ownwork(paths, "verify", "--backup", str(outside))
    assert result.returncode == 1 and "the backup copy.sqlite3" in result.stdout


def test_a_rebuilt_chain_is_detected_by_an_anchor_from_paper(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    with store.transaction() as session:
        paper = audit.anchor(session)
    short = f"{paper.position}:{paper.head[:12]}"
    assert ownwork(paths, "verify", "--anchor", short).returncode == 0
    # Someone who has read the source rewrites an entry and recomputes every hash after it
    # with the app's own ``entry_hash``.
    with store.transaction() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
        session.expunge_all()
    rows[0].summary = "Nothing happened"
    previous = audit.GENESIS
    statements = []
    for row in rows:
        row.prev_hash = previous
        row.hash = previous = audit.entry_hash(previous, row)
        statements.append(
            f"UPDATE audit_log SET prev_hash = '{row.prev_hash}', hash = '{row.hash}' "
            f"WHERE id = {row.id}"
        )
    statements.append(f"UPDATE audit_log SET summary = 'Nothing happened' WHERE id = {rows[0].id}")
    tamper(paths.database, *statements)
    assert ownwork(paths, "verify").returncode == 0  # the chain itself is consistent again
    result = ownwork(paths, "verify", "--anchor", short)
    assert result.returncode == 1
    assert f"audit entry {paper.position}: Differs from the anchor" in result.stdout


def test_a_malformed_anchor_is_one_clear_line(paths: AppPaths) -> None:
    error = one_line_error(ownwork(paths, "verify", "--anchor", "12:xyz"))
    assert "is not an audit anchor" in error


# -- restore verifies first -----------------------------------------------------------------


def test_a_tampered_backup_is_not_restored_without_saying_what_is_wrong(
    store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    finalised(store, conversation_id)
    copy = tmp_path / "copy.sqlite3"
    backups.backup_to(paths, copy)
    tamper(copy, "UPDATE conversation_answers SET student_words = 'I wrote it all myself.'")
    before = table_rows(paths.database)
    result = ownwork(paths, "restore", str(copy))
    assert result.returncode == 1
    assert f"PROBLEM  conversation {conversation_id}: Was changed after it was finalised" in (
        result.stdout
    )
    assert "nothing was restored" in result.stderr and result.stderr.count("\n") == 1
    assert table_rows(paths.database) == before


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from app.paths import resolve_paths

    paths = resolve_paths(tmp_path_factory.mktemp("demo") / "data")
    assert ownwork(paths, "seed-demo", "--students", "20", "--conversations", "12").returncode == 0
    return paths.database.read_bytes()


@pytest.mark.parametrize("seed", range(8))
def test_a_database_with_sixteen_random_bytes_changed_gives_one_clear_line(
    paths: AppPaths, demo_database: bytes, seed: int
) -> None:
    """Issue 15 found a UnicodeDecodeError from PRAGMA quick_check escaping as exit 70."""
    import random

    data = bytearray(demo_database)
    chance = random.Random(seed)
    for _ in range(16):
        data[chance.randrange(100, len(data))] = chance.randrange(256)
    paths.data_dir.mkdir(parents=True)
    paths.database.write_bytes(bytes(data))
    for command in (("list", "students"), ("verify",), ("list", "conversations", "--json")):
        result = ownwork(paths, *command)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
        if result.returncode == 1 and command[0] == "list":
            assert result.stderr.count("\n") == 1 and "damaged" in result.stderr
