"""A platypus flowable for long plain text: a label line, then the text, split across pages.

The record's free text (answers, observations, excerpts, notes) is plain, typed text with no
markup.  ``Paragraph`` would parse it as XML and run its general line breaker over it, which for
a long conversation costs several times what drawing the text does.  ``TextBlock`` breaks lines
greedily with the font's widths, keeps the writer's line breaks and indentation (code excerpts),
breaks words too long for a line, and splits between lines at a page end like a paragraph.
Right-to-left runs are put in display order line by line (``bidi.visual_order``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable

from app.documents import fonts
from app.documents.bidi import extraction_order, visual_order


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    color: Color
    indent: float = 0.0  # of the text under the label
    space_before: float = 0.0
    space_after: float = 0.0
    label_font: str = ""
    label_size: float = 8.5
    label_leading: float = 11.0
    label_color: Color | None = None
    bar: Color | None = None  # a rule down the left of the text, as for a quotation
    keep_with_next: bool = False


def _break_word(word: str, width: float, font: str, size: float) -> list[str]:
    """A word wider than the line, cut into pieces that fit (URLs, long identifiers)."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and fonts.width(current + char, font, size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


# Word widths by (font, size): typed notes repeat the same words, and measuring them is most of
# the cost of breaking lines.  Cleared when large, so it cannot grow without bound.
_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}
_WIDTHS_LIMIT = 100_000


def forget_widths() -> None:
    """Empty the word-width cache (the benchmark does, so each run measures every word)."""
    _WIDTHS.clear()


def _width_table(font: str, size: float) -> dict[str, float]:
    if sum(len(t) for t in _WIDTHS.values()) > _WIDTHS_LIMIT:
        _WIDTHS.clear()
    return _WIDTHS.setdefault((font, size), {})


def wrap_lines(text: str, width: float, font: str, size: float) -> list[tuple[float, str]]:
    """Greedy line breaking; each line is (indent, text).  Leading spaces become an indent.

    Lines break at spaces only (a no-break space holds its words together); runs of spaces
    inside a line shrink to one.
    """
    face = getFont(font)
    widths = _width_table(font, size)
    space = face.stringWidth(" ", size)
    lines: list[tuple[float, str]] = []
    for source in text.replace("\t", "    ").split("\n"):
        stripped = source.lstrip(" ")
        indent = min(space * (len(source) - len(stripped)), width / 2)
        room = width - indent
        words = [word for word in stripped.split(" ") if word]
        if not words:
            lines.append((0.0, ""))
            continue
        current: list[str] = []
        used = 0.0
        for word in words:
            word_width = widths.get(word)
            if word_width is None:
                # ASCII is in every face: the fallback check is for the rest.
                word_width = widths[word] = (
                    face.stringWidth(word, size)
                    if word.isascii()
                    else fonts.width(word, font, size)
                )
            if word_width > room:
                if current:
                    lines.append((indent, " ".join(current)))
                    current, used = [], 0.0
                *whole, last = _break_word(word, room, font, size)
                lines.extend((indent, piece) for piece in whole)
                current, used = [last], fonts.width(last, font, size)
                continue
            needed = word_width if not current else used + space + word_width
            if current and needed > room:
                lines.append((indent, " ".join(current)))
                current, used = [word], word_width
            else:
                current.append(word)
                used = needed
        lines.append((indent, " ".join(current)))
    return lines


@dataclass(frozen=True)
class Segment:
    """One labelled run of text within a block, e.g. "The student's words" and what they said."""

    text: str
    style: TextStyle
    label: str = ""


@dataclass(frozen=True)
class _Row:
    """One line as laid out: a label line, a text line, or the space between two segments."""

    height: float
    style: TextStyle
    segment: int
    text: str = ""
    x: float = 0.0
    is_label: bool = False
    is_space: bool = False
    typed: str = ""  # the line as typed, when display order or shaping changed it


def _rows(segments: Sequence[Segment], width: float) -> list[_Row]:
    rows: list[_Row] = []
    previous: TextStyle | None = None
    for n, segment in enumerate(segments):
        s = segment.style
        if previous is not None:
            rows.append(_Row(max(previous.space_after, s.space_before), s, n, is_space=True))
        if segment.label:
            font = s.label_font or s.font
            for _indent, line in wrap_lines(segment.label, width, font, s.label_size):
                shown = visual_order(line)
                typed = extraction_order(line) if shown != line else ""
                rows.append(_Row(s.label_leading, s, n, shown, is_label=True, typed=typed))
            if not segment.text:
                # A caption alone, e.g. above a table.
                previous = s
                continue
            rows.append(_Row(3.0, s, n, is_space=True))
        for indent, line in wrap_lines(segment.text, width - s.indent, s.font, s.size):
            shown = visual_order(line)
            typed = extraction_order(line) if shown != line else ""
            rows.append(_Row(s.leading, s, n, shown, x=s.indent + indent, typed=typed))
        previous = s
    return rows


class TextBlock(Flowable):  # type: ignore[misc]
    """Labelled segments of plain text that flow as one, splitting between lines at page ends.

    A split never strands the opening segments that are ``keep_with_next`` (a question and its
    rating) without at least two lines of what follows, and never leaves a single line on either
    side of a page break when the text allows otherwise.
    """

    def __init__(self, segments: Sequence[Segment]) -> None:
        super().__init__()
        self.segments = tuple(segments)
        self._width = -1.0
        self._rows: list[_Row] = []

    @classmethod
    def of(cls, text: str, style: TextStyle, *, label: str = "") -> TextBlock:
        return cls([Segment(text, style, label)])

    def _layout(self, width: float) -> list[_Row]:
        if width != self._width:
            self._rows = _rows(self.segments, width)
            self._width = width
        return self._rows

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = sum(row.height for row in self._layout(available_width))
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.segments[0].style.space_before if self.segments else 0.0

    def getSpaceAfter(self) -> float:
        return self.segments[-1].style.space_after if self.segments else 0.0

    def _first_break(self, rows: list[_Row]) -> int:
        """The fewest rows the first part of a split may hold: the opening ``keep_with_next``
        segments and two text lines of the segment after them."""
        kept = 0
        while kept < len(self.segments) and self.segments[kept].style.keep_with_next:
            kept += 1
        seen = 0
        for index, row in enumerate(rows):
            if row.segment >= kept and not (row.is_label or row.is_space):
                seen += 1
                if seen == 2:
                    return index + 1
        return len(rows)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        rows = self._layout(available_width)
        used, fit = 0.0, 0
        for row in rows:
            if used + row.height > available_height:
                break
            used += row.height
            fit += 1
        fit = _good_break(rows, fit)
        if fit < self._first_break(rows) or fit >= len(rows):
            return []
        while fit < len(rows) and rows[fit].is_space:
            fit += 1
        first, rest = rows[:fit], rows[fit:]
        while first and first[-1].is_space:
            first.pop()
        return [_Part(self.segments[:1], first, after=0.0), _Part(self.segments[-1:], rest)]

    def draw(self) -> None:
        _draw(self.canv, self._layout(self.width), self.height)


def _is_text(row: _Row) -> bool:
    return not (row.is_label or row.is_space)


def _good_break(rows: list[_Row], fit: int) -> int:
    """Move a break at ``fit`` earlier until no label ends a page and no segment leaves a single
    line on either side of the break (where it has more than one)."""
    while fit > 0:
        before = rows[fit - 1]
        if not _is_text(before):
            fit -= 1
            continue
        same_before = (
            fit >= 2 and _is_text(rows[fit - 2]) and rows[fit - 2].segment == before.segment
        )
        after = rows[fit] if fit < len(rows) else None
        continues = after is not None and _is_text(after) and after.segment == before.segment
        if continues and not same_before:
            fit -= 1  # a lone first line
            continue
        if continues:
            last = fit + 1 >= len(rows) or rows[fit + 1].segment != before.segment
            if last:
                fit -= 1  # a lone last line
                continue
        return fit
    return fit


class _Part(TextBlock):
    """A piece of a split ``TextBlock``: its rows are already laid out."""

    def __init__(
        self, segments: Sequence[Segment], rows: list[_Row], *, after: float | None = None
    ) -> None:
        super().__init__(segments)
        self._rows = rows
        self._after = after

    def _layout(self, width: float) -> list[_Row]:
        return self._rows

    def getSpaceBefore(self) -> float:
        return 0.0 if self._after is None else super().getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return super().getSpaceAfter() if self._after is None else self._after


def actual_text(typed: str) -> str:
    """A marked-content operator giving the line as typed, for text extractors: a line put in
    display order (right-to-left runs) or shaped (Arabic) is then copied out as it was typed."""
    utf16 = "FEFF" + typed.encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{utf16}>>> BDC"


def emit_line(
    text: Any,
    line: str,
    font: str,
    size: float,
    leading: float,
    *,
    typed: str = "",
    newline: bool = False,
) -> None:
    """Draw ``line`` in a text object at its current position, each character in a font that has
    it (``fonts.runs``: italic falls back to regular, CJK to a system font); ``newline`` then
    moves to the next line, as ``textLine`` does."""
    if typed:
        text._code.append(actual_text(typed))
    parts = [(font, line)] if line.isascii() else fonts.runs(line, font)
    if len(parts) == 1:
        (text.textLine if newline else text.textOut)(line)
    else:
        for name, part in parts:
            text.setFont(name, size, leading)
            text.textOut(part)
        text.setFont(font, size, leading)
        if newline:
            text.textLine("")
    if typed:
        text._code.append("EMC")


def _draw(canvas: Any, rows: list[_Row], height: float) -> None:
    """All the block's text in one PDF text object.  Consecutive lines in the same look move down
    by the leading (``T*``) instead of being placed one by one, which keeps the output small."""
    text = canvas.beginText()
    current: tuple[str, float, float, Color | None] | None = None
    bars: list[tuple[float, float, float, Color]] = []
    pending: _Row | None = None  # the previous line, drawn once we know how the next one goes
    last_x = last_baseline = 0.0
    y = height

    def flush(newline: bool) -> None:
        assert pending is not None and current is not None
        emit_line(
            text,
            pending.text,
            current[0],
            current[1],
            current[2],
            typed=pending.typed,
            newline=newline,
        )

    for row in rows:
        top = y
        y -= row.height
        if row.is_space:
            continue
        s = row.style
        if row.is_label:
            look = (s.label_font or s.font, s.label_size, s.label_leading, s.label_color or s.color)
        else:
            look = (s.font, s.size, s.leading, s.color)
            if s.bar is not None:
                bars.append((s.indent - 6, top, y, s.bar))
        # The baseline sits a little below the middle of the line's height.
        baseline = y + (row.height - look[1]) / 2 + look[1] * 0.22
        follows = (
            pending is not None
            and look == current
            and row.x == last_x
            and abs(last_baseline - look[2] - baseline) < 0.01
        )
        if follows:
            flush(newline=True)
        else:
            if pending is not None:
                flush(newline=False)
            if look != current:
                text.setFont(look[0], look[1], look[2])
                text.setFillColor(look[3])
                current = look
            text.setTextOrigin(row.x, baseline)
        pending, last_x, last_baseline = row, row.x, baseline
    if pending is not None:
        flush(newline=False)
    canvas.drawText(text)
    for x, top, bottom, color in bars:
        canvas.setStrokeColor(color)
        canvas.setLineWidth(1.5)
        canvas.line(x, top, x, bottom)
