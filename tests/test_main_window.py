"""The main window as a teacher uses it: keyboard shortcuts, dialogs, filtering."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.domain.records import StudentDraft
from app.paths import AppPaths
from app.storage import conversations, students, submissions
from app.storage.database import Database
from app.storage.listing import ListQuery
from tests.gui_helpers import on_next_dialog, type_text, wait_listed
from ui.dialogs.conversation_dialog import ConversationDialog
from ui.dialogs.student_dialog import StudentDialog
from ui.dialogs.submission_dialog import SubmissionDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, store: Database, paths: AppPaths) -> MainWindow:
    main = MainWindow(store, paths)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    wait_listed(qtbot, main)
    return main


def _press(
    widget: object, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QTest.keyClick(widget, key, modifiers)  # type: ignore[arg-type]


def _shortcut(
    window: MainWindow, qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> None:
    """Press a window shortcut; offscreen, activation after a closed dialog is not automatic."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _press(window, key, modifiers)


def test_create_student_submission_and_conversation_by_keyboard(
    window: MainWindow, qtbot: QtBot, store: Database
) -> None:
    def fill_student(dialog: QDialog) -> None:
        assert isinstance(dialog, StudentDialog)
        # Save with the surname missing: the message appears beside the field.
        type_text(dialog.forename, "Zoë")
        qtbot.keyClicks(dialog.candidate_number, "7")
        _press(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.error_text("surname") != "")  # refused by the writer
        assert dialog.isVisible()
        assert dialog.error_text("surname") == "Surname is required."
        assert dialog.focusWidget() is dialog.surname
        type_text(dialog.surname, "Ødegård")
        # On through the form with Tab, as a keyboard user would.
        for expected, text in (
            (dialog.forename, None),
            (dialog.candidate_number, None),
            (dialog.upn, "a123456789012"),
            (dialog.reg_group, "11B"),
            (dialog.year_group, "11"),
        ):
            _press(dialog.focusWidget(), Qt.Key.Key_Tab)
            focused = dialog.focusWidget()
            assert focused is expected or focused.parent() is expected
            if text:
                qtbot.keyClicks(focused, text)
        _press(dialog, Qt.Key.Key_Return)

    errors = on_next_dialog(fill_student)
    _shortcut(
        window,
        qtbot,
        Qt.Key.Key_1,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not errors, errors
    with store.transaction() as session:
        [student] = students.page(session, ListQuery())
    assert (
        student.surname,
        student.forename,
        student.candidate_number,
        student.upn,
        student.year_group,
    ) == ("Ødegård", "Zoë", "0007", "A123456789012", 11)
    qtbot.waitUntil(lambda: window.students.current_record() == student)

    def fill_submission(dialog: QDialog) -> None:
        assert isinstance(dialog, SubmissionDialog)
        assert dialog.student.currentData() == student.id  # preselected from the list
        qtbot.keyClicks(dialog.qualification, "A level Geography")
        qtbot.keyClicks(dialog.title, "Microclimates of the school site")
        dialog.declaration_signed.setFocus()
        _press(dialog.declaration_signed, Qt.Key.Key_Space)
        assert dialog.declaration_signed_on.isEnabled()
        _press(dialog.declaration_signed, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.declaration_signed_on.edit
        qtbot.keyClicks(dialog.focusWidget(), dt.date.today().strftime("%d%m%Y"))
        _press(dialog, Qt.Key.Key_Return)

    errors = on_next_dialog(fill_submission)
    _shortcut(
        window,
        qtbot,
        Qt.Key.Key_2,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not errors, errors
    with store.transaction() as session:
        [submission] = submissions.page(session, ListQuery())
    assert submission.declaration_signed and submission.declaration_signed_on == dt.date.today()
    assert window.tabs.currentWidget() is window.submissions
    qtbot.waitUntil(lambda: window.submissions.current_record() == submission)  # shown, chosen

    def fill_conversation(dialog: QDialog) -> None:
        assert isinstance(dialog, ConversationDialog)
        assert dialog.submission.currentData() == submission.id
        dialog.led_by.setFocus()
        dialog.led_by.lineEdit().selectAll()
        qtbot.keyClicks(dialog.led_by, "Mr J. Fairweather")
        qtbot.keyClicks(dialog.others_present, "Learning support assistant")
        _press(dialog, Qt.Key.Key_Return)

    errors = on_next_dialog(fill_conversation)
    _shortcut(
        window,
        qtbot,
        Qt.Key.Key_3,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not errors, errors
    with store.transaction() as session:
        [conversation] = conversations.page(session, ListQuery())
    assert conversation.led_by_name == "Mr J. Fairweather"
    assert conversation.others_present == "Learning support assistant"
    qtbot.waitUntil(lambda: window.conversations.model.rowCount() == 1)
    qtbot.waitUntil(lambda: "Ødegård" in window.conversations.detail.toPlainText())


def test_type_to_filter(window: MainWindow, qtbot: QtBot, store: Database) -> None:
    with store.transaction() as session:
        for surname, forename in (
            ("Wójcik", "Łukasz"),
            ("O'Brien", "Siobhán"),
            ("Nguyễn", "Thị Mai"),
            ("Smith", "Oliver"),
        ):
            students.create(session, StudentDraft(surname=surname, forename=forename))
    window.reload_all()
    wait_listed(qtbot, window)
    assert window.students.model.rowCount() == 4
    _press(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.students.search
    qtbot.keyClicks(window.students.search, "lukasz")
    qtbot.waitUntil(lambda: window.students.model.rowCount() == 1)
    assert window.students.count.text() == "1 record"
    window.students.search.clear()
    qtbot.keyClicks(window.students.search, "obrien")
    qtbot.waitUntil(lambda: window.students.model.record(0).surname == "O'Brien")
    _press(window.students.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.students.table
    qtbot.waitUntil(lambda: "Siobhán" in window.students.detail.toPlainText())


def test_sorting_by_clicking_a_header(window: MainWindow, qtbot: QtBot, store: Database) -> None:
    with store.transaction() as session:
        for number, surname in (("0003", "Adams"), ("0001", "Cole"), ("0002", "Brown")):
            students.create(
                session, StudentDraft(surname=surname, forename="A", candidate_number=number)
            )
    window.reload_all()
    wait_listed(qtbot, window)
    header = window.students.table.horizontalHeader()
    x = header.sectionViewportPosition(2) + 5
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().topLeft().__class__(x, 5)
    )
    model = window.students.model
    wait_listed(qtbot, window)
    numbers = [model.record(r).candidate_number for r in range(model.rowCount())]
    assert numbers in (["0001", "0002", "0003"], ["0003", "0002", "0001"])
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().topLeft().__class__(x, 5)
    )
    wait_listed(qtbot, window)
    again = [model.record(r).candidate_number for r in range(model.rowCount())]
    assert again == list(reversed(numbers))


def test_models_pass_the_model_tester(
    window: MainWindow, qtbot: QtBot, qtmodeltester: object, conversation_id: int
) -> None:
    window.reload_all()
    wait_listed(qtbot, window)
    for pane in window.panes():
        qtmodeltester.check(pane.model)  # type: ignore[attr-defined]


def test_window_remembers_its_size_and_splitters(
    qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    first = MainWindow(store, paths)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 560)  # the offscreen screen is 800x600
    first.conversations.splitter.setSizes([400, 300])
    sizes = first.conversations.splitter.sizes()
    first.close()
    second = MainWindow(store, paths)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (760, 560)
    assert second.conversations.splitter.sizes() == sizes


def test_large_demo_list_loads_in_windows(qtbot: QtBot, paths: AppPaths) -> None:
    from app.demo.seed import seed_demo
    from app.storage.database import open_store

    store = open_store(paths)
    seed_demo(store, students=450, conversations=0)
    main = MainWindow(store, paths)
    qtbot.addWidget(main)
    model = main.students.model
    qtbot.waitUntil(lambda: model.rowCount() == 200)
    qtbot.waitUntil(lambda: model.total == 450)  # counted in the background
    assert model.canFetchMore()
    main.show()
    main.students.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 400)
    store.dispose()


def _smoke(data_dir: Path, smoke: str = "--smoke") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OWNWORK_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", smoke],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_smoke_start_paints_the_window_before_the_store_is_created(tmp_path: Path) -> None:
    result = _smoke(tmp_path / "fresh")
    assert result.returncode == 0, result.stderr
    # The quick checks made the folder; the store is opened only after the first paint.
    assert (tmp_path / "fresh").is_dir()
    assert not (tmp_path / "fresh" / "ownwork.sqlite3").exists()


def test_smoke_listed_creates_the_store_and_lists_it(tmp_path: Path) -> None:
    result = _smoke(tmp_path / "fresh", "--smoke=listed")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fresh" / "ownwork.sqlite3").exists()


def test_an_unknown_smoke_mode_is_one_clear_line(tmp_path: Path) -> None:
    result = _smoke(tmp_path / "fresh", "--smoke=sideways")
    assert result.returncode == 2
    assert "invalid choice: 'sideways'" in result.stderr and "Traceback" not in result.stderr


def test_smoke_start_on_a_broken_database_fails_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "ownwork.sqlite3").write_bytes(b"\x00" * 64)
    result = _smoke(folder)
    assert result.returncode == 1
    assert "not an OwnWork database" in result.stderr and "Traceback" not in result.stderr
    assert (folder / "ownwork.sqlite3").read_bytes() == b"\x00" * 64


def test_restore_from_the_file_menu_replaces_the_records_and_keeps_the_old_ones(
    window: MainWindow, qtbot: QtBot, store: Database, paths: AppPaths
) -> None:
    import sqlite3

    from app.storage.backups import backup_to

    with store.transaction() as session:
        students.create(session, StudentDraft(surname="Kept", forename="In backup"))
    backup_to(paths, paths.backups_dir / "before.sqlite3")
    with store.transaction() as session:
        students.create(session, StudentDraft(surname="Added", forename="Later"))
    window.reload_all()
    wait_listed(qtbot, window)
    assert window.students.model.rowCount() == 2
    window.restore()
    dialog = QApplication.activeModalWidget() or next(
        w
        for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "RestoreDialog" and w.isVisible()
    )
    row = next(
        r
        for r in range(dialog.model.rowCount())
        if dialog.model.index(r, 3).data() == "before.sqlite3"
    )
    dialog.table.selectRow(row)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    wait_listed(qtbot, window)
    assert [
        window.students.model.record(r).surname for r in range(window.students.model.rowCount())
    ] == ["Kept"]
    [kept] = list(paths.backups_dir.glob("replaced-*.sqlite3"))
    with sqlite3.connect(kept) as old:
        assert old.execute("SELECT count(*) FROM students").fetchone() == (2,)
    dialog.close()


def test_enter_on_a_conversation_opens_its_walk_through_once(
    window: MainWindow, qtbot: QtBot, conversation_id: int
) -> None:
    from ui.interview.window import InterviewWindow

    window.reload_all()
    wait_listed(qtbot, window)
    window.show_tab(2)
    wait_listed(qtbot, window)
    _press(window.conversations.search, Qt.Key.Key_Return)  # into the list, first row
    assert window.conversations.current_record().id == conversation_id
    _press(window.conversations.table, Qt.Key.Key_Return)
    opened = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, InterviewWindow) and w.isVisible()
    ]
    assert len(opened) == 1
    _shortcut(window, qtbot, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    again = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, InterviewWindow) and w.isVisible()
    ]
    assert again == opened
    opened[0].close()
    qtbot.waitUntil(lambda: conversation_id not in window._interviews)
