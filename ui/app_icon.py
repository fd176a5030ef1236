"""The application icon, built from the PNG sizes rendered by packaging/make_icons.py."""

from __future__ import annotations

from importlib.resources import as_file, files

from PySide6.QtGui import QIcon, QPixmap

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """Every size is added so that Qt picks a hand-checked bitmap instead of scaling one."""
    icon = QIcon()
    folder = files("resources") / "icons"
    for size in SIZES:
        with as_file(folder / f"ownwork-{size}.png") as path:
            pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            icon.addPixmap(pixmap)
    return icon
