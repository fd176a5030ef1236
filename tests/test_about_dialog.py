"""Help › About: version, where the records live, opening the data folder, licences."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.about_dialog as about_module
from app.paths import AppPaths
from ui.about_dialog import AboutDialog

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """Stands in for the desktop's file manager: records what it was asked to open."""
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


def _dialog(qtbot: QtBot, paths: AppPaths) -> AboutDialog:
    dialog = AboutDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_about_shows_the_version_from_the_package_metadata(qtbot: QtBot, paths: AppPaths) -> None:
    dialog = _dialog(qtbot, paths)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert version("ownwork") == declared
    assert dialog.version.text() == f"Version {declared}"


def test_about_shows_where_records_backups_and_logs_are(qtbot: QtBot, paths: AppPaths) -> None:
    dialog = _dialog(qtbot, paths)
    assert dialog.data_folder.text() == str(paths.data_dir)
    assert dialog.backups_folder.text() == str(paths.backups_dir)
    assert dialog.log_folder.text() == str(paths.log_dir)


def test_open_data_folder_button_opens_the_data_folder(
    qtbot: QtBot, paths: AppPaths, opened: list[QUrl]
) -> None:
    dialog = _dialog(qtbot, paths)
    qtbot.mouseClick(dialog.open_data, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(paths.data_dir))]
    assert paths.data_dir.is_dir()


def test_log_folder_opens_from_the_keyboard(
    qtbot: QtBot, paths: AppPaths, opened: list[QUrl]
) -> None:
    dialog = _dialog(qtbot, paths)
    dialog.open_logs.setFocus()
    QTest.keyClick(dialog.open_logs, Qt.Key.Key_Space)
    assert opened == [QUrl.fromLocalFile(str(paths.log_dir))]


def test_a_folder_that_cannot_be_opened_is_named_to_the_teacher(
    qtbot: QtBot, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    shown: list[str] = []
    monkeypatch.setattr(
        about_module, "show_error", lambda parent, title, message: shown.append(message)
    )
    dialog = _dialog(qtbot, paths)
    qtbot.mouseClick(dialog.open_data, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert str(paths.data_dir) in shown[0]


def test_enter_closes_the_box_without_opening_a_folder(
    qtbot: QtBot, paths: AppPaths, opened: list[QUrl]
) -> None:
    dialog = _dialog(qtbot, paths)
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert opened == []


def test_licence_tabs_show_the_app_licence_and_third_party_notices(
    qtbot: QtBot, paths: AppPaths
) -> None:
    dialog = _dialog(qtbot, paths)
    licence = dialog.licence.toPlainText()
    assert licence == (ROOT / "LICENSE").read_text("utf-8")
    assert "Copyright (c) 2026 OwnWork developers" in licence
    notices = dialog.notices.toPlainText()
    for name in ("SQLAlchemy", "reportlab", "PySide6", "LGPL-3.0"):
        assert name in notices
    assert "Bitstream Vera" in notices  # the bundled fonts' licence
    qtbot.mouseClick(
        dialog.tabs.tabBar(),
        Qt.MouseButton.LeftButton,
        pos=dialog.tabs.tabBar().tabRect(1).center(),
    )
    assert dialog.tabs.currentWidget() is dialog.notices


def test_every_control_has_an_accessible_name(qtbot: QtBot, paths: AppPaths) -> None:
    dialog = _dialog(qtbot, paths)
    for widget in (
        dialog.version,
        dialog.data_folder,
        dialog.backups_folder,
        dialog.log_folder,
        dialog.open_data,
        dialog.open_logs,
        dialog.tabs,
        dialog.licence,
        dialog.notices,
    ):
        assert widget.accessibleName(), widget
