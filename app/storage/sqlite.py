"""The one module that speaks SQLite's own dialect: PRAGMAs, file probing, the online backup
API and integrity checks.  Everything else in ``app.storage`` is portable SQLAlchemy.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    NotADatabaseError,
    OwnWorkError,
    StorageFullError,
    StoreError,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# WAL + NORMAL: a commit is durable against an application crash (the WAL is written before
# COMMIT returns); only a power cut can lose the last transactions.  FULL adds an fsync per
# commit, which the autosave budget cannot afford; see docs/performance.md.
SYNCHRONOUS = "NORMAL"

# ``PRAGMA quick_check`` reads every page: about a second for a whole school's years of records.
# Up to this size start-up runs it (a few milliseconds); above it start-up reads the header, the
# schema and the revision only, and the whole-file check is left to ``ownwork verify`` (and to
# SQLite itself, which refuses to read a damaged page).  See docs/performance.md.
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024

_WHAT_TO_DO = "The file was not changed. Restore a backup or choose another data folder."


def configure_engine(engine: Engine) -> None:
    """Every pooled connection gets the same PRAGMAs, before first use."""
    # Imported here: start-up probes the file with this module before SQLAlchemy is loaded.
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        finally:
            cursor.close()


def read_only_uri(path: Path) -> str:
    """The URI that opens ``path`` without writing to it, even in a folder that cannot be
    written.  A WAL database read with ``mode=ro`` needs its -shm file (created if missing),
    so where that cannot be made the file is opened ``immutable=1``: nothing else can be
    writing it then, the folder being read-only to everyone who could.  A leftover -wal with
    changes in it would be ignored that way, so that case is refused instead."""
    uri = path.absolute().as_uri()
    shm = path.with_name(path.name + "-shm")
    wal = path.with_name(path.name + "-wal")
    # access() asks as the real user and answers "no" on a read-only file system, even to
    # root; creating a trial -shm instead could race a window opening the database.
    if shm.exists() or os.access(path.parent, os.W_OK):
        return f"{uri}?mode=ro"
    if wal.exists() and wal.stat().st_size > 0:
        raise DatabaseReadOnlyError(
            f"The database {path} cannot be written, and its latest changes are still in "
            f"{wal.name}, which cannot be read without writing beside it. Open the folder once "
            "where it can be written (or copy it somewhere that can), then try again."
        )
    return f"{uri}?immutable=1"


def connect_read_only(path: Path, timeout: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    """A connection that cannot write (``read_only_uri``); also ``query_only`` for certain."""
    connection = sqlite3.connect(
        read_only_uri(path), uri=True, timeout=timeout, check_same_thread=False
    )
    connection.execute("PRAGMA query_only = ON")
    return connection


def _read_only(path: Path, timeout: float) -> sqlite3.Connection:
    connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=timeout)
    # A damaged page can hold bytes that are not UTF-8, in a row or in a check's own report:
    # read them as replacement characters so the damage is reported, not raised as a
    # UnicodeDecodeError from deep inside a check.
    connection.text_factory = _lenient_text
    return connection


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def connect_immutable(path: Path) -> sqlite3.Connection:
    """A connection to a file nothing else writes (a backup): no locks, no -wal/-shm files."""
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?immutable=1", uri=True)
    connection.text_factory = _lenient_text
    return connection


# SQLite's primary result codes (the low byte of an extended code), from sqlite3.h.  Errors
# are classified by these, never by the wording of the message, which varies between versions
# and can itself be damaged (see ``explain``).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
_LOCKED = frozenset({SQLITE_BUSY, SQLITE_LOCKED})
_CANNOT_WRITE = frozenset({SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN})
_DAMAGED = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})


def error_code(error: BaseException) -> int | None:
    """SQLite's primary result code for a driver error, or None when it carries none."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def explain(error: BaseException, path: Path | None = None) -> StoreError:
    """Turn a driver error into a sentence a teacher can act on.

    A ``UnicodeDecodeError`` here is SQLite's own error message about a damaged page, quoting
    bytes from that page that the driver could not decode: the file is damaged."""
    where = f" ({path})" if path else ""
    code = error_code(error)
    if isinstance(error, UnicodeDecodeError) or code in _DAMAGED:
        return CorruptDatabaseError(f"The database{where} is damaged. {_WHAT_TO_DO}")
    if code in _LOCKED:
        return DatabaseLockedError(
            f"The database{where} is locked by another program or another copy of OwnWork. "
            "Close it and try again."
        )
    if code in _CANNOT_WRITE:
        return DatabaseReadOnlyError(
            f"The database{where} cannot be written. Check that the data folder is writable, "
            "or choose another data folder."
        )
    if code == SQLITE_FULL:
        return StorageFullError(
            f"The disk holding the database{where} is full. Nothing more could be saved; "
            "what was saved before is intact. Free some space and try again."
        )
    if code == SQLITE_IOERR:
        return StoreError(
            f"The disk holding the database{where} reported an error while reading or writing "
            "it. What was saved before is intact; check the disk, then try again."
        )
    return StoreError(f"The database{where} could not be used: {error}")


def probe(path: Path, *, timeout: float = 2.0, read_only: bool = False) -> str | None:
    """Check an existing database file without changing a byte of it.

    Returns the stored schema revision, or None for a file that does not exist yet or is empty.
    Raises a ``StoreError`` saying what is wrong otherwise.  Files larger than
    ``QUICK_CHECK_MAX_BYTES`` are not read whole (see there).
    """
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        return None
    with path.open("rb") as handle:
        if handle.read(len(HEADER)) != HEADER:
            raise NotADatabaseError(
                f"{path} is not an OwnWork database (it is not a SQLite file). {_WHAT_TO_DO}"
            )
    try:
        with closing(_read_only(path, timeout)) as conn:
            if size <= QUICK_CHECK_MAX_BYTES:
                check = conn.execute("PRAGMA quick_check").fetchall()
                if check != [("ok",)]:
                    raise CorruptDatabaseError(f"The database {path} is damaged. {_WHAT_TO_DO}")
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            revision: str | None = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            elif tables - {"sqlite_sequence"}:
                raise NotADatabaseError(
                    f"{path} is a SQLite file of another program, not an OwnWork database. "
                    f"{_WHAT_TO_DO}"
                )
        if read_only:
            return revision
        # A write lock held elsewhere shows only when we ask for one; asking changes nothing.
        with closing(sqlite3.connect(path, timeout=timeout, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
    except OwnWorkError:
        raise
    except (sqlite3.Error, UnicodeDecodeError) as error:
        raise explain(error, path) from error
    return revision


def backup(source: Path, destination: Path) -> None:
    """A consistent copy through SQLite's online backup API, safe while the app is writing."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The source is read through a read-only connection: a backup must work from a data
        # folder that cannot be written (to somewhere that can), and never writes the source.
        with (
            closing(_read_only(source, BUSY_TIMEOUT_MS / 1000)) as src,
            closing(sqlite3.connect(destination)) as dst,
        ):
            src.backup(dst)
            # A backup is one self-contained file: reading it later leaves no -wal/-shm beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise explain(error, source) from error


def restore_into(source: Path, destination: Path) -> None:
    """Overwrite ``destination``'s content with ``source``'s, page by page, through the API."""
    try:
        with (
            closing(sqlite3.connect(source)) as src,
            closing(sqlite3.connect(destination, timeout=BUSY_TIMEOUT_MS / 1000)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as error:
        raise explain(error, destination) from error


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` as a list of problems (empty when the file is sound)."""
    try:
        with closing(_read_only(path, BUSY_TIMEOUT_MS / 1000)) as conn:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except (sqlite3.Error, UnicodeDecodeError) as error:
        return [str(explain(error, path))]
    return [] if rows == ["ok"] else rows


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(_read_only(path, BUSY_TIMEOUT_MS / 1000)) as conn:
        yield conn
