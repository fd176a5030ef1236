"""The centre's name and number (printed on every document) and its staff with their roles."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.records import Centre, Staff, StaffDraft
from app.services import Database, Outcome, records
from ui.dialogs.form import FormDialog
from ui.labels import role_label
from ui.models.staff_model import ROLES, StaffTableModel
from ui.window_size import fit_to_screen


class _RoleDelegate(QStyledItemDelegate):
    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(self.tr("Role"))
        combo.addItems([role_label(role) for role in ROLES])
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(int(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(
        self, editor: QWidget, model: object, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        index.model().setData(index, editor.currentIndex(), Qt.ItemDataRole.EditRole)


class CentreDialog(FormDialog):
    def __init__(self, store: Database, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Centre and staff"), parent)
        self._store = store
        self._centre: Centre | None = None
        self.name = QLineEdit(self)
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("12345")
        self.model = StaffTableModel([], self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(1, _RoleDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setColumnWidth(0, 260)
        self.new_name = QLineEdit(self)
        self.new_name.setPlaceholderText(self.tr("Name of a new member of staff"))
        self.new_name.setAccessibleName(self.tr("New member of staff"))
        add = QPushButton(self.tr("&Add"), self)
        add.setAccessibleName(self.tr("Add member of staff"))
        add.setAutoDefault(False)
        add.clicked.connect(self._add)
        # Return in the name box adds the person; it must not also press Save.
        self.new_name.installEventFilter(self)
        staff_box = QWidget(self)
        column = QVBoxLayout(staff_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.new_name, 1)
        row.addWidget(add)
        column.addLayout(row)
        self.add_field("name", self.tr("Centre &name"), self.name)
        self.add_field(
            "centre_number",
            self.tr("Centre n&umber"),
            self.number,
            self.tr("The five-digit number the awarding bodies know the centre by."),
        )
        self.add_field(
            "staff",
            self.tr("&Staff"),
            staff_box,
            self.tr("Double-click or press F2 to change a name or a role."),
        )
        self.table.setAccessibleName(self.tr("Staff"))
        fit_to_screen(self, 640, 560)
        principal = store.principal
        self.load(
            lambda: (records.get_centre(principal, store), records.list_staff(principal, store)),
            self._fill,
        )

    def _fill(self, read: tuple[Centre, list[Staff]]) -> None:
        self._centre, people = read
        # The versions the form started from (a save from older ones is a conflict).
        self.versions[("centre", 1)] = self._centre.version
        self.versions.update((("staff", person.id), person.version) for person in people)
        self.name.setText(self._centre.name)
        self.number.setText(self._centre.centre_number)
        self.model.set_people(people)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.new_name
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._add()
            return True
        return super().eventFilter(watched, event)

    def _add(self) -> None:
        name = self.new_name.text().strip()
        if not name:
            return
        row = self.model.add(name)
        self.table.selectRow(row)
        self.new_name.clear()

    def write(self) -> Callable[[], Outcome[Any]]:
        assert self._centre is not None  # the form cannot be saved before it is filled
        principal, store = self._store.principal, self._store
        # The referral's details (address, head of centre) are kept as they are.
        centre = dataclasses.replace(
            self._centre, name=self.name.text(), centre_number=self.number.text()
        )
        people = [
            (person.id or None, StaffDraft(name=person.name, role=person.role))
            for person in self.model.people
        ]
        versions = {
            "centre" if kind == "centre" else key: version
            for (kind, key), version in self.versions.items()
        }
        # Nothing is saved unless everything is valid (one use case, one transaction).
        return lambda: records.set_centre_and_staff(
            principal, store, centre, people, versions=versions
        )
