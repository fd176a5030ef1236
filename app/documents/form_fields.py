"""What the centre completes on paper: ruled lines to write on, a ruled line for a wet
signature, and tick boxes that can also be ticked on screen.

There are no typed text fields.  A PDF form field draws typed text in a font named in the form
itself, and reportlab can name only the standard PDF fonts (Helvetica: Latin-1, not embedded),
which would print "Nguyễn Thị Minh Khai" without its accents and Greek or Cyrillic names not at
all.  So what the app knows is printed as text in the embedded house font, and what the centre
adds by hand is written on rules.  Tick boxes carry no text and need no font.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from app.documents.style import RULE


class WritingLines(Flowable):  # type: ignore[misc]
    """``lines`` ruled lines to write on by hand, ``LINE_HEIGHT`` apart; splits across pages."""

    LINE_HEIGHT = 20.0

    def __init__(self, width: float, *, lines: int = 1) -> None:
        super().__init__()
        self.width = width
        self.lines = lines
        self.height = self.LINE_HEIGHT * lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = min(self.width, available_width)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fit = int(available_height // self.LINE_HEIGHT)
        if fit <= 0 or fit >= self.lines:
            return []
        return [
            WritingLines(self.width, lines=fit),
            WritingLines(self.width, lines=self.lines - fit),
        ]

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        for line in range(self.lines):
            y = line * self.LINE_HEIGHT + 2
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


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
