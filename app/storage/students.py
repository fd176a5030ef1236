"""Students: create, change, find and list.  Returns ``Student`` dataclasses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from app.domain.records import Student, StudentDraft
from app.domain.text import name_sort_key, search_key
from app.domain.validation import check_student
from app.errors import NotFoundError, ValidationError
from app.storage import audit, bulk, submissions, versions
from app.storage.listing import ListQuery, matches_all, window
from app.storage.models import StudentRow, SubmissionRow, utcnow

SORTS = {
    "name": (StudentRow.sort_name,),
    "candidate_number": (StudentRow.candidate_number,),
    "upn": (StudentRow.upn,),
    "reg_group": (StudentRow.reg_group, StudentRow.sort_name),
    "year_group": (StudentRow.year_group, StudentRow.sort_name),
}


_DRAFT_FIELDS = tuple(field.name for field in dataclasses.fields(StudentDraft))


_RECORD_COLUMNS = (
    StudentRow.id,
    StudentRow.surname,
    StudentRow.forename,
    StudentRow.candidate_number,
    StudentRow.upn,
    StudentRow.reg_group,
    StudentRow.year_group,
    StudentRow.version,
)


def to_record(row: Any) -> Student:
    """A ``StudentRow``, or a row of ``_RECORD_COLUMNS`` (no ORM object: fast for thousands)."""
    return Student(
        id=row.id,
        surname=row.surname,
        forename=row.forename,
        candidate_number=row.candidate_number or "",
        upn=row.upn or "",
        reg_group=row.reg_group,
        year_group=row.year_group,
        version=row.version,
    )


def _draft_values(draft: StudentDraft) -> dict[str, Any]:
    """The draft's fields as a dict; a shallow copy, as fast as imports of thousands need."""
    return {name: getattr(draft, name) for name in _DRAFT_FIELDS}


def _fields(draft: StudentDraft) -> dict[str, Any]:
    values = _draft_values(draft)
    # Empty identifiers are stored as NULL so that uniqueness applies only to real numbers.
    values["candidate_number"] = draft.candidate_number or None
    values["upn"] = draft.upn or None
    values["search_key"] = search_key(
        draft.surname, draft.forename, draft.candidate_number, draft.upn, draft.reg_group
    )
    values["sort_name"] = name_sort_key(draft.surname, draft.forename)
    return values


def _check_unique(session: Session, draft: StudentDraft, own_id: int | None) -> None:
    errors: dict[str, str] = {}
    for field, label in (("candidate_number", "candidate number"), ("upn", "UPN")):
        value = getattr(draft, field)
        if not value:
            continue
        column = getattr(StudentRow, field)
        clash = session.scalars(select(StudentRow).where(column == value)).first()
        if clash is not None and clash.id != own_id:
            errors[field] = f"{clash.forename} {clash.surname} already has {label} {value}."
    if errors:
        raise ValidationError(errors)


def create(session: Session, draft: StudentDraft) -> Student:
    draft = check_student(draft)
    _check_unique(session, draft, None)
    row = StudentRow(**_fields(draft))
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "student",
        row.id,
        f"Added {row.forename} {row.surname}",
        dataclasses.asdict(draft),
    )
    return to_record(row)


def update(
    session: Session, student_id: int, draft: StudentDraft, *, version: int | None = None
) -> Student:
    """Change a student; ``version`` is the one the form started from (see app/storage/versions)."""
    draft = check_student(draft)
    row = versions.locked(session, StudentRow, student_id)
    if row is None:
        raise NotFoundError(f"There is no student with id {student_id}.")
    before = _draft_values(to_record(row))
    versions.check(
        session,
        row,
        version,
        entity="student",
        what=f"{row.forename} {row.surname}'s details",
        theirs=before,
        yours=_draft_values(draft),
    )
    _check_unique(session, draft, student_id)
    for key, value in _fields(draft).items():
        setattr(row, key, value)
    session.flush()
    submissions.refresh_search_keys_for_student(session, row)
    changes = audit.diff(before, dataclasses.asdict(draft))
    audit.record_changes(session, "student", row.id, changes, of=f"{row.forename} {row.surname}")
    return to_record(row)


# The columns ``_fields`` gives, in the order ``create_many`` inserts them.
_INSERTED = (*_DRAFT_FIELDS, "search_key", "sort_name")

# Values per IN (...) list: well under every database's limit on bound parameters.
_CHUNK = 500


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _check_unique_many(session: Session, pairs: Sequence[tuple[int | None, StudentDraft]]) -> None:
    """``_check_unique`` for a batch: against the store and within the batch itself."""
    for field, label in (("candidate_number", "candidate number"), ("upn", "UPN")):
        owners: dict[str, int | None] = {}
        for own_id, draft in pairs:
            value = getattr(draft, field)
            if not value:
                continue
            if value in owners:
                raise ValidationError({field: f"Two students in the batch have {label} {value}."})
            owners[value] = own_id
        column = getattr(StudentRow, field)
        columns = (StudentRow.id, StudentRow.forename, StudentRow.surname, column)
        for chunk in _chunks(list(owners)):
            for clash_id, forename, surname, value in session.execute(
                select(*columns).where(column.in_(chunk))
            ):
                if clash_id != owners[value]:
                    message = f"{forename} {surname} already has {label} {value}."
                    raise ValidationError({field: message})


def create_many(
    session: Session, drafts: Iterable[StudentDraft], *, checked: bool = False
) -> list[int]:
    """Add many students in a few statements (imports), with the same checks and audit entries
    as calling ``create`` for each; returns their ids, in order.

    ``checked`` says the drafts already passed ``check_student`` (an import plan checks every
    row once, for its preview), so they are not checked again.  The rows are written in batches
    of ``_CHUNK`` with Core executemany, so memory does not grow with the number of rows.
    """
    batch = [draft if checked else check_student(draft) for draft in drafts]
    if not batch:
        return []
    _check_unique_many(session, [(None, draft) for draft in batch])
    table = StudentRow.metadata.tables[StudentRow.__tablename__]
    sqlite = session.get_bind().dialect.name == "sqlite"
    next_id = (session.scalar(select(func.max(StudentRow.id))) or 0) + 1
    added: list[int] = []
    for chunk in _chunks(batch):
        now = utcnow()
        values = [_fields(draft) for draft in chunk]
        if sqlite:
            # SQLite cannot return the ids of an executemany in order (SQLAlchemy would fall
            # back to one INSERT per row), and this transaction is the file's only writer, so
            # the ids are given: the next free ones, as SQLite itself would choose them.
            ids = list(range(next_id, next_id + len(chunk)))
            next_id += len(chunk)
            bulk.insert_many(
                session,
                table,
                ([i, *(row[c] for c in _INSERTED)] for i, row in zip(ids, values, strict=True)),
                ("id", *_INSERTED),
                same={"created_at": now, "updated_at": now},
            )
        else:
            # A server's sequence hands out the ids (other writers share it); PostgreSQL
            # returns them in parameter order from a batched INSERT … RETURNING.
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            rows = [{**row, "created_at": now, "updated_at": now} for row in values]
            ids = list(session.execute(statement, rows).scalars())
        audit.record_many(
            session,
            [
                audit.Pending(
                    "create",
                    "student",
                    student_id,
                    f"Added {draft.forename} {draft.surname}",
                    _draft_values(draft),
                )
                for student_id, draft in zip(ids, chunk, strict=True)
            ],
        )
        added += ids
    return added


def update_many(session: Session, changes: Sequence[tuple[Student, StudentDraft]]) -> list[Student]:
    """Change many students in a few statements (imports), with the same checks and audit
    entries as calling ``update`` for each.

    Each change is (the record as it was read, the new values).  If a stored record no longer
    equals what was read (someone changed it meanwhile), ``ValidationError`` names the student
    and nothing is written, rather than overwriting the other change unseen.
    """
    checked = [(before, check_student(draft)) for before, draft in changes]
    ids = [before.id for before, _ in checked]
    stored: dict[int, Student] = {}
    for chunk in _chunks(ids):
        rows = session.execute(select(*_RECORD_COLUMNS).where(StudentRow.id.in_(chunk)))
        stored.update((row.id, to_record(row)) for row in rows)
    for before, _ in checked:
        if stored.get(before.id) != before:
            message = f"{before.display_name} was changed or removed elsewhere since being read."
            raise ValidationError({"student": message})
    # Only numbers that change can clash with another student's.
    _check_unique_many(
        session,
        [
            (
                before.id,
                dataclasses.replace(
                    draft,
                    candidate_number=_if_changed(draft.candidate_number, before.candidate_number),
                    upn=_if_changed(draft.upn, before.upn),
                ),
            )
            for before, draft in checked
        ],
    )
    now = utcnow()
    values: list[dict[str, Any]] = []
    for before, draft in checked:
        old, new = _fields(before), _fields(draft)
        # Only changed columns are written, so unchanged indexed numbers are left alone.
        columns = {key: value for key, value in new.items() if old[key] != value}
        if columns:
            # The version read: ORM bulk UPDATE checks it (version_id_col) and counts it on.
            version = stored[before.id].version
            values.append({"id": before.id, "version": version, **columns, "updated_at": now})
    if values:
        # ORM bulk UPDATE by primary key: a few executemany calls, not a unit of work each.
        session.execute(sa.update(StudentRow), values)
    for chunk in _chunks(ids):
        statement = select(SubmissionRow.student_id).where(SubmissionRow.student_id.in_(chunk))
        for student_id in set(session.scalars(statement)):
            submissions.refresh_search_keys_for_student(session, _row(session, student_id))
    entries: list[audit.Pending] = []
    for before, draft in checked:
        changed = audit.diff(_draft_values(before), _draft_values(draft))
        if changed:
            summary = f"Changed {', '.join(changed)} of {draft.forename} {draft.surname}"
            entries.append(audit.Pending("update", "student", before.id, summary, changed))
    audit.record_many(session, entries)
    return [Student(id=before.id, **_draft_values(draft)) for before, draft in checked]


def _if_changed(new: str, old: str) -> str:
    return new if new != old else ""


def _row(session: Session, student_id: int) -> StudentRow:
    row = session.get(StudentRow, student_id)
    if row is None:
        raise NotFoundError(f"There is no student with id {student_id}.")
    return row


def get(session: Session, student_id: int) -> Student:
    return to_record(_row(session, student_id))


def find_by_candidate_number(session: Session, number: str) -> Student | None:
    row = session.scalars(select(StudentRow).where(StudentRow.candidate_number == number)).first()
    return to_record(row) if row else None


def find_by_upn(session: Session, upn: str) -> Student | None:
    row = session.scalars(select(StudentRow).where(StudentRow.upn == upn)).first()
    return to_record(row) if row else None


def _filtered(query: ListQuery) -> Any:
    # Columns, not ORM objects: a window of a list is read on every keystroke in the filter box.
    statement = select(*_RECORD_COLUMNS)
    condition = matches_all(StudentRow.search_key, query.search)
    if condition is not None:
        statement = statement.where(condition)
    return statement


def page(session: Session, query: ListQuery) -> list[Student]:
    key = (*SORTS.get(query.sort, SORTS["name"]), StudentRow.id)
    statement = window(session, _filtered(query), query, key, descending=query.descending)
    return [to_record(row) for row in session.execute(statement)]


def count(session: Session, query: ListQuery = ListQuery()) -> int:
    statement = select(func.count()).select_from(_filtered(query).subquery())
    return session.scalar(statement) or 0


def all_records(session: Session) -> list[Student]:
    """Every student, in id order, read without ORM objects: imports match against them all."""
    statement = select(*_RECORD_COLUMNS).order_by(StudentRow.id)
    return [to_record(row) for row in session.execute(statement)]


def any_exist(session: Session) -> bool:
    return session.scalars(select(StudentRow.id).limit(1)).first() is not None


def search_by_number_or_name(session: Session, text: str, limit: int = 50) -> list[Student]:
    """For pickers: exact candidate number first, then name matches."""
    folded = text.strip()
    statement = select(StudentRow).where(
        or_(StudentRow.candidate_number == folded, StudentRow.upn == folded.upper())
    )
    exact = [to_record(r) for r in session.scalars(statement)]
    rest = page(session, ListQuery(search=text, limit=limit))
    return exact + [s for s in rest if s not in exact]
