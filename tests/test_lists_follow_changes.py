"""The lists read themselves again when a use case reports a change to what they show, keeping
the record selected; nobody reloads a list by hand."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from app.domain.records import Centre, StudentDraft, SubmissionDraft
from app.paths import AppPaths
from app.services import records
from app.storage.database import Database
from tests.gui_helpers import wait_listed
from ui.main_window import MainWindow
from ui.operation import Runner


def _window(qtbot: QtBot, store: Database, paths: AppPaths) -> MainWindow:
    main = MainWindow(store, paths)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    wait_listed(qtbot, main)
    return main


def test_a_student_added_elsewhere_appears_once_announced_and_the_selection_stays(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    principal = store.principal
    first = records.add_student(
        principal, store, StudentDraft(surname="Wójcik", forename="Łukasz", candidate_number="1")
    ).value
    window = _window(qtbot, store, paths)
    window.students.select_where(lambda s: s.id == first.id)
    added = records.add_student(
        principal, store, StudentDraft(surname="Adeyemi", forename="Tolu", candidate_number="2")
    )
    assert window.students.model.rowCount() == 1  # not read again until told
    Runner.instance().announce(added.changes)
    qtbot.waitUntil(lambda: window.students.model.rowCount() == 2)
    assert window.students.current_record().id == first.id


def test_a_renamed_student_is_shown_in_the_submissions_list_but_a_centre_change_reads_nothing(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    principal = store.principal
    student = records.add_student(
        principal, store, StudentDraft(surname="Okafor", forename="Ada", candidate_number="3")
    ).value
    records.add_submission(
        principal,
        store,
        SubmissionDraft(
            student_id=student.id,
            awarding_body="AQA",
            qualification="A level History",
            handed_in_on=dt.date(2026, 3, 12),
        ),
    )
    window = _window(qtbot, store, paths)
    window.tabs.setCurrentWidget(window.submissions)
    qtbot.waitUntil(lambda: window.submissions.model.rowCount() == 1)
    reads: list[str] = []
    window.submissions.model.modelReset.connect(lambda: reads.append("read"))
    Runner.instance().announce(
        records.set_centre(principal, store, Centre(name="Hillside")).changes
    )
    assert not window.submissions.model.loading  # no read was even asked for
    assert reads == []
    renamed = records.change_student(
        principal,
        store,
        student.id,
        StudentDraft(surname="Okafor-Lee", forename="Ada", candidate_number="3"),
    )
    Runner.instance().announce(renamed.changes)
    assert window.submissions.model.loading
    qtbot.waitUntil(lambda: reads == ["read"])
    shown = window.submissions.model.record(0)
    assert shown is not None and shown.student_name == "Ada Okafor-Lee"
