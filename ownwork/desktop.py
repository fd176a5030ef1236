"""The desktop application: the personal store's principal, its data folder, and the window.

Registered in pyproject.toml as the ``window`` entry point of the ``ownwork.gui`` group.  A
shared school server would wire another principal (the member of staff signed in) here, and
nothing in the window or the core would change.
"""

from __future__ import annotations

from app.domain.principal import Principal
from app.paths import AppPaths


def open_window(paths: AppPaths, *, smoke: str | None = None) -> int:
    """Run the window on ``paths``; with ``smoke``, exit once it is painted or listed."""
    from ui.application import run_gui

    return run_gui(paths, smoke=smoke, principal=Principal.personal())
