"""Signs that may point to AI misuse, in OwnWork's own words.

None of them proves anything; each is a reason to look closer and to talk to the student.  The
codes are stored in the database and in case bundles: never rename one, only add.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    hint: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "us_spelling",
        "American spelling or usage",
        "Where the student normally writes British English.",
    ),
    Indicator(
        "vocabulary_mismatch",
        "Vocabulary beyond the student's usual level",
        "Word choice or sophistication that does not fit the student or the course.",
    ),
    Indicator(
        "differs_from_class_work",
        "Unlike the student's work in class or in drafts",
        "Compare with supervised work, earlier drafts or exercise books.",
    ),
    Indicator(
        "style_shifts",
        "Changes of style or quality within the piece",
        "A voice, register or standard that changes part-way through.",
    ),
    Indicator(
        "references_problem",
        "Missing, wrong or untraceable references",
        "Sources that cannot be found, do not say what is claimed, or are absent "
        "where the task needs them.",
    ),
    Indicator(
        "no_specific_context",
        "Nothing local, recent or from the class",
        "No sign of the lessons, local context, data or recent events the task invites.",
    ),
    Indicator(
        "generic_content",
        "Generic content not tied to the task",
        "Text that could answer many questions without engaging this one.",
    ),
    Indicator(
        "chatbot_leftovers",
        "Left-over chatbot text",
        "Disclaimers, offers of further help, notes about a knowledge cut-off.",
    ),
    Indicator(
        "person_or_repetition",
        "Mixed first and third person, repeated summaries",
        "Inconsistent voice, or the same conclusion restated several times.",
    ),
    Indicator(
        "confident_errors",
        "Confident errors or over-elaborate language",
        "Plausible but wrong statements, non-sequiturs, inflated wording.",
    ),
    Indicator(
        "missing_working",
        "Working, tables or graphs missing",
        "Where the task expects the student to show how they got there.",
    ),
    Indicator(
        "unexpected_format",
        "Unexpected format or no drafts",
        "Typed where the student normally handwrites, or no drafts from the class process.",
    ),
    Indicator(
        "detector_flag",
        "Flagged by an AI-detection tool",
        "One input only: a detector score is never evidence on its own.",
    ),
    Indicator("other", "Something else", "Describe it in the note."),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

# A referral must rest on the work and the conversation, not on a detector alone.
DETECTOR_CODES = frozenset({"detector_flag"})


def label(code: str) -> str:
    found = BY_CODE.get(code)
    return found.label if found else code
