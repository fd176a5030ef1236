"""Amendments: corrections to a concluded record, kept beside the original and never in place.

An amendment names a field by its path in the canonical record (``app.domain.canonical``), e.g.
``answers.3.student_words`` or ``outcome.next_step``; list items are numbered from 1, as they are
printed.  It stores the value it corrects (the original, or the previous amendment of the same
field), the new value, a reason, its author and time.  The record itself, and a finalised
record's integrity code, stay as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import canonical, rights
from app.domain.interview import (
    Answer,
    CaseFile,
    Excerpt,
    IndicatorSeen,
    InterviewContent,
    Preparation,
)
from app.domain.records import Centre, Conversation, ConversationStatus, Student, Submission
from app.domain.text import clean_block, has_control_characters
from app.errors import NotFoundError, OwnWorkError, ValidationError
from app.storage import audit, case_files
from app.storage.models import ConversationRow, utcnow
from app.storage.models_integrity import AmendmentRow, FinalisationRow

REASON_MAX: Final = 5_000
VALUE_MAX: Final = 200_000
# Structure, not content: numbering and the format tag cannot be amended.
_NOT_AMENDABLE = {"format", "position", "number", "question_key"}


def _template_order() -> dict[str, int]:
    """Each key's place in the canonical record's reading order, from a blank record."""
    blank = CaseFile(
        centre=Centre(),
        student=Student(id=0, surname="", forename=""),
        submission=Submission(id=0, student_id=0, awarding_body="", qualification=""),
        content=InterviewContent(
            conversation=Conversation(id=0, submission_id=0, held_at=dt.datetime.now(dt.UTC)),
            preparation=Preparation(indicators=(IndicatorSeen(code=""),), excerpts=(Excerpt(),)),
            answers=(Answer(),),
        ),
    )
    order: dict[str, int] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                order.setdefault(key, len(order))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(canonical.canonical_content(blank))
    return order


_ORDER: Final = _template_order()


def _reading_order(path: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, _ORDER.get(part, len(_ORDER)), part)
        for part in path.split(".")
    )


_SECTIONS = {
    "centre": "Centre",
    "student": "Student",
    "submission": "Submission",
    "conversation": "Conversation",
    "preparation": "Preparation",
    "outcome": "Outcome",
    "rights": "Rights checklist",
}
_ITEMS = {"answers": "Question", "excerpts": "Excerpt", "indicators": "Sign of concern"}


@dataclass(frozen=True, kw_only=True)
class Amendment:
    id: int
    conversation_id: int
    path: str
    label: str
    old_value: str
    new_value: str
    reason: str
    author: str
    at: dt.datetime
    code: str = ""  # ``digest`` of the stored amendment: what ``verify`` checks and paper prints


@dataclass(frozen=True, kw_only=True)
class AmendableField:
    path: str
    label: str
    value: str  # as it stands now: the original, or its latest amendment


def display_value(value: Any) -> str:
    """A canonical leaf as text: booleans as yes/no, missing values as an empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) for every leaf of a canonical record, lists numbered from 1."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaves(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            yield from leaves(item, f"{prefix}{number}.")
    else:
        yield prefix[:-1], value


def field_label(path: str) -> str:
    """A readable name for a path, e.g. "Question 3: student words"."""
    parts = path.split(".")
    words: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        if part in _ITEMS and index + 1 < len(parts):
            words.append(f"{_ITEMS[part]} {parts[index + 1]}")
            index += 2
            continue
        if part in _SECTIONS and index < len(parts) - 1:
            words.append(_SECTIONS[part])
        else:
            words.append(part.replace("_", " "))
        index += 1
    if len(words) == 1:
        return words[0].capitalize()
    return f"{' › '.join(words[:-1])}: {words[-1]}"


def audit_changes(row: AmendmentRow) -> dict[str, Any]:
    """What an amendment's audit entry records: enough for ``verify`` to tell it was altered."""
    return {"conversation_id": row.conversation_id, "path": row.path, "digest": digest(row)}


def digest(row: AmendmentRow) -> str:
    """SHA-256 over everything an amendment says; its audit entry keeps a copy for ``verify``."""
    content = json.dumps(
        {
            "conversation_id": row.conversation_id,
            "path": row.path,
            "old_value": row.old_value,
            "new_value": row.new_value,
            "reason": row.reason,
            "author": row.author,
            "at": row.at.astimezone(dt.UTC).isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _original_content(session: Session, conversation_id: int) -> dict[str, Any]:
    """The record as concluded: the frozen copy if finalised, otherwise as stored now."""
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    if row.status != ConversationStatus.CONCLUDED.value:
        raise OwnWorkError(
            f"Conversation {conversation_id} has not been concluded yet: change the record "
            "itself rather than amending it."
        )
    finalisation = session.get(FinalisationRow, conversation_id)
    if finalisation is not None:
        content: dict[str, Any] = json.loads(finalisation.canonical_json)
        return content
    return canonical.canonical_content(case_files.load_case(session, conversation_id))


def _rows(session: Session, conversation_id: int) -> list[AmendmentRow]:
    return list(
        session.scalars(
            select(AmendmentRow)
            .where(AmendmentRow.conversation_id == conversation_id)
            .order_by(AmendmentRow.at, AmendmentRow.id)
        )
    )


def amendable_fields(session: Session, conversation_id: int) -> list[AmendableField]:
    """Every field that can be amended, in the record's order, with its current value."""
    content = _original_content(session, conversation_id)
    # Every right on the checklist can be recorded later, even one never ticked or stored.
    ticked = content["preparation"]["rights"]
    for item in rights.RIGHTS:
        ticked.setdefault(item.key, False)
    latest = {row.path: row.new_value for row in _rows(session, conversation_id)}
    found = [
        AmendableField(
            path=path, label=field_label(path), value=latest.get(path, display_value(value))
        )
        for path, value in leaves(content)
        if path.split(".")[-1] not in _NOT_AMENDABLE
    ]
    return sorted(found, key=lambda f: _reading_order(f.path))


def _to_record(row: AmendmentRow) -> Amendment:
    return Amendment(
        id=row.id,
        conversation_id=row.conversation_id,
        path=row.path,
        label=field_label(row.path),
        old_value=row.old_value,
        new_value=row.new_value,
        reason=row.reason,
        author=row.author,
        at=row.at,
        code=digest(row),
    )


def add(
    session: Session, conversation_id: int, *, path: str, new_value: str, reason: str
) -> Amendment:
    """Record a correction of one field; refuses unknown fields, no reason, or no change."""
    fields = {f.path: f for f in amendable_fields(session, conversation_id)}
    errors: dict[str, str] = {}
    found = fields.get(path.strip())
    if found is None:
        errors["path"] = (
            f"'{path}' is not a field of this record that can be amended "
            "(for example outcome.next_step or answers.2.student_words)."
        )
    value = clean_block(new_value)
    if len(value) > VALUE_MAX:
        errors["value"] = f"The new value is too long ({len(value):,} characters)."
    elif has_control_characters(value):
        errors["value"] = "The new value contains control characters that cannot be stored."
    elif found is not None and value == found.value:
        errors["value"] = "The new value is the same as the current one."
    why = clean_block(reason)
    if not why:
        errors["reason"] = "Give the reason for the amendment."
    elif len(why) > REASON_MAX:
        errors["reason"] = f"The reason is too long ({len(why):,} characters; at most 5,000)."
    elif has_control_characters(why):
        errors["reason"] = "The reason contains control characters that cannot be stored."
    if errors:
        raise ValidationError(errors)
    assert found is not None
    row = AmendmentRow(
        conversation_id=conversation_id,
        path=found.path,
        old_value=found.value,
        new_value=value,
        reason=why,
        author=str(session.info.get("actor", "unknown user")),
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "amend",
        "amendment",
        row.id,
        f"Amended {found.label} of conversation {conversation_id}",
        audit_changes(row),
    )
    return _to_record(row)


def list_for(session: Session, conversation_id: int) -> list[Amendment]:
    """The amendments of one conversation, oldest first."""
    return [_to_record(row) for row in _rows(session, conversation_id)]
