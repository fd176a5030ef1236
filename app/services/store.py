"""Use cases of the store as a whole: backups, restores and demo records."""

from __future__ import annotations

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

if TYPE_CHECKING:
    from app.demo.evidence import DemoEvidenceSummary
    from app.demo.seed import SeedSummary
    from app.storage.database import Database

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


def backup(principal: Principal, paths: AppPaths, output: Path) -> Path:
    """A consistent copy of the database, even while the window has it open."""
    require(principal, Role.ADMINISTRATOR, "back up the records")
    from app.storage.backups import backup_to

    return backup_to(paths, output)


def daily_backup(principal: Principal, paths: AppPaths) -> Path | None:
    """Today's automatic backup, if not yet written; the oldest beyond a fortnight go."""
    require_any(principal, tuple(Role), "back up the records")
    from app.storage.backups import rotate_daily

    return rotate_daily(paths)


def restore(principal: Principal, paths: AppPaths, file: Path) -> Outcome[Path | None]:
    """Replace the database with a checked backup; returns where the replaced one was kept
    (None when there was none)."""
    require(principal, Role.ADMINISTRATOR, "restore a backup")
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
    require(principal, Role.ADMINISTRATOR, "add demo records")
    from app.demo.evidence import add_demo_evidence
    from app.demo.seed import seed_demo as seed_records

    acting = database.acting_as(principal.name)
    summary = seed_records(acting, students=students, conversations=conversations, seed=seed)
    evidence = add_demo_evidence(acting, paths, seed)
    return Outcome((summary, evidence), EVERYTHING)
