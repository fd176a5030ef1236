"""Render the application icon from resources/icons/ownwork.svg.

    .venv/bin/python packaging/make_icons.py              # PNGs and the .ico (committed)
    .venv/bin/python packaging/make_icons.py --iconset D  # a macOS .iconset folder for iconutil

Writes ``ownwork-<size>.png`` for 16–512 px and ``ownwork.ico`` (Windows) next to the SVG.  The
.ico container is written here rather than with an imaging library: it is a small header and
directory followed by one image per size (32-bit bitmaps up to 48 px for old shell code, PNG
above).  macOS's .icns is made from an iconset by ``iconutil`` (packaging/macos/make_icns.sh).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "ownwork.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Sizes at or below this go into the .ico as bitmaps; larger ones as PNG (Windows Vista on).
ICO_BITMAP_MAX = 48
# iconutil's file names: (name, pixel size).
ICONSET = (
    ("icon_16x16.png", 16),
    ("icon_16x16@2x.png", 32),
    ("icon_32x32.png", 32),
    ("icon_32x32@2x.png", 64),
    ("icon_128x128.png", 128),
    ("icon_128x128@2x.png", 256),
    ("icon_256x256.png", 256),
    ("icon_256x256@2x.png", 512),
    ("icon_512x512.png", 512),
    ("icon_512x512@2x.png", 1024),
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def _bitmap_entry(image: QImage) -> bytes:
    """A 32-bit BGRA device-independent bitmap with its AND mask, as an .ico entry holds it."""
    width, height = image.width(), image.height()
    rows = []
    mask_rows = []
    mask_stride = (width + 31) // 32 * 4
    for y in reversed(range(height)):  # bitmaps are stored bottom row first
        # Format_ARGB32 is 0xAARRGGBB per pixel, i.e. B, G, R, A bytes on little-endian hosts.
        row = bytes(image.constScanLine(y))[: width * 4]
        if sys.byteorder != "little":
            row = b"".join(row[i : i + 4][::-1] for i in range(0, len(row), 4))
        rows.append(row)
        mask = bytearray(mask_stride)
        for x in range(width):
            if row[x * 4 + 3] == 0:
                mask[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(mask))
    pixels = b"".join(rows) + b"".join(mask_rows)
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    return header + pixels


def ico_bytes(images: dict[int, QImage]) -> bytes:
    """An .ico file holding one image per size."""
    entries = [
        (size, _bitmap_entry(image) if size <= ICO_BITMAP_MAX else png_bytes(image))
        for size, image in sorted(images.items())
    ]
    offset = 6 + 16 * len(entries)
    directory = struct.pack("<HHH", 0, 1, len(entries))
    payload = b""
    for size, data in entries:
        dimension = 0 if size >= 256 else size  # 0 stands for 256 in the one-byte fields
        directory += struct.pack(
            "<BBBBHHII", dimension, dimension, 0, 0, 1, 32, len(data), offset + len(payload)
        )
        payload += data
    return directory + payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iconset", type=Path, help="write a macOS .iconset folder here instead")
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a valid SVG")
    if args.iconset is not None:
        args.iconset.mkdir(parents=True, exist_ok=True)
        for name, size in ICONSET:
            (args.iconset / name).write_bytes(png_bytes(render(renderer, size)))
        return 0
    images = {size: render(renderer, size) for size in PNG_SIZES}
    for size, image in images.items():
        (ICONS / f"ownwork-{size}.png").write_bytes(png_bytes(image))
    (ICONS / "ownwork.ico").write_bytes(ico_bytes({s: images[s] for s in ICO_SIZES}))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
