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

from sqlalchemy import Table, insert, inspect, or_, select
from sqlalchemy.orm import Session

from app.domain import canonical
from app.errors import OwnWorkError
from app.integrity import amendments, evidence
from app.integrity.blobs import BlobStore
from app.storage import audit, case_files, staff
from app.storage.audit import ChainAnchor, Pending
from app.storage.models import AuditRow, Base, StaffRow, StudentRow
from app.storage.models_integrity import AmendmentRow, AttachmentRow, FinalisationRow
from app.storage.models_server import ImportedEntryRow, ImportedIdRow, ImportedSegmentRow

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


def _student_id(target: Session, row: Mapping[str, Any], moved: Moved) -> int | None:
    """A student already on the server with the same candidate number or UPN: the same id
    when every detail agrees; refused when they differ (two records cannot share them)."""
    keys = [
        column == row[name]
        for name, column in (
            ("candidate_number", StudentRow.candidate_number),
            ("upn", StudentRow.upn),
        )
        if row[name]
    ]
    if not keys:
        return None
    there = target.scalars(select(StudentRow).where(or_(*keys))).first()
    if there is None:
        return None
    differing = [name for name in _STUDENT_DETAILS if getattr(there, name) != row[name]]
    if differing:
        raise OwnWorkError(
            f"{row['forename']} {row['surname']} (student {row['id']} in the personal store) "
            f"shares a candidate number or UPN with {there.forename} {there.surname} (student "
            f"{there.id} on the server), whose details differ ({', '.join(differing)}). "
            "Correct one of them so that they agree, then move the store in again."
        )
    moved.reused["students"] += 1
    return there.id


def _staff_id(target: Session, row: Mapping[str, Any], moved: Moved) -> int | None:
    there = target.scalars(select(StaffRow.id).where(StaffRow.name == row["name"])).first()
    if there is not None:
        moved.reused["staff"] += 1
    return there


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
        mapping = moved.ids.setdefault(name, {})
        has_id = "id" in table.c and table.c.id.primary_key
        for row in _rows(source, table):
            values = dict(row)
            for key in table.foreign_keys:
                column, referred = key.parent.name, key.column.table.name
                if values.get(column) is not None:
                    values[column] = moved.ids[referred][values[column]]
            if not has_id:
                target.execute(insert(table).values(values))
                moved.counts[name] += 1
                continue
            old = values.pop("id")
            existing = (
                _student_id(target, row, moved)
                if name == "students"
                else _staff_id(target, row, moved)
                if name == "staff"
                else None
            )
            if existing is None:
                existing = target.execute(
                    insert(table).values(values).returning(table.c.id)
                ).scalar_one()
                moved.counts[name] += 1
            mapping[old] = existing
    _check_codes(source, target, moved)
    return moved


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
        target.execute(
            insert(ImportedEntryRow),
            [{**row._asdict(), "segment_id": segment.id} for row in batch],
        )
    id_rows = [
        {"segment_id": segment.id, "entity": ENTITY[name], "source_id": old, "server_id": new}
        for name, mapping in moved.ids.items()
        if name in ENTITY
        for old, new in mapping.items()
    ]
    for start in range(0, len(id_rows), _BATCH):
        target.execute(insert(ImportedIdRow), id_rows[start : start + _BATCH])
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
