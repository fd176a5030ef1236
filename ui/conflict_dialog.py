"""When someone else saved a record while this form was open: who, when, and both versions.

A form's save that raises ``ConflictError`` (app/storage/versions.py) comes here through
``settle``: the teacher sees who saved and when, a table of the fields that differ (theirs and
yours) and chooses to keep theirs (the form closes, nothing of theirs is touched), apply mine
over theirs (the form saves again from their version: a new, deliberate save that the audit log
records in the teacher's name), or cancel (back to the form, with everything typed kept).
"""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import ConflictError, FieldVersions, when_said
from ui.window_size import fit_to_screen


class Choice(enum.Enum):
    KEEP_THEIRS = "keep theirs"
    APPLY_MINE = "apply mine"
    CANCEL = "cancel"


class ConflictDialog(QDialog):
    def __init__(self, error: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = Choice.CANCEL
        title = self.tr("Someone else saved this record")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        who = error.changed_by or self.tr("Someone else")
        when = f" {when_said(error.changed_at)}" if error.changed_at is not None else ""
        self.summary = QLabel(
            self.tr(
                "{who} saved {what}{when}, after you opened it. Nothing of yours has been "
                "saved yet: choose which version to keep."
            ).format(who=who, what=error.what, when=when),
            self,
        )
        self.summary.setWordWrap(True)
        shown = [field for field in error.fields if field.differs] or list(error.fields)
        self.table = _table(self, shown, who)
        self.table.setAccessibleName(self.tr("Their version and yours, field by field"))
        buttons = QDialogButtonBox(self)
        self.keep = QPushButton(self.tr("&Keep theirs"), self)
        self.apply = QPushButton(self.tr("&Apply mine over theirs"), self)
        buttons.addButton(self.keep, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.apply, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.keep.clicked.connect(lambda: self._choose(Choice.KEEP_THEIRS))
        self.apply.clicked.connect(lambda: self._choose(Choice.APPLY_MINE))
        cancel.clicked.connect(lambda: self._choose(Choice.CANCEL))
        # Nothing is overwritten by pressing Return without reading: Cancel is the default.
        self.apply.setAutoDefault(False)
        self.keep.setAutoDefault(False)
        cancel.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 620, 300)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        if choice is Choice.CANCEL:
            self.reject()
        else:
            self.accept()


def _table(parent: QWidget, fields: list[FieldVersions], who: str) -> QTableWidget:
    table = QTableWidget(len(fields), 3, parent)
    table.setHorizontalHeaderLabels(
        [parent.tr("Field"), parent.tr("Theirs ({0})").format(who), parent.tr("Yours")]
    )
    for row, field in enumerate(fields):
        for column, text in enumerate((field.label, field.theirs, field.yours)):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            table.setItem(row, column, item)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    for column in (1, 2):  # theirs and yours side by side, equally wide
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def settle(form: QDialog, versions: dict[tuple[str, int], int], error: ConflictError) -> bool:
    """Ask the teacher; True when the form is to save again (``versions`` now holds their
    version for the record, so the new save applies the form's values over theirs)."""
    dialog = ConflictDialog(error, form)
    dialog.exec()
    if dialog.choice is Choice.APPLY_MINE and error.record_id is not None:
        versions[(error.entity, error.record_id)] = error.their_version
        return True
    if dialog.choice is Choice.KEEP_THEIRS:
        _announce(error)
        form.reject()
    return False


def _announce(error: ConflictError) -> None:
    """The lists show their change (they follow this process's saves; theirs came from
    another computer)."""
    from app.services.base import Changes
    from ui.operation import Runner

    if error.entity:
        Runner.instance().announce(Changes.of(error.entity, error.record_id))
