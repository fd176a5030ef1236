"""Two staff changing the same record: the second save is refused, with both versions.

Every editable row carries ``version`` (app/storage/models.py ``Versioned``, migration 0006).
A form remembers the version it was opened at and its save passes it on; the repository reads
the row with :func:`locked` (``SELECT … FOR UPDATE`` on PostgreSQL, so a save running at the
same moment waits for this one to commit and then sees the new version; SQLite has one writer
at a time anyway) and calls :func:`check` before changing anything.  When the versions differ,
:class:`app.errors.ConflictError` carries who saved last and when (the audit log's newest entry
for the record), their version and the form's, field by field.  ``None`` as the expected version
means "whatever is there now" (imports, and "apply mine over theirs" passes their version).
A form whose every field already equals the stored record saves without a question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.dates import format_uk_date
from app.errors import ConflictError, FieldVersions
from app.storage.models import AuditRow

R = TypeVar("R")

# What a form calls its fields, where the field's name does not say it plainly.
_LABELS = {
    "upn": "UPN",
    "reg_group": "Registration group",
    "year_group": "Year",
    "candidate_number": "Candidate number",
    "handed_in_on": "Handed in on",
    "declaration_signed_on": "Declaration signed on",
    "held_at": "Held at",
    "led_by_id": "Led by",
    "second_staff_id": "Second member of staff",
    "submission_id": "Submission",
    "student_id": "Student",
    "head_name": "Head of centre",
    "head_email": "Head of centre's email",
    "head_phone": "Head of centre's telephone",
    "late_after_days": "Late after (school days)",
}


def label(field: str) -> str:
    return _LABELS.get(field, field.replace("_", " ").capitalize())


def shown(value: Any) -> str:
    """A field's value as the conflict dialog and the CLI show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return format_uk_date(value)
    return str(getattr(value, "value", value))


def locked(session: Session, row_type: type[R], record_id: int) -> R | None:
    """The row as committed now, held until this transaction ends (PostgreSQL)."""
    return session.get(row_type, record_id, with_for_update=True, populate_existing=True)


def check(
    session: Session,
    row: Any,
    expected: int | None,
    *,
    entity: str,
    what: str,
    theirs: Mapping[str, Any],
    yours: Mapping[str, Any],
) -> None:
    """Refuse the save when ``row`` is no longer at the ``expected`` version."""
    if expected is None or row.version == expected:
        return
    if all(theirs.get(name) == value for name, value in yours.items()):
        return  # the form would save what is there now: nothing to choose between
    last = session.execute(
        select(AuditRow.actor, AuditRow.at)
        .where(AuditRow.entity == entity, AuditRow.entity_id == row.id)
        .order_by(AuditRow.id.desc())
        .limit(1)
    ).first()
    raise ConflictError(
        entity=entity,
        record_id=row.id,
        what=what,
        changed_by=last.actor if last else "",
        changed_at=last.at if last else None,
        their_version=row.version,
        your_version=expected,
        fields=[
            FieldVersions(label(name), shown(theirs.get(name)), shown(value))
            for name, value in yours.items()
        ],
    )
