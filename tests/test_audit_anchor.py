"""The audit chain's anchor: the position and head printed on paper and stored with backups."""

from __future__ import annotations

from app.storage import audit
from app.storage.database import Database


def test_empty_chain_stands_at_genesis(store: Database) -> None:
    with store.transaction() as session:
        assert audit.anchor(session) == audit.ChainAnchor(0, audit.GENESIS)


def test_anchor_follows_the_newest_entry(store: Database, conversation_id: int) -> None:
    with store.transaction() as session:
        before = audit.anchor(session)
        audit.record(session, "note", "conversation", conversation_id, "A test entry")
    with store.transaction() as session:
        after = audit.anchor(session)
        newest = session.scalars(
            audit.select(audit.AuditRow.hash).order_by(audit.AuditRow.id.desc()).limit(1)
        ).one()
        total = audit.count(session)
    assert after.position == before.position + 1 == total
    assert after.head == newest != before.head
    assert after.short == f"audit {after.position:,} · {newest[:12]}"
    assert str(after) == f"{after.position}:{newest}"
