"""The walk-through's changes that need the server while it is away (issue 19): a new question
or excerpt (whose id the server makes) is refused in one sentence and what was typed for it is
given back; a changed excerpt is kept in the journal like any note.  Typed as a teacher does."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.errors import StoreUnreachableError
from app.services import interviews as interview_services
from app.services.interviews import Change
from app.services.journal import FOLDER, pending
from app.storage import case_files, interviews
from app.storage.database import Database
from tests.test_interview_window import (
    back_to,
    begun,
    focused,
    key,
    named,
    question_text,
    tab_to,
    wait_for_dialog,
)
from ui.interview import InterviewWindow
from ui.interview.window import CONVERSE, PREPARE

AWAY = "The school's database server cannot be reached. Check the network connection."
SERVER_AWAY = "cannot be reached; keeping edits in the journal"
SCREENSHOTS = os.environ.get("OWNWORK_SCREENSHOTS")


def server_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every transaction the walk-through's use cases open fails as a server gone away would."""

    @contextmanager
    def unreachable(*_args: object, **_kwargs: object) -> Iterator[object]:
        raise StoreUnreachableError(AWAY)
        yield  # a generator, as the real transaction is

    monkeypatch.setattr(interview_services, "transaction", unreachable)
    # The autosaver's check that the server is back goes through the same door.
    from app.services import journal

    monkeypatch.setattr(journal, "transaction", unreachable)


@pytest.fixture
def open_walkthrough(
    qtbot: QtBot, store: Database, conversation_id: int, tmp_path: Path
) -> Iterator[Callable[[], InterviewWindow]]:
    opened: list[InterviewWindow] = []

    def make() -> InterviewWindow:
        window = InterviewWindow(store, conversation_id, None, data_dir=tmp_path)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        qtbot.waitUntil(window.is_open, timeout=10_000)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.controller.autosaver.close()


def banner_text(window: InterviewWindow) -> str:
    banner = named(window, "Saving problem")
    return banner.text() if banner.isVisible() else ""  # type: ignore[attr-defined]


@pytest.mark.expect_log(SERVER_AWAY)
def test_a_question_typed_while_the_server_is_away_is_given_back_and_added_when_it_is_back(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    open_walkthrough: Callable[[], InterviewWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    begun(store, conversation_id)
    window = open_walkthrough()
    assert window.current_step() == CONVERSE
    questions = len(window.controller.answers)

    server_gone(monkeypatch)
    key("Ctrl+Shift+N")
    box = named(window, "Text of your own question")
    assert focused() is box
    qtbot.keyClicks(focused(), "Can you show me your notes?")
    key("Return")

    qtbot.waitUntil(lambda: "The question was not added" in banner_text(window), timeout=5000)
    assert "cannot be reached" in banner_text(window)
    assert isinstance(box, QLineEdit) and box.isVisible()
    assert box.text() == "Can you show me your notes?"  # nothing typed is lost
    assert len(window.controller.answers) == questions
    if SCREENSHOTS:
        window.grab().save(str(Path(SCREENSHOTS) / "walkthrough-question-not-added.png"))

    monkeypatch.undo()
    qtbot.waitUntil(lambda: not window.controller.autosaver.kept_locally(), timeout=5000)
    box.setFocus()
    key("Return")
    qtbot.waitUntil(lambda: question_text(window).startswith("Can you show me your notes?"))
    assert len(window.controller.answers) == questions + 1
    qtbot.waitUntil(lambda: "The question was not added" not in banner_text(window))


@pytest.mark.expect_log(SERVER_AWAY)
def test_an_excerpt_typed_while_the_server_is_away_opens_again_with_what_was_typed(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    open_walkthrough: Callable[[], InterviewWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_walkthrough()
    assert window.current_step() == PREPARE
    server_gone(monkeypatch)
    tab_to(window, "Add excerpt")
    key("Space")
    dialog = wait_for_dialog(qtbot)
    qtbot.keyClicks(focused(), "page 3, paragraph 2")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "The castle's strategic topography facilitated hegemony.")
    key("Ctrl+Return")

    # Refused: the same window comes back with the place and passage typed.
    qtbot.waitUntil(lambda: "The excerpt was not added" in banner_text(window), timeout=5000)
    again = wait_for_dialog(qtbot)
    assert again is not dialog
    location = named(again, "Where the excerpt is in the work")
    passage = named(again, "Excerpt text")
    assert isinstance(location, QLineEdit) and isinstance(passage, QPlainTextEdit)
    assert location.text() == "page 3, paragraph 2"
    assert passage.toPlainText() == "The castle's strategic topography facilitated hegemony."
    assert window.controller.excerpts == []

    monkeypatch.undo()
    qtbot.waitUntil(lambda: not window.controller.autosaver.kept_locally(), timeout=5000)
    passage.setFocus()
    key("Ctrl+Return")
    back_to(qtbot, window)
    qtbot.waitUntil(lambda: len(window.controller.excerpts) == 1, timeout=5000)
    with store.transaction() as session:
        (stored,) = case_files.load_content(session, conversation_id).preparation.excerpts
    assert (stored.location, stored.text) == (
        "page 3, paragraph 2",
        "The castle's strategic topography facilitated hegemony.",
    )


@pytest.mark.expect_log(SERVER_AWAY)
def test_an_excerpt_changed_while_the_server_is_away_is_kept_and_saved_when_it_is_back(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    open_walkthrough: Callable[[], InterviewWindow],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    with store.transaction() as session:
        excerpt = interviews.add_excerpt(session, conversation_id, location="p 1", text="Before.")
    window = open_walkthrough()
    server_gone(monkeypatch)
    # A note typed first sends the walk-through to the journal.
    window.controller.set_preparation_text("concern_summary", "Style differs from class work.")
    qtbot.waitUntil(window.controller.autosaver.kept_locally, timeout=5000)
    excerpt_id = excerpt.id or 0
    window.controller.update_excerpt(excerpt_id, "page 1", "After, as the student wrote it.")
    assert window.controller.autosaver.flush(5)

    (journal,) = pending(tmp_path / FOLDER, store)
    changes = [entry.change for entry in journal.entries()]
    assert (
        Change(
            "update_excerpt",
            (excerpt_id,),
            {"location": "page 1", "text": "After, as the student wrote it."},
        )
        in changes
    )

    monkeypatch.undo()
    qtbot.waitUntil(lambda: not window.controller.autosaver.kept_locally(), timeout=5000)
    with store.transaction() as session:
        (stored,) = case_files.load_content(session, conversation_id).preparation.excerpts
    assert (stored.location, stored.text) == ("page 1", "After, as the student wrote it.")
    assert pending(tmp_path / FOLDER, store) == ()
