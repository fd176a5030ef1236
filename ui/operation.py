"""Long work off the GUI thread: run a core function in a worker thread, report on the GUI
thread.

``Runner`` (below) is the one runner for database work: reads, serialised writes, results and
failures on the GUI thread, and ``changes_applied`` for the lists.  ``Operation`` is the
long-running kind with progress text (verify, case bundles), shown in a progress dialog.

``Operation(work)`` calls ``work(progress)`` in a plain thread (the core is Qt-free and opens
its own database sessions); ``progress(text)`` may be called from there.  ``succeeded`` or
``failed`` is then emitted, delivered on the thread that owns the operation.  The outcome is
also kept in ``result``: a signal sent after the application has stopped its event loop is
never delivered, and whoever stops it may still have to close what the work opened.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal

if TYPE_CHECKING:
    from concurrent.futures import Future

    from PySide6.QtWidgets import QWidget

    from app.services import Database

Work = Callable[[Callable[[str], None]], Any]


class Operation(QObject):
    progress = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._thread: threading.Thread | None = None
        self.result: Any = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ownwork-operation", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self.result = self._work(self.progress.emit)
        except BaseException as error:  # delivered to the GUI thread, which reports it
            self._emit(self.failed, error)
        else:
            self._emit(self.succeeded, self.result)
        self._emit(self.finished)

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        # RuntimeError: the dialog that started it has been closed and deleted.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


class _Job(QObject):
    """One piece of work handed to the runner: its outcome is emitted from the worker and,
    because the job lives on the GUI thread, delivered there.

    The job belongs to the runner, which outlives every window, so a worker never emits on an
    object being deleted; a job whose ``owner`` (a dialog, a list) has gone by the time its
    result arrives delivers nothing."""

    done = Signal(object)
    broke = Signal(object)

    def __init__(
        self,
        runner: Runner,
        success: Callable[[Any], None] | None,
        failure: Callable[[BaseException], None] | None,
        owner: QObject | None,
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self._success = success
        self._failure = failure
        self._owner = owner
        self.done.connect(self._succeeded)
        self.broke.connect(self._failed)

    def _owner_gone(self) -> bool:
        if self._owner is None:
            return False
        import shiboken6

        return not shiboken6.isValid(self._owner)

    def _succeeded(self, result: Any) -> None:
        try:
            changes = getattr(result, "changes", None)
            if changes:
                self._runner.changes_applied.emit(changes)
            if self._success is not None and not self._owner_gone():
                self._success(result)
        finally:
            self._owner = None
            self.deleteLater()

    def _failed(self, error: BaseException) -> None:
        try:
            if self._owner_gone():
                return
            if self._failure is not None:
                self._failure(error)
            else:
                self._runner.report(error)
        finally:
            self._owner = None
            self.deleteLater()


_WRITES = "write"
_SWITCH_INTERVAL = 0.001  # seconds; see Runner._lane


class Runner(QObject):
    """The one runner of background work in the window (after Anki's ``CollectionOp`` and
    ``QueryOp``): nothing touches the database on the GUI thread.

    ``read(work, success=…)`` runs ``work()`` on a reading thread (one per lane: reads of a
    lane run in order); ``write(work, success=…)`` on the one writing thread, so writes happen
    one at a time in the order they were asked for.
    ``success(result)`` or ``failure(error)`` is then called on the GUI thread; without a
    ``failure``, an error goes to the one error reporter (ui/errors.py).  A write whose result
    carries ``changes`` (an ``app.services.Outcome``) is announced first by ``changes_applied``,
    which the lists listen to, so no caller reloads a list by hand.

    The threads start with the first job (``concurrent.futures`` is not needed to paint the
    window).  ``Runner.instance()`` is the application's runner.
    """

    changes_applied = Signal(object)  # app.services.Changes

    _instance: Runner | None = None

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        reporter: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._reporter = reporter
        self._lanes: dict[str, Any] = {}
        self._pending: set[Any] = set()
        self._lock = threading.Lock()

    @classmethod
    def instance(cls) -> Runner:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def report(self, error: BaseException) -> None:
        if self._reporter is not None:
            self._reporter(error)
            return
        from PySide6.QtWidgets import QApplication

        from ui.errors import report

        report(QApplication.activeWindow(), error)

    def read(
        self,
        work: Callable[[], Any],
        *,
        success: Callable[[Any], None] | None = None,
        failure: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        lane: str = "read",
    ) -> Future[Any]:
        """Run ``work`` on a reading thread.  Reads in one ``lane`` run one at a time, in
        order; lanes run side by side (the lists' counts in "count", the daily backup in
        "backup", so neither waits for the other).  Cancelling the returned future before it
        starts drops the job (a count overtaken by a keystroke)."""
        if lane == _WRITES:
            raise ValueError("writes go through write()")
        return self._submit(self._lane(lane), work, _Job(self, success, failure, owner))

    def write(
        self,
        work: Callable[[], Any],
        *,
        success: Callable[[Any], None] | None = None,
        failure: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> Future[Any]:
        """Run ``work`` on the one writing thread, after every write asked for before it."""
        return self._submit(self._lane(_WRITES), work, _Job(self, success, failure, owner))

    def _lane(self, name: str) -> Any:
        lane = self._lanes.get(name)
        if lane is None:
            from concurrent.futures import ThreadPoolExecutor  # not needed to paint the window

            # The workers run Python (SQLAlchemy, the audit chain) while the GUI thread waits
            # for the interpreter lock to handle a key or a paint: hand it over after 1 ms
            # rather than Python's default 5 ms, so a busy writer never holds a keystroke long.
            sys.setswitchinterval(min(sys.getswitchinterval(), _SWITCH_INTERVAL))

            lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ownwork-{name}")
            self._lanes[name] = lane
        return lane

    def _submit(self, executor: Any, work: Callable[[], Any], job: _Job) -> Future[Any]:
        def run() -> None:
            try:
                result = work()
            except BaseException as error:  # delivered to the GUI thread, which reports it
                Operation._emit(job.broke, error)
            else:
                Operation._emit(job.done, result)

        future: Future[Any] = executor.submit(run)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(lambda done: self._forget(done, job))
        return future

    def _forget(self, future: Future[Any], job: _Job) -> None:
        with self._lock:
            self._pending.discard(future)
        if future.cancelled():
            # cancel() runs this on the thread that called it, the GUI thread: the job that
            # will never report can go.
            with contextlib.suppress(RuntimeError):
                job.deleteLater()

    def wait_for(self, work: Callable[[], Any], *, write: bool = False, lane: str = "read") -> Any:
        """Run ``work`` on a reading thread (the writing one with ``write``) and return its
        result, or raise its error, while the GUI thread goes on painting and running timers
        in a local event loop, as a modal dialog's does; the teacher's keys and clicks wait
        until it returns (busy cursor).  For a flow of steps on the GUI thread that each need
        the store (the document preview's checks, then a question, then the document), where
        callbacks would scatter one short story over many functions.  A result carrying
        ``changes`` is announced as for ``write``."""
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        def done(result: Any) -> None:
            outcome["result"] = result
            loop.quit()

        def broke(error: BaseException) -> None:
            outcome["error"] = error
            loop.quit()

        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        try:
            if write:
                self.write(work, success=done, failure=broke)
            else:
                self.read(work, success=done, failure=broke, lane=lane)
            # The job's outcome is a queued signal: it cannot arrive before the loop runs.
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            QApplication.restoreOverrideCursor()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]

    def announce(self, changes: Any) -> None:
        """Tell the lists what a use case called on the GUI thread changed (a form's save)."""
        if changes:
            self.changes_applied.emit(changes)

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._pending)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait (closing only) until every job asked for has run; False if time ran out."""
        with self._lock:
            pending = set(self._pending)
        if not pending:
            return True
        from concurrent.futures import wait

        _, not_done = wait(pending, timeout)
        return not not_done


def load(owner: QWidget, read: Callable[[], Any], fill: Callable[[Any], None]) -> Future[Any]:
    """Fill the window ``owner`` (shown at once, saying it is loading) with what ``read()``
    returns, read on a reading thread; if the read fails, the failure is reported over it and
    it closes, as it cannot show what it is for."""

    def failed(error: BaseException) -> None:
        from ui.errors import report

        report(owner, error)
        owner.close()

    return Runner.instance().read(read, success=fill, failure=failed, owner=owner)


def wait_for_use_case(
    use_case: Callable[..., Any], store: Database, *args: Any, write: bool = False, **kwargs: Any
) -> Any:
    """``use_case(store.principal, store, *args, **kwargs)`` through ``Runner.wait_for``: a step
    of a flow on the GUI thread that needs the store (on the writing thread with ``write``)."""
    principal = store.principal
    return Runner.instance().wait_for(
        lambda: use_case(principal, store, *args, **kwargs), write=write
    )
