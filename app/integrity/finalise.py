"""Finalising a concluded conversation: its content is frozen under a SHA-256 integrity code.

The code is ``app.domain.canonical.integrity_code`` of the case at that moment; the canonical
text is kept beside it so that ``verify`` can later say which field changed.  From then on the
record is read-only (``app.integrity.guard``, and triggers in the database); corrections are
amendments (``app.integrity.amendments``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import canonical
from app.domain.records import ConversationStatus
from app.errors import NotFoundError, OwnWorkError
from app.integrity.guard import describe_time
from app.storage import audit, case_files
from app.storage.models import ConversationRow, utcnow
from app.storage.models_integrity import FinalisationRow


@dataclass(frozen=True, kw_only=True)
class Finalisation:
    conversation_id: int
    finalised_at: dt.datetime
    finalised_by: str
    content_hash: str


def _to_record(row: FinalisationRow) -> Finalisation:
    return Finalisation(
        conversation_id=row.conversation_id,
        finalised_at=row.finalised_at,
        finalised_by=row.finalised_by,
        content_hash=row.content_hash,
    )


def finalise(session: Session, conversation_id: int) -> Finalisation:
    """Freeze a concluded conversation; its integrity code is recorded in the audit log too."""
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    existing = session.get(FinalisationRow, conversation_id)
    if existing is not None:
        raise OwnWorkError(
            f"Conversation {conversation_id} was already finalised on "
            f"{describe_time(existing.finalised_at)} by {existing.finalised_by}."
        )
    if row.status != ConversationStatus.CONCLUDED.value:
        raise OwnWorkError(
            f"Conversation {conversation_id} has not been concluded yet; only a concluded "
            "conversation can be finalised."
        )
    case = case_files.load_case(session, conversation_id)
    code = canonical.integrity_code(case)
    finalisation = FinalisationRow(
        conversation_id=conversation_id,
        finalised_at=utcnow(),
        finalised_by=str(session.info.get("actor", "unknown user")),
        content_hash=code,
        canonical_format=canonical.FORMAT,
        canonical_json=canonical.canonical_json(case),
    )
    session.add(finalisation)
    session.flush()
    audit.record(
        session,
        "finalise",
        "conversation",
        conversation_id,
        f"Finalised conversation {conversation_id} (integrity code {canonical.grouped(code)})",
        {"content_hash": code, "format": canonical.FORMAT},
    )
    return _to_record(finalisation)


def get(session: Session, conversation_id: int) -> Finalisation | None:
    row = session.get(FinalisationRow, conversation_id)
    return _to_record(row) if row is not None else None


def finalised_among(session: Session, conversation_ids: Iterable[int]) -> set[int]:
    """Which of the given conversations are finalised (for list views and menus)."""
    ids = list(conversation_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(FinalisationRow.conversation_id).where(
                    FinalisationRow.conversation_id.in_(ids[start : start + 500])
                )
            )
        )
    return found
