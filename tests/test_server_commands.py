"""IT's commands on a real PostgreSQL server: ``server init`` (idempotent), the staff role's
privileges as the server enforces them, ``server check`` and ``verify`` naming what is wrong,
and ``server upgrade`` waiting for older copies of OwnWork to go."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator

import pg8000.dbapi
import pytest
from sqlalchemy import create_engine, make_url, text

from app.cli.main import main
from tests.pg_server import PgServer, drop_database

_numbers = itertools.count(1)


def _name(kind: str) -> str:
    return f"ownwork_{kind}_{os.getpid()}_{next(_numbers)}"


@pytest.fixture
def school(pg_server: PgServer) -> Iterator[str]:
    """The URL of a database that does not exist yet (``server init`` makes it)."""
    name = _name("school")
    yield pg_server.url(name)
    drop_database(pg_server, name)


def _admin(url: str, *statements: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def _check(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict[str, str]]]:
    capsys.readouterr()
    code = main(["server", "check", "--json", "--database-url", url])
    report = json.loads(capsys.readouterr().out)
    return code, {item["check"]: item for item in report["checks"]}


def test_init_sets_up_once_and_a_second_run_changes_nothing(
    school: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "init", "--database-url", school]) == 0
    first = capsys.readouterr().out
    assert "created the database" in first and "brought the schema from nothing to" in first
    assert main(["server", "init", "--json", "--database-url", school]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["already"] is True and again["done"] == []
    assert main(["server", "init", "--database-url", school]) == 0
    assert "already set up" in capsys.readouterr().out
    code, checks = _check(school, capsys)
    assert code == 0
    assert {name: item["status"] for name, item in checks.items()} == dict.fromkeys(
        (
            "connection",
            "tls",
            "server",
            "schema",
            "roles",
            "privileges",
            "triggers",
            "policies",
            "history",
            "owner",
            "audit",
        ),
        "ok",
    )
    # The one use of the owner role (the first init; the second changed nothing) is listed.
    assert "used 1 time(s)" in checks["owner"]["detail"]
    assert "by ownwork_test_owner (server init)" in checks["owner"]["detail"]


@pytest.fixture
def staff_login(pg_server: PgServer, school: str) -> Iterator[tuple[str, str]]:
    """A member of staff's login (a teacher who also looks after the store) on a set-up
    school database: its URL and name."""
    assert main(["server", "init", "--database-url", school]) == 0
    login = _name("teacher")
    _admin(
        school,
        f"CREATE ROLE {login} LOGIN PASSWORD 'staff-test-only' "
        "IN ROLE ownwork_teacher, ownwork_it_admin",
    )
    socket = pg_server.socket_dir / f".s.PGSQL.{pg_server.port}"
    database = make_url(school).database
    yield f"postgresql://{login}:staff-test-only@/{database}?unix_sock={socket}", login
    _admin(school, f"DROP ROLE IF EXISTS {login}")


def test_a_staff_login_records_but_cannot_rewrite_history(
    staff_login: tuple[str, str], school: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url, login = staff_login
    # The demo's conversations are led by other teachers, which a teacher may not record:
    # IT's login adds them.
    assert (
        main(["seed-demo", "--students", "3", "--conversations", "4", "--database-url", school])
        == 0
    )
    assert main(["verify", "--database-url", url]) == 0
    # A teacher sees only part of the log: verify says it could not check the chain.
    assert "Not checked: this login may read" in capsys.readouterr().out
    socket = url.split("unix_sock=")[1]
    connection = pg8000.dbapi.connect(
        user=login,
        password="staff-test-only",
        unix_sock=socket,
        database=make_url(url).database,
    )
    try:
        for statement in (
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM finalisations",
            "TRUNCATE amendments",
            "DELETE FROM attachments",
            "DELETE FROM students",
            # Evidence held in the database, moved-in histories and handed-on cases: refused
            # by privilege before their triggers are reached.
            "UPDATE evidence_chunks SET data = ''",
            "DELETE FROM evidence_blobs",
            "UPDATE audit_imported_entries SET actor = 'someone else'",
            "UPDATE conversation_shares SET note = ''",
            "TRUNCATE subject_access_log",
        ):
            cursor = connection.cursor()
            with pytest.raises(pg8000.dbapi.DatabaseError, match="permission denied"):
                cursor.execute(statement)
            connection.rollback()
        # What staff may do, they can: read, and add to the log.
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM audit_log")
        assert cursor.fetchone()[0] > 0
    finally:
        connection.close()


def test_check_and_verify_name_a_grant_that_lets_staff_change_history(
    school: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server", "init", "--database-url", school]) == 0
    _admin(
        school,
        "GRANT UPDATE ON audit_log TO ownwork_staff",
        "DROP TRIGGER ownwork_finalisations_no_truncate ON finalisations",
    )
    code, checks = _check(school, capsys)
    assert code == 1
    assert checks["privileges"]["status"] == "problem"
    assert "ownwork_staff has UPDATE on audit_log" in checks["privileges"]["detail"]
    assert checks["triggers"]["status"] == "problem"
    assert "ownwork_finalisations_no_truncate" in checks["triggers"]["detail"]
    assert main(["verify", "--json", "--database-url", school]) == 1
    problems = [p["message"] for p in json.loads(capsys.readouterr().out)["problems"]]
    assert any("ownwork_staff UPDATE" in message for message in problems)
    assert any("safeguards" in message for message in problems)
    # init puts the grants right again (the trigger is the migration's: IT restores it by
    # hand or from a backup; check still says so).
    assert main(["server", "init", "--database-url", school]) == 0
    assert "ownwork_staff may INSERT, SELECT on audit_log" in capsys.readouterr().out
    _, checks = _check(school, capsys)
    assert checks["privileges"]["status"] == "ok"


def test_upgrade_waits_while_an_older_ownwork_is_connected(
    pg_server: PgServer, school: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.storage import migrate

    # The roles exist (made by init on another database); this one is left one revision
    # behind, as an older OwnWork set it up.
    other = _name("other")
    assert main(["server", "init", "--database-url", pg_server.url(other)]) == 0
    drop_database(pg_server, other)
    database = make_url(school).database
    _admin(pg_server.url(), f'CREATE DATABASE "{database}" OWNER ownwork_owner')
    engine = create_engine(school)
    migrate.upgrade(engine, migrate.KNOWN_REVISIONS[-2])
    engine.dispose()
    assert main(["list", "students", "--database-url", school]) == 1
    assert "server upgrade" in capsys.readouterr().err
    older = pg8000.dbapi.connect(
        user="ownwork_test_owner",
        password="not-a-secret-test-only",
        unix_sock=school.split("unix_sock=")[1],
        database=database,
        application_name="ownwork/0.0.1",
    )
    try:
        assert main(["server", "upgrade", "--database-url", school]) == 1
        err = capsys.readouterr().err
        assert "older OwnWork" in err and "ownwork_test_owner (OwnWork 0.0.1)" in err
    finally:
        older.close()
    assert main(["server", "upgrade", "--database-url", school]) == 0
    out = capsys.readouterr().out
    assert f"from {migrate.KNOWN_REVISIONS[-2]} to {migrate.HEAD_REVISION}" in out
    assert main(["list", "students", "--database-url", school]) == 0
    code, checks = _check(school, capsys)
    assert code == 0 and checks["schema"]["status"] == "ok"


def test_a_server_older_than_15_is_refused_clearly(
    school: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.services import server

    # The test server is 15 or newer: the oldest accepted is raised past it instead.
    monkeypatch.setattr(server, "OLDEST_SERVER", 9_990_000)
    monkeypatch.setattr(server, "OLDEST_SERVER_NAME", "999")
    assert main(["server", "init", "--database-url", school]) == 1
    err = capsys.readouterr().err
    assert "OwnWork needs PostgreSQL 999 or newer" in err and err.count("\n") == 1


def test_server_commands_ask_which_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["server", "check"]) == 1
    assert "--database-url" in capsys.readouterr().err


def test_add_staff_makes_a_login_that_can_use_ownwork_and_sends_only_a_verifier(
    pg_server: PgServer,
    school: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    assert main(["server", "init", "--database-url", school]) == 0
    login = _name("s.okafor")
    secret = "a long staff password"
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    url = school
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))  # (connection, cursor, statement, …)

    try:
        event.listen(Engine, "before_cursor_execute", record)
        try:
            added = main(["server", "add-staff", login, "--password-stdin", "--database-url", url])
        finally:
            event.remove(Engine, "before_cursor_execute", record)
        assert added == 0
        assert f"The login {login} can now use OwnWork" in capsys.readouterr().out
        engine = create_engine(school)
        with engine.connect() as connection:
            stored = connection.scalar(
                text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": login}
            )
        engine.dispose()
        assert stored.startswith("SCRAM-SHA-256$4096:") and secret not in stored
        # What the server was sent is the verifier OwnWork made, not the password.
        assert sent and all(secret not in statement for statement in sent)
        assert any("PASSWORD 'SCRAM-SHA-256$4096:" in statement for statement in sent)
        socket = pg_server.socket_dir / f".s.PGSQL.{pg_server.port}"
        staff_url = (
            f"postgresql://{login}:{secret.replace(' ', '%20')}@/{make_url(school).database}"
            f"?unix_sock={socket}"
        )
        assert main(["list", "students", "--database-url", staff_url]) == 0
        # Twice: refused in one line, the first login kept.
        monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
        assert (
            main(["server", "add-staff", login, "--password-stdin", "--database-url", school]) == 1
        )
        assert "already exists" in capsys.readouterr().err
    finally:
        _admin(school, f'DROP ROLE IF EXISTS "{login}"')


@pytest.mark.parametrize(
    ("login", "password", "said"),
    [("S Okafor", "a long staff password", "cannot be a login"), ("s.okafor", "short", "at least")],
)
def test_add_staff_refuses_a_bad_login_or_a_short_password(
    school: str,
    login: str,
    password: str,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main(["server", "add-staff", login, "--password-stdin", "--database-url", school]) == 1
    assert said in capsys.readouterr().err
