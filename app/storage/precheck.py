"""What start-up learns about the store before anything heavy is imported.

The data folder is created and proved writable, and the database file is probed with the
standard library's ``sqlite3`` (read-only: header, schema, revision, a write-lock test).  This
runs before the main window is shown, so a missing folder, a foreign or damaged file or a
database from a newer OwnWork is explained at once; SQLAlchemy is imported only afterwards,
while the window is already on screen (see ui/application.py and docs/performance.md).
"""

from __future__ import annotations

import contextlib
import os

from app.errors import DatabaseTooNewError, DataFolderError
from app.paths import AppPaths
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
    if os.name == "posix" and folder.is_dir():
        # Personal data about children: nobody but this user may look in.  Only group and
        # other bits are removed; the owner's own (possibly read-only) bits are respected.
        with contextlib.suppress(OSError):
            mode = folder.stat().st_mode & 0o777
            if mode & 0o077:
                folder.chmod(mode & 0o700)
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


def check_store(paths: AppPaths) -> str | None:
    """The stored schema revision (None for a new store), or a ``StoreError`` saying what is
    wrong.  Nothing on disk is changed except creating the data folder."""
    ensure_data_folder(paths)
    database = paths.database
    revision = sqlite.probe(database)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"The database {database} was written by a newer version of OwnWork "
            f"(schema {revision}). Install the newer version; the file was not changed."
        )
    return revision
