"""What the bundle leaves out.  Used by ownwork.spec; kept apart so a test can check the rules.

PyInstaller's Qt hooks collect every plugin of a type a module might use and all translations.
OwnWork is a widgets application in English whose only network connection is to the school's
PostgreSQL server (pg8000 over Python's own ssl module), so most of that is dead weight; the
budget is 150 MiB unpacked.  Paths are destinations inside the bundle,
with forward slashes (Windows paths are normalised first).
"""

from __future__ import annotations

import fnmatch
import struct
from collections.abc import Callable

# Python modules never imported by the app.  Listing the Qt ones stops a stray import (or a
# hook's guess) from pulling in QML, WebEngine or the designer with their libraries.
EXCLUDED_MODULES: list[str] = [
    "tkinter",
    "unittest",
    "pydoc",
    "pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "IPython",
    # (ssl and _ssl are shipped: the school's server is reached over TLS, app/storage/server.py.)
    "readline",
    # reportlab imports Pillow, but OwnWork's PDFs hold no AVIF, WebP or Tk images and
    # reportlab renders text with its own font code.
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL._imagingft",
    "PIL.ImageFont",
    "PIL._imagingcms",
    "PIL.ImageCms",
    # keyring's Secret Service backend (Linux desktops) needs SecretStorage, which needs
    # ``cryptography``: 12 MB for one way of keeping the bundle-signing key.  The bundle leaves
    # them out; there the key stays in the data folder's keys/ (0600, see
    # app/integrity/signing.py).  Windows keeps it in Credential Manager, which needs neither.
    "secretstorage",
    "jeepney",
    "cryptography",
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQmlFeatures",
    "PySide6.QtQuick",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtDBus",
    "PySide6.QtTest",
    "PySide6.QtSql",
    "PySide6.QtXml",
    "PySide6.QtHelp",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtConcurrent",
    "PySide6.QtLabsStyleKit",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
]

# Qt platform plugins: xcb for X11 and XWayland desktops, offscreen and minimal for checks
# without a display, Windows and Cocoa on their systems.  Wayland-native, EGL, framebuffer,
# VNC and Vulkan plugins are not shipped (XWayland runs the xcb plugin on Wayland desktops).
_PLATFORMS_KEPT = {
    "libqxcb",
    "libqoffscreen",
    "libqminimal",
    "qwindows",
    "qoffscreen",
    "qminimal",
    "libqcocoa",
}

# Image formats the app may read or write: SVG (icons), ICO, JPEG and GIF (evidence images).
_IMAGE_FORMATS_KEPT = {"qsvg", "qico", "qjpeg", "qgif"}

_DROPPED_PATTERNS: tuple[str, ...] = (
    # Qt never opens a network connection (QtPdf links libQt6Network, so the library stays,
    # but its TLS back-ends and network-status plugins do not; the server's TLS is Python's).
    "*/plugins/tls/*",
    "*/plugins/networkinformation/*",
    # The GTK theme plugin would drag the whole GTK stack into the bundle; the portal theme
    # (native file dialogs through D-Bus) stays.
    "*/plugins/platformthemes/*gtk3*",
    "*/plugins/egldeviceintegrations/*",
    "*/plugins/wayland-*/*",
    "*/plugins/qmltooling/*",
    "*/plugins/sqldrivers/*",
    "*/plugins/designer/*",
    "*/plugins/vectorimageformats/*",
    "*/plugins/generic/*",
    # Windows: Mesa's software OpenGL (20 MB), which Qt loads only to make an OpenGL context
    # when the graphics driver has none.  OwnWork paints with QPainter and ships no QtOpenGL.
    "*/opengl32sw.dll",
    # English only for now: Qt's own translations are not used.
    "*/Qt/translations/*",
    "*/translations/*.qm",
    # Libraries of Qt modules the app does not use (pulled in by plugin dependencies).
    "*libQt6Qml*",
    "*libQt6Quick*",
    "*libQt6Wayland*",
    "*libQt6EglFS*",
    "*libQt6Designer*",
    "*libQt6Lottie*",
    "*libQt6Labs*",
    "*Qt6Qml*",
    "*Qt6Quick*",
)


def _normal(dest: str) -> str:
    return "/" + dest.replace("\\", "/").lstrip("/")


def _stem(dest: str) -> str:
    name = dest.rsplit("/", 1)[-1]
    return name.split(".", 1)[0]


def keep_binary(dest: str) -> bool:
    """Whether a library or plugin at this bundle path is shipped."""
    path = _normal(dest)
    if any(fnmatch.fnmatch(path, pattern) for pattern in _DROPPED_PATTERNS):
        return False
    if "/plugins/platforms/" in path:
        return _stem(path) in _PLATFORMS_KEPT
    if "/plugins/imageformats/" in path:
        return _stem(path).removeprefix("lib") in _IMAGE_FORMATS_KEPT
    return True


def keep_data(dest: str) -> bool:
    """Whether a data file at this bundle path is shipped."""
    path = _normal(dest)
    if "/__pycache__/" in path:
        return False
    return not any(fnmatch.fnmatch(path, pattern) for pattern in _DROPPED_PATTERNS)


# System libraries that must come from the computer OwnWork runs on, never from the build
# machine: CUPS talks to the local print system (and would bring GnuTLS, Kerberos and more,
# about 10 MB).  Qt's CUPS plugin stays and uses the computer's own libcups; without one,
# printing still offers "Print to PDF".
HOST_LIBRARIES: tuple[str, ...] = ("libcups.so*",)

_ROOT_NAMES: tuple[str, ...] = ("libpython*",)


def _is_root(dest: str, kind: str) -> bool:
    """Entries the program loads by itself; everything else is here because something links it."""
    name = dest.replace("\\", "/").rsplit("/", 1)[-1]
    return (
        kind == "EXTENSION"
        or "/plugins/" in _normal(dest)
        or any(fnmatch.fnmatch(name, pattern) for pattern in _ROOT_NAMES)
    )


def prune_libraries(
    binaries: list[tuple[str, str, str]], needed_by: Callable[[str], list[str]]
) -> list[tuple[str, str, str]]:
    """Drop host-only libraries, then every library that nothing kept links to any more.

    ``binaries`` is PyInstaller's TOC of (destination, source, type); ``needed_by(source)``
    lists a library's direct dependencies by file name (ELF DT_NEEDED).  Symbolic links stay
    when the library they stand for stays.
    """

    def name(dest: str) -> str:
        return dest.replace("\\", "/").rsplit("/", 1)[-1]

    def host_only(dest: str) -> bool:
        return any(fnmatch.fnmatch(name(dest), pattern) for pattern in HOST_LIBRARIES)

    libraries: dict[str, list[tuple[str, str, str]]] = {}
    for entry in binaries:
        if entry[2] != "SYMLINK":
            libraries.setdefault(name(entry[0]), []).append(entry)
    reached: set[str] = set()
    pending = [e for e in binaries if e[2] != "SYMLINK" and _is_root(e[0], e[2])]
    while pending:
        dest, source, _ = pending.pop()
        if host_only(dest):
            continue
        reached.add(name(dest))
        for dependency in needed_by(source):
            if dependency not in reached and dependency in libraries:
                reached.add(dependency)
                pending.extend(libraries[dependency])
    return [entry for entry in binaries if name(entry[0]) in reached and not host_only(entry[0])]


def elf_needed(path: str) -> list[str]:
    """The DT_NEEDED names of an ELF file (its direct dependencies); [] for anything else.

    ``ldd`` would list dependencies of dependencies too, which is what pruning must not see.
    """
    with open(path, "rb") as stream:
        data = stream.read()
    if data[:4] != b"\x7fELF":
        return []
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if wide:
        (table,) = struct.unpack_from(order + "Q", data, 0x20)
        entry_size, count = struct.unpack_from(order + "HH", data, 0x36)
    else:
        (table,) = struct.unpack_from(order + "I", data, 0x1C)
        entry_size, count = struct.unpack_from(order + "HH", data, 0x2A)
    loads: list[tuple[int, int, int]] = []
    dynamic: tuple[int, int] | None = None
    for index in range(count):
        at = table + index * entry_size
        if wide:
            kind, _, offset, address, _, size = struct.unpack_from(order + "IIQQQQ", data, at)
        else:
            kind, offset, address, _, size = struct.unpack_from(order + "IIIII", data, at)
        if kind == 1:  # PT_LOAD
            loads.append((address, offset, size))
        elif kind == 2:  # PT_DYNAMIC
            dynamic = (offset, size)
    if dynamic is None:
        return []
    pair = struct.Struct(order + ("qQ" if wide else "iI"))
    needed: list[int] = []
    strings_at: int | None = None
    for at in range(dynamic[0], dynamic[0] + dynamic[1], pair.size):
        tag, value = pair.unpack_from(data, at)
        if tag == 0:  # DT_NULL
            break
        if tag == 1:  # DT_NEEDED: an offset into the string table
            needed.append(value)
        elif tag == 5:  # DT_STRTAB: the string table's address in memory
            strings_at = value
    if strings_at is None:
        return []
    # Map the string table's memory address back to its place in the file.
    for address, offset, size in loads:
        if address <= strings_at < address + size:
            base = offset + strings_at - address
            break
    else:
        return []
    names = []
    for value in needed:
        end = data.index(b"\0", base + value)
        names.append(data[base + value : end].decode("utf-8", "replace"))
    return names
