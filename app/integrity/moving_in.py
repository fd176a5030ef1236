"""Moving a teacher's personal store into a school's server, inside the server's transaction.

``copy_records`` copies every record table, giving each row a new id on the server and
rewriting the foreign keys through the ids it gave (``Moved.ids``); students and staff already
on the server with the same details are reused, a student whose candidate number or UPN is
taken by different details is refused.  Conversations' parts are inserted before their
finalisation (the server's triggers refuse them after it), and every finalised record's
integrity code is recomputed on the server: a record that would not print the same code is
refused.  ``copy_evidence`` copies the files into the server's evidence store.
``keep_history`` stores the personal audit chain verbatim as an imported segment, records the
id map, and writes the server's own entries: one per record moved in (the finalise, amend and
attach entries ``verify`` cross-checks, with the server's ids) and one anchoring the segment by
its head hash and position.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.orm import Session

from app.domain import canonical
from app.errors import OwnWorkError
from app.integrity import amendments, evidence
from app.integrity.blobs import BlobStore
from app.storage import audit, case_files, staff
from app.storage.audit import ChainAnchor, Pending
from app.storage.models import AuditRow, Base, StaffRow, StudentRow
from app.storage.models_integrity import AmendmentRow, AttachmentRow, FinalisationRow
from app.storage.models_server import ImportedSegmentRow

# Copied in this order: every foreign key points to a table copied before it, and a
# conversation's parts come before its finalisation.
COPIED: Final = (
    "staff",
    "students",
    "submissions",
    "conversations",
    "conversation_excerpts",
    "conversation_indicators",
    "conversation_answers",
    "referral_facts",
    "statements",
    "attachments",
    "amendments",
    "finalisations",
)
# Tables that are not copied row by row, and why (a table in neither list stops the move, so
# a table added later cannot be left behind unnoticed: tests/test_moving_in.py).
NOT_COPIED: Final = {
    "centre": "the centre's details are taken only when the server has none",
    "audit_log": "kept verbatim as an imported segment",
    "evidence_blobs": "a personal store keeps its evidence in its data folder",
    "evidence_chunks": "a personal store keeps its evidence in its data folder",
    "audit_imported_segments": "a personal store has imported nothing",
    "audit_imported_entries": "a personal store has imported nothing",
    "audit_imported_ids": "a personal store has imported nothing",
    "departments": "departments are the server's own (IT sets them with the staff accounts)",
    "department_staff": "departments are the server's own (IT sets them with the staff accounts)",
    "conversation_shares": "a personal store has one member of staff: nothing is passed on",
    "review_notes": "a personal store has no head of department to review it",
    "subject_access_log": "a personal store's data protection requests are its teacher's",
}
# The audit log's name for the records of a table (the id map uses it, so that an imported
# entry's entity and id lead to the server's record).
ENTITY: Final = {
    "staff": "staff",
    "students": "student",
    "submissions": "submission",
    "conversations": "conversation",
    "conversation_excerpts": "excerpt",
    "conversation_indicators": "indicator",
    "conversation_answers": "answer",
    "statements": "statement",
    "attachments": "attachment",
    "amendments": "amendment",
}
_STUDENT_DETAILS = ("surname", "forename", "candidate_number", "upn", "reg_group", "year_group")
_BATCH = 1_000


@dataclass
class Moved:
    """What was moved: the server id each source id became, per table, and the counts."""

    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    reused: Counter[str] = field(default_factory=Counter)  # matched to records already there
    centre_kept: bool = False  # the server's own centre details differ and were kept


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _rows(session: Session, table: Table) -> list[dict[str, Any]]:
    primary = list(table.primary_key.columns)
    result = session.execute(select(table).order_by(*primary))
    return [dict(row._mapping) for row in result]


def check_tables(source: Session) -> None:
    """Refuse a store holding a table this version does not know how to move."""
    present = set(inspect(source.connection()).get_table_names()) - {"alembic_version"}
    unknown = sorted(present - set(COPIED) - set(NOT_COPIED))
    if unknown:
        raise OwnWorkError(
            f"The personal store has tables this version of OwnWork cannot move "
            f"({', '.join(unknown)}). Use the OwnWork version that wrote it."
        )


def _server_students(target: Session, rows: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    """Students already on the server sharing a candidate number or UPN with ``rows``, by
    ("candidate_number" or "upn", value): looked up a batch at a time."""
    found: dict[tuple[str, str], Any] = {}
    for key, column in (("candidate_number", StudentRow.candidate_number), ("upn", StudentRow.upn)):
        wanted = sorted({row[key] for row in rows if row[key]})
        for start in range(0, len(wanted), _BATCH):
            for there in target.scalars(
                select(StudentRow).where(column.in_(wanted[start : start + _BATCH]))
            ):
                found[(key, getattr(there, key))] = there
    return found


def _existing_students(target: Session, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Source student ids already on the server (same candidate number or UPN, every detail
    the same) with their server ids; refused when the details differ (two records cannot
    share them)."""
    there_by = _server_students(target, rows)
    same: dict[int, int] = {}
    for row in rows:
        matches = [there_by.get((key, row[key])) for key in ("candidate_number", "upn") if row[key]]
        there = next((m for m in matches if m is not None), None)
        if there is None:
            continue
        differing = [name for name in _STUDENT_DETAILS if getattr(there, name) != row[name]]
        if differing:
            raise OwnWorkError(
                f"{row['forename']} {row['surname']} (student {row['id']} in the personal "
                f"store) shares a candidate number or UPN with {there.forename} {there.surname} "
                f"(student {there.id} on the server), whose details differ "
                f"({', '.join(differing)}). Correct one of them so that they agree, then move "
                "the store in again."
            )
        same[row["id"]] = there.id
    return same


def _existing_staff(target: Session, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Source staff whose name is already among the server's staff, with their server ids."""
    names = {name: id_ for name, id_ in target.execute(select(StaffRow.name, StaffRow.id))}
    return {row["id"]: names[row["name"]] for row in rows if row["name"] in names}


def _take_centre(source: Session, target: Session, moved: Moved) -> None:
    theirs = staff.get_centre(source)
    ours = staff.get_centre(target)
    if theirs == ours or not (theirs.name or theirs.centre_number):
        return
    if ours.name or ours.centre_number:
        moved.centre_kept = True
        return
    staff.set_centre(target, theirs)  # audited as an update of the centre, as in the window


def copy_records(source: Session, target: Session) -> Moved:
    """Every record of ``source`` added to ``target`` with new ids (see the module's text)."""
    check_tables(source)
    moved = Moved()
    _take_centre(source, target, moved)
    for name in COPIED:
        table = _table(name)
        rows = _rows(source, table)
        for values in rows:
            for key in table.foreign_keys:
                column, referred = key.parent.name, key.column.table.name
                if values.get(column) is not None:
                    values[column] = moved.ids[referred][values[column]]
        if "id" not in table.c:
            _insert(target, table, rows)
            moved.counts[name] += len(rows)
            continue
        existing = (
            _existing_students(target, rows)
            if name == "students"
            else _existing_staff(target, rows)
            if name == "staff"
            else {}
        )
        if existing:
            moved.reused[name] += len(existing)
        new = [row for row in rows if row["id"] not in existing]
        olds = [row.pop("id") for row in new]
        mapping = moved.ids.setdefault(name, {})
        mapping.update(existing)
        mapping.update(zip(olds, _insert(target, table, new), strict=True))
        moved.counts[name] += len(new)
    _check_codes(source, target, moved)
    return moved


def _insert(target: Session, table: Table, rows: list[dict[str, Any]]) -> list[Any]:
    """Insert ``rows``, many to a statement; the new rows' first key column, in their order.

    RETURNING makes SQLAlchemy send a thousand rows per statement (its "insertmanyvalues")
    where the driver would otherwise send one statement per row."""
    if not rows:
        return []
    first = next(iter(table.primary_key.columns))
    result = target.execute(
        insert(table).returning(first, sort_by_parameter_order=True),
        rows,
    )
    return list(result.scalars())


def _check_codes(source: Session, target: Session, moved: Moved) -> None:
    """Each finalised record reads back on the server exactly as it reads in the personal
    store (the same integrity code recomputed on both), so that verify and the documents say
    of it after the move what they said before."""
    conversations = moved.ids["conversations"]
    for old in source.scalars(select(FinalisationRow.conversation_id)):
        here = canonical.integrity_code(case_files.load_case(source, old))
        there = canonical.integrity_code(case_files.load_case(target, conversations[old]))
        if here != there:
            raise OwnWorkError(
                f"Conversation {old} of the personal store would not read the same on the "
                f"server (its integrity code {here[:12]} would become {there[:12]}), so nothing "
                "was moved."
            )


def copy_evidence(source: BlobStore, target: BlobStore, shas: Iterable[str]) -> int:
    """Copy each file (checked against its SHA-256 as it arrives); returns how many."""
    count = 0
    for sha in sorted(set(shas)):
        try:
            with source.open(sha) as handle:
                stored = target.put(handle.read)
        except FileNotFoundError as error:
            raise OwnWorkError(
                f"The personal store's evidence file {sha[:12]} is missing, so nothing was "
                "moved. Run verify on the personal store."
            ) from error
        if stored.sha256 != sha:
            raise OwnWorkError(
                f"The personal store's evidence file {sha[:12]} no longer matches its SHA-256, "
                "so nothing was moved. Run verify on the personal store."
            )
        count += 1
    return count


def find_segment(target: Session, heads: Iterable[str]) -> ImportedSegmentRow | None:
    """A segment already imported whose head is one of ``heads`` (the source's entries'
    hashes): the same store, or an earlier state of it, was moved in before."""
    wanted = list(heads)
    for start in range(0, len(wanted), _BATCH):
        found = target.scalars(
            select(ImportedSegmentRow).where(
                ImportedSegmentRow.source_head.in_(wanted[start : start + _BATCH])
            )
        ).first()
        if found is not None:
            return found
    return None


def chain_hashes(source: Session) -> list[str]:
    """Every entry's hash of the source's chain (any of them imported before as a head means
    the store, or an earlier state of it, was moved in already)."""
    return list(source.scalars(select(AuditRow.hash).order_by(AuditRow.id)))


def last_actor(source: Session) -> str | None:
    """Who wrote the source's latest entry: the teacher whose store it is."""
    return source.scalars(select(AuditRow.actor).order_by(AuditRow.id.desc()).limit(1)).first()


def evidence_hashes(source: Session) -> list[str]:
    return sorted(set(source.scalars(select(AttachmentRow.sha256))))


def reused(moved: Moved) -> dict[str, int]:
    return {ENTITY.get(name, name): number for name, number in moved.reused.items()}


def keep_history(
    source: Session,
    target: Session,
    moved: Moved,
    *,
    label: str,
    held: ChainAnchor,
    imported_by: str,
    problems: Sequence[str] = (),
) -> ImportedSegmentRow:
    """Store the source's chain as a segment with the id map, and write the server's own
    entries for what was moved (see the module's text)."""
    segment = ImportedSegmentRow(
        source_label=label[:300],
        source_head=held.head,
        source_position=held.position,
        imported_at=dt.datetime.now(dt.UTC),
        imported_by=imported_by,
    )
    target.add(segment)
    target.flush()
    columns = AuditRow.__table__.columns
    result = source.execute(
        select(*columns).order_by(AuditRow.id).execution_options(yield_per=_BATCH)
    )
    for batch in result.partitions(_BATCH):
        _insert(
            target,
            _table("audit_imported_entries"),
            [{**row._asdict(), "segment_id": segment.id} for row in batch],
        )
    id_rows = [
        {"segment_id": segment.id, "entity": ENTITY[name], "source_id": old, "server_id": new}
        for name, mapping in moved.ids.items()
        if name in ENTITY
        for old, new in mapping.items()
    ]
    _insert(target, _table("audit_imported_ids"), id_rows)
    audit.record_many(target, [*_entries(target, moved, label), _anchor(segment, problems)])
    return segment


def _anchor(segment: ImportedSegmentRow, problems: Sequence[str]) -> Pending:
    accepted = f"; moved in despite {len(problems)} problems verify found" if problems else ""
    return Pending(
        "import",
        "audit_segment",
        segment.id,
        f"Kept the audit history of {segment.source_label}: {segment.source_position:,} "
        f"entries ending at {segment.source_head[:12]}{accepted}",
        {
            "head": segment.source_head,
            "position": segment.source_position,
            "source": segment.source_label,
            "problems": list(problems),
        },
    )


def _entries(target: Session, moved: Moved, label: str) -> list[Pending]:
    pending: list[Pending] = []
    for name in ("staff", "students", "submissions", "conversations"):
        entity = ENTITY[name]
        for old, new in moved.ids[name].items():
            pending.append(
                Pending(
                    "import",
                    entity,
                    new,
                    f"Moved in from {label}, where it was {entity} {old}",
                    {"from": label, "source_id": old},
                )
            )
    conversations = list(moved.ids["conversations"].values())
    for row in target.scalars(
        select(FinalisationRow).where(FinalisationRow.conversation_id.in_(conversations))
    ):
        pending.append(
            Pending(
                "finalise",
                "conversation",
                row.conversation_id,
                f"Finalised by {row.finalised_by} on {row.finalised_at.date().isoformat()} in "
                f"{label}",
                {"content_hash": row.content_hash, "format": row.canonical_format},
            )
        )
    pending += _written_once(
        target,
        AmendmentRow,
        moved.ids["amendments"].values(),
        "amend",
        lambda row: (
            f"Amendment of {amendments.field_label(row.path)} by {row.author}, moved "
            f"in from {label}"
        ),
        amendments.audit_changes,
    )
    pending += _written_once(
        target,
        AttachmentRow,
        moved.ids["attachments"].values(),
        "attach",
        lambda row: f"Attached {row.name}, moved in from {label}",
        evidence.audit_changes,
    )
    return pending


_Row = TypeVar("_Row", AmendmentRow, AttachmentRow)


def _written_once(
    target: Session,
    kind: type[_Row],
    ids: Iterable[int],
    action: str,
    describe: Callable[[_Row], str],
    changes: Callable[[_Row], Mapping[str, Any]],
) -> list[Pending]:
    """The entries of rows verify checks against their audit entry (amendments, attachments),
    written as they stand on the server."""
    rows = target.scalars(select(kind).where(kind.id.in_(list(ids))).order_by(kind.id))
    entity = kind.__tablename__[:-1]  # "amendments" -> "amendment"
    return [Pending(action, entity, row.id, describe(row), changes(row)) for row in rows]


def counts(moved: Moved) -> dict[str, int]:
    """What was added, by the audit log's names (for the report)."""
    return {ENTITY.get(name, name): number for name, number in moved.counts.items()}


__all__ = [
    "COPIED",
    "NOT_COPIED",
    "Moved",
    "chain_hashes",
    "copy_evidence",
    "copy_records",
    "counts",
    "evidence_hashes",
    "find_segment",
    "keep_history",
    "last_actor",
    "reused",
]
