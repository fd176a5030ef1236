"""Audit entries for documents that leave OwnWork: exported files and printed copies.

Saving or printing the written notice to the candidate also records the date it was given
(``app.storage.referrals.record_notice_given``): from then on the candidate has been told in
writing.

Each entry records the integrity code the document printed (for a finalised record, the code
frozen at finalisation), so a paper or PDF copy can later be matched to the exact state of the
record it was made from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from app.integrity.printed import load_printed
from app.storage import audit, referrals

KIND_LABELS: Final = {
    "record": "record",
    "student_copy": "student's copy",
    "referral": "referral pack",
    "notice": "written notice to the candidate",
    "statement_form": "statement form",
    "case_bundle": "case bundle",
}


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def audit_export(session: Session, conversation_id: int, kind: str, path: Path | str) -> None:
    """Record that a document about a conversation was written to ``path``."""
    code = load_printed(session, conversation_id).state.code
    audit.record(
        session,
        "export",
        "conversation",
        conversation_id,
        f"Exported the {_label(kind)} of conversation {conversation_id} to {Path(path).name}",
        {"kind": kind, "path": str(path), "content_hash": code},
    )
    _notice_given(session, conversation_id, kind)


def audit_print(session: Session, conversation_id: int, kind: str) -> None:
    """Record that a document about a conversation was sent to a printer."""
    code = load_printed(session, conversation_id).state.code
    audit.record(
        session,
        "print",
        "conversation",
        conversation_id,
        f"Printed the {_label(kind)} of conversation {conversation_id}",
        {"kind": kind, "content_hash": code},
    )
    _notice_given(session, conversation_id, kind)


def _notice_given(session: Session, conversation_id: int, kind: str) -> None:
    if kind == "notice":
        referrals.record_notice_given(session, conversation_id, dt.date.today())
