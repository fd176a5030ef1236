"""Opening the store from the GUI: when it cannot be opened, say why and offer a way on."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import OwnWorkError
from app.paths import AppPaths, resolve_paths
from ui.errors import report

if TYPE_CHECKING:
    from app.storage.database import Database


def _tr(text: str) -> str:
    return QCoreApplication.translate("startup", text)


def open_interactively(
    paths: AppPaths, *, interactive: bool = True, parent: QWidget | None = None
) -> tuple[Database, AppPaths] | None:
    """Keep trying until the store opens or the teacher gives up (then None)."""
    from app.storage.database import open_store

    while True:
        try:
            return open_store(paths), paths
        except OwnWorkError as error:
            if not interactive:
                print(f"ownwork: {error}", file=sys.stderr)
                return None
            choice = _ask(parent, str(error))
        if choice == "folder":
            folder = QFileDialog.getExistingDirectory(
                parent, _tr("Choose a data folder"), str(paths.data_dir.parent)
            )
            if folder:
                paths = resolve_paths(folder)
        elif choice == "restore":
            name, _ = QFileDialog.getOpenFileName(
                parent,
                _tr("Choose a backup to restore"),
                str(paths.backups_dir),
                _tr("OwnWork backups (*.sqlite3);;All files (*)"),
            )
            if name:
                from app.storage.backups import restore_from

                try:
                    restore_from(paths, Path(name))
                except Exception as error:
                    report(parent, error)
        else:
            return None


def _ask(parent: QWidget | None, message: str) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_tr("OwnWork cannot open its records"))
    box.setAccessibleName(box.windowTitle())
    box.setText(message)
    box.setInformativeText(
        _tr(
            "You can restore a backup, open another data folder, or quit. "
            "The file itself has not been changed."
        )
    )
    restore = box.addButton(_tr("&Restore a backup…"), QMessageBox.ButtonRole.AcceptRole)
    folder = box.addButton(_tr("Choose another &folder…"), QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton(_tr("&Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return "restore"
    if clicked is folder:
        return "folder"
    return "quit"
