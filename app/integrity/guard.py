"""The one check every write path makes: is this conversation finalised?

Kept apart from ``finalise`` so the storage repositories can import it without an import cycle
(``finalise`` needs ``case_files``, which needs ``conversations``).  The database refuses the
same changes through triggers (migration 0002); this check comes first so the teacher reads a
sentence rather than a database error.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import OwnWorkError
from app.storage.models import AnswerRow, ExcerptRow
from app.storage.models_integrity import FinalisationRow


class RecordFinalisedError(OwnWorkError):
    """A change was asked of a finalised conversation."""


def describe_time(value: dt.datetime) -> str:
    """A time as a teacher reads it: local, e.g. "8 October 2026 at 09:30"."""
    local = value.astimezone()
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def finalised_row(session: Session, conversation_id: int) -> FinalisationRow | None:
    return session.get(FinalisationRow, conversation_id)


def ensure_editable(session: Session, conversation_id: int) -> None:
    """Raise ``RecordFinalisedError`` if the conversation has been finalised."""
    row = finalised_row(session, conversation_id)
    if row is not None:
        raise RecordFinalisedError(
            f"This conversation was finalised on {describe_time(row.finalised_at)} by "
            f"{row.finalised_by} and can no longer be changed; add an amendment instead."
        )


def ensure_answer_editable(session: Session, answer_id: int) -> None:
    """``ensure_editable`` for the conversation an answer belongs to (none: nothing to check)."""
    conversation_id = session.scalar(
        select(AnswerRow.conversation_id).where(AnswerRow.id == answer_id)
    )
    if conversation_id is not None:
        ensure_editable(session, conversation_id)


def ensure_excerpt_editable(session: Session, excerpt_id: int) -> None:
    """``ensure_editable`` for the conversation an excerpt belongs to (none: nothing to check)."""
    conversation_id = session.scalar(
        select(ExcerptRow.conversation_id).where(ExcerptRow.id == excerpt_id)
    )
    if conversation_id is not None:
        ensure_editable(session, conversation_id)
