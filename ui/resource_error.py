"""The dialog shown when OwnWork's own files are missing or damaged (app.resources_check).

Shown before any record is opened, instead of a silent exit or a traceback: the teacher learns
that the installation (not their records) is at fault and whom to ask; IT support gets the list
of files under "Show Details…".  The same text goes to standard error for scripted starts.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("ownwork.ui")

# The first few problems are shown in the message itself; the rest only under the details.
SHOWN_PROBLEMS = 4


def _tr(text: str) -> str:
    return QCoreApplication.translate("resource_error", text)


def resource_problem_box(problems: Sequence[str], parent: QWidget | None = None) -> QMessageBox:
    """The message box, not yet shown (tests show it without blocking)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(_tr("OwnWork cannot start"))
    box.setAccessibleName(box.windowTitle())
    box.setText(
        _tr(
            "Some of the files OwnWork was installed with are missing or damaged, "
            "so it cannot start safely."
        )
    )
    shown = list(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        shown.append(_tr("…and {0} more (see the details).").format(len(problems) - SHOWN_PROBLEMS))
    box.setInformativeText(
        "\n".join(shown)
        + "\n\n"
        + _tr(
            "No records have been opened or changed. Please ask IT support to reinstall "
            "OwnWork; your records are kept in a separate data folder and are not affected "
            "by reinstalling."
        )
    )
    box.setDetailedText("\n".join(problems))
    close = box.addButton(_tr("&Close"), QMessageBox.ButtonRole.RejectRole)
    close.setAccessibleName(_tr("Close"))
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    return box


def report_resource_problems(
    problems: Sequence[str], *, interactive: bool = True, parent: QWidget | None = None
) -> None:
    """Tell the user (dialog, when interactive), the log file and standard error (always)."""
    log.error("installation incomplete: %s", "; ".join(problems))
    print("ownwork: cannot start, the installation is incomplete:", file=sys.stderr)
    for problem in problems:
        print(f"ownwork:   {problem}", file=sys.stderr)
    if interactive:
        resource_problem_box(problems, parent).exec()
