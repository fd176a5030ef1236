"""A teacher saves a form after a colleague saved the same record: the conflict dialog says who
and when, shows both versions, and keeps theirs, applies mine over theirs, or goes back."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from app.domain.principal import Principal
from app.domain.records import Centre, Student, StudentDraft
from app.services import records
from app.storage import audit
from app.storage.database import Database
from tests.gui_helpers import on_next_dialog, show_active, type_text
from ui.conflict_dialog import ConflictDialog
from ui.dialogs.student_dialog import StudentDialog
from ui.documents.centre_details import CentreDetailsDialog

COLLEAGUE = Principal.personal("b.nowak")
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def opened(qtbot: QtBot, store: Database) -> tuple[StudentDialog, Student]:
    """The form opened on Zoë Ødegaard; then a colleague renames her before it is saved."""
    student = records.add_student(
        store.principal, store, StudentDraft(surname="Ødegaard", forename="Zoë")
    ).value
    dialog = StudentDialog(store, student)
    show_active(qtbot, dialog)
    records.change_student(
        COLLEAGUE,
        store,
        student.id,
        StudentDraft(surname="Odegaard-Lund", forename="Zoë"),
        version=student.version,
    )
    dialog.surname.setFocus()
    dialog.surname.selectAll()
    type_text(dialog.surname, "Ødegård")
    return dialog, student


def _save_and(qtbot: QtBot, dialog: QWidget, act: Callable[[QDialog], None]) -> list[BaseException]:
    """Save with Ctrl+Return, run ``act`` on the conflict dialog the save meets (the save runs
    on the writing thread), and wait until the form has done what ``act`` chose."""
    acted: list[bool] = []

    def acting(box: QDialog) -> None:
        acted.append(True)
        act(box)

    seen: list[BaseException] = on_next_dialog(acting)
    QTest.keyClick(
        QApplication.focusWidget() or dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(lambda: bool(acted) and not getattr(dialog, "waiting", False), timeout=10_000)
    return seen


def _read(dialog: QDialog, shown: dict[str, object]) -> None:
    assert isinstance(dialog, ConflictDialog)
    shown["summary"] = dialog.summary.text()
    shown["rows"] = [
        tuple(dialog.table.item(row, column).text() for column in range(3))
        for row in range(dialog.table.rowCount())
    ]
    shown["headers"] = [dialog.table.horizontalHeaderItem(column).text() for column in range(3)]
    if path := os.environ.get("OWNWORK_CONFLICT_SCREENSHOT"):
        dialog.grab().save(path)


def _reading_then(shown: dict[str, object], key: Qt.Key) -> Callable[[QDialog], None]:
    """Read the conflict dialog into ``shown``, then press Alt+``key``."""

    def act(box: QDialog) -> None:
        _read(box, shown)
        QTest.keyClick(box, key, ALT)

    return act


def test_keep_theirs_closes_the_form_and_saves_nothing_of_mine(
    qtbot: QtBot, opened: tuple[StudentDialog, Student], store: Database
) -> None:
    dialog, student = opened
    shown: dict[str, object] = {}
    errors = _save_and(qtbot, dialog, _reading_then(shown, Qt.Key.Key_K))
    assert not errors, errors
    assert "b.nowak saved Zoë Odegaard-Lund's details at " in str(shown["summary"])
    assert shown["rows"] == [("Surname", "Odegaard-Lund", "Ødegård")]
    assert shown["headers"] == ["Field", "Theirs (b.nowak)", "Yours"]
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    assert records.get_student(COLLEAGUE, store, student.id).surname == "Odegaard-Lund"


def test_apply_mine_over_theirs_saves_again_from_their_version(
    qtbot: QtBot, opened: tuple[StudentDialog, Student], store: Database
) -> None:
    dialog, student = opened
    errors = _save_and(qtbot, dialog, lambda box: QTest.keyClick(box, Qt.Key.Key_A, ALT))
    assert not errors, errors
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = records.get_student(COLLEAGUE, store, student.id)
    assert (saved.surname, saved.version) == ("Ødegård", 3)
    with store.transaction() as session:
        actors = [entry.actor for entry in audit.entries_for(session, "student", student.id)]
    assert actors[-2:] == ["b.nowak", store.principal.name]


def test_cancel_goes_back_to_the_form_with_everything_typed(
    qtbot: QtBot, opened: tuple[StudentDialog, Student], store: Database
) -> None:
    dialog, student = opened
    errors = _save_and(qtbot, dialog, lambda box: QTest.keyClick(box, Qt.Key.Key_Escape))
    assert not errors, errors
    assert dialog.isVisible() and dialog.surname.text() == "Ødegård"
    assert records.get_student(COLLEAGUE, store, student.id).surname == "Odegaard-Lund"


def test_the_centre_details_for_form_m1_ask_too(qtbot: QtBot, store: Database) -> None:

    details = Centre(name="Northgate Academy", centre_number="12345")
    records.set_centre(store.principal, store, details)
    dialog = CentreDetailsDialog(store)
    show_active(qtbot, dialog)
    colleague = COLLEAGUE
    records.set_centre(colleague, store, replace(details, name="Northgate School"), version=1)
    for field, text in (
        (dialog.name, "Northgate Academy Trust"),
        (dialog.address, "1 High Street"),
        (dialog.head_name, "Ms Byrne"),
        (dialog.head_email, "head@example.org"),
        (dialog.head_phone, "01234 567890"),
    ):
        field.setFocus()
        field.selectAll()
        type_text(field, text)
    shown: dict[str, object] = {}
    errors = _save_and(qtbot, dialog, _reading_then(shown, Qt.Key.Key_K))
    assert not errors, errors
    rows = shown["rows"]
    assert (
        isinstance(rows, list) and ("Name", "Northgate School", "Northgate Academy Trust") in rows
    )
    assert records.get_centre(colleague, store).name == "Northgate School"
