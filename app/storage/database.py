"""Opening the store: the data folder, the file checks, migrations, and sessions.

``connect`` is the one way in for the GUI, the CLI, tests and benchmarks: given a data folder
(the personal SQLite store) or a database URL (a shared server later), it returns the
``Database``; ``open_store`` and ``open_url`` are its two halves.  Nothing else creates an
engine (tests/test_layering.py checks that).  It never modifies a
database file it does not understand: checks run read-only first, and a backup is taken before
any schema upgrade.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.domain.principal import Principal, signed_in_user
from app.errors import CorruptDatabaseError, DatabaseTooNewError, OwnWorkError
from app.paths import AppPaths
from app.storage import migrate, server_errors, sqlite
from app.storage.precheck import check_store, ensure_data_folder

log = logging.getLogger(__name__)

__all__ = ["Database", "connect", "default_actor", "ensure_data_folder", "open_store", "open_url"]


def default_actor() -> str:
    """Who is recorded in the audit log when no principal is named: the signed-in account."""
    return signed_in_user()


class Database:
    """An engine and its sessions.  One per process; each thread opens its own sessions."""

    def __init__(
        self,
        engine: Engine,
        *,
        actor: str,
        path: Path | None = None,
        principal: Principal | None = None,
    ) -> None:
        self.engine = engine
        self.actor = actor
        # Who opened it: the window passes it to the use cases it calls (app/services).
        self.principal = principal or Principal.personal(actor)
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self, *, actor: str | None = None) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error.

        ``actor`` is who the audit entries name: the services pass their principal's name; the
        store's own ``actor`` (the signed-in account) stands in where none is given."""
        session = self._sessions()
        session.info["actor"] = actor or self.actor
        try:
            with session.begin():
                yield session
        except OwnWorkError:
            raise
        except (OperationalError, DBAPIError) as error:
            if self.path is None:
                # A server store: one that went away is told apart, so callers can keep what
                # they were writing and try again (the walk-through's journal).
                if server_errors.is_unreachable(error):
                    raise server_errors.unreachable(self.engine.url) from error
                raise
            raise sqlite.explain(error.orig or error, self.path) from error
        except (UnicodeDecodeError, ValueError) as error:
            if self.path is None or not _from_a_stored_value(error):
                raise
            # Bytes SQLite's own check cannot see (inside a row) no longer read as what they
            # were written as: the file was damaged or edited.
            raise CorruptDatabaseError(
                f"The database ({self.path}) is damaged: a stored value cannot be read "
                f"({error}). The file was not changed. Restore a backup or choose another "
                "data folder."
            ) from error
        finally:
            session.close()

    def acting_as(self, actor: str | Principal) -> Database:
        """This store, its transactions' audit entries naming ``actor``: for the core's longer
        operations that open their own transactions (imports, case bundles), called by a use
        case for its principal.  Shares the engine; nothing is opened."""
        other = Database.__new__(Database)
        other.engine, other.path, other._sessions = self.engine, self.path, self._sessions
        if isinstance(actor, Principal):
            other.actor, other.principal = actor.name, actor
        else:
            other.actor, other.principal = actor, Principal.personal(actor)
        return other

    def dispose(self) -> None:
        self.engine.dispose()

    def adopt(self, other: Database) -> None:
        """Take over another store's engine (after a restore), so every holder of this object
        (item models, dialogs) reads the restored data without being rebuilt."""
        self.engine.dispose()
        self.engine = other.engine
        self.path = other.path
        self._sessions = other._sessions


def _from_a_stored_value(error: BaseException) -> bool:
    """Whether an error was raised while the driver or SQLAlchemy turned a stored value into a
    Python one (a date that is no longer a date, text that is no longer UTF-8), rather than by
    OwnWork's own code, whose errors must stay visible as bugs."""
    if isinstance(error, UnicodeDecodeError):
        return True
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and f"{os.sep}sqlalchemy{os.sep}" in frames[-1].filename


def open_store(paths: AppPaths, *, actor: str | None = None) -> Database:
    """Open (creating or upgrading as needed) the SQLite store in ``paths.data_dir``."""
    database = paths.database
    revision = check_store(paths)
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
    # A pooled connection may be dead after the server restarted or the network dropped: check
    # each one as it is taken (one round trip), so the first change after the server is back
    # goes through rather than failing on a connection left from before.
    engine = create_engine(url, pool_pre_ping=True)
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


def connect(
    where: AppPaths | str, *, actor: str | None = None, principal: Principal | None = None
) -> Database:
    """Open the store ``where`` names: a data folder's paths, or a SQLAlchemy URL.

    ``principal`` is who opens it (the personal store's one principal when not given); the
    audit log names them, or ``actor``, where a change is made without a principal."""
    name = principal.name if principal is not None else actor
    store = (
        open_store(where, actor=name)
        if isinstance(where, AppPaths)
        else open_url(where, actor=name)
    )
    if principal is not None:
        store.principal = principal
    return store
