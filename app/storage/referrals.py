"""The referral's facts and the written statements of one conversation (``models_referral``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.referral import ReferralFacts, Statement, StatementKind
from app.domain.text import clean_block, clean_line, has_control_characters
from app.errors import NotFoundError, ValidationError
from app.storage import audit
from app.storage.models import ConversationRow
from app.storage.models_referral import ReferralFactsRow, StatementRow

STATEMENT_MAX = 50_000
_YES_NO = {True: "yes", False: "no", None: ""}


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _check_conversation(session: Session, conversation_id: int) -> None:
    if session.get(ConversationRow, conversation_id) is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")


def get_facts(session: Session, conversation_id: int) -> ReferralFacts:
    row = session.get(ReferralFactsRow, conversation_id)
    if row is None:
        return ReferralFacts()
    return ReferralFacts(
        concern_arose_on=row.concern_arose_on,
        concern_noticed_by=row.concern_noticed_by,
        ai_tool=row.ai_tool,
        ai_output_kept=_flag(row.ai_output_kept),
        info_for_candidates_given=_flag(row.info_for_candidates_given),
        notice_given_on=row.notice_given_on,
    )


def set_facts(
    session: Session, conversation_id: int, facts: ReferralFacts, *, today: dt.date | None = None
) -> ReferralFacts:
    """Store the facts, refusing dates in the future and text that cannot be stored."""
    _check_conversation(session, conversation_id)
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    for name, label in (
        ("concern_arose_on", "The date the concern arose"),
        ("notice_given_on", "The date the notice was given"),
    ):
        value = getattr(facts, name)
        if value is not None and value > today:
            errors[name] = f"{label} cannot be in the future."
    noticed_by = clean_line(facts.concern_noticed_by)
    tool = clean_line(facts.ai_tool)
    for name, value, limit in (("concern_noticed_by", noticed_by, 100), ("ai_tool", tool, 200)):
        if len(value) > limit:
            errors[name] = f"Too long ({len(value):,} characters; at most {limit})."
        elif has_control_characters(value):
            errors[name] = "Contains control characters that cannot be stored."
    if errors:
        raise ValidationError(errors)
    clean = dataclasses.replace(facts, concern_noticed_by=noticed_by, ai_tool=tool)
    before = dataclasses.asdict(get_facts(session, conversation_id))
    row = session.get(ReferralFactsRow, conversation_id)
    if row is None:
        row = ReferralFactsRow(conversation_id=conversation_id)
        session.add(row)
    row.concern_arose_on = clean.concern_arose_on
    row.concern_noticed_by = clean.concern_noticed_by
    row.ai_tool = clean.ai_tool
    row.ai_output_kept = _YES_NO[clean.ai_output_kept]
    row.info_for_candidates_given = _YES_NO[clean.info_for_candidates_given]
    row.notice_given_on = clean.notice_given_on
    session.flush()
    changes = audit.diff(before, dataclasses.asdict(clean))
    if changes:
        audit.record(
            session,
            "update",
            "referral_facts",
            conversation_id,
            f"Recorded the referral's facts for conversation {conversation_id}",
            changes,
        )
    return clean


def record_notice_given(session: Session, conversation_id: int, on: dt.date) -> ReferralFacts:
    """The written notice was given (saved or printed) on ``on``; the first date is kept."""
    facts = get_facts(session, conversation_id)
    if facts.notice_given_on is not None:
        return facts
    return set_facts(session, conversation_id, dataclasses.replace(facts, notice_given_on=on))


def _statement(row: StatementRow) -> Statement:
    return Statement(
        id=row.id,
        conversation_id=row.conversation_id,
        kind=StatementKind(row.kind),
        author=row.author,
        role=row.role,
        given_on=row.given_on,
        text=row.text,
        recorded_by=row.recorded_by,
    )


def add_statement(
    session: Session,
    conversation_id: int,
    *,
    kind: StatementKind,
    author: str,
    text: str,
    given_on: dt.date,
    role: str = "",
    today: dt.date | None = None,
) -> Statement:
    """Record a written statement as the text its author gave."""
    _check_conversation(session, conversation_id)
    errors: dict[str, str] = {}
    who = clean_line(author)
    what = clean_block(text)
    job = clean_line(role)
    if not who:
        errors["author"] = "Give the name of the person who made the statement."
    elif len(who) > 100 or has_control_characters(who):
        errors["author"] = "The name is too long or contains characters that cannot be stored."
    if len(job) > 100 or has_control_characters(job):
        errors["role"] = "The role is too long or contains characters that cannot be stored."
    if not what:
        errors["text"] = "The statement is empty."
    elif len(what) > STATEMENT_MAX:
        errors["text"] = f"The statement is too long ({len(what):,} characters; at most 50,000)."
    elif has_control_characters(what):
        errors["text"] = "The statement contains control characters that cannot be stored."
    if given_on > (today or dt.date.today()):
        errors["given_on"] = "The date the statement was given cannot be in the future."
    if errors:
        raise ValidationError(errors)
    row = StatementRow(
        conversation_id=conversation_id,
        kind=kind.value,
        author=who,
        role=job,
        given_on=given_on,
        text=what,
        recorded_by=str(session.info.get("actor", "unknown user")),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "statement",
        row.id,
        f"Recorded a {kind.value} statement for conversation {conversation_id}",
        {"conversation_id": conversation_id, "kind": kind.value, "author": who},
    )
    return _statement(row)


def statements_for(session: Session, conversation_id: int) -> list[Statement]:
    rows = session.scalars(
        select(StatementRow)
        .where(StatementRow.conversation_id == conversation_id)
        .order_by(StatementRow.given_on, StatementRow.id)
    )
    return [_statement(row) for row in rows]
