"""The one question of Case › Pass on to the exams officer…, Share with a colleague… and Write
a review note…: it names the case it acts on (a member of staff with several open must see
which one they are handing on), its button says what it does, and a text that is needed keeps
the button off until something is typed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.records import Conversation
from ui.detail_view import qualification_and_title, student_and_number


def describe_case(case: Conversation) -> str:
    """The case in one line, as its teacher knows it: the day of the conversation, the
    student and candidate number, the qualification and title."""
    student = student_and_number(case.student_name, case.candidate_number)
    work = qualification_and_title(case.qualification, case.submission_title)
    return f"{case.held_at.astimezone():%d %b %Y}, {student}, {work}"


class HandOnDialog(QInputDialog):
    """A ``QInputDialog`` (one text), worded for one step of handing a case on."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        case: Conversation,
        question: str,
        accept_text: str,
        field_name: str,
        lines: bool = False,
        required: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setInputMode(QInputDialog.InputMode.TextInput)
        if lines:
            self.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        self.setLabelText(self.tr("Case: {0}").format(describe_case(case)) + "\n\n" + question)
        self.setOkButtonText(accept_text)
        cancel_text = self.tr("Cancel")
        self.setCancelButtonText(cancel_text)
        # The case's title may be long: its lines wrap rather than widen the dialog.
        for label in self.findChildren(QLabel):
            label.setWordWrap(True)
        self.setMinimumWidth(480)
        self.setMaximumWidth(640)
        self.field = self._field(lines)
        self.field.setAccessibleName(field_name)
        self.accept_button = self._button(accept_text)
        self.accept_button.setAccessibleName(accept_text.replace("&", ""))
        self._button(cancel_text).setAccessibleName(cancel_text)
        self._required = required
        if required:
            self.textValueChanged.connect(self._allow_accept)
            self._allow_accept(self.textValue())

    def _field(self, lines: bool) -> QWidget:
        kind: type[QWidget] = QPlainTextEdit if lines else QLineEdit
        found = [w for w in self.findChildren(kind) if w.parent() is self]
        return found[0] if found else self.findChildren(kind)[0]

    def _button(self, text: str) -> QPushButton:
        box = self.findChild(QDialogButtonBox)
        assert box is not None
        return next(b for b in box.findChildren(QPushButton) if b.text() == text)

    def _allow_accept(self, text: str) -> None:
        self.accept_button.setEnabled(bool(text.strip()))

    def answer(self) -> str | None:
        """Ask; the text typed, or None when the step was cancelled (or needed text not given)."""
        if not self.exec():
            return None
        text = self.textValue()
        if self._required and not text.strip():
            return None
        return text
