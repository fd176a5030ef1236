"""Step 2, Converse: one question at a time in large type, notes typed live, a rating per answer.

Everything is reachable from the keyboard while typing notes:
Alt+1/2/3 rate (Alt+0 clears), Ctrl+T switches between the student's words and your
observations, Alt+Left/Alt+Right move between questions, Ctrl+K skips, Ctrl+Shift+N adds a
question of your own after this one.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.interview import QUESTION_MAX, Answer
from app.domain.records import Rating
from ui.interview.controller import InterviewController
from ui.interview.formatting import duration, long_date
from ui.interview.notes_edit import NotesEdit
from ui.labels import rating_label

RATINGS = (Rating.CLEAR, Rating.PARTLY, Rating.UNABLE)
# Past this, the clock gives way to when the conversation began (one resumed on another day).
RESUMED_AFTER = dt.timedelta(hours=8)
WEAK = frozenset({Rating.PARTLY, Rating.UNABLE})
STUDENT, OBSERVED = 0, 1

SHORTCUTS = {
    "rate_clear": "Alt+1",
    "rate_partly": "Alt+2",
    "rate_unable": "Alt+3",
    "rate_none": "Alt+0",
    "toggle_notes": "Ctrl+T",
    "previous": "Alt+Left",
    "next": "Alt+Right",
    "skip": "Ctrl+K",
    "add_question": "Ctrl+Shift+N",
}


# A chosen rating or notes mode stands out by more than a darker grey: in the highlight colour
# with a border (not bold: the label would no longer fit the button sized for normal text).
_CHOSEN_STYLE = (
    "QPushButton { padding: 3px 8px; }"
    " QPushButton:checked { background: palette(highlight); color: palette(highlighted-text);"
    " border: 2px solid palette(dark); border-radius: 3px; }"
)


class ConversePage(QWidget):
    conclude_requested = Signal()
    moved = Signal(str)  # a sentence saying which question is now shown, after a jump

    def __init__(self, controller: InterviewController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._c = controller
        self._loading = False
        self.setAccessibleName(self.tr("Converse"))
        self._build()
        self._make_shortcuts()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        controller.answers_changed.connect(self.show_current)
        controller.excerpts_changed.connect(self._fill_excerpts)
        controller.status_changed.connect(self._status_changed)

    # --- building ---

    def _build(self) -> None:
        top = QHBoxLayout()
        self._section = QLabel()
        section_font = QFont(self.font())
        section_font.setPointSizeF(section_font.pointSizeF() * 1.1)
        section_font.setBold(True)
        self._section.setFont(section_font)
        self._section.setAccessibleName(self.tr("Section"))
        self._progress_label = QLabel()
        self._progress_label.setAccessibleName(self.tr("Progress"))
        self._progress = QProgressBar()
        self._progress.setTextVisible(False)
        self._progress.setFixedWidth(220)
        self._progress.setAccessibleName(self.tr("Progress through the questions"))
        self._elapsed = QLabel()
        self._elapsed.setAccessibleName(self.tr("Time since the conversation began"))
        top.addWidget(self._section, 1)
        top.addWidget(self._progress_label)
        top.addWidget(self._progress)
        top.addSpacing(16)
        top.addWidget(self._elapsed)

        self._question = QLabel()
        question_font = QFont(self.font())
        question_font.setPointSize(22)
        self._question.setFont(question_font)
        self._question.setWordWrap(True)
        self._question.setTextFormat(Qt.TextFormat.PlainText)
        self._question.setAccessibleName(self.tr("Question"))
        self._question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._guidance = QLabel()
        self._guidance.setWordWrap(True)
        self._guidance.setTextFormat(Qt.TextFormat.PlainText)
        self._guidance.setAccessibleName(self.tr("Guidance"))
        self._guidance.setStyleSheet("color: palette(placeholder-text); font-style: italic;")

        self._excerpt_box = QGroupBox(self.tr("Excerpt"))
        excerpt_layout = QVBoxLayout(self._excerpt_box)
        excerpt_layout.setContentsMargins(8, 4, 8, 6)
        chooser_row = QHBoxLayout()
        chooser_label = QLabel(self.tr("Asking about e&xcerpt:"))
        self._excerpt_choice = QComboBox()
        self._excerpt_choice.setAccessibleName(self.tr("Excerpt this question is about"))
        chooser_label.setBuddy(self._excerpt_choice)
        chooser_row.addWidget(chooser_label)
        chooser_row.addWidget(self._excerpt_choice, 1)
        excerpt_layout.addLayout(chooser_row)
        self._excerpt_text = QPlainTextEdit()
        self._excerpt_text.setReadOnly(True)
        self._excerpt_text.setMaximumHeight(84)
        self._excerpt_text.setTabChangesFocus(True)
        self._excerpt_text.setAccessibleName(self.tr("Excerpt text"))
        excerpt_layout.addWidget(self._excerpt_text)
        self._excerpt_choice.activated.connect(self._excerpt_chosen)

        rating_row = QHBoxLayout()
        rating_caption = QLabel(self.tr("Rating:"))
        rating_row.addWidget(rating_caption)
        self._rating_group = QButtonGroup(self)
        self._rating_group.setExclusive(False)
        self._rating_buttons: dict[Rating, QPushButton] = {}
        for number, rating in enumerate(RATINGS, start=1):
            button = QPushButton(f"{rating_label(rating)}  (Alt+{number})")
            button.setCheckable(True)
            button.setAutoDefault(False)
            # Out of the typing path: a space typed after a stray Tab must not re-rate.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet(_CHOSEN_STYLE)
            button.setAccessibleName(self.tr("Rate: {0}").format(rating_label(rating)))
            button.clicked.connect(lambda _on, r=rating: self._rate_toggle(r))
            self._rating_group.addButton(button)
            self._rating_buttons[rating] = button
            rating_row.addWidget(button)
        self._answer_state = QLabel()
        self._answer_state.setAccessibleName(self.tr("Answer status"))
        rating_row.addSpacing(12)
        rating_row.addWidget(self._answer_state)
        rating_row.addStretch(1)

        self._follow_ups = QLabel()
        self._follow_ups.setWordWrap(True)
        self._follow_ups.setTextFormat(Qt.TextFormat.PlainText)
        self._follow_ups.setAccessibleName(self.tr("Follow-up prompts"))
        self._follow_ups.setFrameShape(QFrame.Shape.StyledPanel)
        self._follow_ups.setMargin(6)
        follow_font = QFont(self.font())
        follow_font.setPointSizeF(follow_font.pointSizeF() * 1.15)
        self._follow_ups.setFont(follow_font)

        toggle_row = QHBoxLayout()
        self._mode_group = QButtonGroup(self)
        self._mode_buttons = []
        for mode, text, name in (
            (STUDENT, self.tr("Student said (verbatim)"), self.tr("Notes: student said")),
            (OBSERVED, self.tr("I observed"), self.tr("Notes: I observed")),
        ):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+T from the keyboard
            button.setStyleSheet(_CHOSEN_STYLE)
            button.setAccessibleName(name)
            button.clicked.connect(lambda _on, m=mode: self._set_mode(m, focus=True))
            self._mode_group.addButton(button, mode)
            self._mode_buttons.append(button)
            toggle_row.addWidget(button)
        toggle_hint = QLabel(self.tr("Ctrl+T switches"))
        toggle_row.addWidget(toggle_hint)
        toggle_row.addStretch(1)
        self._notes = QStackedWidget()
        self._editors: list[NotesEdit] = []
        notes_font = QFont(self.font())
        notes_font.setPointSizeF(notes_font.pointSizeF() * 1.2)
        for mode, name, placeholder in (
            (
                STUDENT,
                self.tr("What the student said, in their words"),
                self.tr("Type the student's words as they say them…"),
            ),
            (
                OBSERVED,
                self.tr("What you observed"),
                self.tr("What you noticed: hesitation, notes used, what they showed you…"),
            ),
        ):
            editor = NotesEdit()
            editor.setAccessibleName(name)
            editor.setPlaceholderText(placeholder)
            editor.setFont(notes_font)
            editor.reserve(*(QKeySequence(s) for s in SHORTCUTS.values()))
            editor.textChanged.connect(lambda m=mode: self._notes_changed(m))
            self._notes.addWidget(editor)
            self._editors.append(editor)
        self._editors[OBSERVED].setStyleSheet("NotesEdit { background: palette(alternate-base); }")

        self._new_question_row = QWidget()
        new_layout = QHBoxLayout(self._new_question_row)
        new_layout.setContentsMargins(0, 0, 0, 0)
        new_label = QLabel(self.tr("Your &question:"))
        self._new_question = QLineEdit()
        self._new_question.setMaxLength(QUESTION_MAX)
        self._new_question.setAccessibleName(self.tr("Text of your own question"))
        self._new_question.setPlaceholderText(self.tr("Type it, then Enter to add; Esc cancels"))
        new_label.setBuddy(self._new_question)
        self._new_question.returnPressed.connect(self._add_question)
        cancel_new = QShortcut(QKeySequence("Esc"), self._new_question)
        cancel_new.setContext(Qt.ShortcutContext.WidgetShortcut)
        cancel_new.activated.connect(self._cancel_question)
        add_button = QPushButton(self.tr("Add"))
        add_button.setAccessibleName(self.tr("Add this question"))
        add_button.setAutoDefault(False)
        add_button.clicked.connect(self._add_question)
        new_layout.addWidget(new_label)
        new_layout.addWidget(self._new_question, 1)
        new_layout.addWidget(add_button)
        self._new_question_row.hide()

        nav = QHBoxLayout()
        self._previous = self._nav_button(
            self.tr("◀ Previous  (Alt+←)"), self.tr("Previous question"), self.previous
        )
        self._skip = self._nav_button(
            self.tr("Skip  (Ctrl+K)"), self.tr("Skip this question"), self.skip
        )
        self._add = self._nav_button(
            self.tr("Add a question  (Ctrl+Shift+N)"),
            self.tr("Add a question of your own"),
            self.start_question,
        )
        self._next = self._nav_button("", self.tr("Next question"), self.next)
        nav.addWidget(self._previous)
        nav.addStretch(1)
        nav.addWidget(self._skip)
        nav.addWidget(self._add)
        nav.addStretch(1)
        nav.addWidget(self._next)

        self._empty = QLabel(
            self.tr("No questions yet. Press Ctrl+Shift+N to add one of your own.")
        )
        self._empty.setWordWrap(True)
        self._empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        layout.addLayout(top)
        layout.addWidget(self._question)
        layout.addWidget(self._guidance)
        layout.addWidget(self._empty)
        layout.addWidget(self._excerpt_box)
        layout.addLayout(rating_row)
        legend = QLabel(
            self.tr(
                "Alt+1 explained clearly · Alt+2 partly · Alt+3 could not explain · Alt+0 "
                "clears the rating"
            )
        )
        legend.setWordWrap(True)  # a disabled label's pale grey was hard to read: normal text
        legend.setAccessibleName(self.tr("Rating keys"))
        layout.addWidget(legend)
        layout.addWidget(self._follow_ups)
        layout.addLayout(toggle_row)
        layout.addWidget(self._notes, 1)
        layout.addWidget(self._new_question_row)
        layout.addLayout(nav)

    def _nav_button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        # Never in the Tab order: with focus on "Previous", a space typed in the student's
        # words pressed it and the rest of the answer went into the previous question.  The
        # keys in the labels (Alt+←, Alt+→, Ctrl+K, Ctrl+Shift+N) and the mouse still work.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _make_shortcuts(self) -> None:
        actions = {
            "rate_clear": lambda: self.rate(Rating.CLEAR),
            "rate_partly": lambda: self.rate(Rating.PARTLY),
            "rate_unable": lambda: self.rate(Rating.UNABLE),
            "rate_none": lambda: self.rate(None),
            "toggle_notes": self.toggle_notes,
            "previous": self.previous,
            "next": self.next,
            "skip": self.skip,
            "add_question": self.start_question,
        }
        for name, keys in SHORTCUTS.items():
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(actions[name])

    # --- showing ---

    @property
    def _index(self) -> int:
        return self._c.position

    def _current(self) -> Answer | None:
        answers = self._c.answers
        return answers[self._index] if 0 <= self._index < len(answers) else None

    def show_current(self) -> None:
        """Show the question at the controller's position (the last one when past the end)."""
        c = self._c
        if c.answers and self._index >= len(c.answers):
            c.position = len(c.answers) - 1
        answer = self._current()
        self._loading = True
        try:
            has = answer is not None
            self._excerpt_box.hide()
            self._follow_ups.hide()
            self._empty.setVisible(not has)
            for control in (
                *self._rating_buttons.values(),
                *self._mode_buttons,
                *self._editors,
                self._previous,
            ):
                control.setEnabled(has)
            self._skip.setEnabled(has and not c.locked)
            self._add.setEnabled(not c.locked)
            total = len(c.answers)
            self._progress.setRange(0, max(total, 1))
            if answer is None:
                self._section.setText("")
                self._question.setText("")
                self._guidance.setText("")
                self._progress_label.setText(self.tr("No questions"))
                self._progress.setValue(0)
                for editor in self._editors:
                    editor.clear()
                self._next.setText(self.tr("Conclusion ▶  (Alt+→)"))
                return
            self._section.setText(answer.section_title or "")
            own = self.tr("  (your own question)") if answer.unscripted else ""
            self._question.setText(answer.question_text + own)
            guidance, _ = c.question_details(answer)
            self._guidance.setText(guidance)
            self._guidance.setVisible(bool(guidance))
            self._progress_label.setText(
                self.tr("Question {0} of {1}").format(self._index + 1, total)
            )
            self._progress.setValue(self._index + 1)
            self._previous.setEnabled(self._index > 0)
            last = self._index == total - 1
            self._next.setText(
                self.tr("Conclusion ▶  (Alt+→)") if last else self.tr("Next ▶  (Alt+→)")
            )
            self._next.setAccessibleName(
                self.tr("Go on to the conclusion") if last else self.tr("Next question")
            )
            self._editors[STUDENT].setPlainText(answer.student_words)
            self._editors[OBSERVED].setPlainText(answer.observations)
            for editor in self._editors:
                editor.setReadOnly(c.locked)
                editor.moveCursor(editor.textCursor().MoveOperation.End)
            self._fill_excerpts()
            self._show_rating(answer)
            self._set_mode(STUDENT, focus=False)
        finally:
            self._loading = False

    def _show_rating(self, answer: Answer) -> None:
        for number, (rating, button) in enumerate(self._rating_buttons.items(), start=1):
            chosen = answer.rating is rating
            button.setChecked(chosen)
            button.setEnabled(not self._c.locked)
            # Marked by a tick and the words, not only by a shade (colour-blind, high contrast).
            mark = "✓ " if chosen else ""
            button.setText(f"{mark}{rating_label(rating)}  (Alt+{number})")
            button.setAccessibleDescription(self.tr("chosen") if chosen else "")
        if answer.skipped:
            state = self.tr("Skipped")
        elif answer.rating is None:
            state = self.tr("Not rated yet")
        else:
            state = ""
        self._answer_state.setText(state)
        _, follow_ups = self._c.question_details(answer)
        weak = answer.rating in WEAK and bool(follow_ups)
        if weak:
            self._follow_ups.setText(
                self.tr("Follow up:") + "\n" + "\n".join(f"•  {f}" for f in follow_ups)
            )
        self._follow_ups.setVisible(weak)

    def _fill_excerpts(self) -> None:
        answer = self._current()
        excerpts = self._c.excerpts
        visible = answer is not None and (bool(excerpts) or answer.excerpt_id is not None)
        self._excerpt_box.setVisible(visible)
        if not visible or answer is None:
            return
        combo = self._excerpt_choice
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("(none)"), None)
        for number, item in enumerate(excerpts, start=1):
            combo.addItem(f"{number}. {item.location or self.tr('(no location)')}", item.id)
        combo.setCurrentIndex(max(0, combo.findData(answer.excerpt_id)))
        combo.setEnabled(not self._c.locked)
        combo.blockSignals(False)
        shown = self._c.excerpt(answer.excerpt_id)
        self._excerpt_text.setPlainText(shown.text if shown else "")
        self._excerpt_text.setVisible(shown is not None)

    def _status_changed(self) -> None:
        if self._c.started_at is not None and not self._c.locked:
            self._clock.start()
        else:
            self._clock.stop()
        self._tick()
        self.show_current()

    def _tick(self) -> None:
        elapsed = self._c.elapsed()
        if elapsed < RESUMED_AFTER or self._c.started_at is None:
            self._elapsed.setText(self.tr("Time {0}").format(duration(elapsed)))
            return
        # A conversation resumed on another day: a clock of "1172:24:54" tells nobody anything.
        began = self._c.started_at.astimezone()
        self._elapsed.setText(
            self.tr("Began {0} at {1}").format(long_date(began.date()), f"{began:%H:%M}")
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._status_changed()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._clock.stop()

    def focus_notes(self) -> None:
        self._editors[self._notes.currentIndex()].setFocus(Qt.FocusReason.OtherFocusReason)

    def notes_editor(self, mode: int) -> NotesEdit:
        return self._editors[mode]

    # --- acting ---

    def _set_mode(self, mode: int, *, focus: bool) -> None:
        self._notes.setCurrentIndex(mode)
        self._mode_buttons[mode].setChecked(True)
        if focus:
            self.focus_notes()

    def toggle_notes(self) -> None:
        if self._current() is not None:
            self._set_mode(
                OBSERVED if self._notes.currentIndex() == STUDENT else STUDENT, focus=True
            )

    def _notes_changed(self, mode: int) -> None:
        answer = self._current()
        if self._loading or answer is None or self._c.locked:
            return
        field = "student_words" if mode == STUDENT else "observations"
        self._c.set_answer_text(self._index, field, self._editors[mode].text())
        if answer.skipped:  # typing an answer means the question was asked after all
            self._c.set_skipped(self._index, False)
            self._show_rating(self._c.answers[self._index])

    def rate(self, rating: Rating | None) -> None:
        if self._current() is None or self._c.locked:
            return
        self._c.set_rating(self._index, rating)
        self._show_rating(self._c.answers[self._index])

    def _rate_toggle(self, rating: Rating) -> None:
        answer = self._current()
        self.rate(None if answer is not None and answer.rating is rating else rating)
        self.focus_notes()

    def go_to(self, index: int) -> None:
        if self._c.locked:
            self._c.position = index
        else:
            self._c.set_position(index)
        if index >= len(self._c.answers):
            self.conclude_requested.emit()
            return
        self.show_current()
        self.focus_notes()
        answer = self._current()
        if answer is not None:
            # Said where it happens, so that a jump by a stray key is seen at once.
            self.moved.emit(
                self.tr("Now on question {0} of {1}: {2}").format(
                    index + 1, len(self._c.answers), answer.question_text
                )
            )

    def previous(self) -> None:
        if self._index > 0:
            self.go_to(self._index - 1)

    def next(self) -> None:
        self.go_to(self._index + 1 if self._c.answers else 0)

    def skip(self) -> None:
        answer = self._current()
        if answer is None or self._c.locked:
            return
        if answer.rating is None:
            self._c.set_skipped(self._index, True)
        self.next()

    def start_question(self) -> None:
        if self._c.locked:
            return
        self._new_question_row.show()
        self._new_question.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _cancel_question(self) -> None:
        self._new_question.clear()
        self._new_question_row.hide()
        self.focus_notes()

    def _add_question(self) -> None:
        text = self._new_question.text().strip()
        if not text:
            return
        self._new_question.clear()
        self._new_question_row.hide()
        self._c.add_question(text, self.go_to, lambda: self._question_not_added(text))

    def _question_not_added(self, text: str) -> None:
        """The server could not take the question: its text back in the box, nothing lost."""
        if not self._new_question.text():
            self._new_question.setText(text)
        self._new_question_row.show()

    def _excerpt_chosen(self) -> None:
        answer = self._current()
        if answer is None or self._c.locked:
            return
        excerpt_id = self._excerpt_choice.currentData()
        self._c.set_answer_excerpt(self._index, excerpt_id)
        self._fill_excerpts()
