"""The commands of issue 20: pass-on, share, list waiting, review-note, statistics and
subject-access, on the personal store and on a PostgreSQL server, with one-line errors."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.main import main
from app.paths import AppPaths
from app.storage.database import open_store, open_url
from tests.access_support import School, make_school
from tests.pg_server import PgServer, drop_database, fresh_database

_numbers = itertools.count(1)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def personal(paths: AppPaths) -> School:
    store = open_store(paths)
    try:
        return make_school(store)
    finally:
        store.dispose()


@pytest.fixture
def server(pg_server: PgServer) -> Iterator[tuple[str, School]]:
    name = fresh_database(pg_server)
    url = pg_server.url(name)
    store = open_url(url)
    try:
        yield url, make_school(store)
    finally:
        store.dispose()
        drop_database(pg_server, name)


def test_handing_on_is_refused_in_one_line_on_the_personal_store(
    personal: School, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["pass-on", str(personal.patel_concluded)],
        ["share", str(personal.patel_concluded), "--with", "s.okafor"],
        ["review-note", str(personal.okafor_concerns), "--text", "Fine"],
    ):
        code, out, err = run(capsys, *argv)
        assert code != 0 and out == ""
        assert err.count("\n") == 1 and "only on the school's server" in err
        assert "Traceback" not in err
    assert json.loads(run(capsys, "list", "waiting", "--json")[1]) == []


def test_statistics_print_counts_and_no_names(
    personal: School, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "statistics", "--json")
    assert code == 0
    counts = {row["qualification"]: row for row in json.loads(out)}
    assert counts["A level Physics"]["conversations"] == 2
    assert counts["GCSE History"]["concerns_remain"] == 1
    code, table, _ = run(capsys, "statistics")
    assert code == 0 and table.splitlines()[0].split()[:2] == ["qualification", "students"]
    for name in ("Nguyen", "Reid", "Okafor", "Patel"):
        assert name not in out and name not in table


def test_subject_access_writes_one_students_records_and_needs_a_reason(
    personal: School, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "subject-access", str(personal.mai), "--reason", " ")
    assert code != 0 and err.count("\n") == 1 and "Give the reason" in err
    output = tmp_path / "sar.json"
    code, out, _ = run(
        capsys, "subject-access", str(personal.mai), "--reason", "SAR 3", "-o", str(output)
    )
    assert code == 0 and str(output) in out
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["student"]["surname"] == "Nguyen" and report["reason"] == "SAR 3"
    assert [c["content"]["conversation"]["id"] for c in report["cases"]] == [
        personal.okafor_concerns
    ]
    assert "Reid" not in output.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "subject-access", str(personal.mai), "--reason", "SAR 4")
    assert code == 0 and out.startswith("Mai Nguyen (student ")


def test_a_case_passed_on_waits_in_the_exams_officers_list_on_the_server(
    server: tuple[str, School], capsys: pytest.CaptureFixture[str]
) -> None:
    url, school = server
    at = ["--database-url", url]
    code, _, err = run(capsys, "pass-on", str(school.patel_preparing), *at)
    assert code != 0 and "only a concluded conversation" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "pass-on", str(school.patel_concluded), "--note", "Sources?", *at)
    assert code == 0 and "passed to the exams officer" in out
    waiting = json.loads(run(capsys, "list", "waiting", "--json", *at)[1])
    assert [c["id"] for c in waiting] == [school.patel_concluded]
    code, out, _ = run(
        capsys, "share", str(school.patel_concluded), "--with", "s.okafor", "--json", *at
    )
    assert code == 0 and json.loads(out)["shared_with_login"] == "s.okafor"
    code, out, _ = run(
        capsys, "review-note", str(school.okafor_concerns), "--text", "Neutral questions", *at
    )
    assert code == 0 and "kept" in out


def test_a_senior_leader_signed_in_to_the_server_reads_counts_and_no_records(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole chain: IT sets the server up (the statistics view with it) and adds a senior
    leader; signed in with their own login, the server says who they are and what roles they
    hold, and the services give them the counts and refuse the records in one line."""
    import io
    import os

    from sqlalchemy import make_url

    name = f"ownwork_roles_{os.getpid()}_{next(_numbers)}"
    school = pg_server.url(name)
    try:
        assert main(["server", "init", "--database-url", school]) == 0
        login = f"k_brown_{os.getpid()}_{next(_numbers)}"
        secret = "a long leader password"
        monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
        adding = ["server", "add-staff", login, "--role", "senior-leader", "--password-stdin"]
        added = main([*adding, "--database-url", school])
        assert added == 0
        capsys.readouterr()
        socket = pg_server.socket_dir / f".s.PGSQL.{pg_server.port}"
        leader = (
            f"postgresql://{login}:{secret.replace(' ', '%20')}@/{make_url(school).database}"
            f"?unix_sock={socket}"
        )
        code, out, err = run(capsys, "statistics", "--json", "--database-url", leader)
        assert (code, err) == (0, "") and json.loads(out) == []
        code, out, err = run(capsys, "list", "students", "--database-url", leader)
        assert code != 0 and out == "" and err.count("\n") == 1
        assert f"{login} may not see the students" in err
    finally:
        drop_database(pg_server, name)
