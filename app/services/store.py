"""Use cases of the store as a whole: the quick checks, backups, restores, the writer lock
and demo records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.principal import Principal, Role
from app.paths import AppPaths
from app.services.base import (
    ATTACHMENT,
    CONVERSATION,
    STAFF,
    STUDENT,
    SUBMISSION,
    Changes,
    Outcome,
    require,
    require_any,
)

# The settings key the window writes once a store has opened in a folder (ui/settings.py),
# which the quick checks read: named here so that the window need not reach into storage.
from app.storage.precheck import STORE_OPENED_KEY as STORE_OPENED_KEY
from app.storage.precheck import STORE_OPENED_SECTION as STORE_OPENED_SECTION

if TYPE_CHECKING:
    from app.demo.evidence import DemoEvidenceSummary
    from app.demo.seed import SeedSummary
    from app.integrity.verify import VerifyReport
    from app.storage.audit import ChainAnchor
    from app.storage.backups import BackupFile as BackupFile
    from app.storage.database import Database
    from app.storage.writer_lock import WriterLock as WriterLock

# Everything a restore or a seeding may have changed.
EVERYTHING = (
    Changes.of(STUDENT)
    | Changes.of(SUBMISSION)
    | Changes.of(CONVERSATION)
    | Changes.of(STAFF)
    | Changes.of(ATTACHMENT)
)


def check_folder(principal: Principal, paths: AppPaths) -> str | None:
    """The quick checks before anything is opened (the standard library only, so the window
    can run them before it is painted): the folder, a foreign, damaged, newer or locked file.
    Returns the database's revision (None for a new store)."""
    require_any(principal, tuple(Role), "open the records")
    from app.storage.precheck import check_store

    return check_store(paths)


def read_only_reason(principal: Principal, paths: AppPaths) -> str | None:
    """Why the records in ``paths`` can only be read (the folder or the database cannot be
    written), or None; nothing is changed in asking."""
    require_any(principal, tuple(Role), "open the records")
    from app.storage.precheck import read_only_reason as reason

    return reason(paths)


def backup(principal: Principal, paths: AppPaths, output: Path | None = None) -> Path:
    """A consistent copy of the database, even while the window has it open; without
    ``output``, into the data folder's ``backups/`` (where verify checks it)."""
    require(principal, Role.IT_ADMIN, "back up the records")
    from app.storage.backups import backup_into_folder, backup_to

    return backup_into_folder(paths) if output is None else backup_to(paths, output)


def backup_anchor(principal: Principal, file: Path) -> ChainAnchor | None:
    """The audit chain's anchor a backup holds (None: not a readable OwnWork database)."""
    require_any(principal, tuple(Role), "read a backup")
    from app.storage.backups import anchor_of

    return anchor_of(file)


def verify_backup(principal: Principal, file: Path) -> VerifyReport:
    """Every check of verify, run on a copy of a backup before it is restored."""
    require(principal, Role.IT_ADMIN, "restore a backup")
    from app.integrity.verify import verify_backup as check

    return check(file)


def writer_lock(principal: Principal, paths: AppPaths, holder: str) -> WriterLock:
    """The data folder's writer lock (one writer per folder across processes), not yet held;
    ``holder`` says who, in words, to whoever finds it taken."""
    require_any(principal, tuple(Role), "change the records")
    from app.storage.writer_lock import WriterLock

    return WriterLock(paths, holder)


def hold_writer_lock(principal: Principal, paths: AppPaths, holder: str) -> WriterLock:
    """The data folder's writer lock, held (``FolderBusyError`` while the window or another
    command writes there); release it when done."""
    lock = writer_lock(principal, paths, holder)
    lock.acquire_or_refuse()
    return lock


def list_backups(principal: Principal, paths: AppPaths) -> list[BackupFile]:
    """The backups in the data folder's ``backups/``, newest first."""
    require_any(principal, tuple(Role), "see the backups")
    from app.storage.backups import list_backups as listed

    return listed(paths)


def daily_backup(
    principal: Principal, paths: AppPaths, *, warn: Callable[[str], None] | None = None
) -> Path | None:
    """Today's automatic backup, if not yet written; the oldest beyond a fortnight go.
    ``warn`` hears what went wrong without stopping it (a backup that could not be removed)."""
    require_any(principal, tuple(Role), "back up the records")
    from app.storage.backups import rotate_daily

    return rotate_daily(paths, warn=warn)


def restore(principal: Principal, paths: AppPaths, file: Path) -> Outcome[Path | None]:
    """Replace the database with a checked backup; returns where the replaced one was kept
    (None when there was none)."""
    require(principal, Role.IT_ADMIN, "restore a backup")
    from app.storage.backups import restore_from

    return Outcome(restore_from(paths, file), EVERYTHING)


def seed_demo(
    principal: Principal,
    database: Database,
    paths: AppPaths,
    *,
    students: int,
    conversations: int,
    seed: int,
) -> Outcome[tuple[SeedSummary, DemoEvidenceSummary]]:
    """Synthetic records, evidence, finalised records and an amendment, for demonstrations."""
    require(principal, Role.IT_ADMIN, "add demo records")
    from app.demo.evidence import add_demo_evidence
    from app.demo.seed import seed_demo as seed_records

    acting = database.acting_as(principal.name)
    summary = seed_records(acting, students=students, conversations=conversations, seed=seed)
    evidence = add_demo_evidence(acting, paths, seed)
    return Outcome((summary, evidence), EVERYTHING)
