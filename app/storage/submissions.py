"""Submissions: one piece of coursework for one component, by one student."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.records import Submission, SubmissionDraft
from app.domain.text import search_key
from app.domain.validation import check_submission
from app.errors import NotFoundError, ValidationError
from app.storage import audit, versions
from app.storage.listing import ListQuery, matches_all, window
from app.storage.models import StudentRow, SubmissionRow

SORTS = {
    "student": (StudentRow.sort_name,),
    "candidate_number": (StudentRow.candidate_number,),
    "awarding_body": (SubmissionRow.awarding_body,),
    "qualification": (SubmissionRow.qualification,),
    "component_code": (SubmissionRow.component_code,),
    "title": (SubmissionRow.title,),
    "handed_in_on": (SubmissionRow.handed_in_on,),
    "declaration": (SubmissionRow.declaration_signed, SubmissionRow.declaration_signed_on),
}


def _to_record(row: Any, student: Any) -> Submission:
    """From ORM rows, or from one row of ``_RECORD_COLUMNS`` passed as both (its columns carry
    the student's name and number too)."""
    return Submission(
        id=row.id,
        student_id=row.student_id,
        awarding_body=row.awarding_body,
        qualification=row.qualification,
        component_code=row.component_code,
        title=row.title,
        exam_series=row.exam_series,
        handed_in_on=row.handed_in_on,
        declaration_signed=row.declaration_signed,
        declaration_signed_on=row.declaration_signed_on,
        version=row.version,
        student_name=f"{student.forename} {student.surname}",
        candidate_number=student.candidate_number or "",
    )


def _key(draft: SubmissionDraft, student: StudentRow) -> str:
    return search_key(
        student.search_key,
        draft.awarding_body,
        draft.qualification,
        draft.component_code,
        draft.title,
        draft.exam_series,
    )


def _student(session: Session, student_id: int) -> StudentRow:
    student = session.get(StudentRow, student_id)
    if student is None:
        raise ValidationError({"student_id": "That student no longer exists."})
    return student


def create(session: Session, draft: SubmissionDraft) -> Submission:
    draft = check_submission(draft)
    student = _student(session, draft.student_id)
    row = SubmissionRow(**dataclasses.asdict(draft), search_key=_key(draft, student))
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "submission",
        row.id,
        f"Added submission '{row.title or row.qualification}' for "
        f"{student.forename} {student.surname}",
        dataclasses.asdict(draft),
    )
    return _to_record(row, student)


def update(
    session: Session, submission_id: int, draft: SubmissionDraft, *, version: int | None = None
) -> Submission:
    """Change a submission; ``version`` is the one the form started from (app/storage/versions)."""
    draft = check_submission(draft)
    row = versions.locked(session, SubmissionRow, submission_id)
    if row is None:
        raise NotFoundError(f"There is no submission with id {submission_id}.")
    before = {f.name: getattr(row, f.name) for f in dataclasses.fields(SubmissionDraft)}
    after = dataclasses.asdict(draft)
    versions.check(
        session,
        row,
        version,
        entity="submission",
        what=f"the submission '{row.title or row.qualification}'",
        theirs=before,
        yours=after,
    )
    student = _student(session, draft.student_id)
    for key, value in after.items():
        setattr(row, key, value)
    row.search_key = _key(draft, student)
    changes = audit.diff(before, after)
    audit.record_changes(session, "submission", row.id, changes, of=f"submission '{row.title}'")
    return _to_record(row, student)


def refresh_search_keys_for_student(session: Session, student: StudentRow) -> None:
    """A renamed student must still be found through their submissions."""
    for row in session.scalars(select(SubmissionRow).where(SubmissionRow.student_id == student.id)):
        draft = SubmissionDraft(
            **{f.name: getattr(row, f.name) for f in dataclasses.fields(SubmissionDraft)}
        )
        row.search_key = _key(draft, student)


def get(session: Session, submission_id: int) -> Submission:
    row = session.get(SubmissionRow, submission_id)
    if row is None:
        raise NotFoundError(f"There is no submission with id {submission_id}.")
    return _to_record(row, session.get_one(StudentRow, row.student_id))


# What a ``Submission`` holds, as columns: a window of the list is read on every keystroke in
# the filter box, and ORM objects cost several times more to build.
_RECORD_COLUMNS = (
    SubmissionRow.id,
    SubmissionRow.student_id,
    SubmissionRow.awarding_body,
    SubmissionRow.qualification,
    SubmissionRow.component_code,
    SubmissionRow.title,
    SubmissionRow.exam_series,
    SubmissionRow.handed_in_on,
    SubmissionRow.declaration_signed,
    SubmissionRow.declaration_signed_on,
    SubmissionRow.version,
    StudentRow.forename,
    StudentRow.surname,
    StudentRow.candidate_number,
)


def _filtered(query: ListQuery, student_id: int | None) -> Any:
    statement = select(*_RECORD_COLUMNS).join(StudentRow, StudentRow.id == SubmissionRow.student_id)
    condition = matches_all(SubmissionRow.search_key, query.search)
    if condition is not None:
        statement = statement.where(condition)
    if student_id is not None:
        statement = statement.where(SubmissionRow.student_id == student_id)
    return statement


def page(session: Session, query: ListQuery, *, student_id: int | None = None) -> list[Submission]:
    key = (*SORTS.get(query.sort, SORTS["student"]), SubmissionRow.id)
    statement = window(
        session, _filtered(query, student_id), query, key, descending=query.descending
    )
    return [_to_record(row, row) for row in session.execute(statement)]


def count(
    session: Session, query: ListQuery = ListQuery(), *, student_id: int | None = None
) -> int:
    inner = _filtered(query, student_id).with_only_columns(SubmissionRow.id).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0
