"""The referral to the awarding body: the M1 information, fillable fields, appendices."""

from __future__ import annotations

import datetime as dt

import pytest

from app.documents.readiness import ReferralNotReadyError
from app.documents.referral_pdf import TITLE, render_referral
from app.documents.samples import demo_case
from app.documents.wording import CONCLUSION_LABELS, long_date
from app.domain import indicators, rights
from app.domain.canonical import grouped, integrity_code
from app.domain.interview import CaseFile, IndicatorSeen
from app.domain.records import Conclusion
from tests.document_support import (
    embedded_fonts,
    flat,
    pdf_text,
    reader,
    with_outcome,
    with_preparation,
)

PREPARED = dt.date(2026, 11, 2)


@pytest.fixture(scope="module")
def case() -> CaseFile:
    return demo_case()


@pytest.fixture(scope="module")
def referral(case: CaseFile) -> bytes:
    return render_referral(case, prepared_on=PREPARED)


def test_referral_carries_every_m1_field_with_its_value(case: CaseFile, referral: bytes) -> None:
    text = pdf_text(referral)
    content = case.content
    expected = {
        "Awarding body": "AQA",
        "Centre number": "68123",
        "Centre name": "Ysgol Glan y Môr High School",
        "Exam series": "June 2027",
        "Candidate name": "Thị Mai Nguyễn",
        "Candidate number": "0423",
        "Qualification": "GCSE History",
        "Component code": "8145/NEA",
        "Title of the work": "Castles of the Welsh Marches",
        "Work handed in": long_date(case.submission.handed_in_on),
        "Declaration signed by the candidate": long_date(case.submission.declaration_signed_on),
        "Authenticity conversation held": long_date(content.started_at),
        "Referral prepared": long_date(PREPARED),
        "What the teacher noticed": content.preparation.concern_summary,
        "The centre's conclusion after the conversation": CONCLUSION_LABELS[
            Conclusion.CONCERNS_REMAIN
        ],
        "What the candidate said about how the work was produced": (
            content.outcome.student_account
        ),
        "Teacher who led the conversation": "Ms Okafor",
        "Second member of staff": "Mr Łukasz Nowak",
        "Others present": "Mrs Ødegård (learning support)",
        "Next step agreed": content.outcome.next_step,
    }
    for label, value in expected.items():
        assert label in text, label
        assert flat(value) in text, (label, value)
    for heading in (
        "1. The centre and the candidate",
        "2. Dates",
        "3. What is suspected",
        "4. How the concern came to light",
        "5. Summary of the evidence",
        "6. Appendices",
        "7. The candidate's account",
        "8. Telling the candidate of the concern and their rights",
        "9. Staff involved",
        "10. The centre's statement",
        "11. Declaration by the head of centre",
    ):
        assert heading in text
    for seen in content.preparation.indicators:
        assert indicators.label(seen.code) in text
    for item in rights.RIGHTS:
        assert item.label in text
    assert "4 questions: 1 explained clearly, 1 partly explained, 2 could not explain." in text


def test_questions_the_candidate_could_not_explain_are_summarised(referral: bytes) -> None:
    text = pdf_text(referral)
    assert "Questions the candidate could not, or could only partly, explain" in text
    assert "Where did you find the quotation from Gerald of Wales? Could not explain" in text


def test_conversation_record_is_appendix_a_and_others_are_listed(
    case: CaseFile, referral: bytes
) -> None:
    text = pdf_text(referral)
    assert "Appendix A. Record of an authenticity conversation" in text
    for answer in case.content.answers:
        assert flat(answer.student_words) in text
    for document in (
        "The candidate's work as submitted",
        "Drafts, plans or class work for comparison",
        "The candidate's written statement, if they gave one",
        "Statements from the staff involved",
    ):
        assert document in text
    assert "The AI-detection report" not in text


def test_centre_completes_fillable_fields_that_also_print(referral: bytes) -> None:
    fields = reader(referral).get_fields()
    assert fields is not None
    expected_text = {
        "date_sent",
        "date_candidate_informed",
        "centre_statement",
        "head_of_centre_name",
        "head_of_centre_signature",
        "head_of_centre_date",
        "contact_name",
        "contact_email",
        "contact_phone",
    }
    expected_boxes = {
        "declaration_confirmed",
        "appendix_b_enclosed",
        "appendix_c_enclosed",
        "appendix_d_enclosed",
        "appendix_e_enclosed",
    }
    assert expected_text | expected_boxes <= set(fields)
    for name in expected_text:
        assert fields[name].get("/FT") == "/Tx", name
    for name in expected_boxes:
        assert fields[name].get("/FT") == "/Btn", name
    text = pdf_text(referral)
    for label in (
        "Date sent to the awarding body",
        "Name of the head of centre",
        "Further statement by the head of centre or exams officer",
        "Exams officer or contact",
        "Contact email",
        "Contact telephone",
    ):
        assert label in text
    # Widgets print with the page, so a blank form on paper still shows where to write.
    for page in reader(referral).pages:
        for annotation in page.get("/Annots") or []:
            assert int(annotation.get_object()["/F"]) & 4


def test_referral_fonts_embedded_and_metadata(case: CaseFile, referral: bytes) -> None:
    fonts = embedded_fonts(referral)
    assert all(embedded for name, embedded in fonts.items() if "DejaVuSans" in name)
    assert any("DejaVuSans" in name for name in fonts)
    meta = reader(referral).metadata
    assert meta is not None and meta.title == TITLE
    text = pdf_text(referral)
    assert grouped(integrity_code(case)) in text
    pages = len(reader(referral).pages)
    assert f"Page {pages} of {pages}" in text


def test_a_detector_flag_adds_its_report_to_the_appendices(case: CaseFile) -> None:
    flagged = with_preparation(
        case,
        indicators=(*case.content.preparation.indicators, IndicatorSeen(code="detector_flag")),
    )
    text = pdf_text(render_referral(flagged, prepared_on=PREPARED))
    assert "The AI-detection report" in text
    assert "The centre does not rely on it alone" in text


def test_referral_refuses_a_case_that_is_not_ready(case: CaseFile) -> None:
    with pytest.raises(ReferralNotReadyError) as refused:
        render_referral(with_outcome(case, conclusion=Conclusion.SATISFIED))
    assert "nothing to refer" in str(refused.value)
    assert "\n" not in str(refused.value)
