"""Right-to-left runs put in display order, so Hebrew and Arabic read correctly on paper.

PDF text is drawn left to right, glyph after glyph.  A run of right-to-left letters typed in
logical order would therefore appear back to front.  ``visual_order`` reverses each such run
within a line (after line breaking, as the Unicode bidi algorithm does), keeping numbers inside it
in their own order, keeping combining marks on their letters, and mirroring brackets.  Text
extractors (pdftotext, pypdf) undo exactly this, so copied text comes back in typed order.

This is a simplified version of the Unicode bidi algorithm for left-to-right documents; there is
no explicit embedding.  Arabic words are shaped with HarfBuzz (``uharfbuzz``) against the bundled
font: each word becomes the joined letter forms (initial, medial, final, ligatures) that the font
draws, written as Unicode presentation forms in display order, so letters join on paper.  What a
text extractor reads is given separately (``extraction_order``, printed as ActualText).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic, and their presentation forms: a quick
# test that lets almost every line skip the slower per-character work.
_MAYBE_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_STRONG_RTL = frozenset({"R", "AL"})
_NUMBER = frozenset({"EN", "AN"})
_NUMBER_SEPARATORS = frozenset({"ES", "CS", "ET"})
_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


# Letters of the Arabic script that join: shaped a word at a time.
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+")


@cache
def _shaper() -> tuple[object, dict[int, int]]:
    """The HarfBuzz font for the regular face, and glyph id -> the code point that draws it
    (the lowest, so a base letter wins over its isolated presentation form)."""
    import uharfbuzz as hb

    from app.documents.fonts import REGULAR, family, font_bytes

    font = hb.Font(hb.Face(hb.Blob(font_bytes("DejaVuSans.ttf"))))
    glyphs: dict[int, int] = {}
    for point in sorted(family().coverage[REGULAR]):
        glyph = font.get_nominal_glyph(point)
        if glyph:
            glyphs.setdefault(glyph, point)
    return font, glyphs


@cache
def shape_arabic(word: str) -> str:
    """An Arabic word in display order as the joined forms the font draws; the word reversed
    (unjoined) if some glyph has no code point of its own to stand for it."""
    import uharfbuzz as hb

    font, glyphs = _shaper()
    buffer = hb.Buffer()
    buffer.add_str(word)
    buffer.direction = "rtl"
    buffer.script = "Arab"
    hb.shape(font, buffer, {})
    points = [glyphs.get(info.codepoint) for info in buffer.glyph_infos]
    if any(point is None for point in points):
        return word[::-1]
    return "".join(chr(point) for point in points if point is not None)


def _clusters(text: str) -> list[str]:
    """Characters with their combining marks attached."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _kind(cluster: str) -> str:
    kind = unicodedata.bidirectional(cluster[0])
    if kind in _STRONG_RTL:
        return "R"
    if kind in _NUMBER:
        return "D"
    if kind == "L":
        return "L"
    return "N"


def _reverse_run(clusters: list[str], kinds: list[str]) -> list[str]:
    """A right-to-left run in display order: numbers keep their digits' order."""
    pieces: list[list[str]] = []
    i = 0
    while i < len(clusters):
        if kinds[i] == "D":
            j = i + 1
            # 3.14 or 1,000 stay whole: a separator between two digits belongs to the number.
            while j < len(clusters) and (
                kinds[j] == "D"
                or (
                    unicodedata.bidirectional(clusters[j][0]) in _NUMBER_SEPARATORS
                    and j + 1 < len(clusters)
                    and kinds[j + 1] == "D"
                )
            ):
                j += 1
            pieces.append(clusters[i:j])
            i = j
        else:
            pieces.append([clusters[i].translate(_MIRROR)])
            i += 1
    return [cluster for piece in reversed(pieces) for cluster in piece]


def _arabic_clusters(line: str) -> list[str]:
    """Clusters, with each Arabic word shaped into one cluster already in display order."""
    clusters: list[str] = []
    at = 0
    for match in _ARABIC.finditer(line):
        clusters += _clusters(line[at : match.start()])
        clusters.append(shape_arabic(match.group()))
        at = match.end()
    return clusters + _clusters(line[at:])


def visual_order(line: str) -> str:
    """``line`` (one printed line of a left-to-right document) with right-to-left runs reversed
    and Arabic words shaped."""
    return _ordered(line, shape=True)


def extraction_order(line: str) -> str:
    """What a text extractor is given for a line (the PDF's ActualText): its letters as typed,
    in display order, each right-to-left run followed by a left-to-right mark.  Poppler reads
    display order back into typed order; without the mark it pulled a closing bracket after the
    run into it, so "Ahmed Al-Farsi (أحمد الفارسي)" came back as "Ahmed Al-Farsi ()أحمد الفارسي"."""
    return _ordered(line, shape=False, mark="\u200e")


def _ordered(line: str, *, shape: bool, mark: str = "") -> str:
    if not _MAYBE_RTL.search(line):
        return line
    clusters = _arabic_clusters(line) if shape and _ARABIC.search(line) else _clusters(line)
    kinds = [_kind(c) for c in clusters]
    out: list[str] = []
    i = 0
    while i < len(clusters):
        if kinds[i] != "R":
            out.append(clusters[i])
            i += 1
            continue
        # The run reaches the last right-to-left letter before the next left-to-right one, and
        # takes in numbers that follow it; neutral characters at its edges stay outside.
        end = i
        j = i + 1
        while j < len(clusters) and kinds[j] != "L":
            if kinds[j] in ("R", "D"):
                end = j
            j += 1
        out += _reverse_run(clusters[i : end + 1], kinds[i : end + 1])
        if mark:
            out.append(mark)
        i = end + 1
    return "".join(out)
