"""Fillable PDF form fields that also print as lines to write on.

Each field is a platypus flowable: it draws its ruled line(s) or box on the page, then lays a
transparent AcroForm widget over them.  A blank form printed on paper shows the lines; the same
file opened in a PDF reader can be typed into.  reportlab's form widgets can only use the
standard PDF fonts, so typed text is set in Helvetica by the reader (Latin-1 only; names in other
scripts are best written by hand on the printed line).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from app.documents.style import RULE

FIELD_FONT = "Helvetica"


class TextField(Flowable):  # type: ignore[misc]
    """A named text field ``lines`` lines tall, ruled for handwriting."""

    LINE_HEIGHT = 18.0

    def __init__(self, name: str, tooltip: str, width: float, *, lines: int = 1) -> None:
        super().__init__()
        self.name = name
        self.tooltip = tooltip
        self.width = width
        self.lines = lines
        self.height = self.LINE_HEIGHT * lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = min(self.width, available_width)
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        for line in range(self.lines):
            y = line * self.LINE_HEIGHT + 2
            canvas.line(0, y, self.width, y)
        canvas.restoreState()
        canvas.acroForm.textfield(
            name=self.name,
            tooltip=self.tooltip,
            x=0,
            y=2,
            width=self.width,
            height=self.height - 2,
            relative=True,
            borderWidth=0,
            fillColor=None,
            textColor=colors.black,
            fontName=FIELD_FONT,
            fontSize=9 if self.lines > 1 else 10,
            fieldFlags="multiline" if self.lines > 1 else "",
            maxlen=4000 if self.lines > 1 else 200,
        )


class SignatureLine(Flowable):  # type: ignore[misc]
    """A ruled line for a wet signature: no form field, since a typed name is not a signature."""

    HEIGHT = 30.0

    def __init__(self, width: float) -> None:
        super().__init__()
        self.width = width
        self.height = self.HEIGHT

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = min(self.width, available_width)
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.8)
        canvas.line(0, 2, self.width, 2)
        canvas.restoreState()


class CheckField(Flowable):  # type: ignore[misc]
    """A named tick box: an empty square on paper, a check box on screen."""

    SIZE = 11.0

    def __init__(self, name: str, tooltip: str) -> None:
        super().__init__()
        self.name = name
        self.tooltip = tooltip
        self.width = self.height = self.SIZE

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.acroForm.checkbox(
            name=self.name,
            tooltip=self.tooltip,
            x=0,
            y=0,
            size=self.SIZE,
            relative=True,
            buttonStyle="check",
            borderColor=RULE,
            fillColor=colors.white,
            textColor=colors.black,
            borderWidth=0.8,
            checked=False,
        )
