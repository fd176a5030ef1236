"""Names sort as people expect and as the search matches: surname then forename, case and
accents ignored, in the database's own order (an index), in every list that sorts by name."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from app.domain.list_query import ListQuery
from app.domain.records import ConversationDraft, StaffDraft, StudentDraft, SubmissionDraft
from app.domain.text import name_sort_key
from app.paths import AppPaths
from app.storage import conversations, staff, students, submissions
from app.storage.database import Database
from tests.gui_helpers import wait_listed
from ui.main_window import MainWindow

# In the order a teacher expects them.
EXPECTED = [
    ("Łapiński", "Ola"),
    ("O'Brien", "Siobhán"),
    ("Ødegård", "Zoë"),
    ("São João", "Maria"),
    ("Smith", "Amy"),
    ("smith", "Ben"),
    ("Smith-Jones", "Dan"),  # "smith jones" before "smith jr": punctuation separates words
    ("Smith, Jr.", "Carl"),
    ("Smithson", "Al"),
    ("Zhou", "Wei"),
]


def _fill(store: Database) -> None:
    with store.transaction() as session:
        lead = staff.create(session, StaffDraft(name="Ms Okafor"))
        for surname, forename in reversed(EXPECTED):
            student = students.create(session, StudentDraft(surname=surname, forename=forename))
            submission = submissions.create(
                session,
                SubmissionDraft(
                    student_id=student.id, awarding_body="AQA", qualification="GCSE History"
                ),
            )
            conversations.create(
                session,
                ConversationDraft(
                    submission_id=submission.id,
                    held_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
                    led_by_id=lead.id,
                ),
            )


def test_the_sort_key_ignores_case_and_accents_and_puts_the_surname_first() -> None:
    assert name_sort_key("São João", "Maria") < name_sort_key("Smith, Jr.", "Carl")
    assert name_sort_key("Smith", "Zoë") < name_sort_key("Smithson", "Al")
    assert name_sort_key("ŁAPIŃSKI", "Ola") == name_sort_key("lapinski", "ola")


def test_every_list_sorts_names_as_expected(store: Database) -> None:
    _fill(store)
    with store.transaction() as session:
        by_student = students.page(session, ListQuery(sort="name"))
        by_submission = submissions.page(session, ListQuery(sort="student"))
        by_conversation = conversations.page(session, ListQuery(sort="student"))
        reverse = students.page(session, ListQuery(sort="name", descending=True))
    assert [(s.surname, s.forename) for s in by_student] == EXPECTED
    assert [s.student_name for s in by_submission] == [f"{f} {s}" for s, f in EXPECTED]
    assert [c.student_name for c in by_conversation] == [f"{f} {s}" for s, f in EXPECTED]
    assert [(s.surname, s.forename) for s in reverse] == EXPECTED[::-1]


def test_a_renamed_student_moves_to_the_new_place(store: Database) -> None:
    _fill(store)
    with store.transaction() as session:
        zhou = students.page(session, ListQuery(search="zhou"))[0]
        students.update(session, zhou.id, StudentDraft(surname="Adeyemi", forename="Wei"))
        first = students.page(session, ListQuery(sort="name", limit=1))[0]
    assert first.surname == "Adeyemi"


def test_sorting_the_list_by_name_from_the_keyboard(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    _fill(store)
    window = MainWindow(store, paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    wait_listed(qtbot, window)
    model = window.students.model
    # The list opens sorted by name; View › Sort the list by › 1 (Surname) reverses it.
    assert [model.record(r).surname for r in range(model.rowCount())] == [s for s, _ in EXPECTED]
    QTest.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    for letter in (Qt.Key.Key_O, Qt.Key.Key_1):
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        QTest.keyClick(QApplication.activePopupWidget(), letter)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    wait_listed(qtbot, window)
    surnames = [model.record(r).surname for r in range(model.rowCount())]
    assert surnames == [s for s, _ in reversed(EXPECTED)]
