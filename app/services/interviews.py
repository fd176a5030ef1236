"""Use cases of the walk-through: what a conversation holds (its interview content)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.principal import Principal
from app.services.base import READERS, require_any, transaction

if TYPE_CHECKING:
    from app.domain.interview import InterviewContent
    from app.storage.database import Database


def content(principal: Principal, database: Database, conversation_id: int) -> InterviewContent:
    """The conversation's header and walk-through, as the record holds them now."""
    require_any(principal, READERS, "see a conversation")
    from app.storage import case_files

    with transaction(database, principal) as session:
        return case_files.load_content(session, conversation_id)
