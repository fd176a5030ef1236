"""The walk-through window: Prepare, Converse, Conclude, for one conversation.

Reopening a conversation resumes where it was left: at Prepare until it has begun, then at the
question on screen when the window closed (or the conclusion), and at Conclude once finished.

The window opens at once and reads the conversation through the runner (ui/operation.py), so a
slow server never holds the GUI thread; the pages are built when it arrives (``opened``).  A
journal left by a crash while the server was away (app/services/journal.py) is replayed first,
on the runner's writing thread, so the pages show what was typed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.records import ConversationStatus
from app.errors import OwnWorkError
from app.scripts.library import ScriptLibrary
from app.services import Database, interviews
from app.services.interviews import Opening
from app.services.journal import FOLDER as JOURNAL_FOLDER
from app.services.journal import Journal, Kept, replay_keeping
from ui.interview.conclude_page import ConcludePage
from ui.interview.controller import InterviewController
from ui.interview.converse_page import ConversePage
from ui.interview.prepare_page import PreparePage, ScriptChoices
from ui.keyboard_map import show_keyboard_map
from ui.operation import Runner
from ui.server_away import kept_sentence
from ui.window_size import fit_to_screen

log = logging.getLogger(__name__)

PREPARE, CONVERSE, CONCLUDE = 0, 1, 2
STEP_KEYS = ("Ctrl+PgUp", "Ctrl+PgDown")


class InterviewWindow(QMainWindow):
    # The conversation's id, when it begins, is concluded, or the window closes: lists refresh.
    conversation_changed = Signal(int)
    opened = Signal()  # the conversation has been read and the pages built

    controller: InterviewController

    def __init__(
        self,
        store: Database,
        conversation_id: int,
        scripts: ScriptLibrary | None,
        parent: QWidget | None = None,
        *,
        data_dir: Path | None = None,
    ) -> None:
        """``data_dir`` is the data folder, whose ``journal`` keeps the edits while the server
        cannot be reached; by default the SQLite store's folder, or the scripts' (a server
        store has no folder of its own)."""
        super().__init__(parent)
        self._conversation_id = conversation_id
        self._is_open = False
        self.setWindowTitle(self.tr("Opening the conversation…"))
        self._opening = QLabel(self.tr("Opening the conversation…"))
        self._opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._opening.setWordWrap(True)
        self.setCentralWidget(self._opening)
        fit_to_screen(self, 1366, 768)
        folder = data_dir or _data_folder(store, scripts)
        journal = (
            Journal.for_conversation(folder / JOURNAL_FOLDER, store, conversation_id)
            if folder is not None
            else None
        )
        principal = store.principal
        runner = Runner.instance()

        def load() -> tuple[Opening, ScriptChoices | None]:
            # The scripts too: reading the library is file work the GUI thread should not do.
            choices = ScriptChoices.read(scripts) if scripts is not None else None
            return interviews.opening(principal, store, conversation_id), choices

        def read() -> None:
            runner.read(
                load,
                success=lambda found: self._build(store, found[0], found[1], journal),
                failure=self._not_opened,
                owner=self,
                lane="walkthrough",
            )

        def replayed(result: tuple[object, Kept | None]) -> None:
            kept = result[1]
            self._replay_refused = kept_sentence(kept) if kept is not None else ""
            read()

        self._replay_refused = ""
        if journal is not None and journal.exists():
            runner.write(
                lambda: replay_keeping(principal, store, journal),
                success=replayed,
                failure=self._not_opened,
                owner=self,
            )
        else:
            read()

    def is_open(self) -> bool:
        """Whether the conversation has been read and the pages built."""
        return self._is_open

    def _not_opened(self, error: BaseException) -> None:
        if not isinstance(error, OwnWorkError):
            log.error("the conversation could not be opened", exc_info=error)
        message = str(error) if isinstance(error, OwnWorkError) else type(error).__name__
        self.setWindowTitle(self.tr("Conversation not opened"))
        self._opening.setText(self.tr("This conversation could not be opened. {0}").format(message))

    def _build(
        self,
        store: Database,
        opened: Opening,
        scripts: ScriptChoices | None,
        journal: Journal | None,
    ) -> None:
        """Build the pages a piece at a time, letting the event loop run in between: all of
        them at once hold the GUI thread longer than a keystroke may wait (on a busy
        classroom laptop, about a tenth of a second)."""
        steps = self._building(store, opened, scripts, journal)

        # A timer of the window's own: it stops with the window, so a window closed while it is
        # being built builds no further.
        timer = QTimer(self)
        timer.setSingleShot(True)

        def step() -> None:
            try:
                next(steps)
            except StopIteration:
                timer.deleteLater()
                return
            timer.start(0)

        timer.timeout.connect(step)
        step()

    def _building(
        self,
        store: Database,
        opened: Opening,
        scripts: ScriptChoices | None,
        journal: Journal | None,
    ) -> Iterator[None]:
        self.controller = InterviewController(
            store, self._conversation_id, self, opened=opened, journal=journal
        )
        c = self.controller
        self.setWindowTitle(
            self.tr("Conversation with {0} — {1}").format(
                c.submission.student_name, c.submission.qualification
            )
        )
        self.setAccessibleName(self.windowTitle())
        self._local_problem = ""
        self._problems: tuple[str, ...] = ()

        self.prepare_page = PreparePage(c, scripts)
        yield
        yield from self.prepare_page.building
        yield
        self.converse_page = ConversePage(c)
        yield
        self.conclude_page = ConcludePage(c)
        yield
        self._stack = QStackedWidget()
        for page in (self.prepare_page, self.converse_page, self.conclude_page):
            self._stack.addWidget(_scrolling(page))

        step_bar = QHBoxLayout()
        step_bar.setContentsMargins(12, 8, 12, 4)
        self._steps = QButtonGroup(self)
        self._step_buttons: list[QPushButton] = []
        for number, (text, name) in enumerate(
            (
                (self.tr("1  Prepare"), self.tr("Step 1: Prepare")),
                (self.tr("2  Converse"), self.tr("Step 2: Converse")),
                (self.tr("3  Conclude"), self.tr("Step 3: Conclude")),
            )
        ):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setAccessibleName(name)
            button.setAccessibleDescription(self.tr("Ctrl+PgUp and Ctrl+PgDown change step"))
            # Out of the typing path, like the question buttons: a stray Tab and a space
            # typed in an answer must not switch step.  Ctrl+PgUp/PgDown and the menu do.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumWidth(150)
            button.clicked.connect(lambda _on, step=number: self.show_step(step))
            self._steps.addButton(button, number)
            self._step_buttons.append(button)
            step_bar.addWidget(button)
            if number < 2:
                arrow = QLabel("›")
                arrow.setAccessibleName(self.tr("then"))
                step_bar.addWidget(arrow)
        step_bar.addStretch(1)
        self._who = QLabel()
        self._who.setAccessibleName(self.tr("Student and work"))
        step_bar.addWidget(self._who)
        sub = c.submission
        self._who.setText(
            " · ".join(p for p in (sub.student_name, sub.candidate_number, sub.qualification) if p)
        )

        self._banner = QLabel()
        self._banner.setWordWrap(True)
        self._banner.setAccessibleName(self.tr("Saving problem"))
        self._banner.setFrameShape(QFrame.Shape.StyledPanel)
        self._banner.setMargin(8)
        self._banner.setStyleSheet(
            "QLabel { background: #fff3cd; color: #5c3c00; border: 1px solid #d39e00; }"
        )
        self._banner.hide()

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(step_bar)
        layout.addWidget(self._banner)
        layout.addWidget(self._stack, 1)
        # Replaces (and deletes) the "Opening…" label.  A widget added to a window already on
        # screen is shown only later, from the event loop: show it now, so that the keyboard
        # reaches the pages as soon as they are there.
        self.setCentralWidget(central)
        if self.isVisible():
            central.show()
        yield

        self._save_state = QLabel()
        self._save_state.setAccessibleName(self.tr("Saving"))
        self.statusBar().addPermanentWidget(self._save_state)
        self.statusBar().showMessage(
            self.tr("Changes are saved as you type. Ctrl+PgUp / Ctrl+PgDown change step.")
        )
        self._save_state.setText(self.tr("All changes saved"))

        for keys, step in zip(STEP_KEYS, (-1, 1), strict=True):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda s=step: self._step_by(s))
        self._build_menus()
        yield

        autosaver = c.autosaver
        autosaver.problems_changed.connect(self._show_problems)
        autosaver.unsaved.connect(lambda: self._save_state.setText(self.tr("Saving…")))
        autosaver.settled.connect(self._settled)
        autosaver.offline_changed.connect(lambda _offline: self._render_banner())
        c.status_changed.connect(self._status_changed)
        self.prepare_page.begin_requested.connect(self._begin)
        self.prepare_page.go_to_conversation.connect(self._resume_conversation)
        self.prepare_page.problem.connect(self._show_local_problem)
        self.converse_page.conclude_requested.connect(lambda: self.show_step(CONCLUDE))
        self.converse_page.moved.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.conclude_page.back_requested.connect(self._back_to_questions)
        self.conclude_page.question_requested.connect(self._open_question)
        self.conclude_page.finished.connect(lambda: self.show_step(CONCLUDE))

        self.show_step(self._resume_step())
        if self.focusWidget() is None:
            # The step's first field may be disabled (a concluded record): as a window being
            # shown would, give the focus to the first control that takes it.
            self.focusNextChild()
        self._is_open = True
        if self._replay_refused:
            # Edits kept on this computer that the record no longer takes (concluded meanwhile).
            self._show_local_problem(self._replay_refused)
        elif autosaver.kept_locally():
            self._render_banner()
        self.opened.emit()

    # --- steps ---

    def _resume_step(self) -> int:
        c = self.controller
        if c.status is ConversationStatus.PREPARING:
            return PREPARE
        if c.locked or (c.answers and c.position >= len(c.answers)):
            return CONCLUDE
        return CONVERSE

    def current_step(self) -> int:
        return self._stack.currentIndex()

    def show_step(self, step: int) -> None:
        c = self.controller
        begun = c.status is not ConversationStatus.PREPARING
        if step != PREPARE and not begun:
            step = PREPARE
        if step == CONCLUDE and not c.locked and c.position < len(c.answers):
            c.set_position(len(c.answers))
        if step == CONVERSE and c.position >= len(c.answers) and c.answers:
            c.position = len(c.answers) - 1
            if not c.locked:
                c.set_position(c.position)
        for number, button in enumerate(self._step_buttons):
            button.setEnabled(number == PREPARE or begun)
        self._step_buttons[step].setChecked(True)
        self._stack.setCurrentIndex(step)
        if step == PREPARE:
            self.prepare_page.focus_first()
        elif step == CONVERSE:
            self.converse_page.show_current()
            self.converse_page.focus_notes()
        else:
            self.conclude_page.focus_first()

    def _step_by(self, step: int) -> None:
        target = self.current_step() + step
        if PREPARE <= target <= CONCLUDE:
            self.show_step(target)

    def _begin(self) -> None:
        try:
            chosen = self.prepare_page.chosen_script()
        except OwnWorkError as error:
            self._show_local_problem(str(error))
            return
        if chosen is None:
            return
        snapshot, name = chosen
        self.controller.begin(snapshot, name)

    def _status_changed(self) -> None:
        c = self.controller
        self.conversation_changed.emit(c.conversation_id)
        if c.status is ConversationStatus.IN_PROGRESS and self.current_step() == PREPARE:
            self.show_step(CONVERSE)
        elif c.locked:
            self.show_step(CONCLUDE)

    def _resume_conversation(self) -> None:
        self.show_step(CONCLUDE if self.controller.locked else CONVERSE)

    def _back_to_questions(self) -> None:
        self.show_step(CONVERSE)

    def _open_question(self, index: int) -> None:
        c = self.controller
        if c.locked:
            c.position = index
        else:
            c.set_position(index)
        self.show_step(CONVERSE)

    # --- saving ---

    def _settled(self) -> None:
        autosaver = self.controller.autosaver
        if autosaver.kept_locally():
            self._save_state.setText(self.tr("Kept on this computer"))
        elif not autosaver.has_unsaved():
            self._save_state.setText(self.tr("All changes saved"))

    def _show_problems(self, messages: tuple[str, ...]) -> None:
        self._problems = messages
        self._render_banner()

    def _show_local_problem(self, message: str) -> None:
        self._local_problem = message
        self._render_banner()

    def _render_banner(self) -> None:
        messages = [*self._problems, self._local_problem]
        messages = [m for m in messages if m]
        offline = self.controller.autosaver.kept_locally()
        if offline:
            lines = [
                self.tr(
                    "The school's server cannot be reached. What you type is kept on this "
                    "computer, and OwnWork saves it to the server as soon as it is back."
                )
            ]
            # Each problem is a sentence of its own, on a line of its own.
            lines.extend(messages)
            self._banner.setText("\n".join(lines))
            self._banner.show()
            self._save_state.setText(self.tr("Kept on this computer"))
            return
        if not messages:
            self._banner.hide()
            if not self.controller.autosaver.has_unsaved():
                self._save_state.setText(self.tr("All changes saved"))
            return
        lines = [
            self.tr("Not saved: {0}").format(messages[0]),
            self.tr("What you typed is still on screen; OwnWork keeps trying to save it."),
        ]
        if len(messages) > 1:
            lines.append(self.tr("Also: {0}").format(" ".join(messages[1:])))
        self._banner.setText("\n".join(lines))
        self._banner.show()
        self._save_state.setText(self.tr("Not saved"))

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Conversation"))
        # The step keys are QShortcuts of the window; the menu only names them ("\t" shows a
        # key without taking it, so the two never compete for it).
        previous = menu.addAction(self.tr("&Previous step") + "\t" + STEP_KEYS[0])
        previous.triggered.connect(lambda: self._step_by(-1))
        following = menu.addAction(self.tr("&Next step") + "\t" + STEP_KEYS[1])
        following.triggered.connect(lambda: self._step_by(1))
        menu.addSeparator()
        close = menu.addAction(self.tr("&Close (everything is saved)"))
        close.setShortcut(QKeySequence("Ctrl+W"))
        close.triggered.connect(self.close)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        keys = help_menu.addAction(self.tr("&Keyboard map"))
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(lambda: show_keyboard_map(self))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # An Escape no field or list has used closes the window, as in the dialogs; what was
        # typed is saved on closing (closeEvent), so nothing is lost.
        if event.key() == Qt.Key.Key_Escape and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._is_open:
            super().closeEvent(event)
            return
        autosaver = self.controller.autosaver
        if not autosaver.flush():
            answer = QMessageBox.warning(
                self,
                self.tr("Changes not saved"),
                self.tr(
                    "Some changes could not be saved:\n\n{0}\n\nClose anyway and lose them, or "
                    "keep the window open and try again?"
                ).format(self._banner.text()),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        autosaver.close()
        self.conversation_changed.emit(self.controller.conversation_id)
        super().closeEvent(event)


def _data_folder(store: Database, scripts: ScriptLibrary | None) -> Path | None:
    """The data folder, for the journal: the personal store's folder; for a server store, the
    folder the teacher's own scripts live in (the data folder's ``scripts``)."""
    if store.path is not None:
        return store.path.parent
    if scripts is not None:
        return scripts.folder.parent
    return None


def _scrolling(page: QWidget) -> QScrollArea:
    """``page`` in a frameless area that scrolls when the window is shorter than the page: a
    1366×768 laptop at 150 % (common in schools) leaves about 510 points of height, less than
    a step needs, and the window would otherwise run off the screen or squeeze the question.
    The area takes no focus, so Tab goes from field to field as before, and it scrolls to
    whichever field the keyboard reaches."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    _FollowFocus(area)
    return area


class _FollowFocus(QObject):
    """Keeps the field the keyboard is in on screen inside its area: when the focus moves there
    (Tab scrolls by itself; Next question and the shortcuts do not), when a key is pressed in
    it (the notes box keeps the focus from one question to the next), and when the page is
    laid out again (a longer question pushes the notes down).  A child of the area, so it goes
    with it."""

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area)
        self._area = area
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._show_focus)
        page = area.widget()
        if page is not None:
            page.installEventFilter(self)
            for field in page.findChildren(QWidget):
                if field.focusPolicy() != Qt.FocusPolicy.NoFocus:
                    field.installEventFilter(self)

    def _show_focus(self, *_moved: object) -> None:
        page = self._area.widget()
        field = QApplication.focusWidget()
        if field is not None and page is not None and page.isAncestorOf(field):
            self._area.ensureWidgetVisible(field, 0, 24)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A shortcut (Alt+→ for the next question) reaches the field only as ShortcutOverride;
        # the page's new layout comes after it, as a Resize of the page.
        if event.type() in _FOLLOWED:
            self._show_focus()
        return False


_FOLLOWED = frozenset({QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.Resize})
