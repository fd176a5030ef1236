"""Finalising a concluded conversation, and amending a concluded record with a reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.canonical import grouped
from app.domain.records import Conversation
from app.integrity.amendments import AmendableField, Amendment
from app.integrity.finalise import Finalisation
from app.services import Database, Outcome, integrity, records
from ui.dialogs.form import FormDialog
from ui.errors import report
from ui.integrity.labels import local_time
from ui.interview.notes_edit import NotesEdit
from ui.labels import finalise_explanation
from ui.operation import Runner, load

# Field names as a teacher reads them (the record's own names are for the code and the files).
_FIELD_WORDS = {
    "upn": "UPN",
    "candidate_number": "candidate number",
    "student_words": "the student's words",
    "observations": "your observations",
    "question_text": "the question's wording",
    "next_step": "next step",
    "student_account": "the student's own account",
    "concern_summary": "what raised the concern",
    "staff_only_note": "staff-only note",
    "wellbeing_note": "wellbeing",
    "others_present": "others present",
    "second_staff": "second member of staff",
    "led_by": "led by",
}
_PREVIEW = 60  # characters of a question or value shown in the list


@dataclass(frozen=True)
class FieldChoice:
    path: str
    text: str


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _PREVIEW else line[: _PREVIEW - 1] + "…"


def describe_fields(fields: list[AmendableField]) -> list[FieldChoice]:
    """Each field with what it is about and its value now: "Question 3 (“Where did your main
    source…”): the student's words = “From the library”"."""
    questions = {
        f.path.split(".")[1]: f.value
        for f in fields
        if f.path.startswith("answers.") and f.path.endswith(".question_text")
    }
    choices = []
    for f in fields:
        leaf = f.path.rsplit(".", 1)[-1]
        label = f.label
        plain = leaf.replace("_", " ")
        if leaf in _FIELD_WORDS and label.endswith(plain):
            label = label[: -len(plain)] + _FIELD_WORDS[leaf]
        parts = f.path.split(".")
        if parts[0] == "answers" and len(parts) > 2 and leaf != "question_text":
            question = questions.get(parts[1], "")
            if question:
                label = label.replace(
                    f"Question {parts[1]}:", f"Question {parts[1]} (“{_short(question)}”):", 1
                )
        value = (
            f"“{_short(f.value)}”"
            if f.value
            else QCoreApplication.translate("AmendDialog", "(empty)")
        )
        choices.append(FieldChoice(f.path, f"{label} = {value}"))
    return choices


class FinaliseDialog(QDialog):
    """Explains what finalising means, does it on request, then shows the integrity code."""

    finalised = Signal(int)  # the conversation id

    def __init__(self, store: Database, conversation_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._store, self._conversation_id = store, conversation_id
        self.setWindowTitle(
            self.tr("Finalise the record of conversation {0}").format(conversation_id)
        )
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(560)
        self.about = about = QLabel(self.tr("Loading the conversation…"))
        about.setWordWrap(True)
        self.explanation = QLabel(finalise_explanation())
        self.explanation.setWordWrap(True)
        self.code_label = QLabel()
        self.code_label.setWordWrap(True)
        self.code_label.setAccessibleName(self.tr("Integrity code"))
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.finalise_button = QPushButton(self.tr("&Finalise"))
        self.finalise_button.setAccessibleName(self.tr("Finalise the record"))
        self.buttons.addButton(self.finalise_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.finalise_button.clicked.connect(self._finalise)
        self.buttons.rejected.connect(self.reject)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.setAccessibleName(self.tr("Cancel"))
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.explanation)
        layout.addWidget(self.code_label)
        layout.addWidget(self.buttons)
        # Read on a reading thread: the dialog shows at once, Finalise enabled once it is known
        # that the conversation can be finalised.
        self.finalise_button.setEnabled(False)
        self.loading = True
        principal = store.principal
        load(
            self,
            lambda: (
                records.get_conversation(principal, store, conversation_id),
                integrity.finalisation(principal, store, conversation_id),
            ),
            self._fill,
        )

    def _fill(self, read: tuple[Conversation, Finalisation | None]) -> None:
        header, existing = read
        self.about.setText(
            self.tr("{0} ({1}), {2}, conversation held on {3}.").format(
                header.student_name,
                header.candidate_number or self.tr("no candidate number"),
                header.qualification,
                local_time(header.held_at),
            )
        )
        if existing is not None:
            self._show(existing)
        elif header.status.value != "concluded":
            self.explanation.setText(
                self.tr("This conversation has not been concluded yet, so it cannot be finalised.")
            )
        else:
            self.finalise_button.setEnabled(True)
        self.finalise_button.setDefault(self.finalise_button.isEnabled())
        self.loading = False

    def _finalise(self) -> None:
        """On the writing thread; the dialog waits with its buttons disabled."""
        principal, store, conversation_id = (
            self._store.principal,
            self._store,
            self._conversation_id,
        )
        self.buttons.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            report(self, error)

        Runner.instance().write(
            lambda: integrity.finalise(principal, store, conversation_id),
            success=self._finalised,
            failure=failed,
            owner=self,
        )

    def _finalised(self, outcome: Outcome[Finalisation]) -> None:
        # The runner has announced what changed; the lists follow.
        self.buttons.setEnabled(True)
        self._show(outcome.value)
        self.finalised.emit(self._conversation_id)

    def _show(self, done: Finalisation) -> None:
        self.explanation.setText(
            self.tr("Finalised on {0} by {1}. The record can no longer be changed.").format(
                local_time(done.finalised_at), done.finalised_by
            )
        )
        self.code_label.setText(self.tr("Integrity code: {0}").format(grouped(done.content_hash)))
        self.finalise_button.hide()
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close"))
        self.close_button.setFocus()


class AmendDialog(FormDialog):
    """Choose a field, give the corrected value and the reason; the original stays."""

    amended = Signal(object)  # the Amendment

    def __init__(self, store: Database, conversation_id: int, parent: QWidget | None = None):
        super().__init__(self.tr("Amend conversation {0}").format(conversation_id), parent)
        self._store, self._conversation_id = store, conversation_id
        self._fields: list[AmendableField] = []  # read on a reading thread (``_fill``)
        self.setMinimumWidth(680)
        self.field = QComboBox()
        # Searchable: about 190 fields, found by any words of the question, the field or the
        # value (e.g. "chepstow" or "upn"), not by scrolling through "Question 17: …" entries.
        self.field.setEditable(True)
        self.field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.field.setMinimumContentsLength(50)
        self.field.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        completer = self.field.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
            completer.activated[QModelIndex].connect(self._completed)  # type: ignore[index]
        self.current = QPlainTextEdit()
        self.current.setReadOnly(True)
        self.current.setMaximumHeight(90)
        # Ctrl+Enter submits from the text boxes too (plain Enter starts a new line there).
        self.value = NotesEdit()
        self.reason = NotesEdit()
        for box in (self.value, self.reason):
            box.reserve(QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter"))
        self.reason.setMaximumHeight(90)
        self.add_field(
            "path",
            self.tr("&Field"),
            self.field,
            self.tr("Type any words of the question, the field or its value to find it."),
        )
        self.add_field(
            "current",
            self.tr("As it stands"),
            self.current,
            self.tr("The original, or its latest amendment."),
        )
        self.add_field(
            "value",
            self.tr("&Corrected value"),
            self.value,
            self.tr("The original is kept and shown beside the correction."),
        )
        self.add_field("reason", self.tr("&Reason"), self.reason, self.tr("Required."))
        save = self.buttons.button(self.buttons.StandardButton.Save)
        save.setText(self.tr("Add amendment"))
        save.setAccessibleName(self.tr("Add amendment"))
        self.field.currentIndexChanged.connect(self._show_current)
        self.made: Amendment | None = None
        principal = store.principal
        self.load(lambda: integrity.amendable_fields(principal, store, conversation_id), self._fill)

    def _fill(self, fields: list[AmendableField]) -> None:
        self._fields = fields
        for item in describe_fields(fields):
            self.field.addItem(item.text, item.path)
            self.field.setItemData(self.field.count() - 1, item.text, Qt.ItemDataRole.ToolTipRole)
        default = next((i for i, f in enumerate(fields) if f.path == "outcome.next_step"), 0)
        self.field.setCurrentIndex(default)
        self._show_current()

    def _completed(self, index: QModelIndex) -> None:
        # The completer's popup lists matching entries; choosing one chooses that field.
        found = self.field.findText(str(index.data()), Qt.MatchFlag.MatchExactly)
        if found >= 0:
            self.field.setCurrentIndex(found)

    def _show_current(self) -> None:
        index = self.field.currentIndex()
        self.current.setPlainText(self._fields[index].value if index >= 0 else "")

    def choose(self, path: str) -> None:
        self.field.setCurrentIndex(self.field.findData(path))

    def write(self) -> Callable[[], Outcome[Amendment]]:
        principal, store, conversation_id = (
            self._store.principal,
            self._store,
            self._conversation_id,
        )
        path, new_value = str(self.field.currentData()), self.value.toPlainText()
        reason = self.reason.toPlainText()
        return lambda: integrity.amend(
            principal, store, conversation_id, path=path, new_value=new_value, reason=reason
        )

    def written(self, result: Outcome[Amendment]) -> None:
        self.made = result.value
        self.amended.emit(self.made)
