"""What a referral needs beyond the conversation's record: facts gathered when it is prepared,
written statements, and the school-day count behind the late-notification warning."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class StatementKind(enum.StrEnum):
    CANDIDATE = "candidate"  # the candidate's written statement (or a supplementary one)
    STAFF = "staff"  # a statement by a member of staff involved


@dataclass(frozen=True, kw_only=True)
class ReferralFacts:
    concern_arose_on: dt.date | None = None
    concern_noticed_by: str = ""
    ai_tool: str = ""  # the AI tool suspected, if known
    ai_output_kept: bool | None = None  # whether its output was kept, if known
    info_for_candidates_given: bool | None = None  # before the declaration was signed
    notice_given_on: dt.date | None = None  # the written notice given to the candidate


@dataclass(frozen=True, kw_only=True)
class Statement:
    id: int
    conversation_id: int
    kind: StatementKind
    author: str
    role: str
    given_on: dt.date
    text: str
    recorded_by: str = ""


def school_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (holidays are the centre's to judge)."""
    if end <= start:
        return 0
    days = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days
