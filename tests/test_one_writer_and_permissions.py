"""One writer per data folder (the window's lock respected by the command line), owner-only
files under a umask of 022, SQLite errors told apart by their code, and bounded script numbers.
Run from outside the app: the command line as a subprocess, the lock held by another process.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.records import StudentDraft
from app.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    StorageFullError,
)
from app.paths import AppPaths, resolve_paths
from app.scripts.library import ScriptLibrary
from app.storage import sqlite, students
from app.storage.database import Database
from tests.integrity_support import ownwork, table_rows


@pytest.fixture
def demo(paths: AppPaths) -> AppPaths:
    result = ownwork(paths, "seed-demo", "--students", "6", "--conversations", "12")
    assert result.returncode == 0, result.stderr
    return paths


def _first_concluded(paths: AppPaths) -> int:
    listed = json.loads(ownwork(paths, "list", "conversations", "--json").stdout)
    rows = listed if isinstance(listed, list) else listed["rows"]
    return int(
        next(row["id"] for row in rows if row["status"] == "concluded" and not row["finalised_at"])
    )


# -- one writer at a time -------------------------------------------------------------------

_HOLDER = """
import sys
from app.paths import resolve_paths
from app.storage.writer_lock import WriterLock
lock = WriterLock(resolve_paths(sys.argv[1]), "the OwnWork window")
assert lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def test_commands_that_write_are_refused_while_the_window_holds_the_folder(
    demo: AppPaths, tmp_path: Path
) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert ownwork(demo, "backup", "-o", str(backup)).returncode == 0
    students_csv = tmp_path / "students.csv"
    students_csv.write_text("Surname,Forename,Candidate number\nAdeyemi,Tolu,9001\n")
    evidence_file = tmp_path / "draft.txt"
    evidence_file.write_text("a draft")
    conversation = str(_first_concluded(demo))
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(demo.data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = table_rows(demo.database)
        writes = [
            ("restore", str(backup)),
            ("import-students", str(students_csv)),
            ("finalise", conversation),
            (
                "amend",
                conversation,
                "--field",
                "outcome.next_step",
                "--value",
                "x",
                "--reason",
                "y",
            ),
            ("attach", "--conversation", conversation, str(evidence_file)),
            ("seed-demo",),
            ("import-case", str(backup)),
            ("centre", "--head-phone", "01632 960 000"),
            ("referral", conversation, "--ai-tool", "A chatbot"),
            (
                "statement",
                conversation,
                "--candidate",
                "--given",
                "2026-10-12",
                "--text-file",
                str(evidence_file),
            ),
        ]
        for command in writes:
            result = ownwork(demo, *command)
            assert result.returncode == 1, (command, result.stderr)
            assert result.stderr.count("\n") == 1, command
            assert f"are open in the OwnWork window (process {holder.pid})" in result.stderr
            assert "Close it first" in result.stderr
        assert table_rows(demo.database) == before
        # Reading, verifying and backing up elsewhere go on while the window is open.
        for command in (
            ("list", "students"),
            ("verify",),
            ("import-students", "--dry-run", str(students_csv)),
            ("centre",),  # shows the details, changes nothing
        ):
            assert ownwork(demo, *command).returncode == 0, command
    finally:
        holder.communicate("", timeout=30)
    assert ownwork(demo, "finalise", conversation).returncode == 0  # lock gone with its holder


def test_the_window_takes_the_lock_the_command_line_respects(
    demo: AppPaths, tmp_path: Path
) -> None:
    from ui.single_instance import InstanceLock

    backup = tmp_path / "copy.sqlite3"
    assert ownwork(demo, "backup", "-o", str(backup)).returncode == 0
    window = InstanceLock(demo)
    assert window.acquire()
    try:
        result = ownwork(demo, "restore", str(backup))
        assert result.returncode == 1
        assert f"open in the OwnWork window (process {os.getpid()})" in result.stderr
    finally:
        window.release()
    assert ownwork(demo, "restore", str(backup)).returncode == 0


def test_a_window_does_not_open_while_a_command_writes(demo: AppPaths) -> None:
    from app.storage.writer_lock import WriterLock
    from ui.single_instance import InstanceLock

    command = WriterLock(demo, "an ownwork command")
    assert command.acquire()
    try:
        window = InstanceLock(demo)
        assert not window.acquire()
        assert "being changed by an ownwork command" in window.message()
    finally:
        command.release()
    window = InstanceLock(demo)
    assert window.acquire()
    window.release()


# -- owner-only files -----------------------------------------------------------------------


def _loose(root: Path) -> list[str]:
    """Files not 0600 and folders not 0700 under ``root`` (and ``root`` itself)."""
    found = []
    for item in [root, *root.rglob("*")]:
        mode = item.stat().st_mode & 0o777
        wanted = 0o700 if item.is_dir() else 0o600
        if mode != wanted:
            found.append(f"{item.relative_to(root.parent)} {oct(mode)}")
    return found


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions (Linux and macOS)")
def test_every_file_written_is_owner_only_under_umask_022(paths: AppPaths, tmp_path: Path) -> None:
    def run(*argv: str) -> None:
        result = ownwork(paths, *argv, umask=0o022)
        assert result.returncode == 0, (argv, result.stderr)

    run("seed-demo", "--students", "6", "--conversations", "12")
    conversation = str(_first_concluded(paths))
    exports = tmp_path / "exports"
    exports.mkdir(mode=0o700)
    run("backup")
    run("backup", "-o", str(exports / "copy.sqlite3"))
    run("export", "record", conversation, "-o", str(exports / "record.pdf"))
    run("export-case", conversation, "-o", str(exports / "case.ownwork-case"))
    run("restore", str(exports / "copy.sqlite3"))
    paths.config_dir.mkdir(mode=0o755)
    (paths.settings_file).write_text("[MainWindow]\n")
    paths.settings_file.chmod(0o644)
    paths.log_file.chmod(0o644)
    run("finalise", conversation)  # the next start takes group and other bits off
    assert _loose(paths.data_dir) == []
    assert _loose(exports) == []
    written = {p.name for p in paths.data_dir.rglob("*")}
    assert {"ownwork.log", "settings.ini", "backups", "evidence"} <= written
    assert any(p.startswith("replaced-") for p in written)
    assert any(p.startswith("manual-") for p in written)


# -- SQLite errors by their code --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (5, DatabaseLockedError),  # SQLITE_BUSY
        (261, DatabaseLockedError),  # SQLITE_BUSY_RECOVERY, an extended code
        (8, DatabaseReadOnlyError),  # SQLITE_READONLY
        (14, DatabaseReadOnlyError),  # SQLITE_CANTOPEN
        (13, StorageFullError),  # SQLITE_FULL
        (11, CorruptDatabaseError),  # SQLITE_CORRUPT
        (26, CorruptDatabaseError),  # SQLITE_NOTADB
    ],
)
def test_errors_are_classified_by_sqlite_code_not_wording(
    code: int, expected: type[Exception]
) -> None:
    error = sqlite3.OperationalError("database is locked, read-only, full and malformed")
    error.sqlite_errorcode = code
    assert type(sqlite.explain(error)) is expected


def test_a_real_busy_database_is_reported_as_locked(paths: AppPaths, demo: AppPaths) -> None:
    with sqlite3.connect(demo.database, isolation_level=None) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(DatabaseLockedError):
                sqlite.probe(demo.database, timeout=0.1)
        finally:
            holder.execute("ROLLBACK")


# -- numbers in scripts ---------------------------------------------------------------------


def _huge_number_script(source: Path) -> str:
    text = source.read_text(encoding="utf-8")
    return text.replace("version: 1\n", "version: 0x" + "f" * 5000 + "\n", 1)


def test_a_five_thousand_digit_number_gives_a_located_message(paths: AppPaths) -> None:
    bundled = ScriptLibrary(paths).get("general-nea")
    assert bundled.version == 1
    target = paths.data_dir.parent / "huge.yaml"
    target.write_text(_huge_number_script(_bundled_file("general-nea")), encoding="utf-8")
    result = ownwork(paths, "scripts", "validate", str(target))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{target}:5: version: is a number 5,002 characters long" in result.stderr


def test_a_bad_script_in_the_data_folder_leaves_the_others_usable(paths: AppPaths) -> None:
    folder = paths.data_dir / "scripts"
    folder.mkdir(parents=True)
    (folder / "huge.yaml").write_text(
        _huge_number_script(_bundled_file("general-nea")).replace("id: general-nea", "id: huge", 1),
        encoding="utf-8",
    )
    result = ownwork(paths, "scripts", "list")
    assert result.returncode == 0, result.stderr
    assert "general-nea" in result.stdout and "huge" in result.stdout
    assert "cannot be used" in result.stdout
    library = ScriptLibrary(resolve_paths(paths.data_dir))
    assert library.get("essay-humanities").sections


def _bundled_file(script_id: str) -> Path:
    from importlib.resources import files

    return Path(str(files("resources") / "scripts" / f"{script_id}.yaml"))


# -- the command line never sends what a terminal would act on ------------------------------


def test_listing_never_echoes_terminal_escapes_or_direction_overrides(
    store: Database, paths: AppPaths
) -> None:
    with store.transaction() as session:
        students.create(session, StudentDraft(surname="Smith", forename="Ann"))
    hostile = "Evil\x1b[2J\x9b31m\u202egnp.exe"
    with sqlite3.connect(paths.database) as connection:
        connection.execute("UPDATE students SET surname = ?", (hostile,))
    shown = ownwork(paths, "list", "students")
    assert shown.returncode == 0, shown.stderr
    for character in ("\x1b", "\x9b", "\u202e"):
        assert character not in shown.stdout
    assert "Evil\ufffd[2J\ufffd31m\ufffdgnp.exe" in shown.stdout
    listed = ownwork(paths, "list", "students", "--json")
    assert not any(c in listed.stdout for c in ("\x1b", "\x9b", "\u202e"))
    assert json.loads(listed.stdout)[0]["surname"] == hostile  # escaped, not lost


def test_names_with_direction_changing_or_invisible_characters_are_refused_on_import(
    paths: AppPaths, tmp_path: Path
) -> None:
    csv = tmp_path / "students.csv"
    csv.write_text(
        "Surname,Forename,Candidate number\n"
        "Smith,Ann,9001\n"
        "Evil\u202egnp,Bob,9002\n"
        "Zero\u200bWidth,Cy,9003\n"
        "Byte\ufefforder,Di,9004\n",
        encoding="utf-8",
    )
    result = ownwork(paths, "import-students", str(csv))
    assert result.returncode == 1
    assert "row 3: Surname" in result.stdout and "(U+202E RIGHT-TO-LEFT OVERRIDE)" in result.stdout
    assert "row 4: Surname" in result.stdout and "(U+200B ZERO WIDTH SPACE)" in result.stdout
    assert "row 5: Surname" in result.stdout and "(U+FEFF ZERO WIDTH NO-BREAK SPACE)" in (
        result.stdout
    )
    assert "nothing was imported" in result.stderr
    listed = json.loads(ownwork(paths, "list", "students", "--json").stdout)
    assert listed == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Surname,Forename,Candidate number\nZo+AOs-,Ann,9001\n", "UTF-7"),
        (b"+/v8Surname,Forename\nSmith,Ann\n", "UTF-7"),
        (
            b"Surname,Forename,Candidate number\nZo\xc3\xab,Ann,9001\nM\xfcller,Bob,9002\n",
            "mixes two text encodings: most of it is UTF-8, but line 3",
        ),
    ],
)
def test_utf7_and_mixed_encodings_are_refused(
    paths: AppPaths, tmp_path: Path, data: bytes, reason: str
) -> None:
    csv = tmp_path / "students.csv"
    csv.write_bytes(data)
    result = ownwork(paths, "import-students", str(csv))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert reason in result.stderr and "CSV UTF-8" in result.stderr
    assert json.loads(ownwork(paths, "list", "students", "--json").stdout) == []
