"""Autosave for the walk-through: typing never waits on the database.

The window hands over each change as it happens: ``edit(key, write)`` for a field (the latest
write for a key replaces any earlier one not yet saved) and ``run(work, on_done)`` for a change
whose result the window needs, such as a new excerpt's id.  The changes are written on the
application's one writing thread (``Runner.write``, ui/operation.py), so the walk-through's
saves and every other write of the window happen one at a time.  Edits are committed once
typing has paused for ``quiet`` seconds, and at most ``longest`` seconds after the first unsaved
change, so continuous typing still saves.  Everything is written in the order it was handed
over.

When the database refuses a write (disk full, locked, read-only) the changes are kept and tried
again every ``retry`` seconds; the window shows the problem in a banner and the text stays in
its editor.  A change the core rejects (a ``ValidationError``) is reported and dropped:
retrying cannot help, and the next edit of that field carries the whole text again.

When the school's server cannot be reached (``StoreUnreachableError``) and the autosaver has a
``journal`` (app/services/journal.py), the edits are written to that file on this computer
instead, in order, as they fall due; ``offline_changed`` tells the window.  Every ``retry``
seconds the journal is replayed into the server; once that succeeds, saving carries on as
before.  A change that needs a result (a new excerpt or question, whose id the server makes)
cannot be made meanwhile: it is refused, the banner says in one sentence what was not done
(the sentence given with it), and the window gives back what was typed for it.  A journal left
by a crash is replayed when the window next opens, or at start-up (ui/server_away.py).

Only ``flush`` (used on close) makes the GUI thread wait for the disk.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.errors import OwnWorkError, StoreError, StoreUnreachableError, ValidationError
from app.services import Database, interviews
from app.services.interviews import Change, Edit
from app.services.journal import Journal, replay_keeping, server_answers
from ui.operation import Runner
from ui.server_away import kept_sentence

log = logging.getLogger(__name__)

# An edit of the walk-through (app/services/interviews.py): the writer runs it in a use case.
Write = Edit

_STORE_PROBLEM = ("store",)
_OPERATION_PROBLEM = ("operation",)
_JOURNAL_PROBLEM = ("journal",)


@dataclass
class _Batch:
    edits: dict[Hashable, Write] = field(default_factory=dict)


@dataclass
class _Operation:
    token: int
    work: Write
    while_away: str = ""  # the sentence for the banner if the server cannot be reached


class _Signals(QObject):
    """Owned by the writer, so the writing thread can always emit, even after the window has
    gone."""

    operation_done = Signal(int, bool, object)  # token, succeeded, result or error
    problems_changed = Signal(object)  # tuple of messages, newest first; empty when all is well
    settled = Signal()  # nothing is waiting to be written
    offline_changed = Signal(bool)  # edits are being kept in the journal
    wake = Signal()  # the writing thread is done for now: schedule what falls due next


class _Writer:
    """The queue and its state, worked through by jobs on the runner's writing thread.  Plain
    Python, so a dying window cannot take it down mid-write.

    The GUI thread hands changes over and schedules a job (``_kick``) when something falls due;
    the job (``_pump``) writes whatever is due, without ever waiting (other writes share its
    thread), and then asks the GUI thread to schedule the next one (``wake``)."""

    def __init__(
        self,
        store: Database,
        quiet: float,
        longest: float,
        retry: float,
        journal: Journal | None,
    ) -> None:
        self.store = store
        self.quiet, self.longest, self.retry = quiet, longest, retry
        self.journal = journal
        self.signals = _Signals()
        self.cond = threading.Condition()
        self.pending: dict[Hashable, Write] = {}
        self.first_edit = 0.0
        self.last_edit = 0.0
        self.queue: deque[_Batch | _Operation] = deque()
        self.busy = False
        self.scheduled = False  # a job is on the runner or running
        self.retry_at = 0.0
        self.journal_retry_at = 0.0  # after the journal itself could not be written
        self.offline = journal is not None and journal.exists()
        self.flush_wanted = False
        self.flush_ok = True
        self.stopping = False
        self.abandoned = False
        self.problems: dict[Hashable, str] = {}

    # --- called from the GUI thread (never blocks on the database) ---

    def edit(self, key: Hashable, write: Write) -> None:
        with self.cond:
            now = time.monotonic()
            if not self.pending:
                self.first_edit = now
            self.pending[key] = write
            self.last_edit = now

    def run(self, token: int, work: Write, while_away: str) -> None:
        with self.cond:
            self._promote()
            self.queue.append(_Operation(token, work, while_away))

    def has_unsaved(self) -> bool:
        with self.cond:
            return bool(self.pending or self.queue or self.busy)

    def next_due(self) -> float | None:
        """When a job should next run (monotonic seconds); None for nothing to do."""
        with self.cond:
            if self.scheduled or self.abandoned or self.stopping:
                return None  # stopping: the job stop() started does what is left
            times = []
            if self.pending:
                times.append(min(self.last_edit + self.quiet, self.first_edit + self.longest))
            if self.queue:
                # Offline, an edit goes to the journal (local) and an operation is answered at
                # once: either way there is nothing to wait for.
                times.append(self.journal_retry_at if self.offline else self.retry_at)
            elif self.offline:
                times.append(self.retry_at)
            return min(times) if times else None

    def kick(self) -> None:
        """Put a job on the runner's writing thread unless one is there already."""
        with self.cond:
            if self.scheduled or self.abandoned:
                return
            self.scheduled = True
        try:
            Runner.instance().write(self._pump, failure=self._job_broke)
        except RuntimeError:
            # The interpreter is shutting down (a window freed at exit): the runner takes no
            # more work.  Whatever was typed was written when the window closed.
            log.warning("autosave could not start a write: the application is stopping")
            with self.cond:
                self.scheduled = False
                self.cond.notify_all()

    def flush(self, timeout: float) -> bool:
        with self.cond:
            self.flush_wanted, self.flush_ok = True, True
            # One more attempt now, whatever the retry timing says; offline, the edits go to
            # the journal and the server is left to the next retry (a server that does not
            # answer at all could hold the close for as long as the network waits).
            if not self.offline:
                self.retry_at = 0.0
        self.kick()
        with self.cond:
            finished = self.cond.wait_for(lambda: not self.flush_wanted, timeout)
            return finished and self.flush_ok

    def stop(self, *, write_pending: bool) -> None:
        with self.cond:
            self.stopping = True
            self.abandoned = self.abandoned or not write_pending
            if not self.offline:
                self.retry_at = 0.0
        self.kick()

    def wait_idle(self, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: not self.scheduled, timeout)

    # --- the jobs on the runner's writing thread ---

    def _promote(self) -> None:
        """Move typed edits into the queue, after everything handed over before them."""
        if not self.pending:
            return
        tail = self.queue[-1] if self.queue else None
        # Merging into a batch still at the tail keeps the order: nothing was queued after it.
        if isinstance(tail, _Batch) and not (self.busy and len(self.queue) == 1):
            tail.edits.update(self.pending)
        else:
            self.queue.append(_Batch(dict(self.pending)))
        self.pending.clear()

    def _take(self) -> tuple[str, _Batch | _Operation | None] | None:
        """The next thing due: ("write", item), ("journal", batch) or ("replay", None); None
        when nothing is due now (the job ends and the GUI thread schedules the next)."""
        with self.cond:
            now = time.monotonic()
            urgent = self.flush_wanted or self.stopping
            due = min(self.last_edit + self.quiet, self.first_edit + self.longest)
            if not self.abandoned:
                if self.pending and (urgent or now >= due):
                    self._promote()
                head = self.queue[0] if self.queue else None
                if self.offline:
                    if isinstance(head, _Batch) and (urgent or now >= self.journal_retry_at):
                        self.busy = True
                        return "journal", head
                    if isinstance(head, _Operation) or (head is None and now >= self.retry_at):
                        self.busy = True
                        return "replay", None
                elif head is not None and (urgent or now >= self.retry_at):
                    self.busy = True
                    return "write", head
            if self.flush_wanted and (self.abandoned or not (self.queue or self.pending)):
                self.flush_wanted = False
            self.scheduled = False
            self.cond.notify_all()
            return None

    def _pump(self) -> None:
        try:
            while (action := self._take()) is not None:
                kind, item = action
                if kind == "journal":
                    assert isinstance(item, _Batch)
                    self._journal_batch(item)
                elif kind == "replay":
                    self._replay()
                elif isinstance(item, _Batch):
                    self._write_batch(item)
                else:
                    assert isinstance(item, _Operation)
                    self._run_operation(item)
        finally:
            self._emit(self.signals.wake)

    def _job_broke(self, error: BaseException) -> None:
        # Only a bug in the pump itself gets here (each write catches its own errors).
        log.error("autosave job failed", exc_info=error)
        with self.cond:
            self.busy = self.scheduled = False
            self.cond.notify_all()

    def _write_batch(self, batch: _Batch) -> None:
        rejected: dict[Hashable, str] = {}
        try:
            # The core checks before it changes anything, so the other edits of the batch are
            # unaffected by one being refused.
            refused = interviews.write_edits(self.store.principal, self.store, batch.edits)
            rejected = {key: _message(error) for key, error in refused.items()}
        except StoreUnreachableError as error:
            if self.journal is not None and self._keep_locally(batch, error):
                return
            self._finish(batch, failure=str(error))
            return
        except StoreError as error:
            self._finish(batch, failure=str(error))
            return
        except Exception as error:  # a bug: do not retry it forever
            log.exception("autosave failed unexpectedly")
            self._finish(batch, dropped=_unexpected(error))
            return
        self._finish(batch, rejected=rejected)

    def _keep_locally(self, batch: _Batch, error: StoreUnreachableError) -> bool:
        """The server went away: from now on edits go to the journal.  False if the journal
        cannot be written either (the batch then waits in memory, as for any store error)."""
        log.warning("the store cannot be reached; keeping edits in the journal: %s", error)
        with self.cond:
            self.offline = True
            self.retry_at = time.monotonic() + self.retry
        self._emit(self.signals.offline_changed, True)
        return self._journal_batch(batch)

    def _journal_batch(self, batch: _Batch) -> bool:
        assert self.journal is not None
        changes = [edit for edit in batch.edits.values() if isinstance(edit, Change)]
        try:
            self.journal.append(changes)
        except OSError as error:
            log.error("the journal cannot be written: %s", error)
            with self.cond:
                self.journal_retry_at = time.monotonic() + self.retry
            self._finish(
                batch,
                failure=(
                    "The school's server cannot be reached, and what you typed cannot be kept "
                    f"on this computer either ({error.strerror or error})."
                ),
            )
            return False
        if len(changes) < len(batch.edits):
            log.error("an edit that is not a Change cannot be journalled; it was dropped")
        self._finish(batch)
        return True

    def _replay(self) -> None:
        """Try the server again: replay the journal, then carry on writing as usual."""
        assert self.journal is not None
        try:
            if not self.journal.exists():
                # Nothing kept (or replayed already at start-up): ask whether it is back.
                server_answers(self.store.principal, self.store)
            _refused, kept = replay_keeping(self.store.principal, self.store, self.journal)
        except StoreError as error:
            self._replay_failed(error)
            return
        except Exception as error:  # a bug: keep the journal, say so, try again later
            log.exception("replaying the journal failed unexpectedly")
            self._replay_failed(error)
            return
        with self.cond:
            self.busy = False
            self.offline = False
            self.retry_at = 0.0
            self.problems.pop(_STORE_PROBLEM, None)
            if kept is not None:
                self.problems[_JOURNAL_PROBLEM] = kept_sentence(kept)
            messages = tuple(reversed(self.problems.values()))
            self.cond.notify_all()
        self._emit(self.signals.offline_changed, False)
        self._emit(self.signals.problems_changed, messages)

    def _replay_failed(self, error: BaseException) -> None:
        # An operation needs the server now: it is refused rather than left hanging (the page
        # resets and the teacher can try again); edits behind it go on to the journal.
        with self.cond:
            self.busy = False
            self.retry_at = time.monotonic() + self.retry
            failed = [item for item in self.queue if isinstance(item, _Operation)]
            self.queue = deque(item for item in self.queue if isinstance(item, _Batch))
            if not isinstance(error, OwnWorkError):
                self.problems[_STORE_PROBLEM] = _unexpected(error)
            elif not isinstance(error, StoreUnreachableError):
                self.problems[_STORE_PROBLEM] = str(error)
            if failed:
                self.problems[_OPERATION_PROBLEM] = (
                    failed[-1].while_away
                    if isinstance(error, StoreUnreachableError) and failed[-1].while_away
                    else str(error)
                )
            messages = tuple(reversed(self.problems.values()))
            self.cond.notify_all()
        for operation in failed:
            self._emit(self.signals.operation_done, operation.token, False, error)
        self._emit(self.signals.problems_changed, messages)

    def _run_operation(self, operation: _Operation) -> None:
        try:
            result = interviews.write(self.store.principal, self.store, operation.work)
        except Exception as error:
            if not isinstance(error, OwnWorkError):
                log.exception("autosave operation failed unexpectedly")
            away = isinstance(error, StoreUnreachableError)
            with self.cond:
                if away and operation.while_away:
                    self.problems[_OPERATION_PROBLEM] = operation.while_away
                elif isinstance(error, OwnWorkError):
                    self.problems[_OPERATION_PROBLEM] = _message(error)
                else:
                    self.problems[_OPERATION_PROBLEM] = _unexpected(error)
                going_offline = away and self.journal is not None and not self.offline
                if going_offline:
                    # The server went away under this change: edits from now on go to the
                    # journal rather than each waiting for the server in turn.
                    log.warning("the store cannot be reached; keeping edits in the journal")
                    self.offline = True
                    self.retry_at = time.monotonic() + self.retry
            if going_offline:
                self._emit(self.signals.offline_changed, True)
            self._finish(operation)
            self._emit(self.signals.operation_done, operation.token, False, error)
            return
        with self.cond:
            self.problems.pop(_OPERATION_PROBLEM, None)
        self._finish(operation)
        self._emit(self.signals.operation_done, operation.token, True, result)

    def _finish(
        self,
        item: _Batch | _Operation,
        *,
        failure: str | None = None,
        dropped: str | None = None,
        rejected: dict[Hashable, str] | None = None,
    ) -> None:
        with self.cond:
            self.busy = False
            if failure is not None:
                # Keep the item at the head: order is preserved and nothing is lost.
                self.problems[_STORE_PROBLEM] = failure
                self.retry_at = time.monotonic() + self.retry
                if self.flush_wanted or self.stopping:
                    self.flush_ok = False
                    self.flush_wanted = False
                    if self.stopping:
                        self.abandoned = True
                        log.error("autosave gave up on close: %s", failure)
            else:
                self.queue.popleft()
                if not self.offline:
                    self.retry_at = 0.0
                    self.problems.pop(_STORE_PROBLEM, None)
                if isinstance(item, _Batch):
                    for key in item.edits:
                        self.problems.pop(key, None)
                    self.problems.update(rejected or {})
                    if dropped is not None:
                        self.problems[_OPERATION_PROBLEM] = dropped
            messages = tuple(reversed(self.problems.values()))
            settled = not (self.queue or self.pending)
            self.cond.notify_all()
        self._emit(self.signals.problems_changed, messages)
        if settled:
            self._emit(self.signals.settled)

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        # RuntimeError: the receiving window has been deleted, so there is nobody to tell.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


def _message(error: OwnWorkError) -> str:
    """The sentence for the teacher (a ValidationError's own text is prefixed by field names)."""
    if isinstance(error, ValidationError):
        return " ".join(error.field_errors.values())
    return str(error)


def _unexpected(error: BaseException) -> str:
    return (
        "OwnWork hit an unexpected problem while saving, so the latest changes were not saved. "
        "Your text is still on screen; details are in the log file. "
        f"({type(error).__name__})"
    )


class Autosaver(QObject):
    """The GUI-thread face of the writer.  See the module docstring."""

    problems_changed = Signal(object)  # tuple of messages; empty when everything saved
    settled = Signal()  # everything handed over has been dealt with
    unsaved = Signal()  # a change was handed over
    offline_changed = Signal(bool)  # True: edits are kept in the journal on this computer

    def __init__(
        self,
        store: Database,
        *,
        quiet: float = 0.4,
        longest: float = 0.75,
        retry: float = 1.0,
        journal: Journal | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._writer = _Writer(store, quiet, longest, retry, journal)
        self._tokens = itertools.count(1)
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._schedule)
        signals = self._writer.signals
        signals.operation_done.connect(self._operation_done)
        signals.problems_changed.connect(self.problems_changed)
        signals.settled.connect(self.settled)
        signals.offline_changed.connect(self.offline_changed)
        signals.wake.connect(self._schedule)
        # A window deleted without closing still gets what was typed written, in the background.
        writer = self._writer
        self.destroyed.connect(lambda: writer.stop(write_pending=True))
        if writer.offline:
            self._schedule()

    def edit(self, key: Hashable, write: Write) -> None:
        """Save a field: ``write`` replaces any unsaved write with the same ``key``."""
        self._writer.edit(key, write)
        self.unsaved.emit()
        self._schedule()

    def run(
        self,
        work: Write,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        while_away: str = "",
    ) -> None:
        """Run ``work`` after everything handed over so far; its result arrives on this thread.
        It needs the server: while the server cannot be reached it is refused (``on_error``)
        and the banner shows ``while_away``, a sentence saying what was not done."""
        token = next(self._tokens)
        self._callbacks[token] = (on_done, on_error)
        self._writer.run(token, work, while_away)
        self.unsaved.emit()
        self._schedule()

    def has_unsaved(self) -> bool:
        return self._writer.has_unsaved()

    def kept_locally(self) -> bool:
        """Whether edits are waiting in the journal for the server to come back."""
        with self._writer.cond:
            return self._writer.offline

    def flush(self, timeout: float = 10.0) -> bool:
        """Write everything now and wait; False if something could not be saved.  Edits kept
        in the journal count as saved: they are on this computer's disk."""
        return self._writer.flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Stop after one last attempt at whatever is still unsaved."""
        self._timer.stop()
        self._writer.stop(write_pending=True)
        self._writer.wait_idle(timeout)

    def _schedule(self) -> None:
        due = self._writer.next_due()
        if due is None:
            return
        wait = due - time.monotonic()
        if wait <= 0:
            self._timer.stop()
            self._writer.kick()
        else:
            self._timer.start(max(1, int(wait * 1000) + 1))

    def _operation_done(self, token: int, succeeded: bool, payload: object) -> None:
        on_done, on_error = self._callbacks.pop(token, (None, None))
        if succeeded and on_done is not None:
            on_done(payload)
        elif not succeeded and on_error is not None:
            assert isinstance(payload, BaseException)
            on_error(payload)
