"""One running OwnWork per data folder, kept with a ``QLockFile`` in that folder.

Two copies writing the same records at once would each think their screen was current.  A
second launch is told which process holds the folder, and stops.  A lock left by a crashed copy
is recognised (its process no longer exists) and taken over.

The window also holds the core's writer lock (app/storage/writer_lock.py, through
app.services.store), which the Qt-free
command line respects: ``ownwork restore`` and the other commands that write are refused while
the window has the folder open, and a window does not open while such a command runs.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QLockFile
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain.principal import Principal
from app.errors import OwnWorkError
from app.paths import AppPaths
from app.services import store

LOCK_FILE = ".ownwork.lock"


class InstanceLock:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.path = paths.data_dir / LOCK_FILE
        self._lock = QLockFile(str(self.path))
        # Never treat a live holder's lock as stale by age; a dead holder's is detected by pid.
        self._lock.setStaleLockTime(0)
        self._writer = store.writer_lock(Principal.personal(), paths, "the OwnWork window")
        self._command_busy = ""
        self._read_only = False

    def acquire(self, timeout_ms: int = 200) -> bool:
        if store.read_only_reason(Principal.personal(), self.paths) is not None:
            # Records that cannot be written open read-only: no lock file can be made there,
            # and a window that only reads cannot overwrite another's changes.
            self._read_only = True
            return True
        self.paths.data_dir.mkdir(parents=True, exist_ok=True)
        taken = self._lock.tryLock(timeout_ms)
        if not taken:
            return False
        if os.name == "posix":
            self.path.chmod(0o600)
        try:
            writer = self._writer.acquire()
        except OwnWorkError:
            # A folder that cannot be written: no command can write there either.
            writer = True
        if not writer:
            # A command (``ownwork restore``…) is changing the records right now.
            self._command_busy = self._writer.holder()
            self._lock.unlock()
            return False
        return True

    def release(self) -> None:
        if self._read_only:
            return
        self._writer.release()
        self._lock.unlock()

    def holder(self) -> str:
        """Who holds the lock, in words, e.g. "process 4242 on STAFF-PC-12"."""
        info = self._lock.getLockInfo()
        # PySide6 returns (pid, hostname, appname), or a false value when there is no lock.
        if isinstance(info, tuple) and len(info) >= 2 and info[0]:
            return QCoreApplication.translate("single_instance", "process {0} on {1}").format(
                info[0], info[1] or "this computer"
            )
        return QCoreApplication.translate("single_instance", "another copy of OwnWork")

    def message(self) -> str:
        if self._command_busy:
            return QCoreApplication.translate(
                "single_instance",
                "The records in {0} are being changed by {1}. Try again when it has finished.",
            ).format(self.paths.data_dir, self._command_busy)
        return QCoreApplication.translate(
            "single_instance",
            "OwnWork is already open with the data folder {0} ({1}). Switch to that window: "
            "only one copy may use a data folder at a time, so that no record is changed by two "
            "copies at once.",
        ).format(self.paths.data_dir, self.holder())


def acquire_or_explain(
    paths: AppPaths, parent: QWidget | None = None, *, interactive: bool = True
) -> InstanceLock | None:
    """The lock for this data folder, or None after telling the teacher who holds it."""
    lock = InstanceLock(paths)
    if lock.acquire():
        return lock
    if interactive and QApplication.instance() is not None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            QCoreApplication.translate("single_instance", "OwnWork is already open"),
            lock.message(),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setAccessibleName(box.windowTitle())
        box.exec()
    else:
        print(f"ownwork: {lock.message()}", file=sys.stderr)
    return None
