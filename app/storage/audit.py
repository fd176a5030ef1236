"""The audit log: who changed what, when.  Append-only and hash-chained.

Each entry's hash covers its own content and the previous entry's hash, so removing or editing
an entry breaks the chain from that point on (checked by ``ownwork verify``).

``record`` and ``record_many`` queue a transaction's entries as its changes are made; they are
appended to the chain as the transaction commits (``_append_queued``, run by SQLAlchemy's
``before_commit``), all in one statement, so that on the school's server the chain's lock is
held only for the end of the commit and not while the transaction does its work
(docs/concurrency.md, "The chain lock").  An entry still commits with its change or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import (
    ClauseElement,
    Integer,
    Text,
    TextClause,
    bindparam,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.util import find_tables

from app.domain.records import AuditEntry
from app.storage import bulk
from app.storage.models import AuditRow, utcnow

GENESIS = "0" * 64
# The transaction-level advisory lock that serialises appends on a PostgreSQL server (any
# constant that no other program on the same database uses; these are "OWN" "WORK" in ASCII).
CHAIN_LOCK = 0x4F574E_574F524B
# Where a session keeps the entries queued by its transaction (``Session.info``).
_QUEUED = "ownwork.audit.queued"
# A transaction that queues this many entries (an import) appends them at once, and holds the
# chain's lock from then on, as every transaction did before: kept to the commit, an import's
# entries would cost it more memory per row than its own preview (tests/test_import_scale.py).
APPEND_EARLY_AT = 1_000
_AUDIT_TABLE = AuditRow.metadata.tables[AuditRow.__tablename__]


# Statements without parameters, because the driver (pg8000) sends one of those in a single
# round trip to the server, but one with parameters in three (parse, describe, execute): the
# head is read while the lock is held, and every round trip there is a wait for every writer.
_TAKE_THE_LOCK = text(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})")
_READ_THE_HEAD = text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")


def lock_chain(session: Session) -> None:
    """Hold the chain's head until this transaction ends, so two writers never both extend the
    same entry (a fork).  SQLite needs nothing here: one writer at a time holds the file, and a
    transaction that read an older head cannot commit over a newer one.  On PostgreSQL the
    lock is taken before the head is read and released at commit or rollback.

    It is held through the COMMIT, the server's flush to disk included, and cannot be let go
    sooner.  The next writer reads the head as soon as it has the lock, and PostgreSQL shows it
    this transaction's entry only once the COMMIT has finished: released before the COMMIT, the
    lock would let it read the head before ours and extend that one too (a fork), or extend
    ours in a transaction that then rolls back (a gap).  Releasing it between writing the commit
    record and flushing it (``synchronous_commit = off``) would keep the chain whole, since the
    server's log is flushed in order and a later entry cannot outlive an earlier one in a
    crash, but the app would then say "saved" for a record a power cut can still lose, which a
    school's record must never be.  What keeps the hold short instead is when it is taken: at
    the very end, for one head read, one INSERT and the COMMIT (``_append_queued``), each a
    round trip to the server."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_TAKE_THE_LOCK)


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
    """The hash of an entry given as its column values, ``at`` as ISO text (what ``verify``
    checks every entry against; ``_contents`` writes the same bytes faster when appending)."""
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


_READ_THE_HEAD_PAST_THE_POLICIES = text("SELECT ownwork_audit_head()")


def _head(session: Session) -> str | None:
    """The chain's newest hash.  On a school's server through its function, which reads past
    the row-level security that shows a login only part of the log; both statements go without
    parameters, in one round trip (see ``_TAKE_THE_LOCK``)."""
    if _server_functions(session):
        head = session.scalar(_READ_THE_HEAD_PAST_THE_POLICIES)
        return None if head is None else str(head)
    return session.scalars(_READ_THE_HEAD).first()


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    summary: str,
    changes: Mapping[str, Any] | None = None,
) -> None:
    """Add one entry to the caller's transaction, so the change and its trace commit together
    (appended to the chain as the transaction commits)."""
    record_many(session, [Pending(action, entity, entity_id, summary, changes)])


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


@dataclass(frozen=True)
class _Queued:
    """An entry waiting for its transaction's commit: its content as it will be hashed, who
    made it, and the (nested) transaction it was made in, which a rollback takes it away with."""

    action: str
    entity: str
    entity_id: int | None
    summary: str
    changes_json: str
    actor: str
    made_in: SessionTransaction | None


def record_many(session: Session, entries: Sequence[Pending]) -> None:
    """Add many entries to the caller's transaction (imports), in order.  Their changes are
    written out now, so a mapping the caller changes afterwards does not change the entry."""
    if not entries:
        return
    actor = str(session.info.get("actor", "unknown user"))
    made_in = session.get_nested_transaction() or session.get_transaction()
    queued: list[_Queued] = session.info.setdefault(_QUEUED, [])
    queued.extend(
        _Queued(
            entry.action,
            entry.entity,
            None if entry.entity_id is None else int(entry.entity_id),
            entry.summary,
            canonical(dict(entry.changes or {})),
            actor,
            made_in,
        )
        for entry in entries
    )
    if len(queued) >= APPEND_EARLY_AT:
        _append_queued(session)


def _append_queued(session: Session) -> None:
    """Append the entries the transaction queued to the chain, in one statement: take the
    chain's lock, read the head, chain the entries to it, INSERT them.  Run just before the
    COMMIT, so the lock (``lock_chain`` says why it lasts through the COMMIT) is held for as
    short a time as a write that must extend one shared chain allows."""
    queued: list[_Queued] = session.info.pop(_QUEUED, [])
    if not queued:
        return
    # The transaction's changes go to the server before the lock is taken, so that no writer
    # waits for row locks or triggers while holding the chain.
    session.flush()
    # Asked before the lock is taken: every round trip under it is a wait for every writer.
    _server_functions(session)
    lock_chain(session)
    head = _head(session)
    # One time for all the transaction's entries, taken under the lock so that the log's times
    # run in the order of its entries: when the transaction committed, give or take the flush.
    at = utcnow()
    links = [head or GENESIS]  # each entry's previous hash, then the last entry's own
    for content in _contents(queued, at.isoformat()):
        links.append(hashlib.sha256(f"{links[-1]}\n{content}".encode()).hexdigest())
    _insert(session, queued, at, links)


def _contents(queued: Sequence[_Queued], at_text: str) -> list[str]:
    """Each entry's canonical JSON, as ``_values_hash`` writes it, spelt out: its keys in
    sorted order and each text through the JSON encoder's own quoting, so the bytes are the
    same (the chain tests compare every entry with ``entry_hash``) at a fraction of the cost
    per entry (imports queue thousands)."""
    at_quoted = _quote(at_text)
    contents: list[str] = []
    for entry in queued:
        entity_id = "null" if entry.entity_id is None else str(entry.entity_id)
        contents.append(
            f'{{"action":{_quote(entry.action)},"actor":{_quote(entry.actor)},'
            f'"at":{at_quoted},"changes":{_quote(entry.changes_json)},'
            f'"entity":{_quote(entry.entity)},"entity_id":{entity_id},'
            f'"summary":{_quote(entry.summary)}}}'
        )
    return contents


# On PostgreSQL every entry goes in with one statement whatever their number (an autosave
# queues one, an import thousands): the columns as arrays, unnested in order.  Each row is an
# ordinary INSERT for the server, so its triggers on ``audit_log`` see every entry.
_INSERT_UNNESTED = text(
    "INSERT INTO audit_log"
    " (at, actor, action, entity, entity_id, summary, changes_json, prev_hash, hash)"
    " SELECT :at, e.actor, e.action, e.entity, e.entity_id, e.summary, e.changes_json,"
    " e.prev_hash, e.hash"
    " FROM unnest(:actor, :action, :entity, :entity_id, :summary, :changes_json, :prev_hash,"
    " :hash) WITH ORDINALITY"
    " AS e(actor, action, entity, entity_id, summary, changes_json, prev_hash, hash, n)"
    " ORDER BY e.n"
).bindparams(
    bindparam("at", type_=_AUDIT_TABLE.c.at.type),
    bindparam("entity_id", type_=ARRAY(Integer)),
    *(
        bindparam(name, type_=ARRAY(Text))
        for name in ("actor", "action", "entity", "summary", "changes_json", "prev_hash", "hash")
    ),
)
_COLUMNS = ("actor", "action", "entity", "entity_id", "summary", "changes_json")


def _insert(session: Session, queued: Sequence[_Queued], at: Any, links: Sequence[str]) -> None:
    """INSERT the chained entries: ``links`` holds each one's previous hash, then the last
    one's own hash."""
    if session.get_bind().dialect.name == "postgresql":
        columns: dict[str, Any] = {name: [getattr(q, name) for q in queued] for name in _COLUMNS}
        session.execute(
            _INSERT_UNNESTED, {**columns, "at": at, "prev_hash": links[:-1], "hash": links[1:]}
        )
        return
    rows = [
        (*(getattr(q, name) for name in _COLUMNS), prev, own)
        for q, prev, own in zip(queued, links, links[1:], strict=False)
    ]
    bulk.insert_many(session, _AUDIT_TABLE, rows, (*_COLUMNS, "prev_hash", "hash"), {"at": at})


# --- when queued entries are appended, and when they are dropped -------------------------------


def append_queued(session: Session) -> None:
    """Append what ``session`` queued now.  For a session that joins a connection's own
    transaction (IT's commands) and so never commits itself: without this, the hook below
    never runs and its entries would be dropped when it closes."""
    _append_queued(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # Also when a savepoint is released: the entries then go in inside it, which is correct
    # (a rollback of an enclosing transaction takes them away with it), only sooner.
    _append_queued(session)


@event.listens_for(Session, "do_orm_execute")
def _before_reading_the_log(state: ORMExecuteState) -> None:
    """A transaction that reads the audit log after queuing entries (an anchor printed after a
    change, a history shown in the same unit of work) reads them too, as it did when they went
    in at once: they are appended first, taking the chain's lock from then on."""
    if state.session.info.get(_QUEUED) and _mentions_the_log(state.statement):
        _append_queued(state.session)


def _mentions_the_log(statement: Any) -> bool:
    if isinstance(statement, TextClause):
        return _AUDIT_TABLE.name in statement.text
    if not isinstance(statement, ClauseElement):
        return False
    found = find_tables(
        statement,
        check_columns=True,
        include_aliases=True,
        include_joins=True,
        include_selects=True,
    )
    # Compared by name: an ORM statement holds the table annotated, a copy of it.
    return any(getattr(table, "name", None) == _AUDIT_TABLE.name for table in found)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """A rolled-back savepoint takes the entries made in it away; a rolled-back transaction all
    of them."""
    queued: list[_Queued] | None = session.info.get(_QUEUED)
    if not queued:
        return
    if previous_transaction.nested:
        queued[:] = [q for q in queued if q.made_in is not previous_transaction]
    else:
        queued.clear()


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # Nothing queued outlives its transaction, however it ended (a session closed mid-way).
    if transaction.parent is None:
        session.info.pop(_QUEUED, None)


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
