"""Cases handed on and review notes: rows added, never changed (on a server, triggers refuse
an UPDATE or DELETE and set who and when from the session), each with its audit entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.records import Conversation
from app.domain.sharing import ReviewNote, Share
from app.errors import ValidationError
from app.storage import audit, conversations
from app.storage.access import passed_to_exams_officer
from app.storage.models import ConversationRow, StaffRow
from app.storage.models_access import ConversationShareRow, ReviewNoteRow
from app.storage.models_referral import ReferralFactsRow


def _share(row: ConversationShareRow) -> Share:
    return Share(
        conversation_id=row.conversation_id,
        passed_to_role=row.passed_to_role,
        shared_with_login=row.shared_with_login,
        by_login=row.by_login,
        at=row.at,
        note=row.note,
    )


def hand_on(
    session: Session,
    conversation_id: int,
    *,
    by_login: str,
    to_role: str | None = None,
    to_login: str | None = None,
    note: str = "",
) -> Share:
    """Pass the case to a role or share it with one colleague (exactly one of the two)."""
    if to_login is not None:
        known = session.scalar(
            select(StaffRow.id).where(StaffRow.login == to_login, StaffRow.active)
        )
        if known is None:
            raise ValidationError({"with": f"No member of staff has the login {to_login}."})
    row = ConversationShareRow(
        conversation_id=conversation_id,
        passed_to_role=to_role,
        shared_with_login=to_login,
        by_login=by_login,
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    if to_role is not None:
        action, summary = "pass-on", f"Passed conversation {conversation_id} to the {to_role}"
    else:
        action, summary = "share", f"Shared conversation {conversation_id} with {to_login}"
    audit.record(
        session,
        action,
        "conversation",
        conversation_id,
        summary,
        {"to_role": to_role, "to_login": to_login, "note": row.note},
    )
    return _share(row)


def shares_of(session: Session, conversation_id: int) -> list[Share]:
    rows = session.scalars(
        select(ConversationShareRow)
        .where(ConversationShareRow.conversation_id == conversation_id)
        .order_by(ConversationShareRow.id)
    )
    return [_share(row) for row in rows]


def waiting(session: Session) -> list[Conversation]:
    """Cases passed to the exams officer whose referral has not been started (no referral
    facts recorded yet), the longest waiting first."""
    first_passed = (
        select(ConversationShareRow.conversation_id, ConversationShareRow.id)
        .where(ConversationShareRow.passed_to_role.is_not(None))
        .order_by(ConversationShareRow.id)
    )
    ids = session.scalars(
        select(ConversationRow.id).where(
            passed_to_exams_officer(),
            ConversationRow.id.not_in(select(ReferralFactsRow.conversation_id)),
        )
    ).all()
    order = {cid: position for position, (cid, _) in enumerate(session.execute(first_passed))}
    return [conversations.get(session, cid) for cid in sorted(ids, key=lambda c: order[c])]


def add_review_note(
    session: Session, conversation_id: int, *, author_login: str, text: str
) -> ReviewNote:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError({"text": "A review note needs some text."})
    row = ReviewNoteRow(conversation_id=conversation_id, author_login=author_login, text=cleaned)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "review-note",
        "conversation",
        conversation_id,
        f"Wrote a review note on conversation {conversation_id}",
        {"text": cleaned},
    )
    return _note(row)


def review_notes_of(session: Session, conversation_id: int) -> list[ReviewNote]:
    rows = session.scalars(
        select(ReviewNoteRow)
        .where(ReviewNoteRow.conversation_id == conversation_id)
        .order_by(ReviewNoteRow.id)
    )
    return [_note(row) for row in rows]


def _note(row: ReviewNoteRow) -> ReviewNote:
    return ReviewNote(
        conversation_id=row.conversation_id,
        author_login=row.author_login,
        written_at=row.written_at,
        text=row.text,
    )
