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

Entries the record no longer takes (the conversation was finalised meanwhile, or the login may
no longer change it) are never thrown away: they are set aside, still 0600, in
``journal/not-saved/``, where no replay looks, and the teacher is told where
(``replay_pending`` returns them as ``Kept``).  At start-up and whenever the server is back the
window replays every journal of its store (``replay_pending``, called by ui/server_away.py).
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
from app.errors import OwnWorkError, StoreError
from app.services.base import transaction
from app.services.interviews import Change, write_edits

if TYPE_CHECKING:
    from app.storage.database import Database

log = logging.getLogger(__name__)

FOLDER = "journal"
# Inside FOLDER: what the record would not take, kept for the teacher (never replayed).
NOT_SAVED = "not-saved"
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


@dataclass(frozen=True)
class Kept:
    """Entries of one conversation the record would not take, set aside in ``path``."""

    path: Path
    conversation_id: int | None
    count: int
    reason: str


@dataclass(frozen=True)
class Replayed:
    """What ``replay_pending`` did: entries written, of which conversations, and what was set
    aside."""

    saved: int = 0
    conversations: tuple[int, ...] = ()
    kept: tuple[Kept, ...] = ()


class Journal:
    """One journal file (see the module docstring).  Not shared between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_conversation(cls, folder: Path, database: Database, conversation_id: int) -> Journal:
        return cls(folder / f"{store_name(database)}-{conversation_id}{_SUFFIX}")

    def exists(self) -> bool:
        return self.path.exists()

    @property
    def conversation_id(self) -> int | None:
        """The conversation this journal is for, from its name (None if not one of ours)."""
        number = self.path.name.removesuffix(_SUFFIX).rpartition("-")[2]
        return int(number) if number.isdigit() else None

    def append(self, changes: Iterable[Change]) -> list[Entry]:
        """Add ``changes`` at the end, on the disk when this returns (``OSError`` if not)."""
        entries = [Entry(uuid.uuid4().hex, change) for change in changes]
        self.append_entries(entries)
        return entries

    def append_entries(self, entries: Sequence[Entry]) -> None:
        """Write ``entries`` (ids kept) at the end, on the disk when this returns."""
        if not entries:
            return
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

    def set_aside(self, entries: Sequence[Entry] | None = None) -> Path:
        """Keep ``entries`` (all of them by default) in ``not-saved/``, where no replay looks,
        and remove the journal; the kept file's path.  ``OSError`` if it cannot be written (the
        journal is then left as it was)."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        kept = Journal(self.path.parent / NOT_SAVED / f"{self.path.stem}.{stamp}{_SUFFIX}")
        if entries is None:
            entries = self.entries()
        kept.append_entries(entries)
        self.remove()
        return kept.path


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
    core refused (a conversation concluded meanwhile), by id: retrying cannot help, so they
    are set aside in ``not-saved/`` (``replay_keeping`` says where) rather than lost.  A
    ``StoreError`` (the server still away) applies nothing and keeps the file."""
    return replay_keeping(principal, database, journal)[0]


def replay_keeping(
    principal: Principal, database: Database, journal: Journal
) -> tuple[dict[Hashable, OwnWorkError], Kept | None]:
    """``replay``, and where the refused entries were set aside (None when none were)."""
    entries = journal.entries()
    refused: dict[Hashable, OwnWorkError] = {}
    if entries:
        refused = write_edits(principal, database, {entry.id: entry.change for entry in entries})
        for entry_id, error in refused.items():
            log.warning("journal entry %s refused on replay: %s", entry_id, error)
    if not refused:
        journal.remove()
        return refused, None
    path = journal.set_aside([entry for entry in entries if entry.id in refused])
    log.warning("%d journal entries refused on replay are kept in %s", len(refused), path)
    reason = " ".join(dict.fromkeys(str(error) for error in refused.values()))
    return refused, Kept(path, journal.conversation_id, len(refused), reason)


def pending(folder: Path, database: Database) -> Sequence[Journal]:
    """The journals left for ``database`` in ``folder`` (a crash while the server was away)."""
    if not folder.is_dir():
        return ()
    prefix = store_name(database) + "-"
    return tuple(
        Journal(path) for path in sorted(folder.glob(f"{prefix}*{_SUFFIX}")) if path.is_file()
    )


def replay_pending(principal: Principal, database: Database, folder: Path) -> Replayed:
    """Replay every journal left for ``database`` in ``folder``, each once (at start-up, and
    when the server is back).  A journal the record will not take, in part or whole, is set
    aside and named in ``Replayed.kept``.  A ``StoreError`` (the server still away) stops
    here: what was replayed stays replayed, the rest waits for the next call."""
    saved, conversations, kept = 0, [], []
    for journal in pending(folder, database):
        entries = journal.entries()
        try:
            refused, set_aside = replay_keeping(principal, database, journal)
        except StoreError:
            raise
        except OwnWorkError as error:
            # Refused as a whole (this login may no longer change conversations): keep it all.
            log.warning("journal %s refused on replay: %s", journal.path.name, error)
            path = journal.set_aside(entries)
            kept.append(Kept(path, journal.conversation_id, len(entries), str(error)))
            continue
        if len(refused) < len(entries) and journal.conversation_id is not None:
            saved += len(entries) - len(refused)
            conversations.append(journal.conversation_id)
        if set_aside is not None:
            kept.append(set_aside)
    return Replayed(saved, tuple(conversations), tuple(kept))


def server_answers(principal: Principal, database: Database) -> None:
    """Ask the store one trivial question: ``StoreUnreachableError`` when its server is away
    (the window asks every few seconds, ui/server_away.py)."""
    from sqlalchemy import select

    with transaction(database, principal) as session:
        session.execute(select(1))
