"""Starting the GUI: the QApplication, the window, the store, and ``--smoke``.

The window is painted before the storage layer is loaded.  Start-up runs, in order:

1. the resource check and the quick store checks (standard library only, app/storage/precheck.py):
   a missing folder, a foreign or damaged file, a database from a newer OwnWork or a lock held
   by another program is explained before any window appears;
2. one window per data folder (a lock file);
3. the main window, empty, with the actions that need records disabled;
4. after its first paint, SQLAlchemy, the models and the migrations are loaded and the store
   opened in a worker thread (ui/operation.py); the window then lists the records.

A failure at step 4 (rare: steps 1–2 catch what they can) offers, over the empty window, the
same choices as at step 1.  See docs/performance.md for the figures behind this order.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from app.domain.principal import Principal
from app.paths import AppPaths
from ui.errors import install_excepthook

if TYPE_CHECKING:
    from app.services import Database
    from ui.main_window import MainWindow
    from ui.server_away import ServerWatch
    from ui.single_instance import InstanceLock

SMOKE_TIMEOUT_MS = 20_000
# What ``--smoke`` waits for before it exits: the window's first paint (the default), or the
# records listed in it (the store opened, migrated if needed, and the first rows read).
SMOKE_PAINTED = "painted"
SMOKE_LISTED = "listed"
SMOKE_MODES = (SMOKE_PAINTED, SMOKE_LISTED)


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
    from ui.window_size import install_screen_fitter

    install_screen_fitter(app)
    return app


def _set_version() -> None:
    from app.version import version

    QApplication.setApplicationVersion(version())


Opener = Callable[[AppPaths, Principal], "Database"]


def run_gui(
    paths: AppPaths,
    *,
    smoke: str | None = None,
    principal: Principal | None = None,
    server: Callable[[], Opener] | None = None,
) -> int:
    """Run the application; with ``smoke`` (one of SMOKE_MODES) exit once that is reached.

    ``principal`` is who is acting (the composition root, ownwork/desktop.py, gives it): the
    store names it in the audit log.  ``server``, when a server profile is saved, makes what
    opens the school's server instead of the personal store (ui/server_dialog.py)."""
    app = make_application()
    install_excepthook()
    from app.resources_check import check_resources

    problems = check_resources()
    if problems:
        from ui.resource_error import report_resource_problems

        report_resource_problems(problems, interactive=smoke is None)
        return 1
    from ui.startup import check_interactively

    if server is None:
        checked = check_interactively(paths, interactive=smoke is None)
        if checked is None:
            return 1
    else:
        # The records are on the server: the data folder holds the log, the settings and the
        # evidence files (which, without a database file beside them, the personal store's
        # checks would take for lost records).
        paths.data_dir.mkdir(parents=True, exist_ok=True)
        checked = paths
    opener = server() if server is not None else None
    launcher = Launcher(app, checked, smoke=smoke, principal=principal, opener=opener)
    if not launcher.show_window():
        return 1
    code = app.exec()
    return launcher.finish(code)


class Launcher:
    """Holds what the running GUI owns: the window, its data folder's lock and the store."""

    def __init__(
        self,
        app: QApplication,
        paths: AppPaths,
        *,
        smoke: str | None,
        principal: Principal | None = None,
        opener: Opener | None = None,
    ) -> None:
        self.app = app
        # The school's server when a profile is saved; the personal store otherwise.
        self.opener: Opener | None = opener
        self.principal = principal or Principal.personal()
        self.paths = paths
        self.smoke = smoke
        self.window: MainWindow | None = None
        self.lock: InstanceLock | None = None
        self.store: Database | None = None
        self.server_watch: ServerWatch | None = None
        self.code = 0
        from ui.operation import Operation

        # Off the GUI thread: importing the storage layer alone takes most of a second.
        self.loader = Operation(
            lambda _progress: (self.opener or _open_store)(self.paths, self.principal)
        )
        self.loader.succeeded.connect(self._opened)
        self.loader.failed.connect(self._failed)

    @property
    def interactive(self) -> bool:
        return self.smoke is None

    def show_window(self) -> bool:
        from ui.single_instance import acquire_or_explain

        # One window per data folder: two would each autosave over the other's edits.
        self.lock = acquire_or_explain(self.paths, interactive=self.interactive)
        if self.lock is None:
            return False
        from ui.main_window import MainWindow

        window = self.window = MainWindow(None, self.paths)
        if self.smoke == SMOKE_PAINTED:
            window.firstPainted.connect(lambda: QTimer.singleShot(0, self.app.quit))
        else:
            # A zero-delay timer lets the paint reach the screen before the worker starts.
            window.firstPainted.connect(lambda: QTimer.singleShot(0, self.loader.start))
        if self.smoke is not None:
            QTimer.singleShot(SMOKE_TIMEOUT_MS, self._smoke_timed_out)
        window.show()
        return True

    def _opened(self, store: Database) -> None:
        self.store = store
        window = self.window
        if window is None:  # not shown: nothing to fill
            return
        window.attach_store(store)
        if self.opener is not None:
            from ui.server_dialog import show_store

            show_store(window, store)
            if self.smoke is None:
                from app.services.journal import FOLDER
                from ui.server_away import watch_server

                # Journals a crash left while the server was away are replayed now, and the
                # banner follows the server from here on.
                self.server_watch = watch_server(window, store, self.paths.data_dir / FOLDER)
            if self.smoke == SMOKE_LISTED:
                window.when_listed(lambda: QTimer.singleShot(0, self.app.quit))
            return  # the server keeps its own backups; the data folder's store is not open
        if store.read_only:
            from ui.read_only_banner import show_read_only

            show_read_only(window, store.read_only)
        else:
            window.settings.mark_store_opened()
        # Reading the version costs tens of milliseconds (app/version.py): not before the
        # window is up and filled.
        QTimer.singleShot(0, _set_version)
        if self.smoke == SMOKE_LISTED:
            # Listed: the first rows have arrived from the reading thread and are in the list.
            window.when_listed(lambda: QTimer.singleShot(0, self.app.quit))
        elif self.smoke is None and not store.read_only:
            _daily_backup(window, self.paths, self.principal)

    def _failed(self, error: BaseException) -> None:
        """The store passed the quick checks but would not open: ask as at start-up."""
        from app.errors import OwnWorkError

        if isinstance(error, OwnWorkError):
            message = str(error)
        else:
            logging.getLogger(__name__).error(
                "opening the store failed", exc_info=(type(error), error, error.__traceback__)
            )
            message = f"The records could not be opened ({type(error).__name__}: {error})."
        window = self.window
        if window is None:
            return
        if self.opener is not None:
            self._server_failed(message, window)
            return
        from ui.startup import open_interactively

        # Asked over the empty window, which stays until the teacher has chosen.
        opened = open_interactively(
            self.paths, interactive=self.interactive, parent=window, first_error=message
        )
        if opened is None:
            self.code = 1
            window.close()
            self.app.quit()
            return
        store, paths = opened
        if paths.data_dir != self.paths.data_dir and not self._move_to(paths, store):
            return
        self._opened(store)
        if self.window is not None:
            self.window.show()

    def _server_failed(self, message: str, window: MainWindow) -> None:
        """The saved server could not be opened: try again, open the personal records, or
        quit (ui/server_dialog.py asks)."""
        from ui.server_dialog import PERSONAL, QUIT, ask_after_failure

        choice = ask_after_failure(window, message, interactive=self.interactive)
        if choice == QUIT:
            self.code = 1
            window.close()
            self.app.quit()
            return
        if choice == PERSONAL:
            self.opener = None
        self.loader.start()

    def _move_to(self, paths: AppPaths, store: Database) -> bool:
        """The teacher chose another data folder: its own lock and a window for it."""
        from ui.main_window import MainWindow
        from ui.single_instance import acquire_or_explain

        lock = acquire_or_explain(paths, interactive=self.interactive)
        if lock is None:
            store.dispose()
            self.code = 1
            self.app.quit()
            return False
        if self.lock is not None:
            self.lock.release()
        old = self.window
        self.lock, self.paths = lock, paths
        self.window = MainWindow(None, paths)
        self.window.show()  # before the old one closes, so the application never has none
        if old is not None:
            old.close()
            old.deleteLater()
        return True

    def _smoke_timed_out(self) -> None:
        print(f"ownwork: the main window was not {self.smoke} in time", file=sys.stderr)
        self.code = 1
        self.app.quit()

    def finish(self, code: int) -> int:
        # A store still opening (a migration, perhaps) is let finish, then closed; so is work
        # the runner was given (a backup being written).
        self.loader.wait()
        if self.server_watch is not None:
            self.server_watch.stop()
        from ui.operation import Runner

        Runner.instance().wait()
        store = self.store or self.loader.result
        if store is not None:
            store.dispose()
        if self.lock is not None:
            self.lock.release()
        return self.code or code


def _open_store(paths: AppPaths, principal: Principal) -> Database:
    """Run in the loader's worker thread: the whole storage layer in one go, then the store
    (created, or migrated after an update, as needed)."""
    from app.services import connect, load_storage

    load_storage()
    return connect(paths, principal=principal)


def _daily_backup(window: QMainWindow, paths: AppPaths, principal: Principal) -> None:
    """Today's automatic backup, written beside the running app (the backup API copies a
    consistent snapshot while the teacher works) by the runner; a failure is shown in the
    status bar, never fatal."""
    from app.services import store
    from ui.operation import Runner

    def failed(error: BaseException) -> None:
        logging.getLogger(__name__).warning("daily backup failed: %s", error)
        window.statusBar().showMessage(str(error))

    def show(message: str) -> None:
        # A zero-delay single shot with a context object runs on that object's thread.
        QTimer.singleShot(0, window, lambda: window.statusBar().showMessage(message))

    def warn(message: str) -> None:
        # Called from the runner's thread while the backup is written.
        logging.getLogger(__name__).warning("daily backup: %s", message)
        show(message)

    Runner.instance().read(
        lambda: store.daily_backup(principal, paths, warn=warn),
        failure=failed,
        owner=window,
        lane="backup",
    )
