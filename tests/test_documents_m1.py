"""Form M1's answers from the record, and the late-notification warning."""

from __future__ import annotations

import dataclasses
import datetime as dt

from app.documents.m1 import NOT_RECORDED, late_warning, m1_answers
from app.documents.readiness import referral_problems
from app.documents.referral_pdf import render_referral
from app.documents.samples import demo_case
from app.documents.state import PrintedCase
from app.domain.referral import ReferralFacts, Statement, StatementKind, school_days_between
from tests.document_support import pdf_text

FRIDAY = dt.date(2026, 10, 2)


def _printed(**facts: object) -> PrintedCase:
    printed = PrintedCase.of(demo_case())
    return dataclasses.replace(printed, facts=ReferralFacts(**facts))  # type: ignore[arg-type]


def test_school_days_skip_weekends() -> None:
    assert school_days_between(FRIDAY, FRIDAY) == 0
    assert school_days_between(FRIDAY, dt.date(2026, 10, 5)) == 1  # Friday to Monday
    assert school_days_between(FRIDAY, dt.date(2026, 10, 9)) == 5
    assert school_days_between(FRIDAY, dt.date(2026, 10, 12)) == 6


def test_late_warning_after_the_centres_limit_of_school_days() -> None:
    printed = _printed(concern_arose_on=FRIDAY)
    assert late_warning(printed, dt.date(2026, 10, 9)) == ""
    warning = late_warning(printed, dt.date(2026, 10, 12))
    assert "6 school days ago" in warning and "limit is 5 school days" in warning
    stricter = dataclasses.replace(
        printed,
        current=dataclasses.replace(
            printed.current, centre=dataclasses.replace(printed.current.centre, late_after_days=2)
        ),
    )
    assert "limit is 2 school days" in late_warning(stricter, dt.date(2026, 10, 7))
    text = pdf_text(render_referral(printed, prepared_on=dt.date(2026, 10, 12)))
    assert "Late notification: The concern arose on Friday 2 October 2026" in text
    assert "Late notification" not in pdf_text(render_referral(printed, prepared_on=FRIDAY))


def test_recorded_facts_answer_their_parts_of_the_form() -> None:
    printed = _printed(
        concern_arose_on=FRIDAY,
        concern_noticed_by="Ms Okafor, class teacher",
        ai_tool="A chatbot on the student's phone",
        ai_output_kept=False,
        info_for_candidates_given=True,
    )
    printed = dataclasses.replace(
        printed,
        statements=(
            Statement(
                id=1,
                conversation_id=7,
                kind=StatementKind.STAFF,
                author="Mr Łukasz Nowak",
                role="Head of History",
                given_on=dt.date(2026, 10, 9),
                text="I was present.",
            ),
        ),
    )
    answers = {a.question: a for a in m1_answers(printed)}
    assert answers["Date of the incident (when the concern arose)"].answer == (
        "Friday 2 October 2026"
    )
    found = answers["How, when and by whom it was discovered"]
    assert found.recorded and "Noticed by Ms Okafor, class teacher." in found.answer
    tool = answers["AI tool suspected, if known, and whether its output was kept"]
    assert tool.answer == "A chatbot on the student's phone Its output was not kept."
    info = answers[
        "Was the information for candidates (including the AI version) given before they signed?"
    ]
    assert info.recorded and info.answer.startswith("Yes")
    assert (
        "Mr Łukasz Nowak (Head of History)"
        in answers["Witnesses and staff involved (name and role)"].answer
    )
    assert all(NOT_RECORDED not in a.answer for a in answers.values())


def test_centre_details_missing_are_asked_for_and_never_printed_as_a_dash() -> None:
    case = demo_case()
    bare = dataclasses.replace(
        case, centre=dataclasses.replace(case.centre, address="", head_email="", head_phone="")
    )
    problems = referral_problems(bare)
    assert problems == [
        "The centre's details that form M1 asks for are not recorded: the centre's address, "
        "the head of centre's email and the head of centre's telephone. They are asked for once "
        "and kept for every referral."
    ]


def test_the_nature_of_the_malpractice_says_only_what_the_record_holds_of_the_declaration() -> None:
    printed = _printed()
    signed = printed.current.submission
    assert signed.declaration_signed
    nature = m1_answers(printed)[9]
    assert (nature.part, nature.question) == ("Section A", "Nature of the suspected malpractice")
    assert "after the candidate signed the authentication declaration" in nature.answer
    unsigned = dataclasses.replace(
        printed,
        current=dataclasses.replace(
            printed.current,
            submission=dataclasses.replace(
                signed, declaration_signed=False, declaration_signed_on=None
            ),
        ),
    )
    answer = m1_answers(unsigned)[9].answer
    assert "after the candidate signed" not in answer
    assert "does not show that the candidate signed the authentication declaration" in answer
