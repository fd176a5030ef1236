"""The history of a case or a student, as one list in time order.

It is read from the audit log, with each "attach" entry carrying its file's details and each
"amend" entry its correction.  An attachment or amendment with no audit entry (which
``verify`` reports) still appears, so nothing held about a student is hidden.  A case imported
from a bundle also shows the history it had on the machine it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.integrity import amendments, evidence
from app.integrity.amendments import Amendment
from app.integrity.evidence import Attachment
from app.storage import audit
from app.storage.models import (
    AnswerRow,
    AuditRow,
    ConversationRow,
    ExcerptRow,
    StudentRow,
    SubmissionRow,
)
from app.storage.portable_sql import json_int

HERE = ""
FROM_BUNDLE = "bundle"


@dataclass(frozen=True, kw_only=True)
class TimelineEvent:
    at: dt.datetime
    actor: str
    action: str  # create, update, delete, finalise, amend, attach, export, print, import
    summary: str
    record: str  # what it concerns, e.g. "conversation 3", "attachment 4"
    audit_id: int | None  # None: no audit entry (see ``verify``), or history from a bundle
    attachment: Attachment | None = None
    amendment: Amendment | None = None
    origin: str = HERE  # FROM_BUNDLE for history carried in by an imported case bundle

    @property
    def details(self) -> tuple[tuple[str, str], ...]:
        """Label and value pairs worth showing under the summary."""
        if self.attachment is not None:
            a = self.attachment
            return (
                ("File", a.name),
                ("Kind", a.kind_label),
                ("Size", human_size(a.size)),
                ("SHA-256", a.sha256),
            ) + ((("Note", a.note),) if a.note else ())
        if self.amendment is not None:
            m = self.amendment
            return (
                ("Field", m.label),
                ("Was", m.old_value),
                ("Now", m.new_value),
                ("Reason", m.reason),
            )
        return ()


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1_048_576:.1f} MB"


def _ids(session: Session, statement: Any) -> list[int]:
    return list(session.scalars(statement))


def _history(row: AuditRow) -> list[TimelineEvent]:
    """Entries carried in by an imported bundle (kept inside the import's own audit entry)."""
    found: list[TimelineEvent] = []
    history = audit.changes_of(row).get("history")
    if not isinstance(history, list):
        return found
    for item in history:
        if not isinstance(item, dict):
            continue
        try:
            at = dt.datetime.fromisoformat(str(item.get("at")))
        except ValueError:
            continue
        found.append(
            TimelineEvent(
                at=at if at.tzinfo else at.replace(tzinfo=dt.UTC),
                actor=str(item.get("actor", "")),
                action=str(item.get("action", "")),
                summary=str(item.get("summary", "")),
                record=str(item.get("record", "")),
                audit_id=None,
                origin=FROM_BUNDLE,
            )
        )
    return found


def _timeline(
    session: Session,
    conversation_ids: Sequence[int],
    submission_ids: Sequence[int],
    student_id: int | None,
) -> list[TimelineEvent]:
    answer_ids = _ids(
        session, select(AnswerRow.id).where(AnswerRow.conversation_id.in_(conversation_ids))
    )
    excerpt_ids = _ids(
        session, select(ExcerptRow.id).where(ExcerptRow.conversation_id.in_(conversation_ids))
    )
    files: list[Attachment] = []
    seen: set[int] = set()
    for conversation_id in conversation_ids:
        for attachment in evidence.list_for_conversation(session, conversation_id):
            if attachment.id not in seen:
                seen.add(attachment.id)
                files.append(attachment)
    for submission_id in submission_ids:
        for attachment in evidence.list_for_submission(session, submission_id):
            if attachment.id not in seen:
                seen.add(attachment.id)
                files.append(attachment)
    corrections = [a for c in conversation_ids for a in amendments.list_for(session, c)]
    by_attachment = {a.id: a for a in files}
    by_amendment = {a.id: a for a in corrections}
    # Removed excerpts and unscripted questions name their conversation in their changes.
    named = json_int(AuditRow.changes_json, "conversation_id")
    conditions: list[ColumnElement[bool]] = [
        and_(AuditRow.entity == "conversation", AuditRow.entity_id.in_(conversation_ids)),
        and_(AuditRow.entity == "submission", AuditRow.entity_id.in_(submission_ids)),
        and_(AuditRow.entity == "answer", AuditRow.entity_id.in_(answer_ids)),
        and_(AuditRow.entity == "excerpt", AuditRow.entity_id.in_(excerpt_ids)),
        and_(AuditRow.entity.in_(("excerpt", "answer")), named.in_(conversation_ids)),
        and_(AuditRow.entity == "attachment", AuditRow.entity_id.in_(list(by_attachment))),
        and_(AuditRow.entity == "amendment", AuditRow.entity_id.in_(list(by_amendment))),
    ]
    if student_id is not None:
        conditions.append(and_(AuditRow.entity == "student", AuditRow.entity_id == student_id))
    events: list[TimelineEvent] = []
    logged_files: set[int] = set()
    logged_corrections: set[int] = set()
    for row in session.scalars(select(AuditRow).where(or_(*conditions)).order_by(AuditRow.id)):
        attached: Attachment | None = None
        amended: Amendment | None = None
        if row.entity == "attachment":
            attached = by_attachment.get(row.entity_id or 0)
            logged_files.add(row.entity_id or 0)
        elif row.entity == "amendment":
            amended = by_amendment.get(row.entity_id or 0)
            logged_corrections.add(row.entity_id or 0)
        events.append(
            TimelineEvent(
                at=row.at,
                actor=row.actor,
                action=row.action,
                summary=row.summary,
                record=f"{row.entity} {row.entity_id}" if row.entity_id is not None else row.entity,
                audit_id=row.id,
                attachment=attached,
                amendment=amended,
            )
        )
        if row.action == "import":
            events.extend(_history(row))
    events.extend(_unlogged_files(files, logged_files))
    events.extend(_unlogged_corrections(corrections, logged_corrections))
    return sorted(events, key=lambda e: (e.at, e.audit_id or 0))


def _unlogged_files(files: Iterable[Attachment], logged: set[int]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=a.added_at,
            actor=a.added_by,
            action="attach",
            summary=f"Attached {a.name} (no audit entry: run Verify records)",
            record=f"attachment {a.id}",
            audit_id=None,
            attachment=a,
        )
        for a in files
        if a.id not in logged
    ]


def _unlogged_corrections(
    corrections: Iterable[Amendment], logged: set[int]
) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=m.at,
            actor=m.author,
            action="amend",
            summary=f"Amended {m.label} (no audit entry: run Verify records)",
            record=f"amendment {m.id}",
            audit_id=None,
            amendment=m,
        )
        for m in corrections
        if m.id not in logged
    ]


def for_conversation(session: Session, conversation_id: int) -> list[TimelineEvent]:
    """Everything that happened to one case: the conversation, its work, files, corrections."""
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    return _timeline(session, [conversation_id], [row.submission_id], None)


def for_student(session: Session, student_id: int) -> list[TimelineEvent]:
    """Everything held about one student, across all their submissions and conversations."""
    if session.get(StudentRow, student_id) is None:
        raise NotFoundError(f"There is no student with id {student_id}.")
    submission_ids = _ids(
        session, select(SubmissionRow.id).where(SubmissionRow.student_id == student_id)
    )
    conversation_ids = _ids(
        session,
        select(ConversationRow.id).where(ConversationRow.submission_id.in_(submission_ids)),
    )
    return _timeline(session, conversation_ids, submission_ids, student_id)
