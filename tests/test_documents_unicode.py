"""Names and notes in any of the scripts the bundled font covers print as typed; characters it
cannot draw are found before export, with where they are."""

from __future__ import annotations

import dataclasses
import subprocess
import unicodedata
from pathlib import Path

import pytest

from app.documents import fonts
from app.documents.bidi import visual_order
from app.documents.coverage import check_case
from app.documents.kinds import DocumentKind, render
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

# Direction marks poppler adds around right-to-left runs, and the one OwnWork's ActualText adds.
_DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def poppler_text(data: bytes, folder: Path) -> str:
    """The PDF's text as ``pdftotext`` reads it, direction marks removed, lines joined."""
    path = folder / "read.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.translate(_DIRECTION_MARKS).split())


def pdffonts_names(data: bytes, folder: Path) -> dict[str, str]:
    """Font name -> "yes"/"no" for embedded, as ``pdffonts`` reports it."""
    path = folder / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return {line.split()[0]: line.split()[-5] for line in out.stdout.splitlines()[2:]}


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


def test_characters_no_font_has_are_reported_with_their_places() -> None:
    # Egyptian hieroglyphs: in no bundled face, and not a script looked up in the system's fonts.
    case = with_student(demo_case(), forename="𓀀𓀁")
    case = with_outcome(case, student_account="I drew 𓃒 in the margin")
    report = check_case(case)
    assert not report.ok
    found = {r.char: r.places for r in report.missing}
    assert set(found) == {"𓀀", "𓀁", "𓃒"}
    assert found["𓀀"] == ("student's forename",)
    assert found["𓃒"] == ("student's account",)
    summary = report.missing_summary()
    assert "U+13000" in summary and "student's forename" in summary


def test_missing_characters_in_answers_name_the_answer() -> None:
    answers = list(demo_case().content.answers)
    answers[2] = dataclasses.replace(answers[2], observations="Wrote 𓀀 on the board")
    report = check_case(with_content(demo_case(), answers=tuple(answers)))
    places = {place for r in report.missing for place in r.places}
    assert places == {"answer 3, observations"}


def test_right_to_left_text_is_kept_and_flagged(tmp_path: Path) -> None:
    hebrew, arabic = "שלום", "مرحبا"
    case = with_preparation(demo_case(), access_arrangements=f"Reader in {hebrew} / {arabic}")
    report = check_case(case)
    assert report.ok
    assert {r.char for r in report.right_to_left} >= set(hebrew + arabic)
    assert report.right_to_left_summary() == "access arrangements"
    # Drawn in display order (Arabic shaped); poppler reads each word back as typed (the order
    # of two right-to-left words around a "/" is its own guess).
    text = poppler_text(render_record(case), tmp_path)
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
    # Arabic is shaped into presentation forms, which fold back to its letters under NFKC.
    assert unicodedata.normalize("NFKC", visual_order(typed)) == shown


MIXED = "Al-Farsi (أحمد الفارسي)"


def test_arabic_is_shaped_and_a_mixed_name_reads_back_as_typed(tmp_path: Path) -> None:
    shown = visual_order("مرحبا")
    # Joined forms (presentation forms), not the isolated letters reversed.
    assert shown != "مرحبا"[::-1]
    assert all(0xFE70 <= ord(char) <= 0xFEFF for char in shown)
    case = with_student(demo_case(), forename="Ahmed", surname=MIXED)
    for kind in (DocumentKind.RECORD, DocumentKind.STUDENT_COPY, DocumentKind.REFERRAL):
        assert f"Ahmed {MIXED}" in poppler_text(render(case, kind), tmp_path), kind


def test_arabic_in_the_students_italic_words_falls_back_to_the_regular_face(
    tmp_path: Path,
) -> None:
    words = "كتبت هذا المقال بنفسي"
    answers = tuple(
        dataclasses.replace(a, student_words=words) for a in demo_case().content.answers
    )
    case = with_content(demo_case(), answers=answers)
    assert check_case(case).ok
    data = render_record(case)
    assert poppler_text(data, tmp_path).count(f"“{words}”") == len(answers)
    assert set(pdffonts_names(data, tmp_path).values()) == {"yes"}


def test_chinese_names_print_in_a_system_font_found_by_fontconfig(tmp_path: Path) -> None:
    case = with_student(demo_case(), forename="美玲", surname="王")
    assert check_case(case).ok
    data = render_record(case)
    assert "美玲 王" in poppler_text(data, tmp_path)
    embedded = pdffonts_names(data, tmp_path)
    assert set(embedded.values()) == {"yes"}
    assert any("WenQuanYi" in name or "wqy" in name.lower() for name in embedded), embedded


def test_chinese_is_refused_clearly_when_no_system_font_has_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fonts, "_fc_match", lambda point: None)
    monkeypatch.setattr(fonts, "_looked_up", {})
    monkeypatch.setattr(fonts, "_family", dataclasses.replace(fonts.family(), fallbacks=[]))
    report = check_case(with_student(demo_case(), forename="美玲"))
    assert {r.char for r in report.missing} == {"美", "玲"}
