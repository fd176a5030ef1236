"""Logging to a file in the log folder, so unexpected errors leave a trace for IT staff."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from app.paths import AppPaths


def configure(paths: AppPaths, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_ownwork", False) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            paths.log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        # An unwritable log folder must not stop a teacher from working.
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._ownwork = True  # type: ignore[attr-defined]
    root.addHandler(handler)
