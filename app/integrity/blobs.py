"""The evidence store behind attachments: files kept by their SHA-256, whatever holds them.

``BlobStore`` is what the rest of the core uses (put, open, view, verify, held).  Two
implementations:

- ``FolderBlobStore``, the personal store's: the data folder's
  ``evidence/<first two hex digits>/<sha256>``, each file written to a temporary file first and
  renamed into place, readable by the user only.
- ``DatabaseBlobStore``, a school server's: each file as 1 MiB ``bytea`` pieces in the
  database (``evidence_blobs``/``evidence_chunks``, migration 0007), written in the caller's
  transaction, so an attachment's row and its file commit together or not at all.

``blob_store(paths, store)`` is the one place an implementation is chosen (encryption at rest
would be one class there): the database's own store on a server, the folder otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final, Protocol, cast

from sqlalchemy import Connection, Table, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.errors import DataFolderError, OwnWorkError, StorageFullError
from app.paths import AppPaths
from app.storage.models import utcnow
from app.storage.models_server import EvidenceBlobRow, EvidenceChunkRow

if TYPE_CHECKING:
    from app.storage.database import Database

MAX_BYTES: Final = 200 * 1024 * 1024
TOO_LARGE: Final = "The file is larger than 200 MB, the most an attachment can be."
_CHUNK = 1 << 20
_INCOMING = "incoming"
_VIEWING = "viewing"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


@dataclass(frozen=True)
class BlobCheck:
    """What ``verify`` found: the stored size and digest, or why the file cannot be read."""

    size: int = 0
    sha256: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


class BlobStore(Protocol):
    def put(
        self, read: Callable[[int], bytes], *, limit: int = MAX_BYTES, too_large: str = TOO_LARGE
    ) -> StoredFile:
        """Keep what ``read(n)`` gives (at most n bytes a call, b"" at the end) under its
        SHA-256; content already held is kept once."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes, to read (``FileNotFoundError`` if not held)."""
        ...

    def view(self, sha256: str, *, key: str, name: str, described: str) -> Path:
        """A plain, read-only copy named ``name`` for a viewer, checked against ``sha256``."""
        ...

    def verify(self, sha256: str) -> BlobCheck:
        """The stored file's size and digest, or what is wrong with it."""
        ...

    def held(self) -> Iterator[tuple[str, str]]:
        """Every stored file's SHA-256, with how a report names it."""
        ...


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        path.chmod(0o700)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FolderBlobStore:
    """Files in the data folder's ``evidence`` folder, named by their SHA-256."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths

    def location(self, sha256: str) -> Path:
        return self.paths.evidence_dir / sha256[:2] / sha256

    def _write_problem(self, error: OSError) -> OwnWorkError:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return StorageFullError(
                f"The disk holding the data folder {self.paths.data_dir} is full, so the file "
                "was not stored. Nothing already saved was affected. Free some space and try "
                "again."
            )
        return DataFolderError(
            f"The evidence folder {self.paths.evidence_dir} cannot be written "
            f"({error.strerror or error}). Check its permissions or choose another data folder."
        )

    def _write_all(self, handle: int, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(handle, view) :]
        except OSError as error:
            raise self._write_problem(error) from error

    def put(
        self,
        read: Callable[[int], bytes],
        *,
        limit: int = MAX_BYTES,
        too_large: str = TOO_LARGE,
    ) -> StoredFile:
        incoming = self.paths.evidence_dir / _INCOMING
        try:
            _private_dir(self.paths.evidence_dir)
            _private_dir(incoming)
            handle, name = tempfile.mkstemp(dir=incoming, prefix=".", suffix=".partial")
        except OSError as error:
            raise self._write_problem(error) from error
        partial = Path(name)
        digest = hashlib.sha256()
        size = 0
        try:
            try:
                while chunk := read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise OwnWorkError(too_large)
                    digest.update(chunk)
                    self._write_all(handle, chunk)
                try:
                    os.fsync(handle)
                except OSError as error:
                    raise self._write_problem(error) from error
            finally:
                os.close(handle)
            sha = digest.hexdigest()
            final = self.location(sha)
            try:
                _private_dir(final.parent)
                if final.exists() and final.stat().st_size == size and _hash_file(final) == sha:
                    partial.unlink()
                else:
                    # Absent, or damaged: the fresh copy takes its place.
                    os.replace(partial, final)
                if os.name == "posix":
                    final.chmod(0o600)
            except OSError as error:
                raise self._write_problem(error) from error
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise
        return StoredFile(sha256=sha, size=size, path=final)

    def open(self, sha256: str) -> BinaryIO:
        return self.location(sha256).open("rb")

    def view(self, sha256: str, *, key: str, name: str, described: str) -> Path:
        stored = self.location(sha256)
        if not stored.is_file():
            raise OwnWorkError(
                f"The file for {described} is missing from {self.paths.evidence_dir}. Run "
                "Verify records, and restore the evidence folder from a backup."
            )
        return _viewing_copy(
            self.paths,
            lambda target: shutil.copyfile(stored, target),
            sha256,
            key=key,
            name=name,
            described=described,
            problem=self._write_problem,
        )

    def verify(self, sha256: str) -> BlobCheck:
        location = self.location(sha256)
        digest = hashlib.sha256()
        size = 0
        try:
            with location.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    digest.update(chunk)
        except FileNotFoundError:
            return BlobCheck(problem=f"Its file is missing from {location.parent}.")
        except OSError as error:
            return BlobCheck(problem=f"Its file cannot be read ({error.strerror or error}).")
        return BlobCheck(size=size, sha256=digest.hexdigest())

    def held(self) -> Iterator[tuple[str, str]]:
        root = self.paths.evidence_dir
        if root.is_dir():
            for path in sorted(root.glob("??/*")):
                if path.is_file():
                    yield path.name, f"evidence file {path.relative_to(root)}"


def _viewing_copy(
    paths: AppPaths,
    copy: Callable[[Path], object],
    sha256: str,
    *,
    key: str,
    name: str,
    described: str,
    problem: Callable[[OSError], OwnWorkError],
) -> Path:
    """``copy(target)`` writes the stored bytes to ``viewing/<key>/<name>``, made read-only
    and checked against ``sha256`` before a viewer may open it.

    The stored file has no extension (viewers could not tell its type) and must never be
    changed by a viewer, so a copy is opened instead."""
    folder = paths.data_dir / _VIEWING / key
    target = folder / name
    try:
        _private_dir(folder.parent)
        _private_dir(folder)
        if target.exists():
            target.chmod(0o600)
        copy(target)
        target.chmod(0o400)
    except OSError as error:
        raise problem(error) from error
    if _hash_file(target) != sha256:
        target.unlink(missing_ok=True)
        raise OwnWorkError(
            f"The stored file for {described} no longer matches the SHA-256 recorded when "
            "it was attached, so it was not opened. Run Verify records."
        )
    return target


_BLOBS = cast(Table, EvidenceBlobRow.__table__)
_CHUNKS = cast(Table, EvidenceChunkRow.__table__)


class DamagedBlobError(OwnWorkError):
    """A piece of a file held in the database no longer matches its SHA-256."""


class _ChunkReader(io.RawIOBase):
    """A file held in the database, read piece by piece (one piece in memory at a time), each
    piece checked against its own SHA-256 and the whole against the file's at the end."""

    def __init__(
        self, connection: Connection, blob: tuple[int, str, int, int], *, close: bool
    ) -> None:
        super().__init__()
        self._connection = connection
        self._blob_id, self._sha256, self._size, self._chunks = blob
        self._close_connection = close
        self._next = 0
        self._buffer = b""
        self._digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def _fetch(self) -> bytes:
        row = self._connection.execute(
            select(_CHUNKS.c.sha256, _CHUNKS.c.data).where(
                _CHUNKS.c.blob_id == self._blob_id, _CHUNKS.c.n == self._next
            )
        ).first()
        piece = self._next
        self._next += 1
        if row is None:
            raise DamagedBlobError(
                f"Piece {piece + 1} of {self._chunks} of the stored file {self._sha256[:12]} "
                "is missing from the database. Run Verify records."
            )
        data = bytes(row.data)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise DamagedBlobError(
                f"Piece {piece + 1} of {self._chunks} of the stored file {self._sha256[:12]} "
                "was changed after it was written. Run Verify records."
            )
        self._digest.update(data)
        if self._next == self._chunks and self._digest.hexdigest() != self._sha256:
            raise DamagedBlobError(
                f"The stored file {self._sha256[:12]} no longer matches its SHA-256. Run "
                "Verify records."
            )
        return data

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._buffer:
            if self._next >= self._chunks:
                return 0
            self._buffer = self._fetch()
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def close(self) -> None:
        if not self.closed and self._close_connection:
            self._connection.close()
        super().close()


class DatabaseBlobStore:
    """Files in the server's database: ``evidence_blobs`` names each by its SHA-256,
    ``evidence_chunks`` holds its 1 MiB pieces.

    Given a ``Session``, every operation runs in that session's transaction (an attachment's
    file and row commit together); given the ``Database``, each opens its own."""

    def __init__(self, paths: AppPaths, source: Database | Session) -> None:
        self.paths = paths
        self._source = source

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Connection]:
        if isinstance(self._source, Session):
            yield self._source.connection()
        else:
            with self._source.engine.begin() as connection:
                yield connection

    def put(
        self,
        read: Callable[[int], bytes],
        *,
        limit: int = MAX_BYTES,
        too_large: str = TOO_LARGE,
    ) -> StoredFile:
        with self._connection() as connection:
            # The pieces are written under a new blob number inside a savepoint: the digest
            # naming the file is known only after the last piece, and content already held is
            # then rolled back rather than deleted (the tables refuse deletes).
            savepoint = connection.begin_nested()
            try:
                blob_id = connection.scalar(
                    text("SELECT nextval(pg_get_serial_sequence('evidence_blobs', 'id'))")
                )
                digest = hashlib.sha256()
                size = pieces = 0
                pending = bytearray()
                while True:
                    chunk = read(_CHUNK)
                    size += len(chunk)
                    if size > limit:
                        raise OwnWorkError(too_large)
                    digest.update(chunk)
                    pending += chunk
                    while len(pending) >= _CHUNK or (not chunk and pending):
                        piece = bytes(pending[:_CHUNK])
                        del pending[:_CHUNK]
                        connection.execute(
                            insert(_CHUNKS).values(
                                blob_id=blob_id,
                                n=pieces,
                                sha256=hashlib.sha256(piece).hexdigest(),
                                data=piece,
                            )
                        )
                        pieces += 1
                    if not chunk:
                        break
                sha = digest.hexdigest()
                kept = connection.scalar(
                    pg_insert(_BLOBS)
                    .values(id=blob_id, sha256=sha, size=size, chunks=pieces, created=utcnow())
                    .on_conflict_do_nothing(index_elements=["sha256"])
                    .returning(_BLOBS.c.id)
                )
                if kept is None:
                    savepoint.rollback()
                else:
                    savepoint.commit()
            except BaseException:
                if savepoint.is_active:
                    savepoint.rollback()
                raise
        return StoredFile(sha256=sha, size=size, path=Path(sha))

    def _blob(self, connection: Connection, sha256: str) -> tuple[int, str, int, int] | None:
        row = connection.execute(
            select(_BLOBS.c.id, _BLOBS.c.sha256, _BLOBS.c.size, _BLOBS.c.chunks).where(
                _BLOBS.c.sha256 == sha256
            )
        ).first()
        return None if row is None else (row.id, row.sha256, row.size, row.chunks)

    def open(self, sha256: str) -> BinaryIO:
        if isinstance(self._source, Session):
            connection, close = self._source.connection(), False
        else:
            connection, close = self._source.engine.connect(), True
        try:
            blob = self._blob(connection, sha256)
            if blob is None:
                raise FileNotFoundError(f"no stored file {sha256}")
        except BaseException:
            if close:
                connection.close()
            raise
        return cast(
            BinaryIO, io.BufferedReader(_ChunkReader(connection, blob, close=close), _CHUNK)
        )

    def view(self, sha256: str, *, key: str, name: str, described: str) -> Path:
        def copy(target: Path) -> None:
            with self.open(sha256) as source, target.open("wb") as handle:
                shutil.copyfileobj(source, handle, _CHUNK)

        try:
            return _viewing_copy(
                self.paths,
                copy,
                sha256,
                key=key,
                name=name,
                described=described,
                problem=FolderBlobStore(self.paths)._write_problem,
            )
        except FileNotFoundError as error:
            raise OwnWorkError(
                f"The file for {described} is missing from the school's database. Run Verify "
                "records."
            ) from error
        except DamagedBlobError as error:
            (self.paths.data_dir / _VIEWING / key / name).unlink(missing_ok=True)
            raise OwnWorkError(
                f"The stored file for {described} no longer matches the SHA-256 recorded when "
                "it was attached, so it was not opened. Run Verify records."
            ) from error

    def verify(self, sha256: str) -> BlobCheck:
        with self._connection() as connection:
            blob = self._blob(connection, sha256)
            if blob is None:
                return BlobCheck(problem="Its file is missing from the database.")
            blob_id, _, _, chunks = blob
            rows = connection.execute(
                select(_CHUNKS.c.n, _CHUNKS.c.sha256, _CHUNKS.c.data)
                .where(_CHUNKS.c.blob_id == blob_id)
                .order_by(_CHUNKS.c.n)
                .execution_options(yield_per=1)
            )
            digest = hashlib.sha256()
            size = expected = 0
            changed: list[int] = []
            missing: list[int] = []
            for row in rows:
                missing.extend(range(expected, row.n))
                expected = row.n + 1
                data = bytes(row.data)
                if hashlib.sha256(data).hexdigest() != row.sha256:
                    changed.append(row.n)
                size += len(data)
                digest.update(data)
            missing.extend(range(expected, chunks))
        if changed or missing:
            parts = []
            if changed:
                parts.append(f"{_pieces(changed)} of {chunks} changed after it was written")
            if missing:
                parts.append(f"{_pieces(missing)} of {chunks} missing")
            return BlobCheck(problem=f"Its file in the database has {' and '.join(parts)}.")
        return BlobCheck(size=size, sha256=digest.hexdigest())

    def held(self) -> Iterator[tuple[str, str]]:
        with self._connection() as connection:
            shas = connection.scalars(select(_BLOBS.c.sha256).order_by(_BLOBS.c.id)).all()
        for sha in shas:
            yield sha, f"evidence file {sha[:12]} in the database"


def _pieces(numbers: list[int]) -> str:
    """Piece numbers as a reader counts them: "piece 3", "pieces 1, 4 and 7"."""
    shown = [str(n + 1) for n in numbers[:5]]
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    if len(shown) == 1:
        return f"piece {shown[0]}"
    if more:
        return f"pieces {', '.join(shown)}{more}"
    return f"pieces {', '.join(shown[:-1])} and {shown[-1]}"


def blob_store(paths: AppPaths, store: Database | Session) -> BlobStore:
    """The evidence store of ``store``: the database itself on a school's server, the data
    folder ``paths`` names for the personal store.  Given a ``Session``, a server's store
    writes in that session's transaction."""
    engine = store.get_bind() if isinstance(store, Session) else store.engine
    if engine.dialect.name == "postgresql":
        return DatabaseBlobStore(paths, store)
    return FolderBlobStore(paths)
