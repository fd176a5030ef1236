"""Moving in: a teacher's personal store added to the school's server
(``ownwork server import-personal``).

The personal store is never written: a consistent copy of its database is taken through a
read-only connection (SQLite's backup API) into a temporary folder, upgraded there if it was
written by an older version, verified (its evidence read from the teacher's own folder), and
read.  Everything then happens in one transaction on the server: the records (new ids, the
relationships kept), the evidence files (into the database), the personal audit chain kept
verbatim as an imported segment, and the server's own entries for what arrived, one of them
anchoring the segment by its head hash.  A failure anywhere leaves the server as it was.

The segment's head hash identifies the source: a store whose chain passes through a head
already imported (the same store, or an earlier state of it) is not moved in again.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.principal import Principal, Role
from app.errors import OwnWorkError
from app.paths import AppPaths
from app.services.base import CENTRE, Changes, Outcome, require, transaction
from app.services.store import EVERYTHING

if TYPE_CHECKING:
    from app.storage.database import Database

# Problems listed in the refusal before "and N more".
_SHOWN = 5


@dataclass(frozen=True, kw_only=True)
class MovedIn:
    """What ``import_personal`` did.  ``already`` (with ``imported_on``): nothing, because the
    store was moved in before."""

    label: str
    segment_id: int
    head: str
    position: int
    already: bool = False
    imported_on: dt.datetime | None = None
    added: dict[str, int] = field(default_factory=dict)  # by kind: student, conversation, …
    reused: dict[str, int] = field(default_factory=dict)  # matched to records already there
    finalised: int = 0
    files: int = 0
    centre_kept: bool = False
    accepted_problems: tuple[str, ...] = ()  # verify's problems, moved in despite them
    written_since: int = 0  # audit entries the store gained after it was moved in

    def summary(self) -> str:
        if self.already:
            day = self.imported_on.date().isoformat() if self.imported_on else "an earlier day"
            text = (
                f"Nothing imported: {self.label} was already imported on {day} (imported audit "
                f"history {self.segment_id})."
            )
            if self.written_since:
                text += (
                    f" It has {self.written_since:,} audit "
                    f"{'entry' if self.written_since == 1 else 'entries'} written since then, "
                    "which were not imported: hand those cases on as case bundles (ownwork "
                    "export-case)."
                )
            return text
        kinds = ("student", "submission", "conversation", "staff", "amendment", "attachment")
        parts = [
            f"{self.added.get(kind, 0):,} {_plural(kind, self.added.get(kind, 0))}"
            for kind in kinds
        ]
        text = (
            f"Moved in {self.label}: {', '.join(parts)} ({self.finalised:,} finalised, "
            f"{self.files:,} evidence {'file' if self.files == 1 else 'files'}); its audit "
            f"history of {self.position:,} entries is kept as imported audit history "
            f"{self.segment_id}."
        )
        if self.reused:
            same = ", ".join(f"{n:,} {_plural(k, n)}" for k, n in sorted(self.reused.items()))
            text += f" Already on the server, and used as they were: {same}."
        if self.centre_kept:
            text += " The server's own centre details were kept (the personal store's differ)."
        return text


def _plural(kind: str, number: int) -> str:
    if kind == "staff":
        return "staff"
    return kind if number == 1 else f"{kind}s"


def import_personal(
    principal: Principal,
    server: Database,
    paths: AppPaths,
    source: AppPaths,
    *,
    despite_problems: bool = False,
    label: str = "",
) -> Outcome[MovedIn]:
    """Move the personal store in ``source`` into ``server`` (see the module's text)."""
    require(principal, Role.IT_ADMIN, "move a personal store into the server")
    if server.path is not None:
        raise OwnWorkError(
            "Moving a personal store in needs the school's server: give its address with "
            "--database-url."
        )
    if not source.database.is_file():
        raise OwnWorkError(f"There is no OwnWork database in {source.data_dir} to move in.")
    from app.integrity import moving_in
    from app.integrity.blobs import FolderBlobStore, blob_store
    from app.integrity.verify import verify, verify_file
    from app.paths import resolve_paths
    from app.storage import audit, backups, sqlite
    from app.storage.database import open_store

    damaged = verify_file(source)
    if damaged is not None:
        raise OwnWorkError(f"The personal store cannot be moved in: {damaged.summary()}")
    with tempfile.TemporaryDirectory(prefix="ownwork-moving-in-") as folder:
        copy = resolve_paths(Path(folder))
        with (
            sqlite.read_only(source.database) as original,
            closing(sqlite3.connect(copy.database)) as to,
        ):
            original.backup(to)
        personal = open_store(copy, actor=principal.name)
        try:
            theirs = FolderBlobStore(source)
            kept_backups = [b.path for b in backups.list_backups(source) if b.kind != "damaged"]
            report = verify(copy, personal, backup_files=kept_backups, blobs=theirs)
            problems = tuple(str(p) for p in report.problems)
            if problems and not despite_problems:
                shown = "; ".join(problems[:_SHOWN])
                more = f" and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
                raise OwnWorkError(
                    f"The personal store fails verify, so it was not moved in: {shown}{more}. "
                    "Restore a backup of it, or move it in as it is with --despite-problems "
                    "(the problems are then named in the server's audit log)."
                )
            with personal.transaction() as mine:
                held = audit.anchor(mine)
                if held.position == 0:
                    raise OwnWorkError(f"The personal store in {source.data_dir} holds no records.")
                heads = moving_in.chain_hashes(mine)
                teacher = moving_in.last_actor(mine) or "its teacher"
                name = label or f"the personal store of {teacher} ({source.data_dir.name})"
                with transaction(server, principal) as session:
                    audit.lock_chain(session)  # two moves of the same store wait for each other
                    before = moving_in.find_segment(session, heads)
                    if before is not None:
                        return Outcome(
                            MovedIn(
                                label=before.source_label,
                                segment_id=before.id,
                                head=before.source_head,
                                position=before.source_position,
                                already=True,
                                imported_on=before.imported_at,
                                written_since=held.position - before.source_position,
                            ),
                            Changes(),
                        )
                    moved = moving_in.copy_records(mine, session)
                    files = moving_in.copy_evidence(
                        theirs, blob_store(paths, session), moving_in.evidence_hashes(mine)
                    )
                    segment = moving_in.keep_history(
                        mine,
                        session,
                        moved,
                        label=name,
                        held=held,
                        imported_by=principal.name,
                        problems=problems,
                    )
                    result = MovedIn(
                        label=name,
                        segment_id=segment.id,
                        head=held.head,
                        position=held.position,
                        added=moving_in.counts(moved),
                        reused=moving_in.reused(moved),
                        finalised=moved.counts["finalisations"],
                        files=files,
                        centre_kept=moved.centre_kept,
                        accepted_problems=problems,
                    )
        finally:
            personal.dispose()
    return Outcome(result, EVERYTHING | Changes.of(CENTRE))
