"""The table that shows a short list of records (``RowsTableModel``) in a dialog."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget


def single_row_table(
    model: QAbstractItemModel, name: str, *, fitted: int, parent: QWidget | None = None
) -> QTableView:
    """Whole rows chosen one at a time, the first ``fitted`` columns as wide as their contents
    and the last one taking the rest; ``name`` is what a screen reader announces."""
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    for column in range(fitted):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table
