"""IT's staff commands on a real PostgreSQL server, run as ``ownwork`` runs them: ``server
add-staff`` (login, group roles, staff record, departments), ``server staff list``,
``set-roles`` and ``disable``, and the one-sentence refusals."""

from __future__ import annotations

import io
import itertools
import json
import os
from collections.abc import Iterator

import pg8000.dbapi
import pytest
from sqlalchemy import create_engine, make_url, text

from app.cli.main import main
from tests.pg_server import PgServer, drop_database

PASSWORD = "a long staff password"
_numbers = itertools.count(1)


@pytest.fixture
def school(pg_server: PgServer) -> Iterator[str]:
    name = f"ownwork_staffcmd_{os.getpid()}_{next(_numbers)}"
    url = pg_server.url(name)
    assert main(["server", "init", "--database-url", url]) == 0
    yield url
    drop_database(pg_server, name)
    engine = pg_server.admin_engine()
    with engine.connect() as connection:
        for login in connection.scalars(
            text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
            {"p": f"%\\_{os.getpid()}"},
        ):
            connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    engine.dispose()


def _login(who: str) -> str:
    return f"{who}_{os.getpid()}"


def _add(
    school: str, monkeypatch: pytest.MonkeyPatch, login: str, *options: str, password: str = ""
) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO((password or PASSWORD) + "\n"))
    return main(
        ["server", "add-staff", login, *options, "--password-stdin", "--database-url", school]
    )


def _listed(school: str, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["server", "staff", "list", "--json", "--database-url", school]) == 0
    return {item["login"]: item for item in json.loads(capsys.readouterr().out)}


def _sql(school: str, statement: str, **values: object) -> list[tuple[object, ...]]:
    engine = create_engine(school)
    with engine.begin() as connection:
        result = connection.execute(text(statement), values)
        rows = [tuple(row) for row in result] if result.returns_rows else []
    engine.dispose()
    return rows


def test_add_staff_ties_a_login_to_a_staff_record_with_roles_and_departments(
    school: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = _login("r.okafor")
    assert (
        _add(
            school,
            monkeypatch,
            head,
            "--name",
            "Ms R. Okafor",
            "--role",
            "teacher",
            "--role",
            "head-of-department",
            "--department",
            "Science",
        )
        == 0
    )
    assert f"The login {head} can now use OwnWork" in capsys.readouterr().out
    exams = _login("p.adeyemi")
    assert (
        _add(school, monkeypatch, exams, "--name", "Mrs P. Adeyemi", "--role", "exams-officer") == 0
    )
    listed = _listed(school, capsys)
    assert listed[head] == {
        "login": head,
        "name": "Ms R. Okafor",
        "roles": ["teacher", "head-of-department"],
        "departments": ["Science"],
        "heads": ["Science"],
        "active": True,
        "can_sign_in": True,
    }
    assert listed[exams]["roles"] == ["exams-officer"] and listed[exams]["departments"] == []
    # The staff record's role is what documents say of them.
    assert _sql(school, "SELECT login, role FROM staff ORDER BY id") == [
        (head, "teacher"),
        (exams, "exams_officer"),
    ]
    # The server holds the memberships, and the audit log names IT's login as who did it.
    assert _sql(
        school,
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles l ON l.oid = m.member WHERE l.rolname = :l ORDER BY 1",
        l=head,
    ) == [("ownwork_head_of_department",), ("ownwork_teacher",)]
    assert ("ownwork_test_owner",) in _sql(
        school, "SELECT DISTINCT actor FROM audit_log WHERE entity = 'staff'"
    )
    # The text listing says the same in words.
    assert main(["server", "staff", "list", "--database-url", school]) == 0
    out = capsys.readouterr().out
    assert "Ms R. Okafor: teacher, head-of-department; Science (head)" in out


def test_set_roles_replaces_roles_and_departments(
    school: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    login = _login("j.fairweather")
    assert _add(school, monkeypatch, login, "--role", "teacher", "--department", "History") == 0
    assert (
        main(
            [
                "server",
                "staff",
                "set-roles",
                login,
                "--role",
                "head-of-centre",
                "--database-url",
                school,
            ]
        )
        == 0
    )
    assert "now holds: head-of-centre" in capsys.readouterr().out
    listed = _listed(school, capsys)[login]
    assert listed["roles"] == ["head-of-centre"] and listed["departments"] == []
    assert _sql(school, "SELECT role FROM staff WHERE login = :l", l=login) == [("head_of_centre",)]


def test_disable_stops_the_login_and_keeps_the_records(
    pg_server: PgServer,
    school: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login = _login("l.chen")
    assert _add(school, monkeypatch, login, "--name", "Ms L. Chen") == 0
    socket = str(pg_server.socket_dir / f".s.PGSQL.{pg_server.port}")
    database = make_url(school).database
    pg8000.dbapi.connect(user=login, password=PASSWORD, unix_sock=socket, database=database).close()
    assert main(["server", "staff", "disable", login, "--database-url", school]) == 0
    assert "can no longer sign in" in capsys.readouterr().out
    with pytest.raises(pg8000.dbapi.Error) as refused:
        pg8000.dbapi.connect(user=login, password=PASSWORD, unix_sock=socket, database=database)
    # pg8000 meets the server's refusal, then the socket the server closed: the refusal is
    # in the chain of errors.
    chain: list[str] = []
    error: BaseException | None = refused.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("is not permitted to log in" in said for said in chain)
    listed = _listed(school, capsys)[login]
    assert listed["active"] is False and listed["can_sign_in"] is False
    assert listed["name"] == "Ms L. Chen"  # the record stays
    assert _sql(school, "SELECT count(*) FROM staff WHERE login = :l", l=login) == [(1,)]


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["server", "staff", "disable", "nobody_here"], "There is no login nobody_here"),
        (
            ["server", "staff", "set-roles", "nobody_here", "--role", "teacher"],
            "There is no login nobody_here",
        ),
        (["server", "staff", "disable", "Not A Login"], "cannot be a login"),
    ],
)
def test_staff_commands_refuse_an_unknown_login_in_one_sentence(
    school: str, command: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main([*command, "--database-url", school]) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--role", "head-of-department"], "needs the department they head"),
        (["--role", "dpo", "--department", "Science"], "Only a teacher or a head of department"),
        (["--role", "teacher", "--department", " "], "A department needs a name"),
    ],
)
def test_add_staff_refuses_roles_and_departments_that_do_not_fit(
    school: str,
    options: list[str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login = _login("x.test")
    capsys.readouterr()
    assert _add(school, monkeypatch, login, *options) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1
    # Nothing was made.
    assert _sql(school, "SELECT count(*) FROM pg_roles WHERE rolname = :l", l=login) == [(0,)]
    assert _sql(school, "SELECT count(*) FROM staff") == [(0,)]


def test_a_login_not_tied_to_a_staff_record_is_listed_and_refused_for_changes(
    school: str, capsys: pytest.CaptureFixture[str]
) -> None:
    login = _login("made.by.hand")
    _sql(school, f'CREATE ROLE "{login}" LOGIN IN ROLE ownwork_teacher')
    listed = _listed(school, capsys)[login]
    assert listed["name"] == "" and listed["roles"] == ["teacher"]
    assert main(["server", "staff", "disable", login, "--database-url", school]) == 1
    assert "is not tied to a member of staff" in capsys.readouterr().err


def test_check_warns_of_a_login_that_holds_the_owners_privileges_without_switching(
    school: str, capsys: pytest.CaptureFixture[str]
) -> None:
    login = _login("it.setup")
    _sql(school, f'CREATE ROLE "{login}" LOGIN IN ROLE ownwork_owner')

    def checks() -> dict[str, dict[str, str]]:
        capsys.readouterr()
        main(["server", "check", "--json", "--database-url", school])
        return {c["check"]: c for c in json.loads(capsys.readouterr().out)["checks"]}

    found = checks()
    assert found["inherit"]["status"] == "warning" and login in found["inherit"]["detail"]
    _sql(school, f'ALTER ROLE "{login}" NOINHERIT')
    assert "inherit" not in checks()
