"""Logging to a file in the log folder, so unexpected errors leave a trace for IT staff."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from app.paths import AppPaths

MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _LogFile(logging.Handler):
    """Opens the rotating log file on the first record.

    Most runs write nothing to the log, and the window should not wait for a file to be opened
    or for ``logging.handlers`` (which brings in sockets and pickling) to be imported.
    """

    def __init__(self, paths: AppPaths) -> None:
        super().__init__()
        self._paths = paths
        self._target: logging.Handler | None = None

    @property
    def baseFilename(self) -> str:
        """The log file's path, named in error messages before anything has been written."""
        return str(self._paths.log_file)

    def emit(self, record: logging.LogRecord) -> None:
        if self._target is None:
            self._target = _open(self._paths)
        # (``handle`` does not look at the handler's own level; the stand-in for standard
        # error has one.)
        if record.levelno >= self._target.level:
            self._target.handle(record)

    def close(self) -> None:
        if self._target is not None:
            self._target.close()
        super().close()


def _open(paths: AppPaths) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    handler: logging.Handler
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            paths.log_dir.chmod(0o700)
        handler = RotatingFileHandler(
            paths.log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
        if os.name == "posix":
            paths.log_file.chmod(0o600)
    except OSError:
        # An unwritable log folder (a read-only data folder) must not stop a teacher from
        # working; warnings and errors go to standard error instead of being lost.
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


def log_file() -> Path | None:
    """The file this process logs to, or None before ``configure``."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _LogFile):
            return Path(handler.baseFilename)
    return None


def configure(paths: AppPaths, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    if any(isinstance(h, _LogFile) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.addHandler(_LogFile(paths))
