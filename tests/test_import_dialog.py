"""The Import students dialog, driven as a teacher drives it: keyboard and mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.domain.records import StudentDraft
from app.mis_import.headers import Field
from app.storage import students
from app.storage.database import Database
from app.storage.listing import ListQuery
from tests.gui_helpers import on_next_message
from tests.slow_store import slow_down
from ui.import_dialog import ImportStudentsDialog, PlannedRowRole

GOOD = (
    "Legal Surname,Forename,Candidate No,UPN,Reg Group,Year,Gender\r\n"
    "Nguyễn,Thị Mai,42,A123456789012,11B,Year 11,F\r\n"
    '"O\'Brien",Siobhán,43,,11B,Y11,F\r\n'
    "Ødegård,Łukasz,44,,11C,11,M\r\n"
    "Smith,Zoë,45,,11A,11,F\r\n"
)
BAD = (
    "Surname,Forename,Cand No\r\nSmith,Zoë,42\r\n,Łukasz,43\r\nJones,Tom,12345\r\nBrown,Ann,42\r\n"
)


def csv_file(tmp_path: Path, text: str, name: str = "students.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def open_dialog(qtbot: QtBot, store: Database, path: Path | None = None) -> ImportStudentsDialog:
    dialog = ImportStudentsDialog(store, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    QApplication.processEvents()
    previewed(qtbot, dialog)
    return dialog


def previewed(qtbot: QtBot, dialog: ImportStudentsDialog) -> None:
    """Wait for the preview, made on the runner's reading thread."""
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10_000)


def imported(qtbot: QtBot, dialog: ImportStudentsDialog) -> None:
    """Wait for the import, run on the runner's writing thread."""
    qtbot.waitUntil(lambda: not dialog.importing, timeout=10_000)


def shown(dialog: ImportStudentsDialog, column: int) -> list[str]:
    model = dialog.table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def stored(store: Database) -> list[tuple[str, str, str]]:
    with store.transaction() as session:
        return [
            (s.surname, s.forename, s.candidate_number)
            for s in students.page(session, ListQuery(limit=None, sort="candidate_number"))
        ]


def test_opens_on_a_file_with_the_guessed_columns_and_a_preview(
    qtbot: QtBot, qtmodeltester: object, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    assert dialog.combos[Field.SURNAME].currentText() == "Legal Surname (column A)"
    assert dialog.combos[Field.CANDIDATE_NUMBER].currentText() == "Candidate No (column C)"
    assert dialog.combos[Field.FULL_NAME].currentText() == "(not in the file)"
    assert shown(dialog, 2) == ["Nguyễn", "O'Brien", "Ødegård", "Smith"]
    assert shown(dialog, 3) == ["Thị Mai", "Siobhán", "Łukasz", "Zoë"]
    assert shown(dialog, 4) == ["0042", "0043", "0044", "0045"]
    assert shown(dialog, 1) == ["New"] * 4
    assert "UTF-8 (with BOM), comma-separated" in dialog.file_info.text()
    assert "Columns not imported: Gender." in dialog.file_info.text()
    assert dialog.summary.text().startswith("4 rows: 4 new, 0 to update, 0 unchanged, 0 with")
    assert dialog.import_button.isEnabled()
    assert not dialog.problems.isVisible()
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]


def test_every_control_has_an_accessible_name(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    controls = [
        dialog.path_edit,
        dialog.browse_button,
        dialog.table,
        dialog.only_errors,
        dialog.import_button,
        dialog.close_button,
        *dialog.combos.values(),
    ]
    assert all(c.accessibleName() for c in controls)
    assert dialog.combos[Field.UPN].accessibleName() == "Column for UPN"


def test_columns_chosen_with_the_keyboard_fix_unrecognised_headings(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    text = "Family,Given,Number\r\nSmith,Zoë,42\r\nKowalski,Łukasz,43\r\n"
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, text))
    assert dialog.problems.isVisible()
    assert "No column is chosen for Surname" in dialog.problems.text()
    assert not dialog.import_button.isEnabled()

    # Alt+S, Alt+F, Alt+C jump to the column choices; arrow keys pick a column.
    for key, presses in ((Qt.Key.Key_S, 1), (Qt.Key.Key_F, 2), (Qt.Key.Key_C, 3)):
        QTest.keyClick(dialog, key, Qt.KeyboardModifier.AltModifier)
        focused = QApplication.focusWidget()
        assert focused in dialog.combos.values()
        for _ in range(presses):
            QTest.keyClick(focused, Qt.Key.Key_Down)
    previewed(qtbot, dialog)
    assert dialog.combos[Field.SURNAME].currentText() == "Family (column A)"
    assert dialog.combos[Field.FORENAME].currentText() == "Given (column B)"
    assert dialog.combos[Field.CANDIDATE_NUMBER].currentText() == "Number (column C)"
    assert not dialog.problems.isVisible()
    assert shown(dialog, 3) == ["Zoë", "Łukasz"]
    assert dialog.import_button.isEnabled()

    # Changing a choice again refreshes the preview at once.
    dialog.combos[Field.FORENAME].setFocus()
    QTest.keyClick(dialog.combos[Field.FORENAME], Qt.Key.Key_Up)
    previewed(qtbot, dialog)
    assert dialog.problems.text() == (
        'The column "Family" is chosen for both Surname and Forename.'
    )
    assert shown(dialog, 1) == ["Error", "Error"]
    assert not dialog.import_button.isEnabled()


def test_a_bad_file_shows_its_errors_and_cannot_be_imported(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, BAD))
    assert shown(dialog, 0) == ["2", "3", "4", "5"]
    assert shown(dialog, 1) == ["Error"] * 4
    notes = shown(dialog, 8)
    assert notes == [
        "Candidate number 0042 is also on row 5 of the file.",
        "Surname is required.",
        "Candidate number must be four digits, e.g. 0423.",
        "Candidate number 0042 is also on row 2 of the file.",
    ]
    model = dialog.table.model()
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert not dialog.import_button.isEnabled()
    assert "4 with errors" in dialog.summary.text()
    assert "Nothing can be imported" in dialog.summary.text()
    # Enter presses no hidden default button: nothing is imported.
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert not dialog.importing
    assert dialog.isVisible()
    assert stored(store) == []


def test_only_rows_with_errors_can_be_shown(qtbot: QtBot, store: Database, tmp_path: Path) -> None:
    text = GOOD + "Jones,Tom,12345,,11A,11,M\r\n"
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, text))
    assert dialog.table.model().rowCount() == 5
    QTest.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.only_errors.isChecked)  # a mnemonic "animates" the click
    assert shown(dialog, 2) == ["Jones"]
    row = dialog.table.model().index(0, 0).data(PlannedRowRole)
    assert row.row == 6


def test_importing_a_good_file_stores_the_students_and_reports_counts(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    with store.transaction() as session:
        students.create(
            session, StudentDraft(surname="Smith", forename="Zoe", candidate_number="0045")
        )
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    assert shown(dialog, 1) == ["New", "New", "New", "Update"]
    assert shown(dialog, 8)[3] == "Changes forename, registration group, year group"
    with qtbot.waitSignal(dialog.imported) as signal:
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert str(signal.args[0]) == "3 new, 1 updated, 0 unchanged"
    assert dialog.summary.text() == "Imported: 3 new, 1 updated, 0 unchanged."
    assert not dialog.import_button.isVisible()
    assert dialog.close_button.text() == "Close"
    assert stored(store) == [
        ("Nguyễn", "Thị Mai", "0042"),
        ("O'Brien", "Siobhán", "0043"),
        ("Ødegård", "Łukasz", "0044"),
        ("Smith", "Zoë", "0045"),
    ]
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_closing_without_importing_is_rejected_and_writes_nothing(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    QTest.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert stored(store) == []


def test_browse_reads_the_chosen_file_and_explains_unreadable_ones(
    qtbot: QtBot, store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, store)
    assert dialog.summary.text() == "Choose a CSV file to see what would be imported."
    assert not dialog.import_button.isEnabled()
    workbook = tmp_path / "list.xlsx"
    workbook.write_bytes(b"PK\x03\x04 zipped")
    chosen = [str(workbook), str(csv_file(tmp_path, GOOD))]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (chosen.pop(0), "CSV files")
    )
    QTest.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not chosen[1:])
    previewed(qtbot, dialog)
    assert dialog.problems.isVisible()
    assert "Excel workbook" in dialog.problems.text()
    assert dialog.table.model().rowCount() == 0
    assert not dialog.import_button.isEnabled()
    assert not dialog.combos[Field.SURNAME].isEnabled()
    QTest.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    previewed(qtbot, dialog)
    assert not dialog.problems.isVisible()
    assert dialog.table.model().rowCount() == 4
    assert dialog.import_button.isEnabled()


def test_a_change_made_elsewhere_after_the_preview_is_not_overwritten(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    with store.transaction() as session:
        zoe = students.create(
            session, StudentDraft(surname="Smith", forename="Zoe", candidate_number="0045")
        )
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    with store.transaction() as session:
        students.update(
            session,
            zoe.id,
            StudentDraft(surname="Smith", forename="Zoe", candidate_number="0045", reg_group="9Z"),
        )
    seen: list[str] = []

    errors = on_next_message(seen)
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen or errors), timeout=10_000)
    assert errors == []
    assert "changed after the preview" in seen[0]
    assert stored(store) == [("Smith", "Zoe", "0045")]
    # The preview was made again against the store as it is now.
    previewed(qtbot, dialog)
    assert shown(dialog, 1) == ["New", "New", "New", "Update"]
    assert dialog.import_button.isVisible()


HIDDEN = (
    "Surname,Forename,Candidate No\r\n"
    "Smith\u202egnp.exe,Zoë,0042\r\n"
    "Nguyễn,Thị\u200b Mai,0043\r\n"
    "Jones,Ann,0044\r\n"
)


def test_invisible_characters_are_listed_and_removed_only_when_the_teacher_agrees(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, HIDDEN))
    assert dialog.hidden_box.isVisible()
    assert dialog.hidden_list.text().splitlines()[1:] == [
        "Row 2, Surname: U+202E RIGHT-TO-LEFT OVERRIDE",
        "Row 3, Forename: U+200B ZERO WIDTH SPACE",
    ]
    assert not dialog.import_button.isEnabled()
    assert dialog.remove_hidden.accessibleName() == "Remove these characters and import"
    # The teacher agrees with the box's access key (Alt+M), then imports with Enter.
    QTest.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.remove_hidden.isChecked)  # a mnemonic "animates" the click
    assert dialog.remove_hidden.hasFocus()
    qtbot.waitUntil(dialog.import_button.isEnabled)
    assert shown(dialog, 2) == ["Smithgnp.exe", "Nguyễn", "Jones"]
    # The list stays, so what is being removed is still in view.
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in dialog.hidden_list.text()
    dialog.import_button.setFocus()
    with qtbot.waitSignal(dialog.imported):
        QTest.keyClick(dialog.import_button, Qt.Key.Key_Return)
    assert stored(store) == [
        ("Smithgnp.exe", "Zoë", "0042"),
        ("Nguyễn", "Thị Mai", "0043"),
        ("Jones", "Ann", "0044"),
    ]


def test_consent_to_remove_characters_is_not_carried_to_the_next_file(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, HIDDEN))
    QTest.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.import_button.isEnabled)
    dialog.load(csv_file(tmp_path, HIDDEN, "again.csv"))
    previewed(qtbot, dialog)
    assert not dialog.remove_hidden.isChecked() and not dialog.import_button.isEnabled()
    dialog.load(csv_file(tmp_path, GOOD, "clean.csv"))
    previewed(qtbot, dialog)
    assert not dialog.hidden_box.isVisible() and dialog.import_button.isEnabled()


@pytest.mark.both_stores
def test_over_a_slow_store_the_dialog_says_what_it_is_doing_and_waits_for_the_import(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    slow_down(store, 0.05)
    dialog = ImportStudentsDialog(store, path=csv_file(tmp_path, GOOD))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The file is read and checked against the store on a reading thread: meanwhile the
    # dialog says so and Import waits.
    assert dialog.loading
    assert dialog.summary.text() in (
        "Reading students.csv…",
        "Checking the rows against the students already stored…",
    )
    assert not dialog.import_button.isEnabled()
    previewed(qtbot, dialog)
    assert dialog.import_button.isEnabled()

    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.importing
    assert dialog.summary.text() == "Importing 4 rows…"
    assert not dialog.close_button.isEnabled()
    assert not dialog.combos[Field.SURNAME].isEnabled()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # the import cannot be taken back half-way
    assert dialog.isVisible()
    imported(qtbot, dialog)
    assert dialog.summary.text() == "Imported: 4 new, 0 updated, 0 unchanged."
    assert [surname for surname, _, _ in stored(store)] == ["Nguyễn", "O'Brien", "Ødegård", "Smith"]


def test_a_preview_overtaken_by_a_newer_column_choice_is_dropped(
    qtbot: QtBot, store: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    slow_down(store, 0.1)
    forename = dialog.combos[Field.FORENAME]
    surname_column = forename.findText("Legal Surname (column A)")
    forename_column = forename.currentIndex()
    # A wrong choice, then straight back before its preview can arrive.
    forename.setCurrentIndex(surname_column)
    forename.setCurrentIndex(forename_column)
    previewed(qtbot, dialog)
    qtbot.wait(300)  # long enough for the dropped preview to have arrived too
    assert not dialog.problems.isVisible()
    assert shown(dialog, 3) == ["Thị Mai", "Siobhán", "Łukasz", "Zoë"]
    assert dialog.import_button.isEnabled()


@pytest.mark.expect_log("unexpected error")
def test_an_unexpected_failure_of_the_preview_goes_to_the_error_reporter(
    qtbot: QtBot, store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import imports

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "plan_student_import", broken)
    seen: list[str] = []
    errors = on_next_message(seen)
    dialog = open_dialog(qtbot, store, csv_file(tmp_path, GOOD))
    qtbot.waitUntil(lambda: bool(seen or errors), timeout=10_000)
    assert errors == []
    assert seen[0].startswith("OwnWork hit an unexpected problem")
    assert not dialog.import_button.isEnabled()
    assert dialog.table.model().rowCount() == 0
