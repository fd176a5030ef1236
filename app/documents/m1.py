"""The answers to JCQ's form M1 (candidate malpractice notification), taken from the record.

OwnWork does not copy JCQ's form: it lists, in the form's order, what each part asks for in our
own words and the answer the record gives, ready to copy into the form.  An answer the record
does not hold says so (``recorded`` is False) so the centre answers it by hand; nothing is
guessed.  ``late_warning`` says when the concern arose longer ago than the centre's limit (JCQ
asks for immediate notification).  ``docs/documents.md`` maps each item to the pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.documents.state import PrintedCase
from app.documents.wording import conclusion_label, long_date
from app.domain import indicators
from app.domain.indicators import DETECTOR_CODES
from app.domain.referral import school_days_between

NOT_RECORDED = "Not recorded in OwnWork: answer this on the form."


@dataclass(frozen=True)
class M1Answer:
    part: str  # the form's part, e.g. "Header" or "Section A"
    question: str  # what the form asks, in our words
    answer: str
    recorded: bool = True


def _yes_no_unknown(value: bool | None, yes: str, no: str) -> tuple[str, bool]:
    if value is None:
        return NOT_RECORDED, False
    return (yes if value else no), True


def concern_date(printed: PrintedCase) -> tuple[dt.date, bool]:
    """When the concern arose, and whether that date was recorded; otherwise the conversation's
    date, which the concern cannot have followed."""
    if printed.facts.concern_arose_on is not None:
        return printed.facts.concern_arose_on, True
    content = printed.current.content
    held = content.started_at or content.conversation.held_at
    return held.astimezone().date() if held.tzinfo else held.date(), False


def _witnesses(printed: PrintedCase) -> str:
    header = printed.current.content.conversation
    people = []
    if header.led_by_name:
        people.append(f"{header.led_by_name} (teacher who led the authenticity conversation)")
    if header.second_staff_name:
        people.append(f"{header.second_staff_name} (second member of staff at the conversation)")
    if header.others_present:
        people.append(f"{header.others_present} (also present at the conversation)")
    for statement in printed.statements:
        if statement.kind.value == "staff":
            role = f" ({statement.role})" if statement.role else ""
            entry = (
                f"{statement.author}{role}, written statement of {long_date(statement.given_on)}"
            )
            people.append(entry)
    return "; ".join(people) if people else NOT_RECORDED


def _nature(printed: PrintedCase) -> str:
    case = printed.current
    prep = case.content.preparation
    signs = [indicators.label(i.code) for i in prep.indicators]
    conclusion = conclusion_label(case.content.outcome.conclusion)
    # When the work was submitted is said only as the record has it: a draft pack may be made
    # for a case whose declaration was never signed (an internal matter).
    submission = case.submission
    if submission.declaration_signed:
        when = ", after the candidate signed the authentication declaration"
    else:
        when = "; the record does not show that the candidate signed the authentication declaration"
    text = (
        "Suspected submission of coursework (non-examination assessment) that is not wholly the "
        "candidate's own, such as text produced with an AI tool or by someone else without "
        f"acknowledgement{when}. "
        f"Conclusion after an authenticity conversation: {conclusion}."
    )
    if signs:
        text += " Signs noticed: " + "; ".join(signs) + "."
    return text


def _discovered(printed: PrintedCase) -> tuple[str, bool]:
    prep = printed.current.content.preparation
    facts = printed.facts
    parts = []
    if prep.concern_summary.strip():
        parts.append(prep.concern_summary.strip())
    if any(i.code in DETECTOR_CODES for i in prep.indicators):
        parts.append(
            "An AI-detection tool was one of the signs; it is not relied on alone (see the "
            "evidence pack)."
        )
    if facts.concern_noticed_by:
        parts.append(f"Noticed by {facts.concern_noticed_by}.")
    day, recorded = concern_date(printed)
    if recorded:
        parts.append(f"The concern arose on {long_date(day)}.")
    if not parts:
        return NOT_RECORDED, False
    return " ".join(parts), bool(facts.concern_noticed_by) and recorded


def m1_answers(printed: PrintedCase) -> list[M1Answer]:
    """Each part of form M1, in the form's order, with the record's answer."""
    case = printed.current
    centre, student, sub = case.centre, case.student, case.submission
    facts = printed.facts
    day, day_recorded = concern_date(printed)
    qualification = sub.qualification or NOT_RECORDED
    component = " ".join(part for part in (sub.component_code, sub.title) if part)
    address = ", ".join(line.strip() for line in centre.address.splitlines() if line.strip())
    head = "; ".join(p for p in (centre.head_name, centre.head_email, centre.head_phone) if p)
    info, info_recorded = _yes_no_unknown(
        facts.info_for_candidates_given,
        "Yes: the information for candidates, including the AI version, was given before the "
        "candidate signed.",
        "No: the information for candidates was not given before the candidate signed.",
    )
    kept, kept_recorded = _yes_no_unknown(
        facts.ai_output_kept, "Its output was kept.", "Its output was not kept."
    )
    tool = facts.ai_tool or "Not known."
    discovered, discovered_recorded = _discovered(printed)
    signed = (
        f"Yes, on {long_date(sub.declaration_signed_on)}."
        if sub.declaration_signed and sub.declaration_signed_on
        else "Yes."
        if sub.declaration_signed
        else "No."
    )
    return [
        M1Answer(
            "Header", "Awarding body", sub.awarding_body or NOT_RECORDED, bool(sub.awarding_body)
        ),
        M1Answer(
            "Header",
            "Date of the incident (when the concern arose)",
            long_date(day)
            if day_recorded
            else f"Not recorded in OwnWork; on or before {long_date(day)}, the date of the "
            "authenticity conversation. Answer this on the form.",
            day_recorded,
        ),
        M1Answer("Header", "Centre number", centre.centre_number, bool(centre.centre_number)),
        M1Answer(
            "Header",
            "Centre name and address",
            ", ".join(p for p in (centre.name, address) if p),
            bool(centre.name and address),
        ),
        M1Answer("Header", "Head of centre's name, email and telephone", head, bool(head)),
        M1Answer(
            "Header",
            "Candidate number and name",
            f"{student.candidate_number or 'No candidate number recorded'}: {student.display_name}",
            bool(student.candidate_number),
        ),
        M1Answer(
            "Header",
            "Qualification or specification code and title",
            qualification + (f" ({sub.exam_series})" if sub.exam_series else ""),
            bool(sub.qualification),
        ),
        M1Answer(
            "Header",
            "Component or unit code and title",
            component or NOT_RECORDED,
            bool(component),
        ),
        M1Answer("Header", "Witnesses and staff involved (name and role)", _witnesses(printed)),
        M1Answer("Section A", "Nature of the suspected malpractice", _nature(printed)),
        M1Answer(
            "Section A",
            "How, when and by whom it was discovered",
            discovered,
            discovered_recorded,
        ),
        M1Answer(
            "Section A",
            "AI tool suspected, if known, and whether its output was kept",
            f"{tool} {kept}"
            if kept_recorded
            else f"{tool} Whether its output was kept: not recorded.",
            kept_recorded,
        ),
        M1Answer(
            "Section C",
            "Was the candidate issued with the authentication declaration?",
            "Yes." if sub.declaration_signed else NOT_RECORDED,
            sub.declaration_signed,
        ),
        M1Answer("Section C", "Did the candidate sign the declaration?", signed),
        M1Answer(
            "Section C",
            "Was the information for candidates (including the AI version) given before they "
            "signed?",
            info,
            info_recorded,
        ),
    ]


def late_warning(printed: PrintedCase, today: dt.date) -> str:
    """A warning when the concern arose more than the centre's limit of school days ago."""
    day, recorded = concern_date(printed)
    limit = printed.current.centre.late_after_days
    days = school_days_between(day, today)
    if days <= limit:
        return ""
    when = f"on {long_date(day)}" if recorded else f"on or before {long_date(day)}"
    return (
        f"The concern arose {when}, {days} school days ago. JCQ asks the head of centre to "
        f"notify the awarding body immediately, and this centre's limit is {limit} school days: "
        "send the referral now, and say on the form why it is late."
    )
