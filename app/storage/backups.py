"""Backups and restores of the SQLite store, through SQLite's online backup API.

A restore never destroys what it replaces: the current database is copied (or, if it cannot be
opened, moved) into the backups folder first.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from app.errors import CorruptDatabaseError, NotADatabaseError, OwnWorkError, StoreError
from app.paths import AppPaths
from app.storage import migrate, sqlite


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_to(paths: AppPaths, output: Path) -> Path:
    output = output.expanduser().absolute()
    if output.exists():
        raise OwnWorkError(f"{output} already exists; choose a new file name for the backup.")
    if not paths.database.exists():
        raise OwnWorkError(f"There is no database in {paths.data_dir} to back up.")
    partial = output.with_name(output.name + ".partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        sqlite.backup(paths.database, partial)
        os.replace(partial, output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OwnWorkError(
            f"The backup could not be written to {output} ({error.strerror or error})."
        ) from error
    except StoreError:
        partial.unlink(missing_ok=True)
        raise
    return output


def check_backup(file: Path) -> str:
    """Prove a file is an OwnWork database this version can open; returns its revision."""
    if not file.is_file():
        raise OwnWorkError(f"{file} does not exist or is not a file.")
    revision = sqlite.probe(file)
    if revision is None:
        raise OwnWorkError(f"{file} is empty, not an OwnWork backup.")
    if revision not in migrate.KNOWN_REVISIONS:
        raise OwnWorkError(
            f"{file} was written by a newer version of OwnWork; install that version to restore it."
        )
    problems = sqlite.integrity_problems(file)
    if problems:
        raise OwnWorkError(f"{file} is damaged ({problems[0]}); it cannot be restored.")
    return revision


def restore_from(paths: AppPaths, file: Path) -> Path | None:
    """Replace the live database with ``file``; returns where the replaced one was kept."""
    file = file.expanduser().absolute()
    check_backup(file)
    live = paths.database
    if file == live:
        raise OwnWorkError("That file is the live database itself; choose a backup file.")
    paths.backups_dir.mkdir(parents=True, exist_ok=True)
    kept: Path | None = None
    if live.exists():
        try:
            sqlite.probe(live)
            kept = paths.backups_dir / f"replaced-{_stamp()}.sqlite3"
            sqlite.backup(live, kept)
            sqlite.restore_into(file, live)
            return kept
        except (NotADatabaseError, CorruptDatabaseError):
            # The live file cannot be opened (damaged, not SQLite): set it aside untouched.
            kept = paths.backups_dir / f"damaged-{_stamp()}-{live.name}"
            os.replace(live, kept)
            for suffix in ("-wal", "-shm"):
                side = live.with_name(live.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
    sqlite.backup(file, live)
    return kept
