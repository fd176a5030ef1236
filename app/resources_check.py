"""Start-up check that the files OwnWork was installed with are there and readable.

A bundle or installation with a missing or damaged file (a font, the interview scripts, a
database migration, the licence notices) would otherwise fail later and obscurely: an export
that cannot find its font, an upgrade that cannot find its migration.  ``check_resources``
finds such problems before any record is opened, cheaply (headers and small files only, no
parsing of scripts or fonts), and returns them as sentences for the error dialog.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable

# The faces app/documents/fonts.py embeds in every PDF (a test keeps the two lists equal).
REQUIRED_FONTS: tuple[str, ...] = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
)
FONT_LICENCE = "LICENSE"
NOTICES = "THIRD_PARTY_NOTICES.txt"
APP_ICON = "ownwork.svg"
SCRIPT_SUFFIX = ".yaml"

# TrueType and OpenType files start with one of these four-byte versions.
_SFNT_VERSIONS = {b"\x00\x01\x00\x00", b"true", b"OTTO"}
_REVISION = re.compile(r"""^revision\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", re.MULTILINE)


def check_resources(
    resources: Traversable | None = None,
    migrations: Traversable | None = None,
    known_revisions: Sequence[str] | None = None,
) -> list[str]:
    """Problems with the installed resources, one sentence each; empty when all is well.

    The arguments default to the installed ``resources`` package, the Alembic migrations and
    the revisions this build knows; tests point them at damaged copies.
    """
    if resources is None:
        resources = files("resources")
    if migrations is None:
        migrations = files("app.storage") / "migrations"
    if known_revisions is None:
        from app.storage.revisions import KNOWN_REVISIONS

        known_revisions = KNOWN_REVISIONS
    problems: list[str] = []
    problems += _check_fonts(resources / "fonts")
    problems += _check_scripts(resources / "scripts")
    problems += _check_text(resources / NOTICES, f"the licence notices file ({NOTICES})")
    problems += _check_text(resources / "icons" / APP_ICON, f"the application icon ({APP_ICON})")
    problems += _check_migrations(migrations, known_revisions)
    return problems


def _check_fonts(folder: Traversable) -> list[str]:
    if not folder.is_dir():
        return ["The folder of fonts for printed documents is missing."]
    problems = []
    for name in REQUIRED_FONTS:
        font = folder / name
        if not font.is_file():
            problems.append(f"The font {name} is missing.")
            continue
        reason = _font_damage(font)
        if reason is not None:
            problems.append(f"The font {name} is damaged ({reason}).")
    problems += _check_text(folder / FONT_LICENCE, "the font licence (fonts/LICENSE)")
    return problems


def _font_damage(font: Traversable) -> str | None:
    """Why a font file is unusable, judged from its table directory, or None if it looks whole."""
    try:
        with font.open("rb") as stream:
            head = stream.read(12)
            if len(head) < 12 or head[:4] not in _SFNT_VERSIONS:
                return "not a TrueType or OpenType file"
            (tables,) = struct.unpack(">H", head[4:6])
            directory = stream.read(16 * tables)
            size = stream.seek(0, 2)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if len(directory) < 16 * tables:
        return "cut short"
    for index in range(tables):
        offset, length = struct.unpack(">II", directory[16 * index + 8 : 16 * index + 16])
        if offset + length > size:
            return "cut short"
    return None


def _check_scripts(folder: Traversable) -> list[str]:
    if not folder.is_dir():
        return ["The folder of built-in interview scripts is missing."]
    scripts = sorted(
        (item for item in folder.iterdir() if item.name.endswith(SCRIPT_SUFFIX)),
        key=lambda item: item.name,
    )
    if not scripts:
        return ["There are no built-in interview scripts."]
    problems = []
    for script in scripts:
        problems += _check_text(script, f"the interview script {script.name}")
    return problems


def _check_text(item: Traversable, what: str) -> list[str]:
    """A text file must exist, be readable, be UTF-8 and not be empty."""
    try:
        text = item.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [f"{_capital(what)} is missing."]
    except UnicodeDecodeError:
        return [f"{_capital(what)} is damaged (not text)."]
    except OSError as error:
        return [f"{_capital(what)} cannot be read ({error.strerror or error})."]
    if not text.strip():
        return [f"{_capital(what)} is empty."]
    return []


def _check_migrations(folder: Traversable, known_revisions: Sequence[str]) -> list[str]:
    if not folder.is_dir():
        return ["The database upgrade files (migrations) are missing."]
    problems = _check_text(folder / "env.py", "the database upgrade environment (env.py)")
    versions = folder / "versions"
    found: set[str] = set()
    if versions.is_dir():
        for item in versions.iterdir():
            if not item.name.endswith(".py") or item.name.startswith("__"):
                continue
            try:
                found.update(_REVISION.findall(item.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                problems.append(f"The database upgrade file {item.name} is damaged.")
    missing = [revision for revision in known_revisions if revision not in found]
    if missing:
        problems.append(
            "The database upgrade files for revision(s) " + ", ".join(missing) + " are missing."
        )
    return problems


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
