"""A read-only table of records: one function turns a record into the texts of its cells.

Small lists (evidence files, backups, timeline events) need no more than this; the large
record lists use the windowed ``RecordTableModel`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from ui.models.record_table import RecordRole

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel, Generic[T]):
    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[T], Sequence[str]],
        *,
        tooltip: Callable[[T], str] | None = None,
        right_aligned: frozenset[int] = frozenset(),
        rows: Sequence[T] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._cells = cells
        self._tooltip = tooltip
        self._right = right_aligned
        self._rows: list[T] = list(rows)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        item = self.record(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == RecordRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(item)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item) if self._tooltip else self._cells(item)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None
