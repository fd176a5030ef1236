"""The command line: same store as the GUI, one-line errors, JSON for programs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.paths import AppPaths
from app.version import __version__


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"OwnWork {__version__}"


def test_data_dir_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert (
        run(
            capsys, "--data-dir", str(first), "seed-demo", "--students", "3", "--conversations", "2"
        )[0]
        == 0
    )
    assert run(capsys, "seed-demo", "--data-dir", str(second), "--students", "5")[0] == 0
    _, out_one, _ = run(capsys, "list", "students", "--json", "--data-dir", str(first))
    _, out_two, _ = run(capsys, "--data-dir", str(second), "list", "students", "--json")
    assert len(json.loads(out_one)) == 3
    assert len(json.loads(out_two)) == 5


def test_environment_variable_chooses_the_folder(
    paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    # conftest points OWNWORK_DATA_DIR at the same folder as the ``paths`` fixture.
    assert run(capsys, "seed-demo", "--students", "4", "--conversations", "0")[0] == 0
    assert paths.database.exists()


def test_seed_demo_is_deterministic_and_covers_every_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lists = []
    for name in ("a", "b"):
        folder = str(tmp_path / name)
        assert run(capsys, "--data-dir", folder, "seed-demo", "--seed", "7")[0] == 0
        lists.append(
            json.loads(run(capsys, "--data-dir", folder, "list", "conversations", "--json")[1])
        )
    # Times are made at seeding (relative to now); whether a record was finalised is not.
    strip = [
        [
            {
                **{k: v for k, v in c.items() if k != "held_at"},
                "finalised_at": bool(c["finalised_at"]),
            }
            for c in conv
        ]
        for conv in lists
    ]
    assert strip[0] == strip[1]
    conversations = lists[0]
    assert len(conversations) == 40
    assert {c["status"] for c in conversations} == {"preparing", "in_progress", "concluded"}
    assert {c["conclusion"] for c in conversations} >= {
        "satisfied",
        "concerns_remain",
        "acknowledged",
    }
    assert any(
        c["conclusion"] == "concerns_remain" and c["declaration_signed"] for c in conversations
    )
    students = json.loads(
        run(capsys, "--data-dir", str(tmp_path / "a"), "list", "students", "--json")[1]
    )
    assert len({s["candidate_number"] for s in students}) == len(students) == 60


def test_seed_demo_refuses_a_folder_with_records(
    paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "seed-demo", "--students", "2")[0] == 0
    before = paths.database.stat().st_size
    code, _, err = run(capsys, "seed-demo")
    assert code == 1
    assert "already holds students" in err and err.count("\n") == 1
    assert paths.database.stat().st_size == before


def test_list_search_and_table(paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "seed-demo")
    everyone = json.loads(run(capsys, "list", "students", "--json")[1])
    target = everyone[5]
    code, out, _ = run(
        capsys, "list", "students", "--search", f"{target['forename']} {target['surname']}"
    )
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].split()[:3] == ["id", "surname", "forename"]
    expected = [
        s
        for s in everyone
        if s["forename"] == target["forename"] and s["surname"] == target["surname"]
    ]
    assert len(lines) == 1 + len(expected)
    assert all(target["surname"] in line for line in lines[1:])


def test_backup_is_consistent_and_restore_keeps_the_replaced_file(
    paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "seed-demo", "--students", "3", "--conversations", "1")
    backup = tmp_path / "copy.sqlite3"
    # A writer holds the database open while the backup runs.
    writer = sqlite3.connect(paths.database)
    writer.execute("UPDATE students SET forename = 'Zoë' WHERE id = 1")
    writer.commit()
    code, out, _ = run(capsys, "backup", "-o", str(backup))
    writer.close()
    assert code == 0 and str(backup) in out
    assert run(capsys, "backup", "-o", str(backup))[0] == 1  # never overwrites
    run(capsys, "list", "students")
    with sqlite3.connect(paths.database) as live:
        live.execute("UPDATE students SET forename = 'Changed' WHERE id = 1")
    # The backup holds a change made outside OwnWork (the forename above): verify names it and
    # the restore is refused until the teacher says to restore it anyway.
    code, out, err = run(capsys, "restore", str(backup))
    assert code == 1 and "PROBLEM" in out and "Student: forename" in out
    assert "nothing was restored" in err and "--despite-problems" in err
    code, out, _ = run(capsys, "restore", str(backup), "--despite-problems")
    assert code == 0 and "kept as" in out
    kept = Path(out.strip().splitlines()[-1].rsplit(" ", 1)[1])
    with sqlite3.connect(paths.database) as restored, sqlite3.connect(kept) as old:
        assert restored.execute("SELECT forename FROM students WHERE id = 1").fetchone() == ("Zoë",)
        assert old.execute("SELECT forename FROM students WHERE id = 1").fetchone() == ("Changed",)


def test_restore_refuses_a_file_that_is_not_a_backup(
    paths: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "seed-demo", "--students", "2")
    before = paths.database.read_bytes()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"PK\x03\x04 not a database")
    code, _, err = run(capsys, "restore", str(junk))
    assert code == 1 and "not an OwnWork database" in err and err.count("\n") == 1
    assert paths.database.read_bytes() == before


def test_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli.main",
            "--data-dir",
            str(blocker / "d"),
            "list",
            "students",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
