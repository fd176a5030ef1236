"""The bundle's ingredients: what it leaves out, its icon files, notices and desktop files."""

from __future__ import annotations

import configparser
import struct
import sys
import xml.etree.ElementTree as ElementTree
from importlib.metadata import distribution
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
LINUX = ROOT / "packaging" / "linux"
APP_ID = "uk.ownwork.OwnWork"
sys.path.insert(0, str(ROOT / "packaging"))

from bundle_filter import elf_needed, keep_binary, keep_data, prune_libraries  # noqa: E402
from make_notices import requirement_closure  # noqa: E402

QT = "PySide6/Qt"


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        (f"{QT}/plugins/platforms/libqxcb.so", True),
        (f"{QT}/plugins/platforms/libqoffscreen.so", True),
        (f"{QT}/plugins/platforms/libqminimal.so", True),
        (f"{QT}/plugins/platforms/libqeglfs.so", False),
        (f"{QT}/plugins/platforms/libqvnc.so", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\opengl32sw.dll", False),
        ("PySide6\\Qt6Gui.dll", True),
        (f"{QT}/plugins/imageformats/libqsvg.so", True),
        (f"{QT}/plugins/imageformats/libqtiff.so", False),
        (f"{QT}/plugins/platformthemes/libqgtk3.so", False),
        (f"{QT}/plugins/platformthemes/libqxdgdesktopportal.so", True),
        (f"{QT}/plugins/tls/libqopensslbackend.so", False),
        (f"{QT}/plugins/printsupport/libcupsprintersupport.so", True),
        (f"{QT}/lib/libQt6Quick.so.6", False),
        (f"{QT}/lib/libQt6Widgets.so.6", True),
    ],
)
def test_plugins_and_libraries_kept_or_left_out(dest: str, kept: bool) -> None:
    assert keep_binary(dest) is kept


def test_qt_translations_are_left_out_and_app_data_kept() -> None:
    assert not keep_data(f"{QT}/translations/qtbase_de.qm")
    assert keep_data("resources/fonts/DejaVuSans.ttf")
    assert keep_data("app/storage/migrations/versions/0001_initial_schema.py")


def test_pruning_drops_host_cups_and_what_only_it_needed() -> None:
    toc = [
        ("PySide6/QtGui.abi3.so", "/s/QtGui", "EXTENSION"),
        (f"{QT}/lib/libQt6Gui.so.6", "/s/Gui", "BINARY"),
        (f"{QT}/plugins/printsupport/libcupsprintersupport.so", "/s/cupsplugin", "BINARY"),
        ("libcups.so.2", "/s/cups", "BINARY"),
        ("libgnutls.so.30", "/s/gnutls", "BINARY"),
        ("libz.so.1", "/s/z", "BINARY"),
        ("libunused.so.1", "/s/unused", "BINARY"),
        ("libQt6Gui.so.6", f"{QT}/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libpython3.11.so.1.0", "/s/python", "BINARY"),
    ]
    graph = {
        "/s/QtGui": ["libQt6Gui.so.6"],
        "/s/Gui": ["libz.so.1", "libc.so.6"],
        "/s/cupsplugin": ["libcups.so.2", "libQt6Gui.so.6"],
        "/s/cups": ["libgnutls.so.30", "libz.so.1"],
        "/s/gnutls": [],
        "/s/z": [],
    }
    kept = [dest for dest, _, _ in prune_libraries(toc, lambda source: graph.get(source, []))]
    assert kept == [
        "PySide6/QtGui.abi3.so",
        f"{QT}/lib/libQt6Gui.so.6",
        f"{QT}/plugins/printsupport/libcupsprintersupport.so",
        "libz.so.1",
        "libQt6Gui.so.6",
        "libpython3.11.so.1.0",
    ]


def test_elf_needed_reads_direct_dependencies_only() -> None:
    import PySide6

    svg = Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Svg.so.6"
    if not svg.exists():
        pytest.skip("Qt libraries are laid out differently on this platform")
    needed = elf_needed(str(svg))
    assert "libQt6Gui.so.6" in needed
    assert "libQt6Core.so.6" in needed
    assert "libicuuc.so.73" not in needed  # a dependency of QtCore, not of QtSvg
    assert elf_needed(str(ROOT / "pyproject.toml")) == []


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_png_icons_exist_in_every_size(size: int) -> None:
    image = QImage(str(ICONS / f"ownwork-{size}.png"))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # rounded corners stay transparent


def test_the_svg_source_renders() -> None:
    assert QSvgRenderer(str(ICONS / "ownwork.svg")).isValid()


def test_the_windows_icon_holds_bitmaps_and_pngs_of_every_size() -> None:
    data = (ICONS / "ownwork.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, _, _, _, _, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert bits == 32
        assert offset + length <= len(data)
        is_png = data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        sizes.append((width or 256, is_png))
    assert sizes == [
        (16, False),
        (24, False),
        (32, False),
        (48, False),
        (64, True),
        (128, True),
        (256, True),
    ]
    reader = QImageReader(str(ICONS / "ownwork.ico"))
    read = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        image = reader.read()
        read.append(image.width())
        assert image.pixelColor(image.width() // 2, image.height() // 2).alpha() == 255
    assert sorted(read) == [16, 24, 32, 48, 64, 128, 256]


def test_the_notices_name_every_runtime_dependency() -> None:
    notices = (ROOT / "resources" / "THIRD_PARTY_NOTICES.txt").read_text("utf-8")
    names = [dist.metadata["Name"] for dist in requirement_closure()]
    assert len(names) >= 10
    missing = [name for name in names if f"\n{name} " not in notices]
    assert missing == [], "run packaging/make_notices.py"
    assert "Bitstream Vera" in notices


def test_desktop_entry_and_appstream_metadata_agree() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "ownwork"
    assert desktop["Icon"] == APP_ID
    assert desktop["Terminal"] == "false"
    root = ElementTree.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert (
        root.findtext("project_license") == distribution("ownwork").metadata["License-Expression"]
    )
    assert root.findtext("./provides/binary") == "ownwork"
