"""What keeps start-up and the lists cheap at whole-school scale (docs/performance.md).

The benchmarks measure the time; these tests pin down the behaviours the times depend on, so
that a change cannot quietly undo them: nothing heavy imported before the window shows, only the
list on screen read, a large file not read whole to open it, counts that stop at a limit.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.demo.seed import seed_demo
from app.errors import CorruptDatabaseError
from app.paths import AppPaths
from app.storage import sqlite
from app.storage.database import Database, open_store
from app.storage.listing import ListQuery
from tests.gui_helpers import wait_listed
from ui.main_window import MainWindow
from ui.models.record_table import COUNT_LIMIT, PAGE

_IMPORTED_AT_START = """
import os, sys
from app.cli.main import main
code = main(["--data-dir", sys.argv[1], *sys.argv[2:]])
print(" ".join(sorted(sys.modules)))
sys.stdout.flush()
os._exit(code)  # skip PySide6's teardown: only the modules matter here
"""


def _modules_after_smoke(data_dir: Path, smoke: str = "--smoke") -> set[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED_AT_START, str(data_dir), smoke],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def _packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_window_is_painted_before_the_storage_layer_is_loaded(tmp_path: Path) -> None:
    modules = _modules_after_smoke(tmp_path / "data")
    assert "ui.main_window" in modules and "app.storage.precheck" in modules
    assert not {"sqlalchemy", "alembic", "reportlab"} & _packages(modules)
    # Nor the code of commands the window was not asked for.
    assert not {"app.cli.commands", "app.cli.list_cmd", "logging.handlers"} & modules
    assert "concurrent.futures" not in modules  # the counting thread starts with the records


def test_listing_the_records_imports_no_pdf_dialog_or_migration_code(tmp_path: Path) -> None:
    _modules_after_smoke(tmp_path / "data", "--smoke=listed")  # creates the store
    modules = _modules_after_smoke(tmp_path / "data", "--smoke=listed")
    assert "ui.main_window" in modules and "sqlalchemy" in modules
    assert not {"reportlab", "alembic"} & _packages(modules)
    assert not {"ui.dialogs.student_dialog", "ui.detail_view"} & modules
    assert (tmp_path / "data" / "ownwork.sqlite3").exists()


@pytest.fixture
def school(paths: AppPaths) -> Iterator[Database]:
    store = open_store(paths, actor="test teacher")
    seed_demo(store, students=40, conversations=COUNT_LIMIT + 50)
    yield store
    store.dispose()


def test_only_the_list_on_screen_is_read_until_its_tab_is_shown(
    qtbot: QtBot, school: Database, paths: AppPaths, qtmodeltester: object
) -> None:
    window = MainWindow(school, paths)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.students.model.rowCount() == 40)
    for pane in (window.submissions, window.conversations):
        assert pane.model.rowCount() == 0 and not pane.model.canFetchMore()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    conversations = window.conversations.model
    assert window.tabs.currentWidget() is window.conversations
    qtbot.waitUntil(lambda: conversations.rowCount() == PAGE) and conversations.canFetchMore()
    assert window.submissions.model.rowCount() == 0
    qtmodeltester.check(conversations)  # type: ignore[attr-defined]


def test_a_broad_filter_counts_up_to_the_limit_only(
    qtbot: QtBot, school: Database, paths: AppPaths
) -> None:
    window = MainWindow(school, paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    pane = window.conversations
    window.tabs.setCurrentWidget(pane)
    exact = QLocale().toString(COUNT_LIMIT + 50)
    qtbot.waitUntil(lambda: pane.count.text() == f"{exact} records")  # unfiltered: exact
    # Every demo submission's search key holds its exam series ("June 2027" and the like).
    qtbot.keyClicks(pane.search, "20")
    wait_listed(qtbot, window)
    assert pane.model.rowCount() == PAGE
    more = f"More than {QLocale().toString(COUNT_LIMIT)} records"
    qtbot.waitUntil(lambda: pane.count.text() == more)
    pane.search.clear()
    qtbot.keyClicks(pane.search, "zzzq")
    qtbot.waitUntil(lambda: pane.count.text() == "0 records")
    assert pane.model.rowCount() == 0


def _statements_of_probe(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    statements: list[str] = []
    real = sqlite._read_only

    def traced(where: Path, timeout: float) -> sqlite3.Connection:
        connection = real(where, timeout)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite, "_read_only", traced)
    sqlite.probe(path)
    return statements


def test_start_up_checks_a_small_file_whole_and_a_large_one_by_its_schema(
    store: Database, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.dispose()
    assert "PRAGMA quick_check" in _statements_of_probe(paths.database, monkeypatch)
    monkeypatch.setattr(sqlite, "QUICK_CHECK_MAX_BYTES", 0)
    assert "PRAGMA quick_check" not in _statements_of_probe(paths.database, monkeypatch)


def test_a_large_file_with_a_damaged_schema_is_still_refused(
    store: Database, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.dispose()
    with closing(sqlite3.connect(paths.database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(paths.database.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the schema page does not
    paths.database.write_bytes(bytes(data))
    before = paths.database.read_bytes()
    monkeypatch.setattr(sqlite, "QUICK_CHECK_MAX_BYTES", 0)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(paths)
    assert paths.database.read_bytes() == before


def test_a_list_without_a_limit_returns_every_conversation_in_order(school: Database) -> None:
    from app.storage import conversations

    with school.transaction() as session:
        everything = conversations.page(session, ListQuery(limit=None))
        newest = conversations.page(session, ListQuery(limit=PAGE))
    assert len(everything) == COUNT_LIMIT + 50
    assert everything[:PAGE] == newest
    keys = [(c.held_at, c.id) for c in everything]
    assert keys == sorted(keys, reverse=True)
