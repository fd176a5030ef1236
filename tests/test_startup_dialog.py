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
