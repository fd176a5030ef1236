"""Benchmark: autosave of notes typed during a conversation, on the whole-school data set.

Budget: committing a note edit through the real autosave path takes p95 ≤ 10 ms, with WAL and
the app's ``synchronous`` setting; and typing never waits on the database.

1. Commit latency: each edit of an answer's notes (growing by a few characters, up to 1,000) is
   handed to the walk-through's ``Autosaver`` with no debounce and waited for with ``flush``:
   the writer thread runs ``interviews.update_answer`` (with its audit entry) in a transaction
   and commits.  The floor is SQLite alone: the same UPDATE of the same row, committed with the
   stdlib driver on the same file with the same PRAGMAs.  For comparison, the same with
   ``synchronous=FULL`` (an fsync per commit).
2. Typing: 1,000 characters are typed (one keystroke every 8 ms, faster than anyone types) into
   the notes editor of the real walk-through window while a 1 ms heartbeat timer runs on the GUI
   thread; the longest gap between heartbeats is the longest the GUI thread was blocked.
   Autosave writes in the background meanwhile.  The floor is the same typing into a bare
   QPlainTextEdit.

Works on a copy of the cached data set (it writes).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_autosave.py [--runs N] [--json P]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from harness import Result, arguments, copy_of_dataset, exit_without_teardown, percentile, report
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QWidget
from sqlalchemy import select

from app.domain.records import ConversationStatus
from app.paths import AppPaths, resolve_paths
from app.services.interviews import Walkthrough
from app.storage import sqlite
from app.storage.database import Database, open_store
from app.storage.models import AnswerRow, ConversationRow
from ui.application import make_application
from ui.interview.autosave import Autosaver
from ui.interview.converse_page import STUDENT
from ui.interview.window import CONVERSE, InterviewWindow

BUDGET_P95_MS = 10.0
BUDGET_STALL_MS = 50.0
CHARACTERS = 1_000
KEY_INTERVAL_MS = 8
TEXT = (
    "She said she started from the mind map in class and changed the middle section after "
    "feedback; she could explain the second source in her own words. "
) * 10


def in_progress_answer(store: Database) -> tuple[int, int]:
    """A conversation under way and the id of the answer it is on."""
    with store.transaction() as session:
        row = session.execute(
            select(ConversationRow.id, AnswerRow.id)
            .join(AnswerRow, AnswerRow.conversation_id == ConversationRow.id)
            .where(
                ConversationRow.status == ConversationStatus.IN_PROGRESS.value,
                AnswerRow.position == ConversationRow.current_position,
            )
            .order_by(ConversationRow.id.desc())
            .limit(1)
        ).one()
    return row[0], row[1]


def commit_latencies(paths: AppPaths, answer_id: int, runs: int) -> list[float]:
    """Milliseconds per note edit, handed to the autosaver and flushed."""
    store = open_store(paths, actor="benchmark")
    saver = Autosaver(store, quiet=0.0, longest=0.0)
    times: list[float] = []
    try:
        for step in range(runs + 5):
            text = TEXT[: (step * 7) % CHARACTERS + 1]

            def write(walkthrough: Walkthrough, text: str = text) -> object:
                return walkthrough.update_answer(answer_id, student_words=text)

            start = time.perf_counter()
            saver.edit(("words", answer_id), write)
            if not saver.flush(timeout=10):
                raise SystemExit("autosave could not save during the benchmark")
            if step >= 5:  # the first few warm statement caches
                times.append((time.perf_counter() - start) * 1000)
    finally:
        saver.close()
        store.dispose()
    return times


def sqlite_latencies(paths: AppPaths, answer_id: int, runs: int) -> list[float]:
    """Milliseconds per UPDATE + COMMIT of the same row with the stdlib driver alone."""
    times: list[float] = []
    with closing(sqlite3.connect(paths.database, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {sqlite.SYNCHRONOUS}")
        db.execute("PRAGMA foreign_keys = ON")
        for step in range(runs + 5):
            text = TEXT[: (step * 7) % CHARACTERS + 1]
            start = time.perf_counter()
            db.execute("BEGIN")
            db.execute(
                "UPDATE conversation_answers SET student_words = ? WHERE id = ?", (text, answer_id)
            )
            db.execute("COMMIT")
            if step >= 5:
                times.append((time.perf_counter() - start) * 1000)
    return times


def longest_stall(editor: QWidget) -> float:
    """Type ``CHARACTERS`` characters into ``editor`` from a timer; the longest gap (ms) between
    1 ms heartbeats on the GUI thread meanwhile."""
    clock = QElapsedTimer()
    loop = QEventLoop()
    gaps: list[float] = []
    last = [0.0]
    typed = [0]

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    def key() -> None:
        if typed[0] >= CHARACTERS:
            typing.stop()
            heartbeat.stop()
            loop.quit()
            return
        QTest.keyClick(editor, TEXT[typed[0] % len(TEXT)])
        typed[0] += 1

    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(beat)
    typing = QTimer()
    typing.setTimerType(Qt.TimerType.PreciseTimer)
    typing.setInterval(KEY_INTERVAL_MS)
    typing.timeout.connect(key)
    editor.setFocus()
    clock.start()
    heartbeat.start()
    typing.start()
    loop.exec()
    return max(gaps[1:])


def typing_in_walkthrough(store: Database, conversation_id: int) -> tuple[float, int]:
    """Longest GUI stall typing notes in the walk-through, and how many saves ran meanwhile."""
    window = InterviewWindow(store, conversation_id, None)
    window.show()
    # The conversation is read off the GUI thread: wait for the pages.
    while not window.is_open():
        QApplication.processEvents()
    window.show_step(CONVERSE)
    QApplication.processEvents()
    saves = [0]
    # The writer reports its problems (usually none) after every batch it writes.
    window.controller.autosaver.problems_changed.connect(
        lambda _problems: saves.__setitem__(0, saves[0] + 1)
    )
    stall = longest_stall(window.converse_page.notes_editor(STUDENT))
    window.controller.autosaver.flush()
    window.close()
    return stall, saves[0]


def typing_in_bare_editor() -> float:
    window = QMainWindow()
    editor = QPlainTextEdit()
    window.setCentralWidget(editor)
    window.resize(1366, 768)
    window.show()
    QApplication.processEvents()
    stall = longest_stall(editor)
    window.close()
    return stall


def main() -> int:
    args = arguments(__doc__.splitlines()[0], runs=200).parse_args()
    app = make_application()
    with tempfile.TemporaryDirectory(prefix="ownwork-autosave-") as temp:
        paths = resolve_paths(copy_of_dataset(Path(temp) / "data"))
        store = open_store(paths, actor="benchmark")
        conversation_id, answer_id = in_progress_answer(store)
        store.dispose()
        ours = commit_latencies(paths, answer_id, args.runs)
        floor = sqlite_latencies(paths, answer_id, args.runs)
        sqlite.SYNCHRONOUS = "FULL"
        full = commit_latencies(paths, answer_id, max(20, args.runs // 5))
        sqlite.SYNCHRONOUS = "NORMAL"
        store = open_store(paths, actor="benchmark")
        bare_stall = typing_in_bare_editor()
        stall, saves = typing_in_walkthrough(store, conversation_id)
        store.dispose()
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    f50, f95 = percentile(floor, 0.5), percentile(floor, 0.95)
    full50, full95 = percentile(full, 0.5), percentile(full, 0.95)
    results = [
        Result(
            benchmark="Autosave: commit a note edit (WAL, synchronous=NORMAL)",
            measured=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
            floor=f"p50 {f50:.2f} ms, p95 {f95:.2f} ms (SQLite alone)",
            ratio=p95 / f95,
            budget=f"p95 ≤ {BUDGET_P95_MS:g} ms",
            ok=p95 <= BUDGET_P95_MS,
            note=f"{len(ours)} edits through Autosaver + interviews.update_answer",
        ),
        Result(
            benchmark="Autosave with synchronous=FULL (not used; for comparison)",
            measured=f"p50 {full50:.1f} ms, p95 {full95:.1f} ms",
            ratio=full95 / f95,
            floor=f"p95 {f95:.2f} ms (SQLite alone, NORMAL)",
        ),
        Result(
            benchmark=f"Typing {CHARACTERS:,} characters of notes: longest GUI-thread stall",
            measured=f"{stall:.1f} ms ({saves} saves meanwhile)",
            floor=f"{bare_stall:.1f} ms (bare QPlainTextEdit)",
            ratio=stall / bare_stall,
            budget=f"≤ {BUDGET_STALL_MS:g} ms",
            ok=stall <= BUDGET_STALL_MS,
            note=f"one keystroke every {KEY_INTERVAL_MS} ms; heartbeat every 1 ms",
        ),
    ]
    status = report(results, args.json)
    app.quit()
    return status


if __name__ == "__main__":
    exit_without_teardown(main())
