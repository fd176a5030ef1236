"""File > Import students…: choose an MIS export, check the column choices, preview, import.

The dialog never writes until the teacher presses Import, and Import stays disabled while any
row or the column choice has an error; the core refuses such a plan too.  After an import the
dialog shows the counts, emits ``imported`` and, when closed, returns Accepted.

Reading the file and making the plan (which looks up every row's student in the store) run on
the runner's reading thread, the import on its writing thread (ui/operation.py): the dialog
says what it is doing and stays responsive meanwhile (``loading`` while a preview is being
made, ``importing`` while the students are written).  A column choice changed while a preview
is being made asks for a new one; the older one is dropped when it arrives.  The lists follow
the import through the runner's ``changes_applied``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import OwnWorkError
from app.mis_import.apply import ImportResult
from app.mis_import.headers import ColumnMapping, Field, column_name, guess_mapping
from app.mis_import.plan import Action, ImportPlan, PlannedRow, Source, read_source
from app.services import Database, Outcome, imports
from ui.errors import report
from ui.operation import Runner
from ui.window_size import fit_to_screen

PlannedRowRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex

_ERROR_BACKGROUND = QColor("#fde7e9")
# Lines of invisible characters listed; the rest are counted.
_HIDDEN_SHOWN = 12
_ERROR_TEXT = QColor("#8a0010")
# The runner's lane for reading the file and making the plan (ui/operation.py).
_LANE = "import"


def _tr(text: str) -> str:
    return QCoreApplication.translate("import", text)


def field_label(target: Field) -> str:
    return {
        Field.SURNAME: _tr("Surname"),
        Field.FORENAME: _tr("Forename"),
        Field.FULL_NAME: _tr("Name (Surname, Forename)"),
        Field.CANDIDATE_NUMBER: _tr("Candidate number"),
        Field.UPN: _tr("UPN"),
        Field.REG_GROUP: _tr("Registration group"),
        Field.YEAR_GROUP: _tr("Year group"),
    }[target]


def action_label(action: Action) -> str:
    return {
        Action.NEW: _tr("New"),
        Action.UPDATE: _tr("Update"),
        Action.UNCHANGED: _tr("No change"),
        Action.ERROR: _tr("Error"),
    }[action]


def field_caption(target: Field) -> str:
    """The label beside a column choice, with a mnemonic unique within the dialog."""
    return {
        Field.SURNAME: _tr("&Surname"),
        Field.FORENAME: _tr("&Forename"),
        Field.FULL_NAME: _tr("&Name (Surname, Forename)"),
        Field.CANDIDATE_NUMBER: _tr("&Candidate number"),
        Field.UPN: _tr("&UPN"),
        Field.REG_GROUP: _tr("&Registration group"),
        Field.YEAR_GROUP: _tr("&Year group"),
    }[target]


_CHANGED_FIELD = {
    "surname": Field.SURNAME,
    "forename": Field.FORENAME,
    "candidate_number": Field.CANDIDATE_NUMBER,
    "upn": Field.UPN,
    "reg_group": Field.REG_GROUP,
    "year_group": Field.YEAR_GROUP,
}


class ImportPreviewModel(QAbstractTableModel):
    """The rows of an ``ImportPlan``: what each would do, its values, and what is wrong."""

    COLUMNS = (
        "row",
        "action",
        Field.SURNAME,
        Field.FORENAME,
        Field.CANDIDATE_NUMBER,
        Field.UPN,
        Field.REG_GROUP,
        Field.YEAR_GROUP,
        "notes",
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[PlannedRow, ...] = ()

    def set_plan(self, plan: ImportPlan | None) -> None:
        self.beginResetModel()
        self._rows = plan.rows if plan is not None else ()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return self._title(self.COLUMNS[section])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        failed = row.action is Action.ERROR
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text(row, "notes") or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._title(column)}: {self._text(row, column)}"
        if role == Qt.ItemDataRole.BackgroundRole and failed:
            return QBrush(_ERROR_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and failed and column in ("action", "notes"):
            return QBrush(_ERROR_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("row", Field.YEAR_GROUP):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PlannedRowRole:
            return row
        return None

    @staticmethod
    def _title(column: str) -> str:
        if isinstance(column, Field):
            return field_label(column)
        return {"row": _tr("Row"), "action": _tr("Action"), "notes": _tr("Problems or changes")}[
            column
        ]

    @staticmethod
    def _text(row: PlannedRow, column: str) -> str:
        if column == "row":
            return str(row.row)
        if column == "action":
            return action_label(row.action)
        if column == "notes":
            if row.errors:
                return " ".join(row.errors)
            if row.changes:
                changed = ", ".join(
                    _in_sentence(field_label(_CHANGED_FIELD[c])) for c in row.changes
                )
                return _tr("Changes {0}").format(changed)
            return ""
        target = Field(column)
        if row.draft is not None:
            value = getattr(row.draft, target.value)
            return "" if value is None else str(value)
        if target is Field.SURNAME and Field.FULL_NAME in row.values:
            return row.values[Field.FULL_NAME].strip()
        return row.values.get(target, "").strip()


class _ErrorsOnly(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.only_errors = False

    def set_only_errors(self, only: bool) -> None:
        self.beginFilterChange()
        self.only_errors = only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.only_errors:
            return True
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), PlannedRowRole)
        return isinstance(row, PlannedRow) and row.action is Action.ERROR


class ImportStudentsDialog(QDialog):
    """Import students from a CSV file exported from the school's MIS."""

    imported = Signal(object)  # the ImportResult, once the students are stored

    def __init__(
        self, store: Database, parent: QWidget | None = None, path: Path | str | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._source: Source | None = None
        self._mapping: ColumnMapping | None = None
        self.plan: ImportPlan | None = None
        self.result_counts: ImportResult | None = None
        self.loading = False  # a file is being read or a preview made, on a reading thread
        self.importing = False  # the students are being written, on the writing thread
        # Which preview was asked for last: one that arrives after a newer one was asked for
        # (the teacher changed a column meanwhile) is dropped.
        self._asked = 0
        self.setWindowTitle(self.tr("Import students"))
        self.setAccessibleName(self.tr("Import students"))
        fit_to_screen(self, 1200, 700)

        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("No file chosen"))
        self.path_edit.setAccessibleName(self.tr("File to import"))
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.browse_button.setAccessibleName(self.tr("Choose the file to import"))
        # Enter in the preview must never open the file chooser; Import is the default.
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._choose_file)
        file_row = QHBoxLayout()
        file_caption = QLabel(
            self.tr("CSV file exported from SIMS, Arbor, Bromcom or a spreadsheet:")
        )
        file_caption.setBuddy(self.path_edit)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        hint = QLabel(
            self.tr(
                "Students already in OwnWork are matched by candidate number, else by UPN, and "
                "updated; an empty cell leaves what is stored. Nothing is saved until you press "
                "Import, and nothing at all if any row has an error."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")

        self.file_info = QLabel(self)
        self.file_info.setWordWrap(True)
        self.file_info.setAccessibleName(self.tr("How the file was read"))
        self.file_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.combos: dict[Field, QComboBox] = {}
        columns_box = QGroupBox(self.tr("Which column holds what"), self)
        grid = QGridLayout(columns_box)
        for position, target in enumerate(Field):
            combo = QComboBox(columns_box)
            combo.setAccessibleName(self.tr("Column for {0}").format(field_label(target)))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(22)
            combo.currentIndexChanged.connect(lambda _i, t=target: self._mapping_changed(t))
            caption = QLabel(field_caption(target), columns_box)
            caption.setBuddy(combo)
            row, pair = divmod(position, 2)
            grid.addWidget(caption, row, pair * 2)
            grid.addWidget(combo, row, pair * 2 + 1)
            self.combos[target] = combo
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020; font-weight: 600;")
        self.problems.setAccessibleName(self.tr("Problems with the file"))
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.hide()

        # Invisible or direction-changing characters: listed, and removed only if the teacher
        # ticks the box (the plan is then made again without them).
        self.hidden_box = QGroupBox(self.tr("Characters that cannot be seen"), self)
        self.hidden_list = QLabel(self.hidden_box)
        self.hidden_list.setWordWrap(True)
        self.hidden_list.setAccessibleName(self.tr("Invisible characters found"))
        self.hidden_list.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.remove_hidden = QCheckBox(
            self.tr("Re&move these characters and import"), self.hidden_box
        )
        self.remove_hidden.setAccessibleName(self.tr("Remove these characters and import"))
        self.remove_hidden.toggled.connect(lambda _checked: self._replan())
        hidden_layout = QVBoxLayout(self.hidden_box)
        hidden_layout.addWidget(self.hidden_list)
        hidden_layout.addWidget(self.remove_hidden)
        self.hidden_box.hide()

        self.model = ImportPreviewModel(self)
        self.proxy = _ErrorsOnly(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Import preview"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Fit columns to the headings and the first rows only: measuring 5,000 rows is slow.
        header.setResizeContentsPrecision(100)
        preview_caption = QLabel(self.tr("&Preview:"), self)
        preview_caption.setBuddy(self.table)
        self.only_errors = QCheckBox(self.tr("Show only rows with &errors"), self)
        self.only_errors.setAccessibleName(self.tr("Show only rows with errors"))
        self.only_errors.toggled.connect(self.proxy.set_only_errors)
        preview_row = QHBoxLayout()
        preview_row.addWidget(preview_caption)
        preview_row.addStretch(1)
        preview_row.addWidget(self.only_errors)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Import summary"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            self.tr("&Import"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setAccessibleName(self.tr("Import the students"))
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self._import)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setAccessibleName(self.tr("Close without importing"))
        self.close_button.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(file_caption)
        layout.addLayout(file_row)
        layout.addWidget(hint)
        layout.addWidget(self.file_info)
        layout.addWidget(columns_box)
        layout.addWidget(self.problems)
        layout.addWidget(self.hidden_box)
        layout.addLayout(preview_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        if path is not None:
            self.load(Path(path))
        else:
            self._show_summary()

    # --- reading the file ---------------------------------------------------------------
    def _choose_file(self) -> None:
        start = self.path_edit.text() or str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the student list to import"),
            start,
            self.tr("CSV files (*.csv *.txt);;All files (*)"),
        )
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        """Read ``path`` and guess its columns on a reading thread, then show the preview (or
        why the file cannot be read)."""
        self.path_edit.setText(str(path))
        self._source = None
        self._mapping = None
        # Consent is given for one file's characters, never carried over to the next file.
        self.remove_hidden.blockSignals(True)
        self.remove_hidden.setChecked(False)
        self.remove_hidden.blockSignals(False)

        def read() -> tuple[Source, ColumnMapping]:
            source = read_source(path)
            return source, guess_mapping(source.headers)

        def show(found: tuple[Source, ColumnMapping]) -> None:
            self._source, self._mapping = found
            self._fill_combos(self._mapping)
            self._replan()

        def unreadable(error: OwnWorkError) -> None:
            self._fill_combos(None)
            self._show_plan(None, str(error))

        self._ask(read, show, unreadable, self.tr("Reading {0}…").format(path.name))

    def _fill_combos(self, mapping: ColumnMapping | None) -> None:
        for target, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(not in the file)"), None)
            if mapping is not None:
                for index in range(len(mapping.headers)):
                    combo.addItem(_column_text(mapping, index), index)
                chosen = mapping.column_of(target)
                combo.setCurrentIndex(0 if chosen is None else chosen + 1)
            combo.setEnabled(mapping is not None)
            combo.blockSignals(False)

    def _mapping_changed(self, target: Field) -> None:
        if self._mapping is None:
            return
        column = self.combos[target].currentData()
        self._mapping = self._mapping.with_column(target, column)
        self._replan()

    def _replan(self) -> None:
        if self._source is None or self._mapping is None:
            return
        principal, store = self._store.principal, self._store
        source, mapping = self._source, self._mapping
        remove_hidden = self.remove_hidden.isChecked()

        def plan() -> ImportPlan:
            return imports.plan_student_import(
                principal, store, source, mapping, remove_hidden=remove_hidden
            )

        self._ask(
            plan,
            lambda made: self._show_plan(made, ""),
            lambda error: self._show_plan(None, str(error)),
            self.tr("Checking the rows against the students already stored…"),
        )

    def _ask(
        self,
        work: Callable[[], Any],
        show: Callable[[Any], None],
        refused: Callable[[OwnWorkError], None],
        doing: str,
    ) -> None:
        """Run ``work`` on the runner's reading thread, saying ``doing`` meanwhile; ``show``
        its result, or hand ``refused`` the core's sentence, unless a newer preview was asked
        for by then.  Anything unexpected goes to the one error reporter."""
        self._asked += 1
        asked = self._asked
        self.loading = True
        self.import_button.setEnabled(False)
        self.summary.setText(doing)
        self.setCursor(Qt.CursorShape.BusyCursor)

        def arrived(result: Any) -> None:
            if asked == self._asked:
                self._done_loading()
                show(result)

        def failed(error: BaseException) -> None:
            if asked != self._asked:
                return
            self._done_loading()
            if isinstance(error, OwnWorkError):
                refused(error)
                return
            self._show_plan(None, "")
            report(self, error)

        Runner.instance().read(work, success=arrived, failure=failed, owner=self, lane=_LANE)

    def _done_loading(self) -> None:
        self.loading = False
        self.unsetCursor()

    # --- showing the plan ---------------------------------------------------------------
    def _show_plan(self, plan: ImportPlan | None, failure: str) -> None:
        self.plan = plan
        self.model.set_plan(plan)
        for column in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(column)
        problems = [failure] if failure else list(plan.problems if plan else ())
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        if plan is None:
            self.file_info.setText("")
        else:
            source = plan.source
            info = self.tr("Read as {0}, {1}-separated, headings on row {2}.").format(
                source.encoding, source.delimiter_name, source.header_row
            )
            unused = plan.mapping.unmapped()
            if unused:
                info += " " + self.tr("Columns not imported: {0}.").format(", ".join(unused))
            self.file_info.setText(info)
        self.import_button.setEnabled(plan is not None and not plan.has_errors)
        self._show_hidden(plan)
        self._show_summary()

    def _show_hidden(self, plan: ImportPlan | None) -> None:
        found = plan.hidden() if plan is not None else []
        self.hidden_box.setVisible(bool(found))
        if not found:
            return
        shown = [
            self.tr("Row {0}, {1}: {2}").format(item.row, field_label(item.field), item.character)
            for item in found[:_HIDDEN_SHOWN]
        ]
        if len(found) > _HIDDEN_SHOWN:
            shown.append(self.tr("… and {0} more.").format(len(found) - _HIDDEN_SHOWN))
        intro = self.tr(
            "These cells hold characters that cannot be seen but change how a name is shown or "
            "compared (they are often pasted in by accident). They cannot be stored as they are."
        )
        self.hidden_list.setText("\n".join([intro, *shown]))

    def _show_summary(self) -> None:
        plan = self.plan
        if plan is None:
            self.summary.setText(self.tr("Choose a CSV file to see what would be imported."))
            return
        counts = plan.counts()
        text = self.tr("{0} rows: {1} new, {2} to update, {3} unchanged, {4} with errors.").format(
            counts.total, counts.new, counts.update, counts.unchanged, counts.error
        )
        if plan.has_errors:
            text += " " + self.tr(
                "Nothing can be imported until every error is corrected in the file "
                "or in the column choices."
            )
        self.summary.setText(text)

    # --- importing ----------------------------------------------------------------------
    def _import(self) -> None:
        if self.plan is None or self.plan.has_errors or self.loading or self.importing:
            return
        principal, store, plan = self._store.principal, self._store, self.plan
        self._set_importing(True)
        self.summary.setText(self.tr("Importing {0} rows…").format(f"{plan.counts().total:,}"))

        def failed(error: BaseException) -> None:
            self._set_importing(False)
            # The store may have changed since the preview: show it as it is now.
            self._replan()
            report(self, error)

        Runner.instance().write(
            lambda: imports.import_students(principal, store, plan),
            success=self._imported,
            failure=failed,
            owner=self,
        )

    def _set_importing(self, importing: bool) -> None:
        """While the students are written the dialog waits: nothing can be changed or
        closed, as the import cannot be taken back half-way."""
        self.importing = importing
        for control in (
            self.import_button,
            self.close_button,
            self.browse_button,
            self.remove_hidden,
            *self.combos.values(),
        ):
            control.setEnabled(not importing)
        if importing:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _imported(self, outcome: Outcome[ImportResult]) -> None:
        """The students are stored (the lists heard of it through the runner)."""
        self._set_importing(False)
        result = outcome.value
        self.result_counts = result
        self.import_button.hide()
        for combo in self.combos.values():
            combo.setEnabled(False)
        self.browse_button.setEnabled(False)
        self.remove_hidden.setEnabled(False)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close"))
        self.summary.setText(
            self.tr("Imported: {0} new, {1} updated, {2} unchanged.").format(
                result.created, result.updated, result.unchanged
            )
        )
        self.close_button.setFocus()
        self.imported.emit(result)

    def reject(self) -> None:
        if self.importing:  # Escape while the students are written: the import finishes
            return
        # After an import, closing the dialog reports success.
        if self.result_counts is not None:
            self.accept()
        else:
            super().reject()


def _in_sentence(label: str) -> str:
    """ "Registration group" -> "registration group"; abbreviations such as UPN stay."""
    return label if label.isupper() else label.lower()


def _column_text(mapping: ColumnMapping, index: int) -> str:
    heading = mapping.headers[index].strip()
    letter = column_name(index)
    if not heading:
        return _tr("Column {0} (no heading)").format(letter)
    return _tr("{0} (column {1})").format(heading, letter)
