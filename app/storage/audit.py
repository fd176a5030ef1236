"""The audit log: who changed what, when.  Append-only and hash-chained.

Each entry's hash covers its own content and the previous entry's hash, so removing or editing
an entry breaks the chain from that point on (checked by ``ownwork verify``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain.records import AuditEntry
from app.storage import bulk
from app.storage.models import AuditRow, utcnow

GENESIS = "0" * 64
# The transaction-level advisory lock that serialises appends on a PostgreSQL server (any
# constant that no other program on the same database uses; these are "OWN" "WORK" in ASCII).
CHAIN_LOCK = 0x4F574E_574F524B


def lock_chain(session: Session) -> None:
    """Hold the chain's head until this transaction ends, so two writers never both extend the
    same entry (a fork).  SQLite needs nothing here: one writer at a time holds the file, and a
    transaction that read an older head cannot commit over a newer one.  On PostgreSQL the
    lock is taken before the head is read and released at commit or rollback."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


# One encoder for every entry: ``json.dumps`` with options builds a new one per call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
)


_quote = encode_basestring


def canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


def entry_hash(prev_hash: str, row: AuditRow) -> str:
    return _values_hash(
        prev_hash,
        {
            "at": row.at.isoformat(),
            "actor": row.actor,
            "action": row.action,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "summary": row.summary,
            "changes_json": row.changes_json,
        },
    )


def _values_hash(prev_hash: str, values: Mapping[str, Any]) -> str:
    """The hash of an entry given as its column values, ``at`` as ISO text (``record_many``
    builds no rows, and formats its one time once)."""
    content = canonical(
        {
            "at": values["at"],
            "actor": values["actor"],
            "action": values["action"],
            "entity": values["entity"],
            "entity_id": values["entity_id"],
            "summary": values["summary"],
            "changes": values["changes_json"],
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def _server_functions(session: Session) -> bool:
    """Whether this is a school's server with the chain's own functions (``server init``
    makes them): a login there may read only part of the log, but extends the whole chain."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    if "audit_functions" not in session.info:
        session.info["audit_functions"] = bool(
            session.scalar(text("SELECT to_regprocedure('ownwork_audit_head()') IS NOT NULL"))
        )
    return bool(session.info["audit_functions"])


def _head(session: Session) -> str | None:
    if _server_functions(session):
        head = session.scalar(text("SELECT ownwork_audit_head()"))
        return None if head is None else str(head)
    return session.scalars(select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)).first()


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    summary: str,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry in the caller's transaction, so the change and its trace commit together."""
    lock_chain(session)
    prev = _head(session) or GENESIS
    row = AuditRow(
        at=utcnow(),
        actor=str(session.info.get("actor", "unknown user")),
        action=action,
        entity=entity,
        entity_id=entity_id,
        summary=summary,
        changes_json=canonical(dict(changes or {})),
        prev_hash=prev,
        hash="",
    )
    row.hash = entry_hash(prev, row)
    session.add(row)


def record_changes(
    session: Session, entity: str, entity_id: int, changes: Mapping[str, Any], *, of: str
) -> None:
    """An "update" entry naming the fields that changed ("Changed title, year of …" ``of``);
    none when nothing did, so saving an unchanged form leaves no trace."""
    if changes:
        record(
            session, "update", entity, entity_id, f"Changed {', '.join(changes)} of {of}", changes
        )


def changes_of(row: AuditRow) -> dict[str, Any]:
    """An entry's recorded changes; an empty dict for text that is not a JSON object (an entry
    altered behind the app's back is reported by ``ownwork verify``, not here)."""
    try:
        value = json.loads(row.changes_json)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Pending:
    """One entry for ``record_many``: the arguments ``record`` takes."""

    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes: Mapping[str, Any] | None = None


def record_many(session: Session, entries: Sequence[Pending]) -> None:
    """Append many entries in one statement (imports), chained exactly as ``record`` chains them.

    ``record`` looks up the previous hash once per entry; thousands of entries need one look-up.
    """
    if not entries:
        return
    lock_chain(session)
    prev = _head(session) or GENESIS
    at = utcnow()
    actor = str(session.info.get("actor", "unknown user"))
    at_text = at.isoformat()
    rows: list[tuple[Any, ...]] = []
    # The canonical JSON that ``_values_hash`` hashes, spelt out: its keys in sorted order and
    # each text through the JSON encoder's own quoting, so the bytes are the same (the chain
    # tests compare every entry with ``entry_hash``) at a fraction of the cost per entry.
    middle = f',"actor":{_quote(actor)},"at":{_quote(at_text)},"changes":'
    for entry in entries:
        changes_json = canonical(dict(entry.changes or {}))
        entity_id = "null" if entry.entity_id is None else str(int(entry.entity_id))
        content = (
            f'{{"action":{_quote(entry.action)}{middle}{_quote(changes_json)},'
            f'"entity":{_quote(entry.entity)},"entity_id":{entity_id},'
            f'"summary":{_quote(entry.summary)}}}'
        )
        digest = hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()
        rows.append(
            (entry.action, entry.entity, entry.entity_id, entry.summary, changes_json, prev, digest)
        )
        prev = digest
    bulk.insert_many(
        session,
        AuditRow.metadata.tables[AuditRow.__tablename__],
        rows,
        ("action", "entity", "entity_id", "summary", "changes_json", "prev_hash", "hash"),
        same={"at": at, "actor": actor},
    )


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields that changed, as ``{field: [old, new]}``."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def entries_for(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    rows = session.scalars(
        select(AuditRow)
        .where(AuditRow.entity == entity, AuditRow.entity_id == entity_id)
        .order_by(AuditRow.id)
    )
    return [
        AuditEntry(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            summary=r.summary,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ChainAnchor:
    """Where the audit chain stood at a moment: how many entries it held and the last one's hash.

    Printed on documents, written into backups and case bundles, and checked by ``verify``: a
    later chain that does not pass through this point has lost or rewritten history.
    """

    position: int
    head: str

    def __str__(self) -> str:
        return f"{self.position}:{self.head}"

    @property
    def short(self) -> str:
        """The form printed on paper: "audit 1,234 · 9f2c41ab7d03"."""
        return f"audit {self.position:,} · {self.head[:12]}"


def anchor(session: Session) -> ChainAnchor:
    """The chain's current anchor; an empty chain stands at position 0 on the genesis hash."""
    if _server_functions(session):
        entries, head = session.execute(text("SELECT * FROM ownwork_audit_anchor()")).one()
        return ChainAnchor(int(entries), head) if head else ChainAnchor(0, GENESIS)
    last = session.execute(
        select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
    ).first()
    if last is None:
        return ChainAnchor(0, GENESIS)
    return ChainAnchor(count(session), last.hash)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditRow)) or 0
