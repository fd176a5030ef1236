"""The content of one authenticity conversation: prepare, converse, conclude.

These are what the walk-through edits, what the PDF documents print and what case bundles
carry.  ``CaseFile`` gathers everything one document needs about one conversation.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any, Final

from app.domain.records import (
    Centre,
    Conclusion,
    Conversation,
    Rating,
    Student,
    Submission,
)

# What the window's fields accept, as the store checks it (app/storage/interviews.py).
QUESTION_MAX: Final = 2_000
LOCATION_MAX: Final = 200


@dataclass(frozen=True, kw_only=True)
class IndicatorSeen:
    code: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Excerpt:
    id: int | None = None
    position: int = 0
    location: str = ""  # e.g. "page 3, second paragraph" or "lines 40-62 of main.py"
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class Preparation:
    concern_summary: str = ""
    purpose_explained: bool = False
    rights: dict[str, bool] = field(default_factory=dict)
    access_arrangements: str = ""
    wellbeing_note: str = ""
    staff_only_note: str = ""  # never printed on the student's copy
    indicators: tuple[IndicatorSeen, ...] = ()
    excerpts: tuple[Excerpt, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Answer:
    id: int | None = None
    position: int = 0
    question_key: str = ""
    section_title: str = ""
    question_text: str = ""
    unscripted: bool = False
    excerpt_id: int | None = None
    rating: Rating | None = None
    skipped: bool = False
    student_words: str = ""  # the student's words, verbatim
    observations: str = ""  # what the teacher observed


@dataclass(frozen=True, kw_only=True)
class Outcome:
    conclusion: Conclusion | None = None
    student_account: str = ""
    next_step: str = ""


@dataclass(frozen=True, kw_only=True)
class InterviewContent:
    conversation: Conversation
    preparation: Preparation = Preparation()
    script_name: str = ""
    script_snapshot: dict[str, Any] = field(default_factory=dict)
    current_position: int = 0
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    answers: tuple[Answer, ...] = ()
    outcome: Outcome = Outcome()


class Route(enum.StrEnum):
    """What follows a conclusion."""

    NONE = "none"  # satisfied: nothing further
    INTERNAL = "internal"  # declaration not yet signed: dealt with inside the centre
    REFERRAL = "referral"  # declaration signed and concerns remain: notify the awarding body


def route_for(conclusion: Conclusion | None, declaration_signed: bool) -> Route:
    if conclusion is None or conclusion is Conclusion.SATISFIED:
        return Route.NONE
    return Route.REFERRAL if declaration_signed else Route.INTERNAL


@dataclass(frozen=True, kw_only=True)
class CaseFile:
    """Everything the documents need about one conversation."""

    centre: Centre
    student: Student
    submission: Submission
    content: InterviewContent
