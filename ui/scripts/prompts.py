"""The questions and file choosers the script editor puts to the teacher.

All go through ``QMessageBox``'s and ``QFileDialog``'s static functions, which tests replace
with scripted answers.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.errors import OwnWorkError
from app.scripts.library import ScriptExistsError, ScriptLibrary
from app.scripts.model import Script
from app.scripts.problems import ScriptError

Button = QMessageBox.StandardButton
SCRIPT_FILES = "Script files (*.yaml *.yml)"
# Shown in a message box: enough to find the first faults; the rest are one validate away.
MAX_PROBLEMS_SHOWN = 15


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScriptEditor", text)


def confirm(parent: QWidget, title: str, question: str) -> bool:
    """Yes or No, with No the default: for anything that deletes."""
    answer = QMessageBox.question(parent, title, question, Button.Yes | Button.No, Button.No)
    return answer == Button.Yes


def ask_save_changes(parent: QWidget, name: str) -> Button:
    """Save, Discard or Cancel for a script with unsaved changes."""
    return QMessageBox.question(
        parent,
        _tr("Unsaved changes"),
        _tr("Save the changes to “{0}”?").format(name),
        Button.Save | Button.Discard | Button.Cancel,
        Button.Save,
    )


def warn(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def import_script(parent: QWidget, library: ScriptLibrary) -> Script | None:
    """Asks for a file and imports it; None if the teacher cancelled or the file was refused
    (the teacher has been told why)."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, _tr("Import a script"), "", _tr(SCRIPT_FILES) + ";;" + _tr("All files (*)")
    )
    if not path:
        return None
    title = _tr("Script not imported")
    try:
        try:
            return library.import_file(path)
        except ScriptExistsError as clash:
            if clash.bundled:
                warn(parent, title, str(clash))
                return None
            question = _tr(
                "You already have a script with the id “{0}”. Replace it with the one in the file?"
            ).format(clash.script_id)
            if not confirm(parent, _tr("Replace script?"), question):
                return None
            return library.import_file(path, replace=True)
    except ScriptError as error:
        problems = "\n".join(str(p) for p in error.problems[:MAX_PROBLEMS_SHOWN])
        warn(
            parent,
            title,
            _tr("The file is not a valid script, so nothing was imported.\n\n{0}").format(problems),
        )
    except OwnWorkError as error:
        warn(parent, title, str(error))
    return None


def choose_export_path(parent: QWidget, suggested_name: str) -> str:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _tr("Export the script"), suggested_name, _tr(SCRIPT_FILES)
    )
    return path
