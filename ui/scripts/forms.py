"""The forms beside the script tree: one for the script, one for a section, one for a question.

Each form reports every change with ``edited(field, value)`` and shows the core's validation
messages beside the fields they concern.  Messages about the item as a whole (a section with
no questions) appear at the top of the form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b00020; font-weight: 600;"
HINT_STYLE = "color: palette(placeholder-text);"


class FieldForm(QWidget):
    edited = Signal(str, object)

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(heading)
        self._widgets: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        title = QLabel(f"<b>{heading}</b>", self)
        title.setAccessibleName(heading)
        outer.addWidget(title)
        self._general = self._error_label(self.tr("Problems with this item"))
        outer.addWidget(self._general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        outer.addLayout(self.form)
        outer.addStretch(1)

    # Building

    def add_line(self, name: str, label: str, hint: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.textEdited.connect(lambda text: self.edited.emit(name, text))
        self._add(name, label, edit, hint)
        return edit

    def add_text(self, name: str, label: str, lines: int, hint: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        # Tab moves on to the next field, as in every other form: the text never needs a tab.
        edit.setTabChangesFocus(True)
        height = edit.fontMetrics().lineSpacing() * lines + 12
        edit.setMinimumHeight(height)
        edit.setMaximumHeight(height * 2)
        edit.textChanged.connect(lambda: self._text_changed(name, edit))
        self._add(name, label, edit, hint)
        return edit

    def add_check(self, name: str, label: str, hint: str = "") -> QCheckBox:
        box = QCheckBox(label, self)
        box.toggled.connect(lambda on: None if self._loading else self.edited.emit(name, on))
        self._add(name, "", box, hint, accessible=label)
        return box

    def _add(self, name: str, label: str, widget: QWidget, hint: str, accessible: str = "") -> None:
        container = QWidget(self)
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            note = QLabel(hint, container)
            note.setWordWrap(True)
            note.setStyleSheet(HINT_STYLE)
            column.addWidget(note)
            widget.setAccessibleDescription(hint)
        plain = accessible or label.replace("&", "").rstrip(":")
        error = self._error_label(self.tr("{0}: problem").format(plain))
        column.addWidget(error)
        widget.setAccessibleName(plain)
        if label:
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            self.form.addRow(caption, container)
        else:
            self.form.addRow(container)
        self._widgets[name] = widget
        self._errors[name] = error

    def _error_label(self, accessible_name: str) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.setAccessibleName(accessible_name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        label.hide()
        return label

    def _text_changed(self, name: str, edit: QPlainTextEdit) -> None:
        if not self._loading:
            self.edited.emit(name, edit.toPlainText())

    # Using

    def widget(self, name: str) -> QWidget:
        return self._widgets[name]

    def set_values(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for name, value in values.items():
                widget = self._widgets.get(name)
                if isinstance(widget, QLineEdit):
                    widget.setText("" if value is None else str(value))
                    widget.setCursorPosition(0)
                elif isinstance(widget, QPlainTextEdit):
                    widget.setPlainText("" if value is None else str(value))
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
        finally:
            self._loading = False

    def show_problems(self, problems: dict[str, str]) -> None:
        """Messages by field name; a name without a field of its own goes to the top."""
        for name, label in self._errors.items():
            message = problems.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
        general = [message for name, message in problems.items() if name not in self._errors]
        self._general.setText("\n".join(general))
        self._general.setVisible(bool(general))

    def focus_field(self, name: str) -> None:
        widget = self._widgets.get(name)
        if widget is None:
            widget = next(iter(self._widgets.values()))
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


class ScriptForm(FieldForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Script"), parent)
        self.add_line("title", self.tr("Title:"))
        self.add_line(
            "subject", self.tr("Subject:"), self.tr("Which subjects or courses it suits.")
        )
        self.add_text(
            "description",
            self.tr("Description:"),
            4,
            self.tr("When to use the script and how to prepare."),
        )
        self.id_edit = self.add_line(
            "id",
            self.tr("Id:"),
            self.tr("Lower-case letters, digits, '-' and '_'. Fixed once the script is saved."),
        )
        version = self.add_line(
            "version",
            self.tr("Version:"),
            self.tr("Goes up by one each time changes are saved."),
        )
        version.setReadOnly(True)

    def set_id_editable(self, editable: bool) -> None:
        self.id_edit.setReadOnly(not editable)


class SectionForm(FieldForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Section"), parent)
        self.add_line("title", self.tr("Title:"))
        self.add_line(
            "id",
            self.tr("Id:"),
            self.tr("Unique within the script. Answers are stored under it."),
        )


class QuestionForm(FieldForm):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Question"), parent)
        self.add_text(
            "text", self.tr("Question:"), 3, self.tr("What you ask, as you would say it.")
        )
        self.add_text(
            "guidance",
            self.tr("Guidance:"),
            3,
            self.tr("For the teacher only: what to listen for."),
        )
        self.add_text(
            "follow_ups",
            self.tr("Follow-ups:"),
            3,
            self.tr("Prompts for a vague answer, one per line."),
        )
        self.add_check(
            "anchor_excerpt",
            self.tr("About a passage of the work"),
            self.tr("The teacher picks the excerpt before asking."),
        )
        self.add_line("id", self.tr("Id:"), self.tr("Unique within the section."))
