"""Conversations: the header of each authenticity conversation (who, when, about what).

The walk-through's content (indicators, excerpts, answers, conclusion) is stored by
``app.storage.interviews``; this module creates, lists and finds conversations.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from app.domain.records import Conclusion, Conversation, ConversationDraft, ConversationStatus
from app.domain.validation import check_conversation
from app.errors import NotFoundError, ValidationError
from app.integrity.guard import ensure_editable
from app.storage import audit, versions
from app.storage.listing import ListQuery, matches_all, window
from app.storage.models import ConversationRow, StaffRow, StudentRow, SubmissionRow
from app.storage.models_integrity import FinalisationRow

_Lead = aliased(StaffRow, name="lead")
_Second = aliased(StaffRow, name="second")

SORTS: dict[str, tuple[Any, ...]] = {
    "held_at": (ConversationRow.held_at,),
    "student": (StudentRow.sort_name,),
    "candidate_number": (StudentRow.candidate_number,),
    "qualification": (SubmissionRow.qualification,),
    "title": (SubmissionRow.title,),
    "led_by": (_Lead.name,),
    # By the walk-through's status alone: finalised records sort among the concluded (a second
    # key from the finalisations table would sort every row at whole-school scale, no index
    # spans both tables).
    "status": (ConversationRow.status,),
    "conclusion": (ConversationRow.conclusion,),
}


# A searched list in date order walks the date index when at least this share of submissions
# match (a window is then found within about twenty windows' worth of entries); the
# conversations of fewer are looked up by submission and sorted, which for so few costs less
# than a walk that may read the whole index.
_WALK_FROM = 0.05

# Which tables a sort needs besides conversations; the rest are joined only for the page's rows.
_SORT_NEEDS = {
    "student": "student",
    "candidate_number": "student",
    "qualification": "submission",
    "title": "submission",
    "led_by": "lead",
}

# Only what a ``Conversation`` holds: a row also carries its interview script and notes
# (kilobytes), which a list of hundreds of rows must not read.
_RECORD_COLUMNS = (
    ConversationRow.id,
    ConversationRow.submission_id,
    ConversationRow.held_at,
    ConversationRow.led_by_id,
    ConversationRow.second_staff_id,
    ConversationRow.others_present,
    ConversationRow.status,
    ConversationRow.conclusion,
    StudentRow.id.label("student_id"),
    StudentRow.forename,
    StudentRow.surname,
    StudentRow.candidate_number,
    SubmissionRow.qualification,
    SubmissionRow.title,
    SubmissionRow.declaration_signed,
    _Lead.name.label("lead_name"),
    _Second.name.label("second_name"),
    FinalisationRow.finalised_at,
    ConversationRow.version,
)


def _base() -> Any:
    return (
        select(*_RECORD_COLUMNS)
        .join(SubmissionRow, SubmissionRow.id == ConversationRow.submission_id)
        .join(StudentRow, StudentRow.id == SubmissionRow.student_id)
        .outerjoin(_Lead, _Lead.id == ConversationRow.led_by_id)
        .outerjoin(_Second, _Second.id == ConversationRow.second_staff_id)
        .outerjoin(FinalisationRow, FinalisationRow.conversation_id == ConversationRow.id)
    )


_STATUSES = {status.value: status for status in ConversationStatus}
_CONCLUSIONS = {conclusion.value: conclusion for conclusion in Conclusion}


def _to_record(row: Any) -> Conversation:
    # Unpacked by position (the order of _RECORD_COLUMNS): a list builds 200 of these per
    # keystroke in the filter box, and named access costs more than the dataclass itself.
    (
        conversation_id,
        submission_id,
        held_at,
        led_by_id,
        second_staff_id,
        others_present,
        status,
        conclusion,
        student_id,
        forename,
        surname,
        candidate_number,
        qualification,
        title,
        declaration_signed,
        lead_name,
        second_name,
        finalised_at,
        version,
    ) = row
    return Conversation(
        id=conversation_id,
        submission_id=submission_id,
        held_at=held_at,
        led_by_id=led_by_id,
        second_staff_id=second_staff_id,
        others_present=others_present,
        status=_STATUSES[status],
        conclusion=_CONCLUSIONS[conclusion] if conclusion else None,
        student_id=student_id,
        student_name=f"{forename} {surname}",
        candidate_number=candidate_number or "",
        qualification=qualification,
        submission_title=title,
        led_by_name=lead_name or "",
        second_staff_name=second_name or "",
        declaration_signed=declaration_signed,
        finalised_at=finalised_at,
        version=version,
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


def update(
    session: Session,
    conversation_id: int,
    draft: ConversationDraft,
    *,
    version: int | None = None,
) -> Conversation:
    """Change who, when and about what; ``version`` is the one the form started from."""
    row = versions.locked(session, ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    before = {f.name: getattr(row, f.name) for f in dataclasses.fields(ConversationDraft)}
    versions.check(
        session,
        row,
        version,
        entity="conversation",
        what=f"conversation {conversation_id}",
        theirs=_with_names(session, before),
        yours=_with_names(session, dataclasses.asdict(draft)),
    )
    ensure_editable(session, conversation_id)
    draft = check_conversation(draft)
    _check_refs(session, draft)
    after = dataclasses.asdict(draft)
    for key, value in after.items():
        setattr(row, key, value)
    changes = audit.diff(before, after)
    audit.record_changes(session, "conversation", row.id, changes, of=f"conversation {row.id}")
    return get(session, row.id)


def _with_names(session: Session, fields: dict[str, Any]) -> dict[str, Any]:
    """The draft's fields with staff named rather than numbered, as the conflict dialog shows."""
    named = dict(fields)
    for field in ("led_by_id", "second_staff_id"):
        person = session.get(StaffRow, named[field]) if named[field] is not None else None
        named[field] = person.name if person is not None else None
    return named


def get(session: Session, conversation_id: int) -> Conversation:
    result = session.execute(_base().where(ConversationRow.id == conversation_id)).first()
    if result is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    return _to_record(result)


def _conditions(
    query: ListQuery,
    submission_id: int | None,
    student_id: int | None,
    *,
    in_date_order: bool = False,
) -> list[ColumnElement[bool]]:
    """The filter as conditions on conversations alone.

    The search matches submissions (a few thousand rows, whose search key holds the student's),
    so the conversations are those of the matching submissions: the database reads the small
    table once and then only indexes of conversations, however many there are.  Every
    conversation has a submission and every submission a student (foreign keys), so no
    conversation is lost by not joining them here.

    ``in_date_order``: the window is to be found by walking the (held_at, submission_id) index
    from the newest and keeping the matches, which for a broad search stops after a few thousand
    entries; looking the matches up by submission instead must sort them all, which for a
    one-letter search is every conversation.  ``submission_id + 0`` tells the database not to
    look them up by submission (an expression cannot use that index); it is the same value.
    """
    conditions: list[ColumnElement[bool]] = []
    matching = select(SubmissionRow.id)
    narrowed = False
    search = matches_all(SubmissionRow.search_key, query.search)
    if search is not None:
        matching, narrowed = matching.where(search), True
    if student_id is not None:
        matching, narrowed = matching.where(SubmissionRow.student_id == student_id), True
    if narrowed:
        column: ColumnElement[int] = (
            ConversationRow.submission_id + literal_column("0")
            if in_date_order
            else ConversationRow.submission_id.expression
        )
        conditions.append(column.in_(matching))
    if submission_id is not None:
        conditions.append(ConversationRow.submission_id == submission_id)
    return conditions


def _share(session: Session, search: ColumnElement[bool]) -> tuple[int, int]:
    """How many submissions there are, and how many match the search.  SQLite counts both in
    one pass over the keys; PostgreSQL counts the matches from the trigram index (migration
    0006), which a pass that must read every key for the total cannot use: two index counts
    there take a tenth of the one pass (docs/performance.md), asked in one statement so that
    a keystroke waits for one round trip to the server rather than two."""
    if session.get_bind().dialect.name == "postgresql":
        total = select(func.count()).select_from(SubmissionRow).scalar_subquery()
        matching = select(func.count()).select_from(SubmissionRow).where(search)
        counted = session.execute(select(total, matching.scalar_subquery())).one()
        return counted[0] or 0, counted[1] or 0
    share = select(func.count(), func.sum(case((search, 1), else_=0)))
    total, matching = session.execute(share.select_from(SubmissionRow)).one()
    return total, matching or 0


def page(
    session: Session,
    query: ListQuery,
    *,
    submission_id: int | None = None,
    student_id: int | None = None,
    visible: ColumnElement[bool] | None = None,
) -> list[Conversation]:
    """One window of the list: the window's ids are found from indexes alone (joining only what
    the sort needs), and only those rows are read, by primary key, in the same statement.
    ``visible``: the conversations the reader may see (``app/storage/access.visible_to``)."""
    sort = query.sort if query.sort in SORTS else "held_at"
    descending = query.descending if query.sort else True
    key = (*SORTS[sort], ConversationRow.id)
    order = [c.desc() if descending else c.asc() for c in key]
    search = matches_all(SubmissionRow.search_key, query.search)
    walk = False
    if sort == "held_at" and search is not None and submission_id is None and student_id is None:
        total, matching = _share(session, search)
        walk = bool(matching) and matching >= _WALK_FROM * total
    conditions = _conditions(query, submission_id, student_id, in_date_order=walk)
    if visible is not None:
        conditions.append(visible)
    ids = select(ConversationRow.id).where(*conditions)
    needs = _SORT_NEEDS.get(sort)
    if needs in ("submission", "student"):
        ids = ids.join(SubmissionRow, SubmissionRow.id == ConversationRow.submission_id)
    if needs == "student":
        ids = ids.join(StudentRow, StudentRow.id == SubmissionRow.student_id)
    if needs == "lead":
        ids = ids.outerjoin(_Lead, _Lead.id == ConversationRow.led_by_id)
    if needs == "finalisation":
        ids = ids.outerjoin(FinalisationRow, FinalisationRow.conversation_id == ConversationRow.id)
    chosen = window(session, ids, query, key, descending=descending).subquery("chosen")
    statement = _base().join(chosen, chosen.c.id == ConversationRow.id).order_by(*order)
    return [_to_record(row) for row in session.execute(statement)]


def count(
    session: Session,
    query: ListQuery = ListQuery(),
    *,
    submission_id: int | None = None,
    student_id: int | None = None,
    up_to: int | None = None,
    visible: ColumnElement[bool] | None = None,
) -> int:
    """How many conversations the list holds.  With ``up_to``, a filtered count stops there (the
    result is then ``up_to``), which bounds the work of counting while the teacher types; the
    unfiltered total is always exact, as the database counts a whole index cheaply."""
    conditions = _conditions(query, submission_id, student_id)
    if visible is not None:
        conditions.append(visible)
    matching = select(ConversationRow.id).where(*conditions)
    if conditions and up_to is not None:
        matching = matching.limit(up_to)
    return session.scalar(select(func.count()).select_from(matching.subquery())) or 0
