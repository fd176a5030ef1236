"""Start-up paints the window first and opens the store behind it (ui/application.py).

What the teacher sees while the records are opening, what happens when they arrive, and what
happens when the store passes the quick checks but still fails to open.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.demo.seed import seed_demo
from app.errors import CorruptDatabaseError
from app.paths import AppPaths, resolve_paths
from app.storage import students
from app.storage.database import Database, open_store
from app.storage.listing import ListQuery
from tests.gui_helpers import type_text, wait_listed
from ui import application, startup
from ui.application import Launcher
from ui.main_window import MainWindow


class _App:
    """Stands in for the QApplication the launcher quits: the test's own must keep running."""

    def __init__(self) -> None:
        self.quit_calls = 0

    def quit(self) -> None:
        self.quit_calls += 1


@pytest.fixture
def seeded(paths: AppPaths) -> AppPaths:
    store = open_store(paths, actor="test teacher")
    seed_demo(store, students=30, conversations=40)
    store.dispose()
    return paths


def _shown(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _launch(qtbot: QtBot, paths: AppPaths) -> tuple[Launcher, _App]:
    """Start-up as ``run_gui`` does it, with a stand-in for the application's event loop."""
    fake = _App()
    launcher = Launcher(fake, paths, smoke=None)  # type: ignore[arg-type]
    assert launcher.show_window()
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    return launcher, fake


def _enabled_actions(window: MainWindow) -> dict[str, bool]:
    return {
        action.text(): action.isEnabled()
        for menu in window.menuBar().actions()
        for action in menu.menu().actions()  # type: ignore[union-attr]
        if action.text()
    }


def test_before_the_store_opens_the_window_is_usable_but_holds_no_records(
    qtbot: QtBot, seeded: AppPaths
) -> None:
    window = _shown(qtbot, MainWindow(None, seeded))
    assert not window.has_store
    assert window.statusBar().currentMessage() == "Opening the records…"
    pane = window.students
    assert pane.model.rowCount() == 0
    headers = [pane.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers[:2] == ["Surname", "Forename"]
    actions = _enabled_actions(window)
    assert actions["&New…"] is False and actions["&Import students from CSV…"] is False
    assert actions["&Quit"] and actions["&About OwnWork"] and actions["&Find"]
    # Shortcuts that need records do nothing yet (and raise nothing).
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.conversations
    assert window.conversations.model.rowCount() == 0


def test_a_filter_typed_while_opening_applies_when_the_records_arrive(
    qtbot: QtBot, seeded: AppPaths
) -> None:
    window = _shown(qtbot, MainWindow(None, seeded))
    store = open_store(seeded, actor="test teacher")
    try:
        with store.transaction() as session:
            first = students.page(session, ListQuery(limit=1, sort="name"))[0]
            wanted = students.count(session, ListQuery(search=first.surname))
        assert 0 < wanted < 30
        window.students.search.setFocus()
        type_text(window.students.search, first.surname)
        with qtbot.waitSignal(window.storeAttached):
            window.attach_store(store)
        assert _enabled_actions(window)["&New…"] is True
        assert window.statusBar().currentMessage() == ""
        model = window.students.model
        wait_listed(qtbot, window)
        assert model.rowCount() == model.total == wanted
        assert first.id in {model.record(r).id for r in range(wanted)}  # type: ignore[union-attr]
        # Only the list on screen was read.
        assert window.conversations.model.rowCount() == 0
    finally:
        store.dispose()


def launch_until_attached(
    qtbot: QtBot, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> tuple[Launcher, _App, MainWindow, list[AppPaths]]:
    """Start-up until the store is attached; the daily backups it asked for are listed."""
    backups: list[AppPaths] = []
    monkeypatch.setattr(
        application, "_daily_backup", lambda window, paths, principal: backups.append(paths)
    )
    launcher, fake = _launch(qtbot, paths)
    window = launcher.window
    assert window is not None
    with qtbot.waitSignal(window.storeAttached, timeout=30_000):
        pass  # the first paint starts the worker; its result arrives as a queued signal
    return launcher, fake, window, backups


def test_the_launcher_opens_the_store_behind_the_painted_window(
    qtbot: QtBot, seeded: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    launcher, fake, window, backups = launch_until_attached(qtbot, seeded, monkeypatch)
    try:
        assert window.has_store
        qtbot.waitUntil(lambda: window.students.model.rowCount() == 30)
        assert backups == [seeded]  # the day's backup, once the records are open
        assert fake.quit_calls == 0
    finally:
        assert launcher.finish(0) == 0
    assert not launcher.loader.running


def test_a_late_failure_asks_the_teacher_and_quitting_leaves_the_file_alone(
    qtbot: QtBot, seeded: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded.database.read_bytes()

    def broken(paths: AppPaths, **_kwargs: Any) -> Database:
        raise CorruptDatabaseError(f"The database {paths.database} is damaged.")

    monkeypatch.setattr("app.storage.database.open_store", broken)
    asked: list[tuple[object, str]] = []

    def ask(parent: object, message: str) -> str:
        asked.append((parent, message))
        return "quit"

    monkeypatch.setattr(startup, "_ask", ask)
    launcher, fake = _launch(qtbot, seeded)
    window = launcher.window
    assert window is not None
    qtbot.waitUntil(lambda: fake.quit_calls == 1, timeout=30_000)
    # Asked over the empty window, which closes once the teacher chose to quit.
    assert asked == [(window, f"The database {seeded.database} is damaged.")]
    assert not window.isVisible() and not window.has_store
    assert launcher.finish(0) == 1
    assert seeded.database.read_bytes() == before


def test_a_late_failure_can_move_to_another_data_folder(
    qtbot: QtBot, seeded: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = open_store
    other = resolve_paths(tmp_path / "other")

    def refuse_the_first(paths: AppPaths, **kwargs: Any) -> Database:
        if paths.data_dir == seeded.data_dir:
            raise CorruptDatabaseError("The database is damaged.")
        return real_open(paths, **kwargs)

    monkeypatch.setattr("app.storage.database.open_store", refuse_the_first)
    monkeypatch.setattr(startup, "_ask", lambda parent, message: "folder")
    monkeypatch.setattr(
        startup.QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda *args, **kwargs: str(other.data_dir)),
    )
    monkeypatch.setattr(application, "_daily_backup", lambda window, paths, principal: None)
    fake = _App()
    launcher = Launcher(fake, seeded, smoke=None)  # type: ignore[arg-type]
    try:
        assert launcher.show_window()
        first = launcher.window
        assert first is not None
        qtbot.waitUntil(lambda: launcher.window is not first, timeout=30_000)
        moved = launcher.window
        assert moved is not None
        qtbot.addWidget(moved)
        assert moved.paths.data_dir == other.data_dir and moved.has_store
        assert moved.isVisible()
        # The window of the refused folder is closed and freed.
        qtbot.waitUntil(lambda: not shiboken6.isValid(first))
        assert other.database.exists() and fake.quit_calls == 0
    finally:
        assert launcher.finish(0) == 0


@pytest.mark.expect_log(r"opening the store failed")
def test_an_unexpected_error_while_opening_is_a_sentence_and_logged(
    qtbot: QtBot,
    seeded: AppPaths,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def crash(paths: AppPaths, **_kwargs: Any) -> Database:
        raise ValueError("odd")

    monkeypatch.setattr("app.storage.database.open_store", crash)
    asked: list[str] = []
    monkeypatch.setattr(startup, "_ask", lambda parent, message: asked.append(message) or "quit")
    launcher, fake = _launch(qtbot, seeded)
    qtbot.waitUntil(lambda: fake.quit_calls == 1, timeout=30_000)
    assert asked == ["The records could not be opened (ValueError: odd)."]
    assert "opening the store failed" in caplog.text and "ValueError: odd" in caplog.text
    assert launcher.finish(0) == 1


def test_help_still_lists_every_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    for command in ("seed-demo", "list", "backup", "restore", "verify", "export-case"):
        assert command in done.stdout
    assert "--smoke" in done.stdout
