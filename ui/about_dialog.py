"""Help › About: version, where the records live (for the teacher, IT and the DPO), licences."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.about import app_licence, third_party_notices
from app.paths import AppPaths
from app.version import __version__
from ui.app_icon import app_icon
from ui.errors import show_error
from ui.window_size import fit_to_screen

_SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse | (
    Qt.TextInteractionFlag.TextSelectableByKeyboard
)


class AboutDialog(QDialog):
    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.setWindowTitle(self.tr("About OwnWork"))
        self.setAccessibleName(self.windowTitle())

        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(64, 64))
        logo.setAccessibleName(self.tr("OwnWork icon"))
        self.title = QLabel(self.tr("OwnWork"), self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.version = QLabel(self.tr("Version {0}").format(__version__), self)
        self.version.setAccessibleName(self.tr("Version"))
        self.version.setTextInteractionFlags(_SELECTABLE)
        description = QLabel(
            self.tr(
                "Records of coursework authenticity conversations for schools and colleges. "
                "Everything stays on this computer: OwnWork never opens a network connection."
            ),
            self,
        )
        description.setWordWrap(True)
        description.setAccessibleName(self.tr("Description"))
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.version)
        heading.addWidget(description)
        top = QHBoxLayout()
        top.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        places = QGroupBox(self.tr("Where your records are kept"), self)
        grid = QGridLayout(places)
        self.data_folder = self._path_row(grid, 0, self.tr("Data folder:"), paths.data_dir)
        self.open_data = QPushButton(self.tr("&Open data folder"), places)
        self.open_data.setAccessibleName(self.tr("Open data folder"))
        self.open_data.clicked.connect(lambda: self._open(paths.data_dir))
        grid.addWidget(self.open_data, 0, 2)
        self.backups_folder = self._path_row(grid, 1, self.tr("Backups:"), paths.backups_dir)
        self.log_folder = self._path_row(grid, 2, self.tr("Log files:"), paths.log_dir)
        self.open_logs = QPushButton(self.tr("Open &log folder"), places)
        self.open_logs.setAccessibleName(self.tr("Open log folder"))
        self.open_logs.clicked.connect(lambda: self._open(paths.log_dir))
        grid.addWidget(self.open_logs, 2, 2)
        # Read out to the exams officer, who trusts this key before importing case bundles.
        self.fingerprint = self._text_row(
            grid, 3, self.tr("Signing key for case bundles:"), _fingerprint(paths)
        )
        # Enter closes the box (the default button) rather than opening a folder.
        for button in (self.open_data, self.open_logs):
            button.setAutoDefault(False)
        grid.setColumnStretch(1, 1)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Licences"))
        self.licence = self._text_page(app_licence(), self.tr("OwnWork's licence"))
        self.notices = self._text_page(third_party_notices(), self.tr("Third-party notices"))
        self.tabs.addTab(self.licence, self.tr("Li&cence"))
        self.tabs.addTab(self.notices, self.tr("&Third-party notices"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setDefault(True)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(places)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 600)

    def _path_row(self, grid: QGridLayout, row: int, label: str, path: Path) -> QLabel:
        return self._text_row(grid, row, label, str(path))

    def _text_row(self, grid: QGridLayout, row: int, label: str, text: str) -> QLabel:
        name = QLabel(label, self)
        value = QLabel(text, self)
        value.setTextInteractionFlags(_SELECTABLE)
        value.setAccessibleName(label.rstrip(":"))
        value.setWordWrap(True)
        name.setBuddy(value)
        grid.addWidget(name, row, 0)
        grid.addWidget(value, row, 1)
        return value

    def _text_page(self, text: str, name: str) -> QPlainTextEdit:
        page = QPlainTextEdit(text, self)
        page.setReadOnly(True)
        page.setTextInteractionFlags(_SELECTABLE)
        # Tab leaves the page instead of being swallowed, so the keyboard path stays open.
        page.setTabChangesFocus(True)
        page.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        page.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        page.setAccessibleName(name)
        return page

    def _open(self, folder: Path) -> None:
        # If the folder cannot be made, opening it fails too, and the teacher is told that.
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            show_error(
                self,
                self.tr("Folder not opened"),
                self.tr("OwnWork could not open a file manager here. The folder is:\n{0}").format(
                    folder
                ),
            )


def _fingerprint(paths: AppPaths) -> str:
    """This installation's key fingerprint (the key is made on first use)."""
    from app.errors import OwnWorkError
    from app.integrity.signing import own_fingerprint

    try:
        return own_fingerprint(paths)
    except (OwnWorkError, OSError) as error:
        return QCoreApplication.translate("AboutDialog", "not available ({0})").format(error)
