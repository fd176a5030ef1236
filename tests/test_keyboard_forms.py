"""The record forms under a teacher's hands: nothing typed is dropped, dates typed as people do."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCalendarWidget, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.domain.dates import DateNotRead, DateProblem, parse_uk_date
from app.domain.list_query import ListQuery
from app.domain.records import StudentDraft, SubmissionDraft
from app.storage import conversations, staff, students, submissions
from app.storage.database import Database
from tests.gui_helpers import on_next_dialog, show_active, type_text
from ui.dialogs.conversation_dialog import ConversationDialog
from ui.dialogs.student_dialog import StudentDialog
from ui.dialogs.submission_dialog import SubmissionDialog
from ui.interview.excerpt_dialog import ExcerptDialog

NO = Qt.KeyboardModifier.NoModifier


def _show(qtbot: QtBot, dialog: QDialog) -> QDialog:
    return show_active(qtbot, dialog)


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


@pytest.fixture
def student_id(store: Database) -> int:
    with store.transaction() as session:
        return students.create(session, StudentDraft(surname="Adeyemi", forename="Tolu")).id


@pytest.fixture
def submission_id(store: Database, student_id: int) -> int:
    with store.transaction() as session:
        staff.find_or_create(session, "Ms Okafor")
        draft = SubmissionDraft(
            student_id=student_id, awarding_body="AQA", qualification="GCSE History"
        )
        return submissions.create(session, draft).id


# --- 1. a new member of staff typed into the conversation form ---------------------------


@pytest.mark.parametrize("box", ["second_staff", "led_by"])
def test_enter_after_a_new_staff_name_adds_and_records_them(
    qtbot: QtBot, store: Database, submission_id: int, box: str
) -> None:
    dialog = ConversationDialog(store, submission_id=submission_id)
    _show(qtbot, dialog)
    combo = getattr(dialog, box)
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo, "Mr Ben Okafor")
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)  # saved
    with store.transaction() as session:
        [saved] = conversations.page(session, ListQuery())
        names = [person.name for person in staff.all_staff(session)]
    assert "Mr Ben Okafor" in names
    recorded = saved.second_staff_name if box == "second_staff" else saved.led_by_name
    assert recorded == "Mr Ben Okafor"


def test_nobody_as_second_member_of_staff_records_nobody(
    qtbot: QtBot, store: Database, submission_id: int
) -> None:
    dialog = ConversationDialog(store, submission_id=submission_id)
    _show(qtbot, dialog)
    dialog.others_present.setFocus()
    QTest.keyClick(dialog.others_present, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)  # saved
    with store.transaction() as session:
        [saved] = conversations.page(session, ListQuery())
        names = [person.name for person in staff.all_staff(session)]
    assert saved.second_staff_id is None
    assert names == ["Ms Okafor"]


# --- 2. Escape on a filled form asks; an untouched one closes at once ------------------------


def test_escape_on_an_untouched_form_closes_at_once(qtbot: QtBot, store: Database) -> None:
    dialog = _show(qtbot, StudentDialog(store))
    QTest.keyClick(_focused(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_escape_on_a_filled_student_form_asks_and_can_keep_editing(
    qtbot: QtBot, store: Database
) -> None:
    dialog = _show(qtbot, StudentDialog(store))
    type_text(_focused(), "Wójcik")
    questions: list[str] = []

    def keep(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        questions.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Escape)  # Escape on the question keeps the form

    errors = on_next_dialog(keep)
    QTest.keyClick(_focused(), Qt.Key.Key_Escape)
    assert not errors, errors
    assert questions and "discard" in questions[0]
    assert dialog.isVisible()
    assert dialog.surname.text() == "Wójcik"

    def discard(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        QTest.keyClick(box, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)

    errors = on_next_dialog(discard)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    QTest.keyClick(_focused(), Qt.Key.Key_Escape)
    assert not errors, errors
    assert not dialog.isVisible()
    with store.transaction() as session:
        assert students.page(session, ListQuery()) == []


def test_escape_on_a_filled_submission_form_asks(
    qtbot: QtBot, store: Database, student_id: int
) -> None:
    dialog = _show(qtbot, SubmissionDialog(store, student_id=student_id))
    qtbot.keyClicks(_focused(), "A level History")
    asked: list[str] = []

    def keep(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Return)  # the default answer keeps the form

    errors = on_next_dialog(keep)
    QTest.keyClick(_focused(), Qt.Key.Key_Escape)
    assert not errors, errors
    assert asked
    assert dialog.isVisible()
    assert "A level History" in (
        dialog.qualification.text(),
        dialog.awarding_body.currentText(),
    )


def test_escape_on_a_pasted_excerpt_asks(qtbot: QtBot) -> None:
    dialog = _show(qtbot, ExcerptDialog(None))
    dialog._text.setFocus()
    type_text(dialog._text, "The Marcher lords held their land by conquest.")
    asked: list[str] = []

    def keep(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Escape)

    errors = on_next_dialog(keep)
    QTest.keyClick(dialog._text, Qt.Key.Key_Escape)
    assert not errors, errors
    assert asked
    assert dialog.isVisible()
    assert dialog.text() == "The Marcher lords held their land by conquest."


def test_forms_open_with_focus_in_the_first_empty_field(
    qtbot: QtBot, store: Database, student_id: int
) -> None:
    dialog = _show(qtbot, StudentDialog(store))
    assert isinstance(dialog, StudentDialog)
    qtbot.keyClicks(_focused(), "Khan")  # typed straight away, before any Tab or click
    assert dialog.surname.text() == "Khan"
    dialog.done(QDialog.DialogCode.Rejected)
    submission = _show(qtbot, SubmissionDialog(store, student_id=student_id))
    assert isinstance(submission, SubmissionDialog)
    # The student is chosen and the awarding body has its first entry: Qualification is next.
    assert _focused() is submission.qualification


def test_save_has_an_alt_letter_of_its_own(qtbot: QtBot, store: Database) -> None:
    dialog = _show(qtbot, StudentDialog(store))
    qtbot.keyClicks(_focused(), "Khan")
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(_focused(), "Amir")
    QTest.keyClick(_focused(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    # A button's Alt-letter "animates" the click: it lands a moment later.
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    with store.transaction() as session:
        [saved] = students.page(session, ListQuery())
    assert saved.surname == "Khan"


# --- 3. the optional date fields -----------------------------------------------------------


@pytest.mark.parametrize("typed", ["12/03/2026", "12032026", "12-3-26", "12.03.2026", "12 3 2026"])
def test_dates_typed_as_people_in_the_uk_type_them(typed: str) -> None:
    assert parse_uk_date(typed) == dt.date(2026, 3, 12)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("31/02/2026", DateProblem.NO_SUCH_DAY),
        ("12/13/2026", DateProblem.NO_SUCH_DAY),
        ("not recorded12032026", DateProblem.UNREADABLE),
        ("12/03", DateProblem.UNREADABLE),
        ("2026-03-12", DateProblem.UNREADABLE),
    ],
)
def test_text_that_is_no_date_is_refused_with_its_reason(typed: str, problem: DateProblem) -> None:
    with pytest.raises(DateNotRead) as refused:
        parse_uk_date(typed)
    assert refused.value.problem is problem


def test_an_empty_date_is_no_date() -> None:
    assert parse_uk_date("  ") is None


def _submission_form(qtbot: QtBot, store: Database, student_id: int) -> SubmissionDialog:
    dialog = SubmissionDialog(store, student_id=student_id)
    _show(qtbot, dialog)
    return dialog


def test_tab_leaves_an_empty_date_field(qtbot: QtBot, store: Database, student_id: int) -> None:
    dialog = _submission_form(qtbot, store, student_id)
    dialog.exam_series.setFocus()
    QTest.keyClick(dialog.exam_series, Qt.Key.Key_Tab)
    assert _focused() is dialog.handed_in_on.edit
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    assert _focused() is dialog.declaration_signed
    assert dialog.error_text("handed_in_on") == ""


@pytest.mark.parametrize("typed", ["12/03/2026", "12032026", "12-3-26", "12.03.2026"])
def test_a_typed_date_is_stored_as_that_day(
    qtbot: QtBot, store: Database, student_id: int, typed: str
) -> None:
    dialog = _submission_form(qtbot, store, student_id)
    dialog.qualification.setFocus()
    qtbot.keyClicks(dialog.qualification, "GCSE History")
    dialog.handed_in_on.setFocus()
    qtbot.keyClicks(_focused(), typed)
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    assert dialog.handed_in_on.edit.text() == "12/03/2026"  # shown as it will be stored
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)  # saved
    with store.transaction() as session:
        [saved] = submissions.page(session, ListQuery())
    assert saved.handed_in_on == dt.date(2026, 3, 12)


def test_an_invalid_date_is_explained_beside_the_field_and_nothing_is_saved(
    qtbot: QtBot, store: Database, student_id: int
) -> None:
    dialog = _submission_form(qtbot, store, student_id)
    dialog.handed_in_on.setFocus()
    qtbot.keyClicks(_focused(), "31/02/2026")
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    assert "no such day" in dialog.error_text("handed_in_on")
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert _focused() is dialog.handed_in_on.edit
    with store.transaction() as session:
        assert submissions.page(session, ListQuery()) == []
    # Corrected, the message goes and the form saves.
    dialog.handed_in_on.edit.selectAll()
    qtbot.keyClicks(_focused(), "28/02/2026")
    QTest.keyClick(_focused(), Qt.Key.Key_Tab)
    assert dialog.error_text("handed_in_on") == ""


def test_a_date_can_be_emptied_again(qtbot: QtBot, store: Database, student_id: int) -> None:
    with store.transaction() as session:
        draft = SubmissionDraft(
            student_id=student_id,
            awarding_body="AQA",
            qualification="GCSE History",
            handed_in_on=dt.date(2026, 3, 12),
        )
        submission = submissions.create(session, draft)
    dialog = SubmissionDialog(store, submission)
    _show(qtbot, dialog)
    dialog.handed_in_on.setFocus()
    dialog.handed_in_on.edit.selectAll()
    QTest.keyClick(_focused(), Qt.Key.Key_Delete)
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)  # saved
    with store.transaction() as session:
        assert submissions.get(session, submission.id).handed_in_on is None


@pytest.mark.parametrize(
    ("key", "modifiers"), [(Qt.Key.Key_F4, NO), (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)]
)
def test_f4_or_alt_down_opens_the_calendar_and_enter_chooses(
    qtbot: QtBot,
    store: Database,
    student_id: int,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier,
) -> None:
    dialog = _submission_form(qtbot, store, student_id)
    dialog.handed_in_on.setFocus()
    QTest.keyClick(_focused(), key, modifiers)
    calendar = QApplication.focusWidget()
    while calendar is not None and not isinstance(calendar, QCalendarWidget):
        calendar = calendar.parentWidget()
    assert isinstance(calendar, QCalendarWidget) and calendar.isVisible()
    target = _focused()
    QTest.keyClick(target, Qt.Key.Key_Right)  # tomorrow
    QTest.keyClick(target, Qt.Key.Key_Return)
    assert not calendar.isVisible()
    expected = dt.date.today() + dt.timedelta(days=1)
    assert dialog.handed_in_on.value() == expected
    assert _focused() is dialog.handed_in_on.edit


def test_a_message_beside_a_field_goes_once_the_field_is_changed(
    qtbot: QtBot, store: Database, submission_id: int
) -> None:
    dialog = ConversationDialog(store)
    _show(qtbot, dialog)
    assert _focused() is dialog.submission
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    assert dialog.error_text("submission_id") == "Choose a submission from the list."
    qtbot.keyClicks(_focused(), "Adeyemi")
    assert dialog.error_text("submission_id") == ""


# --- the Amend dialog ------------------------------------------------------------------------


def test_the_amend_field_list_shows_the_question_and_the_value_and_can_be_searched(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    from app.integrity import amendments
    from tests.integrity_support import STUDENT_WORDS, finalised
    from ui.integrity.finalise_dialog import AmendDialog

    finalised(store, conversation_id)
    dialog = AmendDialog(store, conversation_id)
    _show(qtbot, dialog)
    entries = [dialog.field.itemText(i) for i in range(dialog.field.count())]
    words = next(e for e in entries if e.startswith("Question 1 ") and "student's words" in e)
    assert "How did you choose your topic?" in words
    assert STUDENT_WORDS[:20] in words
    assert any(e.startswith("Student: UPN") for e in entries)
    # Find a field by a word of its question, choose it from the matches with the keyboard.
    dialog.field.setFocus()
    dialog.field.lineEdit().selectAll()
    qtbot.keyClicks(dialog.field, "choose your topic")
    popup = dialog.field.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown and all("choose your topic" in text for text in shown)
    target = next(i for i, text in enumerate(shown) if "the student's words" in text)
    for _ in range(target + 1):
        QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.field.currentData() == "answers.1.student_words"
    assert dialog.current.toPlainText() == STUDENT_WORDS
    # Ctrl+Enter adds the amendment from the text boxes, where Enter makes a new line.
    dialog.value.setFocus()
    qtbot.keyClicks(dialog.value, "We visited Chepstow castle in Year 9.")
    QTest.keyClick(dialog.value, Qt.Key.Key_Tab)
    qtbot.keyClicks(_focused(), "The words were cut short in the record.")
    QTest.keyClick(_focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)  # saved
    with store.transaction() as session:
        (made,) = amendments.list_for(session, conversation_id)
    assert made.path == "answers.1.student_words"
    assert made.new_value == "We visited Chepstow castle in Year 9."


def test_a_known_name_typed_in_other_capitals_is_that_member_of_staff(
    qtbot: QtBot, store: Database, submission_id: int
) -> None:
    dialog = ConversationDialog(store, submission_id=submission_id)
    _show(qtbot, dialog)
    dialog.led_by.setFocus()
    dialog.led_by.lineEdit().selectAll()
    qtbot.keyClicks(dialog.led_by, "ms okafor")
    QTest.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)  # saved
    with store.transaction() as session:
        [saved] = conversations.page(session, ListQuery())
        names = [person.name for person in staff.all_staff(session)]
    assert saved.led_by_name == "Ms Okafor"
    assert names == ["Ms Okafor"]
