"""The walk-through on a slow store: the window never waits on the database while a teacher
opens a conversation, types, moves between questions and concludes (issue 18)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.domain.records import Conclusion, ConversationStatus, Rating
from app.paths import AppPaths
from app.scripts.library import ScriptLibrary
from app.scripts.model import from_snapshot
from app.services import Database
from tests.interview_support import snapshot
from tests.slow_store import judge, slow_down, watching_gui_thread
from tests.test_interview_window import (
    CONVERSE,
    back_to,
    content,
    focused,
    key,
    named,
    wait_for_dialog,
)
from ui.interview import InterviewWindow

SLOW = 0.2  # seconds added to every statement, as a busy school server might


def type_slowly(qtbot: QtBot, text: str, seconds: float) -> None:
    """Type ``text`` one key at a time, spread over about ``seconds``, as a teacher types."""
    pause = max(1, int(seconds * 1000 / len(text)))
    for character in text:
        QTest.keyClicks(focused(), character)
        qtbot.wait(pause)


def focus(qtbot: QtBot, widget: QWidget) -> None:
    """Put the focus on ``widget`` (the keyboard paths are tested in test_interview_window;
    here the test's own searching for a widget must not count as the window's delay)."""
    widget.setFocus()
    qtbot.wait(10)


def test_a_whole_conversation_on_a_slow_store_never_holds_the_gui_thread(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    paths: AppPaths,
    request: pytest.FixtureRequest,
) -> None:
    library = ScriptLibrary(paths)
    library.save(from_snapshot(snapshot()))
    slow_down(store, SLOW)
    with watching_gui_thread(store) as opening:
        started = time.monotonic()
        window = InterviewWindow(store, conversation_id, library)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        qtbot.waitUntil(window.is_open, timeout=20_000)
        # Opening took several slow statements, none of them on the GUI thread.
        assert time.monotonic() - started >= SLOW
    purpose = named(
        window, "The student was told the purpose of the conversation, in neutral terms"
    )
    script = named(window, "Interview script")
    begin = named(window, "Begin conversation")
    account = named(window, "The student's own account, in their words")
    finalise = named(window, "Finalise the record")

    with watching_gui_thread(store) as working:
        # Prepare, then begin (a change whose result, the questions, the window waits for).
        type_slowly(qtbot, "Essay reads unlike her class work.", 1.5)
        focus(qtbot, purpose)
        key("Space")
        focus(qtbot, script)
        qtbot.keyClicks(focused(), "Essay:")
        focus(qtbot, begin)
        key("Space")
        qtbot.waitUntil(lambda: window.current_step() == CONVERSE, timeout=30_000)

        # Converse: a few seconds of notes, then on to the next questions and back.
        type_slowly(qtbot, "We visited Chepstow in Year 9 and I took photographs.", 3.0)
        key("Alt+1")
        key("Alt+Right")
        qtbot.wait(50)
        type_slowly(qtbot, "Not much really.", 1.0)
        for step in ("Alt+Right", "Alt+Left", "Alt+Right", "Ctrl+PgDown"):
            key(step)
            qtbot.wait(50)

        # Conclude and finalise (a change the window waits for).
        key("Alt+R")
        qtbot.wait(100)
        focus(qtbot, account)
        type_slowly(qtbot, "I wrote it myself.", 1.0)
        focus(qtbot, finalise)
        key("Space")
        wait_for_dialog(qtbot, QMessageBox)
        key("Return")
        back_to(qtbot, window)
        qtbot.waitUntil(
            lambda: window.controller.status is ConversationStatus.CONCLUDED, timeout=60_000
        )
    judge(request.node, "opening", opening)
    judge(request.node, "working", working)
    assert working.beats > 100, working.describe()

    assert window.controller.autosaver.flush(60)
    window.close()
    stored = content(store, conversation_id)
    assert stored.preparation.concern_summary == "Essay reads unlike her class work."
    assert stored.answers[0].student_words == (
        "We visited Chepstow in Year 9 and I took photographs."
    )
    assert stored.answers[0].rating is Rating.CLEAR
    assert stored.answers[1].student_words == "Not much really."
    assert stored.outcome.conclusion is Conclusion.CONCERNS_REMAIN
    assert stored.outcome.student_account == "I wrote it myself."
    assert stored.conversation.status is ConversationStatus.CONCLUDED
