"""What a member of staff in each role meets in the window, checked as a screen reader and a
keyboard see it (issue 20's pages, looked at in docs/images/roles-*.png): every control that
takes the focus has an accessible name; Case › Pass on / Share / Write a review note name the
case they act on and say on their button what they do, and Share and a review note keep the
button off until something is typed; the Waiting list shows who passed a case on, and its
filter finds a case by candidate number and title as its placeholder says."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.domain.principal import Principal
from app.domain.records import Student, StudentDraft
from app.services import sharing
from app.storage.database import Database
from tests.access_support import (
    DPO,
    EXAMS_OFFICER,
    IT_ADMIN,
    PATEL,
    SENIOR_LEADER,
    School,
)
from tests.gui_helpers import on_next_dialog, type_text, wait_listed
from tests.test_role_window import open_as, school  # noqa: F401 - fixtures
from ui.hand_on_dialog import HandOnDialog
from ui.main_window import MainWindow
from ui.role_pages import ROLE_PAGES

OpenAs = Callable[[Principal], MainWindow]

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def unnamed_controls(root: QWidget) -> list[str]:
    """The controls under ``root`` a keyboard reaches that a screen reader could not name
    (a spin box's or a combo box's own line edit speaks for its box)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget.parent(), QAbstractSpinBox | QComboBox):
            continue
        if not widget.isVisibleTo(root) or widget.accessibleName().strip():
            continue
        found.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return found


@pytest.mark.both_stores
@pytest.mark.parametrize(
    "principal", [SENIOR_LEADER, DPO, IT_ADMIN, EXAMS_OFFICER], ids=lambda p: p.name
)
def test_every_control_on_a_roles_pages_has_a_name(
    open_as: OpenAs,  # noqa: F811
    school: School,  # noqa: F811
    principal: Principal,
) -> None:
    window = open_as(principal)
    pages = []
    for role_page in ROLE_PAGES:
        try:
            pages.append(window.page_of(role_page.key))
        except KeyError:
            continue  # not this role's
    assert pages, "each of these roles has a page of its own"
    for page in pages:
        page.activate()
        assert page.accessibleName()
        assert unnamed_controls(page) == [], page.accessibleName()


def _answer(window: MainWindow, qtbot: QtBot, act: Callable[[HandOnDialog], None]) -> None:
    def check(dialog: QDialog) -> None:
        assert isinstance(dialog, HandOnDialog)
        act(dialog)

    errors = on_next_dialog(check)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | ALT)
    assert not errors, errors


ALT = Qt.KeyboardModifier.AltModifier


@pytest.mark.both_stores
def test_share_names_the_case_and_waits_for_a_login_typed(
    open_as: OpenAs,  # noqa: F811
    school: School,  # noqa: F811
    store: Database,
    qtbot: QtBot,
) -> None:
    window = open_as(PATEL)
    window.show_kind("conversations")
    wait_listed(qtbot, window)
    QTest.keyClick(window.conversations.search, Qt.Key.Key_Return)  # into the list
    case = window.conversations.current_record()
    seen: dict[str, object] = {}

    def look(dialog: HandOnDialog) -> None:
        seen["label"] = dialog.labelText()
        seen["button"] = dialog.accept_button.text()
        seen["off while empty"] = not dialog.accept_button.isEnabled()
        assert unnamed_controls(dialog) == []
        type_text(dialog.focusWidget(), "h.jones")
        seen["on once typed"] = dialog.accept_button.isEnabled()
        seen["field"] = dialog.focusWidget().accessibleName()
        dialog.reject()

    _answer(window, qtbot, look)
    assert case.student_name in str(seen["label"]) and case.qualification in str(seen["label"])
    assert str(seen["button"]).replace("&", "") == "Share"
    assert seen["off while empty"] and seen["on once typed"]
    assert seen["field"] == "Colleague's login"
    if store.server is not None:  # cancelled: nothing was shared
        assert sharing.shares(PATEL, store, case.id) == []


def test_a_review_note_keeps_its_button_off_until_written(qtbot: QtBot) -> None:
    import datetime as dt

    from app.domain.records import Conversation

    case = Conversation(
        id=7,
        submission_id=3,
        held_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC),
        student_name="Mai Nguyen",
        candidate_number="4127",
        qualification="GCSE History",
        submission_title="The Treaty of Versailles",
    )
    dialog = HandOnDialog(
        None,
        title="Write a review note",
        case=case,
        question="Your review note:",
        accept_text="&Keep the note",
        field_name="Review note",
        lines=True,
        required=True,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "Mai Nguyen (4127), GCSE History – The Treaty of Versailles" in dialog.labelText()
    assert isinstance(dialog.field, QPlainTextEdit) and dialog.focusWidget() is dialog.field
    assert not dialog.accept_button.isEnabled()
    QTest.keyClicks(dialog.field, "   ")
    assert not dialog.accept_button.isEnabled()  # spaces are not a note
    QTest.keyClicks(dialog.field, "Neutral questions throughout.")
    assert dialog.accept_button.isEnabled()
    assert unnamed_controls(dialog) == []


@pytest.mark.parametrize("store_kind", ["postgresql"])
def test_the_waiting_list_says_who_passed_a_case_on_and_finds_it_by_candidate_number(
    open_as: OpenAs,  # noqa: F811
    school: School,  # noqa: F811
    store: Database,
    qtbot: QtBot,
) -> None:
    from app.services import records

    tom = records.get_student(store.principal, store, school.tom)
    records.change_student(
        store.principal, store, tom.id, _with_candidate(tom, "4188"), version=tom.version
    )
    sharing.pass_on(PATEL, store, school.patel_concluded, note="Sources look copied")
    window = open_as(EXAMS_OFFICER)
    window.show_kind("waiting")
    waiting = window.pane_of("waiting")
    qtbot.waitUntil(lambda: not waiting.model.loading and waiting.model.rowCount() == 1)
    QTest.keyClick(waiting.search, Qt.Key.Key_Return)  # into the list: the details are read
    qtbot.waitUntil(lambda: "Passed on by r.patel" in waiting.detail.toPlainText())
    assert "Sources look copied" in waiting.detail.toPlainText()

    waiting.search.setFocus()
    type_text(waiting.search, "4188")
    qtbot.waitUntil(lambda: not waiting.model.loading)
    assert waiting.model.rowCount() == 1
    waiting.search.clear()
    type_text(waiting.search, "4999")
    qtbot.waitUntil(lambda: not waiting.model.loading and waiting.model.rowCount() == 0)


def _with_candidate(student: Student, number: str) -> StudentDraft:
    from dataclasses import fields

    values = {f.name: getattr(student, f.name) for f in fields(StudentDraft)}
    return StudentDraft(**{**values, "candidate_number": number})
