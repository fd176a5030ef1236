"""Bad database files and folders: a clear error, and the file's bytes never change."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.cli.main import main
from app.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseTooNewError,
    DataFolderError,
    NotADatabaseError,
)
from app.paths import AppPaths, resolve_paths
from app.storage.database import open_store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_database(paths: AppPaths) -> None:
    open_store(paths).dispose()


def test_new_folder_gets_a_wal_database_readable_only_by_the_user(paths: AppPaths) -> None:
    store = open_store(paths)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    store.dispose()
    assert paths.data_dir.stat().st_mode & 0o777 == 0o700
    assert paths.database.stat().st_mode & 0o777 == 0o600


def test_a_text_file_is_not_taken_for_a_database(
    paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.data_dir.mkdir(parents=True)
    paths.database.write_text("name,surname\nZoë,Ødegård\n", encoding="utf-8")
    before = _digest(paths.database)
    with pytest.raises(NotADatabaseError, match="not a SQLite file"):
        open_store(paths)
    assert main(["--data-dir", str(paths.data_dir), "list", "students"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an OwnWork database" in err
    assert "Traceback" not in err
    assert _digest(paths.database) == before


def test_a_damaged_database_is_reported_and_left_alone(paths: AppPaths) -> None:
    _real_database(paths)
    data = bytearray(paths.database.read_bytes())
    # Keep the header, scribble over the schema page and beyond.
    data[100:4096] = b"\xff" * (4096 - 100)
    paths.database.write_bytes(bytes(data))
    before = _digest(paths.database)
    with pytest.raises(CorruptDatabaseError, match="damaged"):
        open_store(paths)
    assert _digest(paths.database) == before


def test_a_database_from_a_newer_version_is_not_touched(paths: AppPaths) -> None:
    _real_database(paths)
    with sqlite3.connect(paths.database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = _digest(paths.database)
    with pytest.raises(DatabaseTooNewError, match="newer version of OwnWork"):
        open_store(paths)
    assert _digest(paths.database) == before


def test_a_locked_database_says_so(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _real_database(paths)
    before = _digest(paths.database)
    holder = sqlite3.connect(paths.database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        from app.storage import sqlite as sqlite_module

        real_probe = sqlite_module.probe
        monkeypatch.setattr(
            sqlite_module,
            "probe",
            lambda path, timeout=0.2, **kwargs: real_probe(path, timeout=timeout, **kwargs),
        )
        with pytest.raises(DatabaseLockedError, match="locked"):
            open_store(paths)
        assert main(["--data-dir", str(paths.data_dir), "list", "students"]) == 1
        assert "locked" in capsys.readouterr().err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _digest(paths.database) == before


def test_a_folder_that_cannot_be_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    paths = resolve_paths(blocker / "data")
    with pytest.raises(DataFolderError, match="could not be created"):
        open_store(paths)
    assert main(["--data-dir", str(blocker / "data"), "list", "students"]) == 1
    err = capsys.readouterr().err
    assert "could not be created" in err and "Traceback" not in err
    assert blocker.read_text() == "x"


def test_an_unwritable_folder(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    paths.data_dir.mkdir(parents=True)
    real_write = Path.write_bytes

    def refuse(self: Path, data: bytes) -> int:
        if self.parent == paths.data_dir:
            raise PermissionError(13, "Permission denied")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(DataFolderError, match="cannot be written"):
        open_store(paths)
    assert not paths.database.exists()
