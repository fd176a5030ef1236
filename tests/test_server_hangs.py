"""A school's server that hangs rather than refusing (issue 19): every process of it stopped
with SIGSTOP, as a server swapping itself to death or a network dropping packets looks from
OwnWork's side.  A write then gives up within the URL's timeouts, the walk-through's edits go
to the journal, and they reach the server once it answers again (SIGCONT).

The tests run a PostgreSQL server of their own over TCP (not the session's shared one)."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from app.domain.principal import Principal
from app.errors import StoreUnreachableError
from app.services import Database, connect
from app.services import interviews as interview_services
from app.services.interviews import Change
from app.services.journal import Journal
from app.storage import case_files, interviews, migrate
from app.storage.database import server_engine
from app.storage.server import DEFAULT_READ_TIMEOUT, ServerConnectionError
from app.storage.server_errors import is_network_failure
from tests.interview_support import snapshot
from tests.pg_server import PgServer, find_bin_dir, free_port
from ui.interview.autosave import Autosaver

DATABASE = "ownwork_hangs"
TIMEOUT = 2  # seconds, for both connect_timeout and read_timeout in the URL
# A write on a pooled connection waits for the pool's check (read_timeout), then for a new
# connection (connect_timeout); the rest is margin for a loaded machine.
BOUND = 2 * TIMEOUT + 4
SERVER_AWAY = r"cannot be reached|Exception terminating connection|Exception during reset"


@pytest.fixture(scope="module")
def tcp_server() -> Iterator[PgServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL's server programs (Debian: postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ownwork-pg-"))
    root.chmod(0o755)
    server = PgServer(bin_dir, root, free_port(), listen_addresses="127.0.0.1")
    server.start()
    try:
        yield server
    finally:
        wake(server)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def server_processes(server: PgServer) -> list[int]:
    """The postmaster this test started and its children (by /proc), nothing else."""
    postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            children.append(int(entry.name))
    return [postmaster, *children]


def wake(server: PgServer) -> None:
    if (server.data_dir / "postmaster.pid").exists():
        for pid in server_processes(server):
            os.kill(pid, signal.SIGCONT)


@contextmanager
def hanging(server: PgServer) -> Iterator[None]:
    """Every process of ``server`` stopped (it accepts TCP connections, answers nothing)."""
    stopped = server_processes(server)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)


def url(server: PgServer) -> str:
    return server.tcp_url(
        DATABASE, host="127.0.0.1", connect_timeout=str(TIMEOUT), read_timeout=str(TIMEOUT)
    )


@pytest.fixture
def store(tcp_server: PgServer) -> Iterator[Database]:
    admin = tcp_server.admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    engine = create_engine(tcp_server.url(DATABASE))
    migrate.upgrade(engine)
    engine.dispose()
    database = connect(url(tcp_server), principal=Principal.personal("test teacher"))
    yield database
    database.dispose()


def words(answer_id: int, typed: str) -> Change:
    return Change("update_answer", (answer_id,), {"student_words": typed})


def stored_words(store: Database, conversation_id: int) -> str:
    with store.transaction() as session:
        return case_files.load_content(session, conversation_id).answers[0].student_words


def test_a_write_to_a_hanging_server_gives_up_within_the_timeouts_in_one_sentence(
    store: Database, conversation_id: int, tcp_server: PgServer
) -> None:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        answer_id = interviews.begin(session, conversation_id, snapshot(), "Essay")[0].id or 0
    principal = store.principal
    with hanging(tcp_server):
        started = time.monotonic()
        with pytest.raises(StoreUnreachableError) as raised:
            interview_services.write_edits(principal, store, {1: words(answer_id, "typed")})
        waited = time.monotonic() - started
    print(f"a write to a hanging server gave up after {waited:.1f} s")
    assert TIMEOUT <= waited <= BOUND, waited
    assert str(raised.value) == (
        "The school's database server on 127.0.0.1 cannot be reached. Check the network "
        "connection; OwnWork keeps trying."
    )
    # Once it answers, the same write goes through on the same store.
    assert interview_services.write_edits(principal, store, {1: words(answer_id, "typed")}) == {}
    assert stored_words(store, conversation_id) == "typed"


@pytest.mark.expect_log(SERVER_AWAY + "|keeping edits in the journal")
def test_typing_while_the_server_hangs_goes_to_the_journal_and_reaches_it_when_it_answers(
    qtbot: QtBot, store: Database, conversation_id: int, tcp_server: PgServer, tmp_path: Path
) -> None:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        answer_id = interviews.begin(session, conversation_id, snapshot(), "Essay")[0].id or 0
    journal = Journal.for_conversation(tmp_path / "journal", store, conversation_id)
    saver = Autosaver(store, quiet=0.1, longest=0.3, retry=0.5, journal=journal)
    offline: list[bool] = []
    saver.offline_changed.connect(offline.append)
    try:
        saver.edit(("words",), words(answer_id, "before"))
        assert saver.flush(10)
        with hanging(tcp_server):
            started = time.monotonic()
            saver.edit(("words",), words(answer_id, "before, during the hang"))
            qtbot.waitUntil(lambda: offline == [True], timeout=BOUND * 1000)
            waited = time.monotonic() - started
            qtbot.waitUntil(journal.exists, timeout=5000)
            kept = [entry.change for entry in journal.entries()]
            assert kept == [words(answer_id, "before, during the hang")]
        print(f"the journal took over {waited:.1f} s after the server hung")
        qtbot.waitUntil(lambda: offline == [True, False], timeout=BOUND * 1000 + 5000)
        assert stored_words(store, conversation_id) == "before, during the hang"
        assert not journal.exists()
    finally:
        saver.close()


def test_opening_a_hanging_server_says_so_within_the_connect_timeout(
    store: Database, tcp_server: PgServer
) -> None:
    with hanging(tcp_server):
        started = time.monotonic()
        with pytest.raises(ServerConnectionError) as raised:
            connect(url(tcp_server), principal=Principal.personal("test teacher"))
        waited = time.monotonic() - started
    assert waited <= TIMEOUT + 3, waited
    assert str(raised.value) == (
        f"The server 127.0.0.1:{tcp_server.port}/{DATABASE} did not answer within {TIMEOUT} "
        "seconds: it may be down or the network cut."
    )


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("read_timeout=soon", "read_timeout=soon in the database URL is not a number of seconds"),
        ("connect_timeout=-1", "connect_timeout=-1 in the database URL is not a number"),
    ],
)
def test_a_timeout_that_is_not_a_number_of_seconds_is_refused_in_one_sentence(
    query: str, problem: str
) -> None:
    with pytest.raises(ServerConnectionError, match=problem):
        connect(f"postgresql://t@localhost/ownwork?{query}", principal=Principal.personal("t"))


def test_it_s_migrations_wait_as_long_as_the_server_takes_unless_the_url_says() -> None:
    plain = "postgresql://t@localhost/ownwork"
    for given, role, expected in (
        (plain, None, DEFAULT_READ_TIMEOUT),
        (plain + "?read_timeout=5", None, 5),
        (plain + "?read_timeout=0", None, None),
        (plain, "ownwork_owner", None),
        (plain + "?read_timeout=5", "ownwork_owner", 5),
    ):
        engine, where = server_engine(given, role=role)
        engine.dispose()
        assert (where.read_timeout, where.connect_timeout) == (expected, 10), given


def test_only_a_network_failure_counts_as_the_server_being_away() -> None:
    assert is_network_failure(TimeoutError("timed out"))
    assert is_network_failure(ConnectionResetError(104, "Connection reset by peer"))
    # A file some code read inside a transaction is not the server going away.
    assert not is_network_failure(FileNotFoundError(2, "No such file", "marks.csv"))
    assert not is_network_failure(PermissionError(13, "Permission denied"))
