"""A plain-text editor for notes typed live: Tab leaves it, and the walk-through's shortcuts win.

Qt's text editors claim some Ctrl combinations for editing (on Linux, Ctrl+K deletes to the end
of the line), which would swallow the walk-through's own shortcuts while the teacher types.
Pasted text is cleaned of control characters (Word's vertical tab, form feed), which the store
would otherwise refuse.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QMimeData
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QPlainTextEdit, QWidget

_LINE_BREAKS = re.compile("[\u000b\u000c\u0085\u2028\u2029]")
_CONTROLS = re.compile("[\u0000-\u0008\u000e-\u001f\u007f-\u009f]")


def clean_paste(text: str) -> str:
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n")))


class NotesEdit(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._reserved: list[QKeySequence] = []

    def reserve(self, *sequences: QKeySequence) -> None:
        """Key sequences this editor must leave to the window's shortcuts."""
        self._reserved.extend(sequences)

    def text(self) -> str:
        """The text exactly as typed (``toPlainText`` would turn no-break spaces into spaces)."""
        raw = self.document().toRawText()
        return raw.replace("\u2029", "\n").replace("\u2028", "\n")

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(
                pressed.matches(sequence) == QKeySequence.SequenceMatch.ExactMatch
                for sequence in self._reserved
            ):
                event.ignore()
                return False
        return super().event(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self.insertPlainText(clean_paste(source.text()))
        else:
            super().insertFromMimeData(source)
