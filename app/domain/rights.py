"""What the student is entitled to be told and offered, as a checklist the teacher ticks.

Keys are stored in the database: never rename one, only add.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RightsItem:
    key: str
    label: str
    before_referral: bool = False  # needed only when the case goes to the awarding body


RIGHTS: tuple[RightsItem, ...] = (
    RightsItem("purpose_told", "The student was told, in neutral terms, why we are talking"),
    RightsItem(
        "may_be_accompanied",
        "The student was told they may have someone with them, as our policy allows",
    ),
    RightsItem("wellbeing_checked", "The student's wellbeing was checked and support was offered"),
    RightsItem(
        "adjustments_considered",
        "Access arrangements, SEND needs and reasonable adjustments were considered",
    ),
    RightsItem(
        "chance_to_explain", "The student had the chance to explain their work in their own words"
    ),
    RightsItem(
        "told_how_record_used", "The student was told how this record is used and who may see it"
    ),
    RightsItem("told_what_next", "The student was told what happens next and when"),
    RightsItem(
        "informed_in_writing",
        "The student was told in writing of the concern and the evidence",
        before_referral=True,
    ),
    RightsItem(
        "told_consequences", "The student was told the possible consequences", before_referral=True
    ),
    RightsItem(
        "told_statement_and_appeal",
        "The student was told they may give a written statement, and how to appeal",
        before_referral=True,
    ),
)

BY_KEY = {item.key: item for item in RIGHTS}
