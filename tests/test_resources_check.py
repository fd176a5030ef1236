"""Start-up check of the installed resources, and the dialog that reports a broken install."""

from __future__ import annotations

import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.documents import fonts
from app.resources_check import REQUIRED_FONTS, check_resources
from app.storage.migrate import KNOWN_REVISIONS
from ui.resource_error import report_resource_problems, resource_problem_box


class Copy:
    """A writable copy of the installed resources and migrations, to damage."""

    def __init__(self, root: Path) -> None:
        self.resources = root / "resources"
        self.migrations = root / "migrations"
        shutil.copytree(Path(str(files("resources"))), self.resources)
        shutil.copytree(Path(str(files("app.storage") / "migrations")), self.migrations)

    def check(self) -> list[str]:
        return check_resources(self.resources, self.migrations, KNOWN_REVISIONS)


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    return Copy(tmp_path / "install")


def test_the_installed_resources_pass() -> None:
    assert check_resources() == []


def test_an_intact_copy_passes(copy: Copy) -> None:
    assert copy.check() == []


def test_the_required_fonts_are_the_ones_documents_embed() -> None:
    assert set(REQUIRED_FONTS) == set(fonts._FILES.values())


@pytest.mark.parametrize("font", REQUIRED_FONTS)
def test_a_missing_font_is_named(copy: Copy, font: str) -> None:
    (copy.resources / "fonts" / font).unlink()
    assert copy.check() == [f"The font {font} is missing."]


def test_a_truncated_font_is_reported_as_damaged(copy: Copy) -> None:
    font = copy.resources / "fonts" / "DejaVuSans-Bold.ttf"
    font.write_bytes(font.read_bytes()[:50_000])
    assert copy.check() == ["The font DejaVuSans-Bold.ttf is damaged (cut short)."]


def test_a_font_overwritten_with_zeros_is_reported_as_damaged(copy: Copy) -> None:
    font = copy.resources / "fonts" / "DejaVuSans.ttf"
    font.write_bytes(bytes(font.stat().st_size))
    assert copy.check() == ["The font DejaVuSans.ttf is damaged (not a TrueType or OpenType file)."]


def test_missing_font_folder_and_script_folder(copy: Copy) -> None:
    shutil.rmtree(copy.resources / "fonts")
    shutil.rmtree(copy.resources / "scripts")
    assert copy.check() == [
        "The folder of fonts for printed documents is missing.",
        "The folder of built-in interview scripts is missing.",
    ]


def test_a_script_that_is_not_text_is_reported(copy: Copy) -> None:
    script = sorted((copy.resources / "scripts").glob("*.yaml"))[0]
    script.write_bytes(b"\xff\xfe\x00garbage\x80")
    assert copy.check() == [f"The interview script {script.name} is damaged (not text)."]


def test_no_scripts_at_all_is_reported(copy: Copy) -> None:
    for script in (copy.resources / "scripts").glob("*.yaml"):
        script.unlink()
    assert copy.check() == ["There are no built-in interview scripts."]


def test_empty_notices_and_missing_icon(copy: Copy) -> None:
    (copy.resources / "THIRD_PARTY_NOTICES.txt").write_text("  \n", encoding="utf-8")
    (copy.resources / "icons" / "ownwork.svg").unlink()
    assert copy.check() == [
        "The licence notices file (THIRD_PARTY_NOTICES.txt) is empty.",
        "The application icon (ownwork.svg) is missing.",
    ]


def test_a_missing_migration_names_its_revision(copy: Copy) -> None:
    revision = KNOWN_REVISIONS[-1]
    pattern = re.compile(rf"""^revision\s*(?::\s*str\s*)?=\s*["']{revision}["']""", re.M)
    (source,) = [
        path
        for path in (copy.migrations / "versions").glob("*.py")
        if pattern.search(path.read_text("utf-8"))
    ]
    source.unlink()
    assert copy.check() == [f"The database upgrade files for revision(s) {revision} are missing."]


def test_missing_migration_environment(copy: Copy) -> None:
    (copy.migrations / "env.py").unlink()
    assert copy.check() == ["The database upgrade environment (env.py) is missing."]


def test_the_dialog_says_what_happened_and_lists_the_files(qtbot: QtBot) -> None:
    problems = ["The font DejaVuSans.ttf is missing.", "There are no built-in interview scripts."]
    box = resource_problem_box(problems)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    assert box.windowTitle() == "OwnWork cannot start"
    assert box.icon() == QMessageBox.Icon.Critical
    assert "missing or damaged" in box.text()
    assert box.informativeText().startswith("\n".join(problems))
    assert "No records have been opened or changed" in box.informativeText()
    assert box.detailedText().splitlines() == problems
    QTest.keyClick(box, Qt.Key.Key_Escape)
    assert not box.isVisible()


def test_a_long_list_is_shortened_in_the_message_but_complete_in_the_details(
    qtbot: QtBot,
) -> None:
    problems = [f"The interview script s{n}.yaml is damaged (not text)." for n in range(9)]
    box = resource_problem_box(problems)
    qtbot.addWidget(box)
    lines = box.informativeText().splitlines()
    assert lines[:4] == problems[:4]
    assert lines[4] == "…and 5 more (see the details)."
    assert box.detailedText().splitlines() == problems


@pytest.mark.expect_log(r"installation incomplete: The font DejaVuSans\.ttf is missing")
def test_a_non_interactive_start_reports_on_standard_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report_resource_problems(["The font DejaVuSans.ttf is missing."], interactive=False)
    err = capsys.readouterr().err
    assert "cannot start" in err
    assert "DejaVuSans.ttf is missing" in err
