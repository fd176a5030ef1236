"""The conversation record and the student's copy: every field printed, fonts embedded."""

from __future__ import annotations

import re

import pytest

from app.documents.record_pdf import RECORD_TITLE, STUDENT_COPY_TITLE, render_record
from app.documents.samples import demo_case, long_case
from app.documents.state import STUDENT_HIDDEN_PATHS
from app.documents.wording import CONCLUSION_LABELS, RATING_LABELS, ROUTE_LABELS, long_date
from app.domain import indicators, rights
from app.domain.canonical import grouped, integrity_code, visible_code
from app.domain.interview import Route
from app.version import __version__
from tests.document_support import (
    embedded_fonts,
    flat,
    pdf_text,
    reader,
    with_content,
    with_preparation,
)


@pytest.fixture(scope="module")
def record() -> bytes:
    return render_record(demo_case())


@pytest.fixture(scope="module")
def student_copy() -> bytes:
    return render_record(demo_case(), student_copy=True)


def test_record_prints_every_field_label_and_value(record: bytes) -> None:
    case = demo_case()
    content = case.content
    prep = content.preparation
    text = pdf_text(record)
    expected = {
        "Centre": "Ysgol Glan y Môr High School (68123)",
        "Student": "Thị Mai Nguyễn",
        "Candidate number": "0423",
        "Awarding body": "AQA",
        "Qualification": "GCSE History",
        "Component code": "8145/NEA",
        "Title of the work": "Castles of the Welsh Marches",
        "Exam series": "June 2027",
        "Declaration signed": "Yes, on Thursday 1 October 2026",
        "Date": long_date(content.started_at),
        "Length": "17 minutes",
        "Led by": "Ms Okafor",
        "Second member of staff": "Mr Łukasz Nowak",
        "Others present": "Mrs Ødegård (learning support)",
        "The concern": prep.concern_summary,
        "Access arrangements and adjustments": prep.access_arrangements,
        "Wellbeing": prep.wellbeing_note,
        "Staff-only note": prep.staff_only_note,
        "Conclusion": CONCLUSION_LABELS[content.outcome.conclusion],  # type: ignore[index]
        "What follows": ROUTE_LABELS[Route.REFERRAL],
        "The student's account": content.outcome.student_account,
        "Next step": content.outcome.next_step,
    }
    for label, value in expected.items():
        assert label in text, label
        assert flat(value) in text, (label, value)
    assert f"Time {content.started_at.astimezone():%H:%M}" in text  # type: ignore[union-attr]
    for seen in prep.indicators:
        assert indicators.label(seen.code) in text
        assert seen.note in text
    for item in rights.RIGHTS:
        assert item.label in text
    for number, excerpt in enumerate(prep.excerpts, start=1):
        assert f"Excerpt {number}: {excerpt.location}" in text
        assert flat(excerpt.text) in text


def test_each_question_has_its_rating_and_the_words_kept_apart(record: bytes) -> None:
    text = pdf_text(record)
    for number, answer in enumerate(demo_case().content.answers, start=1):
        assert f"Question {number} · {answer.section_title}" in text
        assert flat(answer.question_text) in text
        assert f"Rating: {RATING_LABELS[answer.rating]}" in text  # type: ignore[index]
        # The student's words are quoted under their own label; observations under theirs.
        assert f"The student's words “{flat(answer.student_words)}”" in text
        assert f"The teacher's observations {flat(answer.observations)}" in text
    assert "about excerpt 1 (page 3, third paragraph)" in text


def test_signature_lines_for_teacher_second_staff_and_student(record: bytes) -> None:
    text = pdf_text(record)
    assert "Teacher who led the conversation Ms Okafor" in text
    assert "Second member of staff Mr Łukasz Nowak" in text
    assert "Student: I have been given this record and read it" in text
    assert "Signature" in text and "Date" in text


def test_footer_has_page_x_of_y_record_id_and_integrity_code(record: bytes) -> None:
    pages = reader(record).pages
    code = grouped(integrity_code(demo_case()))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        text = flat(page.extract_text())
        assert f"Page {number} of {len(pages)}" in text
        assert "OwnWork record 7" in text
        assert code in text


def test_metadata_names_the_document_and_the_version(record: bytes) -> None:
    meta = reader(record).metadata
    assert meta is not None
    assert meta.title == RECORD_TITLE
    assert meta.author == f"OwnWork {__version__}"


def test_fonts_are_embedded(record: bytes, student_copy: bytes) -> None:
    for data in (record, student_copy):
        fonts = embedded_fonts(data)
        dejavu = {name: embedded for name, embedded in fonts.items() if "DejaVuSans" in name}
        assert dejavu and all(dejavu.values()), fonts
        # Nothing else: no unembedded standard font slips in (form fields are referral-only).
        assert set(fonts) == set(dejavu), fonts


def test_student_copy_leaves_out_staff_only_and_third_party_details(
    student_copy: bytes,
) -> None:
    case = demo_case()
    prep = case.content.preparation
    text = pdf_text(student_copy)
    assert STUDENT_COPY_TITLE in text
    assert prep.staff_only_note not in text
    assert "Staff-only note" not in text
    assert prep.wellbeing_note not in text
    assert "Ødegård" not in text
    assert "Others present Recorded on the centre's copy" in text
    # Staff sign the centre's copy; the student's copy keeps only the student's line.
    assert "Teacher who led the conversation" not in text
    assert "Student: I have been given this record and read it" in text


def test_student_copy_keeps_all_the_evidence(student_copy: bytes) -> None:
    case = demo_case()
    text = pdf_text(student_copy)
    for answer in case.content.answers:
        assert flat(answer.question_text) in text
        assert flat(answer.student_words) in text
        assert flat(answer.observations) in text
    for excerpt in case.content.preparation.excerpts:
        assert flat(excerpt.text) in text
    for seen in case.content.preparation.indicators:
        assert indicators.label(seen.code) in text
    assert case.content.outcome.student_account in text
    # The copy's own code: it covers what the copy shows, so it cannot be used to test
    # guesses at the notes left out.
    assert grouped(visible_code(case, STUDENT_HIDDEN_PATHS)) in text
    assert grouped(integrity_code(case)) not in text


def test_long_conversation_prints_every_note_in_full() -> None:
    case = long_case()
    data = render_record(case)
    text = pdf_text(data)
    notes = sum(len(a.student_words) + len(a.observations) for a in case.content.answers)
    assert len(case.content.answers) == 40 and notes >= 19_000
    for answer in case.content.answers:
        assert flat(answer.student_words) in text
        assert flat(answer.observations) in text
    assert len(re.findall(r"Question \d+ · Section", text)) == 40


def test_indented_text_and_very_long_words_are_kept() -> None:
    code = "def area(r):\n    return 3.14 * r * r\n" + "x" * 400
    case = with_preparation(demo_case(), concern_summary=code)
    text = pdf_text(render_record(case))
    assert "def area(r):" in text
    assert "return 3.14 * r * r" in text
    # A word too long for a line is broken across lines rather than running off the page.
    assert text.replace(" ", "").count("x" * 400) == 1


def test_empty_conversation_still_prints() -> None:
    case = with_content(demo_case(), answers=())
    case = with_preparation(case, excerpts=(), indicators=(), concern_summary="")
    text = pdf_text(render_record(case))
    assert "No questions were recorded." in text
    assert "No excerpts were recorded." in text
    assert "None recorded." in text
