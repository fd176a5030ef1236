"""The walk-through window, driven from the keyboard as a teacher would."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.interview import InterviewContent
from app.domain.records import Conclusion, ConversationStatus, Rating
from app.errors import StorageFullError
from app.paths import AppPaths
from app.scripts.library import ScriptLibrary
from app.scripts.model import from_snapshot
from app.storage import case_files, interviews
from app.storage.database import Database
from app.storage.models import ConversationRow, SubmissionRow
from tests.gui_helpers import type_text
from tests.interview_crash_child import TEXT, spawn
from tests.interview_support import EMOJI_NOTE, RTL_NOTE, long_note, snapshot
from ui.interview import InterviewWindow
from ui.interview.models import AnswerSummaryModel, ExcerptListModel
from ui.interview.window import CONCLUDE, CONVERSE, PREPARE

SCRIPT_TITLE = snapshot()["title"]


@pytest.fixture
def library(paths: AppPaths) -> ScriptLibrary:
    scripts = ScriptLibrary(paths)
    scripts.save(from_snapshot(snapshot()))
    return scripts


@pytest.fixture
def open_window(
    qtbot: QtBot, store: Database, conversation_id: int, library: ScriptLibrary
) -> Iterator[Callable[[], InterviewWindow]]:
    opened: list[InterviewWindow] = []

    def make() -> InterviewWindow:
        window = InterviewWindow(store, conversation_id, library)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        opened.append(window)
        # The conversation is read off the GUI thread; the pages come when it arrives.
        qtbot.waitUntil(window.is_open, timeout=5000)
        return window

    yield make
    for window in opened:
        # RuntimeError: the test deleted the window itself, as a crash would.
        with contextlib.suppress(RuntimeError):
            window.close()
            window.deleteLater()


def content(store: Database, conversation_id: int) -> InterviewContent:
    with store.transaction() as session:
        return case_files.load_content(session, conversation_id)


def begun(store: Database, conversation_id: int) -> None:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        interviews.add_excerpt(
            session, conversation_id, location="page 3", text="The castle's strategic topography."
        )
        interviews.begin(session, conversation_id, snapshot(), SCRIPT_TITLE)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def named(window: QWidget, name: str) -> QWidget:
    """The one visible widget with this accessible name (as a screen reader would find it)."""
    found = [w for w in window.findChildren(QWidget) if w.accessibleName() == name]
    visible = [w for w in found if w.isVisible()] or found
    assert len(visible) == 1, f"{len(visible)} widgets are named {name!r}"
    return visible[0]


def tab_to(window: QWidget, name: str, *, limit: int = 200) -> QWidget:
    """Press Tab until the widget named ``name`` has the focus."""
    target = named(window, name)
    for _ in range(limit):
        if focused() is target:
            return target
        QTest.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {name!r}")


def key(sequence: str) -> None:
    """Press a shortcut such as "Alt+1" or "Ctrl+Shift+N" on the focused widget."""
    *mods, last = sequence.split("+")
    modifiers = Qt.KeyboardModifier.NoModifier
    for mod in mods:
        modifiers |= {
            "Ctrl": Qt.KeyboardModifier.ControlModifier,
            "Alt": Qt.KeyboardModifier.AltModifier,
            "Shift": Qt.KeyboardModifier.ShiftModifier,
        }[mod]
    keys = {
        "Left": Qt.Key.Key_Left,
        "Right": Qt.Key.Key_Right,
        "Return": Qt.Key.Key_Return,
        "Space": Qt.Key.Key_Space,
        "Down": Qt.Key.Key_Down,
        "PgUp": Qt.Key.Key_PageUp,
        "PgDown": Qt.Key.Key_PageDown,
    }
    code = keys.get(last) or getattr(Qt.Key, f"Key_{last.upper()}")
    QTest.keyClick(focused(), code, modifiers)


def wait_for_dialog(qtbot: QtBot, kind: type[QDialog] = QDialog) -> QDialog:
    """Wait for a dialog to open and give it the focus, as the window manager would."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, kind)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def back_to(qtbot: QtBot, window: QWidget) -> None:
    """After a dialog closes, the window manager gives its window the focus back."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def question_text(window: InterviewWindow) -> str:
    label = named(window, "Question")
    assert isinstance(label, QLabel)
    return label.text()


def editor(window: InterviewWindow, name: str) -> QPlainTextEdit:
    widget = named(window, name)
    assert isinstance(widget, QPlainTextEdit)
    return widget


STUDENT = "What the student said, in their words"
OBSERVED = "What you observed"


def test_a_whole_conversation_by_keyboard_alone(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    window = open_window()
    assert window.current_step() == PREPARE
    assert named(window, "Begin conversation").isEnabled() is False

    # Prepare.
    assert focused() is named(window, "What raised the concern")
    qtbot.keyClicks(focused(), "Essay reads unlike her class work.")
    tab_to(window, "Second member of staff")
    for _ in range(3):  # past Ms Okafor to "Add someone new…"
        key("Down")
    wait_for_dialog(qtbot)
    qtbot.keyClicks(focused(), "Mr Adeyemi")
    key("Return")
    back_to(qtbot, window)
    qtbot.waitUntil(lambda: window.controller.conversation.second_staff_id is not None)
    tab_to(window, "American spelling or usage")
    key("Space")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "color, analyze, center")
    tab_to(window, "Add excerpt")
    key("Space")
    dialog = wait_for_dialog(qtbot)
    assert focused() is named(dialog, "Where the excerpt is in the work")
    qtbot.keyClicks(focused(), "page 3, paragraph 2")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "The castle's strategic topography facilitated hegemony.")
    key("Ctrl+Return")
    back_to(qtbot, window)
    qtbot.waitUntil(lambda: len(window.controller.excerpts) == 1)
    tab_to(window, "The student's wellbeing was checked and support was offered")
    key("Space")
    tab_to(window, "The student was told the purpose of the conversation, in neutral terms")
    key("Space")
    tab_to(window, "Interview script")
    qtbot.keyClicks(focused(), "Essay:")
    assert named(window, "Begin conversation").isEnabled()
    tab_to(window, "Begin conversation")
    key("Space")

    # Converse.
    qtbot.waitUntil(lambda: window.current_step() == CONVERSE)
    assert question_text(window) == "How did you choose your topic?"
    assert named(window, "Progress").text() == "Question 1 of 5"  # type: ignore[attr-defined]
    assert focused() is editor(window, STUDENT)
    qtbot.keyClicks(focused(), "We visited Chepstow in Year 9.")
    key("Alt+1")
    key("Ctrl+T")
    assert focused() is editor(window, OBSERVED)
    qtbot.keyClicks(focused(), "Answered at once, with detail.")
    key("Alt+Right")

    assert question_text(window) == "What changed between your first draft and this one?"
    assert focused() is editor(window, STUDENT)
    follow_ups = named(window, "Follow-up prompts")
    assert not follow_ups.isVisible()
    qtbot.keyClicks(focused(), "Not much really.")
    key("Alt+3")
    assert follow_ups.isVisible()
    assert "Which part did you rewrite most?" in follow_ups.text()  # type: ignore[attr-defined]
    key("Alt+Right")

    assert question_text(window) == "Explain this passage in your own words."
    excerpt_text = editor(window, "Excerpt text")
    assert excerpt_text.toPlainText() == "The castle's strategic topography facilitated hegemony."
    key("Ctrl+K")  # skip

    assert question_text(window) == "Where did your main source come from?"
    key("Ctrl+Shift+N")
    assert focused() is named(window, "Text of your own question")
    qtbot.keyClicks(focused(), "Can you show me your notes?")
    key("Return")
    qtbot.waitUntil(lambda: question_text(window).startswith("Can you show me your notes?"))
    assert named(window, "Progress").text() == "Question 5 of 6"  # type: ignore[attr-defined]
    qtbot.keyClicks(focused(), "Here, in my exercise book.")
    key("Alt+2")
    key("Alt+Left")
    assert question_text(window) == "Where did your main source come from?"
    key("Alt+Left")
    assert named(window, "Answer status").text() == "Skipped"  # type: ignore[attr-defined]
    for _ in range(3):
        key("Alt+Right")
    assert question_text(window) == "What would you change now?"
    qtbot.keyClicks(focused(), "The conclusion.")
    key("Alt+Right")

    # Conclude.
    qtbot.waitUntil(lambda: window.current_step() == CONCLUDE)
    route = named(window, "What happens next")
    key("Alt+R")  # "Concerns &remain"; a mnemonic clicks after a short animation
    qtbot.waitUntil(lambda: "Referral to AQA" in route.text())  # type: ignore[attr-defined]
    tab_to(window, "The student's own account, in their words")
    qtbot.keyClicks(focused(), "I wrote it myself but used a website for the sources.")
    assert "Refer to AQA" in editor(window, "Next step").toPlainText()
    tab_to(window, "Finalise the record")
    key("Space")
    wait_for_dialog(qtbot, QMessageBox)
    key("Return")
    back_to(qtbot, window)
    qtbot.waitUntil(
        lambda: content(store, conversation_id).conversation.status is ConversationStatus.CONCLUDED,
        timeout=3000,
    )

    stored = content(store, conversation_id)
    prep = stored.preparation
    assert prep.concern_summary == "Essay reads unlike her class work."
    assert prep.purpose_explained and prep.rights["purpose_told"]
    assert prep.rights["wellbeing_checked"] and not prep.rights["chance_to_explain"]
    assert [(i.code, i.note) for i in prep.indicators] == [
        ("us_spelling", "color, analyze, center")
    ]
    assert [e.location for e in prep.excerpts] == ["page 3, paragraph 2"]
    assert stored.conversation.second_staff_name == "Mr Adeyemi"
    assert stored.script_snapshot == snapshot()
    answers = stored.answers
    assert [a.question_text for a in answers][4] == "Can you show me your notes?"
    assert answers[4].unscripted
    assert [(a.rating, a.skipped) for a in answers] == [
        (Rating.CLEAR, False),
        (Rating.UNABLE, False),
        (None, True),
        (None, False),
        (Rating.PARTLY, False),
        (None, False),
    ]
    assert answers[0].student_words == "We visited Chepstow in Year 9."
    assert answers[0].observations == "Answered at once, with detail."
    assert answers[1].student_words == "Not much really."
    assert answers[4].student_words == "Here, in my exercise book."
    assert answers[5].student_words == "The conclusion."
    assert answers[2].excerpt_id == prep.excerpts[0].id
    assert stored.outcome.conclusion is Conclusion.CONCERNS_REMAIN
    assert stored.outcome.student_account == (
        "I wrote it myself but used a website for the sources."
    )
    assert stored.outcome.next_step.startswith("Refer to AQA")
    assert stored.ended_at is not None
    # The window learns of the commit a moment after the database has it.
    qtbot.waitUntil(lambda: not named(window, "Finalise the record").isVisible())
    assert editor(window, "Next step").isReadOnly()
    # One step concludes and finalises: the record is final, with its integrity code.
    assert content(store, conversation_id).conversation.finalised_at is not None
    assert named(window, "What is still needed to finalise").text().startswith("Finalised")  # type: ignore[attr-defined]


def test_a_crash_mid_conversation_loses_no_saved_note(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    assert window.current_step() == CONVERSE
    qtbot.keyClicks(focused(), "First answer.")
    key("Alt+2")
    key("Ctrl+T")
    qtbot.keyClicks(focused(), "Looked at the floor.")
    key("Alt+Right")
    qtbot.keyClicks(focused(), "Second answer, typed just before the crash.")
    key("Ctrl+T")
    qtbot.keyClicks(focused(), "Hesitated.")

    def saved() -> None:
        stored = content(store, conversation_id)
        assert stored.current_position == 1
        assert stored.answers[1].observations == "Hesitated."
        assert stored.answers[1].student_words == "Second answer, typed just before the crash."

    qtbot.waitUntil(saved, timeout=3000)
    # The crash: the window vanishes without closing, so nothing is flushed on the way out.
    window.hide()
    with qtbot.waitSignal(window.destroyed):
        window.deleteLater()

    reopened = open_window()
    assert reopened.current_step() == CONVERSE
    assert question_text(reopened) == "What changed between your first draft and this one?"
    assert editor(reopened, STUDENT).toPlainText() == "Second answer, typed just before the crash."
    assert editor(reopened, OBSERVED).toPlainText() == "Hesitated."
    key("Alt+Left")
    assert editor(reopened, STUDENT).toPlainText() == "First answer."
    assert editor(reopened, OBSERVED).toPlainText() == "Looked at the floor."
    rated = named(reopened, "Rate: Partly explained")
    assert isinstance(rated, QAbstractButton) and rated.isChecked()


def test_killing_the_app_loses_at_most_the_last_second_of_typing(
    store: Database, conversation_id: int, paths: AppPaths
) -> None:
    begun(store, conversation_id)
    progress: list[tuple[float, int]] = []
    with spawn(paths.data_dir, conversation_id) as child:
        assert child.stdout is not None
        try:
            for line in child.stdout:
                stamp, typed = line.split()
                progress.append((float(stamp), int(typed)))
                if typed == "150":  # about two seconds of steady typing
                    break
            killed_at = time.time()
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait(10)
    assert len(progress) == 150, "the typing process ended before it was killed"

    stored = content(store, conversation_id).answers[0].student_words
    assert TEXT.startswith(stored)  # what was saved is exactly what was typed, in order
    typed_a_second_before = max(n for t, n in progress if t <= killed_at - 1.0)
    assert len(TEXT[:typed_a_second_before].strip()) <= len(stored)


def test_editing_or_deleting_the_script_later_leaves_the_record_alone(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    library: ScriptLibrary,
    open_window: Callable[[], InterviewWindow],
) -> None:
    window = open_window()
    tab_to(window, "The student was told the purpose of the conversation, in neutral terms")
    key("Space")
    tab_to(window, "Interview script")
    qtbot.keyClicks(focused(), "Essay:")
    tab_to(window, "Begin conversation")
    key("Space")
    qtbot.waitUntil(lambda: window.current_step() == CONVERSE)
    qtbot.keyClicks(focused(), "An answer.")
    window.close()
    before = content(store, conversation_id)

    edited = snapshot()
    edited["sections"][0]["questions"][0]["text"] = "A reworded first question?"
    edited["sections"][0]["questions"][0]["guidance"] = "New guidance."
    edited["sections"].pop()
    library.save(from_snapshot(edited))
    assert library.get("essay-basic").question_count == 2
    after_edit = content(store, conversation_id)
    library.delete("essay-basic")
    after_delete = content(store, conversation_id)

    assert after_edit == before and after_delete == before
    assert before.script_snapshot == snapshot()
    reopened = open_window()
    assert question_text(reopened) == "How did you choose your topic?"
    assert named(reopened, "Guidance").text() == (  # type: ignore[attr-defined]
        "Listen for specific moments, lessons, conversations."
    )
    assert named(reopened, "Progress").text() == "Question 1 of 5"  # type: ignore[attr-defined]
    assert editor(reopened, STUDENT).toPlainText() == "An answer."


def test_long_emoji_and_right_to_left_notes_survive(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    type_text(focused(), EMOJI_NOTE)
    key("Ctrl+T")
    type_text(focused(), RTL_NOTE)
    key("Alt+Right")
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(long_note())
    key("Ctrl+V")

    def saved() -> None:
        answers = content(store, conversation_id).answers
        assert answers[0].student_words == EMOJI_NOTE
        assert answers[0].observations == RTL_NOTE
        assert answers[1].student_words == long_note()

    qtbot.waitUntil(saved, timeout=5000)
    window.close()
    reopened = open_window()
    assert editor(reopened, STUDENT).toPlainText() == long_note()
    key("Alt+Left")
    assert editor(reopened, STUDENT).toPlainText() == EMOJI_NOTE
    assert editor(reopened, OBSERVED).toPlainText() == RTL_NOTE


def test_a_full_disk_shows_a_banner_and_keeps_the_text(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    open_window: Callable[[], InterviewWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    begun(store, conversation_id)
    window = open_window()
    real = interviews.update_answer

    def full(*args: object, **kwargs: object) -> None:
        raise StorageFullError("The disk holding the database is full.")

    monkeypatch.setattr(interviews, "update_answer", full)
    qtbot.keyClicks(focused(), "Words that must not be lost.")
    banner = named(window, "Saving problem")
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=3000)
    assert "The disk holding the database is full." in banner.text()  # type: ignore[attr-defined]
    assert editor(window, STUDENT).toPlainText() == "Words that must not be lost."
    assert content(store, conversation_id).answers[0].student_words == ""

    monkeypatch.setattr(interviews, "update_answer", real)
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=3000)
    assert content(store, conversation_id).answers[0].student_words == (
        "Words that must not be lost."
    )


def test_before_signing_the_next_step_stays_inside_the_centre(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    with store.transaction() as session:
        session.scalars(select(SubmissionRow)).one().declaration_signed = False
        interviews.set_position(session, conversation_id, 5)
    window = open_window()
    assert window.current_step() == CONCLUDE
    key("Alt+K")  # "Student ac&knowledged using AI or other help"
    route = named(window, "What happens next")
    qtbot.waitUntil(lambda: "Dealt with inside the centre" in route.text())  # type: ignore[attr-defined]
    assert "not yet signed" in route.text()  # type: ignore[attr-defined]
    assert "redo the affected work" in editor(window, "Next step").toPlainText()
    key("Alt+S")  # satisfied: no route, and the internal wording is replaced
    qtbot.waitUntil(lambda: "No further action" in route.text())  # type: ignore[attr-defined]
    assert editor(window, "Next step").toPlainText().startswith("No further action")


def test_a_concluded_conversation_opens_read_only_at_the_conclusion(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    with store.transaction() as session:
        interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.SATISFIED,
            student_account="",
            next_step="",
        )
    window = open_window()
    assert window.current_step() == CONCLUDE
    assert editor(window, "Next step").isReadOnly()
    assert not named(window, "Concerns remain").isEnabled()
    key("Ctrl+PgUp")
    assert window.current_step() == CONVERSE
    assert editor(window, STUDENT).isReadOnly()


def test_every_control_has_an_accessible_name(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in window.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not w.accessibleName()
        and w.window() is window  # not the lists inside closed combo-box pop-ups
        and not w.inherits("QScrollBar")
    ]
    assert unnamed == []


def test_item_models_pass_the_model_tester(
    qtmodeltester: object, store: Database, conversation_id: int
) -> None:
    begun(store, conversation_id)
    stored = content(store, conversation_id)
    excerpts = ExcerptListModel()
    excerpts.set_excerpts(stored.preparation.excerpts)
    summary = AnswerSummaryModel()
    summary.set_answers(stored.answers)
    qtmodeltester.check(excerpts)  # type: ignore[attr-defined]
    qtmodeltester.check(summary)  # type: ignore[attr-defined]


NAVIGATION = {
    "Previous question",
    "Next question",
    "Go on to the conclusion",
    "Skip this question",
    "Add a question of your own",
    "Rate: Explained clearly",
    "Rate: Partly explained",
    "Rate: Could not explain",
    "Notes: student said",
    "Notes: I observed",
}


def test_no_navigation_or_rating_button_is_in_the_typing_path(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    assert window.current_step() == CONVERSE
    key("Alt+Right")
    start = focused()
    reached: list[str] = []
    for direction in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
        for _ in range(60):
            QTest.keyClick(focused(), Qt.Key.Key_Tab, direction)
            reached.append(focused().accessibleName())
            if focused() is start:
                break
    assert start is editor(window, STUDENT)
    assert not NAVIGATION & set(reached), reached


def test_a_space_typed_in_the_answer_never_navigates_or_rates(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    key("Alt+Right")
    key("Alt+1")
    key("Alt+Right")
    assert window.controller.position == 2
    # The slip from the report: a stray Tab away from the notes, then the answer goes on with
    # a space.  Wherever the Tab lands, the space presses no step, question or rating button.
    for direction in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
        editor(window, STUDENT).setFocus()
        QTest.keyClick(focused(), Qt.Key.Key_Tab, direction)
        if isinstance(focused(), QAbstractButton):
            QTest.keyClick(focused(), Qt.Key.Key_Space)
        assert window.current_step() == CONVERSE
        assert window.controller.position == 2
        assert window.controller.answers[1].rating is Rating.CLEAR
    editor(window, STUDENT).setFocus()
    qtbot.keyClicks(focused(), "I wrote it myself at home")
    assert window.controller.position == 2
    assert editor(window, STUDENT).toPlainText() == "I wrote it myself at home"


def test_escape_or_ctrl_w_closes_the_walk_through_and_keeps_what_was_typed(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    for keys in ("Escape", "Ctrl+W"):
        window = open_window()
        qtbot.keyClicks(focused(), f"closed with {keys}")
        if keys == "Escape":
            QTest.keyClick(focused(), Qt.Key.Key_Escape)
        else:
            key(keys)
        qtbot.waitUntil(lambda w=window: not w.isVisible())  # type: ignore[misc]
        answer = content(store, conversation_id).answers[0]
        assert answer.student_words.endswith(f"closed with {keys}")


def test_a_jump_between_questions_is_said_in_the_status_bar(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    key("Alt+Right")
    key("Alt+Left")
    message = window.statusBar().currentMessage()
    assert message.startswith("Now on question 1 of 5")
    assert "How did you choose your topic?" in message


def test_the_chosen_rating_is_marked_by_more_than_a_shade(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    key("Alt+2")
    chosen = named(window, "Rate: Partly explained")
    other = named(window, "Rate: Explained clearly")
    assert isinstance(chosen, QAbstractButton) and isinstance(other, QAbstractButton)
    assert chosen.text().startswith("✓") and not other.text().startswith("✓")
    assert chosen.accessibleDescription() == "chosen"


def test_a_conversation_resumed_days_later_shows_when_it_began_not_a_huge_clock(
    store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    begun(store, conversation_id)
    window = open_window()
    clock = named(window, "Time since the conversation began")
    assert isinstance(clock, QLabel)
    assert clock.text().startswith("Time 0:0")
    window.close()
    with store.transaction() as session:
        row = session.get(ConversationRow, conversation_id)
        assert row is not None
        row.started_at = dt.datetime(2026, 10, 8, 9, 30, tzinfo=dt.UTC)
    window = open_window()
    clock = named(window, "Time since the conversation began")
    assert isinstance(clock, QLabel)
    began = dt.datetime(2026, 10, 8, 9, 30, tzinfo=dt.UTC).astimezone()
    assert clock.text() == f"Began 8 October 2026 at {began:%H:%M}"


def test_on_a_short_screen_the_step_scrolls_and_the_notes_being_typed_stay_in_view(
    qtbot: QtBot, store: Database, conversation_id: int, open_window: Callable[[], InterviewWindow]
) -> None:
    """A 1366×768 laptop at 150 % leaves about 510 points of height: the window must fit it
    (the step scrolls rather than the window running off the screen), and the box the teacher
    types into is scrolled into view when the keyboard moves there."""
    begun(store, conversation_id)
    window = open_window()
    key("Alt+Right")
    assert window.minimumSizeHint().height() <= 500
    shortest = window.minimumSizeHint().height()
    window.resize(900, shortest)
    qtbot.waitUntil(lambda: window.height() == shortest)
    notes = editor(window, STUDENT)
    assert notes.visibleRegion().isEmpty()  # below the fold at this height
    key("Alt+Right")  # the next question: the notes box keeps the keyboard
    qtbot.waitUntil(lambda: focused() is notes)
    qtbot.waitUntil(lambda: not notes.visibleRegion().isEmpty())
    qtbot.keyClicks(notes, "I drafted it in the library")
    assert notes.toPlainText() == "I drafted it in the library"
