"""The main window's lists come from one registry of record kinds: a tab, a list that follows
its changes, a New action with its shortcut, per entry."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.storage.database import Database
from ui.main_window import RECORD_KINDS, MainWindow


def test_every_tab_and_new_action_comes_from_the_registry(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    window = MainWindow(store, paths)
    qtbot.addWidget(window)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        kind.tab for kind in RECORD_KINDS
    ]
    assert window.panes() == [window.tabs.widget(i) for i in range(window.tabs.count())]
    shortcuts = {
        action.text(): action.shortcut()
        for action in window.findChildren(type(window.menuBar().actions()[0]))
    }
    for number, kind in enumerate(RECORD_KINDS, start=1):
        assert shortcuts[kind.new_title] == QKeySequence(f"Ctrl+Shift+{number}")
    assert {kind.key for kind in RECORD_KINDS} == {"students", "submissions", "conversations"}
