"""Conversations: the header of each authenticity conversation (who, when, about what).

The walk-through's content (indicators, excerpts, answers, conclusion) is stored by
``app.storage.interviews``; this module creates, lists and finds conversations.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.domain.records import Conclusion, Conversation, ConversationDraft, ConversationStatus
from app.domain.validation import check_conversation
from app.errors import NotFoundError, ValidationError
from app.storage import audit
from app.storage.listing import ListQuery, matches_all, window
from app.storage.models import ConversationRow, StaffRow, StudentRow, SubmissionRow

_Lead = aliased(StaffRow, name="lead")
_Second = aliased(StaffRow, name="second")

SORTS = {
    "held_at": (ConversationRow.held_at,),
    "student": (StudentRow.surname, StudentRow.forename),
    "candidate_number": (StudentRow.candidate_number,),
    "qualification": (SubmissionRow.qualification,),
    "title": (SubmissionRow.title,),
    "led_by": (_Lead.name,),
    "status": (ConversationRow.status,),
    "conclusion": (ConversationRow.conclusion,),
}


def _base() -> Any:
    return (
        select(ConversationRow, SubmissionRow, StudentRow, _Lead.name, _Second.name)
        .join(SubmissionRow, SubmissionRow.id == ConversationRow.submission_id)
        .join(StudentRow, StudentRow.id == SubmissionRow.student_id)
        .outerjoin(_Lead, _Lead.id == ConversationRow.led_by_id)
        .outerjoin(_Second, _Second.id == ConversationRow.second_staff_id)
    )


def _to_record(
    row: ConversationRow, sub: SubmissionRow, stu: StudentRow, lead: str | None, second: str | None
) -> Conversation:
    return Conversation(
        id=row.id,
        submission_id=row.submission_id,
        held_at=row.held_at,
        led_by_id=row.led_by_id,
        second_staff_id=row.second_staff_id,
        others_present=row.others_present,
        status=ConversationStatus(row.status),
        conclusion=Conclusion(row.conclusion) if row.conclusion else None,
        student_id=stu.id,
        student_name=f"{stu.forename} {stu.surname}",
        candidate_number=stu.candidate_number or "",
        qualification=sub.qualification,
        submission_title=sub.title,
        led_by_name=lead or "",
        second_staff_name=second or "",
        declaration_signed=sub.declaration_signed,
    )


def _check_refs(session: Session, draft: ConversationDraft) -> None:
    errors: dict[str, str] = {}
    if session.get(SubmissionRow, draft.submission_id) is None:
        errors["submission_id"] = "That submission no longer exists."
    for field in ("led_by_id", "second_staff_id"):
        staff_id = getattr(draft, field)
        if staff_id is not None and session.get(StaffRow, staff_id) is None:
            errors[field] = "That member of staff no longer exists."
    if errors:
        raise ValidationError(errors)


def create(session: Session, draft: ConversationDraft) -> Conversation:
    draft = check_conversation(draft)
    _check_refs(session, draft)
    row = ConversationRow(**dataclasses.asdict(draft), status=ConversationStatus.PREPARING.value)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "conversation",
        row.id,
        f"Planned a conversation about submission {draft.submission_id}",
        dataclasses.asdict(draft),
    )
    return get(session, row.id)


def update(session: Session, conversation_id: int, draft: ConversationDraft) -> Conversation:
    draft = check_conversation(draft)
    _check_refs(session, draft)
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    before = {f.name: getattr(row, f.name) for f in dataclasses.fields(ConversationDraft)}
    after = dataclasses.asdict(draft)
    for key, value in after.items():
        setattr(row, key, value)
    changes = audit.diff(before, after)
    if changes:
        audit.record(
            session,
            "update",
            "conversation",
            row.id,
            f"Changed {', '.join(changes)} of conversation {row.id}",
            changes,
        )
    return get(session, row.id)


def get(session: Session, conversation_id: int) -> Conversation:
    result = session.execute(_base().where(ConversationRow.id == conversation_id)).first()
    if result is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    return _to_record(*result)


def _filtered(query: ListQuery, submission_id: int | None, student_id: int | None) -> Any:
    statement = _base()
    condition = matches_all(SubmissionRow.search_key, query.search)
    if condition is not None:
        statement = statement.where(condition)
    if submission_id is not None:
        statement = statement.where(ConversationRow.submission_id == submission_id)
    if student_id is not None:
        statement = statement.where(SubmissionRow.student_id == student_id)
    return statement


def page(
    session: Session,
    query: ListQuery,
    *,
    submission_id: int | None = None,
    student_id: int | None = None,
) -> list[Conversation]:
    columns = SORTS.get(query.sort, SORTS["held_at"])
    default_desc = query.sort in ("", "held_at")
    descending = query.descending if query.sort else default_desc
    order = [c.desc() if descending else c.asc() for c in columns]
    statement = window(
        _filtered(query, submission_id, student_id).order_by(*order, ConversationRow.id.desc()),
        query,
    )
    return [_to_record(*result) for result in session.execute(statement)]


def count(
    session: Session,
    query: ListQuery = ListQuery(),
    *,
    submission_id: int | None = None,
    student_id: int | None = None,
) -> int:
    inner = (
        _filtered(query, submission_id, student_id).with_only_columns(ConversationRow.id).subquery()
    )
    return session.scalar(select(func.count()).select_from(inner)) or 0
