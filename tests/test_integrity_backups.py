"""Automatic daily backups: at most one a day, the newest 14 kept, through SQLite's backup API."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing

from app.paths import AppPaths
from app.storage import backups, migrate, sqlite
from app.storage.database import Database


def test_one_backup_a_day_and_only_the_newest_kept(store: Database, paths: AppPaths) -> None:
    start = dt.date(2026, 9, 1)
    (paths.backups_dir).mkdir(parents=True, exist_ok=True)
    keep_me = paths.backups_dir / "before-upgrade-0001-20260101T000000Z.sqlite3"
    keep_me.write_bytes(b"not touched")
    written = []
    for offset in range(20):
        day = start + dt.timedelta(days=offset)
        made = backups.rotate_daily(paths, keep=14, today=day)
        assert made == paths.backups_dir / f"daily-{day.isoformat()}.sqlite3"
        assert backups.rotate_daily(paths, keep=14, today=day) is None  # once a day
        written.append(made)
    dailies = sorted(p.name for p in paths.backups_dir.glob("daily-*"))
    assert dailies == [p.name for p in written[-14:]]
    assert keep_me.read_bytes() == b"not touched"
    newest = written[-1]
    assert sqlite.probe(newest) == migrate.HEAD_REVISION and sqlite.integrity_problems(newest) == []
    if os.name == "posix":
        assert newest.stat().st_mode & 0o777 == 0o600
    listed = backups.list_backups(paths)
    assert {b.kind for b in listed} == {"daily", "before-upgrade"}


def test_a_daily_backup_holds_what_was_committed(
    store: Database, paths: AppPaths, conversation_id: int
) -> None:
    made = backups.rotate_daily(paths)
    assert made is not None
    with closing(sqlite3.connect(made)) as connection:
        (count,) = connection.execute("SELECT count(*) FROM conversations").fetchone()
    assert count == 1


def test_no_database_no_backup(paths: AppPaths) -> None:
    assert backups.rotate_daily(paths) is None
    assert backups.list_backups(paths) == []
