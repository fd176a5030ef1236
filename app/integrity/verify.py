"""``ownwork verify``: prove that the records are as they were written.

Checks, in order: SQLite's own ``integrity_check`` (the personal store); the triggers that keep
the log and finalised records append-only; the audit chain (every entry's SHA-256 recomputed,
every link and every id in sequence); every finalised record's integrity code against its frozen
copy, the audit log and the record as stored now; every amendment against its audit entry; every
attachment's details against its audit entry; each personal store's audit history moved into a
server (its chain recomputed, its head and length as imported, and the server's entry anchoring
it); every attachment's file against its SHA-256, in the data folder or, on a server, piece by
piece in the database.

A *problem* means something was changed or lost outside OwnWork.  A *note* is something a
reader should know that is not a fault: for example, a student's name corrected in OwnWork
after one of their records was finalised (the finalised record keeps the earlier value).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.domain import canonical
from app.errors import CorruptDatabaseError, NotADatabaseError, OwnWorkError
from app.integrity import amendments as amendments_module
from app.integrity.blobs import BlobCheck, BlobStore, blob_store
from app.integrity.evidence import audit_changes
from app.paths import AppPaths
from app.storage import audit, backups, case_files, roles, sqlite
from app.storage.audit import ChainAnchor
from app.storage.database import Database
from app.storage.models import AuditRow, ConversationRow, SubmissionRow
from app.storage.models_integrity import AmendmentRow, AttachmentRow, FinalisationRow
from app.storage.models_server import ImportedEntryRow, ImportedIdRow, ImportedSegmentRow

_APPEND_ONLY = ("audit_log", "finalisations", "amendments", "attachments")
_PARTS = ("conversation_answers", "conversation_excerpts", "conversation_indicators")
EXPECTED_TRIGGERS: Final = frozenset(
    [f"ownwork_{t}_no_{e}" for t in _APPEND_ONLY for e in ("update", "delete")]
    + [f"ownwork_conversations_finalised_{e}" for e in ("update", "delete")]
    + [f"ownwork_{t}_finalised_{e}" for t in _PARTS for e in ("insert", "update", "delete")]
)
# Sections of the canonical record that belong to the conversation itself; the others
# (centre, student, submission) are shared records that OwnWork lets the teacher correct.
_OWN_SECTIONS = frozenset({"format", "conversation", "preparation", "answers", "outcome"})
_CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Finding:
    check: str  # database, protection, audit, finalised, amendment, attachment
    record: str  # e.g. "audit entry 17", "conversation 3", "attachment 5"
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class VerifyReport:
    problems: tuple[Finding, ...]
    notes: tuple[Finding, ...] = ()
    audit_entries: int = 0
    finalised: int = 0
    amendments: int = 0
    attachments: int = 0
    imported_segments: int = 0  # audit histories of personal stores moved into a server
    complete: bool = True  # False when the file itself stopped the checks after the first
    stopped: str = ""  # why, in a sentence

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.complete:
            return self.stopped
        histories = _count(self.imported_segments, "imported audit history", "imported histories")
        segments = f"{histories}, " if self.imported_segments else ""
        checked = (
            f"{_count(self.audit_entries, 'audit entry', 'audit entries')}, {segments}"
            f"{_count(self.finalised, 'finalised record')}, "
            f"{_count(self.amendments, 'amendment')} and "
            f"{_count(self.attachments, 'attachment')}"
        )
        if self.ok:
            return f"All records verified: {checked}."
        count = len(self.problems)
        return f"{count} problem{'s' if count != 1 else ''} found in {checked}."


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else many or one + 's'}"


@dataclass
class _Collector:
    problems: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    def problem(self, check: str, record: str, message: str) -> None:
        self.problems.append(Finding(check=check, record=record, message=message))

    def note(self, check: str, record: str, message: str) -> None:
        self.notes.append(Finding(check=check, record=record, message=message))


Progress = Callable[[str], None]


def verify_file(paths: AppPaths) -> VerifyReport | None:
    """SQLite's ``integrity_check`` alone: a report if the file is missing, unreadable or
    damaged, else None.  Run before the store is opened, so a bad file is described rather than
    refused.  Reading on from a damaged file could report nonsense, so the checks stop there.
    """
    record = "database file"
    if not paths.database.is_file():
        return VerifyReport(
            problems=(Finding(check="database", record=record, message="It does not exist."),),
            complete=False,
            stopped=f"There is no database in {paths.data_dir} to verify.",
        )
    try:
        with sqlite.read_only(paths.database) as connection:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except (sqlite3.Error, UnicodeDecodeError) as error:
        explained = sqlite.explain(error, paths.database)
        if isinstance(explained, CorruptDatabaseError | NotADatabaseError):
            rows = [str(explained)]
        else:
            message = (
                f"It could not be opened to check it ({error}). If the data folder is "
                "read-only, copy the folder somewhere writable and verify the copy."
            )
            return VerifyReport(
                problems=(Finding(check="database", record=record, message=message),),
                complete=False,
                stopped="The database file could not be opened, so nothing could be checked.",
            )
    if rows == ["ok"]:
        return None
    return VerifyReport(
        problems=tuple(Finding(check="database", record=record, message=row) for row in rows),
        complete=False,
        stopped="The database file failed SQLite's integrity check, so the records themselves "
        "could not be checked. Restore a backup.",
    )


def verify(
    paths: AppPaths,
    store: Database,
    *,
    progress: Progress | None = None,
    backup_files: Sequence[Path] = (),
    anchors: Sequence[ChainAnchor] = (),
    evidence: bool = True,
    blobs: BlobStore | None = None,
) -> VerifyReport:
    """Run every check; the database file is only read.

    Besides the data folder's own ``backups/``, the live audit chain must extend the chain of
    every file in ``backup_files`` and pass through every anchor in ``anchors`` (from paper).
    ``evidence=False`` leaves out the evidence files (a backup checked before a restore has
    none of its own); ``blobs`` is where they are when not in the store's own evidence store
    (a copy of a personal store checked before it is moved into a server)."""
    say = progress or (lambda _message: None)
    # The personal store's file is checked first; a server's own checks (privileges and
    # triggers) run with the protection below, and the data folder's backups belong to the
    # personal store, not to it.
    personal = store.server is None
    if personal:
        say("Checking the database file")
        damaged = verify_file(paths)
        if damaged is not None:
            return damaged
    found = _Collector()
    with store.transaction() as session:
        say("Checking the protection of finalised records")
        _check_triggers(session, found)
        attachment_rows = list(session.scalars(select(AttachmentRow).order_by(AttachmentRow.id)))
        entries = finalised = amended = segments = 0
        part = None if personal else _part_seen(session)
        if part is not None:
            # A login that may read only part of the log cannot check the chain (nor what
            # cross-references it): said, not passed off as checked.
            found.note("audit", "audit log", part)
        else:
            say("Checking the audit chain")
            entries, trail = _check_chain(session, found)
            _add_imported_updates(session, trail)
            say("Checking finalised records")
            finalised = _check_finalised(session, trail, found)
            say("Checking amendments")
            amended = _check_amendments(session, trail, found)
            _check_attachment_details(attachment_rows, trail, found)
            say("Checking the audit chain against backups and anchors")
            _check_anchors(
                session, paths if personal else None, backup_files, anchors, found, entries
            )
            say("Checking the audit history of personal stores moved in")
            segments = _check_imported_segments(session, trail, found)
    if evidence:
        say("Checking attachment files")
        blobs = blobs or blob_store(paths, store)
        _check_attachment_files(blobs, attachment_rows, found, say)
        _check_unreferenced_files(blobs, attachment_rows, found)
    return VerifyReport(
        problems=tuple(found.problems),
        notes=tuple(found.notes),
        audit_entries=entries,
        finalised=finalised,
        amendments=amended,
        attachments=len(attachment_rows),
        imported_segments=segments,
    )


def _part_seen(session: Session) -> str | None:
    """On a school's server, why this login cannot check the audit chain: row-level security
    lets it read only some of the entries, or of the finalised records, amendments and
    attachments the chain vouches for; None when it reads them all."""
    if not session.scalar(text("SELECT to_regprocedure('ownwork_row_counts()') IS NOT NULL")):
        return None  # set up without the policies: every login reads every row
    labels = {
        "audit_log": "audit entries",
        "finalisations": "finalised records",
        "amendments": "amendments",
        "attachments": "attachments",
    }
    unread = [
        label
        for table, label in labels.items()
        if not session.scalar(text("SELECT has_table_privilege(:t, 'SELECT')"), {"t": table})
    ]
    if unread:
        return (
            f"Not checked: this login may not read the {' or the '.join(unread)}, so the chain "
            "is checked by a login that reads them all (IT's `ownwork server check`)."
        )
    whole = session.execute(text("SELECT * FROM ownwork_row_counts()")).one()
    seen = session.execute(
        text("SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in labels))
    ).one()
    parts = [
        f"{part:,} of the {total:,} {label}"
        for label, part, total in zip(labels.values(), seen, whole, strict=True)
        if part != total
    ]
    if not parts:
        return None
    return (
        f"Not checked: this login may read only {', '.join(parts)}, so the chain and what it "
        "vouches for are checked by a login that reads them all (IT's `ownwork server check`)."
    )


def verify_backup(file: Path) -> VerifyReport:
    """Every check ``verify`` makes, run on a copy of a backup before it is restored (the
    file itself is never opened for writing; an older backup's copy is upgraded as a restore
    would upgrade it).  Evidence files are not checked: a backup holds none of its own."""
    import shutil
    import tempfile

    from app.paths import resolve_paths
    from app.storage.backups import check_backup
    from app.storage.database import open_store

    check_backup(file)
    with tempfile.TemporaryDirectory(prefix="ownwork-verify-") as folder:
        paths = resolve_paths(folder)
        shutil.copyfile(file, paths.database)
        damaged = verify_file(paths)
        if damaged is not None:
            return damaged
        store = open_store(paths)
        try:
            return verify(paths, store, evidence=False)
        finally:
            store.dispose()


def _check_triggers(session: Session, found: _Collector) -> None:
    if session.get_bind().dialect.name == "postgresql":
        _check_server_protection(session, found)
        return
    present = set(
        session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all()
    )
    _report_missing_triggers(sorted(EXPECTED_TRIGGERS - present), found)


def missing_server_triggers(session: Session) -> list[str]:
    """OwnWork's triggers absent (or disabled) on a PostgreSQL server."""
    expected = EXPECTED_TRIGGERS | roles.TRUNCATE_TRIGGERS
    return sorted(expected - roles.triggers(session.connection()))


def _check_server_protection(session: Session, found: _Collector) -> None:
    """On the school's server the staff's privileges protect history too: no staff role may
    UPDATE, DELETE or TRUNCATE an append-only table (``server check`` reports the same)."""
    _report_missing_triggers(missing_server_triggers(session), found)
    for grant in roles.unsafe_grants(session.connection()):
        found.problem(
            "protection",
            f"privileges on {grant.table}",
            f"The server lets {grant.role} {grant.privilege} it, so history could be changed "
            f"outside OwnWork (IT repairs it with `ownwork server init`).",
        )


def _report_missing_triggers(missing: list[str], found: _Collector) -> None:
    if missing:
        found.problem(
            "protection",
            "database triggers",
            f"{len(missing)} of the safeguards that keep the audit log and finalised records "
            f"unchangeable were removed from the database ({_listed(missing, 3)}).",
        )


@dataclass(frozen=True)
class _Trail:
    """The audit entries other checks cross-reference, by (action, entity, entity_id)."""

    entries: Mapping[tuple[str, str, int], list[tuple[int, dict[str, Any]]]]
    updated: dict[tuple[str, int], list[Any]]  # (entity, id) -> times of "update" entries

    def find(self, action: str, entity: str, entity_id: int) -> list[tuple[int, dict[str, Any]]]:
        return self.entries.get((action, entity, entity_id), [])

    def logged(self, action: str) -> dict[int, int]:
        """Entity ids the log has ``action`` entries for, with the first such entry's id."""
        return {
            entity_id: found[0][0]
            for (logged_action, _, entity_id), found in self.entries.items()
            if logged_action == action
        }


_CROSS_REFERENCED = {
    ("finalise", "conversation"),
    ("import", "audit_segment"),
    ("amend", "amendment"),
    ("attach", "attachment"),
}
_SHARED_ENTITIES = {"centre", "student", "submission"}


def _check_chain(session: Session, found: _Collector) -> tuple[int, _Trail]:
    entries: dict[tuple[str, str, int], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    updated: dict[tuple[str, int], list[Any]] = defaultdict(list)
    expected_prev = audit.GENESIS
    previous_id = 0
    count = 0
    # Plain rows, streamed, each turned into a transient AuditRow for ``audit.entry_hash``:
    # a log of millions of entries never sits in the session at once.
    columns = AuditRow.__table__.columns
    result = session.execute(
        select(*columns).order_by(AuditRow.id).execution_options(yield_per=5000)
    )
    for values in result:
        row = AuditRow(**values._asdict())
        count += 1
        gap = row.id != previous_id + 1
        if gap:
            missing = (
                f"audit entry {previous_id + 1}"
                if row.id == previous_id + 2
                else f"audit entries {previous_id + 1}–{row.id - 1}"
            )
            found.problem(
                "audit",
                missing,
                f"Missing from the audit log: removed after being written (the chain resumes "
                f"at entry {row.id}).",
            )
        elif row.prev_hash != expected_prev:
            found.problem(
                "audit",
                f"audit entry {row.id}",
                f"Does not link to the entry before it (entry {previous_id}): that entry was "
                "changed, or entries were removed or inserted.",
            )
        if audit.entry_hash(row.prev_hash, row) != row.hash:
            found.problem(
                "audit",
                f"audit entry {row.id}",
                "Changed after it was written: its SHA-256 no longer matches its content.",
            )
        if row.entity_id is not None:
            if (row.action, row.entity) in _CROSS_REFERENCED:
                entries[(row.action, row.entity, row.entity_id)].append(
                    (row.id, audit.changes_of(row))
                )
            elif row.action == "update" and row.entity in _SHARED_ENTITIES:
                updated[(row.entity, row.entity_id)].append(row.at)
        expected_prev = row.hash
        previous_id = row.id
    return count, _Trail(entries=entries, updated=updated)


def _add_imported_updates(session: Session, trail: _Trail) -> None:
    """Corrections of students, submissions and the centre made in a personal store before it
    was moved in: its imported history names them by the ids they had there, which the
    segment's id map turns into the server's, so that a finalised record's shared details
    corrected in the app are told apart from changes made behind its back."""
    shared = [e for e in _SHARED_ENTITIES if e != "centre"]
    mapped = select(ImportedEntryRow.at, ImportedEntryRow.entity, ImportedIdRow.server_id).join(
        ImportedIdRow,
        (ImportedIdRow.segment_id == ImportedEntryRow.segment_id)
        & (ImportedIdRow.entity == ImportedEntryRow.entity)
        & (ImportedIdRow.source_id == ImportedEntryRow.entity_id),
    )
    updates = ImportedEntryRow.action == "update"
    for at, entity, server_id in session.execute(
        mapped.where(updates, ImportedEntryRow.entity.in_(shared))
    ):
        trail.updated.setdefault((entity, server_id), []).append(at)
    for (at,) in session.execute(
        select(ImportedEntryRow.at).where(updates, ImportedEntryRow.entity == "centre")
    ):
        trail.updated.setdefault(("centre", 1), []).append(at)


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}{key}.")
    elif isinstance(value, list):
        if not value:
            yield prefix[:-1], []
        for number, item in enumerate(value, start=1):
            yield from _leaves(item, f"{prefix}{number}.")
    else:
        yield prefix[:-1], value


def changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Leaf paths whose values differ between two canonical records."""
    old, new = dict(_leaves(before)), dict(_leaves(after))
    return sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


def _listed(paths: list[str], limit: int = 4) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def _fields(paths: list[str], limit: int = 4) -> str:
    """Changed fields as a reader names them, with the path ``ownwork amend`` takes."""
    shown = "; ".join(f"{amendments_module.field_label(p)} ({p})" for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def _check_finalised(session: Session, trail: _Trail, found: _Collector) -> int:
    rows = list(session.scalars(select(FinalisationRow).order_by(FinalisationRow.conversation_id)))
    finalised_ids = {row.conversation_id for row in rows}
    for entity_id, audit_id in trail.logged("finalise").items():
        if entity_id not in finalised_ids:
            found.problem(
                "finalised",
                f"conversation {entity_id}",
                f"Was finalised (audit entry {audit_id}) but its finalisation has been removed "
                "from the database, so the record could have been changed since.",
            )
    for row in rows:
        _check_one_finalised(session, row, trail, found)
    return len(rows)


def _check_one_finalised(
    session: Session, row: FinalisationRow, trail: _Trail, found: _Collector
) -> None:
    record = f"conversation {row.conversation_id}"
    if hashlib.sha256(row.canonical_json.encode("utf-8")).hexdigest() != row.content_hash:
        found.problem(
            "finalised",
            record,
            "The frozen copy of the finalised record no longer matches its integrity code.",
        )
    logged = trail.find("finalise", "conversation", row.conversation_id)
    if not logged:
        found.problem(
            "finalised",
            record,
            "Is finalised, but the audit log has no entry for finalising it (the entry was "
            "removed, or the finalisation was made outside OwnWork).",
        )
    elif all(changes.get("content_hash") != row.content_hash for _, changes in logged):
        found.problem(
            "finalised",
            record,
            f"Its integrity code differs from the one written in the audit log when it was "
            f"finalised (audit entry {logged[-1][0]}).",
        )
    if row.canonical_format != canonical.FORMAT:
        found.note(
            "finalised",
            record,
            f"Finalised under the record format {row.canonical_format}, which this version "
            "cannot recompute; only its frozen copy was checked.",
        )
        return
    try:
        case = case_files.load_case(session, row.conversation_id)
        now = canonical.canonical_content(case)
        code = canonical.integrity_code(case)
    except Exception as error:  # tampered rows can hold anything; say so rather than crash
        found.problem(
            "finalised",
            record,
            f"Could not be read back to recompute its integrity code ({error}).",
        )
        return
    if code == row.content_hash:
        return
    try:
        frozen = json.loads(row.canonical_json)
    except ValueError:
        frozen = {}
    paths = changed_paths(frozen if isinstance(frozen, dict) else {}, now)
    own = [p for p in paths if p.split(".")[0] in _OWN_SECTIONS]
    shared = [p for p in paths if p.split(".")[0] not in _OWN_SECTIONS]
    if own or not paths:
        found.problem(
            "finalised",
            record,
            "Was changed after it was finalised"
            + (f": {_fields(own)}." if own else " (its integrity code no longer matches)."),
        )
    unexplained = [p for p in shared if not _changed_in_app(session, row, p, trail)]
    if unexplained:
        found.problem(
            "finalised",
            record,
            f"Details it depends on were changed outside OwnWork after it was finalised: "
            f"{_fields(unexplained)}.",
        )
    explained = [p for p in shared if p not in unexplained]
    if explained:
        found.note(
            "finalised",
            record,
            f"After it was finalised, these details were corrected in OwnWork: "
            f"{_fields(explained)}. The finalised record keeps the values it had.",
        )


def _changed_in_app(session: Session, row: FinalisationRow, path: str, trail: _Trail) -> bool:
    """Whether a change to a shared record after finalising has an audited update."""
    section = path.split(".")[0]
    conversation = session.get(ConversationRow, row.conversation_id)
    if conversation is None:
        return False
    key: tuple[str, int]
    if section == "centre":
        key = ("centre", 1)
    elif section == "submission":
        key = ("submission", conversation.submission_id)
    elif section == "student":
        submission = session.get(SubmissionRow, conversation.submission_id)
        if submission is None:
            return False
        key = ("student", submission.student_id)
    else:
        return False
    return any(at >= row.finalised_at for at in trail.updated.get(key, []))


_Logged = list[tuple[int, dict[str, Any]]]  # (audit entry id, its changes)
_Row = TypeVar("_Row", AmendmentRow, AttachmentRow)


def _written_once(
    rows: Sequence[_Row],
    action: str,
    kind: str,
    describe: Callable[[_Row], str],
    trail: _Trail,
    found: _Collector,
) -> Iterator[tuple[_Row, str, _Logged]]:
    """Rows that are inserted once and logged as they are (amendments, attachments): those the
    log names but the table lacks, and those in the table the log never saw, are reported; each
    of the others comes back with its description and its audit entries, for its own check."""
    ids = {row.id for row in rows}
    for entity_id in trail.logged(action):
        if entity_id not in ids:
            found.problem(
                kind,
                f"{kind} {entity_id}",
                "Is in the audit log but has been removed from the database.",
            )
    for row in rows:
        logged = trail.find(action, kind, row.id)
        record = describe(row)
        if not logged:
            found.problem(
                kind, record, "Has no entry in the audit log: it was added outside OwnWork."
            )
            continue
        yield row, record, logged


def _check_amendments(session: Session, trail: _Trail, found: _Collector) -> int:
    rows = list(session.scalars(select(AmendmentRow).order_by(AmendmentRow.id)))
    described = _written_once(
        rows,
        "amend",
        "amendment",
        lambda row: f"amendment {row.id} (conversation {row.conversation_id})",
        trail,
        found,
    )
    for row, record, logged in described:
        if all(changes.get("digest") != amendments_module.digest(row) for _, changes in logged):
            found.problem(
                "amendment",
                record,
                f"Was changed after it was written (it differs from audit entry {logged[-1][0]}).",
            )
    return len(rows)


def _check_attachment_details(rows: list[AttachmentRow], trail: _Trail, found: _Collector) -> None:
    described = _written_once(
        rows, "attach", "attachment", lambda row: f"attachment {row.id} ({row.name})", trail, found
    )
    for row, record, logged in described:
        expected = audit_changes(row)
        if all(changes != expected for _, changes in logged):
            _, changes = logged[-1]
            differing = sorted(k for k in expected if changes.get(k) != expected[k])
            found.problem(
                "attachment",
                record,
                f"Its details were changed after it was attached ({', '.join(differing)} "
                f"differ from audit entry {logged[-1][0]}).",
            )


def _check_attachment_files(
    blobs: BlobStore, rows: list[AttachmentRow], found: _Collector, say: Progress
) -> None:
    checked: dict[str, BlobCheck] = {}
    for index, row in enumerate(rows, start=1):
        record = f"attachment {row.id} ({row.name})"
        if row.sha256 not in checked:
            say(f"Checking attachment file {index} of {len(rows)}")
            checked[row.sha256] = blobs.verify(row.sha256)
        result = checked[row.sha256]
        if not result.ok:
            found.problem("attachment", record, result.problem)
        elif result.sha256 != row.sha256:
            found.problem(
                "attachment",
                record,
                "Its file was changed after it was attached: its SHA-256 no longer matches.",
            )
        elif result.size != row.size:
            found.problem("attachment", record, f"Its recorded size ({row.size:,} bytes) is wrong.")


def parse_anchor(given: str) -> ChainAnchor:
    """``POSITION:HASH`` as printed by OwnWork; the hash may be shortened to its first 12
    hexadecimal digits (as on paper, "audit 1,234 · 9f2c41ab7d03")."""
    position, _, head = given.strip().partition(":")
    digits = position.replace(",", "").strip()
    head = head.strip().lower()
    if (
        not digits.isdigit()
        or len(head) < 12
        or len(head) > 64
        or any(c not in "0123456789abcdef" for c in head)
    ):
        raise OwnWorkError(
            f"{given!r} is not an audit anchor: give the position and at least the first 12 "
            "characters of the hash, as in 1234:9f2c41ab7d03."
        )
    return ChainAnchor(int(digits), head)


def _check_anchors(
    session: Session,
    paths: AppPaths | None,
    backup_files: Sequence[Path],
    anchors: Sequence[ChainAnchor],
    found: _Collector,
    entries: int,
) -> None:
    """Anything that existed when an anchor was taken must still be in the chain, unchanged:
    the live entry at the anchor's position must carry the anchor's hash (the chain's links
    then vouch for every entry before it)."""
    given: list[tuple[str, ChainAnchor, Path | None]] = [
        (f"the anchor {a.position}:{a.head[:12]}", a, None) for a in anchors
    ]
    listed = backups.list_backups(paths) if paths is not None else []
    folder = [b.path for b in listed if b.kind not in ("damaged",)]
    for file in [*folder, *(f for f in backup_files if f not in folder)]:
        held = backups.anchor_of(file)
        if held is None:
            if file in backup_files:
                found.problem("anchor", f"backup {file}", "It is not a readable OwnWork backup.")
            continue
        given.append((f"the backup {file.name}", held, file))
    for source, held, origin in given:
        if held.position == 0:
            continue
        if held.position > entries:
            lost = _entries_in(origin, entries, held.position) if origin else ""
            found.problem(
                "anchor",
                f"audit entries {entries + 1:,}–{held.position:,}",
                f"Removed from the audit log: {source} shows {held.position:,} entries, the "
                f"database has {entries:,}{lost}.",
            )
            continue
        live = session.scalar(
            select(AuditRow.hash).order_by(AuditRow.id).offset(held.position - 1).limit(1)
        )
        if live is None or not live.startswith(held.head):
            found.problem(
                "anchor",
                f"audit entry {held.position:,}",
                f"Differs from {source}: the audit log up to that entry was rewritten, or "
                "entries before it were removed.",
            )


def _entries_in(file: Path, after: int, upto: int) -> str:
    """What a backup's entries that the live log lacks were, e.g. " (lost: finalise
    conversation 3)"."""
    try:
        with closing(sqlite.connect_immutable(file)) as connection:
            rows = connection.execute(
                "SELECT action, entity, entity_id FROM audit_log ORDER BY id LIMIT ? OFFSET ?",
                (min(upto - after, 5), after),
            ).fetchall()
    except sqlite3.Error:
        return ""
    named = [f"{a} {e} {i}" if i is not None else f"{a} {e}" for a, e, i in rows]
    more = upto - after - len(named)
    return f" (lost: {', '.join(named)}{f' and {more:,} more' if more > 0 else ''})"


def _check_unreferenced_files(
    blobs: BlobStore, rows: list[AttachmentRow], found: _Collector
) -> None:
    """Evidence files that no attachment refers to: an attachment removed (with its trace)
    behind OwnWork's back, or files put there from outside."""
    known = {row.sha256 for row in rows}
    for sha, described in blobs.held():
        if sha not in known:
            found.problem(
                "attachment",
                described,
                "No record refers to it: an attachment was removed outside OwnWork, or the "
                "file was put there from outside.",
            )


def _check_imported_segments(session: Session, trail: _Trail, found: _Collector) -> int:
    """Each personal store's audit history moved in: its entries' hashes recomputed from the
    genesis hash, its ids in sequence, its last entry the head and count it was imported with,
    and that head named by an entry of the server's own chain (so the segment cannot be
    replaced without breaking the server's chain)."""
    segments = list(session.scalars(select(ImportedSegmentRow).order_by(ImportedSegmentRow.id)))
    anchored = trail.logged("import")
    for segment in segments:
        record = f"imported audit history {segment.id} ({segment.source_label})"
        expected_prev, count, last = audit.GENESIS, 0, audit.GENESIS
        broken: list[int] = []
        columns = [c for c in ImportedEntryRow.__table__.columns if c.name != "segment_id"]
        rows = session.execute(
            select(*columns)
            .where(ImportedEntryRow.segment_id == segment.id)
            .order_by(ImportedEntryRow.id)
            .execution_options(yield_per=5000)
        )
        for values in rows:
            row = AuditRow(**values._asdict())
            count += 1
            if (
                row.id != count
                or row.prev_hash != expected_prev
                or audit.entry_hash(row.prev_hash, row) != row.hash
            ):
                broken.append(row.id)
            expected_prev = last = row.hash
        if broken:
            found.problem(
                "audit",
                record,
                f"Entries {_listed([str(b) for b in broken], 3)} of this history no longer "
                "match their SHA-256 or the entry before them: they were changed, removed or "
                "inserted (in the personal store before it was moved in, if the entry "
                "anchoring it names problems, or on the server since).",
            )
        if count != segment.source_position or last != segment.source_head:
            found.problem(
                "audit",
                record,
                f"It holds {count:,} entries ending at {last[:12]}, but it was imported with "
                f"{segment.source_position:,} ending at {segment.source_head[:12]}: entries "
                "were removed or added after it was imported.",
            )
        logged = trail.find("import", "audit_segment", segment.id)
        if not any(
            changes.get("head") == segment.source_head
            and changes.get("position") == segment.source_position
            for _, changes in logged
        ):
            found.problem(
                "audit",
                record,
                "The server's audit log has no entry anchoring it at this head and position: "
                "it was added or changed outside OwnWork.",
            )
    held = {segment.id for segment in segments}
    for segment_id, audit_id in anchored.items():
        if segment_id not in held:
            found.problem(
                "audit",
                f"imported audit history {segment_id}",
                f"Was imported (audit entry {audit_id}) but has been removed from the database.",
            )
    return len(segments)
