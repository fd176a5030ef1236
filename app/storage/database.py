"""Opening the store: the data folder, the file checks, migrations, and sessions.

``connect`` is the one way in for the GUI, the CLI, tests and benchmarks: given a data folder
(the personal SQLite store) or a database URL (a shared server later), it returns the
``Database``; ``open_store`` and ``open_url`` are its two halves.  Nothing else creates an
engine (tests/test_layering.py checks that).  It never modifies a
database file it does not understand: checks run read-only first, and a backup is taken before
any schema upgrade.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import QueuePool

from app.domain.principal import Principal, signed_in_user
from app.errors import (
    ConflictError,
    CorruptDatabaseError,
    DatabaseReadOnlyError,
    DatabaseTooNewError,
    OwnWorkError,
    StoreError,
)
from app.paths import AppPaths
from app.storage import migrate, roles, server, server_errors, sqlite
from app.storage.precheck import check_store, ensure_data_folder, read_only_reason

log = logging.getLogger(__name__)

__all__ = [
    "Database",
    "connect",
    "default_actor",
    "ensure_data_folder",
    "open_store",
    "open_url",
    "server_engine",
]


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
        # Why the records can only be read (a sentence), or None: see ``open_store``.
        self.read_only: str | None = None
        # The school's server this store is on, and the rules it was reached by (None for
        # the personal store).
        self.server: server.Target | None = None
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
        except StaleDataError as error:
            # A versioned row (app/storage/versions.py) changed between this transaction's read
            # and its write.  The repositories lock what they check, so this is the backstop
            # for a write that did not: refused, rolled back, said plainly.
            raise ConflictError(
                what="this record",
                changed_by="",
                changed_at=None,
                their_version=0,
                your_version=0,
                fields=(),
            ) from error
        except (OperationalError, DBAPIError) as error:
            if self.path is None:
                # A server store: one that went away is told apart, so callers can keep what
                # they were writing and try again (the walk-through's journal).
                if server_errors.is_unreachable(error):
                    raise server_errors.unreachable(self.engine.url) from error
                if self.server is not None and isinstance(error, InterfaceError):
                    # The school's server refused (a login, TLS): one sentence, not the driver's.
                    raise server.explain(error, self.server) from error
                raise
            raise sqlite.explain(error.orig or error, self.path) from error
        except OSError as error:
            # A server store: the driver let a network failure out bare (a timeout while a
            # new connection was being made); it is the server being away all the same.
            if self.server is not None and server_errors.is_network_failure(error):
                raise server_errors.unreachable(self.engine.url) from error
            raise
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
        other.read_only = self.read_only
        other.server = self.server
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
        self.read_only = other.read_only
        self.server = other.server
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
    """Open (creating or upgrading as needed) the SQLite store in ``paths.data_dir``.

    A data folder or database file that cannot be written opens read-only (``read_only``
    holds why): every connection is read-only, and nothing is migrated, tightened or created.
    """
    database = paths.database
    revision = check_store(paths)
    reason = read_only_reason(paths)
    if reason is not None:
        return _open_read_only(paths, revision, reason, actor)
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


def _open_read_only(
    paths: AppPaths, revision: str | None, reason: str, actor: str | None
) -> Database:
    database = paths.database
    if revision != migrate.HEAD_REVISION:
        raise DatabaseReadOnlyError(
            f"{reason}, and its database must be upgraded for this version of OwnWork before "
            "it can be read. Open it once where it can be written (or copy the folder "
            "somewhere that can), then try again. Nothing was changed."
        )
    sqlite.read_only_uri(database)  # refuses here, not on first use, if it cannot be read
    # The creator opens the file read-only; "sqlite://" alone would mean a memory database
    # (and its one-connection pool), hence the pool named.
    engine = create_engine(
        "sqlite://", creator=lambda: sqlite.connect_read_only(database), poolclass=QueuePool
    )
    store = Database(engine, actor=actor or default_actor(), path=database)
    store.read_only = reason
    log.info("opened %s read-only: %s", database, reason)
    return store


def open_url(url: str, *, actor: str | None = None) -> Database:
    """Open a store by URL.  A PostgreSQL server (the school's) must be set up and at this
    build's revision (``ownwork server init``/``upgrade`` make it so: a member of staff's copy
    never changes the schema); any other SQLAlchemy URL is migrated if behind, as before."""
    if not server.is_server_url(url):
        try:
            engine = create_engine(url)
        except ArgumentError as error:
            raise OwnWorkError(f"{url!r} is not a database address ({error}).") from error
        with engine.connect() as connection:
            revision = migrate.current_revision(connection)
        _refuse_newer(revision, engine.url.render_as_string())
        if revision != migrate.HEAD_REVISION:
            migrate.upgrade(engine)
        return Database(engine, actor=actor or default_actor())
    engine, where = server_engine(url)
    try:
        with engine.connect() as connection:
            revision = migrate.current_revision(connection)
            principal = roles.session_principal(connection)
    except Exception as error:
        engine.dispose()
        if not server.is_connection_failure(error):
            raise
        raise server.explain(error, where) from error
    try:
        _refuse_newer(revision, where.where)
        if revision is None:
            raise StoreError(
                f"The database {where.where} has not been set up for OwnWork: IT sets it up "
                "with `ownwork server init`."
            )
        if revision != migrate.HEAD_REVISION:
            raise StoreError(
                f"The database {where.where} was set up by an older OwnWork: IT upgrades it "
                "with `ownwork server upgrade`."
            )
    except OwnWorkError:
        engine.dispose()
        raise
    # On the school's server the login decides who is acting (its audit entries name it and
    # its roles bound what it may do), whoever the caller says it is.
    store = Database(engine, actor=principal.name, principal=principal)
    store.server = where
    return store


def server_engine(
    url: str, *, role: str | None = None, **options: Any
) -> tuple[Engine, server.Target]:
    """An engine for the school's server, the network rules checked first (nothing is sent
    to a server the rules refuse); every connection acts as ``role`` when given (IT's
    migrations run as the owner role, so what they make is the owner's); ``options`` go to
    ``create_engine`` (an isolation level)."""
    where = server.target(url)
    if role is not None and "read_timeout=" not in url:
        # IT's migrations (run as the owner role) may rightly take minutes over a school's
        # tables: wait for their replies as long as the server takes, unless the URL says.
        where = dataclasses.replace(where, read_timeout=None)
    for warning in where.warnings:
        log.warning("%s", warning)
    # A pooled connection may be dead after the server restarted or the network dropped: check
    # each one as it is taken (one round trip), so the first change after the server is back
    # goes through rather than failing on a connection left from before.
    engine = create_engine(
        where.url, connect_args=where.connect_args, pool_pre_ping=True, **options
    )

    def bound_waits(connection: Any, _record: Any) -> None:
        # A server that hangs is "unreachable" after the timeout (server.bound_waits), instead
        # of holding a write, and the one writing thread, forever.
        server.bound_waits(connection, where)

    event.listen(engine, "connect", bound_waits)
    _commit_in_one_round_trip(engine)
    if role is not None:

        def act_as(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute(f'SET ROLE "{role}"')
            cursor.close()
            # Committed, so that no later rollback takes the role back.
            connection.commit()

        event.listen(engine, "connect", act_as)
    return engine, where


def _commit_in_one_round_trip(engine: Engine) -> None:
    """COMMIT as a simple query: one round trip to the server instead of pg8000's three (it
    sends every statement through the extended protocol, parse, describe and execute, each
    waited for).  Every transaction on the school's server ends with it, and a write ends with
    it while holding the audit chain's lock (app/storage/audit.py), which every other writer
    may be waiting for."""
    if engine.dialect.driver != "pg8000":
        return

    def commit(dbapi_connection: Any) -> None:
        dbapi_connection.execute_simple("COMMIT")

    engine.dialect.do_commit = commit  # type: ignore[method-assign]


def _refuse_newer(revision: str | None, where: str) -> None:
    if revision is not None and revision not in migrate.KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"The database at {where} was written by a newer version of OwnWork."
        )


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
    if principal is not None and store.server is None:
        store.principal = principal
    return store
