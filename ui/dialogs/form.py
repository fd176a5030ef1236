"""A dialog with a form whose validation messages appear beside the fields they concern."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.errors import OwnWorkError, ValidationError
from ui.errors import report

# QDateEdit cannot be empty; its minimum date shown as "not recorded" stands for "no date".
NO_DATE = QDate(1900, 1, 1)


class FormDialog(QDialog):
    """Subclasses add fields with ``add_field`` and implement ``save`` (raise to refuse)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._errors: dict[str, QLabel] = {}
        self._widgets: dict[str, QWidget] = {}
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)

    def add_field(self, name: str, label: str, widget: QWidget, help_text: str = "") -> None:
        container = QWidget(self)
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if help_text:
            hint = QLabel(help_text, container)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: palette(placeholder-text);")
            column.addWidget(hint)
        error = QLabel(container)
        error.setObjectName(f"error_{name}")
        error.setWordWrap(True)
        error.setStyleSheet("color: #b00020; font-weight: 600;")
        error.setAccessibleName(self.tr("{0}: problem").format(label.replace("&", "")))
        error.hide()
        column.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        widget.setAccessibleName(label.replace("&", ""))
        self.form.addRow(caption, container)
        self._errors[name] = error
        self._widgets[name] = widget

    def error_text(self, name: str) -> str:
        label = self._errors[name]
        return label.text() if not label.isHidden() else ""

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for name, label in self._errors.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            if message and first is None:
                first = self._widgets[name]
        unplaced = {k: v for k, v in errors.items() if k not in self._errors}
        if unplaced:
            report(self, OwnWorkError("\n".join(unplaced.values())))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except ValidationError as error:
            self.show_errors(error.field_errors)
            return
        except Exception as error:
            report(self, error)
            return
        super().accept()


def date_edit(parent: QWidget, optional: bool) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    if optional:
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(QCoreApplication.translate("form", "not recorded"))
        edit.setDate(NO_DATE)
    else:
        edit.setDate(QDate.currentDate())
    return edit
