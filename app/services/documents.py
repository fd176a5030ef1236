"""Use cases of the printed documents and the referral behind them: what a document prints,
that it was saved or printed (which the audit log and the referral's readiness go by), the
referral's facts and the written statements."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.principal import Principal
from app.services.base import (
    CONVERSATION,
    READERS,
    REFERRAL,
    Changes,
    Outcome,
    require_any,
    transaction,
)
from app.services.case_access import check_read

if TYPE_CHECKING:
    from app.documents.state import PrintedCase
    from app.domain.referral import ReferralFacts, Statement, StatementKind
    from app.storage.database import Database


def printed(principal: Principal, database: Database, conversation_id: int) -> PrintedCase:
    """The case and state a document about ``conversation_id`` prints now."""
    require_any(principal, READERS, "see a record")
    from app.integrity.printed import load_printed

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return load_printed(session, conversation_id)


def document_saved(
    principal: Principal, database: Database, conversation_id: int, kind: str, path: Path
) -> Outcome[None]:
    """Record that a document was written to ``path`` (a written notice: given today)."""
    require_any(principal, READERS, "save a document")
    if database.read_only:
        # The document is saved; a store that cannot be written cannot record it.
        return Outcome(None, Changes())
    from app.integrity.exports import audit_export

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        audit_export(session, conversation_id, kind, path)
    return Outcome(None, Changes.of(CONVERSATION, conversation_id) | Changes.of(REFERRAL))


def document_printed(
    principal: Principal, database: Database, conversation_id: int, kind: str
) -> Outcome[None]:
    require_any(principal, READERS, "print a document")
    if database.read_only:
        return Outcome(None, Changes())
    from app.integrity.exports import audit_print

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        audit_print(session, conversation_id, kind)
    return Outcome(None, Changes.of(CONVERSATION, conversation_id) | Changes.of(REFERRAL))


def referral_facts(principal: Principal, database: Database, conversation_id: int) -> ReferralFacts:
    require_any(principal, READERS, "see a referral")
    from app.storage import referrals

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return referrals.get_facts(session, conversation_id)


def record_referral_facts(
    principal: Principal,
    database: Database,
    conversation_id: int,
    changes: Mapping[str, Any],
) -> Outcome[PrintedCase]:
    """Change the named facts of a referral (the rest kept) and return what it now prints."""
    require_any(principal, READERS, "record a referral's facts")
    from app.integrity.printed import load_printed
    from app.storage import referrals

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        if changes:
            facts = referrals.get_facts(session, conversation_id)
            referrals.set_facts(session, conversation_id, dataclasses.replace(facts, **changes))
        case = load_printed(session, conversation_id)
    done = Changes.of(REFERRAL, conversation_id) if changes else Changes()
    return Outcome(case, done)


def add_statement(
    principal: Principal,
    database: Database,
    conversation_id: int,
    *,
    kind: StatementKind,
    author: str | None,
    text: str,
    given_on: dt.date,
    role: str = "",
) -> Outcome[Statement]:
    """Record a written statement; the candidate's (``author`` None) is in their own name."""
    require_any(principal, READERS, "record a statement")
    from app.integrity.printed import load_printed
    from app.storage import referrals

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        if author is None:
            author = load_printed(session, conversation_id).current.student.display_name
        made = referrals.add_statement(
            session,
            conversation_id,
            kind=kind,
            author=author,
            role=role,
            text=text,
            given_on=given_on,
        )
    return Outcome(made, Changes.of(REFERRAL, conversation_id))
