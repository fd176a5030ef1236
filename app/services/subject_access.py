"""Use case of a subject access request: everything held about one named student, for the data
protection officer, read in the one transaction that logs the opening and why.

On a school's server the row-level security lets a data protection officer read a student's
rows only inside such a transaction (``app/storage/subject_access.open_student``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.interview import InterviewContent
from app.domain.principal import Principal, Role
from app.domain.records import AuditEntry, Student, Submission
from app.domain.referral import ReferralFacts, Statement
from app.domain.sharing import ReviewNote, Share
from app.services.base import STUDENT, Changes, Outcome, require, transaction

if TYPE_CHECKING:
    from app.integrity.amendments import Amendment
    from app.integrity.evidence import Attachment
    from app.integrity.finalise import Finalisation
    from app.storage.database import Database


@dataclass(frozen=True, kw_only=True)
class CaseHeld:
    """One conversation about the student, with all that hangs from it."""

    content: InterviewContent
    finalisation: Finalisation | None
    amendments: list[Amendment]
    attachments: list[Attachment]  # their metadata: the files themselves stay in the store
    referral: ReferralFacts
    statements: list[Statement]
    shares: list[Share]
    review_notes: list[ReviewNote]
    history: list[AuditEntry]


@dataclass(frozen=True, kw_only=True)
class SubjectAccessReport:
    student: Student
    reason: str
    submissions: list[Submission]
    cases: list[CaseHeld]
    history: list[AuditEntry]  # the audit entries about the student and their submissions


def subject_access(
    principal: Principal, database: Database, student_id: int, *, reason: str
) -> Outcome[SubjectAccessReport]:
    require(principal, Role.DPO, "open a student's records for a subject access request")
    from app.domain.list_query import ListQuery
    from app.integrity import amendments, evidence, finalise
    from app.storage import (
        audit,
        case_files,
        referrals,
        sharing,
        students,
        submissions,
    )
    from app.storage import subject_access as log

    with transaction(database, principal) as session:
        # Logged first: on a server the row-level security shows the student's rows only to a
        # transaction that has logged why (and a refusal rolls the log back with it).
        log.open_student(session, student_id, opened_by=principal.name, reason=reason)
        student = students.get(session, student_id)
        held = submissions.page(session, ListQuery(limit=None), student_id=student_id)
        history = audit.entries_for(session, "student", student_id)
        for submission in held:
            history += audit.entries_for(session, "submission", submission.id)
        cases = [
            CaseHeld(
                content=case_files.load_content(session, cid),
                finalisation=finalise.get(session, cid),
                amendments=amendments.list_for(session, cid),
                attachments=evidence.list_for_conversation(session, cid),
                referral=referrals.get_facts(session, cid),
                statements=referrals.statements_for(session, cid),
                shares=sharing.shares_of(session, cid),
                review_notes=sharing.review_notes_of(session, cid),
                history=audit.entries_for(session, "conversation", cid),
            )
            for cid in log.conversation_ids(session, student_id)
        ]
    report = SubjectAccessReport(
        student=student, reason=reason.strip(), submissions=held, cases=cases, history=history
    )
    # The log's entry is a change to the student's history.
    return Outcome(report, Changes.of(STUDENT, student_id))
