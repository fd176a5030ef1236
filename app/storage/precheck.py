"""What start-up learns about the store before anything heavy is imported.

The data folder is created and proved writable, and the database file is probed with the
standard library's ``sqlite3`` (read-only: header, schema, revision, a write-lock test).  This
runs before the main window is shown, so a missing folder, a foreign or damaged file or a
database from a newer OwnWork is explained at once; SQLAlchemy is imported only afterwards,
while the window is already on screen (see ui/application.py and docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.errors import DatabaseTooNewError, DataFolderError, MissingDatabaseError
from app.paths import AppPaths, tighten
from app.storage import sqlite
from app.storage.revisions import KNOWN_REVISIONS


def ensure_data_folder(paths: AppPaths) -> None:
    """Create the data folder if needed and prove it is writable, or say why not."""
    folder = paths.data_dir
    try:
        # Not attempted on an existing folder: on a read-only disk mkdir fails even then.
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataFolderError(
            f"The data folder {folder} does not exist and could not be created "
            f"({error.strerror or error}). Choose another data folder."
        ) from error
    if folder.is_dir():
        # Personal data about children: nobody but this user may look in.  Only group and
        # other bits are removed; the owner's own (possibly read-only) bits are respected.
        tighten(paths)
    if not folder.is_dir():
        raise DataFolderError(
            f"The data folder {folder} is not a folder. Choose another data folder."
        )
    probe = folder / ".ownwork-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise DataFolderError(
            f"The data folder {folder} cannot be written ({error.strerror or error}). "
            "Check its permissions or choose another data folder."
        ) from error


def read_only_reason(paths: AppPaths) -> str | None:
    """Why the records in ``paths`` can only be read (a sentence), or None when they can be
    changed: the data folder, or the database file in it, cannot be written by this user.

    Asked of the file system by trying (a probe file, the database opened for writing), not by
    reading permission bits, which neither root nor network shares honour.  Nothing is changed.
    A folder or database that does not exist yet is not read-only: it is created as usual.
    """
    folder, database = paths.data_dir, paths.database
    if not folder.is_dir() or not database.is_file() or database.stat().st_size == 0:
        return None
    probe = folder / ".ownwork-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return f"The data folder {folder} cannot be written ({error.strerror or error})"
    try:
        # Opening for writing (without truncating or writing) is the test SQLite would make.
        with database.open("r+b"):
            pass
    except OSError as error:
        return f"The database {database} cannot be written ({error.strerror or error})"
    return None


def check_store(paths: AppPaths) -> str | None:
    """The stored schema revision (None for a new store), or a ``StoreError`` saying what is
    wrong.  Nothing on disk is changed except creating the data folder.

    A store that cannot be written (``read_only_reason``) is probed without the write-lock
    test and without creating or tightening anything: it opens read-only."""
    database = paths.database
    read_only = read_only_reason(paths) is not None
    if not read_only:
        ensure_data_folder(paths)
    revision = sqlite.probe(database, read_only=read_only)
    if revision is None:
        _refuse_silent_empty_store(paths)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"The database {database} was written by a newer version of OwnWork "
            f"(schema {revision}). Install the newer version; the file was not changed."
        )
    return revision


def traces_of_use(paths: AppPaths) -> list[str]:
    """What in the data folder shows a store was in use there, in words ("15 evidence files").

    Settings count only when they live inside the data folder (``--data-dir``): with the
    platform's default locations they sit elsewhere and outlive a folder removed on purpose.
    """
    found: list[str] = []
    evidence = _count_files(
        paths.evidence_dir, lambda p: "incoming" not in p.relative_to(paths.evidence_dir).parts
    )
    if evidence:
        found.append(f"{evidence:,} evidence file{'s' if evidence != 1 else ''}")
    backups = _count_files(
        paths.backups_dir, lambda p: p.name.endswith(".sqlite3") and p.stat().st_size > 0
    )
    if backups:
        found.append(f"{backups:,} backup{'s' if backups != 1 else ''}")
    if paths.config_dir.is_relative_to(paths.data_dir) and _settings_show_a_store(paths):
        found.append("its settings")
    return found


# The settings key the window writes once a store has opened in this folder (ui/settings.py).
# Settings alone prove nothing: a window closed before its store opened still saves its size.
STORE_OPENED_SECTION, STORE_OPENED_KEY = "store", "opened"


def _settings_show_a_store(paths: AppPaths) -> bool:
    import configparser

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(paths.settings_file, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return False
    return parser.get(STORE_OPENED_SECTION, STORE_OPENED_KEY, fallback="") == "true"


def _count_files(root: Path, keep: Callable[[Path], bool]) -> int:
    if not root.is_dir():
        return 0
    try:
        return sum(1 for p in root.rglob("*") if p.is_file() and keep(p))
    except OSError:
        return 0


def _refuse_silent_empty_store(paths: AppPaths) -> None:
    """A missing or zero-length database beside evidence, backups or settings is a loss to
    report, never a new empty store (which every command would then use without a word)."""
    traces = traces_of_use(paths)
    if not traces:
        return
    database = paths.database
    state = "is empty (0 bytes)" if database.exists() else "is missing"
    where = (
        f"Restore a backup (the newest in {paths.backups_dir})"
        if paths.backups_dir.is_dir()
        else "Restore a backup"
    )
    held = ", ".join(traces[:-1]) + (" and " if len(traces) > 1 else "") + traces[-1]
    raise MissingDatabaseError(
        f"The database {database} {state}, but the data folder holds {held}: the records "
        f"were lost or removed. Nothing was changed. {where} or choose another data folder."
    )
