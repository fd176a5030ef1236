"""The evidence store behind attachments: files kept by their SHA-256, whatever holds them.

``BlobStore`` is what the rest of the core uses (put, open, view, verify); ``FolderBlobStore``
is today's implementation: the data folder's ``evidence/<first two hex digits>/<sha256>``,
each file written to a temporary file first and renamed into place, readable by the user only.
``blob_store(paths)`` is the one place an implementation is chosen, so encryption at rest or a
school server's store is one class added there.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Protocol

from app.errors import DataFolderError, OwnWorkError, StorageFullError
from app.paths import AppPaths

MAX_BYTES: Final = 200 * 1024 * 1024
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
        self, read: Callable[[int], bytes], *, limit: int = MAX_BYTES, too_large: str = ""
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
        too_large: str = "",
    ) -> StoredFile:
        too_large = too_large or "The file is larger than 200 MB, the most an attachment can be."
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
        # The stored file has no extension (viewers could not tell its type) and must never
        # be changed by a viewer, so a copy is opened instead, after checking its hash.
        stored = self.location(sha256)
        if not stored.is_file():
            raise OwnWorkError(
                f"The file for {described} is missing from {self.paths.evidence_dir}. Run "
                "Verify records, and restore the evidence folder from a backup."
            )
        folder = self.paths.data_dir / _VIEWING / key
        target = folder / name
        try:
            _private_dir(folder.parent)
            _private_dir(folder)
            if target.exists():
                target.chmod(0o600)
            shutil.copyfile(stored, target)
            target.chmod(0o400)
        except OSError as error:
            raise self._write_problem(error) from error
        if _hash_file(target) != sha256:
            target.unlink(missing_ok=True)
            raise OwnWorkError(
                f"The stored file for {described} no longer matches the SHA-256 recorded when "
                "it was attached, so it was not opened. Run Verify records."
            )
        return target

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


def blob_store(paths: AppPaths) -> BlobStore:
    """The evidence store of the data folder ``paths`` names."""
    return FolderBlobStore(paths)
