"""A list's count comes from a worker thread after its rows: late counts never show."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.domain.list_query import ListQuery
from ui.models.record_table import PAGE, Column, RecordTableModel


class _Counts:
    """A ``total`` that blocks until told, per search text, and records who asked."""

    def __init__(self) -> None:
        self.release = {text: threading.Event() for text in ("slow", "fast", "")}
        self.asked: list[str] = []

    def __call__(self, query: ListQuery) -> int:
        self.asked.append(query.search)
        self.release[query.search].wait(10)
        return {"slow": 5_000, "fast": 300, "": 9_999}[query.search]


def _model(counts: _Counts) -> RecordTableModel[int]:
    columns = [Column[int]("n", str, "")]
    return RecordTableModel(columns, lambda query: list(range(PAGE)), counts)


def test_the_rows_show_before_the_count_and_a_late_count_is_dropped(qtbot: QtBot) -> None:
    counts = _Counts()
    model = _model(counts)
    shown: list[int] = []
    model.totalChanged.connect(shown.append)
    counts.release[""].set()
    model.activate()
    # From the reading thread, whatever the count is doing.
    qtbot.waitUntil(lambda: model.rowCount() == PAGE)
    qtbot.waitUntil(lambda: shown == [9_999])
    model.set_search("slow")
    qtbot.waitUntil(lambda: counts.asked == ["", "slow"])  # started, now blocked
    assert model.counting and model.total == 9_999
    model.set_search("fast")  # waits for the thread, behind the overtaken count
    counts.release["slow"].set()  # the overtaken count finishes …
    qtbot.waitUntil(lambda: counts.asked == ["", "slow", "fast"])
    qtbot.wait(50)  # time for its result to arrive on this thread
    assert shown == [9_999] and model.counting  # … and is not shown
    counts.release["fast"].set()
    qtbot.waitUntil(lambda: shown == [9_999, 300])
    assert model.total == 300 and not model.counting


def test_a_count_overtaken_before_it_starts_is_never_run(qtbot: QtBot) -> None:
    counts = _Counts()
    model = _model(counts)
    counts.release[""].set()
    model.activate()
    qtbot.waitUntil(lambda: not model.counting)
    model.set_search("slow")  # occupies the counting thread
    qtbot.waitUntil(lambda: counts.asked[-1:] == ["slow"])
    model.set_search("fast")  # queued behind it …
    model.set_search("")  # … and overtaken before it could start
    counts.release["slow"].set()
    qtbot.waitUntil(lambda: not model.counting)
    assert counts.asked == ["", "slow", ""] and model.total == 9_999
