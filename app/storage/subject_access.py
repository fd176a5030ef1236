"""The subject access log: each time the data protection officer opens one student's records,
who, when and why (append-only; on a server a trigger sets who and when from the session)."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from app.errors import NotFoundError, ValidationError
from app.storage import audit
from app.storage.models import ConversationRow, SubmissionRow
from app.storage.models_access import SubjectAccessRow
from app.storage.server_errors import sqlstate

FOREIGN_KEY_VIOLATION = "23503"


def open_student(session: Session, student_id: int, *, opened_by: str, reason: str) -> None:
    """Log the opening and, on a server, tell its row-level security which student this
    transaction may read (``ownwork.subject_student``, for this transaction only)."""
    cleaned = reason.strip()
    if not cleaned:
        raise ValidationError({"reason": "Give the reason: the subject access request it answers."})
    try:
        with session.begin_nested():
            session.add(
                SubjectAccessRow(student_id=student_id, opened_by=opened_by, reason=cleaned)
            )
    except DBAPIError as error:
        # The student's foreign key (SQLite says IntegrityError, pg8000 names the SQLSTATE).
        if isinstance(error, IntegrityError) or sqlstate(error) == FOREIGN_KEY_VIOLATION:
            raise NotFoundError(f"There is no student with id {student_id}.") from None
        raise
    audit.record(
        session,
        "subject-access",
        "student",
        student_id,
        f"Opened student {student_id}'s records for a subject access request",
        {"reason": cleaned},
    )
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT set_config('ownwork.subject_student', :student, true)"),
            {"student": str(student_id)},
        )


def conversation_ids(session: Session, student_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ConversationRow.id)
            .join(SubmissionRow, SubmissionRow.id == ConversationRow.submission_id)
            .where(SubmissionRow.student_id == student_id)
            .order_by(ConversationRow.held_at, ConversationRow.id)
        )
    )
