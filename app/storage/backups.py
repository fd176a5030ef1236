"""Backups and restores of the SQLite store, through SQLite's online backup API.

A restore never destroys what it replaces: the current database is copied (or, if it cannot be
opened, moved) into the backups folder first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.errors import CorruptDatabaseError, NotADatabaseError, OwnWorkError, StoreError
from app.paths import AppPaths
from app.storage import migrate, sqlite
from app.storage.audit import GENESIS, ChainAnchor


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
        _owner_only(partial)
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


MANUAL_PREFIX = "manual-"


def backup_into_folder(paths: AppPaths) -> Path:
    """``ownwork backup`` without ``-o``: a copy in the data folder's ``backups/``, where
    ``verify`` finds it and checks that the live audit chain still extends it."""
    return backup_to(paths, paths.backups_dir / f"{MANUAL_PREFIX}{_stamp()}.sqlite3")


def anchor_of(file: Path) -> ChainAnchor | None:
    """The audit chain's anchor recorded in a backup (its entry count and last hash), or None
    for a file that is not a readable OwnWork database."""
    try:
        with closing(sqlite.connect_immutable(file)) as connection:
            (count,) = connection.execute("SELECT count(*) FROM audit_log").fetchone()
            last = connection.execute(
                "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except (sqlite3.Error, ValueError):
        return None
    return ChainAnchor(int(count), str(last[0]) if last else GENESIS)


def _owner_only(path: Path) -> None:
    """Records about children: a copy is readable by its owner only, whatever the umask."""
    if os.name == "posix":
        path.chmod(0o600)


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
            _owner_only(kept)
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
    _owner_only(live)
    return kept


DAILY_PREFIX = "daily-"
KEPT_PREFIX = "kept-"


def rotate_daily(
    paths: AppPaths,
    keep: int = 14,
    *,
    today: dt.date | None = None,
    warn: Callable[[str], None] | None = None,
) -> Path | None:
    """Write today's automatic backup if there is none yet, and keep only the newest ``keep``.

    Called at start-up.  Returns the backup written, or None when today's already exists (or
    there is no database yet).  Only ``daily-YYYY-MM-DD.sqlite3`` files are ever deleted, and
    never one holding more audit entries than today's: a store that lost records (emptied,
    or its log cut short) must not push the last good copies out of the rotation.  Such a
    daily is renamed ``kept-daily-…`` instead, and ``warn`` is told in a sentence.
    """
    if not paths.database.exists():
        return None
    day = today or dt.date.today()
    target = paths.backups_dir / f"{DAILY_PREFIX}{day.isoformat()}.sqlite3"
    written: Path | None = None
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        try:
            paths.backups_dir.mkdir(parents=True, exist_ok=True)
            sqlite.backup(paths.database, partial)
            if os.name == "posix":
                partial.chmod(0o600)
            os.replace(partial, target)
        except (OSError, StoreError) as error:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            reason = error.strerror if isinstance(error, OSError) else None
            raise OwnWorkError(
                f"Today's automatic backup could not be written to {paths.backups_dir} "
                f"({reason or _cause(error)}). Your records are unaffected."
            ) from error
        written = target
    newest = anchor_of(target)
    if written is not None and newest is not None:
        _warn_if_fewer(paths, target, newest, warn)
    dailies = sorted(
        p for p in paths.backups_dir.glob(f"{DAILY_PREFIX}*.sqlite3") if _is_daily_name(p.name)
    )
    for old in dailies[: max(0, len(dailies) - keep)]:
        held = anchor_of(old)
        # An old backup that cannot be removed (or renamed) now is dealt with on a later day.
        with contextlib.suppress(OSError):
            if newest is not None and held is not None and held.position > newest.position:
                os.replace(old, old.with_name(KEPT_PREFIX + old.name))
            else:
                old.unlink(missing_ok=True)
    return written


def _warn_if_fewer(
    paths: AppPaths, written: Path, newest: ChainAnchor, warn: Callable[[str], None] | None
) -> None:
    """Say so when today's backup holds fewer audit entries than the newest earlier one."""
    earlier = [b for b in list_backups(paths) if b.path != written]
    for candidate in earlier:
        held = anchor_of(candidate.path)
        if held is None:
            continue
        if held.position > newest.position and warn is not None:
            warn(
                f"Today's backup {written.name} holds fewer audit entries "
                f"({newest.position:,}) than the backup {candidate.path.name} "
                f"({held.position:,}): records may have been lost. Both are kept; run "
                "Verify, and restore the earlier backup if records are missing."
            )
        return


def _cause(error: BaseException) -> str:
    """The driver's own words for a failed backup (the StoreError speaks of the database)."""
    cause = error.__cause__
    return str(cause or error)


def _is_daily_name(name: str) -> bool:
    stem = name.removeprefix(DAILY_PREFIX).removesuffix(".sqlite3")
    try:
        dt.date.fromisoformat(stem)
    except ValueError:
        return False
    return len(stem) == 10


_KINDS = ("daily", "manual", "kept", "before-upgrade", "replaced", "damaged")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kind: str  # daily, manual, kept, before-upgrade, replaced, damaged, other
    modified: dt.datetime
    size: int


def list_backups(paths: AppPaths) -> list[BackupFile]:
    """The backups in the data folder's backups folder, newest first (for a restore dialog)."""
    if not paths.backups_dir.is_dir():
        return []
    found: list[BackupFile] = []
    for path in paths.backups_dir.iterdir():
        if not path.is_file() or path.name.endswith((".partial", "-wal", "-shm")):
            continue
        kind = next(
            (k for k in _KINDS if path.name.startswith(k)),
            "other",
        )
        info = path.stat()
        found.append(
            BackupFile(
                path=path,
                kind=kind,
                modified=dt.datetime.fromtimestamp(info.st_mtime, dt.UTC),
                size=info.st_size,
            )
        )
    return sorted(found, key=lambda b: b.modified, reverse=True)
