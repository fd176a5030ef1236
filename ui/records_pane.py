"""One tab of the main window: a filter box, a table of records and a detail pane.

Nothing here reads the store on the GUI thread: the list's rows arrive from the model's reads
(ui/models/record_table.py), and the details of the selected record are read on the runner's
"details" lane and shown when they arrive (the pane says it is loading meanwhile).  Keeping the
selection across a reload, finding a record further down the list and Ctrl+End wait for the rows
they need in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.models.record_table import COUNT_LIMIT, RecordRole, RecordTableModel
from ui.operation import Runner

# Rows measured when fitting columns to their contents: about a screenful.  Qt's default (1,000)
# measures every loaded row, a noticeable part of start-up.
FIT_ROWS = 40
# How far down a list is read to find the selected record again after a sort: a few windows.
KEEP_LOOK_AHEAD = 2_000


class RecordsPane(QWidget):
    """Emits ``activated`` with the record when the teacher presses Enter or double-clicks."""

    activated = Signal(object)
    selectionChanged = Signal(object)

    def __init__(
        self,
        name: str,
        model: RecordTableModel[Any],
        describe: Callable[[Any, Any], str],
        parent: QWidget | None = None,
        *,
        initial_sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder),
        read_details: Callable[[Any], Any] = lambda _record: None,
    ) -> None:
        """``read_details(record)`` runs on a reading thread and returns what the details need
        beyond the record (its submissions, its conversation's content); ``describe(record,
        details)`` makes the HTML on the GUI thread."""
        super().__init__(parent)
        self.setObjectName(f"pane_{name}")
        self.model = model
        self._describe = describe
        self._read_details = read_details
        self._describing: Any = None  # the details read in flight (a Future)
        self._wanted: object = None  # the id of a record to select once the list has it
        self._shown: object = None  # the id of the record whose details are in the pane
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Type to filter: name, candidate number, title…"))
        self.search.setAccessibleName(self.tr("Filter {0}").format(name))
        self.count = QLabel(self)
        self.count.setAccessibleName(self.tr("Number of {0} shown").format(name))
        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setAccessibleName(self.tr("{0} list").format(name.capitalize()))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(*initial_sort)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setResizeContentsPrecision(FIT_ROWS)
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName(self.tr("Details of the selected record"))
        self.detail.setOpenLinks(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 380])
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.search.textChanged.connect(model.set_search)
        # Down from the filter box goes straight into the list.
        self.search.returnPressed.connect(self._focus_table)
        model.totalChanged.connect(self._show_total)
        model.modelAboutToBeReset.connect(self._before_reset)
        model.modelReset.connect(self._after_reset)
        self._kept: Any = None  # the record selected when the list was read again
        self._fitted_to_rows = False
        self.table.installEventFilter(self)
        self.table.activated.connect(self._on_activated)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current)
        self.setFocusProxy(self.search)

    def _focus_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.selectRow(0)

    def _show_total(self, total: int) -> None:
        if self.model.total_is_partial:
            text = self.tr("More than {0} records").format(QLocale().toString(COUNT_LIMIT))
        else:
            # Spelled out rather than Qt's "%n record(s)", which needs a translation file to
            # read "1 record" / "5,000 records".
            number = QLocale().toString(total)
            text = self.tr("1 record") if total == 1 else self.tr("{0} records").format(number)
        self.count.setText(text)

    def _before_reset(self) -> None:
        self._kept = self.current_record()

    def _after_reset(self) -> None:
        kept, self._kept = self._kept, None
        if not self._fitted_to_rows and self.model.rowCount() > 0:
            # Fitted while the list was empty (before its first rows arrived, or before an
            # import), the columns were as wide as their titles: fit them again to the first
            # rows, in an event of its own (measuring a screenful of cells takes as long as
            # painting it; together they held the window beyond its budget).
            self._fitted_to_rows = True
            QTimer.singleShot(0, self.fit_columns)
        # Filtering or sorting keeps the selected record (and its details) while it still
        # matches, and scrolls to it; a record just saved is shown instead.
        wanted, self._wanted = self._wanted, None
        record_id = wanted if wanted is not None else getattr(kept, "id", None)
        if record_id is not None:
            self._reselect(record_id, then_clear=True)
            return
        self._clear_selection_details()

    def _clear_selection_details(self) -> None:
        self._shown = None
        if not self.detail.document().isEmpty():  # an empty pane need not be repainted
            self.detail.clear()
        self.selectionChanged.emit(None)

    def _reselect(
        self, record_id: object, *, look_ahead: int = KEEP_LOOK_AHEAD, then_clear: bool = False
    ) -> None:
        """Select ``record_id``, reading a few more windows if it is further down (sorted
        elsewhere in a long list); with ``then_clear``, clear the details if it is not there."""

        def row() -> int:
            return self.model.row_of(lambda r: getattr(r, "id", None) == record_id)

        def found() -> None:
            at = row()
            if at < 0:
                if then_clear:
                    self._clear_selection_details()
                return
            self.table.selectRow(at)
            self.table.scrollTo(
                self.model.index(at, 0), QAbstractItemView.ScrollHint.PositionAtCenter
            )

        self.model.read_until(lambda: row() >= 0, found, up_to=look_ahead)

    def show_record(self, record_id: object) -> None:
        """Select ``record_id`` once the list has it: now, or when a read under way (the list
        following a save) has brought it."""
        if self.model.loading:
            self._wanted = record_id
        else:
            self._reselect(record_id)

    def go_to_end(self) -> None:
        """The last record of the whole list, reading every window up to it (Ctrl+End)."""

        def at_end() -> None:
            last = self.model.rowCount() - 1
            if last >= 0:
                column = max(self.table.currentIndex().column(), 0)
                self.table.setCurrentIndex(self.model.index(last, column))
                self.table.scrollToBottom()

        self.model.read_until(lambda: False, at_end)

    def sort_by(self, column: int, order: Qt.SortOrder | None = None) -> None:
        """Sort by ``column``; the same column again reverses the order (as a header click)."""
        header = self.table.horizontalHeader()
        if order is None:
            same = header.sortIndicatorSection() == column
            ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
            order = (
                Qt.SortOrder.DescendingOrder if same and ascending else Qt.SortOrder.AscendingOrder
            )
        header.setSortIndicator(column, order)  # sorts the model (sorting is enabled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.MoveToEndOfDocument):
                self.go_to_end()
                return True
        return super().eventFilter(watched, event)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = current.data(RecordRole) if current.isValid() else None
        if self._describing is not None:
            self._describing.cancel()  # the teacher has moved on: not needed if not started
            self._describing = None
        if record is None:
            self.detail.setHtml("")
            self._shown = None
        else:
            if getattr(record, "id", None) != self._shown:
                # The same record read again (the list followed a change) keeps its details
                # until the new ones arrive; another says it is on its way.
                self.detail.setPlainText(self.tr("Loading…"))
                self._shown = getattr(record, "id", None)
            self._describing = Runner.instance().read(
                lambda: self._read_details(record),
                success=lambda details: self._show_details(record, details),
                owner=self,
                lane="details",
            )
        self.selectionChanged.emit(record)

    def _show_details(self, record: Any, details: Any) -> None:
        if record != self.current_record():
            return  # another record was chosen meanwhile; its own details are on their way
        self._describing = None
        self.detail.setHtml(self._describe(record, details))

    def _on_activated(self, index: QModelIndex) -> None:
        record = index.data(RecordRole)
        if record is not None:
            self.activated.emit(record)

    def current_record(self) -> Any:
        index = self.table.currentIndex()
        return index.data(RecordRole) if index.isValid() else None

    def select_where(self, predicate: Callable[[Any], bool]) -> None:
        """Select the first record among the rows read so far that ``predicate`` accepts."""
        row = self.model.row_of(predicate)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def activate(self) -> None:
        """Fill the list the first time its tab is shown, and fit the columns to it."""
        if self.model.activate():
            self.fit_columns()

    def follow(self, changes_applied: Any, kinds: frozenset[str]) -> None:
        """Read the list again, keeping the selection, whenever a use case reports a change to
        one of the record ``kinds`` it shows (``Runner.changes_applied``); a list not yet shown
        is read when its tab is first opened anyway."""

        self._follows = kinds
        # A bound method: Qt disconnects it when the pane is deleted.
        changes_applied.connect(self._changes_applied)

    def _changes_applied(self, changes: Any) -> None:
        if self.model.active and self._follows & set(changes.kinds):
            self.reload()

    def reload(self) -> None:
        """Read the list again; the selected record stays selected (see ``_after_reset``)."""
        self.model.reload()

    def fit_columns(self) -> None:
        self._fitted_to_rows = self.model.rowCount() > 0
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), 260))
