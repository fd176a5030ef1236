"""The teacher's and the exams officer's commands, end to end, on the school's server: the
same command forms as on the personal store, given ``--database-url``."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.main import main
from tests.pg_server import PgServer, drop_database

_numbers = itertools.count(1)


@pytest.fixture
def two_schools(pg_server: PgServer) -> Iterator[tuple[str, str]]:
    """Two databases set up by ``server init``: a teacher's school and the one a case is
    handed to."""
    names = [f"ownwork_e2e_{os.getpid()}_{next(_numbers)}" for _ in range(2)]
    urls = [pg_server.url(name) for name in names]
    for url in urls:
        assert main(["server", "init", "--database-url", url]) == 0
    yield urls[0], urls[1]
    for name in names:
        drop_database(pg_server, name)


def _run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> str:
    capsys.readouterr()
    code = main([*argv, "--database-url", url])
    out, err = capsys.readouterr()
    assert code == 0, (argv, err)
    return out


def test_the_whole_flow_runs_on_the_server(
    two_schools: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school, other = two_schools
    run = _run
    run(capsys, school, "seed-demo", "--students", "6", "--conversations", "12")
    rows = json.loads(run(capsys, school, "list", "conversations", "--json"))
    rows = rows if isinstance(rows, list) else rows["rows"]
    assert len(rows) == 12
    concluded = next(r for r in rows if r["status"] == "concluded" and not r["finalised_at"])
    case = str(concluded["id"])
    record = tmp_path / "record.pdf"
    run(capsys, school, "export", "record", case, "-o", str(record))
    assert record.read_bytes().startswith(b"%PDF")
    run(capsys, school, "finalise", case)
    run(
        capsys, school, "amend", case, "--field", "outcome.next_step",
        "--value", "Meet again on Friday", "--reason", "Agreed with the head of department",
    )  # fmt: skip
    evidence = tmp_path / "draft.txt"
    evidence.write_text("the student's first draft", encoding="utf-8")
    run(capsys, school, "attach", "--conversation", case, str(evidence))
    verified = json.loads(run(capsys, school, "verify", "--json"))
    assert verified["ok"], verified["problems"]
    assert verified["checked"]["amendments"] >= 2 and verified["checked"]["attachments"] >= 1
    timeline = run(capsys, school, "timeline", "--conversation", case)
    for step in ("finalise:", "Now: Meet again on Friday", "Attached draft.txt"):
        assert step in timeline
    bundle = tmp_path / "case.ownwork-case"
    run(capsys, school, "export-case", case, "-o", str(bundle))
    run(capsys, other, "import-case", str(bundle))
    imported = json.loads(run(capsys, other, "list", "conversations", "--json"))
    imported = imported if isinstance(imported, list) else imported["rows"]
    assert [r["candidate_number"] for r in imported] == [concluded["candidate_number"]]
    assert imported[0]["finalised_at"]
    assert json.loads(run(capsys, other, "verify", "--json"))["ok"]
    # The teacher's server is untouched by the import; the personal store was never made.
    assert len(json.loads(run(capsys, school, "list", "students", "--json"))) == 6
    assert not (tmp_path / "data" / "ownwork.sqlite3").exists()


@pytest.mark.parametrize("command", [["backup"], ["restore", "copy.sqlite3"]])
def test_file_backups_are_refused_on_the_server_with_the_servers_tools_named(
    pg_server: PgServer, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--database-url", pg_server.url("ownwork_template")]) == 1
    err = capsys.readouterr().err
    assert "pg_dump" in err and err.count("\n") == 1
