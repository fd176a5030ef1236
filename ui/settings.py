"""The GUI's settings, declared once with their defaults, stored in an INI file in the config
folder (so a data folder given with ``--data-dir`` carries its own window layout).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from app.paths import AppPaths
from app.services.store import STORE_OPENED_KEY, STORE_OPENED_SECTION


class Settings:
    def __init__(self, paths: AppPaths) -> None:
        paths.config_dir.mkdir(parents=True, exist_ok=True)
        self._qsettings = QSettings(str(paths.settings_file), QSettings.Format.IniFormat)

    def byte_array(self, key: str) -> QByteArray | None:
        value = self._qsettings.value(key)
        return value if isinstance(value, QByteArray) else None

    def set_byte_array(self, key: str, value: QByteArray) -> None:
        self._qsettings.setValue(key, value)

    def text(self, key: str, default: str = "") -> str:
        value = self._qsettings.value(key, default)
        return value if isinstance(value, str) else default

    def set_text(self, key: str, value: str) -> None:
        self._qsettings.setValue(key, value)

    def sync(self) -> None:
        self._qsettings.sync()

    def mark_store_opened(self) -> None:
        """Say that a store opened in this data folder: from now on, a missing database here
        is a loss to report, not a new folder (app/storage/precheck.traces_of_use)."""
        self._qsettings.setValue(f"{STORE_OPENED_SECTION}/{STORE_OPENED_KEY}", "true")
        self._qsettings.sync()


class WindowState:
    """Saves and restores a window's geometry and its splitters under one settings group."""

    def __init__(self, settings: Settings, name: str) -> None:
        self._settings = settings
        self._name = name

    def restore(self, window: QWidget, splitters: dict[str, QSplitter]) -> bool:
        geometry = self._settings.byte_array(f"{self._name}/geometry")
        restored = geometry is not None and window.restoreGeometry(geometry)
        for key, splitter in splitters.items():
            state = self._settings.byte_array(f"{self._name}/splitter/{key}")
            if state is not None:
                splitter.restoreState(state)
        return restored

    def save(self, window: QWidget, splitters: dict[str, QSplitter]) -> None:
        self._settings.set_byte_array(f"{self._name}/geometry", window.saveGeometry())
        for key, splitter in splitters.items():
            self._settings.set_byte_array(f"{self._name}/splitter/{key}", splitter.saveState())
        self._settings.sync()
