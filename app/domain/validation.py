"""Field rules for every record a teacher can type or import.

Each ``check_*`` returns the cleaned draft or raises ``ValidationError`` naming every bad field,
so a form can show all its messages at once, beside the fields.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from app.domain.records import (
    Centre,
    ConversationDraft,
    StaffDraft,
    StudentDraft,
    SubmissionDraft,
)
from app.domain.text import clean_block, clean_line, has_control_characters, hidden_character
from app.errors import ValidationError

NAME_MAX = 100
SHORT_MAX = 40
TITLE_MAX = 300

_CANDIDATE_NUMBER = re.compile(r"\d{4}")
_CENTRE_NUMBER = re.compile(r"\d{5}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{5,24}(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?")
ADDRESS_MAX = 500
# A UPN is a check letter, eleven digits and a final digit or letter (temporary UPNs).
_UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]")

T = TypeVar("T")


def check_text(
    errors: dict[str, str],
    field: str,
    value: str,
    *,
    label: str,
    required: bool = False,
    max_len: int = NAME_MAX,
    line: bool = True,
) -> str:
    """``value`` cleaned as one line (or, with ``line=False``, as free text); a problem with it
    is written into ``errors`` under ``field`` for the form to show beside that field."""
    cleaned = clean_line(value) if line else clean_block(value)
    if required and not cleaned:
        errors[field] = f"{label} is required."
    elif len(cleaned) > max_len:
        errors[field] = f"{label} is too long ({len(cleaned):,} characters; at most {max_len:,})."
    elif has_control_characters(cleaned):
        errors[field] = f"{label} contains control characters that cannot be stored."
    elif line and (hidden := hidden_character(cleaned)) is not None:
        errors[field] = (
            f"{label} contains an invisible or direction-changing character ({hidden}), "
            "which cannot be stored in a name; remove it and try again."
        )
    return cleaned


def raise_if(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def normalise_candidate_number(value: str) -> str:
    """MIS exports often drop leading zeros ("42" for "0042"); pad digits-only values."""
    cleaned = clean_line(value)
    if cleaned.isdigit() and len(cleaned) < 4:
        return cleaned.zfill(4)
    return cleaned


def check_student(draft: StudentDraft) -> StudentDraft:
    errors: dict[str, str] = {}
    surname = check_text(errors, "surname", draft.surname, label="Surname", required=True)
    forename = check_text(errors, "forename", draft.forename, label="Forename", required=True)
    candidate = normalise_candidate_number(draft.candidate_number)
    if candidate and not _CANDIDATE_NUMBER.fullmatch(candidate):
        errors["candidate_number"] = "Candidate number must be four digits, e.g. 0423."
    upn = clean_line(draft.upn).upper()
    if upn and not _UPN.fullmatch(upn):
        errors["upn"] = "UPN must be 13 characters: a letter, 11 digits, then a digit or letter."
    reg = check_text(
        errors, "reg_group", draft.reg_group, label="Registration group", max_len=SHORT_MAX
    )
    year = draft.year_group
    if year is not None and not 1 <= year <= 14:
        errors["year_group"] = "Year must be between 1 and 14."
    raise_if(errors)
    cleaned: dict[str, Any] = {
        "surname": surname,
        "forename": forename,
        "candidate_number": candidate,
        "upn": upn,
        "reg_group": reg,
        "year_group": year,
    }
    if type(draft) is StudentDraft:
        # Built directly: ``dataclasses.replace`` costs as much as the checks above, and an
        # import checks a hundred thousand drafts.
        return StudentDraft(**cleaned)
    return dataclasses.replace(draft, **cleaned)


def check_staff(draft: StaffDraft) -> StaffDraft:
    errors: dict[str, str] = {}
    name = check_text(errors, "name", draft.name, label="Name", required=True)
    raise_if(errors)
    return dataclasses.replace(draft, name=name)


def check_centre(centre: Centre) -> Centre:
    errors: dict[str, str] = {}
    name = check_text(errors, "name", centre.name, label="Centre name", max_len=TITLE_MAX)
    number = clean_line(centre.centre_number)
    if number and not _CENTRE_NUMBER.fullmatch(number):
        errors["centre_number"] = "Centre number must be five digits, e.g. 12345."
    address = check_text(
        errors, "address", centre.address, label="Address", max_len=ADDRESS_MAX, line=False
    )
    head = check_text(
        errors, "head_name", centre.head_name, label="Head of centre's name", max_len=NAME_MAX
    )
    email = clean_line(centre.head_email)
    if email and (len(email) > NAME_MAX or not _EMAIL.fullmatch(email)):
        errors["head_email"] = "Give an email address such as head@school.example."
    phone = clean_line(centre.head_phone)
    if phone and not _PHONE.fullmatch(phone):
        errors["head_phone"] = "Give a telephone number in digits, e.g. 01632 960 123."
    if not 1 <= centre.late_after_days <= 60:
        errors["late_after_days"] = "Give a number of school days from 1 to 60."
    raise_if(errors)
    return Centre(
        name=name,
        centre_number=number,
        address=address,
        head_name=head,
        head_email=email,
        head_phone=phone,
        late_after_days=centre.late_after_days,
    )


def check_submission(draft: SubmissionDraft, *, today: dt.date | None = None) -> SubmissionDraft:
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    if draft.student_id <= 0:
        errors["student_id"] = "Choose the student who handed the work in."
    body = check_text(
        errors,
        "awarding_body",
        draft.awarding_body,
        label="Awarding body",
        required=True,
        max_len=SHORT_MAX,
    )
    qualification = check_text(
        errors,
        "qualification",
        draft.qualification,
        label="Qualification",
        required=True,
        max_len=TITLE_MAX,
    )
    component = check_text(
        errors, "component_code", draft.component_code, label="Component code", max_len=SHORT_MAX
    )
    title = check_text(errors, "title", draft.title, label="Title", max_len=TITLE_MAX)
    series = check_text(
        errors, "exam_series", draft.exam_series, label="Exam series", max_len=SHORT_MAX
    )
    if draft.handed_in_on is not None and draft.handed_in_on > today:
        errors["handed_in_on"] = "The hand-in date cannot be in the future."
    signed_on = draft.declaration_signed_on if draft.declaration_signed else None
    if draft.declaration_signed:
        if signed_on is None:
            errors["declaration_signed_on"] = "Give the date the declaration was signed."
        elif signed_on > today:
            errors["declaration_signed_on"] = "The signing date cannot be in the future."
    raise_if(errors)
    return dataclasses.replace(
        draft,
        awarding_body=body,
        qualification=qualification,
        component_code=component,
        title=title,
        exam_series=series,
        declaration_signed_on=signed_on,
    )


def check_conversation(draft: ConversationDraft) -> ConversationDraft:
    errors: dict[str, str] = {}
    if draft.submission_id <= 0:
        errors["submission_id"] = "Choose the submission the conversation is about."
    others = check_text(
        errors, "others_present", draft.others_present, label="Others present", max_len=TITLE_MAX
    )
    if (
        draft.led_by_id is not None
        and draft.second_staff_id is not None
        and draft.led_by_id == draft.second_staff_id
    ):
        errors["second_staff_id"] = "The second member of staff must be someone else."
    raise_if(errors)
    return dataclasses.replace(draft, others_present=others)
