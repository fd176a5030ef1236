"""The staff list of the centre dialog: names and roles, edited in place."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.domain.records import Staff, StaffRole
from ui.labels import role_label

Index = QModelIndex | QPersistentModelIndex
ROLES = list(StaffRole)


class StaffTableModel(QAbstractTableModel):
    """Holds edited copies; the dialog saves them all in one transaction."""

    def __init__(self, people: list[Staff], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.people: list[Staff] = list(people)
        self.new_names: list[tuple[str, StaffRole]] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Name"), self.tr("Role"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        person = self.people[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == 0:
                return person.name
            return (
                role_label(person.role)
                if role == Qt.ItemDataRole.DisplayRole
                else ROLES.index(person.role)
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        person = self.people[index.row()]
        if index.column() == 0:
            self.people[index.row()] = Staff(id=person.id, name=str(value), role=person.role)
        else:
            self.people[index.row()] = Staff(id=person.id, name=person.name, role=ROLES[int(value)])
        self.dataChanged.emit(index, index)
        return True

    def set_people(self, people: list[Staff]) -> None:
        """Show ``people`` (the staff as read from the store), in place of what is shown."""
        self.beginResetModel()
        self.people = list(people)
        self.endResetModel()

    def add(self, name: str) -> int:
        row = len(self.people)
        self.beginInsertRows(QModelIndex(), row, row)
        # id 0 marks a person not yet saved.
        self.people.append(Staff(id=0, name=name, role=StaffRole.TEACHER))
        self.endInsertRows()
        return row
