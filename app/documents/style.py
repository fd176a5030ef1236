"""OwnWork's house style for printed documents, shared by the record, the student's copy and the
referral: A4, DejaVu Sans, black on white with grey rules and fills (it must read the same on a
greyscale printer), the record's state and a running header at the top of every page, and a
footer with the record id, the integrity code, the audit chain's anchor and "Page x of y".

"Page x of y" is done in one layout pass: each footer refers to a PDF form object holding the
total, and the canvas defines that form when the document is saved, once the total is known.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from app.documents import fonts
from app.documents.bidi import extraction_order, visual_order
from app.documents.fonts import FontFamily, family
from app.documents.textblock import TextBlock, TextStyle, emit_line, wrap_lines
from app.domain.canonical import grouped
from app.version import __version__

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = RIGHT = 18 * mm
TOP = 22 * mm
BOTTOM = 24 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT

INK = colors.black
MUTED = colors.Color(0.3, 0.3, 0.3)
RULE = colors.Color(0.55, 0.55, 0.55)
FILL = colors.Color(0.9, 0.9, 0.9)

_TOTAL_PAGES_FORM = "ownworkTotalPages"
_FURNITURE_FORM = "ownworkPageFurniture"


@dataclass(frozen=True)
class Styles:
    """Every text in the documents is set in one of these (see ``TextBlock``)."""

    title: TextStyle
    subtitle: TextStyle
    heading: TextStyle
    text: TextStyle
    italic: TextStyle
    small: TextStyle
    question: TextStyle
    rating: TextStyle
    student_words: TextStyle
    observations: TextStyle
    excerpt: TextStyle
    fonts: FontFamily


_styles: Styles | None = None

BODY_SIZE = 9.5
BODY_LEADING = 13.0


def styles() -> Styles:
    """The text styles, built once the fonts are registered."""
    global _styles
    if _styles is None:
        f = family()
        plain = TextStyle(
            font=f.regular,
            size=BODY_SIZE,
            leading=BODY_LEADING,
            color=INK,
            space_after=6,
            label_font=f.bold,
            label_color=MUTED,
        )
        _styles = Styles(
            title=replace(plain, font=f.bold, size=16, leading=20, space_after=2),
            subtitle=replace(plain, size=9, leading=12, color=MUTED, space_after=8),
            heading=replace(
                plain,
                font=f.bold,
                size=12,
                leading=15,
                space_before=10,
                space_after=5,
                keep_with_next=True,
            ),
            text=plain,
            italic=replace(plain, font=f.italic),
            small=replace(plain, size=8, leading=10.5, color=MUTED, space_after=4),
            question=replace(
                plain, font=f.bold, size=10, space_before=9, space_after=1, keep_with_next=True
            ),
            rating=replace(plain, font=f.bold, space_after=3, keep_with_next=True),
            # The student's own words are in italics within quotation marks, so they stand apart
            # from the teacher's observations without relying on colour.
            student_words=replace(plain, font=f.italic, indent=12, space_after=4),
            observations=replace(plain, indent=12, space_after=4),
            excerpt=replace(plain, size=9, leading=12, indent=12, bar=RULE, space_after=8),
            fonts=f,
        )
    return _styles


def block(value: str, style: TextStyle) -> TextBlock:
    """Plain text in one style, e.g. a title or a note."""
    return TextBlock.of(value, style)


def field(
    label: str, text: str, *, empty: str = "None recorded.", style: TextStyle | None = None
) -> list[Flowable]:
    """A labelled block of free text, which may run over pages."""
    s = styles()
    if text.strip():
        return [TextBlock.of(text, style or s.text, label=label)]
    return [TextBlock.of(empty, replace(style or s.text, font=s.fonts.italic), label=label)]


def caption_block(text: str) -> TextBlock:
    """A label alone, over a table or a form field."""
    return TextBlock.of("", replace(styles().text, space_after=2), label=text)


def caption(text: str) -> list[Flowable]:
    """A caption that may part from a long table, but never stands alone at a page's foot."""
    return [CondPageBreak(30 * mm), caption_block(text)]


def heading(title: str) -> list[Flowable]:
    # Never leave a heading alone at the foot of a page.
    return [CondPageBreak(30 * mm), TextBlock.of(title, styles().heading)]


Cell: TypeAlias = str | Flowable
_PAD = 5.0


def table(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    header: bool = False,
    label_column: bool = False,
    bold_columns: Sequence[int] = (),
    lines: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table in the house style.  Text cells are broken into lines here, with the same line
    breaker as ``TextBlock``: plain strings are far cheaper for reportlab to lay out than a
    ``Paragraph`` in every cell.  Flowable cells (form fields) are placed as they are."""
    s = styles()
    f = s.fonts
    bold = set(bold_columns) | ({0} if label_column else set())
    data: list[list[Cell]] = []
    typed: dict[str, str] = {}
    for r, row in enumerate(rows):
        cells: list[Cell] = []
        for c, value in enumerate(row):
            if isinstance(value, str):
                font = f.bold if (header and r == 0) or c in bold else f.regular
                shown = []
                for _indent, text in wrap_lines(value, widths[c] - 2 * _PAD, font, BODY_SIZE):
                    line = visual_order(text)
                    if line != text:
                        typed[line] = extraction_order(text)
                    shown.append(line)
                value = "\n".join(shown)
            cells.append(value)
        data.append(cells)
    result = _HouseTable(
        data,
        colWidths=list(widths),
        hAlign="LEFT",
        repeatRows=1 if header else 0,
        cellStyles=_cell_styles(len(data), len(widths)),
    )
    commands = grid_style(label_column=label_column, header_row=header, lines=lines)
    for column in sorted(bold):
        commands.add("FONTNAME", (column, 0), (column, -1), f.bold)
    for command in extra:
        commands.add(*command)
    result.setStyle(commands)
    result.typed = typed
    return result


def details_table(rows: Sequence[tuple[str, str]], label_width: float = 48 * mm) -> Table:
    """Short labelled facts in two columns: label on a grey ground, value beside it."""
    data = [(label, value or "—") for label, value in rows]
    return table(data, [label_width, FRAME_WIDTH - label_width], label_column=True)


def details_grid(left: Sequence[tuple[str, str]], right: Sequence[tuple[str, str]]) -> Table:
    """Two sets of labelled facts side by side, to keep the first page short."""
    label_width = 33 * mm
    value_width = FRAME_WIDTH / 2 - label_width
    data: list[list[Cell]] = []
    commands: list[tuple[Any, ...]] = []
    for row in range(max(len(left), len(right))):
        cells: list[Cell] = []
        for column, side in enumerate((left, right)):
            if row < len(side):
                label, value = side[row]
                cells += [label, value or "—"]
                first, second = (2 * column, row), (2 * column + 1, row)
                commands.append(("BACKGROUND", first, first, FILL))
                commands.append(("BOX", first, second, 0.5, RULE))
                commands.append(("LINEAFTER", first, first, 0.5, RULE))
            else:
                cells += ["", ""]
        data.append(cells)
    widths = [label_width, value_width] * 2
    return table(data, widths, bold_columns=(0, 2), lines=False, extra=commands)


class _HouseCell(CellStyle):  # type: ignore[misc]
    """The house cell style as class defaults: reportlab applies each table-wide style command
    cell by cell in Python, which for the many small tables of a referral adds up."""

    fontname = fonts.REGULAR
    fontsize = BODY_SIZE
    leading = BODY_LEADING
    valign = "TOP"
    topPadding = 3
    bottomPadding = 4
    leftPadding = _PAD
    rightPadding = _PAD


class _HouseTable(Table):  # type: ignore[misc]
    typed: dict[str, str] = {}  # noqa: RUF012 - each table sets its own: display line -> typed

    """A table whose text cells are all drawn in one PDF text object.

    reportlab draws each line of each text cell as a separate text object between a save and a
    restore of the graphics state; for the many small tables of a referral that was a third of
    the drawing time.  Only the house case (left-aligned, top-aligned strings) is batched.
    """

    def draw(self) -> None:
        self._batch = self.canv.beginText()
        self._batch_font: tuple[str, float, float] | None = None
        self._batch.setFillColor(INK)
        super().draw()
        self.canv.drawText(self._batch)

    def _drawCell(
        self, value: Any, cell: Any, pos: tuple[float, float], size: tuple[float, float]
    ) -> None:
        if not isinstance(value, str) or cell.alignment != "LEFT" or cell.valign != "TOP":
            super()._drawCell(value, cell, pos, size)
            return
        font = (cell.fontname, cell.fontsize, cell.leading)
        if font != self._batch_font:
            self._batch.setFont(*font)
            self._batch_font = font
        x = pos[0] + cell.leftPadding
        y = pos[1] + size[1] - cell.topPadding - cell.fontsize
        for line in value.split("\n"):
            self._batch.setTextOrigin(x, y)
            emit_line(self._batch, line, *font, typed=self.typed.get(line, ""))
            y -= cell.leading


def _cell_styles(rows: int, columns: int) -> list[list[CellStyle]]:
    return [[_HouseCell("") for _ in range(columns)] for _ in range(rows)]


def grid_style(
    *, label_column: bool = False, header_row: bool = False, lines: bool = True
) -> TableStyle:
    commands: list[tuple[Any, ...]] = []
    if lines:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, RULE))
    if label_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), FILL))
    if header_row:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), FILL))
        commands.append(("FONTNAME", (0, 0), (-1, 0), fonts.BOLD))
    return TableStyle(commands)


def gap(height: float = 4) -> Spacer:
    return Spacer(1, height)


@dataclass(frozen=True)
class DocumentInfo:
    title: str  # in the PDF's metadata and the running header
    record_id: int
    integrity_code: str
    header_right: str = ""  # e.g. the centre's name and number
    running_title: str = ""  # a shorter title for the page header, if the title is long
    subject: str = ""
    state: str = ""  # where the record stands, printed at the top of every page
    anchor: str = ""  # the audit chain's anchor when the document was made (``.short``)
    code_label: str = "integrity code (SHA-256 of the record's content)"


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut short with an ellipsis so that it fits ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Canvas(Canvas):  # type: ignore[misc]
    """Defines the "total pages" form when the document is saved, once the total is known."""

    def save(self) -> None:
        if self._code:
            self.showPage()
        total = self.getPageNumber() - 1
        s = styles()
        self.beginForm(_TOTAL_PAGES_FORM, lowerx=-2, lowery=-4, upperx=60, uppery=12)
        self.setFont(s.fonts.regular, 7.5)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(total))
        self.endForm()
        super().save()


def _furniture(canvas: Canvas, info: DocumentInfo) -> None:
    """What every page repeats: the running header, the rules, the record id and its code."""
    f = styles().fonts
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    top = PAGE_HEIGHT - TOP + 8 * mm
    if info.state:
        # Above the running header, in bold ink: a draft must never pass for a final copy.
        canvas.setFillColor(INK)
        canvas.setFont(f.bold, 9)
        canvas.drawString(LEFT, top + 5.5 * mm, fit_text(info.state, f.bold, 9, FRAME_WIDTH))
    canvas.setFillColor(MUTED)
    title = info.running_title or info.title
    canvas.setFont(f.bold, 8)
    canvas.drawString(LEFT, top, title)
    room = FRAME_WIDTH - stringWidth(title, f.bold, 8) - 6 * mm
    canvas.setFont(f.regular, 8)
    right = visual_order(fit_text(info.header_right, f.regular, 8, room))
    canvas.drawRightString(PAGE_WIDTH - RIGHT, top, right)
    canvas.line(LEFT, top - 2.5 * mm, PAGE_WIDTH - RIGHT, top - 2.5 * mm)
    base = BOTTOM - 12 * mm
    canvas.line(LEFT, base + 8 * mm, PAGE_WIDTH - RIGHT, base + 8 * mm)
    canvas.setFont(f.regular, 7.5)
    canvas.drawString(
        LEFT,
        base + 4 * mm,
        f"OwnWork record {info.record_id} · {info.code_label}:",
    )
    canvas.setFont(f.bold, 7.5)
    canvas.drawString(LEFT, base, grouped(info.integrity_code))
    if info.anchor:
        canvas.setFont(f.regular, 7.5)
        canvas.drawRightString(PAGE_WIDTH - RIGHT, base, info.anchor)


def _decorate(canvas: Canvas, doc: BaseDocTemplate, info: DocumentInfo) -> None:
    # The repeated parts are drawn once into a form and placed on every page.
    if not getattr(canvas, "_ownwork_furniture", False):
        canvas.beginForm(_FURNITURE_FORM)
        _furniture(canvas, info)
        canvas.endForm()
        canvas._ownwork_furniture = True
    f = styles().fonts
    canvas.saveState()
    canvas.doForm(_FURNITURE_FORM)
    canvas.setFillColor(MUTED)
    canvas.setFont(f.regular, 7.5)
    base = BOTTOM - 12 * mm + 4 * mm
    right = PAGE_WIDTH - RIGHT - stringWidth("999", f.regular, 7.5)
    canvas.drawRightString(right - 2, base, f"Page {doc.page} of")
    canvas.translate(right + 1, base)
    canvas.doForm(_TOTAL_PAGES_FORM)
    canvas.restoreState()


def build_pdf(story: list[Flowable], info: DocumentInfo) -> bytes:
    """Lay out ``story`` on A4 pages in the house style and return the PDF's bytes."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=info.title,
        author=f"OwnWork {__version__}",
        subject=info.subject or info.title,
        creator=f"OwnWork {__version__}",
        lang="en-GB",
        # Otherwise every page names Helvetica, a font that is neither used nor embedded.
        initialFontName=styles().fonts.regular,
        initialFontSize=9.5,
    )
    frame = Frame(LEFT, BOTTOM, FRAME_WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id="body")
    doc.addPageTemplates(
        [PageTemplate(id="page", frames=[frame], onPage=lambda c, d: _decorate(c, d, info))]
    )
    doc.build(story, canvasmaker=_Canvas)
    return buffer.getvalue()
