"""Names and notes in any of the scripts the bundled font covers print as typed; characters it
cannot draw are found before export, with where they are."""

from __future__ import annotations

import dataclasses

import pytest

from app.documents.bidi import visual_order
from app.documents.coverage import check_case
from app.documents.record_pdf import render_record
from app.documents.referral_pdf import render_referral
from app.documents.samples import demo_case
from tests.document_support import (
    pdf_text,
    with_content,
    with_outcome,
    with_preparation,
    with_student,
)

NAMES = [
    ("Zoë", "Brontë"),
    ("Łukasz", "Wąsowski"),
    ("Thị Mai", "Nguyễn"),
    ("Siobhán", "O'Brien"),
    ("Åse", "Ødegård"),
    ("Αλέξανδρος", "Παπαδόπουλος"),
    ("Дмитрий", "Смирнов"),
]


@pytest.mark.parametrize(("forename", "surname"), NAMES)
def test_names_round_trip_through_record_and_referral(forename: str, surname: str) -> None:
    case = with_student(demo_case(), forename=forename, surname=surname)
    assert check_case(case).ok
    for data in (render_record(case), render_record(case, student_copy=True)):
        assert f"{forename} {surname}" in pdf_text(data)
    answer = f"Candidate number and name 0423: {forename} {surname}"
    assert answer in pdf_text(render_referral(case))


def test_notes_in_several_scripts_print_intact() -> None:
    words = "Ήταν δύσκολο. Это мой текст. Tôi đã viết phần này. Żółć — naïve café."
    answers = tuple(
        dataclasses.replace(a, student_words=words) for a in demo_case().content.answers
    )
    case = with_content(demo_case(), answers=answers)
    text = pdf_text(render_record(case))
    assert text.count(words) == len(answers)


def test_characters_the_font_lacks_are_reported_with_their_places() -> None:
    case = with_student(demo_case(), forename="美玲")
    case = with_outcome(case, student_account="I used 翻译 to check")
    report = check_case(case)
    assert not report.ok
    found = {r.char: r.places for r in report.missing}
    assert set(found) == {"美", "玲", "翻", "译"}
    assert found["美"] == ("student's forename",)
    assert found["翻"] == ("student's account",)
    summary = report.missing_summary()
    assert "U+7F8E" in summary and "student's forename" in summary


def test_missing_characters_in_answers_name_the_answer() -> None:
    answers = list(demo_case().content.answers)
    answers[2] = dataclasses.replace(answers[2], observations="Wrote 한국어 on the board")
    report = check_case(with_content(demo_case(), answers=tuple(answers)))
    places = {place for r in report.missing for place in r.places}
    assert places == {"answer 3, observations"}


def test_right_to_left_text_is_kept_and_flagged() -> None:
    hebrew, arabic = "שלום", "مرحبا"
    case = with_preparation(demo_case(), access_arrangements=f"Reader in {hebrew} / {arabic}")
    report = check_case(case)
    assert report.ok
    assert {r.char for r in report.right_to_left} >= set(hebrew + arabic)
    assert report.right_to_left_summary() == "access arrangements"
    # Printed in typed (logical) order: the characters survive and can be copied back out.
    text = pdf_text(render_record(case))
    assert hebrew in text and arabic in text


def test_emoji_that_dejavu_draws_are_not_reported() -> None:
    case = with_outcome(demo_case(), student_account="I was nervous 😀 but fine")
    assert check_case(case).ok


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("no right-to-left here: Zoë", "no right-to-left here: Zoë"),
        ("He said שלום to me", "He said םולש to me"),
        ("Reader in שלום / مرحبا.", "Reader in ابحرم / םולש."),
        ("עמוד 12 מתוך 3.5", "3.5 ךותמ 12 דומע"),
        ("(שלום)", "(םולש)"),
        # Vowel points stay on their letters: the clusters are reversed, not the code points.
        ("ש\u05b8\u05c1לו\u05b9ם", "םו\u05b9לש\u05b8\u05c1"),
        ("a (ב) c", "a (ב) c"),
        ("אב (גד) הו", "וה (דג) בא"),
    ],
)
def test_right_to_left_runs_are_put_in_display_order(typed: str, shown: str) -> None:
    assert visual_order(typed) == shown
