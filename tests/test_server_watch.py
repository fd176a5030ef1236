"""The main window's watch on the store (ui/server_away.py): journals left by a crash are
replayed at start-up without opening their conversation, and what the record would no longer
take is kept on this computer and named in the banner, with what to do about it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.domain.records import Conclusion
from app.integrity import finalise
from app.paths import resolve_paths
from app.services import Database
from app.services.interviews import Change
from app.services.journal import FOLDER, NOT_SAVED, Journal, pending
from app.storage import case_files, interviews
from tests.test_interview_window import begun
from ui.main_window import MainWindow
from ui.server_away import ServerWatch

SCREENSHOTS = os.environ.get("OWNWORK_SCREENSHOTS")


def words(answer_id: int, typed: str) -> Change:
    return Change("update_answer", (answer_id,), {"student_words": typed})


@pytest.mark.expect_log("refused on replay")
def test_a_journal_the_record_no_longer_takes_is_kept_and_the_banner_says_where_and_what_to_do(
    qtbot: QtBot, store: Database, conversation_id: int, tmp_path: Path
) -> None:
    begun(store, conversation_id)
    with store.transaction() as session:
        answer_id = case_files.load_content(session, conversation_id).answers[0].id or 0
    data_dir = tmp_path / "data"
    journal = Journal.for_conversation(data_dir / FOLDER, store, conversation_id)
    journal.append([words(answer_id, "typed while the server was away")])
    with store.transaction() as session:
        interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.SATISFIED,
            student_account="",
            next_step="",
        )
        finalise.finalise(session, conversation_id)

    window = MainWindow(None, resolve_paths(data_dir))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.attach_store(store)
    watch = ServerWatch(window, store, data_dir / FOLDER)
    watch.check()

    qtbot.waitUntil(lambda: bool(watch.kept), timeout=10_000)
    (kept,) = watch.kept
    assert pending(data_dir / FOLDER, store) == ()
    assert kept.path.parent == data_dir / FOLDER / NOT_SAVED
    assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600
    assert [e.change for e in Journal(kept.path).entries()] == [
        words(answer_id, "typed while the server was away")
    ]
    (notice,) = [
        label
        for label in watch.bar.findChildren(QLabel)
        if label.accessibleName() == "Changes not saved"
    ]
    qtbot.waitUntil(notice.isVisible)
    assert watch.bar.isVisible()
    assert notice.text().startswith("1 change(s) typed while the school's server was away")
    assert str(kept.path) in notice.text() and "Case › Amend a finalised record" in notice.text()
    if SCREENSHOTS:
        window.grab().save(str(Path(SCREENSHOTS) / "main-window-changes-kept.png"))
    with store.transaction() as session:
        stored = case_files.load_content(session, conversation_id).answers[0].student_words
    assert stored == ""
    window.close()
