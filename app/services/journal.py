"""The local journal: the walk-through's edits kept on this computer while the server is away.

When the school's server cannot be reached (``StoreUnreachableError``), the walk-through
appends each edit it could not write to a journal file in the data folder, one JSON line per
edit with an id of its own, flushed to the disk before the edit counts as kept.  When the
server is back, ``replay`` applies the whole journal in its order in one transaction and then
removes the file.

Exactly once: every entry is a ``Change`` that sets fields to values, so applying it again
leaves the record as it was and writes no audit entry (app/storage/interviews.py records only
what changed).  A crash before the replay's commit applies nothing; a crash after the commit
but before the file is removed replays the same values again, which changes nothing.  An entry
appended twice (the same id) is applied once.

One journal per store and conversation: ``journal/<store>-<conversation>.jsonl``, the store
named by a hash of its address (never the address, which may name a server).  The folder is
0700 and the files 0600: they hold what the teacher typed about a child.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.principal import Principal
from app.errors import OwnWorkError
from app.services.interviews import Change, write_edits

if TYPE_CHECKING:
    from app.storage.database import Database

log = logging.getLogger(__name__)

FOLDER = "journal"
_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Entry:
    """One kept edit: its id and the change."""

    id: str
    change: Change


def store_name(database: Database) -> str:
    """A stable, opaque name for the store ``database`` opens (its address, hashed)."""
    address = database.engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]


class Journal:
    """One journal file (see the module docstring).  Not shared between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_conversation(cls, folder: Path, database: Database, conversation_id: int) -> Journal:
        return cls(folder / f"{store_name(database)}-{conversation_id}{_SUFFIX}")

    def exists(self) -> bool:
        return self.path.exists()

    def append(self, changes: Iterable[Change]) -> list[Entry]:
        """Add ``changes`` at the end, on the disk when this returns (``OSError`` if not)."""
        entries = [Entry(uuid.uuid4().hex, change) for change in changes]
        if not entries:
            return entries
        lines = "".join(_line(entry) for entry in entries)
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.name == "posix":
            folder.chmod(0o700)
        created = not self.path.exists()
        descriptor = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if not created and not _ends_with_newline(descriptor):
                # A line torn by a crash mid-write: start afresh on the next line.
                lines = "\n" + lines
            os.write(descriptor, lines.encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if created:
            _sync_folder(folder)
        return entries

    def entries(self) -> list[Entry]:
        """The entries in the order they were appended, each id once.  A line that cannot be
        read (torn by a crash before it was ever reported kept) is left out and logged."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        found: dict[str, Entry] = {}
        # Split on newlines only: a note may hold other line breaks (U+0085, U+2028) as they are.
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                entry = Entry(str(data["id"]), Change.from_json(data["change"]))
            except (ValueError, KeyError, TypeError) as error:
                log.warning("journal %s line %d cannot be read: %s", self.path.name, number, error)
                continue
            found.setdefault(entry.id, entry)
        return list(found.values())

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
            _sync_folder(self.path.parent)


def _line(entry: Entry) -> str:
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    data = {"id": entry.id, "at": at, "change": entry.change.to_json()}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _ends_with_newline(descriptor: int) -> bool:
    size = os.fstat(descriptor).st_size
    return size == 0 or os.pread(descriptor, 1, size - 1) == b"\n"


def _sync_folder(folder: Path) -> None:
    # The file's name is on the disk only once its folder is: fsync the folder (POSIX only).
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replay(
    principal: Principal, database: Database, journal: Journal
) -> dict[Hashable, OwnWorkError]:
    """Apply ``journal`` in order in one transaction, then remove it.  Returns the entries the
    core refused (a conversation concluded meanwhile), by id: they are dropped, as retrying
    cannot help.  A ``StoreError`` (the server still away) applies nothing and keeps the file."""
    entries = journal.entries()
    refused: dict[Hashable, OwnWorkError] = {}
    if entries:
        refused = write_edits(principal, database, {entry.id: entry.change for entry in entries})
        for entry_id, error in refused.items():
            log.warning("journal entry %s refused on replay: %s", entry_id, error)
    journal.remove()
    return refused


def pending(folder: Path, database: Database) -> Sequence[Journal]:
    """The journals left for ``database`` in ``folder`` (a crash while the server was away)."""
    if not folder.is_dir():
        return ()
    prefix = store_name(database) + "-"
    return tuple(
        Journal(path) for path in sorted(folder.glob(f"{prefix}*{_SUFFIX}")) if path.is_file()
    )


def replay_pending(principal: Principal, database: Database, folder: Path) -> int:
    """Replay every journal left for ``database`` (at start-up); how many entries it held."""
    count = 0
    for journal in pending(folder, database):
        count += len(journal.entries())
        replay(principal, database, journal)
    return count
