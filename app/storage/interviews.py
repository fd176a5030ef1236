"""Writing the walk-through of one conversation: prepare, converse, conclude.

The read side is ``app.storage.case_files.load_content``.  Every function takes the caller's
session, so a change and its audit entry commit together.  The audit log records which fields
changed and how long the texts became, never the notes themselves: the record holds those.

``current_position`` is the index of the question on screen; ``len(answers)`` means the teacher
has moved on to the conclusion.  Once a conversation is concluded its record is locked.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.indicators import BY_CODE as INDICATORS_BY_CODE
from app.domain.interview import LOCATION_MAX as LOCATION_MAX
from app.domain.interview import QUESTION_MAX as QUESTION_MAX
from app.domain.interview import Answer, Excerpt, IndicatorSeen, Route, route_for
from app.domain.records import Conclusion, ConversationDraft, ConversationStatus, Rating
from app.domain.rights import BY_KEY as RIGHTS_BY_KEY
from app.domain.text import clean_block
from app.domain.validation import check_text, raise_if
from app.errors import NotFoundError, ValidationError
from app.integrity import guard
from app.storage import audit, conversations
from app.storage.models import (
    AnswerRow,
    ConversationRow,
    ExcerptRow,
    IndicatorRow,
    SubmissionRow,
    utcnow,
)

# Notes are typed live and pasted from documents; 100,000 characters must fit comfortably.
TEXT_MAX: Final = 200_000
SCRIPT_NAME_MAX: Final = 200
SECTION_TITLE_MAX: Final = 200
QUESTION_KEY_MAX: Final = 80
UNSCRIPTED_SECTION: Final = "unscripted"


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Passed for an optional field that may also be set to None: leave the stored value alone."""


# --- validation -------------------------------------------------------------------------------


def _text(
    errors: dict[str, str],
    field: str,
    value: str,
    *,
    label: str,
    max_len: int = TEXT_MAX,
    line: bool = False,
    required: bool = False,
) -> str:
    """``check_text`` with the walk-through's defaults: free text, up to ``TEXT_MAX``."""
    return check_text(
        errors, field, value, label=label, max_len=max_len, line=line, required=required
    )


def _length_change(before: str, after: str) -> dict[str, list[int]]:
    return {"length": [len(before), len(after)]}


def _apply_texts(row: Any, texts: Mapping[str, str]) -> dict[str, Any]:
    """Set the changed text fields on ``row``; the audit log gets their lengths, not the text."""
    changes: dict[str, Any] = {}
    for field, value in texts.items():
        before = getattr(row, field)
        if before != value:
            changes[field] = _length_change(before, value)
            setattr(row, field, value)
    return changes


# --- loading rows -----------------------------------------------------------------------------

_LOCKED = "This conversation has been concluded; its record can no longer be changed."


def _conversation(
    session: Session, conversation_id: int, *allowed: ConversationStatus
) -> ConversationRow:
    # Held until the transaction ends (PostgreSQL): two staff saving into the same conversation
    # at once take turns, the later one writing over the earlier (docs/concurrency.md), rather
    # than the later one failing on the version the first has just moved on.
    row = session.get(ConversationRow, conversation_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    status = ConversationStatus(row.status)
    if status not in allowed:
        if status is ConversationStatus.CONCLUDED:
            raise ValidationError({"status": _LOCKED})
        if status is ConversationStatus.PREPARING:
            raise ValidationError({"status": "The conversation has not begun yet."})
        raise ValidationError({"status": "The conversation has already begun."})
    return row


_EDITABLE = (ConversationStatus.PREPARING, ConversationStatus.IN_PROGRESS)


def _answer(session: Session, answer_id: int) -> tuple[AnswerRow, ConversationRow]:
    row = session.get(AnswerRow, answer_id)
    if row is None:
        raise NotFoundError(f"There is no answer with id {answer_id}.")
    return row, _conversation(session, row.conversation_id, ConversationStatus.IN_PROGRESS)


def _excerpt(session: Session, excerpt_id: int) -> tuple[ExcerptRow, ConversationRow]:
    row = session.get(ExcerptRow, excerpt_id)
    if row is None:
        raise NotFoundError(f"There is no excerpt with id {excerpt_id}.")
    return row, _conversation(session, row.conversation_id, *_EDITABLE)


def _answer_rows(session: Session, conversation_id: int) -> list[AnswerRow]:
    return list(
        session.scalars(
            select(AnswerRow)
            .where(AnswerRow.conversation_id == conversation_id)
            .order_by(AnswerRow.position, AnswerRow.id)
        )
    )


def _excerpt_rows(session: Session, conversation_id: int) -> list[ExcerptRow]:
    return list(
        session.scalars(
            select(ExcerptRow)
            .where(ExcerptRow.conversation_id == conversation_id)
            .order_by(ExcerptRow.position, ExcerptRow.id)
        )
    )


def _to_answer(row: AnswerRow) -> Answer:
    return Answer(
        id=row.id,
        position=row.position,
        question_key=row.question_key,
        section_title=row.section_title,
        question_text=row.question_text,
        unscripted=row.unscripted,
        excerpt_id=row.excerpt_id,
        rating=Rating(row.rating) if row.rating else None,
        skipped=row.skipped,
        student_words=row.student_words,
        observations=row.observations,
    )


def _to_excerpt(row: ExcerptRow) -> Excerpt:
    return Excerpt(id=row.id, position=row.position, location=row.location, text=row.text)


# --- prepare ----------------------------------------------------------------------------------

_PREPARATION_TEXTS = {
    "concern_summary": "The concern",
    "access_arrangements": "Access arrangements",
    "wellbeing_note": "Wellbeing",
    "staff_only_note": "Staff-only note",
}


def save_preparation(
    session: Session,
    conversation_id: int,
    *,
    concern_summary: str | None = None,
    purpose_explained: bool | None = None,
    rights: Mapping[str, bool] | None = None,
    access_arrangements: str | None = None,
    wellbeing_note: str | None = None,
    staff_only_note: str | None = None,
) -> None:
    """Store the given preparation fields; fields left as None are not touched."""
    guard.ensure_editable(session, conversation_id)
    row = _conversation(session, conversation_id, *_EDITABLE)
    errors: dict[str, str] = {}
    texts = {
        "concern_summary": concern_summary,
        "access_arrangements": access_arrangements,
        "wellbeing_note": wellbeing_note,
        "staff_only_note": staff_only_note,
    }
    cleaned = {
        field: _text(errors, field, value, label=_PREPARATION_TEXTS[field])
        for field, value in texts.items()
        if value is not None
    }
    rights_json: str | None = None
    if rights is not None:
        unknown = sorted(set(rights) - set(RIGHTS_BY_KEY))
        if unknown:
            errors["rights"] = f"Unknown checklist items: {', '.join(unknown)}."
        # Stored in checklist order with every item present, so the record reads the same way.
        rights_json = json.dumps({key: bool(rights.get(key, False)) for key in RIGHTS_BY_KEY})
    raise_if(errors)
    changes = _apply_texts(row, cleaned)
    if purpose_explained is not None and row.purpose_explained != purpose_explained:
        changes["purpose_explained"] = [row.purpose_explained, purpose_explained]
        row.purpose_explained = purpose_explained
    if rights_json is not None and rights_json != row.rights_json:
        old = _rights(row.rights_json)
        new = json.loads(rights_json)
        changes["rights"] = {
            key: [old.get(key, False), new[key]] for key in new if old.get(key, False) != new[key]
        }
        row.rights_json = rights_json
    audit.record_changes(
        session, "conversation", conversation_id, changes, of=f"conversation {conversation_id}"
    )


def _rights(text: str) -> dict[str, bool]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): bool(v) for k, v in value.items()} if isinstance(value, dict) else {}


def set_people(
    session: Session,
    conversation_id: int,
    *,
    led_by_id: int | None,
    second_staff_id: int | None,
    others_present: str,
) -> None:
    """Who is present: the lead, the second member of staff and anyone else."""
    guard.ensure_editable(session, conversation_id)
    _conversation(session, conversation_id, *_EDITABLE)
    header = conversations.get(session, conversation_id)
    draft = ConversationDraft(
        submission_id=header.submission_id,
        held_at=header.held_at,
        led_by_id=led_by_id,
        second_staff_id=second_staff_id,
        others_present=others_present,
    )
    conversations.update(session, conversation_id, draft)


def set_indicators(
    session: Session, conversation_id: int, indicators: Sequence[IndicatorSeen]
) -> tuple[IndicatorSeen, ...]:
    """Replace the signs the teacher saw (one note each) with ``indicators``."""
    guard.ensure_editable(session, conversation_id)
    _conversation(session, conversation_id, *_EDITABLE)
    errors: dict[str, str] = {}
    wanted: dict[str, str] = {}
    for item in indicators:
        if item.code not in INDICATORS_BY_CODE:
            errors[f"indicator.{item.code}"] = f"'{item.code}' is not a known sign."
            continue
        if item.code in wanted:
            errors[f"indicator.{item.code}"] = "The same sign is listed twice."
            continue
        wanted[item.code] = _text(
            errors, f"indicator.{item.code}", item.note, label="The note on this sign"
        )
    raise_if(errors)
    existing = {
        row.code: row
        for row in session.scalars(
            select(IndicatorRow).where(IndicatorRow.conversation_id == conversation_id)
        )
    }
    changes: dict[str, Any] = {}
    for code, row in existing.items():
        if code not in wanted:
            session.delete(row)
            changes[code] = "removed"
    for code, note in wanted.items():
        found = existing.get(code)
        if found is None:
            session.add(IndicatorRow(conversation_id=conversation_id, code=code, note=note))
            changes[code] = {"added": True, "note_length": len(note)}
        elif found.note != note:
            changes[code] = {"note_length": [len(found.note), len(note)]}
            found.note = note
    if changes:
        audit.record(
            session,
            "update",
            "conversation",
            conversation_id,
            f"Changed the signs of concern recorded for conversation {conversation_id}",
            {"indicators": changes},
        )
    session.flush()
    return tuple(
        IndicatorSeen(code=r.code, note=r.note)
        for r in session.scalars(
            select(IndicatorRow)
            .where(IndicatorRow.conversation_id == conversation_id)
            .order_by(IndicatorRow.id)
        )
    )


def _excerpt_fields(location: str, text: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    location = _text(
        errors, "location", location, label="Where it is", max_len=LOCATION_MAX, line=True
    )
    text = _text(errors, "text", text, label="The excerpt", required=True)
    raise_if(errors)
    return location, text


def add_excerpt(session: Session, conversation_id: int, *, location: str, text: str) -> Excerpt:
    """Append an excerpt of the work to ask about."""
    guard.ensure_editable(session, conversation_id)
    _conversation(session, conversation_id, *_EDITABLE)
    location, text = _excerpt_fields(location, text)
    position = len(_excerpt_rows(session, conversation_id))
    row = ExcerptRow(
        conversation_id=conversation_id, position=position, location=location, text=text
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "excerpt",
        row.id,
        f"Added excerpt {position + 1} to conversation {conversation_id}",
        {"conversation_id": conversation_id, "location": location, "text_length": len(text)},
    )
    return _to_excerpt(row)


def update_excerpt(session: Session, excerpt_id: int, *, location: str, text: str) -> Excerpt:
    guard.ensure_excerpt_editable(session, excerpt_id)
    row, _ = _excerpt(session, excerpt_id)
    location, text = _excerpt_fields(location, text)
    changes: dict[str, Any] = {}
    if row.location != location:
        changes["location"] = [row.location, location]
        row.location = location
    if row.text != text:
        changes["text"] = _length_change(row.text, text)
        row.text = text
    if changes:
        audit.record(
            session,
            "update",
            "excerpt",
            row.id,
            f"Changed excerpt {row.position + 1} of conversation {row.conversation_id}",
            changes,
        )
    return _to_excerpt(row)


def remove_excerpt(session: Session, excerpt_id: int) -> tuple[Excerpt, ...]:
    """Remove an excerpt nobody has answered about yet; returns the excerpts that remain."""
    guard.ensure_excerpt_editable(session, excerpt_id)
    row, conversation = _excerpt(session, excerpt_id)
    used = session.scalars(
        select(AnswerRow).where(
            AnswerRow.excerpt_id == excerpt_id,
            (AnswerRow.rating.is_not(None))
            | (AnswerRow.student_words != "")
            | (AnswerRow.observations != ""),
        )
    ).first()
    if used is not None:
        raise ValidationError(
            {
                "excerpt": "Question "
                f"{used.position + 1} was answered about this excerpt, so it is part of the "
                "record and cannot be removed."
            }
        )
    for answer in session.scalars(select(AnswerRow).where(AnswerRow.excerpt_id == excerpt_id)):
        answer.excerpt_id = None
    position = row.position
    session.delete(row)
    session.flush()
    remaining = _excerpt_rows(session, conversation.id)
    for index, other in enumerate(remaining):
        other.position = index
    audit.record(
        session,
        "delete",
        "excerpt",
        excerpt_id,
        f"Removed excerpt {position + 1} from conversation {conversation.id}",
        {"conversation_id": conversation.id, "position": position},
    )
    return tuple(_to_excerpt(r) for r in remaining)


def move_excerpt(session: Session, excerpt_id: int, position: int) -> tuple[Excerpt, ...]:
    """Move an excerpt to ``position`` (clamped to the list); returns the new order."""
    guard.ensure_excerpt_editable(session, excerpt_id)
    row, conversation = _excerpt(session, excerpt_id)
    rows = _excerpt_rows(session, conversation.id)
    old = rows.index(row)
    rows.pop(old)
    new = max(0, min(position, len(rows)))
    rows.insert(new, row)
    for index, other in enumerate(rows):
        other.position = index
    if old != new:
        audit.record(
            session,
            "update",
            "excerpt",
            excerpt_id,
            f"Moved excerpt {old + 1} of conversation {conversation.id} to place {new + 1}",
            {"position": [old, new]},
        )
    return tuple(_to_excerpt(r) for r in rows)


# --- converse ---------------------------------------------------------------------------------


def _script_questions(snapshot: Mapping[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(question key, section title, question text, anchored) for each question, in order."""
    problem = "The interview script is not in the expected form"
    sections = snapshot.get("sections")
    if not isinstance(sections, list):
        raise ValidationError({"script": f"{problem}: it has no list of sections."})
    found: list[tuple[str, str, str, bool]] = []
    keys: set[str] = set()
    for s_index, section in enumerate(sections, start=1):
        if not isinstance(section, Mapping) or not isinstance(section.get("questions"), list):
            raise ValidationError({"script": f"{problem}: section {s_index} has no questions."})
        title = str(section.get("title", ""))
        if len(title) > SECTION_TITLE_MAX:
            raise ValidationError({"script": f"{problem}: section {s_index} title is too long."})
        for q_index, question in enumerate(section["questions"], start=1):
            where = f"section {s_index}, question {q_index}"
            if not isinstance(question, Mapping):
                raise ValidationError({"script": f"{problem}: {where} is not a question."})
            key = f"{section.get('id', '')}.{question.get('id', '')}"
            text = str(question.get("text", "")).strip()
            if not text:
                raise ValidationError({"script": f"{problem}: {where} has no text."})
            if len(key) > QUESTION_KEY_MAX or key in keys:
                raise ValidationError({"script": f"{problem}: {where} has a bad or repeated id."})
            keys.add(key)
            found.append((key, title, text, bool(question.get("anchor_excerpt", False))))
    return found


def begin(
    session: Session, conversation_id: int, snapshot: Mapping[str, Any], script_name: str
) -> tuple[Answer, ...]:
    """Start the conversation with a copy of the script: one answer per question, in order.

    The snapshot is stored as JSON, so later edits to the script (or to the dict passed in)
    never reach this record.  Anchored questions take the excerpts in turn.
    """
    guard.ensure_editable(session, conversation_id)
    row = _conversation(session, conversation_id, ConversationStatus.PREPARING)
    errors: dict[str, str] = {}
    if not row.purpose_explained:
        errors["purpose_explained"] = (
            "Confirm that the student was told the purpose of the conversation."
        )
    name = _text(
        errors,
        "script_name",
        script_name,
        label="Script name",
        max_len=SCRIPT_NAME_MAX,
        line=True,
    )
    raise_if(errors)
    questions = _script_questions(snapshot)
    try:
        frozen = json.dumps(snapshot, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ValidationError({"script": "The interview script cannot be stored."}) from error
    excerpts = _excerpt_rows(session, conversation_id)
    anchored = 0
    for position, (key, section_title, text, anchor) in enumerate(questions):
        excerpt_id = None
        if anchor and excerpts:
            excerpt_id = excerpts[anchored % len(excerpts)].id
            anchored += 1
        session.add(
            AnswerRow(
                conversation_id=conversation_id,
                position=position,
                question_key=key,
                section_title=section_title,
                question_text=text,
                excerpt_id=excerpt_id,
            )
        )
    row.script_snapshot = frozen
    row.script_name = name
    row.status = ConversationStatus.IN_PROGRESS.value
    row.started_at = utcnow()
    row.current_position = 0
    session.flush()
    audit.record(
        session,
        "update",
        "conversation",
        conversation_id,
        f"Began conversation {conversation_id} with the script '{name}'",
        {
            "status": [ConversationStatus.PREPARING.value, ConversationStatus.IN_PROGRESS.value],
            "script_id": str(snapshot.get("id", "")),
            "script_version": snapshot.get("version"),
            "questions": len(questions),
        },
    )
    return tuple(_to_answer(r) for r in _answer_rows(session, conversation_id))


def update_answer(
    session: Session,
    answer_id: int,
    *,
    rating: Rating | Literal[_Keep.KEEP] | None = KEEP,
    skipped: bool | None = None,
    student_words: str | None = None,
    observations: str | None = None,
    excerpt_id: int | Literal[_Keep.KEEP] | None = KEEP,
) -> Answer:
    """Change the given parts of one answer; others are left alone."""
    guard.ensure_answer_editable(session, answer_id)
    row, conversation = _answer(session, answer_id)
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    if student_words is not None:
        texts["student_words"] = _text(
            errors, "student_words", student_words, label="What the student said"
        )
    if observations is not None:
        texts["observations"] = _text(
            errors, "observations", observations, label="What you observed"
        )
    if excerpt_id is not KEEP and excerpt_id is not None:
        excerpt = session.get(ExcerptRow, excerpt_id)
        if excerpt is None or excerpt.conversation_id != conversation.id:
            errors["excerpt_id"] = "That excerpt is not part of this conversation."
    raise_if(errors)
    changes = _apply_texts(row, texts)
    if rating is not KEEP:
        stored = rating.value if rating is not None else None
        if row.rating != stored:
            changes["rating"] = [row.rating, stored]
            row.rating = stored
    if skipped is not None and row.skipped != skipped:
        changes["skipped"] = [row.skipped, skipped]
        row.skipped = skipped
    if excerpt_id is not KEEP and row.excerpt_id != excerpt_id:
        changes["excerpt_id"] = [row.excerpt_id, excerpt_id]
        row.excerpt_id = excerpt_id
    audit.record_changes(
        session,
        "answer",
        row.id,
        changes,
        of=f"question {row.position + 1} in conversation {conversation.id}",
    )
    return _to_answer(row)


def add_question(
    session: Session, conversation_id: int, *, after_answer_id: int | None, text: str
) -> tuple[Answer, ...]:
    """Insert an unscripted question after the given answer (or first); returns all answers."""
    guard.ensure_editable(session, conversation_id)
    _conversation(session, conversation_id, ConversationStatus.IN_PROGRESS)
    errors: dict[str, str] = {}
    text = _text(
        errors, "question_text", text, label="The question", max_len=QUESTION_MAX, required=True
    )
    raise_if(errors)
    rows = _answer_rows(session, conversation_id)
    index = 0
    section_title = ""
    if after_answer_id is not None:
        after = next((r for r in rows if r.id == after_answer_id), None)
        if after is None:
            raise NotFoundError(
                f"There is no answer with id {after_answer_id} in this conversation."
            )
        index = rows.index(after) + 1
        section_title = after.section_title
    number = 1 + sum(1 for r in rows if r.unscripted)
    row = AnswerRow(
        conversation_id=conversation_id,
        position=index,
        question_key=f"{UNSCRIPTED_SECTION}.{number}",
        section_title=section_title,
        question_text=text,
        unscripted=True,
    )
    rows.insert(index, row)
    # Shift later questions down in reverse so positions stay distinct at every step.
    for position in range(len(rows) - 1, -1, -1):
        rows[position].position = position
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "answer",
        row.id,
        f"Added an unscripted question as question {index + 1} of conversation {conversation_id}",
        {"conversation_id": conversation_id, "position": index, "text_length": len(text)},
    )
    return tuple(_to_answer(r) for r in rows)


def set_position(session: Session, conversation_id: int, position: int) -> None:
    """Remember where the teacher is (navigation is not content, so it is not audited)."""
    guard.ensure_editable(session, conversation_id)
    row = _conversation(session, conversation_id, ConversationStatus.IN_PROGRESS)
    count = (
        session.scalar(
            select(func.count())
            .select_from(AnswerRow)
            .where(AnswerRow.conversation_id == conversation_id)
        )
        or 0
    )
    if not 0 <= position <= count:
        raise ValidationError({"position": f"There is no question {position + 1}."})
    row.current_position = position


# --- conclude ---------------------------------------------------------------------------------


def save_outcome(
    session: Session,
    conversation_id: int,
    *,
    conclusion: Conclusion | Literal[_Keep.KEEP] | None = KEEP,
    student_account: str | None = None,
    next_step: str | None = None,
) -> None:
    """Keep the conclusion as it is being written, before the teacher finishes."""
    guard.ensure_editable(session, conversation_id)
    row = _conversation(session, conversation_id, ConversationStatus.IN_PROGRESS)
    changes = _apply_outcome(row, conclusion, student_account, next_step)
    audit.record_changes(session, "conversation", row.id, changes, of=f"conversation {row.id}")


def _apply_outcome(
    row: ConversationRow,
    conclusion: Conclusion | Literal[_Keep.KEEP] | None,
    student_account: str | None,
    next_step: str | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    texts: dict[str, str] = {}
    if student_account is not None:
        texts["student_account"] = _text(
            errors, "student_account", student_account, label="The student's account"
        )
    if next_step is not None:
        texts["next_step"] = _text(errors, "next_step", next_step, label="The next step")
    raise_if(errors)
    changes = _apply_texts(row, texts)
    if conclusion is not KEEP:
        stored = conclusion.value if conclusion is not None else None
        if row.conclusion != stored:
            changes["conclusion"] = [row.conclusion, stored]
            row.conclusion = stored
    return changes


def conclude(
    session: Session,
    conversation_id: int,
    *,
    conclusion: Conclusion,
    student_account: str,
    next_step: str,
) -> Route:
    """Finish the conversation and lock its record; returns the route the conclusion takes."""
    guard.ensure_editable(session, conversation_id)
    row = _conversation(session, conversation_id, ConversationStatus.IN_PROGRESS)
    submission = session.get(SubmissionRow, row.submission_id)
    route = route_for(conclusion, bool(submission and submission.declaration_signed))
    if route is not Route.NONE and not clean_block(next_step):
        raise ValidationError(
            {
                "next_step": "Record the next step: the action the centre takes."
                if route is Route.INTERNAL
                else "Record the next step: the referral to the awarding body."
            }
        )
    changes = _apply_outcome(row, conclusion, student_account, next_step)
    changes["status"] = [row.status, ConversationStatus.CONCLUDED.value]
    changes["route"] = route.value
    row.status = ConversationStatus.CONCLUDED.value
    row.ended_at = utcnow()
    row.current_position = len(_answer_rows(session, conversation_id))
    audit.record(
        session,
        "update",
        "conversation",
        row.id,
        f"Concluded conversation {row.id}: {conclusion.value}",
        changes,
    )
    return route
