"""Finding the application window, which is not part of the core.

``ownwork`` without a command opens the window, yet nothing in ``app`` imports ``ui``: the
window is registered as the entry point ``window`` in the group ``ownwork.gui`` (pyproject.toml)
by the composition root, ``ownwork/desktop.py``, which wires the store, the principal and the
windows together.  This module finds that registration and loads what it names.

The registration is read from the installed package's ``entry_points.txt`` directly: importing
``importlib.metadata`` costs tens of milliseconds, a visible share of the window's start-up; the
standard route is kept for an installation laid out otherwise (a zipped one).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, cast

from app.errors import OwnWorkError
from app.paths import AppPaths

GROUP = "ownwork.gui"
NAME = "window"
_DISTRIBUTION = "ownwork"


class WindowOpener(Protocol):
    def __call__(
        self, paths: AppPaths, *, smoke: str | None = None, database_url: str | None = None
    ) -> int: ...


def _entry_points_files() -> list[Path]:
    found: list[Path] = []
    prefix = f"{_DISTRIBUTION}-"
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.name.endswith(".dist-info"):
                    candidate = Path(entry.path, "entry_points.txt")
                    if candidate.is_file():
                        found.append(candidate)
    return found


def read_entry_point(text: str, group: str, name: str) -> str | None:
    """``module:attribute`` registered as ``name`` in ``group`` of an ``entry_points.txt``."""
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            if key == name:
                return value
    return None


def _registered() -> str | None:
    for path in _entry_points_files():
        value = read_entry_point(path.read_text("utf-8"), GROUP, NAME)
        if value is not None:
            return value
    from importlib.metadata import entry_points

    for point in entry_points(group=GROUP, name=NAME):
        return str(point.value)
    return None


def window_opener() -> WindowOpener:
    """What opens the window, or ``OwnWorkError`` saying the window is not installed."""
    value = _registered()
    if value is None:
        raise OwnWorkError(
            "The application window is not installed with this copy of OwnWork; the commands "
            "still work (see ownwork --help). Reinstall OwnWork to get the window."
        )
    module, _, attribute = value.partition(":")
    target: object = importlib.import_module(module.strip())
    for part in attribute.strip().split("."):
        target = getattr(target, part)
    return cast(WindowOpener, cast(Callable[..., int], target))
