"""A field for choosing one record (a student, a submission) by typing part of it.

A whole school holds thousands of students and tens of thousands of submissions: filling a combo
with all of them made the dialog wait a quarter of a second and held them all in memory.  The
picker instead asks the database for the first matches of what the teacher has typed (the same
accent- and case-blind search as the record lists), a short pause after the last keystroke, and
offers those.  The database is asked on the runner's reading thread ("picker" lane), and the
matches are offered when they arrive, if the text is still the one they match.  A form saved
before the matches of the text typed last have arrived resolves it on the writing thread
(``chosen()``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

if TYPE_CHECKING:
    from concurrent.futures import Future

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
        self._asking: Future[Any] | None = None  # the search in flight
        self._chosen = False  # a known record was shown as chosen (``choose``)
        line = self.lineEdit()
        if line is not None:
            line.textEdited.connect(self._edited)
        self.refresh()

    def _edited(self, _text: str) -> None:
        self._chosen = False
        self._pause.start()

    @property
    def searching(self) -> bool:
        """True while matches of the text typed are still to come."""
        return self._pause.isActive() or self._asking is not None

    def refresh(self) -> None:
        """Ask again for matches of the text as it stands now (they are offered on arrival)."""
        from ui.operation import Runner

        self._pause.stop()
        if self._asking is not None:
            self._asking.cancel()  # overtaken: not needed if it has not started
        text, search = self.currentText(), self._search
        asking = Runner.instance().read(
            lambda: list(search(text, MATCHES)),
            success=lambda matches: self._arrived(asking, text, matches),
            owner=self,
            lane="picker",
        )
        self._asking = asking

    def _arrived(self, asking: Future[Any], text: str, matches: list[Match]) -> None:
        if asking is not self._asking:
            return  # a later search is on its way
        self._asking = None
        if self._chosen or text != self.currentText():
            return  # chosen meanwhile, or typed on: the pause will ask again
        self._fill(matches, text)
        completer = self.completer()
        if matches and text and self.hasFocus() and completer is not None:
            completer.complete()

    def choose(self, record_id: int, label: str) -> None:
        """Show ``record_id`` as chosen (a dialog opened for a known record)."""
        self._pause.stop()
        self._chosen = True
        self._fill([(record_id, label)], label)

    def current_id(self) -> int | None:
        """The id of the match whose label is the text, among the matches offered."""
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        if index < 0:
            return None
        value = self.itemData(index)
        return int(value) if value is not None else None

    def chosen(self) -> Callable[[], int | None]:
        """The chosen record's id, as a function to call on a worker thread: a text typed and
        saved before its matches arrived is looked up there (the label typed in full)."""
        found = self.current_id()
        if found is not None or not self.searching:
            return lambda: found
        text, search = self.currentText(), self._search

        def look_up() -> int | None:
            return next((rid for rid, label in search(text, MATCHES) if label == text), None)

        return look_up

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
