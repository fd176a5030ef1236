"""Time the referral PDF for a long conversation against bare reportlab drawing the same text.

The long conversation has 40 questions and 20,000 characters of notes.  The baseline is what the
referral would cost with no layout engine at all: the referral's own text (taken from the PDF
once, before timing) wrapped with ``simpleSplit`` and drawn line by line with ``drawString`` in
the same embedded fonts, page after page.  Fonts are registered before either is timed, as they
are once per process in the app.  Prints a Markdown table row; the budget is at most 1.5 times
the baseline and at most 150 ms.  Both wall-clock and CPU time are shown; the verdict uses CPU
time, which other processes on a shared machine disturb far less.

Run: ``.venv/bin/python benchmarks/bench_referral_pdf.py [--runs N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from app.documents import style
from app.documents.fonts import family
from app.documents.referral_pdf import render_referral
from app.documents.samples import long_case
from app.documents.textblock import forget_widths

BUDGET_RATIO = 1.5
BUDGET_MS = 150.0


def referral_text(data: bytes) -> list[list[str]]:
    return [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(data)).pages]


def bare_reportlab(pages: list[list[str]]) -> bytes:
    """The same text, wrapped and drawn with the canvas alone: the floor for any layout."""
    fonts = family()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    height = A4[1]
    size, leading = 9.5, 13.0
    for lines in pages:
        y = height - style.TOP
        for line in lines:
            for part in simpleSplit(line, fonts.regular, size, style.FRAME_WIDTH) or [""]:
                if y < style.BOTTOM:
                    canvas.showPage()
                    y = height - style.TOP
                canvas.setFont(fonts.regular, size)
                canvas.drawString(style.LEFT, y, part)
                y -= leading
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class Timing:
    ours_ms: float  # median wall-clock milliseconds
    bare_ms: float
    ours_cpu_ms: float  # median CPU milliseconds of this process
    bare_cpu_ms: float
    ratio: float  # median of the CPU-time ratios of runs made back to back


def interleaved(ours: Callable[[], object], bare: Callable[[], object], runs: int) -> Timing:
    """Run the two turn about and compare each pair, so a busy machine slows both alike.

    CPU time of this process is far steadier than wall-clock time on a shared machine, and the
    ratio of two runs made one after the other steadier still.  The garbage collector is run
    before each timing, so neither pays for the other's garbage.
    """
    ours()  # warm caches (glyph widths, subsets), as any export after the first in the app
    bare()
    wall: tuple[list[float], list[float]] = ([], [])
    cpu: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for index, work in enumerate((ours, bare)):
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            work()
            cpu[index].append((time.process_time() - start_cpu) * 1000)
            wall[index].append((time.perf_counter() - start) * 1000)
    return Timing(
        ours_ms=statistics.median(wall[0]),
        bare_ms=statistics.median(wall[1]),
        ours_cpu_ms=statistics.median(cpu[0]),
        bare_cpu_ms=statistics.median(cpu[1]),
        ratio=statistics.median(a / b for a, b in zip(cpu[0], cpu[1], strict=True)),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    family()
    case = long_case()
    prepared_on = dt.date(2026, 11, 1)
    data = render_referral(case, prepared_on=prepared_on)
    pages = referral_text(data)

    def ours_cold() -> bytes:
        forget_widths()
        return render_referral(case, prepared_on=prepared_on)

    t = interleaved(ours_cold, lambda: bare_reportlab(pages), args.runs)
    ok = t.ratio <= BUDGET_RATIO and t.ours_cpu_ms <= BUDGET_MS
    print(
        "| document | pages | OwnWork ms (wall / CPU) | bare reportlab ms (wall / CPU) "
        "| ratio (CPU, paired) | within budget |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| referral, 40 questions, 20,000 characters of notes | {len(pages)} "
        f"| {t.ours_ms:.0f} / {t.ours_cpu_ms:.0f} | {t.bare_ms:.0f} / {t.bare_cpu_ms:.0f} "
        f"| {t.ratio:.2f} | {'yes' if ok else 'no'} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
