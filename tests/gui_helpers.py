"""Helpers for driving modal dialogs from pytest-qt tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot


def on_next_dialog(act: Callable[[QDialog], None], *, tries: int = 200) -> list[BaseException]:
    """Run ``act`` on the next modal dialog once it is shown and filled (a form reads what it
    shows on a reading thread: ``loading``), not on a form still saving (``waiting``); errors
    are collected, not lost."""
    errors: list[BaseException] = []

    def attempt(left: int) -> None:
        widget: QWidget | None = QApplication.activeModalWidget()
        if (
            isinstance(widget, QDialog)
            and widget.isVisible()
            and not getattr(widget, "loading", False)
            and not getattr(widget, "waiting", False)  # a form saving, about to close
        ):
            # Focus events (and so select-all on Tab) reach only the active window.
            widget.activateWindow()
            QApplication.processEvents()
            try:
                act(widget)
            except BaseException as error:  # reported by the test after exec() returns
                errors.append(error)
                widget.reject()
            return
        if left:
            QTimer.singleShot(10, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(tries))
    return errors


def on_next_message(seen: list[str]) -> list[BaseException]:
    """Read the next message box's text into ``seen`` and close it (see ``on_next_dialog``)."""

    def read_and_close(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    return on_next_dialog(read_and_close)


def type_text(widget: QWidget, text: str) -> None:
    """Type any Unicode text as key presses.

    ``QTest.keyClicks`` maps characters to key codes and aborts on non-ASCII ones (Zoë, Łukasz),
    so each character is sent as a key event carrying its text, as a keyboard layout would.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def show_active(qtbot: Any, dialog: QDialog) -> QDialog:
    """Show a form as a teacher sees it: exposed, the active window, a field focused."""
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.waitUntil(lambda: not getattr(dialog, "loading", False))  # filled from the store
    return dialog


def wait_listed(qtbot: QtBot, window: QWidget) -> None:
    """Wait until every list of the main window ``window`` has the rows it is reading (rows
    arrive from the runner's reading thread, see ui/models/record_table.py)."""
    panes = window.panes()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not any(pane.model.loading for pane in panes), timeout=10_000)
