"""Issue 19 at start-up: OwnWork killed (kill -9) while the school's server was away is started
again with the server back; every change typed is then on the server once, in order, without
the teacher opening the conversation, and the journal is gone.  The main window's banner
appears while the server is away and goes when it is back.

These tests stop and start a PostgreSQL server of their own (not the session's shared one)."""

from __future__ import annotations

import itertools
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QToolBar
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.domain.principal import Principal
from app.paths import resolve_paths
from app.services import Database, connect
from app.services.journal import FOLDER, pending
from app.storage.models import AuditRow
from tests.interview_crash_child import TEXT, spawn
from tests.pg_server import PgServer, free_port, migrated_database, started_server
from tests.test_interview_window import begun
from tests.test_walkthrough_server_away import SERVER_AWAY, stored_words, word_lengths
from tests.test_window_first import _App
from ui.application import Launcher
from ui.main_window import MainWindow
from ui.server_away import OBJECT_NAME, ServerWatch, watch_server
from ui.server_dialog import show_store

DATABASE = "ownwork_restart"
SCREENSHOTS = os.environ.get("OWNWORK_SCREENSHOTS")


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    with started_server(port=free_port()) as server:
        yield server


@pytest.fixture
def store(own_server: PgServer) -> Iterator[Database]:
    """A fresh, migrated database on the server these tests stop and start; the server is
    started again at the end if a test left it stopped."""
    url = migrated_database(own_server, DATABASE)
    database = connect(url, principal=Principal.personal("test teacher"))
    yield database
    database.dispose()
    if not (own_server.data_dir / "postmaster.pid").exists():
        own_server.resume()


def audit_count(store: Database) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditRow)) or 0


def main_window(qtbot: QtBot, data_dir: Path, store: Database) -> MainWindow:
    window = MainWindow(None, resolve_paths(data_dir))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.attach_store(store)
    show_store(window, store)
    return window


def type_until_killed(server: PgServer, data_dir: Path, conversation_id: int) -> None:
    """The walk-through in a process of its own, typing; the server stopped after 60 keys and
    the process killed (SIGKILL) after 250, a few seconds of typing with the server away."""
    with spawn(data_dir, conversation_id, server.url(DATABASE)) as child:
        assert child.stdout is not None
        try:
            stopped = False
            typed = 0
            for line in child.stdout:
                typed = int(line.split()[1])
                if typed == 60 and not stopped:
                    server.stop("fast")
                    stopped = True
                if typed == 250:
                    break
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait(10)
    assert typed == 250, "the typing process ended before it was killed"


def test_a_kill_while_the_server_is_away_is_replayed_at_the_next_start_once_and_in_order(
    qtbot: QtBot, store: Database, conversation_id: int, own_server: PgServer, tmp_path: Path
) -> None:
    begun(store, conversation_id)
    answer_id = _first_answer(store, conversation_id)
    store.engine.dispose()  # this process's connections would be dead after the restart
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    type_until_killed(own_server, data_dir, conversation_id)

    journals = pending(data_dir / FOLDER, store)
    assert len(journals) == 1, "nothing was kept while the server was away"
    assert stat.S_IMODE(journals[0].path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journals[0].path.parent.stat().st_mode) == 0o700
    kept = journals[0].entries()
    last_kept = kept[-1].change.kwargs["student_words"]
    assert TEXT.startswith(last_kept) and len(last_kept) > 60

    own_server.resume()
    # Start-up as run_gui does it, with the server's records (a stand-in for the event loop).
    url = own_server.url(DATABASE)
    launcher = Launcher(
        _App(),  # type: ignore[arg-type]
        resolve_paths(data_dir),
        smoke=None,
        opener=lambda _paths, principal: connect(url, principal=principal),
    )
    assert launcher.show_window()
    window = launcher.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: launcher.server_watch is not None, timeout=20_000)
    watch = launcher.server_watch
    assert watch is not None
    # Replayed without the conversation being opened.
    qtbot.waitUntil(lambda: pending(data_dir / FOLDER, store) == (), timeout=20_000)
    qtbot.waitUntil(lambda: "now saved" in window.statusBar().currentMessage(), timeout=10_000)
    assert f"{len(kept)} change(s) in 1 conversation(s)" in window.statusBar().currentMessage()
    assert stored_words(store, conversation_id) == last_kept.rstrip()
    lengths = word_lengths(store, answer_id)
    # Once each, in order: every audit entry lengthens the words from where the last left them.
    assert all(old < new for old, new in lengths), lengths
    assert all(a[1] == b[0] for a, b in itertools.pairwise(lengths)), lengths
    assert lengths[-1][1] == len(last_kept.rstrip())
    assert not watch.away and not watch.bar.isVisible()

    # A second start replays nothing: the audit log is as it was.
    entries = audit_count(store)
    assert launcher.store is not None
    second = watch_server(window, launcher.store, data_dir / FOLDER)
    qtbot.waitUntil(lambda: second._timer.isActive(), timeout=10_000)
    assert audit_count(store) == entries
    window.close()
    assert launcher.finish(0) == 0


@pytest.mark.expect_log(SERVER_AWAY + "|could not be asked")
def test_the_main_window_says_when_the_server_is_away_and_stops_when_it_is_back(
    qtbot: QtBot, store: Database, own_server: PgServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    window = main_window(qtbot, data_dir, store)
    watch = ServerWatch(window, store, data_dir / FOLDER, every_ms=200)
    watch.check()
    assert window.findChild(QToolBar, OBJECT_NAME) is watch.bar
    qtbot.wait(600)
    assert not watch.bar.isVisible()

    own_server.stop("fast")
    qtbot.waitUntil(lambda: watch.bar.isVisible(), timeout=10_000)
    (away,) = [
        label
        for label in watch.bar.findChildren(QLabel)
        if label.accessibleName() == "School's server not reachable"
    ]
    assert away.isVisible()
    assert "cannot be reached" in away.text() and "kept on this computer" in away.text()
    if SCREENSHOTS:
        window.grab().save(str(Path(SCREENSHOTS) / "main-window-server-away.png"))

    own_server.resume()
    qtbot.waitUntil(lambda: not watch.bar.isVisible(), timeout=15_000)
    assert not watch.away
    window.close()


def _first_answer(store: Database, conversation_id: int) -> int:
    from app.storage import case_files

    with store.transaction() as session:
        return case_files.load_content(session, conversation_id).answers[0].id or 0
