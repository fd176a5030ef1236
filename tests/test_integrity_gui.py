"""The integrity dialogs, driven as a teacher would: clicks and typing through qtbot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.domain.records import StudentDraft
from app.integrity import amendments, evidence, finalise, signing
from app.paths import AppPaths, resolve_paths
from app.storage import backups, students
from app.storage.database import Database, open_store
from tests.gui_helpers import on_next_message
from tests.integrity_support import conclude, finalised, tamper
from ui.integrity import actions
from ui.integrity.attachments_dialog import AttachmentsDialog
from ui.integrity.backups_dialog import RestoreDialog
from ui.integrity.case_dialogs import ExportCaseDialog, ImportCaseDialog
from ui.integrity.finalise_dialog import AmendDialog, FinaliseDialog
from ui.integrity.timeline_dialog import TimelineDialog
from ui.integrity.verify_dialog import VerifyDialog
from ui.single_instance import InstanceLock

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def case(store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path) -> int:
    finalised(store, conversation_id)
    scan = tmp_path / "in-class writing.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n handwriting")
    with store.transaction() as session:
        evidence.attach(
            session, paths, scan, kind="in_class_writing", conversation_id=conversation_id
        )
    return conversation_id


def _type(qtbot: QtBot, widget: object, text: str) -> None:
    qtbot.keyClicks(widget, text)


def test_verify_runs_off_the_gui_thread_and_shows_the_result(
    qtbot: QtBot, qtmodeltester: object, store: Database, paths: AppPaths, case: int
) -> None:
    dialog = VerifyDialog(store, paths)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    assert dialog.summary.text().startswith("All records verified")
    assert dialog.table.isHidden()
    tamper(paths.database, "DELETE FROM audit_log WHERE id = 4")
    again = VerifyDialog(store, paths)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.outcome is not None, timeout=10_000)
    assert again.summary.text().startswith("1 problem found")
    assert not again.table.isHidden()
    assert again.model.index(0, 1).data() == "audit entry 4"
    qtmodeltester.check(again.model)  # type: ignore[attr-defined]


def test_the_timeline_lists_the_case_and_opens_an_attached_file(
    qtbot: QtBot, qtmodeltester: object, store: Database, paths: AppPaths, case: int
) -> None:
    dialog = TimelineDialog(store, paths, conversation_id=case)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)  # the entries, from the reading thread
    opened: list[QUrl] = []
    dialog.open_url = opened.append
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    last = dialog.model.rowCount() - 1
    assert dialog.model.index(last, 2).data() == "Attached"
    assert "in-class writing.png" in dialog.details.toPlainText()
    assert "SHA-256" in dialog.details.toPlainText()
    qtbot.mouseClick(dialog.open_button, CLICK)
    assert len(opened) == 1 and opened[0].fileName() == "in-class writing.png"
    QTest.keyClick(dialog.table, Qt.Key.Key_Up)
    assert dialog.model.index(last - 1, 2).data() == "Finalised"
    assert "Finalised conversation" in dialog.details.toPlainText()
    assert not dialog.open_button.isEnabled()


def test_adding_and_opening_evidence(
    qtbot: QtBot,
    qtmodeltester: object,
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    tmp_path: Path,
) -> None:
    draft = tmp_path / "first draft.pdf"
    draft.write_bytes(b"%PDF-1.4 the first draft")
    dialog = AttachmentsDialog(store, paths, conversation_id=conversation_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)  # the files attached so far: none
    assert dialog.model.rowCount() == 0
    dialog.choose_file = lambda: str(draft)
    opened: list[QUrl] = []
    dialog.open_url = opened.append
    dialog.kind.setFocus()
    QTest.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.kind.currentText() == "Earlier draft"
    _type(qtbot, dialog.note, "Handed in on paper in September")
    with qtbot.waitSignal(dialog.attached, timeout=10_000):
        qtbot.mouseClick(dialog.add_button, CLICK)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 0).data() == "first draft.pdf"
    assert dialog.model.index(0, 1).data() == "Earlier draft"
    assert "SHA-256" in dialog.status.text()
    with store.transaction() as session:
        (stored,) = evidence.list_for_conversation(session, conversation_id)
    assert stored.note == "Handed in on paper in September"
    qtbot.mouseClick(dialog.open_button, CLICK)
    assert opened[0].fileName() == "first draft.pdf"
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    dialog.choose_file = lambda: str(tmp_path / "gone.pdf")
    # The button comes back when the copy's worker has finished, a moment after "attached".
    qtbot.waitUntil(dialog.add_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(dialog.add_button, CLICK)
    qtbot.waitUntil(lambda: "does not exist" in dialog.status.text(), timeout=10_000)
    assert dialog.model.rowCount() == 1


def test_finalising_from_the_dialog(qtbot: QtBot, store: Database, conversation_id: int) -> None:
    waiting = FinaliseDialog(store, conversation_id)
    qtbot.addWidget(waiting)
    qtbot.waitUntil(lambda: not waiting.loading)  # what it is about, read from the store
    assert not waiting.finalise_button.isEnabled()
    assert "not been concluded" in waiting.explanation.text()
    conclude(store, conversation_id)
    dialog = FinaliseDialog(store, conversation_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.finalise_button.isEnabled()
    with qtbot.waitSignal(dialog.finalised):
        qtbot.mouseClick(dialog.finalise_button, CLICK)
    with store.transaction() as session:
        done = finalise.get(session, conversation_id)
    assert done is not None
    assert dialog.code_label.text().replace(" ", "").endswith(done.content_hash)
    assert dialog.finalise_button.isHidden() and dialog.close_button.text() == "Close"


def test_an_amendment_needs_a_reason(qtbot: QtBot, store: Database, conversation_id: int) -> None:
    finalised(store, conversation_id)
    dialog = AmendDialog(store, conversation_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading)  # the fields, read from the store
    assert dialog.field.currentData() == "outcome.next_step"
    assert dialog.current.toPlainText() == "Refer to the exams officer."
    _type(qtbot, dialog.value, "Referred to the exams officer on 9 October.")
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, CLICK)
    qtbot.waitUntil(lambda: dialog.error_text("reason") != "")  # refused by the writer
    assert dialog.error_text("reason") == "Give the reason for the amendment."
    assert dialog.isVisible()
    _type(qtbot, dialog.reason, "Added the date of the referral.")
    with qtbot.waitSignal(dialog.amended):
        qtbot.mouseClick(save, CLICK)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.transaction() as session:
        (made,) = amendments.list_for(session, conversation_id)
    assert made.reason == "Added the date of the referral."
    assert made.old_value == "Refer to the exams officer."


def test_a_case_goes_out_and_comes_in_through_the_dialogs(
    qtbot: QtBot, store: Database, paths: AppPaths, case: int, tmp_path: Path
) -> None:
    target = tmp_path / "handover.ownwork.zip"
    out = ExportCaseDialog(store, paths, case)
    qtbot.addWidget(out)
    out.show()
    out.file.clear()
    _type(qtbot, out.file, str(target))
    with qtbot.waitSignal(out.exported, timeout=10_000):
        qtbot.mouseClick(out.export_button, CLICK)
    assert target.exists() and "Integrity code of the record" in out.status.text()

    other = resolve_paths(tmp_path / "officer")
    officer = open_store(other, actor="exams officer")
    # The officer has already trusted this teacher's key (asking is tested in
    # tests/test_signed_bundles.py).
    signing.trust(other, signing.own_fingerprint(paths))
    try:
        broken = tmp_path / "broken.zip"
        broken.write_bytes(target.read_bytes()[:-50])
        dialog = ImportCaseDialog(officer, other)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.import_button.isEnabled()
        _type(qtbot, dialog.file, str(broken))
        qtbot.mouseClick(dialog.check_button, CLICK)
        qtbot.waitUntil(lambda: "was not imported" in dialog.status.text(), timeout=10_000)
        assert not dialog.import_button.isEnabled()
        dialog.file.clear()
        _type(qtbot, dialog.file, str(target))
        qtbot.mouseClick(dialog.check_button, CLICK)
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
        assert "Thị Mai Nguyễn" in dialog.summary.text()
        with qtbot.waitSignal(dialog.imported, timeout=10_000) as imported:
            qtbot.mouseClick(dialog.import_button, CLICK)
        assert imported.args is not None and imported.args[0].conversation_id == 1
        assert dialog.status.text().startswith("Imported as conversation 1")
    finally:
        officer.dispose()


def test_restoring_a_backup_brings_back_the_earlier_records(
    qtbot: QtBot, store: Database, paths: AppPaths, conversation_id: int
) -> None:
    assert backups.rotate_daily(paths) is not None
    with store.transaction() as session:
        students.create(session, StudentDraft(surname="Added", forename="Later"))
    dialog = RestoreDialog(store, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.confirm, CLICK)
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.restored) as restored:
        qtbot.mouseClick(dialog.restore_button, CLICK)
    kept = restored.args[0] if restored.args else None
    assert isinstance(kept, Path) and kept.exists()
    with store.transaction() as session:
        assert [s.surname for s in students.page(session, students.ListQuery())] == ["Nguyễn"]


def test_a_tampered_backup_is_restored_only_after_its_problems_are_shown(
    qtbot: QtBot, store: Database, paths: AppPaths, conversation_id: int
) -> None:
    finalised(store, conversation_id)
    made = backups.rotate_daily(paths)
    assert made is not None
    tamper(made, "UPDATE conversation_answers SET student_words = 'All my own work.'")
    with store.transaction() as session:
        students.create(session, StudentDraft(surname="Added", forename="Later"))
    dialog = RestoreDialog(store, paths)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.confirm, CLICK)
    qtbot.mouseClick(dialog.restore_button, CLICK)
    assert "Verify found 1 problem(s)" in dialog.status.text()
    assert f"conversation {conversation_id}: Was changed after it was finalised" in (
        dialog.status.text()
    )
    with store.transaction() as session:
        assert len(students.page(session, students.ListQuery())) == 2  # nothing restored yet
    with qtbot.waitSignal(dialog.restored):
        qtbot.mouseClick(dialog.restore_button, CLICK)
    with store.transaction() as session:
        assert [s.surname for s in students.page(session, students.ListQuery())] == ["Nguyễn"]


def test_menu_actions_open_dialogs_or_explain(
    qtbot: QtBot, store: Database, paths: AppPaths, conversation_id: int
) -> None:
    dialog = actions.run_verify(None, store, paths)
    assert isinstance(dialog, VerifyDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10_000)
    dialog.close()
    seen: list[str] = []

    errors = on_next_message(seen)
    # The form opens at once; reading what can be amended is refused, said, and it closes.
    opened = actions.amend_conversation(None, store, conversation_id)
    assert opened is not None
    qtbot.waitUntil(lambda: bool(seen) or bool(errors))
    assert not errors and "has not been concluded" in seen[0]
    qtbot.waitUntil(lambda: not shiboken6.isValid(opened) or not opened.isVisible())


def test_a_second_copy_on_the_same_data_folder_is_refused(paths: AppPaths) -> None:
    first = InstanceLock(paths)
    assert first.acquire()
    second = InstanceLock(paths)
    assert not second.acquire(timeout_ms=50)
    message = second.message()
    assert str(paths.data_dir) in message and f"process {os.getpid()}" in message
    first.release()
    assert second.acquire()
    second.release()


def test_a_lock_left_by_a_killed_copy_is_taken_over(paths: AppPaths) -> None:
    code = (
        "import sys, time\n"
        "from PySide6.QtCore import QLockFile\n"
        f"lock = QLockFile({str(paths.data_dir / '.ownwork.lock')!r})\n"
        "assert lock.tryLock(1000)\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    lock = InstanceLock(paths)
    assert not lock.acquire(timeout_ms=50)
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    time.sleep(0.05)
    assert lock.acquire()
    lock.release()
