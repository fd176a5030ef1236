"""Choosing a student or a submission by typing: the database is asked, never read whole."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.records import StudentDraft, SubmissionDraft
from app.storage import students, submissions
from app.storage.database import Database
from tests.gui_helpers import type_text
from ui.dialogs.conversation_dialog import ConversationDialog
from ui.dialogs.record_picker import DEBOUNCE_MS, MATCHES, RecordPicker
from ui.dialogs.submission_dialog import SubmissionDialog

MANY = MATCHES * 3


@pytest.fixture
def school(store: Database) -> dict[str, int]:
    """Many students, one with accents in her name, and one submission of hers."""
    with store.transaction() as session:
        for number in range(MANY):
            students.create(
                session,
                StudentDraft(
                    surname=f"Pupil{number:03d}",
                    forename="Sam",
                    candidate_number=f"{number + 1000}",
                ),
            )
        zoe = students.create(
            session, StudentDraft(surname="Ødegård", forename="Zoë", candidate_number="0007")
        )
        work = submissions.create(
            session,
            SubmissionDraft(
                student_id=zoe.id,
                awarding_body="OCR",
                qualification="A level Geography",
                title="Microclimates of the school site",
                handed_in_on=dt.date(2026, 10, 1),
            ),
        )
    return {"zoe": zoe.id, "work": work.id}


def _dialog(qtbot: QtBot, dialog: SubmissionDialog | ConversationDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.waitUntil(lambda: not dialog.loading)  # what it shows, read from the store


def _labels(picker: RecordPicker) -> list[str]:
    return [picker.itemText(i) for i in range(picker.count())]


def test_the_picker_offers_a_window_of_matches_not_every_student(
    qtbot: QtBot, store: Database, school: dict[str, int]
) -> None:
    dialog = SubmissionDialog(store)
    _dialog(qtbot, dialog)
    picker = dialog.student
    qtbot.waitUntil(lambda: not picker.searching)
    assert picker.count() == MATCHES  # the first ones, for the arrow's list
    picker.setFocus()
    type_text(picker, "odegard zoe")  # no accents, words in another order
    qtbot.waitUntil(lambda: _labels(picker) == ["Ødegård, Zoë (0007)"], timeout=2_000)
    assert picker.currentText() == "odegard zoe"  # what was typed is left alone
    assert picker.current_id() is None  # not chosen yet
    picker.setCurrentIndex(0)  # as choosing it from the popup does
    assert picker.current_id() == school["zoe"]


def test_typing_then_saving_at_once_still_finds_the_student(
    qtbot: QtBot, store: Database, school: dict[str, int]
) -> None:
    dialog = SubmissionDialog(store)
    _dialog(qtbot, dialog)
    dialog.student.setFocus()
    type_text(dialog.student, "Ødegård, Zoë (0007)")  # the whole label, then straight to Save
    qtbot.keyClicks(dialog.qualification, "A level Geography")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())  # saved on the writing thread
    assert dialog.saved is not None and dialog.saved.student_id == school["zoe"]


def test_a_name_matching_nobody_is_refused_beside_the_field(
    qtbot: QtBot, store: Database, school: dict[str, int]
) -> None:
    dialog = SubmissionDialog(store)
    _dialog(qtbot, dialog)
    dialog.student.setFocus()
    type_text(dialog.student, "Nobody Here")
    qtbot.wait(DEBOUNCE_MS * 2)
    assert dialog.student.count() == 0
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.error_text("student_id") != "")
    assert dialog.saved is None and dialog.isVisible()
    assert dialog.error_text("student_id") == "Choose a student from the list."


def test_a_conversation_dialog_opened_for_a_submission_shows_it_chosen(
    qtbot: QtBot, store: Database, school: dict[str, int]
) -> None:
    dialog = ConversationDialog(store, submission_id=school["work"])
    _dialog(qtbot, dialog)
    assert dialog.submission.current_id() == school["work"]
    assert dialog.submission.currentText() == (
        "Zoë Ødegård – A level Geography – Microclimates of the school site"
    )
    dialog.submission.setFocus()
    dialog.submission.lineEdit().selectAll()  # type: ignore[union-attr]
    type_text(dialog.submission, "microclim")
    qtbot.waitUntil(lambda: dialog.submission.count() == 1, timeout=2_000)
    assert dialog.submission.current_id() is None  # changed text, nothing chosen yet
