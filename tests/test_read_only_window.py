"""The window over records that cannot be written: a banner says why, and editing is off.

Whether a folder can be written is the file system's answer, which root does not get from file
modes; tests/test_read_only_store.py proves that answer from outside, as another user.  Here the
store is opened by the real start-up path with that answer given (a read-only file system's
reason), so the connections are truly read-only and the window is driven with keys.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QToolBar
from pytestqt.qtbot import QtBot

from app.demo.seed import seed_demo
from app.paths import AppPaths
from app.storage import database, precheck
from app.storage.database import open_store
from tests.test_window_first import _enabled_actions, launch_until_attached
from ui.read_only_banner import OBJECT_NAME

REASON = "The data folder /school/share cannot be written (Read-only file system)"


@pytest.fixture
def read_only(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    store = open_store(paths, actor="test teacher")
    seed_demo(store, students=8, conversations=6)
    store.dispose()
    monkeypatch.setattr(precheck, "read_only_reason", lambda _paths: REASON)
    monkeypatch.setattr(database, "read_only_reason", lambda _paths: REASON)
    return paths


def test_records_that_cannot_be_written_show_a_banner_and_no_way_to_change_them(
    qtbot: QtBot, read_only: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    launcher, _fake, window, backups = launch_until_attached(qtbot, read_only, monkeypatch)
    try:
        assert window.store.read_only == REASON
        bar = window.findChild(QToolBar, OBJECT_NAME)
        assert bar is not None and bar.isVisibleTo(window)
        label = bar.findChild(QLabel)
        assert label is not None and label.accessibleName() == "Records shown read-only"
        assert "This data folder cannot be written" in label.text()
        assert "records are shown read-only" in label.text() and "(Read-only file" in label.text()
        actions = _enabled_actions(window)
        for writing in (
            "&New…",
            "New &student…",
            "&Edit details…",
            "&Open conversation",
            "&Import students from CSV…",
            "&Finalise the record…",
            "&Amend a finalised record…",
            "&Evidence attached…",
            "&Restore from a backup…",
            "&Import case bundle…",
        ):
            assert actions[writing] is False, writing
        for reading in ("&Timeline…", "Conversation &record…", "&Verify records…", "&Find"):
            assert actions[reading] is True, reading
        qtbot.waitUntil(lambda: window.students.model.rowCount() == 8)  # read on the runner
        # The shortcuts of the writing actions open nothing.
        window.activateWindow()
        for key, modifiers in (
            (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        ):
            QTest.keyClick(window, key, modifiers)
            assert QApplication.activeModalWidget() is None
        # Nor does Enter on a row, which would open its form (or a walk-through).
        window.show_tab(2)
        table = window.conversations.table
        table.setFocus()
        QTest.keyClick(table, Qt.Key.Key_Down)
        QTest.keyClick(table, Qt.Key.Key_Return)
        assert QApplication.activeModalWidget() is None
        assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]
        assert backups == []  # no daily backup is attempted into a folder that cannot take it
    finally:
        assert launcher.finish(0) == 0
