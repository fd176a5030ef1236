"""A date field that may be left empty: typed the way people in the UK type dates, or chosen
from a calendar (F4 or Alt+Down), and left with Tab like any other box.

QDateEdit cannot be empty and reads its section under the cursor, so "12032026" typed into it
turned into nonsense and Tab stepped between its sections instead of leaving.  This is a plain
line edit read by ``app.domain.dates`` when the teacher leaves it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dates import DateNotRead, DateProblem, format_uk_date, parse_uk_date


class _CalendarPopup(QFrame):
    """The calendar under the field; Enter or a click chooses, Escape closes without a change."""

    chosen = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setAccessibleName(self.tr("Calendar"))
        self.calendar.activated.connect(self._choose)
        self.calendar.clicked.connect(self._choose)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)

    def _choose(self, date: QDate) -> None:
        self.chosen.emit(date)
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """``value()`` is the date or ``None``; ``problem()`` is the message while the text is no date.

    ``problem_changed`` carries the message (or "") each time the teacher leaves the field, so a
    form can show it beside the field at once rather than only on Save.
    """

    problem_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("dd/mm/yyyy, or leave empty"))
        self.edit.setToolTip(
            self.tr("Type a date such as 12/03/2026, 12032026 or 12.3.26; F4 opens a calendar.")
        )
        self.edit.editingFinished.connect(self._read)
        self.edit.installEventFilter(self)
        self.button = QToolButton(self)
        self.button.setText(self.tr("Calendar…"))
        self.button.setAccessibleName(self.tr("Choose the date from a calendar"))
        # The keyboard reaches the calendar with F4 or Alt+Down; one Tab leaves the whole field.
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self._popup: _CalendarPopup | None = None

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def value(self) -> dt.date | None:
        """The date typed, or ``None`` when empty; call ``problem()`` first for unreadable text."""
        try:
            return parse_uk_date(self.edit.text())
        except DateNotRead:
            return None

    def set_value(self, value: dt.date | None) -> None:
        self.edit.setText(format_uk_date(value))
        self._set_problem("")

    def problem(self) -> str:
        """The message for text that is not a date, read now (not only when the field was left)."""
        try:
            parse_uk_date(self.edit.text())
        except DateNotRead as error:
            return self._message(error.problem)
        return ""

    def open_calendar(self) -> None:
        if self._popup is None:
            self._popup = _CalendarPopup(self)
            self._popup.chosen.connect(self._chosen)
        current = self.value() or dt.date.today()
        self._popup.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self._popup.adjustSize()
        self._popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        self._popup.show()
        self._popup.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt_down = event.key() == Qt.Key.Key_Down and (
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if event.key() == Qt.Key.Key_F4 or alt_down:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def _chosen(self, date: QDate) -> None:
        self.set_value(dt.date(date.year(), date.month(), date.day()))
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def _read(self) -> None:
        try:
            value = parse_uk_date(self.edit.text())
        except DateNotRead as error:
            self._set_problem(self._message(error.problem))
            return
        self.edit.setText(format_uk_date(value))  # 12.3.26 is shown as it will be stored
        self._set_problem("")

    def _set_problem(self, message: str) -> None:
        self.problem_changed.emit(message)

    def _message(self, problem: DateProblem) -> str:
        if problem is DateProblem.NO_SUCH_DAY:
            return self.tr("There is no such day: check the day and the month.")
        return self.tr("Type the date as day, month and year, e.g. 12/03/2026, or leave it empty.")
