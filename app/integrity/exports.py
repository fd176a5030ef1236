"""Audit entries for documents that leave OwnWork: exported files and printed copies.

Each entry records the integrity code of the record at that moment, so a paper or PDF copy can
later be matched to the exact state of the record it was made from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from app.domain import canonical
from app.storage import audit, case_files

KIND_LABELS: Final = {
    "record": "record",
    "student_copy": "student's copy",
    "referral": "referral",
    "case_bundle": "case bundle",
}


def _label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " "))


def audit_export(session: Session, conversation_id: int, kind: str, path: Path | str) -> None:
    """Record that a document about a conversation was written to ``path``."""
    code = canonical.integrity_code(case_files.load_case(session, conversation_id))
    audit.record(
        session,
        "export",
        "conversation",
        conversation_id,
        f"Exported the {_label(kind)} of conversation {conversation_id} to {Path(path).name}",
        {"kind": kind, "path": str(path), "content_hash": code},
    )


def audit_print(session: Session, conversation_id: int, kind: str) -> None:
    """Record that a document about a conversation was sent to a printer."""
    code = canonical.integrity_code(case_files.load_case(session, conversation_id))
    audit.record(
        session,
        "print",
        "conversation",
        conversation_id,
        f"Printed the {_label(kind)} of conversation {conversation_id}",
        {"kind": kind, "content_hash": code},
    )
