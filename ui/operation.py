"""Long work off the GUI thread: run a core function in a worker thread, report on the GUI
thread.

``Operation(work)`` calls ``work(progress)`` in a plain thread (the core is Qt-free and opens
its own database sessions); ``progress(text)`` may be called from there.  ``succeeded`` or
``failed`` is then emitted, delivered on the thread that owns the operation.  The outcome is
also kept in ``result``: a signal sent after the application has stopped its event loop is
never delivered, and whoever stops it may still have to close what the work opened.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

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
