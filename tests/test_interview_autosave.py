"""The walk-through's background writer: debounce, order, failures, flush."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from app.domain.interview import Answer
from app.errors import StorageFullError
from app.storage import case_files, interviews
from app.storage.database import Database
from tests.interview_support import snapshot
from ui.interview.autosave import Autosaver


@pytest.fixture
def answers(store: Database, conversation_id: int) -> tuple[Answer, ...]:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        return interviews.begin(session, conversation_id, snapshot(), "Essay")


@pytest.fixture
def saver(qtbot: QtBot, store: Database) -> Iterator[Autosaver]:
    autosaver = Autosaver(store, quiet=0.3, longest=0.8, retry=0.2)
    yield autosaver
    autosaver.close()


def stored_words(store: Database, conversation_id: int, index: int = 0) -> str:
    with store.transaction() as session:
        return case_files.load_content(session, conversation_id).answers[index].student_words


def words(answer_id: int, text: str) -> object:
    return lambda session: interviews.update_answer(session, answer_id, student_words=text)


def test_a_pause_in_typing_saves_the_latest_text(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    answers: tuple[Answer, ...],
    saver: Autosaver,
) -> None:
    answer_id = answers[0].id or 0
    for end in range(1, 6):
        saver.edit(("words", answer_id), words(answer_id, "Hello"[:end]))
    assert stored_words(store, conversation_id) == ""  # nothing yet: typing may go on
    qtbot.waitUntil(lambda: stored_words(store, conversation_id) == "Hello", timeout=2000)


def test_continuous_typing_still_saves_within_a_second(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    answers: tuple[Answer, ...],
    saver: Autosaver,
) -> None:
    answer_id = answers[0].id or 0
    typed = ""
    started = time.monotonic()
    first_saved_at = None
    # A key every 50 ms never leaves a 300 ms pause, so only the 800 ms ceiling can save.
    while time.monotonic() - started < 2.0:
        typed += "x"
        saver.edit(("words", answer_id), words(answer_id, typed))
        qtbot.wait(50)
        if first_saved_at is None and stored_words(store, conversation_id):
            first_saved_at = time.monotonic() - started
    assert first_saved_at is not None and first_saved_at < 1.2
    qtbot.waitUntil(lambda: stored_words(store, conversation_id) == typed, timeout=2000)


def test_operations_run_after_the_edits_handed_over_before_them(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    answers: tuple[Answer, ...],
    saver: Autosaver,
) -> None:
    answer_id = answers[0].id or 0
    seen: list[str] = []

    def read_back(session: Session) -> str:
        return case_files.load_content(session, conversation_id).answers[0].student_words

    saver.edit(("words", answer_id), words(answer_id, "typed first"))
    saver.run(read_back, seen.append)  # must see the edit although its pause has not passed
    qtbot.waitUntil(lambda: seen == ["typed first"], timeout=2000)


def test_a_full_disk_is_reported_and_retried_without_losing_the_edit(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    answers: tuple[Answer, ...],
    saver: Autosaver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_id = answers[0].id or 0
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
    qtbot.waitUntil(lambda: stored_words(store, conversation_id) == "keep me", timeout=2000)
    qtbot.waitUntil(lambda: problems[-1] == (), timeout=2000)
    assert not saver.has_unsaved()


def test_a_refused_edit_is_reported_and_the_others_are_saved(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    answers: tuple[Answer, ...],
    saver: Autosaver,
) -> None:
    first, second = answers[0].id or 0, answers[1].id or 0
    problems: list[tuple[str, ...]] = []
    saver.problems_changed.connect(problems.append)
    saver.edit(("words", first), words(first, "fine"))
    saver.edit(("words", second), words(second, "bad \x00 byte"))
    assert saver.flush()
    assert stored_words(store, conversation_id, 0) == "fine"
    qtbot.waitUntil(lambda: bool(problems) and "control characters" in problems[-1][0])
    saver.edit(("words", second), words(second, "corrected"))
    qtbot.waitUntil(lambda: problems[-1] == (), timeout=2000)
    assert stored_words(store, conversation_id, 1) == "corrected"


def test_flush_writes_at_once_and_reports_failure(
    store: Database,
    conversation_id: int,
    answers: tuple[Answer, ...],
    saver: Autosaver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_id = answers[0].id or 0
    saver.edit(("words", answer_id), words(answer_id, "now"))
    assert saver.flush(timeout=2)
    assert stored_words(store, conversation_id) == "now"

    def locked(*args: object, **kwargs: object) -> Answer:
        raise StorageFullError("The disk holding the database is full.")

    monkeypatch.setattr(interviews, "update_answer", locked)
    saver.edit(("words", answer_id), words(answer_id, "later"))
    assert not saver.flush(timeout=2)
    assert stored_words(store, conversation_id) == "now"
