"""Helpers for the document tests: reading PDFs back and building case files."""

from __future__ import annotations

import dataclasses
import io
import re
from typing import Any

from pypdf import PdfReader

from app.domain.interview import CaseFile, Outcome, Preparation


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All pages' text with every run of whitespace made one space."""
    text = " ".join(page.extract_text() for page in reader(data).pages)
    return re.sub(r"\s+", " ", text)


def flat(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Base font name -> whether its program is embedded (a /FontFile2 in its descriptor)."""
    found: dict[str, bool] = {}

    def visit(resources: Any) -> None:
        fonts = resources.get("/Font") if resources else None
        if fonts:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                descriptor = font.get("/FontDescriptor")
                embedded = bool(descriptor and "/FontFile2" in descriptor.get_object())
                found[str(font["/BaseFont"])] = embedded
        xobjects = resources.get("/XObject") if resources else None
        if xobjects:
            for ref in xobjects.get_object().values():
                xobject = ref.get_object()
                if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                    visit(xobject["/Resources"].get_object())

    for page in reader(data).pages:
        visit(page.get("/Resources").get_object())
    return found


def with_student(case: CaseFile, **changes: Any) -> CaseFile:
    return dataclasses.replace(case, student=dataclasses.replace(case.student, **changes))


def with_content(case: CaseFile, **changes: Any) -> CaseFile:
    return dataclasses.replace(case, content=dataclasses.replace(case.content, **changes))


def with_preparation(case: CaseFile, **changes: Any) -> CaseFile:
    prep: Preparation = dataclasses.replace(case.content.preparation, **changes)
    return with_content(case, preparation=prep)


def with_outcome(case: CaseFile, **changes: Any) -> CaseFile:
    outcome: Outcome = dataclasses.replace(case.content.outcome, **changes)
    return with_content(case, outcome=outcome)


def with_submission(case: CaseFile, **changes: Any) -> CaseFile:
    return dataclasses.replace(case, submission=dataclasses.replace(case.submission, **changes))
