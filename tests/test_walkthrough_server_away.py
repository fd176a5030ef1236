"""The school's server goes away mid-sentence (issue 19): what the teacher types is kept in the
local journal, the window says so, and every edit reaches the server once when it is back, in
the window that stayed open or, after a kill -9, when the conversation is next opened.

These tests stop and start a PostgreSQL server of their own (not the session's shared one)."""

from __future__ import annotations

import itertools
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, select, text

from app.domain.principal import Principal
from app.services import Database, connect
from app.services.journal import FOLDER, pending
from app.storage import case_files
from app.storage.models import AuditRow
from tests.interview_crash_child import TEXT, spawn
from tests.pg_server import PgServer, migrated_database, started_server
from tests.test_interview_window import STUDENT, begun, editor, focused, named
from ui.interview import InterviewWindow
from ui.interview.window import CONVERSE

DATABASE = "ownwork_away"
# The autosaver says it is keeping edits locally; SQLAlchemy's pool may log the dead
# connections it throws away (either may come, the first always does).
SERVER_AWAY = (
    r"cannot be reached|Exception terminating connection|Exception during reset|"
    r"journal .* refused|connection"
)


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    with started_server(port=54337) as server:
        yield server


@pytest.fixture
def store(own_server: PgServer) -> Iterator[Database]:
    """A fresh, migrated database on the server these tests stop and start."""
    url = migrated_database(own_server, DATABASE)
    database = connect(url, principal=Principal.personal("test teacher"))
    yield database
    database.dispose()


@pytest.fixture
def server_running(own_server: PgServer) -> Iterator[PgServer]:
    """The server, started again at the end if a test left it stopped."""
    yield own_server
    try:
        _connectable(own_server)
    except Exception:
        own_server.resume()


def _connectable(server: PgServer) -> None:
    engine = create_engine(server.url())
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def stored_words(store: Database, conversation_id: int) -> str:
    with store.transaction() as session:
        return case_files.load_content(session, conversation_id).answers[0].student_words


def word_lengths(store: Database, answer_id: int) -> list[list[int]]:
    """The before and after lengths of the student's words, per audit entry, in order."""
    with store.transaction() as session:
        rows = session.scalars(
            select(AuditRow)
            .where(AuditRow.entity == "answer", AuditRow.entity_id == answer_id)
            .order_by(AuditRow.id)
        ).all()
    lengths = []
    for row in rows:
        change = json.loads(row.changes_json).get("student_words")
        if change:
            lengths.append(change["length"])
    return lengths


def open_walkthrough(
    qtbot: QtBot, store: Database, conversation_id: int, data_dir: Path
) -> InterviewWindow:
    window = InterviewWindow(store, conversation_id, None, data_dir=data_dir)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.waitUntil(window.is_open, timeout=20_000)
    return window


def type_for(qtbot: QtBot, characters: str) -> None:
    for character in characters:
        qtbot.keyClicks(focused(), character)
        qtbot.wait(15)


def journal_lines(data_dir: Path, store: Database) -> int:
    return sum(
        len(journal.path.read_text(encoding="utf-8").splitlines())
        for journal in pending(data_dir / FOLDER, store)
    )


@pytest.mark.expect_log(SERVER_AWAY)
def test_typing_while_the_server_is_stopped_is_kept_and_saved_once_when_it_is_back(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    server_running: PgServer,
    tmp_path: Path,
) -> None:
    begun(store, conversation_id)
    data_dir = tmp_path / "data"
    window = open_walkthrough(qtbot, store, conversation_id, data_dir)
    assert window.current_step() == CONVERSE
    banner = named(window, "Saving problem")
    answer_id = window.controller.answers[0].id or 0

    before, during, after = TEXT[:60], TEXT[60:140], TEXT[140:200]
    type_for(qtbot, before)
    # The store keeps a note without its trailing spaces.
    qtbot.waitUntil(lambda: stored_words(store, conversation_id) == before.rstrip(), timeout=10_000)

    server_running.stop("fast")
    type_for(qtbot, during)
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=10_000)
    assert "cannot be reached" in banner.text()  # type: ignore[attr-defined]
    assert "kept on this computer" in banner.text()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: journal_lines(data_dir, store) >= 2, timeout=10_000)
    assert editor(window, STUDENT).toPlainText() == before + during

    server_running.resume()
    type_for(qtbot, after)
    everything = (before + during + after).rstrip()
    qtbot.waitUntil(lambda: stored_words(store, conversation_id) == everything, timeout=20_000)
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10_000)
    assert pending(data_dir / FOLDER, store) == ()
    assert window.controller.autosaver.flush(10)

    # Once each, in order: every audit entry lengthens the words from where the last left them.
    lengths = word_lengths(store, answer_id)
    assert lengths, "no audit entries for the answer"
    assert all(old < new for old, new in lengths), lengths
    assert all(a[1] == b[0] for a, b in itertools.pairwise(lengths)), lengths
    assert lengths[0][0] == 0 and lengths[-1][1] == len(everything)
    window.close()


def test_a_kill_while_the_server_is_away_is_replayed_when_the_conversation_next_opens(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    server_running: PgServer,
    tmp_path: Path,
) -> None:
    begun(store, conversation_id)
    # This process's connections would be dead after the restart: start it with none.
    store.engine.dispose()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    progress: list[tuple[float, int]] = []
    with spawn(data_dir, conversation_id, server_running.url(DATABASE)) as child:
        assert child.stdout is not None
        try:
            stopped = False
            for line in child.stdout:
                stamp, typed = line.split()
                progress.append((float(stamp), int(typed)))
                if typed == "60" and not stopped:
                    server_running.stop("fast")
                    stopped = True
                if typed == "250":  # a few seconds of typing with the server away
                    break
            killed_at = time.time()
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait(10)
    assert len(progress) == 250, "the typing process ended before it was killed"
    assert journal_lines(data_dir, store) >= 1, "nothing was kept while the server was away"

    server_running.resume()
    window = open_walkthrough(qtbot, store, conversation_id, data_dir)

    stored = stored_words(store, conversation_id)
    assert TEXT.startswith(stored)  # exactly what was typed, in order
    typed_a_second_before = max(n for t, n in progress if t <= killed_at - 1.0)
    assert len(TEXT[:typed_a_second_before].strip()) <= len(stored)
    assert editor(window, STUDENT).toPlainText() == stored
    assert pending(data_dir / FOLDER, store) == ()
    window.close()
