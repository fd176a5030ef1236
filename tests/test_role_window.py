"""The window shows each role what it may use (issue 20): the lists, menus and actions of a
teacher, an exams officer, a head of department, a senior leader, a data protection officer
and an IT administrator, driven with the keys a member of staff would press.

The store is opened by the test (a superuser on a server); the window acts as the principal
the store is told it was opened by, as ``open_url`` sets it from the server's session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from app.domain.principal import Principal
from app.paths import AppPaths
from app.services import sharing
from app.storage.database import Database
from tests.access_support import (
    DPO,
    EXAMS_OFFICER,
    HEAD_OF_HISTORY,
    IT_ADMIN,
    OKAFOR,
    PATEL,
    SENIOR_LEADER,
    School,
    make_school,
)
from tests.gui_helpers import on_next_dialog, on_next_message, type_text, wait_listed
from ui.keyboard_map import window_keys
from ui.main_window import MainWindow


@pytest.fixture
def school(store: Database) -> School:
    if store.server is not None:
        # ``ownwork server init`` makes the view the statistics are read from on a server.
        from app.storage import statistics as counting

        with store.engine.begin() as connection:
            counting.create_view(connection)
    return make_school(store)


OpenAs = Callable[[Principal], MainWindow]

pytestmark = pytest.mark.both_stores


@pytest.fixture
def open_as(store: Database, paths: AppPaths, qtbot: QtBot) -> Iterator[OpenAs]:
    opened = store.principal

    def make(principal: Principal) -> MainWindow:
        store.principal = principal
        window = MainWindow(store, paths)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        wait_listed(qtbot, window)
        return window

    yield make
    store.principal = opened


def _tabs(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())]


def _visible_menu_items(window: MainWindow) -> set[str]:
    return {path for _keys, path in window_keys(window)}


def _menus(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions() if a.isVisible()]


def _shortcut(
    window: MainWindow, qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, key, modifiers)


CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def _hand_on_with_keys(
    window: MainWindow, qtbot: QtBot, store: Database, key: Qt.Key, text: str, done: str
) -> bool:
    """Press Ctrl+Alt+``key``, type ``text`` into the question and confirm.  On the personal
    store the refusal must be a sentence (False); on a server, ``done`` in the status bar."""

    def answer(dialog: object) -> None:
        assert isinstance(dialog, QInputDialog)
        type_text(dialog.focusWidget(), text)
        dialog.accept()

    errors = on_next_dialog(answer)
    _shortcut(window, qtbot, key, CTRL_ALT)
    if store.server is None:
        seen: list[str] = []
        message_errors = on_next_message(seen)
        qtbot.waitUntil(lambda: bool(seen) or bool(message_errors))
        assert not errors and "only on the school's server" in seen[0]
        return False
    qtbot.waitUntil(lambda: done in window.statusBar().currentMessage())
    assert not errors
    return True


def test_a_teacher_sees_the_three_lists_with_only_their_conversations(
    open_as: OpenAs, school: School, qtbot: QtBot
) -> None:
    window = open_as(OKAFOR)
    assert _tabs(window) == ["Students", "Submissions", "Conversations"]
    _shortcut(window, qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.conversations
    wait_listed(qtbot, window)
    assert window.conversations.model.rowCount() == 1
    assert window.conversations.model.record(0).id == school.okafor_concerns
    items = _visible_menu_items(window)
    assert "Case › Pass on to the exams officer…" in items
    assert "Case › Share with a colleague…" in items
    assert "Case › Write a review note…" not in items
    assert "View › Waiting" not in items and "View › Statistics" not in items
    assert "Records › New student…" in items


def test_an_exams_officer_sees_what_waits_for_them_and_the_counts(
    open_as: OpenAs, school: School, store: Database, qtbot: QtBot
) -> None:
    if store.server is not None:
        sharing.pass_on(PATEL, store, school.patel_concluded)
    window = open_as(EXAMS_OFFICER)
    assert _tabs(window) == [
        "Students",
        "Submissions",
        "Conversations",
        "Waiting",
        "Statistics",
    ]
    waiting = window.pane_of("waiting")
    expected = [school.patel_concluded] if store.server is not None else []
    qtbot.waitUntil(lambda: not waiting.model.loading)
    window.show_kind("waiting")
    qtbot.waitUntil(lambda: not waiting.model.loading)
    assert [waiting.model.record(r).id for r in range(waiting.model.rowCount())] == expected
    items = _visible_menu_items(window)
    assert "Records › New student…" not in items  # reads, does not keep, records
    assert "Case › Finalise the record…" not in items
    assert "Case › Pass on to the exams officer…" not in items
    assert "Documents › Referral pack for form M1…" in items
    # Ctrl+Alt+1 shows the counts.
    _shortcut(window, qtbot, Qt.Key.Key_1, CTRL_ALT)
    statistics = window.page_of("statistics")
    assert window.tabs.currentWidget() is statistics
    qtbot.waitUntil(lambda: statistics.table.rowCount() == 2)


def test_a_senior_leader_sees_counts_only_no_names_and_no_documents(
    open_as: OpenAs, school: School, store: Database, qtbot: QtBot
) -> None:
    window = open_as(SENIOR_LEADER)
    assert _tabs(window) == ["Statistics"]
    assert window.panes() == []
    assert _menus(window) == ["File", "View", "Help"]
    statistics = window.page_of("statistics")
    qtbot.waitUntil(lambda: statistics.table.rowCount() == 2)
    shown = " ".join(
        statistics.table.item(r, c).text()
        for r in range(statistics.table.rowCount())
        for c in range(statistics.table.columnCount())
    )
    assert "GCSE History" in shown
    for name in ("Nguyen", "Reid", "Okafor", "Patel"):
        assert name not in shown
    # Keys meant for lists do nothing here; the window stays on the counts.
    _shortcut(window, qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    _shortcut(window, qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is statistics
    assert QApplication.activeModalWidget() is None


def test_an_it_administrator_sees_no_records_and_is_told_where_their_work_is(
    open_as: OpenAs, school: School
) -> None:
    window = open_as(IT_ADMIN)
    assert _tabs(window) == ["Looking after the records"]
    text = window.page_of("store_care").text.text()
    assert "ownwork server add-staff" in text and "no student" in text
    assert "Documents" not in _menus(window) and "Case" not in _menus(window)


def test_a_dpo_opens_one_students_records_with_a_reason(
    open_as: OpenAs, school: School, qtbot: QtBot
) -> None:
    window = open_as(DPO)
    assert _tabs(window) == ["Subject access"]
    page = window.page_of("subject_access")
    # No reason: refused in a sentence, nothing shown.
    page.student.setValue(school.mai)
    seen: list[str] = []
    errors = on_next_message(seen)
    page.student.setFocus()
    QTest.keyClick(page.open_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(seen) or bool(errors))
    assert not errors and "Give the reason" in seen[0]
    page.reason.setFocus()
    type_text(page.reason, "SAR 7")
    QTest.keyClick(page.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Mai Nguyen" in page.result.toPlainText())
    assert "GCSE History" in page.result.toPlainText()
    assert "Reid" not in page.result.toPlainText()


def test_a_head_of_department_reads_their_departments_list_and_writes_a_review_note(
    open_as: OpenAs, school: School, store: Database, qtbot: QtBot
) -> None:
    window = open_as(HEAD_OF_HISTORY)
    window.show_kind("conversations")
    wait_listed(qtbot, window)
    assert [
        window.conversations.model.record(r).id
        for r in range(window.conversations.model.rowCount())
    ] == [school.okafor_concerns]
    items = _visible_menu_items(window)
    assert "Case › Write a review note…" in items
    assert "Records › Edit details…" not in items and "Case › Finalise the record…" not in items
    QTest.keyClick(window.conversations.search, Qt.Key.Key_Return)  # into the list
    assert window.conversations.current_record().id == school.okafor_concerns

    text = "The questions were neutral."
    if not _hand_on_with_keys(window, qtbot, store, Qt.Key.Key_W, text, "review note was kept"):
        return
    [note] = sharing.review_notes(HEAD_OF_HISTORY, store, school.okafor_concerns)
    assert note.text == "The questions were neutral."


def test_a_teacher_passes_a_concluded_case_on_from_the_case_menu(
    open_as: OpenAs, school: School, store: Database, qtbot: QtBot
) -> None:
    window = open_as(PATEL)
    window.show_kind("conversations")
    wait_listed(qtbot, window)
    table = window.conversations
    QTest.keyClick(table.search, Qt.Key.Key_Return)
    rows = [table.model.record(r).id for r in range(table.model.rowCount())]
    # Down to the concluded one.
    for _ in range(rows.index(school.patel_concluded)):
        QTest.keyClick(table.table, Qt.Key.Key_Down)
    assert table.current_record().id == school.patel_concluded

    done = "passed to the exams officer"
    if not _hand_on_with_keys(window, qtbot, store, Qt.Key.Key_P, "Sources look copied", done):
        return
    [passed] = sharing.waiting(EXAMS_OFFICER, store)
    assert passed.id == school.patel_concluded
    [share] = sharing.shares(PATEL, store, school.patel_concluded)
    assert share.note == "Sources look copied" and share.by_login == "r.patel"


def test_only_the_roles_keys_are_in_the_keyboard_map(open_as: OpenAs, school: School) -> None:
    keys = {path: k for k, path in window_keys(open_as(SENIOR_LEADER))}
    assert "View › Statistics" in keys
    assert not any(path.startswith(("Case", "Documents")) for path in keys)
