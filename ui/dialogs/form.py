"""A dialog with a form whose validation messages appear beside the fields they concern.

It also keeps what the teacher typed: Escape (or Cancel) on a changed form asks before
discarding it, focus starts in the first empty field, and Ctrl+Enter saves from anywhere.

The form never waits on the store on the GUI thread.  What it needs to show (a record's label,
the staff) is read with ``load(read, fill)`` on a reading thread: the form is shown at once,
disabled, and filled and enabled when the read arrives.  A form that implements ``write()`` is
saved on the runner's writing thread: the form waits (buttons disabled, busy cursor) while the
event loop goes on, and closes when the use case has succeeded, or shows its messages beside
the fields.  ``save()`` remains for forms whose saving touches no store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.errors import ConflictError, OwnWorkError, ValidationError
from ui.date_field import DateField
from ui.errors import report
from ui.operation import Runner, load
from ui.window_size import fit_to_screen


def field_state(widget: QWidget) -> object:
    """What the teacher has put into ``widget``, to tell a changed form from an untouched one."""
    if isinstance(widget, DateField):
        return widget.edit.text()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        # A read-only box shows something (Amend's "As it stands"); the teacher typed nothing.
        return None if widget.isReadOnly() else widget.toPlainText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    return None


def _change_signals(widget: QWidget) -> list[SignalInstance]:
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged, widget.editTextChanged]
    if isinstance(widget, QLineEdit):
        return [widget.textEdited]
    if isinstance(widget, QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QAbstractSpinBox):
        return [widget.editingFinished]
    if isinstance(widget, QAbstractButton):
        return [widget.toggled]
    return []


def is_empty(widget: QWidget) -> bool:
    state = field_state(widget)
    return isinstance(state, str) and not state.strip()


def confirm_discard(parent: QWidget) -> bool:
    """Ask before throwing typed text away; Escape or Enter on the question keeps it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(parent.tr("Discard your changes?"))
    box.setText(parent.tr("Close this form and discard what you have typed or changed in it?"))
    discard = box.addButton(parent.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(parent.tr("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


def add_save_shortcuts(dialog: QDialog, accept: Callable[[], None]) -> list[QShortcut]:
    """Ctrl+Enter (either Enter key) submits, even from a box where Enter makes a new line."""
    made = []
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.activated.connect(accept)
        made.append(shortcut)
    return made


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
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        # Alt+V: "S" is taken by Surname and Submission in the forms that use this class.
        save.setText(self.tr("Sa&ve"))
        save.setAccessibleName(self.tr("Save"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        add_save_shortcuts(self, self.accept)
        self._opened_with: tuple[object, ...] | None = None
        # (record kind, id) -> the version the form started from (ui/conflict_dialog.py).
        self.versions: dict[tuple[str, int], int] = {}
        self._loads = 0  # reads of what the form shows, not arrived yet
        self._waiting = False  # a save running on the writing thread
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)

    def add_field(self, name: str, label: str, widget: QWidget, help_text: str = "") -> None:
        container = QWidget(self)
        # Expanding, so the form gives every field (and its hint) the full width: a hint under
        # a narrow box wrapped onto lines the row had no height for and was cut off.
        container.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
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
        if isinstance(widget, DateField):
            widget.problem_changed.connect(lambda message: self._show_error(name, message))
        else:
            # A message such as "Choose a submission from the list." goes once the field is
            # changed, rather than stay beside a field that is now right.
            for signal in _change_signals(widget):
                signal.connect(lambda *_args: self._show_error(name, ""))

    def _show_error(self, name: str, message: str) -> None:
        label = self._errors[name]
        label.setText(message)
        label.setVisible(bool(message))

    def _state(self) -> tuple[object, ...]:
        return tuple(field_state(widget) for widget in self._widgets.values())

    def is_changed(self) -> bool:
        """Has the teacher changed anything since the form was shown?"""
        return self._opened_with is not None and self._state() != self._opened_with

    def first_field_to_type_in(self) -> QWidget | None:
        """The first empty field the teacher can type in, else the first one at all."""
        usable = [
            widget
            for widget in self._widgets.values()
            if widget.isEnabled()
            and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
            and not (isinstance(widget, QPlainTextEdit) and widget.isReadOnly())
        ]
        empty = [widget for widget in usable if is_empty(widget)]
        chosen = empty or usable
        return chosen[0] if chosen else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._opened_with is None:
            fit_to_screen(self)
            if not self._loads:
                self._ready()

    def _ready(self) -> None:
        """Shown and filled: remember the form as opened and put the cursor in it."""
        self._opened_with = self._state()
        first = self.first_field_to_type_in()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def waiting(self) -> bool:
        """True while the form's save runs on the writing thread."""
        return self._waiting

    @property
    def loading(self) -> bool:
        """True until everything the form shows has been read."""
        return self._loads > 0

    def load(self, read: Callable[[], Any], fill: Callable[[Any], None]) -> None:
        """Run ``read()`` on a reading thread and ``fill(result)`` on the GUI thread; the form
        is disabled until then (a failure is reported and the form closed: it cannot be filled
        in without what it failed to read)."""
        self._loads += 1
        self._set_enabled(False)
        load(self, read, partial(self._loaded, fill))

    def _loaded(self, fill: Callable[[Any], None], result: Any) -> None:
        fill(result)
        self._loads -= 1
        if not self._loads:
            self._set_enabled(True)
            if self.isVisible() and self._opened_with is None:
                self._ready()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self._widgets.values():
            widget.setEnabled(enabled and self.field_enabled(widget))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(enabled)

    def field_enabled(self, widget: QWidget) -> bool:
        """Whether ``widget`` is to be enabled once the form is filled (a field enabled by
        another, such as a date beside its tick box, answers from that one)."""
        return True

    # The teacher's ways of closing (Escape, Cancel, the title bar's close button) ask first;
    # a close by the program (reject(), close()) does not, as nothing is there to answer it.
    def cancel(self) -> None:
        if self._waiting:
            return  # the save under way decides whether the form closes
        if self.is_changed() and not confirm_discard(self):
            return
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._waiting:
            event.ignore()
            return
        if event.spontaneous() and self.is_changed() and not confirm_discard(self):
            event.ignore()
            return
        super().closeEvent(event)

    def error_text(self, name: str) -> str:
        label = self._errors[name]
        return label.text() if not label.isHidden() else ""

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for name in self._errors:
            message = errors.get(name, "")
            self._show_error(name, message)
            if message and first is None:
                first = self._widgets[name]
        unplaced = {k: v for k, v in errors.items() if k not in self._errors}
        if unplaced:
            report(self, OwnWorkError("\n".join(unplaced.values())))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        """Save a form whose saving touches no store (the others implement ``write``)."""
        raise NotImplementedError

    def write(self) -> Callable[[], Any] | None:
        """Read the form (raising ``ValidationError`` for what is wrong with it at once) and
        return the use case to run on the writing thread; None for a form saved by ``save``."""
        return None

    def written(self, result: Any) -> None:
        """On the GUI thread, with what the use case returned, before the form closes."""

    def accept(self) -> None:
        if self._waiting or self._loads:
            return
        try:
            work = self.write()
            if work is None:
                self.save()
        except ValidationError as error:
            self.show_errors(error.field_errors)
            return
        except ConflictError as error:
            from ui.conflict_dialog import settle

            if settle(self, self.versions, error):
                self.accept()
            return
        except Exception as error:
            report(self, error)
            return
        if work is None:
            super().accept()
            return
        self._wait(True)
        # The result (an Outcome) announces its changes to the lists before ``_saved`` runs.
        Runner.instance().write(work, success=self._saved, failure=self._refused, owner=self)

    def _wait(self, waiting: bool) -> None:
        self._waiting = waiting
        self.buttons.setEnabled(not waiting)
        if waiting:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QApplication.restoreOverrideCursor()

    def _saved(self, result: Any) -> None:
        self._wait(False)
        self.written(result)
        super().accept()

    def _refused(self, error: BaseException) -> None:
        self._wait(False)
        if isinstance(error, ValidationError):
            self.show_errors(error.field_errors)
        elif isinstance(error, ConflictError):
            # Someone saved the record since the form read it: theirs and yours side by side.
            from ui.conflict_dialog import settle

            if settle(self, self.versions, error):
                self.accept()
        else:
            report(self, error)


def date_problems(fields: dict[str, DateField]) -> dict[str, str]:
    """The messages for date fields whose text is no date, by field name."""
    return {name: field.problem() for name, field in fields.items() if field.problem()}
