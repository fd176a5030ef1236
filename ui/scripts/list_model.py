"""The list of scripts in the editor: built-in first, then the teacher's, then unusable files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QApplication, QStyle

from app.scripts.library import ScriptEntry

EntryRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScriptListModel", text)


class ScriptListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[ScriptEntry] = []

    def set_entries(self, entries: Sequence[ScriptEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> ScriptEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, script_id: str) -> int:
        for row, entry in enumerate(self._entries):
            if entry.id == script_id and entry.ok:
                return row
        return -1

    def row_matching(self, entry: ScriptEntry) -> int:
        """The row of the same script (or the same unusable file) after a refresh."""
        for row, candidate in enumerate(self._entries):
            same = (candidate.id, candidate.bundled, candidate.path, candidate.ok)
            if same == (entry.id, entry.bundled, entry.path, entry.ok):
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(entry)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return _description(entry)
        if role == Qt.ItemDataRole.DecorationRole and not entry.ok:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == EntryRole:
            return entry
        return None


def _display(entry: ScriptEntry) -> str:
    if entry.script is None:
        name = entry.path.name if entry.path is not None else entry.id
        return _tr("{0} (cannot be used)").format(name)
    if entry.bundled:
        return _tr("{0} (built-in)").format(entry.script.title)
    return entry.script.title


def _description(entry: ScriptEntry) -> str:
    if entry.script is None:
        problems = entry.error.problems if entry.error is not None else ()
        return "\n".join(str(problem) for problem in problems[:10])
    script = entry.script
    origin = _tr("Built-in script") if entry.bundled else _tr("Your own script")
    parts = [origin, _tr("version {0}").format(script.version)]
    if script.subject:
        parts.append(script.subject)
    parts.append(_tr("{0} questions").format(script.question_count))
    return "; ".join(parts)
