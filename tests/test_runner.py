"""The one runner of background work: reads and serialised writes off the GUI thread, results
and failures on it, and the changes a write made announced to whoever lists records."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.errors import OwnWorkError
from app.services.base import STUDENT, Changes, Outcome
from ui.operation import Runner


@pytest.fixture
def reported() -> list[BaseException]:
    return []


@pytest.fixture
def runner(qtbot: QtBot, reported: list[BaseException]) -> Iterator[Runner]:
    made = Runner(reporter=reported.append)
    yield made
    made.wait(5)


def test_a_slow_read_never_holds_the_gui_thread_and_its_result_arrives_there(
    qtbot: QtBot, runner: Runner
) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        time.sleep(0.2)
        return 42

    def success(result: int) -> None:
        seen["result"] = result
        seen["delivered on the GUI thread"] = threading.current_thread() is threading.main_thread()

    started = time.perf_counter()
    runner.read(work, success=success)
    assert time.perf_counter() - started < 0.05
    qtbot.waitUntil(lambda: "result" in seen, timeout=3000)
    assert seen == {"worker": False, "result": 42, "delivered on the GUI thread": True}


def test_writes_run_one_at_a_time_in_the_order_asked(qtbot: QtBot, runner: Runner) -> None:
    log: list[tuple[str, int]] = []
    finished: list[int] = []

    def write(number: int) -> int:
        log.append(("start", number))
        time.sleep(0.02)
        log.append(("end", number))
        return number

    for number in range(5):
        runner.write(lambda n=number: write(n), success=finished.append)
    qtbot.waitUntil(lambda: len(finished) == 5, timeout=3000)
    assert finished == [0, 1, 2, 3, 4]
    assert log == [(step, n) for n in range(5) for step in ("start", "end")]


def test_a_write_announces_what_it_changed_before_its_caller_hears(
    qtbot: QtBot, runner: Runner
) -> None:
    heard: list[object] = []
    runner.changes_applied.connect(lambda changes: heard.append(("changes", changes)))
    runner.write(
        lambda: Outcome("saved", Changes.of(STUDENT, 7)),
        success=lambda outcome: heard.append(("success", outcome.value)),
    )
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=3000)
    assert heard == [("changes", Changes.of(STUDENT, 7)), ("success", "saved")]


def test_a_failure_goes_to_the_caller_or_else_to_the_one_reporter(
    qtbot: QtBot, runner: Runner, reported: list[BaseException]
) -> None:
    handled: list[BaseException] = []

    def fail() -> None:
        raise OwnWorkError("The disk is full.")

    runner.write(fail, failure=handled.append)
    runner.read(fail)
    qtbot.waitUntil(lambda: len(handled) == 1 and len(reported) == 1, timeout=3000)
    assert str(handled[0]) == str(reported[0]) == "The disk is full."


def test_a_result_for_a_closed_window_is_not_delivered(qtbot: QtBot, runner: Runner) -> None:
    owner = QObject()
    release = threading.Event()
    delivered: list[object] = []
    runner.read(lambda: release.wait(3), success=delivered.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner), timeout=3000)
    release.set()
    assert runner.wait(3)
    qtbot.wait(50)
    assert delivered == []


def _alive(obj: QObject) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(obj))


def test_a_read_cancelled_before_it_starts_never_reports(qtbot: QtBot, runner: Runner) -> None:
    release = threading.Event()
    delivered: list[object] = []
    # A slow read holds its lane; the next read of that lane waits, and is overtaken.
    runner.read(lambda: release.wait(3), lane="count")
    waiting = runner.read(
        lambda: "stale", success=delivered.append, failure=delivered.append, lane="count"
    )
    assert waiting.cancel()
    release.set()
    assert runner.wait(3)
    qtbot.wait(50)
    assert delivered == []
