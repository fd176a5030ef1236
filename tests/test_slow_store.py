"""The slow store and the GUI-thread watch catch what they are meant to catch."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.services import Database
from tests.slow_store import slow_down, watching_gui_thread


def test_a_statement_on_the_gui_thread_is_recorded_with_its_stack(
    qtbot: QtBot, store: Database
) -> None:
    slow_down(store, 0.05)
    with watching_gui_thread(store) as watch:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        qtbot.wait(20)
    assert len(watch.statements) == 1
    assert "test_slow_store.py" in watch.statements[0][1]
    assert watch.longest_gap_ms >= 50


def test_work_on_another_thread_leaves_the_gui_thread_free(qtbot: QtBot, store: Database) -> None:
    import threading

    slow_down(store, 0.2)
    with watching_gui_thread(store) as watch:
        watch.reset()

        def read() -> None:
            with store.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        worker = threading.Thread(target=read)
        started = time.monotonic()
        worker.start()
        qtbot.waitUntil(lambda: not worker.is_alive(), timeout=3000)
        assert time.monotonic() - started >= 0.2
    assert watch.statements == []
    assert watch.longest_gap_ms < 50, watch.describe()
    assert watch.beats > 10
