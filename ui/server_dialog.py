"""The school's server in the window: File › Connect to the school's server… (a dialog that
saves a connection profile in the settings, never its password), the start-up's choice when
the saved server cannot be reached, and the window's title and status naming the open store.

The connection itself is the core's (``app.services.server``); the rules it applies (TLS
with the school's CA for a server elsewhere) are checked before anything is sent.
"""

from __future__ import annotations

import dataclasses
import getpass
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.principal import Principal
from app.errors import OwnWorkError
from app.paths import AppPaths
from app.services import Database
from app.services.server import ServerProfile
from ui.settings import Settings

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

GROUP = "Server"
_FIELDS = (
    "host",
    "port",
    "database",
    "login",
    "ca_file",
    "unencrypted",
    "connect_timeout",
    "read_timeout",
)
STORE_LABEL = "storeLabel"


def _t(text: str) -> str:
    return QCoreApplication.translate("ServerDialog", text)


def load_profile(settings: Settings) -> ServerProfile | None:
    """The saved profile (None when none is saved: the personal store opens)."""
    host = settings.text(f"{GROUP}/host")
    if not host:
        return None
    port = settings.text(f"{GROUP}/port", "5432")
    return ServerProfile(
        host=host,
        port=int(port) if port.isdigit() else 5432,
        database=settings.text(f"{GROUP}/database", "ownwork"),
        login=settings.text(f"{GROUP}/login"),
        ca_file=settings.text(f"{GROUP}/ca_file"),
        unencrypted=settings.text(f"{GROUP}/unencrypted") == "true",
        connect_timeout=_seconds(settings, "connect_timeout"),
        read_timeout=_seconds(settings, "read_timeout"),
    )


def _seconds(settings: Settings, name: str) -> float | None:
    """A limit IT set in the settings file, in seconds; one that is not a number is left out
    (the default applies) and said in the log, rather than stopping the window opening."""
    written = settings.text(f"{GROUP}/{name}").strip()
    if not written:
        return None
    try:
        seconds = float(written)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:
        log.warning(
            "Server/%s = %r in the settings is not a number of seconds: ignored", name, written
        )
        return None
    return seconds


def save_profile(settings: Settings, profile: ServerProfile) -> None:
    """The profile in the settings file: everything but the password."""
    for name in _FIELDS:
        value = getattr(profile, name)
        if isinstance(value, bool):
            written = "true" if value else ""
        elif value is None:
            written = ""
        elif isinstance(value, float):
            written = f"{value:g}"
        else:
            written = str(value)
        settings.set_text(f"{GROUP}/{name}", written)
    settings.sync()


class ServerDialog(QDialog):
    """Host, port, database, login, password, the school's CA file, and whether to remember
    the password in this computer's keyring; Connect tries it off the GUI thread and, once
    connected, saves the profile.  ``store`` is the open store after ``accept``."""

    def __init__(
        self,
        paths: AppPaths,
        principal: Principal,
        parent: QWidget | None = None,
        profile: ServerProfile | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to the school's server"))
        self.setAccessibleName(self.tr("Connect to the school's server"))
        self._paths = paths
        self._principal = principal
        self.store: Database | None = None
        given = profile or load_profile(Settings(paths)) or ServerProfile(host="")
        # What IT set that the dialog does not show (no encryption, time limits) is kept.
        self._given = given
        intro = QLabel(
            self.tr(
                "The school's shared records, on its own server. IT gives you the server's "
                "name, the database, your login and the school's certificate (CA) file."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.host = self._line(self.tr("Server"), given.host)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(given.port)
        self.port.setAccessibleName(self.tr("Port"))
        self.database = self._line(self.tr("Database"), given.database)
        self.login = self._line(self.tr("Login"), given.login or getpass.getuser())
        self.password = self._line(self.tr("Password"), "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_file = self._line(self.tr("School's certificate (CA) file"), given.ca_file)
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.setAccessibleName(self.tr("Choose the certificate file"))
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        self.remember = QCheckBox(self.tr("&Remember the password in this computer's keyring"))
        self.remember.setAccessibleName(self.tr("Remember the password in this computer's keyring"))
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Connection problem"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        for text, field, row in (
            (self.tr("&Server:"), self.host, None),
            (self.tr("P&ort:"), self.port, None),
            (self.tr("&Database:"), self.database, None),
            (self.tr("&Login:"), self.login, None),
            (self.tr("&Password:"), self.password, None),
            (self.tr("&Certificate (CA) file:"), self.ca_file, ca_row),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)  # Alt+the underlined letter moves to the field
            if row is None:
                form.addRow(label, field)
            else:
                form.addRow(label, row)
        self.buttons = QDialogButtonBox(self)
        self.connect_button = self.buttons.addButton(
            self.tr("Co&nnect"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remember)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        (self.host if not given.host else self.password).setFocus()

    def _line(self, name: str, value: str) -> QLineEdit:
        line = QLineEdit(value, self)
        line.setAccessibleName(name)
        return line

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("The school's certificate (CA) file"),
            self.ca_file.text(),
            self.tr("Certificates (*.crt *.pem *.cer);;All files (*)"),
        )
        if chosen:
            self.ca_file.setText(chosen)

    def profile(self) -> ServerProfile:
        return dataclasses.replace(
            self._given,
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            login=self.login.text().strip(),
            ca_file=self.ca_file.text().strip(),
        )

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.connect_button.setEnabled(True)

    def _connect(self) -> None:
        from app.services import server

        profile = self.profile()
        missing = [
            name
            for name, value in (
                (self.tr("the server"), profile.host),
                (self.tr("the database"), profile.database),
                (self.tr("your login"), profile.login),
            )
            if not value
        ]
        if missing:
            self._show_problem(self.tr("Please give {0}.").format(", ".join(missing)))
            return
        try:
            server.check_profile(profile)
        except OwnWorkError as error:
            if profile.ca_file:
                self._show_problem(str(error))
            else:
                # The rule in the window's words: the CA file is a field here, not a URL part.
                self._show_problem(
                    self.tr(
                        "{0} is not on this computer, so OwnWork connects to it only over an "
                        "encrypted connection it can check: choose the school's certificate "
                        "(CA) file that IT gave you."
                    ).format(profile.host)
                )
            return
        password = self.password.text() or None
        self.connect_button.setEnabled(False)
        self.message.setText(self.tr("Connecting to {0}…").format(profile.where))
        from ui.operation import Runner

        principal = self._principal
        Runner.instance().read(
            lambda: server.connect_profile(principal, profile, password),
            success=lambda store: self._connected(store, profile, password),
            failure=self._failed,
            owner=self,
            lane="connect",
        )

    def _connected(self, store: Database, profile: ServerProfile, password: str | None) -> None:
        from app.services import server

        save_profile(Settings(self._paths), profile)
        if (
            self.remember.isChecked()
            and password
            and not server.remember_password(profile, password)
        ):
            log.info("no keyring on this computer: the password will be asked each time")
        self.store = store
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, OwnWorkError):
            self._show_problem(str(error))
            return
        log.error("connecting failed", exc_info=(type(error), error, error.__traceback__))
        self._show_problem(
            self.tr("The server could not be used ({0}).").format(type(error).__name__)
        )


def describe_store(store: Database) -> str:
    """Which records are open, in words: the school's server or this computer's folder."""
    where = store.server
    if where is None:
        return _t("My records on this computer")
    secure = _t(", encrypted") if where.tls != "disable" else ""
    return _t("School server {0}{1}").format(where.where, secure)


def show_store(window: QMainWindow, store: Database) -> None:
    """The window's title and a permanent status-bar note name the open store."""
    text = describe_store(store)
    window.setWindowTitle(f"OwnWork — {text}")
    label = window.statusBar().findChild(QLabel, STORE_LABEL)
    if label is None:
        label = QLabel(window)
        label.setObjectName(STORE_LABEL)
        label.setAccessibleName(_t("Records open"))
        label.setContentsMargins(12, 0, 0, 0)  # apart from the data folder's note
        window.statusBar().addPermanentWidget(label)
    label.setText(_t("Records: {0}").format(text))


def connect_window(window: MainWindow, paths: AppPaths) -> Database | None:
    """File › Connect to the school's server…: the dialog, then the window on the server's
    records (every list read again).  Returns the store now shown, if it changed."""
    # Who opened the records opens the server's (issue 20: the member of staff signed in).
    principal = window.store.principal if window.has_store else Principal.personal()
    dialog = ServerDialog(paths, principal, window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.store is None:
        return None
    window.attach_store(dialog.store)
    show_store(window, dialog.store)
    from app.services.store import EVERYTHING
    from ui.operation import Runner

    Runner.instance().announce(EVERYTHING)
    return dialog.store


# --- start-up with a saved profile -----------------------------------------------------

RETRY, PERSONAL, QUIT = "retry", "personal", "quit"


def profile_opener(
    paths: AppPaths, *, interactive: bool
) -> Callable[[AppPaths, Principal], Database]:
    """What start-up opens instead of the personal store when a profile is saved: the
    server, with the keyring's (or password file's) password, else one asked now."""
    from app.services import server

    profile = load_profile(Settings(paths))
    assert profile is not None
    password = None
    if server.known_password(profile) is None and interactive:
        typed, given = QInputDialog.getText(
            None,
            _t("Connect to the school's server"),
            _t("Password for {0} on {1}:").format(profile.login, profile.where),
            QLineEdit.EchoMode.Password,
        )
        password = typed if given else None

    def open_server(_paths: AppPaths, principal: Principal) -> Database:
        from app.services import load_storage

        load_storage()
        return server.connect_profile(principal, profile, password)

    return open_server


def ask_after_failure(parent: QWidget | None, message: str, *, interactive: bool) -> str:
    """The saved server could not be reached: try again, open the personal records, or
    quit.  Without a teacher to ask (``--smoke``) the answer is quit."""
    if not interactive:
        return QUIT
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_t("The school's server"))
    box.setText(_t("OwnWork could not open the records on the school's server."))
    box.setInformativeText(message)
    retry = box.addButton(_t("&Try again"), QMessageBox.ButtonRole.AcceptRole)
    personal = box.addButton(_t("Open my &personal records"), QMessageBox.ButtonRole.ActionRole)
    quit_button = box.addButton(_t("&Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    clicked = box.clickedButton()
    if clicked is personal:
        return PERSONAL
    if clicked is quit_button:
        return QUIT
    return RETRY
