"""The bundled DejaVu Sans family: registered with reportlab once, on first use, and embedded.

reportlab's own fonts are Latin-1 only, so every OwnWork document is set in DejaVu Sans (Bitstream
Vera licence, in ``resources/fonts/LICENSE``), which covers Latin with all its accents, Vietnamese,
Greek and Cyrillic.  The font files are read through ``importlib.resources`` so a source tree, a
wheel and a frozen bundle behave the same.  Loading the three faces takes a few hundred
milliseconds, which is why nothing here runs at import time.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
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
