"""Help › Verify records: every check of ``ownwork verify``, run off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.integrity.verify import Finding, VerifyReport
from app.paths import AppPaths
from app.services import Database, integrity
from ui.errors import report as report_error
from ui.models.rows_model import RowsTableModel
from ui.operation import Operation
from ui.window_size import fit_to_screen

Index = QModelIndex | QPersistentModelIndex


class VerifyDialog(QDialog):
    def __init__(self, store: Database, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Verify records"))
        self.setAccessibleName(self.windowTitle())
        fit_to_screen(self, 900, 480)
        self._store, self._paths = store, paths
        self.outcome: VerifyReport | None = None
        intro = QLabel(
            self.tr(
                "Checks the database file, the audit log's chain of hashes, every finalised "
                "record's integrity code and every attachment's SHA-256."
            )
        )
        intro.setWordWrap(True)
        self.summary = QLabel(self.tr("Checking…"))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Verification result"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName(self.tr("Verification in progress"))
        # Problems first, then notes; one row each.
        self.model: RowsTableModel[tuple[str, Finding]] = RowsTableModel(
            [self.tr("Kind"), self.tr("Record"), self.tr("What was found")],
            lambda row: (row[0], row[1].record, row[1].message),
            parent=self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Problems and notes"))
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.operation = Operation(self._work, self)
        self.operation.progress.connect(self._progress)
        self.operation.succeeded.connect(self._show)
        self.operation.failed.connect(self._failed)
        self.operation.start()

    def _work(self, progress: Callable[[str], None]) -> VerifyReport:
        principal = self._store.principal
        return integrity.verify_file(principal, self._paths) or integrity.verify(
            principal, self._store, self._paths, progress=progress
        )

    def _progress(self, text: str) -> None:
        self.summary.setText(text + "…")

    def _show(self, result: VerifyReport) -> None:
        self.outcome = result
        self.progress.hide()
        self.summary.setText(result.summary())
        colour = "#1b5e20" if result.ok else "#b00020"
        self.summary.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.model.set_rows(
            [(self.tr("Problem"), f) for f in result.problems]
            + [(self.tr("Note"), f) for f in result.notes]
        )
        self.table.setVisible(self.model.rowCount() > 0)
        self.table.resizeRowsToContents()

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        self.summary.setText(self.tr("The checks could not be run."))
        report_error(self, error)
