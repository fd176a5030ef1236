"""File › Connect to the school's server…: a teacher types the profile and connects to a real
server over TLS; the profile is saved without the password; the window says which records
are open; a wrong password is explained in the dialog; start-up opens the saved profile."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.cli.main import main
from app.domain.principal import Principal
from app.paths import AppPaths
from tests.gui_helpers import on_next_message, type_text
from tests.pg_server import PASSWORD, SUPERUSER, TlsServer, drop_database
from ui.main_window import MainWindow
from ui.server_dialog import ServerDialog, load_profile, show_store
from ui.settings import Settings

_numbers = itertools.count(1)


@pytest.fixture
def school(tls_pg_server: TlsServer) -> Iterator[str]:
    """A database set up by ``server init`` on the TLS server; its name."""
    name = f"ownwork_gui_{os.getpid()}_{next(_numbers)}"
    url = tls_pg_server.server.tcp_url(name, sslrootcert=str(tls_pg_server.ca))
    assert main(["server", "init", "--database-url", url]) == 0
    assert (
        main(["seed-demo", "--students", "4", "--conversations", "3", "--database-url", url]) == 0
    )
    yield name
    drop_database(tls_pg_server.server, name)


def _type_into(qtbot: QtBot, field: QWidget, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    type_text(field, text)


def _fill(qtbot: QtBot, dialog: ServerDialog, tls: TlsServer, database: str, password: str) -> None:
    _type_into(qtbot, dialog.host, "localhost")
    _type_into(qtbot, dialog.port, str(tls.server.port))
    _type_into(qtbot, dialog.database, database)
    _type_into(qtbot, dialog.login, SUPERUSER)
    _type_into(qtbot, dialog.password, password)
    _type_into(qtbot, dialog.ca_file, str(tls.ca))


def test_typing_a_profile_connects_and_saves_it_without_the_password(
    qtbot: QtBot, paths: AppPaths, tls_pg_server: TlsServer, school: str
) -> None:
    window = MainWindow(None, paths)
    qtbot.addWidget(window)
    dialog = ServerDialog(paths, Principal.personal("test teacher"), window)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, tls_pg_server, school, PASSWORD)
    qtbot.keyClick(dialog.ca_file, Qt.Key.Key_Return)  # the default button: Connect
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=15_000)
    store = dialog.store
    assert store is not None and store.server is not None
    assert store.server.tls == "verify-full" and store.server.host == "localhost"
    window.attach_store(store)
    show_store(window, store)
    assert (
        window.windowTitle()
        == f"OwnWork — School server localhost:{tls_pg_server.server.port}/{school}, encrypted"
    )
    qtbot.waitUntil(lambda: window.current_pane().model.rowCount() > 0, timeout=10_000)
    saved = load_profile(Settings(paths))
    assert saved is not None and saved.database == school and saved.ca_file == str(tls_pg_server.ca)
    assert PASSWORD not in paths.settings_file.read_text(encoding="utf-8")
    # File › Back up and Restore act on this computer's file: on the server they say whose
    # backups these records have, and change nothing.
    for action in (window.backup, window.restore):
        seen: list[str] = []
        errors = on_next_message(seen)
        action()
        assert not errors and len(seen) == 1 and "IT backs up" in seen[0], seen
    assert not paths.database.exists()
    store.dispose()


def test_a_wrong_password_is_explained_in_the_dialog(
    qtbot: QtBot, paths: AppPaths, tls_pg_server: TlsServer, school: str
) -> None:
    dialog = ServerDialog(paths, Principal.personal("test teacher"))
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, tls_pg_server, school, "not the password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "wrong password" in dialog.message.text(), timeout=15_000)
    assert dialog.connect_button.isEnabled() and dialog.isVisible() and dialog.store is None
    assert load_profile(Settings(paths)) is None  # nothing saved until it connects


def test_a_server_elsewhere_without_a_ca_file_is_refused_before_connecting(
    qtbot: QtBot, paths: AppPaths
) -> None:
    dialog = ServerDialog(paths, Principal.personal("test teacher"))
    qtbot.addWidget(dialog)
    dialog.show()
    _type_into(qtbot, dialog.host, "db.school.example")
    _type_into(qtbot, dialog.login, "teacher")
    qtbot.keyClick(dialog.login, Qt.Key.Key_Return)
    assert "choose the school's certificate (CA) file" in dialog.message.text()
    assert dialog.connect_button.isEnabled()


def test_the_file_menu_offers_the_server_and_every_field_has_a_name(
    qtbot: QtBot, paths: AppPaths
) -> None:
    window = MainWindow(None, paths)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions()]  # type: ignore[union-attr]
    entry = next(t for t in texts if "school's ser" in t)
    assert entry.replace("&", "") == "Connect to the school's server…"
    dialog = ServerDialog(paths, Principal.personal("test teacher"), window)
    qtbot.addWidget(dialog)
    for field in (dialog.host, dialog.port, dialog.database, dialog.login, dialog.password,
                  dialog.ca_file, dialog.remember):  # fmt: skip
        assert field.accessibleName()
        assert field.focusPolicy() & Qt.FocusPolicy.TabFocus


def _window(paths: AppPaths, *argv: str) -> subprocess.CompletedProcess[str]:
    """The window started as a teacher starts it: a process of its own (its event loop and
    start-up would otherwise outlive this test in the test's application)."""
    command = [sys.executable, "-m", "app.cli.main", "--data-dir", str(paths.data_dir), *argv]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_start_up_opens_the_saved_profile(
    paths: AppPaths, tls_pg_server: TlsServer, school: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from app.services.server import ServerProfile
    from ui.server_dialog import save_profile

    profile = ServerProfile(
        host="localhost",
        port=tls_pg_server.server.port,
        database=school,
        login=SUPERUSER,
        ca_file=str(tls_pg_server.ca),
    )
    save_profile(Settings(paths), profile)
    # The password from a PostgreSQL password file, as IT may set up for a shared computer.
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"localhost:*:*:{SUPERUSER}:{PASSWORD}\n", encoding="utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    started = _window(paths, "--smoke=listed")
    assert started.returncode == 0, started.stderr
    # The server down: without a teacher to ask, start-up gives up rather than guess.
    save_profile(Settings(paths), ServerProfile(host="localhost", port=1, login=SUPERUSER))
    assert _window(paths, "--smoke=listed").returncode == 1


def test_the_window_opens_the_server_named_on_the_command_line(
    paths: AppPaths, tls_pg_server: TlsServer, school: str
) -> None:
    url = tls_pg_server.server.tcp_url(school, sslrootcert=str(tls_pg_server.ca))
    started = _window(paths, "--database-url", url, "--smoke=listed")
    assert started.returncode == 0, started.stderr
    # The records were the server's: the data folder got no database of its own.
    assert not paths.database.exists()


def test_start_up_asks_for_a_password_it_does_not_hold(
    qtbot: QtBot, paths: AppPaths, tls_pg_server: TlsServer, school: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from PySide6.QtWidgets import QInputDialog

    from app.services.server import ServerProfile
    from ui.server_dialog import profile_opener, save_profile

    save_profile(
        Settings(paths),
        ServerProfile(
            host="localhost",
            port=tls_pg_server.server.port,
            database=school,
            login=SUPERUSER,
            ca_file=str(tls_pg_server.ca),
        ),
    )
    monkeypatch.setenv("PGPASSFILE", str(paths.data_dir / "no-such-file"))
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> tuple[str, bool]:
        asked.append(str(args[2]))
        return PASSWORD, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    opener = profile_opener(paths, interactive=True)
    assert asked and SUPERUSER in asked[0]
    store = opener(paths, Principal.personal("test teacher"))
    assert store.server is not None and store.server.database == school
    store.dispose()


def test_it_s_time_limits_and_opt_out_survive_the_dialog_and_reach_the_connection(
    qtbot: QtBot, paths: AppPaths
) -> None:
    """IT sets the time limits (and, rarely, no encryption) in the settings file; the dialog
    does not show them, so a teacher changing their login there must not lose them."""
    from app.storage.server import target
    from ui.server_dialog import save_profile

    settings = Settings(paths)
    settings.set_text("Server/host", "records.school.internal")
    settings.set_text("Server/login", "s.okafor")
    settings.set_text("Server/unencrypted", "true")
    settings.set_text("Server/connect_timeout", "4")
    settings.set_text("Server/read_timeout", "12.5")
    settings.sync()
    dialog = ServerDialog(paths, Principal.personal())
    qtbot.addWidget(dialog)
    dialog.login.selectAll()
    _type_into(qtbot, dialog.login, "j.patel")
    profile = dialog.profile()
    assert (profile.login, profile.unencrypted) == ("j.patel", True)
    assert (profile.connect_timeout, profile.read_timeout) == (4.0, 12.5)
    save_profile(Settings(paths), profile)
    assert load_profile(Settings(paths)) == profile
    where = target(profile.url())
    assert (where.connect_timeout, where.read_timeout) == (4.0, 12.5)


@pytest.mark.expect_log(r"Server/connect_timeout = .* is not a number of seconds")
@pytest.mark.parametrize("written", ["soon", "-3", "1e9"])
def test_a_time_limit_that_is_not_a_number_of_seconds_falls_back_to_the_default(
    paths: AppPaths, written: str
) -> None:
    from app.storage.server import DEFAULT_CONNECT_TIMEOUT, target

    settings = Settings(paths)
    settings.set_text("Server/host", "localhost")
    settings.set_text("Server/login", "s.okafor")
    settings.set_text("Server/connect_timeout", written)
    settings.sync()
    profile = load_profile(Settings(paths))
    assert profile is not None and profile.connect_timeout is None
    assert target(profile.url()).connect_timeout == DEFAULT_CONNECT_TIMEOUT
