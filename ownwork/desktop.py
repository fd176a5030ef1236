"""The desktop application: the principal, its data folder, and the window.

Registered in pyproject.toml as the ``window`` entry point of the ``ownwork.gui`` group.  With a
school server profile saved (File › Connect to the school's server…, ui/server_dialog.py) the
window opens the server's records; otherwise the data folder's personal store.  Issue 20 will
wire the member of staff signed in as the principal here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from app.domain.principal import Principal
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.services import Database


def open_window(
    paths: AppPaths, *, smoke: str | None = None, database_url: str | None = None
) -> int:
    """Run the window on ``paths``; with ``smoke``, exit once it is painted or listed.  The
    records are the server's given by ``database_url`` (``--database-url`` or
    ``OWNWORK_DATABASE_URL``), else the saved profile's, else the data folder's own."""
    from ui.application import run_gui

    if database_url is not None:
        server: Callable[[], Callable[[AppPaths, Principal], Database]] | None = partial(
            _url_opener, database_url
        )
    else:
        server = _saved_server(paths, interactive=smoke is None)
    return run_gui(paths, smoke=smoke, principal=Principal.personal(), server=server)


def _url_opener(url: str) -> Callable[[AppPaths, Principal], Database]:
    def open_server(_paths: AppPaths, principal: Principal) -> Database:
        from app.services import connect, load_storage

        load_storage()
        return connect(url, principal=principal)

    return open_server


def _saved_server(
    paths: AppPaths, *, interactive: bool
) -> Callable[[], Callable[[AppPaths, Principal], Database]] | None:
    """What makes the server's opener, when a profile is saved: read from the settings file
    with QSettings alone, so that start-up without one imports nothing more."""
    from PySide6.QtCore import QSettings

    if not paths.settings_file.is_file():
        return None
    saved = QSettings(str(paths.settings_file), QSettings.Format.IniFormat).value("Server/host")
    if not saved:
        return None

    def make() -> Callable[[AppPaths, Principal], Database]:
        from ui.server_dialog import profile_opener

        return profile_opener(paths, interactive=interactive)

    return make
