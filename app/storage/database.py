"""Opening the store: the data folder, the file checks, migrations, and sessions.

``open_store`` is the one way in for the GUI, the CLI, tests and benchmarks.  It never modifies a
database file it does not understand: checks run read-only first, and a backup is taken before
any schema upgrade.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DatabaseTooNewError, DataFolderError, OwnWorkError
from app.paths import AppPaths
from app.storage import migrate, sqlite

log = logging.getLogger(__name__)


def default_actor() -> str:
    """Who is recorded in the audit log: the account the teacher signed in to the computer with."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (rare on school images)
        return "unknown user"


class Database:
    """An engine and its sessions.  One per process; each thread opens its own sessions."""

    def __init__(self, engine: Engine, *, actor: str, path: Path | None = None) -> None:
        self.engine = engine
        self.actor = actor
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        session = self._sessions()
        session.info["actor"] = self.actor
        try:
            with session.begin():
                yield session
        except OwnWorkError:
            raise
        except (OperationalError, DBAPIError) as error:
            if self.path is None:
                raise
            raise sqlite.explain(error.orig or error, self.path) from error
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def adopt(self, other: Database) -> None:
        """Take over another store's engine (after a restore), so every holder of this object
        (item models, dialogs) reads the restored data without being rebuilt."""
        self.engine.dispose()
        self.engine = other.engine
        self.path = other.path
        self._sessions = other._sessions


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


def open_store(paths: AppPaths, *, actor: str | None = None) -> Database:
    """Open (creating or upgrading as needed) the SQLite store in ``paths.data_dir``."""
    ensure_data_folder(paths)
    database = paths.database
    revision = sqlite.probe(database)
    if revision is not None and revision not in migrate.KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"The database {database} was written by a newer version of OwnWork "
            f"(schema {revision}). Install the newer version; the file was not changed."
        )
    if revision is not None and revision != migrate.HEAD_REVISION:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        copy = paths.backups_dir / f"before-upgrade-{revision}-{stamp}.sqlite3"
        log.info("backing up %s to %s before upgrading from %s", database, copy, revision)
        sqlite.backup(database, copy)
    engine = create_engine(paths.database_url)
    sqlite.configure_engine(engine)
    store = Database(engine, actor=actor or default_actor(), path=database)
    if revision != migrate.HEAD_REVISION:
        try:
            migrate.upgrade(engine)
        except (OperationalError, DBAPIError) as error:
            engine.dispose()
            raise sqlite.explain(error.orig or error, database) from error
    if os.name == "posix":
        database.chmod(0o600)
    return store


def open_url(url: str, *, actor: str | None = None) -> Database:
    """Open any SQLAlchemy URL (a shared server later); migrations are applied if behind."""
    engine = create_engine(url)
    with engine.connect() as connection:
        revision = migrate.current_revision(connection)
    if revision is not None and revision not in migrate.KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"The database at {engine.url.render_as_string()} was written "
            "by a newer version of OwnWork."
        )
    if revision != migrate.HEAD_REVISION:
        migrate.upgrade(engine)
    return Database(engine, actor=actor or default_actor())
