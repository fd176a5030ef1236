"""The window's side of issue 15's faults: a lost or damaged database ends in the
damaged-database choices, and the error dialog names the log file that was written."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import logs
from app.errors import OwnWorkError
from app.paths import AppPaths
from app.storage import sqlite
from app.storage.database import Database
from tests.integrity_support import plan_conversation
from ui import errors, startup


def _asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(startup, "_ask", lambda parent, message: shown.append(message) or "quit")
    return shown


def test_an_emptied_database_beside_backups_offers_the_restore_choices(
    qtbot: QtBot, store: Database, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_conversation(store)
    from app.storage.backups import backup_into_folder

    backup_into_folder(paths)
    store.dispose()
    paths.database.write_bytes(b"")
    shown = _asked(monkeypatch)
    assert startup.check_interactively(paths) is None
    assert shown and "is empty (0 bytes)" in shown[0] and "1 backup" in shown[0]
    assert paths.database.stat().st_size == 0


def _damaged_copy(good: bytes, scratch: Path) -> bytes:
    """Sixteen random bytes changed, on the first seed whose copy SQLite's quick check fails."""
    for seed in range(200):
        data = bytearray(good)
        chance = random.Random(seed)
        for _ in range(16):
            data[chance.randrange(100, len(data))] = chance.randrange(256)
        scratch.write_bytes(bytes(data))
        try:
            sqlite.probe(scratch)
        except OwnWorkError:
            return bytes(data)
    raise AssertionError("no seed damaged the file")


def test_a_database_with_random_bytes_changed_offers_the_restore_choices(
    qtbot: QtBot,
    store: Database,
    paths: AppPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for number in range(40):
        plan_conversation(store, candidate_number=f"{number:04d}")
    store.dispose()
    paths.database.write_bytes(_damaged_copy(paths.database.read_bytes(), tmp_path / "x"))
    before = paths.database.read_bytes()
    shown = _asked(monkeypatch)
    assert startup.check_interactively(paths) is None
    assert shown and "damaged" in shown[0]
    assert paths.database.read_bytes() == before


@pytest.fixture
def root() -> Iterator[logging.Logger]:
    logger = logging.getLogger()
    before = list(logger.handlers)
    for handler in before:
        if isinstance(handler, logs._LogFile):
            logger.removeHandler(handler)
    yield logger
    for handler in list(logger.handlers):
        if handler not in before:
            handler.close()
            logger.removeHandler(handler)
    for handler in before:
        if handler not in logger.handlers:
            logger.addHandler(handler)


@pytest.mark.expect_log("unexpected error")
def test_the_error_dialog_names_the_log_file_it_wrote(
    qtbot: QtBot, paths: AppPaths, root: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs.configure(paths)
    shown: list[str] = []
    monkeypatch.setattr(errors, "show_error", lambda parent, title, message: shown.append(message))
    errors.report(None, RuntimeError("a bug"))
    assert shown and str(paths.log_file) in shown[0] and "(no log file)" not in shown[0]
    assert "a bug" in paths.log_file.read_text(encoding="utf-8")
