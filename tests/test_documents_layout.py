"""Nothing runs off the page: every word of every page lies inside the margins.

Uses poppler's ``pdftotext -bbox`` (the same tool used to look at the pages); skipped where
poppler-utils is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.documents.kinds import DocumentKind, render
from app.documents.samples import demo_case, long_case
from app.documents.style import LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT
from tests.document_support import with_preparation, with_submission

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

_WORD = re.compile(
    r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def words_outside_margins(path: Path) -> list[tuple[str, float, float]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    outside = []
    for match in _WORD.finditer(out):
        x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
        if x0 < LEFT - 1 or x1 > PAGE_WIDTH - RIGHT + 1 or y0 < 15 or y1 > PAGE_HEIGHT - 15:
            outside.append((match.group(5), x0, x1))
    return outside


def awkward_case() -> object:
    """Long unbroken words and long values where a table cell has little room."""
    case = with_submission(
        long_case(),
        title="A very long title " * 12 + "https://example.org/" + "x" * 150,
        component_code="COMPONENT-" + "9" * 60,
    )
    return with_preparation(case, concern_summary="y" * 600)


@pytest.mark.parametrize("kind", list(DocumentKind))
@pytest.mark.parametrize("make", [demo_case, long_case, awkward_case])
def test_every_word_inside_the_margins(tmp_path: Path, kind: DocumentKind, make: object) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(render(make(), kind))  # type: ignore[operator]
    assert words_outside_margins(path) == []
