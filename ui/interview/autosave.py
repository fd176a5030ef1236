"""Autosave for the walk-through: one background writer, so typing never waits on the disk.

The window hands over each change as it happens: ``edit(key, write)`` for a field (the latest
write for a key replaces any earlier one not yet saved) and ``run(work, on_done)`` for a change
whose result the window needs, such as a new excerpt's id.  A single writer thread, with its own
sessions from the same ``Database``, commits edits once typing has paused for ``quiet`` seconds,
and at most ``longest`` seconds after the first unsaved change, so continuous typing still
saves.  Everything is written in the order it was handed over.

When the database refuses a write (disk full, locked, read-only) the writer keeps the changes
and tries again every ``retry`` seconds; the window shows the problem in a banner and the text
stays in its editor.  A change the core rejects (a ``ValidationError``) is reported and dropped:
retrying cannot help, and the next edit of that field carries the whole text again.

Only ``flush`` (used on close) makes the GUI thread wait for the disk.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.errors import OwnWorkError, StoreError, ValidationError
from app.services import Database, interviews
from app.services.interviews import Edit

log = logging.getLogger(__name__)

# An edit of the walk-through (app/services/interviews.py): the writer runs it in a use case.
Write = Edit

_STORE_PROBLEM = ("store",)
_OPERATION_PROBLEM = ("operation",)


@dataclass
class _Batch:
    edits: dict[Hashable, Write] = field(default_factory=dict)


@dataclass
class _Operation:
    token: int
    work: Write


class _Signals(QObject):
    """Owned by the writer, so the thread can always emit even after the window is gone."""

    operation_done = Signal(int, bool, object)  # token, succeeded, result or error
    problems_changed = Signal(object)  # tuple of messages, newest first; empty when all is well
    settled = Signal()  # nothing is waiting to be written


class _Writer:
    """The thread and its queue.  Plain Python, so a dying window cannot take it down mid-write."""

    def __init__(self, store: Database, quiet: float, longest: float, retry: float) -> None:
        self.store = store
        self.quiet, self.longest, self.retry = quiet, longest, retry
        self.signals = _Signals()
        self.cond = threading.Condition()
        self.pending: dict[Hashable, Write] = {}
        self.first_edit = 0.0
        self.last_edit = 0.0
        self.queue: collections.deque[_Batch | _Operation] = collections.deque()
        self.busy = False
        self.retry_at = 0.0
        self.flush_wanted = False
        self.flush_ok = True
        self.stopping = False
        self.abandoned = False
        self.problems: dict[Hashable, str] = {}
        self.thread = threading.Thread(target=self._run, name="ownwork-autosave", daemon=True)
        self.thread.start()

    # --- called from the GUI thread (never blocks on the database) ---

    def edit(self, key: Hashable, write: Write) -> None:
        with self.cond:
            now = time.monotonic()
            if not self.pending:
                self.first_edit = now
            self.pending[key] = write
            self.last_edit = now
            self.cond.notify_all()

    def run(self, token: int, work: Write) -> None:
        with self.cond:
            self._promote()
            self.queue.append(_Operation(token, work))
            self.cond.notify_all()

    def has_unsaved(self) -> bool:
        with self.cond:
            return bool(self.pending or self.queue or self.busy)

    def flush(self, timeout: float) -> bool:
        if not self.thread.is_alive():
            return not self.has_unsaved()
        with self.cond:
            self.flush_wanted, self.flush_ok = True, True
            self.cond.notify_all()
            finished = self.cond.wait_for(lambda: not self.flush_wanted, timeout)
            return finished and self.flush_ok

    def stop(self, *, write_pending: bool) -> None:
        with self.cond:
            self.stopping = True
            self.abandoned = not write_pending
            self.cond.notify_all()

    # --- the writer thread ---

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

    def _next(self) -> _Batch | _Operation | None:
        """Wait for the next item that is due; None when the writer should end."""
        with self.cond:
            while True:
                if self.abandoned:
                    return None
                now = time.monotonic()
                urgent = self.flush_wanted or self.stopping
                due = min(self.last_edit + self.quiet, self.first_edit + self.longest)
                if self.pending and (urgent or now >= due):
                    self._promote()
                if self.queue and (urgent or now >= self.retry_at):
                    self.busy = True
                    return self.queue[0]
                if not self.queue and not self.pending:
                    if self.flush_wanted:
                        self.flush_wanted = False
                        self.cond.notify_all()
                    if self.stopping:
                        return None
                wake = [due] if self.pending else []
                if self.queue:
                    wake.append(self.retry_at)
                self.cond.wait(max(0.0, min(wake) - now) if wake else None)

    def _run(self) -> None:
        while (item := self._next()) is not None:
            if isinstance(item, _Batch):
                self._write_batch(item)
            else:
                self._run_operation(item)

    def _write_batch(self, batch: _Batch) -> None:
        rejected: dict[Hashable, str] = {}
        try:
            # The core checks before it changes anything, so the other edits of the batch are
            # unaffected by one being refused.
            refused = interviews.write_edits(self.store.principal, self.store, batch.edits)
            rejected = {key: _message(error) for key, error in refused.items()}
        except StoreError as error:
            self._finish(batch, failure=str(error))
            return
        except Exception as error:  # a bug: do not retry it forever
            log.exception("autosave failed unexpectedly")
            self._finish(batch, dropped=_unexpected(error))
            return
        self._finish(batch, rejected=rejected)

    def _run_operation(self, operation: _Operation) -> None:
        try:
            result = interviews.write(self.store.principal, self.store, operation.work)
        except Exception as error:
            if not isinstance(error, OwnWorkError):
                log.exception("autosave operation failed unexpectedly")
            with self.cond:
                self.problems[_OPERATION_PROBLEM] = (
                    _message(error) if isinstance(error, OwnWorkError) else _unexpected(error)
                )
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

    def __init__(
        self,
        store: Database,
        *,
        quiet: float = 0.4,
        longest: float = 0.75,
        retry: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._writer = _Writer(store, quiet, longest, retry)
        self._tokens = itertools.count(1)
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ] = {}
        signals = self._writer.signals
        signals.operation_done.connect(self._operation_done)
        signals.problems_changed.connect(self.problems_changed)
        signals.settled.connect(self.settled)
        # A window deleted without closing still gets what was typed written, in the background.
        writer = self._writer
        self.destroyed.connect(lambda: writer.stop(write_pending=True))

    def edit(self, key: Hashable, write: Write) -> None:
        """Save a field: ``write`` replaces any unsaved write with the same ``key``."""
        self._writer.edit(key, write)
        self.unsaved.emit()

    def run(
        self,
        work: Write,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``work`` after everything handed over so far; its result arrives on this thread."""
        token = next(self._tokens)
        self._callbacks[token] = (on_done, on_error)
        self._writer.run(token, work)
        self.unsaved.emit()

    def has_unsaved(self) -> bool:
        return self._writer.has_unsaved()

    def flush(self, timeout: float = 10.0) -> bool:
        """Write everything now and wait; False if something could not be saved."""
        return self._writer.flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the writer after one last attempt at whatever is still unsaved."""
        self._writer.stop(write_pending=True)
        self._writer.thread.join(timeout)

    def _operation_done(self, token: int, succeeded: bool, payload: object) -> None:
        on_done, on_error = self._callbacks.pop(token, (None, None))
        if succeeded and on_done is not None:
            on_done(payload)
        elif not succeeded and on_error is not None:
            assert isinstance(payload, BaseException)
            on_error(payload)
