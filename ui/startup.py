"""Opening the store from the GUI: when it cannot be opened, say why and offer a way on."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.domain.principal import Principal
from app.errors import OwnWorkError
from app.paths import AppPaths, resolve_paths
from ui.errors import report

if TYPE_CHECKING:
    from app.services import Database


T = TypeVar("T")


def _tr(text: str) -> str:
    return QCoreApplication.translate("startup", text)


def open_interactively(
    paths: AppPaths,
    *,
    interactive: bool = True,
    parent: QWidget | None = None,
    first_error: str | None = None,
) -> tuple[Database, AppPaths] | None:
    """Keep trying until the store opens or the teacher gives up (then None).

    ``first_error`` is a failure already met (by the background opening in ui/application.py):
    the teacher is asked about it before the first attempt."""

    def attempt(where: AppPaths) -> Database:
        from app.services import connect

        return connect(where)

    return _until_it_works(attempt, paths, interactive, parent, first_error)


def check_interactively(
    paths: AppPaths, *, interactive: bool = True, parent: QWidget | None = None
) -> AppPaths | None:
    """The quick checks before the window is shown (app/storage/precheck.py): the data folder
    the store is in once the folder and the file pass them, or None if the teacher gives up."""

    def attempt(where: AppPaths) -> AppPaths:
        from app.services import store

        store.check_folder(Principal.personal(), where)
        return where

    checked = _until_it_works(attempt, paths, interactive, parent, None)
    return None if checked is None else checked[1]


def _until_it_works(
    attempt: Callable[[AppPaths], T],
    paths: AppPaths,
    interactive: bool,
    parent: QWidget | None,
    error: str | None,
) -> tuple[T, AppPaths] | None:
    while True:
        if error is None:
            try:
                return attempt(paths), paths
            except OwnWorkError as failure:
                error = str(failure)
        if not interactive:
            print(f"ownwork: {error}", file=sys.stderr)
            return None
        choice = _ask(parent, error)
        error = None
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
                from app.services import store

                try:
                    if _restore_despite(parent, Path(name)):
                        store.restore(Principal.personal(), paths, Path(name))
                except Exception as failure:
                    report(parent, failure)
        else:
            return None


def _restore_despite(parent: QWidget | None, backup: Path) -> bool:
    """Check the backup as ``verify`` would before it replaces anything; when it fails, show
    what is wrong and restore only if the teacher chooses to (as ``ownwork restore`` asks for
    ``--despite-problems``).  True to go on with the restore."""
    from app.services import store

    problems = store.verify_backup(Principal.personal(), backup).problems
    if not problems:
        return True
    return _confirm_problems(parent, backup, [str(problem) for problem in problems])


def _confirm_problems(parent: QWidget | None, backup: Path, problems: list[str]) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_tr("This backup failed its checks"))
    box.setAccessibleName(box.windowTitle())
    listed = "\n".join(f"• {problem}" for problem in problems[:5])
    more = len(problems) - 5
    if more > 0:
        listed += "\n" + _tr("…and {0} more.").format(more)
    box.setText(
        _tr("OwnWork checked {0} before restoring it and found:\n{1}").format(backup.name, listed)
    )
    box.setInformativeText(
        _tr(
            "Its records may have been changed outside OwnWork. Restore it only if you know "
            "why; the database it replaces is kept in the backups folder."
        )
    )
    anyway = box.addButton(_tr("Restore &anyway"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_tr("&Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is anyway


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
