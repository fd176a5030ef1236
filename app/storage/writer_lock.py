"""One writer per data folder, whether it is the window or a command: an OS file lock.

The window also keeps Qt's ``QLockFile`` (ui/single_instance.py) to tell a second window who
has the folder; the command line is Qt-free, so the lock both respect is this one: an exclusive
``flock`` (Linux, macOS) or ``msvcrt`` byte lock (Windows) on ``.ownwork-writer.lock`` in the
data folder.  The operating system drops it when its holder exits, even by ``kill -9``, so a
crashed copy never leaves a stale lock behind.  Who holds it (process id and what it is) is
written into the file for the message shown to whoever is refused.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from app.errors import DataFolderError, OwnWorkError
from app.paths import AppPaths

LOCK_FILE = ".ownwork-writer.lock"
# The lock covers byte 0; who holds it is written further on, where Windows lets others read.
_INFO_OFFSET = 16


class FolderBusyError(OwnWorkError):
    """Another OwnWork (the window, or a command) is changing this data folder's records."""


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


class WriterLock:
    """The data folder's writer lock.  ``who`` says what holds it ("the OwnWork window")."""

    def __init__(self, paths: AppPaths, who: str) -> None:
        self.paths = paths
        self.who = who
        self.path: Path = paths.data_dir / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when someone else holds it."""
        if self._fd is not None:
            return True
        try:
            self.paths.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise DataFolderError(
                f"The data folder {self.paths.data_dir} cannot be written "
                f"({error.strerror or error}), so its records cannot be changed."
            ) from error
        if not _try_lock(fd):
            os.close(fd)
            return False
        info = f"{os.getpid()}\n{self.who}\n".encode()
        os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
        os.write(fd, info)
        os.ftruncate(fd, _INFO_OFFSET + len(info))
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            _unlock(fd)
            os.close(fd)

    def holder(self) -> str:
        """Who holds the lock, in words: "the OwnWork window (process 4242)"."""
        try:
            raw = self.path.read_bytes()[_INFO_OFFSET:].decode("utf-8", "replace")
        except OSError:
            raw = ""
        pid, _, rest = raw.partition("\n")
        what = rest.strip() or "another copy of OwnWork"
        return f"{what} (process {pid})" if pid.isdigit() else what

    def refusal(self) -> str:
        return (
            f"The records in {self.paths.data_dir} are open in {self.holder()}. Close it "
            "first, then try again: only one program may change the records at a time."
        )

    def acquire_or_refuse(self) -> None:
        if not self.acquire():
            raise FolderBusyError(self.refusal())
