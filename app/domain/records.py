"""The records OwnWork keeps, as plain frozen dataclasses.

``*Draft`` classes are what a form or an import produces (no id yet); the others are what the
repositories return.  Widgets and the CLI only ever see these, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class StaffRole(enum.StrEnum):
    TEACHER = "teacher"
    SECOND_STAFF = "second_staff"
    EXAMS_OFFICER = "exams_officer"
    HEAD_OF_CENTRE = "head_of_centre"
    OTHER = "other"


class ConversationStatus(enum.StrEnum):
    PREPARING = "preparing"
    IN_PROGRESS = "in_progress"
    CONCLUDED = "concluded"


class Conclusion(enum.StrEnum):
    SATISFIED = "satisfied"
    CONCERNS_REMAIN = "concerns_remain"
    ACKNOWLEDGED = "acknowledged"


class Rating(enum.StrEnum):
    CLEAR = "clear"
    PARTLY = "partly"
    UNABLE = "unable"


AWARDING_BODIES = ("AQA", "OCR", "Pearson Edexcel", "WJEC Eduqas", "CCEA", "NCFE", "City & Guilds")


LATE_AFTER_SCHOOL_DAYS = 5  # JCQ asks for immediate notification; a centre may set its own


@dataclass(frozen=True, kw_only=True)
class Centre:
    name: str = ""
    centre_number: str = ""
    # What form M1 asks of the centre: never printed as a dash, asked for before a referral.
    address: str = ""
    head_name: str = ""
    head_email: str = ""
    head_phone: str = ""
    # A referral warns when the concern arose more than this many school days ago.
    late_after_days: int = LATE_AFTER_SCHOOL_DAYS
    # How many times the record was saved (app/storage/versions.py): a form saves with it, so
    # that a change someone else saved meanwhile is shown, not overwritten.  Not part of equality.
    version: int = field(default=1, compare=False)

    def missing_for_referral(self) -> list[str]:
        """The details form M1 needs that are not recorded, as the teacher would name them."""
        needed = (
            (self.centre_number, "the centre number"),
            (self.name, "the centre's name"),
            (self.address, "the centre's address"),
            (self.head_name, "the head of centre's name"),
            (self.head_email, "the head of centre's email"),
            (self.head_phone, "the head of centre's telephone"),
        )
        return [label for value, label in needed if not value.strip()]


@dataclass(frozen=True, kw_only=True)
class StaffDraft:
    name: str
    role: StaffRole = StaffRole.TEACHER


@dataclass(frozen=True, kw_only=True)
class Staff(StaffDraft):
    id: int
    # How many times the record was saved (app/storage/versions.py): a form saves with it, so
    # that a change someone else saved meanwhile is shown, not overwritten.  Not part of equality.
    version: int = field(default=1, compare=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class StudentDraft:
    surname: str
    forename: str
    candidate_number: str = ""
    upn: str = ""
    reg_group: str = ""
    year_group: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Student(StudentDraft):
    id: int
    # How many times the record was saved (app/storage/versions.py): a form saves with it, so
    # that a change someone else saved meanwhile is shown, not overwritten.  Not part of equality.
    version: int = field(default=1, compare=False)

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.surname}, {self.forename}"


@dataclass(frozen=True, kw_only=True)
class SubmissionDraft:
    student_id: int
    awarding_body: str
    qualification: str
    component_code: str = ""
    title: str = ""
    exam_series: str = ""
    handed_in_on: dt.date | None = None
    declaration_signed: bool = False
    declaration_signed_on: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class Submission(SubmissionDraft):
    id: int
    student_name: str = ""
    candidate_number: str = ""
    # How many times the record was saved (app/storage/versions.py): a form saves with it, so
    # that a change someone else saved meanwhile is shown, not overwritten.  Not part of equality.
    version: int = field(default=1, compare=False)


@dataclass(frozen=True, kw_only=True)
class ConversationDraft:
    submission_id: int
    held_at: dt.datetime
    led_by_id: int | None = None
    second_staff_id: int | None = None
    others_present: str = ""


@dataclass(frozen=True, kw_only=True)
class Conversation(ConversationDraft):
    id: int
    status: ConversationStatus = ConversationStatus.PREPARING
    conclusion: Conclusion | None = None
    student_id: int = 0
    student_name: str = ""
    candidate_number: str = ""
    qualification: str = ""
    submission_title: str = ""
    led_by_name: str = ""
    second_staff_name: str = ""
    declaration_signed: bool = False
    # When the record was finalised (app.integrity): from then on it changes only by amendment.
    finalised_at: dt.datetime | None = None
    # How many times the record was saved (app/storage/versions.py): a form saves with it, so
    # that a change someone else saved meanwhile is shown, not overwritten.  Not part of equality.
    version: int = field(default=1, compare=False)


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
