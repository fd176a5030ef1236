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


def test_referral_pack_answers_form_m1_in_its_order(case: CaseFile, referral: bytes) -> None:
    text = pdf_text(referral)
    expected = [
        ("Header: Awarding body", "AQA"),
        (
            "Header: Date of the incident (when the concern arose)",
            "Not recorded in OwnWork; on or before",
        ),
        ("Header: Centre number", "68123"),
        (
            "Header: Centre name and address",
            "Ysgol Glan y Môr High School, Ffordd yr Harbwr, Aberdaron, LL99 9ZZ",
        ),
        (
            "Header: Head of centre's name, email and telephone",
            "Dr Eleri Pritchard; head@glanymor.example; 01632 960 123",
        ),
        ("Header: Candidate number and name", "0423: Thị Mai Nguyễn"),
        ("Header: Qualification or specification code and title", "GCSE History (June 2027)"),
        ("Header: Component or unit code and title", "8145/NEA Castles of the Welsh Marches"),
        (
            "Header: Witnesses and staff involved (name and role)",
            "Ms Okafor (teacher who led the authenticity conversation); Mr Łukasz Nowak",
        ),
        ("Section A: Nature of the suspected malpractice", "Suspected submission of coursework"),
        (
            "Section A: How, when and by whom it was discovered",
            flat(case.content.preparation.concern_summary),
        ),
        ("Section A: AI tool suspected, if known, and whether its output was kept", "Not known."),
        ("Section C: Was the candidate issued with the authentication declaration?", "Yes."),
        (
            "Section C: Did the candidate sign the declaration?",
            f"Yes, on {long_date(case.submission.declaration_signed_on)}.",
        ),
        (
            "Section C: Was the information for candidates (including the AI version) given "
            "before they signed?",
            "Not recorded in OwnWork: answer this on the form.",
        ),
    ]
    places = []
    for number, (question, answer) in enumerate(expected, start=1):
        entry = f"{number} {question} {answer}"
        assert entry in text, entry
        places.append(text.index(entry))
    assert places == sorted(places)
    assert "—" not in text.split("Part 2.")[0]
    for heading in (
        "Part 1. Answers for form M1, in the form's order",
        "Part 2. The evidence pack",
        "Enclosures",
        "How the concern came to light",
        "Summary of the evidence",
        "The candidate's account",
        "Telling the candidate of the concern and their rights",
        "The candidate's written statement",
        "Statements from the staff involved",
        "Staff involved",
        "Part 3. Declaration by the head of centre",
    ):
        assert heading in text
    for seen in case.content.preparation.indicators:
        assert indicators.label(seen.code) in text
    for item in rights.RIGHTS:
        assert item.label in text
    assert "4 questions: 1 explained clearly, 1 partly explained, 2 could not explain." in text
    assert flat(case.content.outcome.student_account) in text
    assert CONCLUSION_LABELS[Conclusion.CONCERNS_REMAIN] in text
    assert f"Prepared by the centre with OwnWork on {long_date(PREPARED)}" in text


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


def test_centre_writes_on_rules_and_ticks_boxes_with_no_font_but_our_own(
    referral: bytes,
) -> None:
    fields = reader(referral).get_fields()
    assert fields is not None
    boxes = {
        "declaration_confirmed",
        "enclosure_b_enclosed",
        "enclosure_c_enclosed",
        "enclosure_d_enclosed",
        "enclosure_e_enclosed",
        "enclosure_f_enclosed",
    }
    assert set(fields) == boxes
    assert all(fields[name].get("/FT") == "/Btn" for name in boxes)
    # A signature is written by hand on a ruled line; what the app knows (the head of centre's
    # name and contact) is printed as text; no typed field needs a font that lacks a name's
    # letters.
    text = pdf_text(referral)
    for label in (
        "Date sent to the awarding body",
        "Head of centre Dr Eleri Pritchard",
        "Signature",
        "Email head@glanymor.example",
        "Telephone 01632 960 123",
        "Further statement by the head of centre or exams officer",
    ):
        assert label in text
    fonts = embedded_fonts(referral)
    assert fonts and all(fonts.values())
    assert not any("Helvetica" in name for name in fonts)
    # Tick boxes print with the page, so a blank form on paper still shows where to tick.
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
