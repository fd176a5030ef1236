"""Adding or changing one excerpt of the work: where it is, and the passage itself."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.interview import LOCATION_MAX, Excerpt
from ui.dialogs.form import add_save_shortcuts, confirm_discard
from ui.interview.notes_edit import NotesEdit
from ui.window_size import fit_to_screen


class ExcerptDialog(QDialog):
    """Shown with ``open()`` so nothing waits on it; read ``location()``/``text()`` on accept."""

    def __init__(
        self,
        excerpt: Excerpt | None,
        parent: QWidget | None = None,
        *,
        typed: tuple[str, str] | None = None,
    ) -> None:
        """``typed``: the place and passage typed last time, shown again (a save the server
        could not take); closing without saving then asks, as for any change."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change excerpt") if excerpt else self.tr("Add excerpt"))
        self.setAccessibleName(self.windowTitle())
        fit_to_screen(self, 640, 420)
        self._location = QLineEdit(excerpt.location if excerpt else "")
        self._location.setMaxLength(LOCATION_MAX)
        self._location.setPlaceholderText(self.tr("e.g. page 3, second paragraph"))
        self._location.setAccessibleName(self.tr("Where the excerpt is in the work"))
        self._text = NotesEdit()
        self._text.setPlainText(excerpt.text if excerpt else "")
        self._text.setAccessibleName(self.tr("Excerpt text"))
        self._text.setPlaceholderText(self.tr("Paste the passage you want to ask about."))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self._save = buttons.button(QDialogButtonBox.StandardButton.Save)
        self._save.setText(self.tr("&Save excerpt"))
        self._save.setAccessibleName(self.tr("Save excerpt"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.cancel)
        self._text.textChanged.connect(self._update)
        self._update()
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            self._text.reserve(QKeySequence(keys))
        add_save_shortcuts(self, self._accept_if_ready)
        self._opened_with = (self.location(), self.text())
        if typed is not None:
            self._location.setText(typed[0])
            self._text.setPlainText(typed[1])

        form = QFormLayout()
        where = QLabel(self.tr("&Where in the work:"))
        where.setBuddy(self._location)
        form.addRow(where, self._location)
        passage = QLabel(self.tr("&Passage:"))
        passage.setBuddy(self._text)
        form.addRow(passage, self._text)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        hint = QLabel(self.tr("Ctrl+Enter saves; Esc cancels."))
        hint.setEnabled(False)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def location(self) -> str:
        return self._location.text()

    def text(self) -> str:
        return self._text.text()

    def _update(self) -> None:
        self._save.setEnabled(bool(self._text.text().strip()))

    def _accept_if_ready(self) -> None:
        if self._save.isEnabled():
            self.accept()

    # A pasted passage is work the teacher would have to find again: Escape, Cancel and the
    # close button ask before losing it (a close by the program does not).
    def _changed(self) -> bool:
        return (self.location(), self.text()) != self._opened_with

    def cancel(self) -> None:
        if self._changed() and not confirm_discard(self):
            return
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous() and self._changed() and not confirm_discard(self):
            event.ignore()
            return
        super().closeEvent(event)
