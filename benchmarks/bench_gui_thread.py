"""Benchmark: the longest the GUI thread is held while the store is slow (issue 18: ≤ 50 ms).

The window is opened on a personal store whose every statement takes 200 ms longer (a school's
server across a busy network, ``tests/slow_store.slow_down``), and a teacher's work is driven
through it with the keyboard: the lists load, type-to-filter, each record's New form and each
list's Edit form open (filled from the store) and close, and a walk-through is opened, typed
into and saved by the autosaver.  A heartbeat timer on the GUI thread (every 5 ms) records the
longest gap between its beats, which is the longest the event loop was held: what a teacher
feels as a stall.  Statements run on the GUI thread are counted too (there should be none).

One run first warms the process up (importing the window's modules, Qt's first layouts): its gap
is shown apart, as a once-a-session cost, and not counted.

The floor, in the same run and process: a bare ``QMainWindow`` of the same size, shown and
left doing nothing for as long as the window's work took, watched by the same heartbeat.  The
machine is shared, so the floor is the fair comparison; the budget is the issue's 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui_thread.py [--runs N]
        [--json PATH] [--slow SECONDS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import Result, arguments, exit_without_teardown, median, report

BUDGET_MS = 50
SLOW = 0.2  # seconds added to every statement
STUDENTS, CONVERSATIONS = 200, 300
WAIT = 30.0  # seconds to wait for what the slow store brings


def spin(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    """Run the event loop (as the application's own would run) until ``condition()``."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        loop = QEventLoop()
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def pause(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def press(widget: Any, key: Any, modifiers: Any) -> None:
    from PySide6.QtTest import QTest

    widget.activateWindow()
    spin(widget.isActiveWindow, 5)
    QTest.keyClick(widget, key, modifiers)


def listed(window: Any) -> bool:
    """The list on screen has been read (a list not yet shown has not started reading)."""
    on_screen = window.current_pane().model
    return on_screen.active and not any(pane.model.loading for pane in window.panes())


def open_form_and_close_it(window: Any, key: Any, modifiers: Any) -> str:
    """Open a form by its keys; once it is filled from the store, close it; its title."""
    from tests.gui_helpers import on_next_dialog

    seen: list[str] = []

    def look_and_close(dialog: Any) -> None:
        seen.append(dialog.windowTitle())
        dialog.reject()

    errors = on_next_dialog(look_and_close, tries=int(WAIT * 100))
    press(window, key, modifiers)  # returns when the form has closed
    if errors:
        raise errors[0]
    spin(lambda: bool(seen))
    return seen[0]


def teachers_work(window: Any, watch: Any, preparing: int) -> list[tuple[str, float]]:
    """Drive the window as a teacher would; what was done, in words, each with the longest
    event-loop gap (ms) while it was done."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QWidget

    from tests.gui_helpers import type_text

    ctrl = Qt.KeyboardModifier.ControlModifier
    ctrl_shift = ctrl | Qt.KeyboardModifier.ShiftModifier
    done: list[tuple[str, float]] = []
    started = time.monotonic()

    def did(what: str) -> None:
        done.append((what, watch.longest_gap_ms))
        print(
            f"({time.monotonic() - started:.1f} s: {what}; longest gap "
            f"{watch.longest_gap_ms:.0f} ms)",
            file=sys.stderr,
            flush=True,
        )
        watch.longest_gap_ms = 0.0  # the next step's own

    spin(lambda: listed(window))
    did("lists loaded")

    # Type-to-filter in each list, then clear the filter.
    for number in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        press(window, number, ctrl)
        press(window, Qt.Key.Key_F, ctrl)
        for character in "ana":
            type_text(window.current_pane().search, character)
            pause(60)
        spin(lambda: listed(window))
        window.current_pane().search.clear()
        spin(lambda: listed(window))
    did("filtered each list")

    # Each New form, then each list's Edit form on its first record.
    titles = [
        open_form_and_close_it(window, number, ctrl_shift)
        for number in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)
    ]
    for number in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        press(window, number, ctrl)
        spin(lambda: listed(window))
        window.current_pane().table.selectRow(0)
        spin(lambda: window.current_pane().current_record() is not None)
        titles.append(open_form_and_close_it(window, Qt.Key.Key_E, ctrl))
    did("opened " + ", ".join(titles))

    # A walk-through: opened, typed into, saved by the autosaver.
    press(window, Qt.Key.Key_3, ctrl)
    spin(lambda: listed(window))
    window.conversations.select_where(lambda c: c.id == preparing)
    spin(lambda: getattr(window.conversations.current_record(), "id", None) == preparing)
    press(window, Qt.Key.Key_O, ctrl)
    # Found by name: importing the walk-through's module here would take its first import
    # (part of the first Ctrl+O of a session) away from the window being measured.
    found: Callable[[], list[Any]] = lambda: [  # noqa: E731
        w for w in QApplication.topLevelWidgets() if type(w).__name__ == "InterviewWindow"
    ]
    spin(lambda: bool(found()) and found()[0].is_open())
    walk = found()[0]
    walk.activateWindow()
    spin(walk.isActiveWindow, 5)
    field = next(
        w
        for w in walk.findChildren(QWidget)
        if isinstance(w, QPlainTextEdit | QTextEdit) and w.isVisible() and w.isEnabled()
    )
    field.setFocus()
    for character in "Essay reads unlike her class work.":
        type_text(field, character)
        pause(25)
    spin(lambda: not walk.controller.autosaver.has_unsaved())
    walk.close()
    did("typed into a walk-through and saved it")
    return done


FLOOR_AT_MOST = 60.0  # seconds: a bare window's gaps do not grow with a longer watch


def floor_gap(seconds: float) -> float:
    """The longest heartbeat gap of a bare window left doing nothing for ``seconds`` (at most
    ``FLOOR_AT_MOST``)."""
    from PySide6.QtWidgets import QMainWindow

    from tests.slow_store import watching_gui_thread

    bare = QMainWindow()
    bare.resize(1366, 768)
    bare.show()
    pause(200)  # its first paint, as the window's is left out below
    with watching_gui_thread(None) as watch:  # type: ignore[arg-type]
        watch.reset()
        pause(int(min(seconds, FLOOR_AT_MOST) * 1000))
    bare.close()
    bare.deleteLater()
    return watch.longest_gap_ms


def one_run(slow: float) -> tuple[float, float, int, float, list[tuple[str, float]]]:
    """(longest gap of the window, of the floor, statements on the GUI thread, seconds)."""
    import tests.gui_helpers  # noqa: F401 - the driver's own import, before the watch
    from app.demo.seed import seed_demo
    from app.domain.list_query import ListQuery
    from app.domain.records import ConversationStatus
    from app.paths import resolve_paths
    from app.services import records
    from app.storage.database import open_store
    from tests.slow_store import slow_down, watching_gui_thread
    from ui.main_window import MainWindow
    from ui.operation import Runner

    with tempfile.TemporaryDirectory() as folder:
        paths = resolve_paths(Path(folder) / "data")
        store = open_store(paths, actor="bench teacher")
        seed_demo(store, students=STUDENTS, conversations=CONVERSATIONS)
        every = records.list_conversations(store.principal, store, ListQuery(limit=None))
        preparing = next(c.id for c in every if c.status is ConversationStatus.PREPARING)
        slow_down(store, slow)
        with watching_gui_thread(store) as watch:
            window = MainWindow(store, paths)
            window.show()
            spin(window.isVisible)
            pause(100)
            # The first paint is Qt's own cost (bench_startup.py times it): the gap from here.
            watch.reset()
            started = time.monotonic()
            done = teachers_work(window, watch, preparing)
            took = time.monotonic() - started
        statements = len(watch.statements)
        window_gap = max(gap for _what, gap in done)
        # Every read the window asked for has finished (and been delivered) before its store
        # and folder go.
        window.close()
        window.deleteLater()
        for _ in range(2):
            pause(200)
            Runner.instance().wait(WAIT)
        store.dispose()
    return window_gap, floor_gap(took), statements, took, done


def main() -> int:
    parser = arguments(__doc__.splitlines()[0], runs=3)
    parser.add_argument("--slow", type=float, default=SLOW, help="seconds added per statement")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    del app
    windows: list[float] = []
    floors: list[float] = []
    seconds: list[float] = []
    statements = 0
    steps: dict[str, list[float]] = {}  # each step's longest gap, run by run
    # The first run in a process also pays for importing the window's modules and Qt's first
    # layout of each kind of widget, once a session: shown apart, not counted.
    first, first_floor, on_gui, _took, _done = one_run(args.slow)
    statements += on_gui
    print(f"(warm-up run: window {first:.0f} ms, floor {first_floor:.0f} ms)", file=sys.stderr)
    for _ in range(args.runs):
        window_gap, floor, on_gui, took, done = one_run(args.slow)
        windows.append(window_gap)
        floors.append(floor)
        statements += on_gui
        seconds.append(took)
        for what, step_gap in done:
            steps.setdefault(what, []).append(step_gap)
        print(
            f"(run: window {window_gap:.0f} ms, floor {floor:.0f} ms, {on_gui} statements on "
            f"the GUI thread, {took:.0f} s of work)",
            file=sys.stderr,
        )
    gap, floor = median(windows), median(floors)
    ratio = gap / floor if floor else None
    each = "; ".join(
        f"{what}: {'/'.join(f'{g:.0f}' for g in gaps)} ms" for what, gaps in steps.items()
    )
    result = Result(
        benchmark=f"Longest GUI-thread stall, store slowed by {args.slow * 1000:.0f} ms a "
        "statement (lists, filter, every form, a walk-through saved)",
        measured=f"{gap:.0f} ms (runs: {', '.join(f'{g:.0f}' for g in windows)}); "
        f"{statements} statements on the GUI thread",
        floor=f"{floor:.0f} ms (bare window, same run)",
        ratio=ratio,
        budget=f"≤ {BUDGET_MS} ms, no statement on the GUI thread",
        ok=gap <= BUDGET_MS and statements == 0,
        note=f"median of {args.runs} runs of about {median(seconds):.0f} s each, after a "
        f"warm-up run in the same process (its longest gap {first:.0f} ms, the floor's "
        f"{first_floor:.0f} ms: the window's modules imported and first laid out); the longest "
        f"gap of each step, run by run: {each}; {STUDENTS} students, {CONVERSATIONS} "
        "conversations; heartbeat every 5 ms",
    )
    exit_without_teardown(report([result], args.json))


if __name__ == "__main__":
    sys.exit(main())
