"""Logging to a file in the log folder, so unexpected errors leave a trace for IT staff."""

from __future__ import annotations

import logging

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

    def emit(self, record: logging.LogRecord) -> None:
        if self._target is None:
            self._target = _open(self._paths)
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
        handler = RotatingFileHandler(
            paths.log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        # An unwritable log folder must not stop a teacher from working.
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


def configure(paths: AppPaths, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    if any(isinstance(h, _LogFile) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.addHandler(_LogFile(paths))
