"""A field for choosing one record (a student, a submission) by typing part of it.

A whole school holds thousands of students and tens of thousands of submissions: filling a combo
with all of them made the dialog wait a quarter of a second and held them all in memory.  The
picker instead asks the database for the first matches of what the teacher has typed (the same
accent- and case-blind search as the record lists), a short pause after the last keystroke, and
offers those.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

# How many matches are offered at once: more than fit in the popup, few enough to read at once.
MATCHES = 50
# Pause after a keystroke before asking the database: a quick typist's next key comes sooner.
DEBOUNCE_MS = 150

Match = tuple[int, str]  # (record id, the text shown for it)
Search = Callable[[str, int], Sequence[Match]]


class RecordPicker(QComboBox):
    """``search(text, limit)`` returns up to ``limit`` matches of ``text`` (all records, first
    ones first, for an empty text).  ``current_id()`` is the chosen record's id, or None when
    the text names no match."""

    def __init__(self, search: Search, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        completer = self.completer()
        if completer is not None:
            # The database has already matched (ignoring accents, in any order of words): show
            # its answer as it is rather than filter it again by the typed text.
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(DEBOUNCE_MS)
        self._pause.timeout.connect(self.refresh)
        line = self.lineEdit()
        if line is not None:
            line.textEdited.connect(lambda _text: self._pause.start())
        self._fill(search("", MATCHES), "")

    def refresh(self) -> None:
        """Ask again for matches of the text as it stands now."""
        self._pause.stop()
        text = self.currentText()
        matches = self._search(text, MATCHES)
        self._fill(matches, text)
        completer = self.completer()
        if matches and text and self.hasFocus() and completer is not None:
            completer.complete()

    def choose(self, record_id: int, label: str) -> None:
        """Show ``record_id`` as chosen (a dialog opened for a known record)."""
        self._pause.stop()
        self._fill([(record_id, label)], label)

    def current_id(self) -> int | None:
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        if index < 0 and self._pause.isActive():  # typed and confirmed before the pause ended
            self.refresh()
            index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        if index < 0:
            return None
        value = self.itemData(index)
        return int(value) if value is not None else None

    def _fill(self, matches: Sequence[Match], text: str) -> None:
        line = self.lineEdit()
        cursor = line.cursorPosition() if line is not None else 0
        self.blockSignals(True)
        try:
            self.clear()
            for record_id, label in matches:
                self.addItem(label, record_id)
            self.setCurrentIndex(self.findText(text, Qt.MatchFlag.MatchExactly) if text else -1)
            self.setEditText(text)
            if line is not None:
                line.setCursorPosition(min(cursor, len(text)))
        finally:
            self.blockSignals(False)
