"""Starting the GUI: the QApplication, the store, the main window, and ``--smoke``."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from app.paths import AppPaths
from ui.errors import install_excepthook

SMOKE_TIMEOUT_MS = 20_000


def make_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("OwnWork")
    app.setApplicationDisplayName("OwnWork")
    app.setOrganizationName("OwnWork")
    app.setDesktopFileName("uk.ownwork.OwnWork")  # matches the .desktop entry and window class
    from ui.app_icon import app_icon

    app.setWindowIcon(app_icon())
    return app


def _set_version() -> None:
    from app.version import version

    QApplication.setApplicationVersion(version())


def run_gui(paths: AppPaths, *, smoke: bool = False) -> int:
    app = make_application()
    install_excepthook()
    from app.resources_check import check_resources

    problems = check_resources()
    if problems:
        from ui.resource_error import report_resource_problems

        report_resource_problems(problems, interactive=not smoke)
        return 1
    from ui.startup import open_interactively

    opened = open_interactively(paths, interactive=not smoke)
    if opened is None:
        return 1
    store, paths = opened
    from ui.single_instance import acquire_or_explain

    # One window per data folder: two would each autosave over the other's edits.
    lock = acquire_or_explain(paths, interactive=not smoke)
    if lock is None:
        store.dispose()
        return 1
    from ui.main_window import MainWindow

    window = MainWindow(store, paths)
    if not smoke:
        window.firstPainted.connect(lambda: _daily_backup(window, paths))
    # Reading the version costs tens of milliseconds (app/version.py): once the window is up.
    window.firstPainted.connect(lambda: QTimer.singleShot(0, _set_version))
    result = {"code": 0}
    if smoke:

        def timed_out() -> None:
            print("ownwork: the main window was not painted in time", file=sys.stderr)
            result["code"] = 1
            app.quit()

        window.firstPainted.connect(lambda: QTimer.singleShot(0, app.quit))
        QTimer.singleShot(SMOKE_TIMEOUT_MS, timed_out)
    window.show()
    code = app.exec()
    store.dispose()
    lock.release()
    return result["code"] or code


def _daily_backup(window: QMainWindow, paths: AppPaths) -> None:
    """Today's automatic backup, written beside the running app (the backup API copies a
    consistent snapshot while the teacher works); a failure is shown, never fatal."""
    import threading

    from app.storage.backups import rotate_daily

    def work() -> None:
        try:
            rotate_daily(paths)
        except Exception as error:  # reported on the GUI thread below
            logging.getLogger(__name__).warning("daily backup failed: %s", error)
            message = str(error)
            # A zero-delay single shot with a context object runs on that object's thread.
            QTimer.singleShot(0, window, lambda: window.statusBar().showMessage(message))

    threading.Thread(target=work, name="daily-backup").start()
