"""The walk-through's background writer: debounce, order, failures, flush."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from app.domain.interview import Answer
from app.errors import StorageFullError
from app.services.interviews import Edit, Walkthrough
from app.storage import case_files, interviews
from app.storage.database import Database
from tests.interview_support import snapshot
from ui.interview.autosave import Autosaver


@dataclass
class Walk:
    """A conversation under way, its answers and the writer saving them."""

    store: Database
    conversation_id: int
    answers: tuple[Answer, ...]
    saver: Autosaver

    def answer_id(self, index: int = 0) -> int:
        return self.answers[index].id or 0

    def stored_words(self, index: int = 0) -> str:
        with self.store.transaction() as session:
            content = case_files.load_content(session, self.conversation_id)
        return content.answers[index].student_words


@pytest.fixture
def walk(qtbot: QtBot, store: Database, conversation_id: int) -> Iterator[Walk]:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        answers = interviews.begin(session, conversation_id, snapshot(), "Essay")
    saver = Autosaver(store, quiet=0.3, longest=0.8, retry=0.2)
    yield Walk(store, conversation_id, answers, saver)
    saver.close()


def words(answer_id: int, text: str) -> Edit:
    return lambda walkthrough: walkthrough.update_answer(answer_id, student_words=text)


def test_a_pause_in_typing_saves_the_latest_text(qtbot: QtBot, walk: Walk) -> None:
    saver, answer_id = walk.saver, walk.answer_id()
    for end in range(1, 6):
        saver.edit(("words", answer_id), words(answer_id, "Hello"[:end]))
    assert walk.stored_words() == ""  # nothing yet: typing may go on
    qtbot.waitUntil(lambda: walk.stored_words() == "Hello", timeout=2000)


def test_continuous_typing_still_saves_within_a_second(qtbot: QtBot, walk: Walk) -> None:
    saver, answer_id = walk.saver, walk.answer_id()
    typed = ""
    started = time.monotonic()
    first_saved_at = None
    # A key every 50 ms never leaves a 300 ms pause, so only the 800 ms ceiling can save.
    while time.monotonic() - started < 2.0:
        typed += "x"
        saver.edit(("words", answer_id), words(answer_id, typed))
        qtbot.wait(50)
        if first_saved_at is None and walk.stored_words():
            first_saved_at = time.monotonic() - started
    assert first_saved_at is not None and first_saved_at < 1.2
    qtbot.waitUntil(lambda: walk.stored_words() == typed, timeout=2000)


def test_operations_run_after_the_edits_handed_over_before_them(qtbot: QtBot, walk: Walk) -> None:
    saver, answer_id = walk.saver, walk.answer_id()
    seen: list[str] = []

    def read_back(walkthrough: Walkthrough) -> str:
        return walkthrough.content(walk.conversation_id).answers[0].student_words

    saver.edit(("words", answer_id), words(answer_id, "typed first"))
    saver.run(read_back, seen.append)  # must see the edit although its pause has not passed
    qtbot.waitUntil(lambda: seen == ["typed first"], timeout=2000)


def test_a_full_disk_is_reported_and_retried_without_losing_the_edit(
    qtbot: QtBot, walk: Walk, monkeypatch: pytest.MonkeyPatch
) -> None:
    saver, answer_id = walk.saver, walk.answer_id()
    problems: list[tuple[str, ...]] = []
    saver.problems_changed.connect(problems.append)
    real = interviews.update_answer

    def full(*args: object, **kwargs: object) -> Answer:
        raise StorageFullError("The disk holding the database is full.")

    monkeypatch.setattr(interviews, "update_answer", full)
    saver.edit(("words", answer_id), words(answer_id, "keep me"))
    qtbot.waitUntil(lambda: bool(problems) and "full" in problems[-1][0], timeout=2000)
    assert saver.has_unsaved()
    monkeypatch.setattr(interviews, "update_answer", real)
    qtbot.waitUntil(lambda: walk.stored_words() == "keep me", timeout=2000)
    qtbot.waitUntil(lambda: problems[-1] == (), timeout=2000)
    assert not saver.has_unsaved()


def test_a_refused_edit_is_reported_and_the_others_are_saved(qtbot: QtBot, walk: Walk) -> None:
    saver, first, second = walk.saver, walk.answer_id(0), walk.answer_id(1)
    problems: list[tuple[str, ...]] = []
    saver.problems_changed.connect(problems.append)
    saver.edit(("words", first), words(first, "fine"))
    saver.edit(("words", second), words(second, "bad \x00 byte"))
    assert saver.flush()
    assert walk.stored_words(0) == "fine"
    qtbot.waitUntil(lambda: bool(problems) and "control characters" in problems[-1][0])
    saver.edit(("words", second), words(second, "corrected"))
    qtbot.waitUntil(lambda: problems[-1] == (), timeout=2000)
    assert walk.stored_words(1) == "corrected"


@pytest.mark.expect_log("autosave gave up on close: The disk holding the database is full")
def test_flush_writes_at_once_and_reports_failure(
    walk: Walk, monkeypatch: pytest.MonkeyPatch
) -> None:
    saver, answer_id = walk.saver, walk.answer_id()
    saver.edit(("words", answer_id), words(answer_id, "now"))
    assert saver.flush(timeout=2)
    assert walk.stored_words() == "now"

    def locked(*args: object, **kwargs: object) -> Answer:
        raise StorageFullError("The disk holding the database is full.")

    monkeypatch.setattr(interviews, "update_answer", locked)
    saver.edit(("words", answer_id), words(answer_id, "later"))
    assert not saver.flush(timeout=2)
    assert walk.stored_words() == "now"
