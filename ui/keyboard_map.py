"""The keyboard map (Help › Keyboard map, F1): every key the windows answer to, in one place.

The menu keys are read from the window's own menus when the map opens, so the map cannot drift
from what the keys do; the keys that belong to no menu (the walk-through's, the forms') are
listed beside them from the same constants the pages use.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.window_size import fit_to_screen


def _menu_keys(menu: QMenu, path: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for action in menu.actions():
        if not action.isVisible():  # not this principal's (app/domain/access.Uses)
            continue
        sub = action.menu()
        label = action.text().replace("&", "").split("\t")[0]
        if isinstance(sub, QMenu):
            rows.extend(_menu_keys(sub, f"{path} › {label}"))
            continue
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        shown = action.text().split("\t")[1] if "\t" in action.text() else keys
        if shown and not action.isSeparator():
            rows.append((shown, f"{path} › {label}"))
    return rows


def window_keys(window: QMainWindow) -> list[tuple[str, str]]:
    """(keys, what they do) for every menu item of ``window`` that has keys."""
    rows: list[tuple[str, str]] = []
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            rows.extend(_menu_keys(menu, action.text().replace("&", "")))
    return rows


def _walk_through_keys(tr: QWidget) -> list[tuple[str, str]]:
    # Imported here: the walk-through's window imports this module for its own F1, so
    # importing the walk-through first (by the main window's F1) went round in a circle.
    from ui.interview.converse_page import SHORTCUTS

    what = {
        "rate_clear": tr.tr("Rate the answer: explained clearly"),
        "rate_partly": tr.tr("Rate the answer: partly explained"),
        "rate_unable": tr.tr("Rate the answer: could not explain"),
        "rate_none": tr.tr("Clear the rating"),
        "toggle_notes": tr.tr("Switch between the student's words and your observations"),
        "previous": tr.tr("Previous question"),
        "next": tr.tr("Next question (or the conclusion after the last)"),
        "skip": tr.tr("Skip this question"),
        "add_question": tr.tr("Add a question of your own after this one"),
    }
    rows = [(keys, what[name]) for name, keys in SHORTCUTS.items()]
    rows += [
        ("Ctrl+PgUp / Ctrl+PgDown", tr.tr("Previous or next step: Prepare, Converse, Conclude")),
        ("Esc / Ctrl+W", tr.tr("Close the walk-through (everything typed is kept)")),
    ]
    return rows


def _form_keys(tr: QWidget) -> list[tuple[str, str]]:
    return [
        ("Tab / Shift+Tab", tr.tr("Next or previous field")),
        ("Alt + underlined letter", tr.tr("Go to that field or press that button")),
        ("Enter", tr.tr("Save the form (in a one-line field)")),
        ("Ctrl+Enter", tr.tr("Save, also from a box of several lines")),
        ("Alt+V", tr.tr("Save")),
        ("Esc", tr.tr("Close; asks first if you have typed anything")),
        ("F4 or Alt+Down", tr.tr("In a date field: open the calendar")),
        (
            tr.tr("12/03/2026, 12032026, 12.3.26"),
            tr.tr("Dates can be typed in any of these forms, or left empty"),
        ),
    ]


def _list_keys(tr: QWidget) -> list[tuple[str, str]]:
    return [
        ("Ctrl+F", tr.tr("Search the list (ignores accents and capitals)")),
        ("Enter", tr.tr("In the list: open the record (a conversation opens its walk-through)")),
        ("Ctrl+Home / Ctrl+End", tr.tr("First or last record of the whole list")),
    ]


def _table(title: str, rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding-right:18px'><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>"
        for keys, what in rows
    )
    return f"<h3>{escape(title)}</h3><table cellspacing='2'>{cells}</table>"


class KeyboardMapDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard map"))
        self.setAccessibleName(self.windowTitle())
        self.text = QTextBrowser(self)
        self.text.setAccessibleName(self.tr("Keys and what they do"))
        sections = []
        if isinstance(parent, QMainWindow):
            sections.append(_table(self.tr("Menus of this window"), window_keys(parent)))
        sections += [
            _table(self.tr("Record lists"), _list_keys(self)),
            _table(self.tr("Forms"), _form_keys(self)),
            _table(self.tr("Conversation walk-through"), _walk_through_keys(self)),
        ]
        self.text.setHtml("".join(sections))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 640)


def show_keyboard_map(parent: QWidget) -> KeyboardMapDialog:
    """Open the map beside ``parent`` without blocking it (the keys can be tried meanwhile)."""
    dialog = KeyboardMapDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog
