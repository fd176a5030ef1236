"""Counts for a senior leader: per qualification, never a name or a word of a conversation."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, kw_only=True)
class QualificationCounts:
    qualification: str
    students: int = 0
    submissions: int = 0
    conversations: int = 0
    preparing: int = 0
    in_progress: int = 0
    concluded: int = 0
    satisfied: int = 0
    concerns_remain: int = 0
    acknowledged: int = 0
    finalised: int = 0
    referrals: int = 0
    waiting: int = 0  # passed to the exams officer, referral not yet started


# The counts' names in the order a table shows them (the view's columns too).
COUNT_NAMES: tuple[str, ...] = tuple(
    field.name for field in fields(QualificationCounts) if field.name != "qualification"
)
