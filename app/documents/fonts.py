"""The bundled DejaVu Sans family: registered with reportlab once, on first use, and embedded.

reportlab's own fonts are Latin-1 only, so every OwnWork document is set in DejaVu Sans (Bitstream
Vera licence, in ``resources/fonts/LICENSE``), which covers Latin with all its accents, Vietnamese,
Greek and Cyrillic.  The font files are read through ``importlib.resources`` so a source tree, a
wheel and a frozen bundle behave the same.  Loading the three faces takes a few hundred
milliseconds, which is why nothing here runs at import time.

Where a face lacks a character the text is set, for that character only, in another font
(``runs``): the oblique face has no Arabic, so Arabic in italic text falls back to the regular
face; Chinese, Japanese and Korean are in no bundled face, so they are set in a system font that
has them, found through fontconfig (``fc-match``) and embedded like the others.  Where no font
has a character, the export is refused before anything is drawn (``coverage``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from importlib.resources import files

REGULAR = "OwnWorkSans"
BOLD = "OwnWorkSans-Bold"
ITALIC = "OwnWorkSans-Oblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}

# Two threads exporting at once (the GUI's worker and a print job) must not register twice.
_lock = threading.Lock()
_family: FontFamily | None = None


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str
    italic: str
    # Code points each face can draw; text outside them would print as empty boxes.  The
    # oblique face covers less than the upright ones (no Arabic, for one).
    coverage: dict[str, frozenset[int]]
    # System fonts registered for characters no bundled face has (see ``system_font_for``).
    fallbacks: list[str] = field(default_factory=list)


# Scripts no bundled face draws, looked up in the system's fonts: CJK ideographs and their
# punctuation, kana, Hangul, full-width forms.
_SYSTEM_RANGES = (
    (0x2E80, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_looked_up: dict[int, str | None] = {}


def _wanted_from_system(point: int) -> bool:
    return any(low <= point <= high for low, high in _SYSTEM_RANGES)


def _fc_match(point: int) -> tuple[str, int] | None:
    """The file and index of the font fontconfig offers for ``point``, if fontconfig is there."""
    command = shutil.which("fc-match")
    if command is None:
        return None
    try:
        found = subprocess.run(
            [command, "-f", "%{file}|%{index}", f":charset={point:x}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = found.partition("|")
    return (path, int(index or 0)) if path else None


def system_font_for(point: int) -> str | None:
    """A registered system font that draws ``point`` (CJK only), or None: fontconfig's match is
    loaded and checked, since fontconfig offers its best match even when it lacks the character."""
    if not _wanted_from_system(point):
        return None
    fonts = family()
    with _lock:
        if point in _looked_up:
            return _looked_up[point]
        for known in fonts.fallbacks:
            if point in fonts.coverage[known]:
                _looked_up[point] = known
                return known
        match = _fc_match(point)
        chosen = _register_system(fonts, *match) if match is not None else None
        if chosen is not None and point not in fonts.coverage[chosen]:
            chosen = None
        _looked_up[point] = chosen
        return chosen


def _register_system(fonts: FontFamily, path: str, index: int) -> str | None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = f"OwnWorkSystem{len(fonts.fallbacks) + 1}"
    for known in fonts.fallbacks:
        if getattr(pdfmetrics.getFont(known).face, "filename", None) == path:
            return known
    try:
        # PostScript-flavoured (CFF) fonts cannot be embedded by reportlab: refused here.
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError):
        return None
    pdfmetrics.registerFont(font)
    fonts.coverage[name] = frozenset(font.face.charToGlyph)
    fonts.fallbacks.append(name)
    return name


def font_for(point: int, font: str) -> str:
    """The font that draws ``point`` in text set in ``font``: ``font`` itself, else the regular
    face (italic lacking a script), else a system font, else ``font`` (it prints a box)."""
    fonts = family()
    if point in fonts.coverage.get(font, ()):
        return font
    if point in fonts.coverage[fonts.regular]:
        return fonts.regular
    return system_font_for(point) or font


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """``text`` as (font, text) runs, each in a font that draws it (see ``font_for``)."""
    covered = family().coverage.get(font)
    if covered is not None and all(ord(char) in covered for char in text):
        return [(font, text)]
    found: list[tuple[str, str]] = []
    for char in text:
        chosen = font_for(ord(char), font) if not char.isspace() else font
        if found and found[-1][0] == chosen:
            found[-1] = (chosen, found[-1][1] + char)
        else:
            found.append((chosen, char))
    return found


def width(text: str, font: str, size: float) -> float:
    """The printed width of ``text`` set in ``font``, fallbacks included."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(sum(stringWidth(part, name, size) for name, part in runs(text, font)))


def font_bytes(file_name: str) -> bytes:
    return files("resources").joinpath("fonts", file_name).read_bytes()


def family() -> FontFamily:
    """Register the three faces (once) and return their names and what each can draw."""
    global _family
    with _lock:
        if _family is None:
            _family = _register()
        return _family


def _register() -> FontFamily:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    coverage: dict[str, frozenset[int]] = {}
    for name, file_name in _FILES.items():
        font = TTFont(name, io.BytesIO(font_bytes(file_name)))
        pdfmetrics.registerFont(font)
        coverage[name] = frozenset(font.face.charToGlyph)
    return FontFamily(REGULAR, BOLD, ITALIC, coverage)
