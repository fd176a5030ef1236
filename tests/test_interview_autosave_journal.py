"""The autosaver when the store cannot be reached: edits go to the journal, in order, and reach
the store once it answers again; a change that needs a result is refused meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.errors import StoreUnreachableError
from app.services import interviews as interview_services
from app.services.interviews import Change, Walkthrough
from app.services.journal import Journal
from app.storage import case_files, interviews
from app.storage.database import Database
from tests.interview_support import snapshot
from tests.test_interview_window import named
from ui.interview import InterviewWindow
from ui.interview.autosave import Autosaver
from ui.interview.converse_page import STUDENT

AWAY = "The school's database server cannot be reached."


@dataclass
class Away:
    """A conversation under way whose store can be switched off."""

    store: Database
    conversation_id: int
    answer_ids: list[int]
    journal: Journal
    saver: Autosaver
    offline: list[bool]

    def stored_words(self) -> list[str]:
        with self.store.transaction() as session:
            content = case_files.load_content(session, self.conversation_id)
        return [answer.student_words for answer in content.answers]


@pytest.fixture
def away(qtbot: QtBot, store: Database, conversation_id: int, tmp_path: Path) -> Iterator[Away]:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        answers = interviews.begin(session, conversation_id, snapshot(), "Essay")
    journal = Journal.for_conversation(tmp_path / "journal", store, conversation_id)
    saver = Autosaver(store, quiet=0.1, longest=0.3, retry=0.2, journal=journal)
    offline: list[bool] = []
    saver.offline_changed.connect(offline.append)
    yield Away(store, conversation_id, [a.id or 0 for a in answers], journal, saver, offline)
    saver.close()


def server_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every transaction the walk-through's use cases open fails as a server gone away would."""

    @contextmanager
    def unreachable(*_args: object, **_kwargs: object) -> Iterator[object]:
        raise StoreUnreachableError(AWAY)
        yield  # a generator, as the real transaction is

    monkeypatch.setattr(interview_services, "transaction", unreachable)


def words(answer_id: int, text: str) -> Change:
    return Change("update_answer", (answer_id,), {"student_words": text})


@pytest.mark.expect_log("cannot be reached; keeping edits in the journal")
def test_edits_go_to_the_journal_while_away_and_reach_the_store_in_order_when_back(
    qtbot: QtBot, away: Away, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = away.answer_ids[:2]
    away.saver.edit(("words", first), words(first, "before"))
    assert away.saver.flush(5)
    assert away.stored_words()[0] == "before"

    server_gone(monkeypatch)
    away.saver.edit(("words", first), words(first, "before and during"))
    qtbot.waitUntil(lambda: away.offline == [True], timeout=3000)
    away.saver.edit(("words", second), words(second, "second answer"))
    away.saver.edit(("words", first), words(first, "before and during, more"))
    assert away.saver.flush(5)  # kept on this computer counts as saved
    assert away.saver.kept_locally()
    kept = [(e.change.args[0], e.change.kwargs["student_words"]) for e in away.journal.entries()]
    assert kept[0] == (first, "before and during")
    assert kept[-1] == (first, "before and during, more")
    assert (second, "second answer") in kept
    assert away.stored_words()[:2] == ["before", ""]

    monkeypatch.undo()
    qtbot.waitUntil(lambda: away.offline == [True, False], timeout=3000)
    assert away.stored_words()[:2] == ["before and during, more", "second answer"]
    assert not away.journal.path.exists()
    assert not away.saver.kept_locally()


@pytest.mark.expect_log("cannot be reached; keeping edits in the journal")
def test_a_change_needing_the_server_is_refused_while_it_is_away(
    qtbot: QtBot, away: Away, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = away.answer_ids[0]
    server_gone(monkeypatch)
    away.saver.edit(("words", first), words(first, "kept"))
    qtbot.waitUntil(lambda: away.offline == [True], timeout=3000)
    failures: list[BaseException] = []
    done: list[object] = []

    def add(walkthrough: Walkthrough) -> object:
        return walkthrough.add_question(away.conversation_id, after_answer_id=None, text="Q?")

    away.saver.run(add, done.append, failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=3000)
    assert isinstance(failures[0], StoreUnreachableError) and not done

    monkeypatch.undo()
    qtbot.waitUntil(lambda: away.offline == [True, False], timeout=3000)
    assert away.stored_words()[0] == "kept"
    away.saver.run(add, done.append, failures.append)
    qtbot.waitUntil(lambda: bool(done), timeout=3000)


@pytest.mark.expect_log("refused on replay")
def test_a_journal_left_behind_is_replayed_when_the_window_opens_and_a_refusal_is_shown(
    qtbot: QtBot, away: Away, tmp_path: Path
) -> None:
    first, second = away.answer_ids[:2]
    away.journal.append([words(first, "kept from last time"), words(second, "bad \x00 byte")])
    window = InterviewWindow(away.store, away.conversation_id, None, data_dir=tmp_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.is_open, timeout=10_000)
    assert away.stored_words()[:2] == ["kept from last time", ""]
    assert not away.journal.path.exists()
    assert window.converse_page.notes_editor(STUDENT).toPlainText() == "kept from last time"
    banner = named(window, "Saving problem")
    assert banner.isVisible() and "control characters" in banner.text()  # type: ignore[attr-defined]
    window.close()
