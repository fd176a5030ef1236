"""The banner and the disabled actions of records that can only be read.

A data folder or database file this user cannot write opens read-only (app/storage/database.py,
``Database.read_only`` says why).  The window then shows a banner across its top saying so and
what still works, and turns off every action that would change the records (new, edit,
finalise, amend, attach, import, the walk-through, restore), and opening a row with Enter or a
double-click; lists, details, documents, the timeline, backups to elsewhere and verify stay.
Kept apart from the main window: the launcher adds it with one call once the store is attached.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar

from ui.records_pane import RecordsPane

# The window's menu items that change the records, as the window spells them (its own
# translation context, "MainWindow").
WRITING_ACTIONS = (
    "&Import students from CSV…",
    "&Restore from a backup…",
    "Centre and &staff…",
    "&New…",
    "New &student…",
    "New su&bmission…",
    "New &conversation…",
    "&Open conversation",
    "&Edit details…",
    "&Evidence attached…",
    "&Finalise the record…",
    "&Amend a finalised record…",
    "&Import case bundle…",
)

OBJECT_NAME = "readOnlyBanner"


def _tr(text: str) -> str:
    return QCoreApplication.translate("read_only_banner", text)


def banner_text(reason: str) -> str:
    """The banner's words (rich text): what is wrong, what still works, and the reason."""
    return _tr(
        "<b>This data folder cannot be written, so its records are shown read-only.</b> You "
        "can look at them, print and export documents, back them up to another place and "
        "verify them, but not change them. {0}; to change the records, ask IT to make it "
        "writable for you."
    ).format(html.escape(reason))


class _Banner(QLabel):
    """A wrapped label as tall as its lines at its present width: a toolbar asks only for a
    size hint, which a wrapped label otherwise gives for a narrow guess (many lines)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = max(self.width(), 600)
        return QSize(hint.width(), self.heightForWidth(width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


def show_read_only(window: QMainWindow, reason: str) -> QToolBar:
    """Put the banner at the top of ``window`` and disable its writing actions."""
    writing = {QCoreApplication.translate("MainWindow", text) for text in WRITING_ACTIONS}
    for action in window.findChildren(QAction):
        if action.text() in writing:
            action.setEnabled(False)
    # Enter or a double-click on a row opens its form or walk-through, which would write.
    for pane in window.findChildren(RecordsPane):
        pane.activated.disconnect()
    label = _Banner(banner_text(reason))
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setAccessibleName(_tr("Records shown read-only"))
    label.setStyleSheet(
        "QLabel { background: #fff4ce; color: #3d2e00; border: 1px solid #c9a227;"
        " padding: 6px 10px; }"
    )
    bar = QToolBar(_tr("Read-only"), window)
    bar.setObjectName(OBJECT_NAME)
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.toggleViewAction().setEnabled(False)
    bar.addWidget(label)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    bar.show()  # added to a window already on screen
    return bar
