"""The main window's lists come from one registry of record kinds: a tab, a list that follows
its changes, a New action with its shortcut, a View entry, and which kinds the Case and
Documents menus act on, per entry."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.storage.database import Database
from tests.gui_helpers import on_next_message, wait_listed
from ui.main_window import RECORD_KINDS, MainWindow


def test_every_tab_and_new_action_comes_from_the_registry(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    window = MainWindow(store, paths)
    qtbot.addWidget(window)
    # The personal store's teacher: the three lists (the Waiting list is the exams officer's).
    shown = [kind for kind in RECORD_KINDS if kind.shown(window.uses)]
    assert [kind.key for kind in shown] == ["students", "submissions", "conversations"]
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        kind.tab for kind in shown
    ]
    assert window.panes() == [window.tabs.widget(i) for i in range(window.tabs.count())]
    shortcuts = {
        action.text(): action.shortcut()
        for action in window.findChildren(type(window.menuBar().actions()[0]))
    }
    for number, kind in enumerate(shown, start=1):
        assert kind.new_title is not None
        assert shortcuts[kind.new_title] == QKeySequence(f"Ctrl+Shift+{number}")
    assert {kind.key for kind in RECORD_KINDS} == {
        "students",
        "submissions",
        "conversations",
        "waiting",
    }


def _view_entries(window: MainWindow) -> dict[str, QKeySequence]:
    [view] = [a.menu() for a in window.menuBar().actions() if a.text() == "&View"]
    assert view is not None
    return {a.text(): a.shortcut() for a in view.actions() if a.menu() is None}


def test_the_view_menu_has_one_entry_per_kind_with_its_place_as_the_key(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    window = MainWindow(store, paths)
    qtbot.addWidget(window)
    entries = _view_entries(window)
    for number, kind in enumerate(RECORD_KINDS, start=1):
        assert entries[kind.tab] == QKeySequence(f"Ctrl+{number}")


@pytest.mark.parametrize(
    ("tab", "action", "named"),
    [
        # The kinds that have a timeline, that have evidence, that are cases with documents.
        ("submissions", "&Timeline…", "Select a student or a conversation first."),
        ("students", "&Evidence attached…", "Select a submission or a conversation first."),
        (
            "students",
            "&Finalise the record…",
            "Select a conversation in the Conversations list first.",
        ),
    ],
)
def test_the_case_menus_name_the_kinds_the_registry_gives_them_to(
    qtbot: QtBot, store: Database, paths: AppPaths, tab: str, action: str, named: str
) -> None:
    window = MainWindow(store, paths)
    qtbot.addWidget(window)
    window.show()
    wait_listed(qtbot, window)
    window.tabs.setCurrentIndex([k.key for k in RECORD_KINDS].index(tab))
    seen: list[str] = []
    errors = on_next_message(seen)
    [chosen] = [a for a in window.findChildren(QAction) if a.text() == action]
    chosen.trigger()
    qtbot.waitUntil(lambda: bool(seen) or bool(errors))
    assert not errors and seen == [named]
