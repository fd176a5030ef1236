"""Reading a whole conversation back: its content, and the case file the documents print.

The write side of the walk-through lives in ``app.storage.interviews``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.interview import (
    Answer,
    CaseFile,
    Excerpt,
    IndicatorSeen,
    InterviewContent,
    Outcome,
    Preparation,
)
from app.domain.records import Conclusion, Rating
from app.errors import NotFoundError
from app.storage import conversations, staff, students, submissions
from app.storage.models import AnswerRow, ConversationRow, ExcerptRow, IndicatorRow


def _json(text: str, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def load_content(session: Session, conversation_id: int) -> InterviewContent:
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    header = conversations.get(session, conversation_id)
    indicators = tuple(
        IndicatorSeen(code=r.code, note=r.note)
        for r in session.scalars(
            select(IndicatorRow)
            .where(IndicatorRow.conversation_id == conversation_id)
            .order_by(IndicatorRow.id)
        )
    )
    excerpts = tuple(
        Excerpt(id=r.id, position=r.position, location=r.location, text=r.text)
        for r in session.scalars(
            select(ExcerptRow)
            .where(ExcerptRow.conversation_id == conversation_id)
            .order_by(ExcerptRow.position, ExcerptRow.id)
        )
    )
    answers = tuple(
        Answer(
            id=r.id,
            position=r.position,
            question_key=r.question_key,
            section_title=r.section_title,
            question_text=r.question_text,
            unscripted=r.unscripted,
            excerpt_id=r.excerpt_id,
            rating=Rating(r.rating) if r.rating else None,
            skipped=r.skipped,
            student_words=r.student_words,
            observations=r.observations,
        )
        for r in session.scalars(
            select(AnswerRow)
            .where(AnswerRow.conversation_id == conversation_id)
            .order_by(AnswerRow.position, AnswerRow.id)
        )
    )
    rights = _json(row.rights_json, {})
    preparation = Preparation(
        concern_summary=row.concern_summary,
        purpose_explained=row.purpose_explained,
        rights={str(k): bool(v) for k, v in rights.items()} if isinstance(rights, dict) else {},
        access_arrangements=row.access_arrangements,
        wellbeing_note=row.wellbeing_note,
        staff_only_note=row.staff_only_note,
        indicators=indicators,
        excerpts=excerpts,
    )
    snapshot = _json(row.script_snapshot, {})
    return InterviewContent(
        conversation=header,
        preparation=preparation,
        script_name=row.script_name,
        script_snapshot=snapshot if isinstance(snapshot, dict) else {},
        current_position=row.current_position,
        started_at=row.started_at,
        ended_at=row.ended_at,
        answers=answers,
        outcome=Outcome(
            conclusion=Conclusion(row.conclusion) if row.conclusion else None,
            student_account=row.student_account,
            next_step=row.next_step,
        ),
    )


def load_case(session: Session, conversation_id: int) -> CaseFile:
    content = load_content(session, conversation_id)
    submission = submissions.get(session, content.conversation.submission_id)
    return CaseFile(
        centre=staff.get_centre(session),
        student=students.get(session, submission.student_id),
        submission=submission,
        content=content,
    )
