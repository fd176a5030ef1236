"""A data folder or database file that cannot be written opens read-only, from outside the app.

The commands run as a separate process on a real data folder whose permissions have been taken
away.  Root ignores file modes, so when the tests run as root (CI) the folder is given to the
unprivileged user "nobody" and the commands run as that user (``setpriv``, as tests/pg_server.py
runs PostgreSQL): the refusals are the operating system's own, for root too, without a skip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.storage.revisions import KNOWN_REVISIONS
from tests.read_only_support import NOBODY, owned_place, ownwork, seeded

READ_ONLY_LINE = "so this command cannot change the records"


@pytest.fixture
def place() -> Iterator[Path]:
    with owned_place() as where:
        yield where


def _take_write_access(folder: Path, *, whole_folder: bool) -> None:
    """Files 0400; with ``whole_folder`` every folder 0500 too (else only the database)."""
    if not whole_folder:
        (folder / "ownwork.sqlite3").chmod(0o400)
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        path.chmod(0o500 if path.is_dir() else 0o400)
    folder.chmod(0o500)


def _state(folder: Path) -> dict[str, str]:
    """Every file in the folder and its SHA-256: what "nothing was changed" is checked on."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _one_line_refusal(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


@pytest.mark.parametrize("whole_folder", [True, False], ids=["read-only folder", "read-only file"])
def test_records_that_cannot_be_written_are_listed_verified_exported_and_backed_up(
    place: Path, whole_folder: bool
) -> None:
    folder = seeded(place)
    _take_write_access(folder, whole_folder=whole_folder)
    before = _state(folder) if whole_folder else None
    out = place / "out"
    out.mkdir()
    if os.geteuid() == 0:
        os.chown(out, NOBODY, NOBODY)

    listed = ownwork("list", "conversations", "--json", folder=folder)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count('"id"') == 4
    timeline = ownwork("timeline", "--student", "1", folder=folder)
    assert timeline.returncode == 0 and timeline.stdout.strip(), timeline.stderr
    verified = ownwork("verify", folder=folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("All records verified")
    exported = ownwork("export", "record", "1", "-o", str(out / "record.pdf"), folder=folder)
    assert exported.returncode == 0, exported.stderr
    assert (out / "record.pdf").read_bytes().startswith(b"%PDF")
    backed_up = ownwork("backup", "-o", str(out / "copy.sqlite3"), folder=folder)
    assert backed_up.returncode == 0, backed_up.stderr
    with sqlite3.connect(out / "copy.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM conversations").fetchone() == (4,)

    for command in (
        ["finalise", "1"],
        [
            "add",
            "student",
            "--surname",
            "Okafor",
            "--forename",
            "Ada",
            "--candidate-number",
            "0042",
        ],
        ["seed-demo"],
    ):
        line = _one_line_refusal(ownwork(*command, folder=folder))
        assert "cannot be written" in line and READ_ONLY_LINE in line
    if before is not None:
        # Not a byte changed, nothing added (no -wal/-shm, lock file, log or daily backup).
        assert _state(folder) == before
    with sqlite3.connect(f"{(folder / 'ownwork.sqlite3').as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM students").fetchone() == (6,)


def test_an_import_into_a_read_only_folder_is_refused_in_one_line(place: Path) -> None:
    folder = seeded(place)
    csv_file = place / "students.csv"
    csv_file.write_text("Surname,Forename,Candidate No\nOkafor,Ada,0042\n", encoding="utf-8")
    csv_file.chmod(0o644)  # readable by the user the commands run as, whatever the umask
    _take_write_access(folder, whole_folder=True)
    before = _state(folder)
    line = _one_line_refusal(ownwork("import-students", str(csv_file), folder=folder))
    assert READ_ONLY_LINE in line
    # A dry run writes nothing, so it still shows what the import would do.
    dry = ownwork("import-students", "--dry-run", str(csv_file), folder=folder)
    assert dry.returncode == 0 and "New: 1" in dry.stdout, dry.stderr
    assert _state(folder) == before


def test_a_read_only_database_that_needs_an_upgrade_is_refused_clearly(place: Path) -> None:
    folder = seeded(place)
    older = KNOWN_REVISIONS[-2]
    with sqlite3.connect(folder / "ownwork.sqlite3") as database:
        database.execute("UPDATE alembic_version SET version_num = ?", (older,))
    _take_write_access(folder, whole_folder=True)
    before = _state(folder)
    line = _one_line_refusal(ownwork("list", "students", folder=folder))
    assert "must be upgraded" in line and "cannot be written" in line
    assert _state(folder) == before


def test_a_read_only_folder_with_unsaved_changes_in_its_wal_is_refused_not_shown_stale(
    place: Path,
) -> None:
    folder = seeded(place)
    copy = place / "copy"
    copy.mkdir()
    database = folder / "ownwork.sqlite3"
    # A change still only in the -wal (as after a crash), copied with the file but without
    # its -shm, as a folder copied while OwnWork was open would be.
    writer = sqlite3.connect(database)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE students SET forename = 'Changed' WHERE id = 1")
        writer.commit()
        for name in ("ownwork.sqlite3", "ownwork.sqlite3-wal"):
            shutil.copyfile(folder / name, copy / name)
    finally:
        writer.close()
    assert (copy / "ownwork.sqlite3-wal").stat().st_size > 0
    if os.geteuid() == 0:
        for path in (copy, *copy.iterdir()):
            os.chown(path, NOBODY, NOBODY)
    _take_write_access(copy, whole_folder=True)
    before = _state(copy)
    line = _one_line_refusal(ownwork("list", "students", folder=copy))
    assert "latest changes are still in ownwork.sqlite3-wal" in line
    assert _state(copy) == before
