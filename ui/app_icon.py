"""The application icon, built from the PNG sizes rendered by packaging/make_icons.py."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """Every size is added so that Qt picks a hand-checked bitmap instead of scaling one."""
    icon = QIcon()
    folder = files("resources") / "icons"
    for size in SIZES:
        item = folder / f"ownwork-{size}.png"
        if isinstance(item, Path):
            # On disk (installed, or in the bundle): Qt reads each size when it is first drawn,
            # so start-up does not decode eight PNGs, up to 512 pixels square, it may never use.
            if item.is_file():
                icon.addFile(str(item), QSize(size, size))
            continue
        with as_file(item) as path:  # inside an archive: the copy is gone after this block
            pixmap = QPixmap(str(path))
        if not pixmap.isNull():
            icon.addPixmap(pixmap)
    return icon
