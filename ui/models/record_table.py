"""A lazily filled table model over one kind of record.

Rows arrive a window at a time (``fetchMore``) from the core's repositories, so a list of
100,000 conversations never loads whole.  Sorting and filtering are done by the database: the
model just asks again with a new ``ListQuery``.  Nothing is read until the model is activated
(when its tab is first shown), so start-up reads only the list on screen.

Every window of rows is read on the runner's reading thread (ui/operation.py) and put into the
model on the GUI thread when it arrives, so a slow store never holds the window: until then the
list keeps showing what it showed (``loading`` is True), and rows read for a query that has
since changed (a keystroke overtook them) are dropped.

The count of matches ("5,000 records") is not needed to show the rows, and for a broad filter
over a whole school it costs as much as a third of a keystroke's work; it is made in a worker
thread and shown when it arrives, a few milliseconds after the rows.  A count overtaken by
another keystroke is dropped (or never started), so a fast typist waits for neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.domain.list_query import ListQuery, search_terms

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
log = logging.getLogger(__name__)
RecordRole = Qt.ItemDataRole.UserRole + 1
PAGE = 200
# A model made with ``partial_counts`` has a ``total`` callable that stops counting a filtered
# list at COUNT_LIMIT + 1, so that a keystroke in the filter box costs little however broad the
# filter; such a total is shown as "more than COUNT_LIMIT".
COUNT_LIMIT = 1_000

Index = QModelIndex | QPersistentModelIndex
# A window of rows as read: the records and, for each, its cells' texts.
Rows = tuple[list[T], list[tuple[str, ...]]]

_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROLES = frozenset(
    (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, _ALIGNMENT, _ACCESSIBLE, RecordRole)
)


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    value: Callable[[T], str]
    sort_key: str  # the repository's sort name; "" when the column cannot be sorted
    align_right: bool = False


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows of ``T`` fetched through ``fetch(query)``; ``total(query)`` counts matches (with
    ``partial_counts``, a filtered count may stop at COUNT_LIMIT + 1)."""

    totalChanged = Signal(int)
    # A window of rows arrived (the list was reset or rows were added), after the view heard.
    rowsLoaded = Signal()
    # (generation, the count or the exception that stopped it), from the counting thread.
    _counted = Signal(int, object)

    def __init__(
        self,
        columns: Sequence[Column[T]],
        fetch: Callable[[ListQuery], list[T]],
        total: Callable[[ListQuery], int],
        parent: QObject | None = None,
        *,
        partial_counts: bool = False,
    ) -> None:
        super().__init__(parent)
        self._partial_counts = partial_counts
        self._columns = list(columns)
        self._fetch = fetch
        self._total_of = total
        self._query = ListQuery(limit=PAGE)
        self._rows: list[T] = []
        # Each row's cell texts, made on the reading thread with the row (the columns' values
        # format dates and labels: a repaint then only looks them up).
        self._texts: list[tuple[str, ...]] = []
        self._total = 0
        self._complete = False
        self._active = False
        # Each reload is a generation; a count is shown only if no reload came after it.
        self._generation = 0
        self._counted_generation = 0
        self._counting: Future[int] | None = None
        self._counted.connect(self._take_count)
        # The read of rows in flight (a first window or the next one), and what to do once
        # the rows it brings are in.
        self._reading: Future[Any] | None = None
        self._reading_token: object | None = None
        self._then: list[Callable[[], None]] = []

    # --- what the view asks -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks for a dozen roles per visible cell on every repaint: answer the ones
        # never used before touching the row.
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == RecordRole:
            return self._rows[index.row()]
        column = self._columns[index.column()]
        if role == _ALIGNMENT:
            return _RIGHT if column.align_right else None
        text = self._texts[index.row()][index.column()]
        if role == _ACCESSIBLE:
            return f"{column.title}: {text}"
        return text

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self._active and not parent.isValid() and not self._complete

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Ask for the next window; it is added when it arrives (a second call meanwhile does
        nothing: the window asked for is on its way)."""
        if parent.isValid() or self._complete or not self._active or self._reading is not None:
            return
        # By key: the rows after the last one shown (app/storage/listing.py), so a row saved
        # by someone else meanwhile neither repeats one already shown nor pushes one out of view.
        last = getattr(self._rows[-1], "id", None) if self._rows else None
        generation, query = (
            self._generation,
            replace(self._query, offset=len(self._rows), limit=PAGE, after_id=last),
        )
        self._read(query, lambda more: self._add(generation, more))

    def _add(self, generation: int, more: Rows[T]) -> None:
        if generation != self._generation:
            return  # read for a list that has since been read again
        rows, texts = more
        if len(rows) < PAGE:
            self._complete = True
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self._texts.extend(texts)
            self.endInsertRows()
        self._loaded()

    def read_until(
        self, enough: Callable[[], bool], then: Callable[[], None], *, up_to: int | None = None
    ) -> None:
        """Read further windows until ``enough()``, the end of the list or ``up_to`` rows, then
        call ``then()`` (at once if nothing needs reading).  Dropped if the list is read again
        meanwhile."""
        if self.loading:
            self._then.append(lambda: self.read_until(enough, then, up_to=up_to))
            return
        if enough() or self._complete or (up_to is not None and len(self._rows) >= up_to):
            then()
            return
        self._then.append(lambda: self.read_until(enough, then, up_to=up_to))
        self.fetchMore()

    @property
    def loading(self) -> bool:
        """True while rows are being read (the list shows what it showed before)."""
        return self._reading is not None

    def _read(self, query: ListQuery, arrived: Callable[[Rows[T]], None]) -> None:
        """Read the rows of ``query`` and their cells' texts on a reading thread; ``arrived``
        gets them on the GUI thread, unless another read has been asked for since."""
        from ui.operation import Runner

        fetch, columns = self._fetch, self._columns

        def work() -> Rows[T]:
            rows = fetch(query)
            return rows, [tuple(column.value(row) for column in columns) for row in rows]

        token = object()  # which read is the one in flight: an overtaken one changes nothing

        def failed(error: BaseException) -> None:
            if self._reading_token is token:
                self._reading, self._reading_token = None, None
                self._then.clear()
            Runner.instance().report(error)

        def succeeded(rows: Rows[T]) -> None:
            if self._reading_token is token:
                self._reading, self._reading_token = None, None
                arrived(rows)

        self._reading_token = token
        self._reading = Runner.instance().read(work, success=succeeded, failure=failed, owner=self)

    def _loaded(self) -> None:
        then, self._then = self._then, []
        self.rowsLoaded.emit()
        for step in then:
            step()

    def can_sort(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and bool(self._columns[column].sort_key)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.can_sort(column):
            return
        self._query = replace(
            self._query,
            sort=self._columns[column].sort_key,
            descending=order == Qt.SortOrder.DescendingOrder,
        )
        self.reload()

    # --- what the window asks -----------------------------------------------------------
    def set_search(self, text: str) -> None:
        if text != self._query.search:
            self._query = replace(self._query, search=text)
            self.reload()

    @property
    def total(self) -> int:
        """The number of matches, once counted (see ``counting``)."""
        return self._total

    @property
    def counting(self) -> bool:
        """True while the total of the rows shown is still being counted."""
        return self._counted_generation != self._generation

    @property
    def total_is_partial(self) -> bool:
        """True when the filter matched more than COUNT_LIMIT and counting stopped there."""
        filtered = bool(search_terms(self._query.search))
        return self._partial_counts and filtered and self._total > COUNT_LIMIT

    @property
    def active(self) -> bool:
        return self._active

    def activate(self) -> bool:
        """Read the first window, the first time only; True if this call read it."""
        if self._active:
            return False
        self._active = True
        self.reload()
        return True

    def reload(self) -> None:
        """Start again from the first window, keeping the filter and sort (once activated).
        The rows shown stay until the new ones arrive; a read overtaken before it started is
        dropped (a fast typist's keystrokes do not queue up reads)."""
        if not self._active:
            return
        self._generation += 1
        if self._counting is not None:
            self._counting.cancel()  # overtaken: not started yet, never will be
            self._counting = None
        if self._reading is not None:
            self._reading.cancel()
            self._reading, self._reading_token = None, None
        self._then.clear()
        generation, query = self._generation, replace(self._query, offset=0, limit=PAGE)
        self._read(query, lambda rows: self._reset(generation, rows))

    def _reset(self, generation: int, read: Rows[T]) -> None:
        if generation != self._generation:
            return
        rows, texts = read
        self.beginResetModel()
        self._rows, self._texts = rows, texts
        self._complete = len(rows) < PAGE
        if self._complete:  # every match is on screen: no need to count
            self._total = len(rows)
            self._counted_generation = generation
        self.endResetModel()
        if self._complete:
            self.totalChanged.emit(self._total)
        else:
            self._count_in_background()
        self._loaded()

    def _count_in_background(self) -> None:
        """On the runner's reading threads (ui/operation.py); the result comes back on the GUI
        thread, and not at all once the list is gone (the model owns the job)."""
        from ui.operation import Runner

        generation, query, count = self._generation, self._query, self._total_of
        self._counting = Runner.instance().read(
            lambda: count(query),
            success=lambda total: self._counted.emit(generation, total),
            failure=lambda error: self._counted.emit(generation, error),
            owner=self,
            # One count at a time for every list (the database serves one reader per
            # connection anyway), so a count overtaken while it waits is never run.
            lane="count",
        )

    def _take_count(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # the list has changed since
        self._counting = None
        if isinstance(result, BaseException):
            # The rows are shown; only their number is missing.  Logged, not shown: the next
            # keystroke or refresh counts again.
            log.warning("counting the list failed: %s", result)
            return
        assert isinstance(result, int)
        self._total = result
        self._counted_generation = generation
        self.totalChanged.emit(result)

    def record(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, predicate: Callable[[T], bool]) -> int:
        for row, record in enumerate(self._rows):
            if predicate(record):
                return row
        return -1
