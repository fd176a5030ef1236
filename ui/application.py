"""Starting the GUI: the QApplication, the store, the main window, and ``--smoke``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.paths import AppPaths
from app.version import __version__
from ui.errors import install_excepthook

SMOKE_TIMEOUT_MS = 20_000


def make_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("OwnWork")
    app.setApplicationDisplayName("OwnWork")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("OwnWork")
    return app


def run_gui(paths: AppPaths, *, smoke: bool = False) -> int:
    app = make_application()
    install_excepthook()
    from ui.startup import open_interactively

    opened = open_interactively(paths, interactive=not smoke)
    if opened is None:
        return 1
    store, paths = opened
    from ui.main_window import MainWindow

    window = MainWindow(store, paths)
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
    return result["code"] or code
