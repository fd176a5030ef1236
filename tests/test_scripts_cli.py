"""``ownwork scripts validate`` and ``ownwork scripts list``, run as a user would."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from app.cli.main import main
from app.paths import AppPaths
from app.scripts.library import ScriptLibrary
from app.scripts.loader import dump_script
from app.scripts.model import Question, Script, Section

SCRIPT = Script(
    id="cli-demo",
    title="CLI demo",
    version=1,
    sections=(
        Section(
            id="a",
            title="A",
            questions=(Question(id="q1", text="One?"), Question(id="q2", text="Two?")),
        ),
        Section(id="b", title="B", questions=(Question(id="q1", text="Three?"),)),
    ),
)


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(dump_script(SCRIPT), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    text = dump_script(SCRIPT).replace("id: q2", "id: q1").replace("title: CLI demo", "title:")
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_good_file_says_ok_with_counts(
    good_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scripts", "validate", str(good_file)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{good_file}: ok (2 sections, 3 questions)\n"
    assert err == ""


def test_validate_bad_file_lists_problems_on_stderr_and_fails(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scripts", "validate", str(bad_file)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{bad_file}:3: title: must not be empty",
        f"{bad_file}:11: sections[0].questions[1].id: 'q1' is already the id of "
        "sections[0].questions[0]",
    ]


def test_validate_several_files_fails_if_any_is_bad(
    good_file: Path, bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scripts", "validate", str(good_file), str(bad_file)]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{good_file}: ok")
    assert err.count("\n") == 2


def test_validate_missing_file_is_one_clear_line(
    tmp_path: Path, good_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.yaml"
    assert main(["scripts", "validate", str(missing), str(good_file)]) == 1
    out, err = capsys.readouterr()
    assert err == f"{missing}: the file does not exist\n"
    assert out.startswith(f"{good_file}: ok")


def test_validate_every_bundled_script(capsys: pytest.CaptureFixture[str]) -> None:
    folder = resources.files("resources") / "scripts"
    files = [str(item) for item in folder.iterdir() if item.name.endswith(".yaml")]
    assert main(["scripts", "validate", *files]) == 0
    assert capsys.readouterr().out.count(": ok (") == len(files)


def test_validate_without_a_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["scripts", "validate"])
    assert exited.value.code == 2


def test_list_shows_bundled_and_own_scripts_and_problems(
    paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    library = ScriptLibrary(paths)
    library.save(SCRIPT)
    (library.folder / "broken.yaml").write_text("id: [\n")
    assert main(["--data-dir", str(paths.data_dir), "scripts", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("general-nea ") and "built-in" in line for line in lines)
    assert any(
        line.startswith("cli-demo ") and "own" in line and "CLI demo" in line for line in lines
    )
    assert lines[-1].startswith("broken ")
    assert "cannot be used" in lines[-1]


def test_list_json_is_machine_readable(paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    ScriptLibrary(paths).save(SCRIPT)
    assert main(["scripts", "list", "--json", "--data-dir", str(paths.data_dir)]) == 0
    entries = json.loads(capsys.readouterr().out)
    mine = next(e for e in entries if e["id"] == "cli-demo")
    assert mine["source"] == "user"
    assert (mine["sections"], mine["questions"], mine["version"]) == (2, 3, 1)
    nea = next(e for e in entries if e["id"] == "general-nea")
    assert nea["source"] == "bundled"
    assert nea["path"] is None
