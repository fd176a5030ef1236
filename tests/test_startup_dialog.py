"""When the store cannot open, the GUI explains and offers a way on; the file is untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.storage.database import open_store
from ui import startup


def test_quit_leaves_the_broken_file_alone(
    qtbot: QtBot, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.database.write_bytes(b"garbage" * 100)
    shown: list[str] = []
    monkeypatch.setattr(startup, "_ask", lambda parent, message: shown.append(message) or "quit")
    assert startup.open_interactively(paths) is None
    assert shown and "not an OwnWork database" in shown[0]
    assert paths.database.read_bytes() == b"garbage" * 100


def test_choosing_another_folder_opens_it(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.database.write_bytes(b"garbage" * 100)
    other = tmp_path / "other"
    monkeypatch.setattr(startup, "_ask", lambda parent, message: "folder")
    monkeypatch.setattr(
        startup.QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda *args, **kwargs: str(other)),
    )
    opened = startup.open_interactively(paths)
    assert opened is not None
    store, chosen = opened
    assert chosen.data_dir == other and chosen.database.exists()
    store.dispose()


def test_restoring_a_backup_sets_the_damaged_file_aside(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good"
    from app.paths import resolve_paths

    open_store(resolve_paths(good)).dispose()
    paths.data_dir.mkdir(parents=True)
    paths.database.write_bytes(b"garbage" * 100)
    monkeypatch.setattr(startup, "_ask", lambda parent, message: "restore")
    monkeypatch.setattr(
        startup.QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *a, **k: (str(good / "ownwork.sqlite3"), "")),
    )
    opened = startup.open_interactively(paths)
    assert opened is not None
    opened[0].dispose()
    [aside] = list(paths.backups_dir.glob("damaged-*"))
    assert aside.read_bytes() == b"garbage" * 100


@pytest.mark.parametrize("choice", [False, True])
def test_a_tampered_backup_is_shown_with_its_problems_before_it_is_restored(
    qtbot: QtBot,
    paths: AppPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    choice: bool,
) -> None:
    from app.paths import resolve_paths
    from tests.integrity_support import tamper

    good = resolve_paths(tmp_path / "good")
    seeded = open_store(good, actor="test teacher")
    with seeded.transaction() as session:
        from app.domain.records import StudentDraft
        from app.storage import students

        students.create(session, StudentDraft(surname="Okafor", forename="Ada"))
    seeded.dispose()
    tamper(good.database, "UPDATE audit_log SET summary = 'Nothing happened'")
    paths.data_dir.mkdir(parents=True)
    paths.database.write_bytes(b"garbage" * 100)
    answers = iter(["restore", "quit"])
    monkeypatch.setattr(startup, "_ask", lambda parent, message: next(answers))
    monkeypatch.setattr(
        startup.QFileDialog,
        "getOpenFileName",
        staticmethod(lambda *a, **k: (str(good.database), "")),
    )
    shown: list[list[str]] = []

    def confirm(parent: object, backup: Path, problems: list[str]) -> bool:
        shown.append(problems)
        return choice

    monkeypatch.setattr(startup, "_confirm_problems", confirm)
    opened = startup.open_interactively(paths)
    assert shown and any("audit" in problem.lower() for problem in shown[0])
    if choice:
        assert opened is not None
        opened[0].dispose()
        [aside] = list(paths.backups_dir.glob("damaged-*"))
        assert aside.read_bytes() == b"garbage" * 100
    else:
        assert opened is None
        assert paths.database.read_bytes() == b"garbage" * 100
