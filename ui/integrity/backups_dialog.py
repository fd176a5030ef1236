"""Restoring the database from a backup: the daily ones, those before upgrades, and others."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OwnWorkError
from app.integrity.timeline import human_size
from app.paths import AppPaths
from app.services import Database, connect
from app.services import store as store_services
from ui.errors import report
from ui.integrity.labels import local_time
from ui.models.record_table import RecordRole
from ui.models.rows_model import RowsTableModel
from ui.operation import Runner
from ui.rows_view import single_row_table
from ui.window_size import fit_to_screen

if TYPE_CHECKING:
    from app.services.store import BackupFile

BackupRole = RecordRole
Index = QModelIndex | QPersistentModelIndex


class RestoreDialog(QDialog):
    restored = Signal(object)  # where the replaced database was kept (Path or None)

    def __init__(self, store: Database, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._paths = store, paths
        # The backup whose verify problems were shown: a second press restores it anyway.
        self._warned: Path | None = None
        self.setWindowTitle(self.tr("Restore from a backup"))
        self.setAccessibleName(self.windowTitle())
        fit_to_screen(self, 820, 440)
        intro = QLabel(
            self.tr(
                "OwnWork backs up the database once a day (the newest 14 are kept) and before "
                "every upgrade. Restoring replaces the current records with the chosen backup; "
                "the current database is first copied into the backups folder, so nothing is "
                "lost. Close any conversation windows first."
            )
        )
        intro.setWordWrap(True)
        kinds = {
            "daily": self.tr("Daily, automatic"),
            "before-upgrade": self.tr("Before an upgrade"),
            "replaced": self.tr("Replaced by a restore"),
            "damaged": self.tr("Set aside as damaged"),
            "other": self.tr("Other"),
        }
        self.model: RowsTableModel[BackupFile] = RowsTableModel(
            [self.tr("Made"), self.tr("Kind"), self.tr("Size"), self.tr("File")],
            lambda b: (
                local_time(b.modified),
                kinds.get(b.kind, b.kind),
                human_size(b.size),
                b.path.name,
            ),
            tooltip=lambda b: str(b.path),
            rows=store_services.list_backups(store.principal, paths),
            parent=self,
        )
        self.table = single_row_table(self.model, self.tr("Backups, newest first"), fitted=3)
        self.confirm = QCheckBox(
            self.tr("I understand that the current records will be replaced by this backup")
        )
        self.confirm.setAccessibleName(self.tr("Confirm the restore"))
        self.restore_button = QPushButton(self.tr("&Restore"))
        self.restore_button.setAccessibleName(self.tr("Restore the selected backup"))
        self.restore_button.clicked.connect(self.restore)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Result"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.confirm.toggled.connect(self._update)
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.status.setText(
                self.tr("There are no backups in {0} yet.").format(paths.backups_dir)
            )
        self._update()

    def _show_problem(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020; font-weight: 600;")

    def selected(self) -> BackupFile | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _update(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None and self.confirm.isChecked())

    def restore(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.confirm.isChecked():
            return
        # Checking the backup and replacing the records are database work: on the runner's
        # threads (the replacing on the writing one, after any save still queued), the dialog
        # painting meanwhile.
        runner = Runner.instance()
        principal, store, paths = self._store.principal, self._store, self._paths
        if self._warned != chosen.path:
            try:
                problems = runner.wait_for(
                    lambda: store_services.verify_backup(principal, chosen.path).problems
                )
            except OwnWorkError as error:
                self._show_problem(str(error))
                return
            if problems:
                # Said before anything changes; a second press restores it all the same.
                self._warned = chosen.path
                listed = "\n".join(f"• {p}" for p in problems[:5])
                more = len(problems) - 5
                self._show_problem(
                    self.tr(
                        "Verify found {0} problem(s) in this backup:\n{1}{2}\nPress Restore "
                        "again to restore it anyway, or choose another backup."
                    ).format(
                        len(problems),
                        listed,
                        self.tr("\n…and {0} more").format(more) if more > 0 else "",
                    )
                )
                return
        self._warned = None

        def replace() -> Path | None:
            # Pooled connections would keep reading the replaced file's pages.
            store.dispose()
            kept: Path | None = store_services.restore(principal, paths, chosen.path).value
            # Reopening upgrades an older backup (with a copy first), as any start-up would;
            # every list holding this store then reads the restored records.
            store.adopt(connect(paths, principal=principal))
            return kept

        try:
            kept = runner.wait_for(replace, write=True)
        except OwnWorkError as error:
            self._show_problem(str(error))
            return
        except Exception as error:
            report(self, error)
            return
        self.confirm.setChecked(False)
        self.status.setStyleSheet("")
        kept_text = str(kept) if isinstance(kept, Path) else self.tr("(there was none)")
        self.status.setText(
            self.tr("Restored {0}. The records it replaced were kept as {1}.").format(
                chosen.path.name, kept_text
            )
        )
        self.restored.emit(kept)
