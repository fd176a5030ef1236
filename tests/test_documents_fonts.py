"""Every font in every document is embedded, as poppler's pdffonts reports it: no Helvetica."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.documents.kinds import DocumentKind, render
from app.documents.samples import demo_case
from tests.document_support import with_student


def pdffonts(path: Path) -> list[list[str]]:
    """Rows of ``pdffonts`` output after its two header lines, split into columns."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_pdffonts_shows_every_font_embedded(kind: DocumentKind, tmp_path: Path) -> None:
    case = with_student(demo_case(), forename="Thị Minh Khai", surname="Nguyễn")
    path = tmp_path / f"{kind.value}.pdf"
    path.write_bytes(render(case, kind))
    rows = pdffonts(path)
    assert rows
    for row in rows:
        name, embedded = row[0], row[-5]
        assert "Helvetica" not in name
        assert embedded == "yes", row
