"""Which characters of a case no font can draw, and which need right-to-left layout.

Checked before every export, so that the teacher is told (in the app or on the command line)
instead of finding empty boxes on paper.  A character counts as drawable when its face has it,
when the regular face has it (italic text falls back to it, as for Arabic), or when a system font
found through fontconfig has it (Chinese, Japanese, Korean; ``fonts.system_font_for``).
Right-to-left letters (Hebrew, Arabic) are drawable, put in display order and, for Arabic, shaped;
they are reported separately as a note, not an error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.documents.fonts import family, system_font_for
from app.domain.interview import CaseFile

# Layout characters: turned into line breaks and spaces, never drawn as glyphs.
_LAYOUT = frozenset("\n\t\r")
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


@dataclass(frozen=True)
class CharacterReport:
    char: str
    places: tuple[str, ...]  # where it occurs, e.g. "answer 3, student's words"

    @property
    def description(self) -> str:
        name = unicodedata.name(self.char, "unnamed character")
        return f"{self.char!r} (U+{ord(self.char):04X} {name})"


@dataclass(frozen=True)
class CoverageReport:
    missing: tuple[CharacterReport, ...] = ()
    right_to_left: tuple[CharacterReport, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing

    def missing_summary(self) -> str:
        """One line naming each missing character and its first place."""
        parts = [f"{r.description} in {_places(r.places)}" for r in self.missing]
        return "; ".join(parts)

    def right_to_left_summary(self) -> str:
        places = sorted({p for r in self.right_to_left for p in r.places})
        return _places(tuple(places))


def _places(places: tuple[str, ...], limit: int = 3) -> str:
    shown = ", ".join(places[:limit])
    more = len(places) - limit
    return f"{shown} and {more} more" if more > 0 else shown


Face = Literal["regular", "bold", "italic"]


def printed_fields(case: CaseFile) -> list[tuple[str, str, tuple[Face, ...]]]:
    """Every piece of the case's own text that a document may print, with where it is and the
    faces it is printed in."""
    content = case.content
    header = content.conversation
    prep = content.preparation
    plain: list[tuple[str, str]] = [
        ("centre name", case.centre.name),
        ("centre number", case.centre.centre_number),
        ("student's forename", case.student.forename),
        ("student's surname", case.student.surname),
        ("candidate number", case.student.candidate_number),
        ("awarding body", case.submission.awarding_body),
        ("qualification", case.submission.qualification),
        ("component code", case.submission.component_code),
        ("title of the work", case.submission.title),
        ("exam series", case.submission.exam_series),
        ("teacher leading", header.led_by_name),
        ("second member of staff", header.second_staff_name),
        ("others present", header.others_present),
        ("script", content.script_name),
        ("concern", prep.concern_summary),
        ("access arrangements", prep.access_arrangements),
        ("wellbeing note", prep.wellbeing_note),
        ("staff-only note", prep.staff_only_note),
        ("student's account", content.outcome.student_account),
        ("next step", content.outcome.next_step),
    ]
    plain += [(f"indicator note ({i.code})", i.note) for i in prep.indicators]
    for number, excerpt in enumerate(prep.excerpts, start=1):
        plain.append((f"excerpt {number}, location", excerpt.location))
        plain.append((f"excerpt {number}", excerpt.text))
    fields: list[tuple[str, str, tuple[Face, ...]]] = [(p, t, ("regular",)) for p, t in plain]
    for number, answer in enumerate(content.answers, start=1):
        # Section titles head each question in the label face; questions are set in bold
        # (and plain in the referral's summary); the student's words in italics.
        fields.append((f"answer {number}, section", answer.section_title, ("bold",)))
        fields.append((f"answer {number}, question", answer.question_text, ("regular", "bold")))
        fields.append((f"answer {number}, student's words", answer.student_words, ("italic",)))
        fields.append((f"answer {number}, observations", answer.observations, ("regular",)))
    return fields


def check_text(
    fields: Iterable[tuple[str, str, tuple[Face, ...]]], coverage: dict[Face, frozenset[int]]
) -> CoverageReport:
    missing: dict[str, list[str]] = {}
    rtl: dict[str, list[str]] = {}
    for place, text, faces in fields:
        drawable = frozenset.intersection(*(coverage[face] for face in faces))
        for char in set(text):
            if char in _LAYOUT:
                continue
            if ord(char) not in drawable and system_font_for(ord(char)) is None:
                missing.setdefault(char, []).append(place)
            elif unicodedata.bidirectional(char) in _RIGHT_TO_LEFT:
                rtl.setdefault(char, []).append(place)

    def reports(found: dict[str, list[str]]) -> tuple[CharacterReport, ...]:
        return tuple(
            CharacterReport(char, tuple(dict.fromkeys(places)))
            for char, places in sorted(found.items())
        )

    return CoverageReport(missing=reports(missing), right_to_left=reports(rtl))


def check_case(case: CaseFile) -> CoverageReport:
    """Report the characters of ``case`` that no font can draw (and RTL letters)."""
    f = family()
    regular = f.coverage[f.regular]
    coverage: dict[Face, frozenset[int]] = {
        "regular": regular,
        "bold": f.coverage[f.bold] | regular,
        "italic": f.coverage[f.italic] | regular,
    }
    return check_text(printed_fields(case), coverage)
