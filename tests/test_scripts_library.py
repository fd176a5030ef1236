"""The script library: bundled scripts are read-only, the teacher's own are files written
atomically, imports are checked first, and a broken file never stops the rest working."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from app.errors import NotFoundError
from app.paths import AppPaths
from app.scripts.library import ReadOnlyScriptError, ScriptExistsError, ScriptLibrary
from app.scripts.loader import dump_script, load_script_file, parse_script
from app.scripts.model import Question, Script, Section
from app.scripts.problems import ScriptError


def own_script(script_id: str = "mine", title: str = "My script") -> Script:
    return Script(
        id=script_id,
        title=title,
        subject="History",
        version=1,
        sections=(
            Section(
                id="opening",
                title="Opening",
                questions=(Question(id="q1", text="What is your work about?"),),
            ),
        ),
    )


@pytest.fixture
def library(paths: AppPaths) -> ScriptLibrary:
    return ScriptLibrary(paths)


def user_files(paths: AppPaths) -> dict[str, bytes]:
    folder = paths.data_dir / "scripts"
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_lists_the_bundled_scripts_first_and_marks_them(library: ScriptLibrary) -> None:
    library.save(own_script(title="A script of my own"))
    entries = library.list()
    assert {e.id for e in entries if e.bundled} >= {
        "general-nea",
        "essay-humanities",
        "programming-project",
        "science-investigation",
        "art-design-portfolio",
    }
    assert [e.bundled for e in entries] == sorted((e.bundled for e in entries), reverse=True)
    mine = entries[-1]
    assert (mine.id, mine.bundled, mine.ok) == ("mine", False, True)
    assert all(e.ok for e in entries)


def test_get_returns_a_bundled_script_and_refuses_an_unknown_id(library: ScriptLibrary) -> None:
    script = library.get("general-nea")
    assert script.title == "General coursework conversation"
    with pytest.raises(NotFoundError):
        library.get("no-such-script")


def test_save_writes_a_file_that_reads_back(library: ScriptLibrary, paths: AppPaths) -> None:
    saved = library.save(own_script())
    path = paths.data_dir / "scripts" / "mine.yaml"
    assert load_script_file(path) == saved == own_script()
    assert library.get("mine") == saved
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_save_replaces_an_existing_script_of_the_same_id(library: ScriptLibrary) -> None:
    library.save(own_script())
    changed = dataclasses.replace(own_script(), title="Renamed", version=2)
    library.save(changed)
    assert library.get("mine") == changed
    assert [e.id for e in library.list() if not e.bundled] == ["mine"]


def test_save_without_replace_refuses_an_existing_id(
    library: ScriptLibrary, paths: AppPaths
) -> None:
    library.save(own_script())
    before = user_files(paths)
    with pytest.raises(ScriptExistsError):
        library.save(dataclasses.replace(own_script(), title="Other"), replace=False)
    assert user_files(paths) == before


def test_save_refuses_an_invalid_script_and_writes_nothing(
    library: ScriptLibrary, paths: AppPaths
) -> None:
    broken = dataclasses.replace(own_script(), sections=())
    with pytest.raises(ScriptError, match="needs at least one section"):
        library.save(broken)
    assert user_files(paths) == {}


def test_saving_an_edited_bundled_script_stores_an_own_copy(library: ScriptLibrary) -> None:
    bundled = library.get("general-nea")
    edited = dataclasses.replace(bundled, description="Our department's version.")
    saved = library.save(edited)
    assert saved.id == "general-nea-own"
    assert saved.title == "General coursework conversation (own copy)"
    assert saved.description == "Our department's version."
    assert library.get("general-nea") == bundled
    again = library.save(edited)
    assert again.id == "general-nea-own-2"


def test_atomic_save_leaves_the_old_file_whole_when_writing_fails(
    library: ScriptLibrary, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.save(own_script())
    before = user_files(paths)

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(Exception, match="No space left on device"):
        library.save(dataclasses.replace(own_script(), title="New title"))
    assert user_files(paths) == before


def test_delete_removes_an_own_script_only(library: ScriptLibrary, paths: AppPaths) -> None:
    library.save(own_script())
    library.delete("mine")
    assert user_files(paths) == {}
    with pytest.raises(NotFoundError):
        library.delete("mine")
    with pytest.raises(ReadOnlyScriptError):
        library.delete("general-nea")
    assert library.get("general-nea")


def test_import_adds_a_valid_file_keeping_its_comments(
    library: ScriptLibrary, tmp_path: Path
) -> None:
    source = tmp_path / "shared.yaml"
    source.write_text("# From the history department\n" + dump_script(own_script("shared")))
    imported = library.import_file(source)
    assert imported.id == "shared"
    stored = library.folder / "shared.yaml"
    assert stored.read_text().startswith("# From the history department\n")
    assert library.get("shared") == imported


def test_import_refuses_a_bad_file_and_leaves_existing_files_unchanged(
    library: ScriptLibrary, paths: AppPaths, tmp_path: Path
) -> None:
    library.save(own_script())
    before = user_files(paths)
    bad = tmp_path / "mine.yaml"
    bad.write_text(dump_script(own_script()).replace("text:", "txet:"))
    with pytest.raises(ScriptError) as caught:
        library.import_file(bad, replace=True)
    assert "did you mean 'text'?" in str(caught.value)
    assert user_files(paths) == before


def test_import_refuses_an_id_clash_unless_told_to_replace(
    library: ScriptLibrary, paths: AppPaths, tmp_path: Path
) -> None:
    library.save(own_script())
    before = user_files(paths)
    newer = tmp_path / "newer.yaml"
    newer.write_text(dump_script(dataclasses.replace(own_script(), title="Newer", version=2)))
    with pytest.raises(ScriptExistsError) as caught:
        library.import_file(newer)
    assert not caught.value.bundled
    assert user_files(paths) == before
    library.import_file(newer, replace=True)
    assert library.get("mine").title == "Newer"
    assert list(user_files(paths)) == ["mine.yaml"]


def test_import_never_replaces_a_bundled_script(
    library: ScriptLibrary, paths: AppPaths, tmp_path: Path
) -> None:
    clash = tmp_path / "clash.yaml"
    clash.write_text(dump_script(own_script("general-nea")))
    with pytest.raises(ScriptExistsError) as caught:
        library.import_file(clash, replace=True)
    assert caught.value.bundled
    assert user_files(paths) == {}


def test_export_writes_a_file_that_imports_elsewhere(
    library: ScriptLibrary, tmp_path: Path
) -> None:
    target = library.export("science-investigation", tmp_path / "out.yaml")
    assert parse_script(target.read_text(), "out.yaml") == library.get("science-investigation")


def test_a_broken_user_file_is_a_problem_entry_not_fatal(
    library: ScriptLibrary, paths: AppPaths
) -> None:
    library.save(own_script())
    (library.folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    entries = library.list()
    broken = [e for e in entries if not e.ok]
    assert [e.id for e in broken] == ["broken"]
    assert broken[0].error is not None
    assert "broken.yaml:3: YAML syntax error" in str(broken[0].error)
    assert entries[-1] is broken[0]
    assert library.get("mine") == own_script()


def test_a_user_file_with_a_bundled_or_repeated_id_is_a_problem_entry(
    library: ScriptLibrary,
) -> None:
    library.folder.mkdir(parents=True)
    (library.folder / "copy.yaml").write_text(dump_script(own_script("general-nea")))
    (library.folder / "a.yaml").write_text(dump_script(own_script("twin")))
    (library.folder / "b.yaml").write_text(dump_script(own_script("twin")))
    problems = {e.id: str(e.error) for e in library.list() if not e.ok}
    assert "of a built-in script" in problems["copy"]
    assert "already used by a.yaml" in problems["b"]
    assert library.get("general-nea").title == "General coursework conversation"


def test_a_new_script_never_overwrites_a_broken_file_of_the_same_name(
    library: ScriptLibrary,
) -> None:
    library.folder.mkdir(parents=True)
    broken = library.folder / "mine.yaml"
    broken.write_text("not: [a script\n")
    library.save(own_script())
    assert broken.read_text() == "not: [a script\n"
    assert (library.folder / "mine-2.yaml").exists()
    assert library.get("mine") == own_script()


def test_new_id_avoids_every_existing_id(library: ScriptLibrary) -> None:
    library.save(own_script("draft"))
    assert library.new_id("general-nea") == "general-nea-2"
    assert library.new_id("draft") == "draft-2"
    assert library.new_id("fresh") == "fresh"
