"""Form M1 in the app: the centre's details asked once, answers copied one by one, facts
recorded where the record holds none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.documents.m1 import NOT_RECORDED
from app.domain.records import Centre
from app.storage import referrals, staff
from app.storage.database import Database
from tests.gui_helpers import on_next_dialog, type_text
from tests.integrity_support import centre_for_referrals, conclude
from ui.documents.actions import open_document_preview
from ui.documents.centre_details import CentreDetailsDialog, ask_centre_details
from ui.documents.m1_answers import M1AnswersDialog
from ui.documents.preview import DocumentPreview
from ui.documents.referral_check import ReferralCheckDialog
from ui.documents.statement_dialog import StatementDialog

LEFT = Qt.MouseButton.LeftButton


def test_missing_centre_details_are_asked_for_once_before_the_referral(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    with store.transaction() as session:
        staff.set_centre(session, Centre(name="Riverside Academy", centre_number="74123"))
    conclude(store, conversation_id)
    shown: list[str] = []
    then: list[BaseException] = []

    def fill_in(dialog: QDialog) -> None:
        assert isinstance(dialog, CentreDetailsDialog)
        shown.append(dialog.windowTitle())
        QTest.keyClick(dialog, Qt.Key.Key_Return)  # Save with details missing: refused
        assert dialog.isVisible()
        assert dialog.error_text("head_email") == "Needed for form M1."
        dialog.address.setFocus()
        type_text(dialog.address, "1 Harbour Road, Riverside")
        for widget, text in (
            (dialog.head_name, "Mrs J. Adeyemi"),
            (dialog.head_email, "head@riverside.example"),
            (dialog.head_phone, "01632 960 555"),
        ):
            widget.setFocus()
            type_text(widget, text)
        then.extend(
            on_next_dialog(lambda check: (shown.append(check.windowTitle()), check.reject()))
        )
        QTest.keyClick(dialog.head_phone, Qt.Key.Key_Return)

    errors = on_next_dialog(fill_in)
    assert open_document_preview(None, store, conversation_id, "referral") is None
    assert not errors and not then
    assert shown == ["Centre details for form M1", "Referral to the awarding body"]
    with store.transaction() as session:
        centre = staff.get_centre(session)
    assert centre.missing_for_referral() == []
    assert (centre.head_name, centre.head_phone) == ("Mrs J. Adeyemi", "01632 960 555")
    # Asked once: the next referral goes straight to its own check.
    seen: list[type] = []
    errors = on_next_dialog(lambda dialog: (seen.append(type(dialog)), dialog.reject()))
    open_document_preview(None, store, conversation_id, "referral")
    assert not errors and seen == [ReferralCheckDialog]
    assert ask_centre_details(store, None)


def test_each_answer_is_copied_and_recorded_facts_answer_the_form(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    centre_for_referrals(store)
    conclude(store, conversation_id)
    dialog = M1AnswersDialog(store, conversation_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.copy_buttons) == 15
    assert dialog.question_labels[0].text() == "1. Header: Awarding body"
    qtbot.mouseClick(dialog.copy_buttons[0], LEFT)
    assert QGuiApplication.clipboard().text() == "AQA"
    qtbot.mouseClick(dialog.copy_buttons[4], LEFT)
    assert QGuiApplication.clipboard().text() == (
        "Dr Eleri Pritchard; head@glanymor.example; 01632 960 123"
    )
    assert NOT_RECORDED in dialog.answer_labels[14].text()
    dialog.concern_arose.setDate(QDate(2026, 10, 2))
    dialog.info_given.setFocus()
    QTest.keyClick(dialog.info_given, Qt.Key.Key_Down)  # "Yes"
    dialog.ai_tool.setFocus()
    type_text(dialog.ai_tool, "A chatbot")
    qtbot.mouseClick(dialog.save_facts, LEFT)
    assert dialog.answer_labels[1].text() == "Friday 2 October 2026"
    assert dialog.answer_labels[14].text().startswith("Yes")
    qtbot.mouseClick(dialog.copy_buttons[11], LEFT)
    assert QGuiApplication.clipboard().text().startswith("A chatbot")
    with store.transaction() as session:
        facts = referrals.get_facts(session, conversation_id)
    assert facts.concern_arose_on == dt.date(2026, 10, 2)
    assert facts.info_for_candidates_given is True
    assert "Late notification" in dialog.warning.text()


def test_a_staff_statement_is_typed_in_and_named_among_the_witnesses(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    centre_for_referrals(store)
    conclude(store, conversation_id)
    dialog = M1AnswersDialog(store, conversation_id)
    qtbot.addWidget(dialog)

    def type_statement(form: QDialog) -> None:
        assert isinstance(form, StatementDialog)
        assert form.author.text() == "Thị Mai Nguyễn"
        QTest.keyClick(form, Qt.Key.Key_Return)  # no text: refused, nothing saved
        qtbot.waitUntil(lambda: form.error_text("text") != "")  # by the writer
        assert form.isVisible() and form.error_text("text") == "The statement is empty."
        form.kind.setFocus()
        QTest.keyClick(form.kind, Qt.Key.Key_Down)
        assert form.author.text() == ""
        form.author.setFocus()
        type_text(form.author, "Mr Ian Lloyd")
        form.role.setFocus()
        type_text(form.role, "Head of Year 11")
        form.text.setFocus()
        type_text(form.text, "I was present; the record is accurate.")
        QTest.keyClick(form.role, Qt.Key.Key_Return)

    errors = on_next_dialog(type_statement)
    qtbot.mouseClick(dialog.statement_button, LEFT)
    assert not errors
    with store.transaction() as session:
        made = referrals.statements_for(session, conversation_id)
    assert [(s.author, s.role, s.text) for s in made] == [
        ("Mr Ian Lloyd", "Head of Year 11", "I was present; the record is accurate.")
    ]
    assert "Mr Ian Lloyd (Head of Year 11), written statement of" in dialog.answer_labels[8].text()


def test_a_statement_date_is_typed_the_uk_way_and_cannot_be_left_empty(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    form = StatementDialog(store, conversation_id, "Thị Mai Nguyễn", None)
    qtbot.addWidget(form)
    form.show()
    form.text.setFocus()
    type_text(form.text, "I wrote it myself.")
    form.given.edit.setFocus()
    QTest.keyClick(form.given.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(form.given.edit, Qt.Key.Key_Backspace)
    QTest.keyClick(form.role, Qt.Key.Key_Return)
    assert form.isVisible() and form.error_text("given_on")
    with store.transaction() as session:
        assert referrals.statements_for(session, conversation_id) == []
    form.given.edit.setFocus()
    type_text(form.given.edit, "12/10/2026")
    QTest.keyClick(form.role, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())  # saved on the writing thread
    with store.transaction() as session:
        made = referrals.statements_for(session, conversation_id)
    assert [(s.given_on, s.text) for s in made] == [(dt.date(2026, 10, 12), "I wrote it myself.")]


def test_saving_the_notice_from_the_preview_records_the_date_given(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    centre_for_referrals(store)
    conclude(store, conversation_id)
    preview = open_document_preview(None, store, conversation_id, "notice")
    assert isinstance(preview, DocumentPreview)
    qtbot.addWidget(preview)
    assert preview.file_name == f"Notice {conversation_id} - Thị Mai Nguyễn.pdf"
    with store.transaction() as session:
        assert referrals.get_facts(session, conversation_id).notice_given_on is None
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "notice.pdf"), "")
    )
    qtbot.mouseClick(preview.save_button, LEFT)
    with store.transaction() as session:
        assert referrals.get_facts(session, conversation_id).notice_given_on == dt.date.today()
