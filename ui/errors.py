"""Unexpected errors: logged with their traceback, shown to the teacher as a plain dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import OwnWorkError

log = logging.getLogger("ownwork.ui")


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    box.exec()


def report(parent: QWidget | None, error: BaseException) -> None:
    """Show an expected error as it is; log and apologise for anything else."""
    if isinstance(error, OwnWorkError):
        show_error(parent, QApplication.translate("errors", "OwnWork"), str(error))
        return
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    show_error(
        parent,
        QApplication.translate("errors", "Something went wrong"),
        QApplication.translate(
            "errors",
            "OwnWork hit an unexpected problem and could not finish that "
            "action. Nothing that was already saved has been lost.\n\n"
            "Details were written to the log file for IT support:\n{0}",
        ).format(_log_file()),
    )


def _log_file() -> str:
    from app.logs import log_file

    found = log_file()
    return str(found) if found is not None else "(no log file)"


def install_excepthook() -> None:
    """Exceptions escaping a slot end up here instead of a traceback on a console."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("uncaught: %s", "".join(traceback.format_exception(kind, error, tb)))
        if QApplication.instance() is not None:
            report(QApplication.activeWindow(), error)

    sys.excepthook = hook
