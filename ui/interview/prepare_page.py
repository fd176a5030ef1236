"""Step 1, Prepare: the work, the signs of concern, the excerpts, who is present, the student's
rights and needs, and the script to follow.  Every change is saved as it is made.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.indicators import INDICATORS
from app.domain.interview import Excerpt
from app.domain.records import ConversationStatus, Staff, StaffRole
from app.domain.rights import RIGHTS
from app.domain.validation import TITLE_MAX as OTHERS_PRESENT_MAX
from app.errors import NotFoundError, OwnWorkError
from app.scripts.library import ScriptEntry, ScriptLibrary
from app.scripts.model import Script, to_snapshot
from ui.interview.controller import InterviewController
from ui.interview.excerpt_dialog import ExcerptDialog
from ui.interview.formatting import long_date
from ui.interview.models import ExcerptListModel
from ui.interview.notes_edit import NotesEdit

NO_SCRIPT = ""  # the script chooser's entry for a conversation of the teacher's own questions
_NOBODY = -1
_ADD_NEW = -2


class ScriptChoices:
    """The library's scripts as read when the window opened (``read`` runs off the GUI
    thread): choosing one in the list then reads no file while the teacher waits."""

    def __init__(self, entries: Sequence[ScriptEntry]) -> None:
        self._entries = list(entries)

    @classmethod
    def read(cls, library: ScriptLibrary) -> ScriptChoices:
        return cls(library.list())

    def list(self) -> list[ScriptEntry]:
        return list(self._entries)

    def get(self, script_id: str) -> Script:
        for entry in self._entries:
            if entry.id == script_id and entry.script is not None:
                return entry.script
        raise NotFoundError(f"There is no script with the id '{script_id}'.")


class PreparePage(QWidget):
    begin_requested = Signal()
    go_to_conversation = Signal()
    problem = Signal(str)

    def __init__(
        self,
        controller: InterviewController,
        scripts: ScriptLibrary | ScriptChoices | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._c = controller
        self._scripts = scripts
        self._loading = True
        self._texts: dict[str, NotesEdit] = {}
        self._script_summary = ""
        self.setAccessibleName(self.tr("Prepare"))
        self.building = self._build()
        """The rest of the page, built a piece a step (the window lets its event loop run in
        between): drive it to its end before using the page."""

    def _build(self) -> Iterator[None]:
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(self._first_column(), 8)
        yield
        columns.addLayout(self._second_column(), 13)
        yield
        columns.addLayout(self._third_column(), 9)
        yield
        inner = QWidget()
        inner.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Columns narrower than their content (1280 logical pixels at 150 %) scroll sideways
        # rather than cut the rights' wording and the excerpt buttons off.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 8)
        layout.addWidget(scroll, 1)
        layout.addWidget(self._begin_bar())
        yield

        self._load()
        controller = self._c
        controller.excerpts_changed.connect(self._show_excerpts)
        controller.status_changed.connect(self._show_status)
        controller.staff_changed.connect(self._fill_staff)
        controller.operation_failed.connect(self._fill_staff)
        self._loading = False

    # --- building ---

    def _notes(
        self, field: str, label: str, placeholder: str, height: int
    ) -> tuple[QLabel, NotesEdit]:
        edit = NotesEdit()
        edit.setAccessibleName(label.replace("&", "").rstrip(":"))
        edit.setPlaceholderText(placeholder)
        edit.setFixedHeight(height)
        edit.textChanged.connect(lambda: self._text_changed(field, edit))
        caption = QLabel(label)
        caption.setBuddy(edit)
        self._texts[field] = edit
        return caption, edit

    def _first_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        work = QGroupBox(self.tr("The work"))
        self._work = QLabel()
        self._work.setWordWrap(True)
        self._work.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._work.setAccessibleName(self.tr("The submission"))
        work_layout = QVBoxLayout(work)
        work_layout.addWidget(self._work)
        column.addWidget(work)

        caption, edit = self._notes(
            "concern_summary",
            self.tr("What raised the &concern:"),
            self.tr("In a sentence or two, what made you want to talk to the student?"),
            60,
        )
        column.addWidget(caption)
        column.addWidget(edit)

        people = QGroupBox(self.tr("Who is present"))
        grid = QGridLayout(people)
        self._lead = QComboBox()
        self._lead.setAccessibleName(self.tr("Member of staff leading the conversation"))
        self._second = QComboBox()
        self._second.setAccessibleName(self.tr("Second member of staff"))
        self._others = QLineEdit()
        self._others.setMaxLength(OTHERS_PRESENT_MAX)
        self._others.setAccessibleName(self.tr("Others present"))
        self._others.setPlaceholderText(self.tr("e.g. parent, support worker, interpreter"))
        for row, (text, widget) in enumerate(
            (
                (self.tr("&Led by:"), self._lead),
                (self.tr("Second &member of staff:"), self._second),
                (self.tr("&Others present:"), self._others),
            )
        ):
            buddy = QLabel(text)
            buddy.setBuddy(widget)
            grid.addWidget(buddy, row, 0)
            grid.addWidget(widget, row, 1)
        grid.setColumnStretch(1, 1)
        self._second_hint = QLabel(self.tr("A second member of staff is recommended."))
        self._second_hint.setWordWrap(True)
        grid.addWidget(self._second_hint, 3, 0, 1, 2)
        self._lead.activated.connect(lambda: self._staff_chosen(self._lead, StaffRole.TEACHER))
        self._second.activated.connect(
            lambda: self._staff_chosen(self._second, StaffRole.SECOND_STAFF)
        )
        self._others.textEdited.connect(self._people_changed)
        column.addWidget(people)
        for field, label, placeholder in (
            (
                "wellbeing_note",
                self.tr("&Wellbeing:"),
                self.tr("How is the student? Any support offered or needed?"),
            ),
            (
                "access_arrangements",
                self.tr("&Access arrangements and adjustments:"),
                self.tr("e.g. extra time, reader, scribe, breaks, a support person"),
            ),
        ):
            caption, edit = self._notes(field, label, placeholder, 56)
            column.addWidget(caption)
            column.addWidget(edit)
        column.addStretch(1)
        return column

    def _second_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        signs = QGroupBox(self.tr("Signs that prompted the concern (none is proof on its own)"))
        grid = QGridLayout(signs)
        grid.setVerticalSpacing(2)
        self._indicator_boxes: dict[str, QCheckBox] = {}
        self._indicator_notes: dict[str, QLineEdit] = {}
        for row, indicator in enumerate(INDICATORS):
            box = QCheckBox(indicator.label)
            box.setToolTip(indicator.hint)
            box.setAccessibleName(indicator.label)
            box.setAccessibleDescription(indicator.hint)
            note = QLineEdit()
            note.setPlaceholderText(self.tr("What you saw"))
            note.setAccessibleName(self.tr("Note on: {0}").format(indicator.label))
            note.setToolTip(indicator.hint)
            note.setMinimumWidth(120)  # a few words; 190 did not fit at 150 % (1280 wide)
            box.toggled.connect(lambda _on, code=indicator.code: self._indicator_changed(code))
            note.textEdited.connect(lambda _t, code=indicator.code: self._indicator_changed(code))
            grid.addWidget(box, row, 0)
            grid.addWidget(note, row, 1)
            self._indicator_boxes[indicator.code] = box
            self._indicator_notes[indicator.code] = note
        grid.setColumnStretch(1, 1)
        column.addWidget(signs)
        caption, edit = self._notes(
            "staff_only_note",
            self.tr("Staff-only &note (never on the student's copy):"),
            self.tr("Anything colleagues should know"),
            56,
        )
        column.addWidget(caption)
        column.addWidget(edit)
        column.addStretch(1)
        return column

    def _third_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        excerpts = QGroupBox(self.tr("Excerpts of the work to ask about"))
        excerpt_layout = QVBoxLayout(excerpts)
        self._excerpt_model = ExcerptListModel(self)
        self._excerpt_list = QListView()
        self._excerpt_list.setModel(self._excerpt_model)
        self._excerpt_list.setAccessibleName(self.tr("Excerpts to ask about"))
        self._excerpt_list.setFixedHeight(84)
        self._excerpt_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._excerpt_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._excerpt_list.activated.connect(lambda _index: self._edit_excerpt())
        excerpt_layout.addWidget(self._excerpt_list)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self._excerpt_buttons: list[QPushButton] = []
        for text, name, slot in (
            (self.tr("A&dd…"), self.tr("Add excerpt"), self._add_excerpt),
            (self.tr("C&hange…"), self.tr("Change excerpt"), self._edit_excerpt),
            (self.tr("&Remove"), self.tr("Remove excerpt"), self._remove_excerpt),
            (self.tr("&Up"), self.tr("Move excerpt up"), lambda: self._move_excerpt(-1)),
            (self.tr("Do&wn"), self.tr("Move excerpt down"), lambda: self._move_excerpt(1)),
        ):
            button = QPushButton(text)
            button.setAccessibleName(name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self._excerpt_buttons.append(button)
        excerpt_layout.addLayout(buttons)
        self._excerpt_list.selectionModel().currentChanged.connect(self._excerpt_selected)
        column.addWidget(excerpts)

        rights = QGroupBox(self.tr("The student's rights and needs"))
        rights_layout = QVBoxLayout(rights)
        rights_layout.setSpacing(3)
        self._rights: dict[str, QCheckBox] = {}
        referral_heading_added = False
        for item in RIGHTS:
            if item.key == "purpose_told":
                continue  # the same fact as the "told the purpose" box beside Begin
            if item.before_referral and not referral_heading_added:
                heading = QLabel(self.tr("If the matter is referred to the awarding body:"))
                heading.setWordWrap(True)
                rights_layout.addSpacing(4)
                rights_layout.addWidget(heading)
                referral_heading_added = True
            row = WrappingCheckBox(item.label)
            row.box.toggled.connect(lambda on, key=item.key: self._right_toggled(key, on))
            rights_layout.addWidget(row)
            self._rights[item.key] = row.box
        column.addWidget(rights)
        column.addStretch(1)
        return column

    def _begin_bar(self) -> QWidget:
        bar = QFrame()
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(10, 6, 10, 6)
        self._purpose = QCheckBox(self.tr("The student was &told the purpose, in neutral terms"))
        self._purpose.setAccessibleName(
            self.tr("The student was told the purpose of the conversation, in neutral terms")
        )
        self._purpose.toggled.connect(self._purpose_toggled)
        script_label = QLabel(self.tr("&Script:"))
        self._script = QComboBox()
        self._script.setAccessibleName(self.tr("Interview script"))
        self._script.setMinimumWidth(300)
        self._script.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._script.setMinimumContentsLength(34)
        script_label.setBuddy(self._script)
        self._script_about = QLabel()
        self._script_about.setAccessibleName(self.tr("About the script"))
        self._script_about.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Wrapped onto a second line where the bar is narrow, rather than cut off mid-word.
        self._script_about.setWordWrap(True)
        self._begin = QPushButton(self.tr("&Begin conversation  ▶"))
        self._begin.setAccessibleName(self.tr("Begin conversation"))
        self._begin.setAutoDefault(True)
        self._begin.clicked.connect(self.begin_requested)
        self._go = QPushButton(self.tr("&Go to the conversation  ▶"))
        self._go.setAccessibleName(self.tr("Go to the conversation"))
        self._go.setAutoDefault(True)
        self._go.clicked.connect(self.go_to_conversation)
        layout.addWidget(self._purpose)
        layout.addSpacing(16)
        layout.addWidget(script_label)
        layout.addWidget(self._script)
        layout.addWidget(self._script_about, 1)
        layout.addWidget(self._begin)
        layout.addWidget(self._go)
        self._script.currentIndexChanged.connect(self._script_changed)
        return bar

    # --- showing ---

    def _load(self) -> None:
        c = self._c
        sub = c.submission
        declaration = (
            self.tr("Declaration signed on {0}").format(
                long_date(sub.declaration_signed_on)
                if sub.declaration_signed_on
                else self.tr("(date not recorded)")
            )
            if sub.declaration_signed
            else self.tr("Declaration not yet signed")
        )
        lines = [
            f"<b>{escape(sub.student_name)}</b>"
            + (f" — {self.tr('candidate')} {sub.candidate_number}" if sub.candidate_number else ""),
            escape(
                " · ".join(
                    p for p in (sub.awarding_body, sub.qualification, sub.component_code) if p
                )
            ),
            escape(sub.title) if sub.title else "",
            escape(" · ".join(p for p in (sub.exam_series, declaration) if p)),
        ]
        self._work.setText("<br>".join(line for line in lines if line))
        prep = c.preparation
        for field in (
            "concern_summary",
            "wellbeing_note",
            "access_arrangements",
            "staff_only_note",
        ):
            self._texts[field].setPlainText(getattr(prep, field))
        self._purpose.setChecked(prep.purpose_explained)
        for key, box in self._rights.items():
            box.setChecked(c.rights.get(key, False))
        for code, box in self._indicator_boxes.items():
            box.setChecked(code in c.indicators)
            self._indicator_notes[code].setText(c.indicators.get(code, ""))
            self._indicator_notes[code].setCursorPosition(0)
            self._indicator_notes[code].setEnabled(code in c.indicators)
        self._others.setText(c.conversation.others_present)
        self._others.setCursorPosition(0)
        self._fill_staff()
        self._fill_scripts()
        self._show_excerpts()
        self._show_status()

    def _fill_staff(self) -> None:
        c = self._c
        for combo, chosen, empty in (
            (self._lead, c.conversation.led_by_id, self.tr("(not recorded)")),
            (self._second, c.conversation.second_staff_id, self.tr("(nobody)")),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(empty, _NOBODY)
            for member in c.staff:
                combo.addItem(member.name, member.id)
            combo.addItem(self.tr("Add someone new…"), _ADD_NEW)
            index = combo.findData(chosen if chosen is not None else _NOBODY)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self._second_hint.setVisible(c.conversation.second_staff_id is None)

    def _fill_scripts(self) -> None:
        self._script.blockSignals(True)
        self._script.clear()
        self._script.addItem(self.tr("Choose a script…"), None)
        if self._scripts is not None:
            for entry in self._scripts.list():
                if entry.script is None:
                    continue
                script = entry.script
                subject = f" ({script.subject})" if script.subject else ""
                self._script.addItem(f"{script.title}{subject}", entry.id)
                self._script.setItemData(
                    self._script.count() - 1, script.description, Qt.ItemDataRole.ToolTipRole
                )
        self._script.addItem(self.tr("No script: my own questions"), NO_SCRIPT)
        self._script.blockSignals(False)
        self._script_changed()

    def _show_excerpts(self) -> None:
        current = self._excerpt_list.currentIndex().row()
        self._excerpt_model.set_excerpts(self._c.excerpts)
        if self._c.excerpts:
            row = min(max(current, 0), len(self._c.excerpts) - 1)
            self._excerpt_list.setCurrentIndex(self._excerpt_model.index(row))
        self._excerpt_selected()

    def _excerpt_selected(self) -> None:
        has = self._excerpt_list.currentIndex().isValid() and not self._c.locked
        for button in self._excerpt_buttons[1:]:
            button.setEnabled(has)
        self._excerpt_buttons[0].setEnabled(not self._c.locked)

    def _show_status(self) -> None:
        c = self._c
        preparing = c.status is ConversationStatus.PREPARING
        self._script.setEnabled(preparing)
        self._begin.setVisible(preparing)
        self._go.setVisible(not preparing)
        self._go.setText(
            self.tr("&Go to the conversation") if not c.locked else self.tr("&Go to the conclusion")
        )
        if not preparing:
            index = self._script.findText(c.script_name)
            if index < 0:
                self._script.addItem(c.script_name, None)
                index = self._script.count() - 1
            self._script.setCurrentIndex(index)
            started = c.started_at.astimezone().strftime("%H:%M") if c.started_at else ""
            self._script_about.setText(
                self.tr("Begun at {0}, with the script as it was then.").format(started)
            )
        if c.locked:
            for widget in self.findChildren(QWidget):
                if isinstance(widget, NotesEdit | QLineEdit):
                    widget.setReadOnly(True)
                elif isinstance(widget, QCheckBox | QComboBox):
                    widget.setEnabled(False)
            self._excerpt_selected()
        self._update_begin()

    def _update_begin(self) -> None:
        missing = []
        if self._script.currentData() is None:
            missing.append(self.tr("choose a script"))
        if not self._purpose.isChecked():
            missing.append(self.tr("tick that the student was told the purpose"))
        self._begin.setEnabled(not missing)
        if self._c.status is not ConversationStatus.PREPARING:
            return
        if missing:
            text = self.tr("To begin, {0}.").format(self.tr(" and ").join(missing))
        else:
            text = self._script_summary
        self._script_about.setText(text)

    def focus_first(self) -> None:
        self._texts["concern_summary"].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- reacting ---

    def _text_changed(self, field: str, edit: NotesEdit) -> None:
        if not self._loading and not self._c.locked:
            self._c.set_preparation_text(field, edit.text())

    def _purpose_toggled(self, on: bool) -> None:
        if not self._loading:
            self._c.set_purpose_explained(on)
            self._c.set_right("purpose_told", on)
        self._update_begin()

    def _right_toggled(self, key: str, on: bool) -> None:
        if not self._loading:
            self._c.set_right(key, on)

    def _indicator_changed(self, code: str) -> None:
        seen = self._indicator_boxes[code].isChecked()
        note = self._indicator_notes[code]
        note.setEnabled(seen)
        if not self._loading:
            self._c.set_indicator(code, seen, note.text())

    def _people_changed(self) -> None:
        if self._loading:
            return
        lead = self._lead.currentData()
        second = self._second.currentData()
        self._c.set_people(
            lead if isinstance(lead, int) and lead >= 0 else None,
            second if isinstance(second, int) and second >= 0 else None,
            self._others.text(),
        )
        self._second_hint.setVisible(self._c.conversation.second_staff_id is None)

    def _staff_chosen(self, combo: QComboBox, role: StaffRole) -> None:
        if combo.currentData() != _ADD_NEW:
            self._people_changed()
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Add a member of staff"))
        dialog.setLabelText(
            self.tr("Name of the member of staff leading the conversation:")
            if combo is self._lead
            else self.tr("Name of the second member of staff:")
        )
        dialog.setAccessibleName(self.tr("Add a member of staff"))
        dialog.textValueSelected.connect(lambda name: self._add_staff(combo, role, name))
        dialog.rejected.connect(self._fill_staff)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _add_staff(self, combo: QComboBox, role: StaffRole, name: str) -> None:
        if not name.strip():
            self._fill_staff()
            return

        def chosen(member: Staff) -> None:
            combo.setCurrentIndex(combo.findData(member.id))
            self._people_changed()

        self._c.add_staff(name, role, chosen)

    def _script_changed(self) -> None:
        script_id = self._script.currentData()
        summary, description = "", ""
        if script_id == NO_SCRIPT:
            summary = self.tr("You add each question as you go (Ctrl+Shift+N).")
        elif script_id is not None and self._scripts is not None:
            try:
                script = self._scripts.get(script_id)
            except OwnWorkError as error:  # a file removed or broken since the list was read
                self.problem.emit(str(error))
            else:
                summary = self.tr("{0} questions").format(script.question_count)
                description = script.description
        self._script_summary = summary
        self._script_about.setToolTip(description)
        self._update_begin()

    def chosen_script(self) -> tuple[dict[str, Any], str] | None:
        """The snapshot and name of the chosen script, read from the library now."""
        script_id = self._script.currentData()
        if script_id == NO_SCRIPT:
            title = self.tr("Own questions")
            empty = {
                "id": "",
                "title": title,
                "subject": "",
                "version": 1,
                "description": "",
                "sections": [],
            }
            return empty, title
        if script_id is None or self._scripts is None:
            return None
        script = self._scripts.get(script_id)
        return to_snapshot(script), script.title

    def _current_excerpt(self) -> Excerpt | None:
        return self._excerpt_model.excerpt(self._excerpt_list.currentIndex().row())

    def _add_excerpt(self) -> None:
        self._open_new_excerpt(None)

    def _open_new_excerpt(self, typed: tuple[str, str] | None) -> None:
        dialog = ExcerptDialog(None, self, typed=typed)

        def save() -> None:
            location, text = dialog.location(), dialog.text()
            # Not added (the server away): the window opens again with what was typed.
            self._c.add_excerpt(location, text, lambda: self._open_new_excerpt((location, text)))

        dialog.accepted.connect(save)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _edit_excerpt(self) -> None:
        excerpt = self._current_excerpt()
        if excerpt is None or excerpt.id is None or self._c.locked:
            return
        excerpt_id = excerpt.id
        dialog = ExcerptDialog(excerpt, self)
        dialog.accepted.connect(
            lambda: self._c.update_excerpt(excerpt_id, dialog.location(), dialog.text())
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _remove_excerpt(self) -> None:
        excerpt = self._current_excerpt()
        if excerpt is not None and excerpt.id is not None:
            self._c.remove_excerpt(excerpt.id)

    def _move_excerpt(self, step: int) -> None:
        excerpt = self._current_excerpt()
        if excerpt is None or excerpt.id is None:
            return
        row = self._excerpt_list.currentIndex().row() + step
        if 0 <= row < len(self._c.excerpts):
            self._c.move_excerpt(excerpt.id, row)
            self._excerpt_list.setCurrentIndex(self._excerpt_model.index(row))


class WrappingCheckBox(QWidget):
    """A check box whose long label wraps; clicking the label ticks the box."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox()
        self.box.setAccessibleName(text)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setBuddy(self.box)
        # Clicks on the label fall through to this widget, which ticks the box.
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.box.isEnabled():
            self.box.toggle()
        event.accept()
