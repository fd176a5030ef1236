"""Form M1's answers beside each other, each with a Copy button, and the referral's facts.

Filling in JCQ's form M1 becomes copying: each part of the form, in its order, with the answer
the record gives (``app.documents.m1``).  The facts the record does not hold (when the concern
arose and who noticed it, the AI tool, whether the information for candidates was given) are
recorded here; the pack itself opens from the button at the foot.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.documents.m1 import M1Answer, late_warning, m1_answers
from app.services import Database, documents
from ui.errors import report
from ui.operation import wait_for_use_case

_CHOICES = (None, True, False)


class M1AnswersDialog(QDialog):
    def __init__(self, store: Database, conversation_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._store, self._conversation_id = store, conversation_id
        self.setWindowTitle(self.tr("Form M1 answers: conversation {0}").format(conversation_id))
        self.setAccessibleName(self.windowTitle())
        self.resize(900, 640)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020; font-weight: 600;")
        self.warning.setAccessibleName(self.tr("Late notification"))
        self._answers = QWidget()
        self._grid = QGridLayout(self._answers)
        self._grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._answers)
        scroll.setAccessibleName(self.tr("Answers for form M1"))
        self.copy_buttons: list[QPushButton] = []
        self.answer_labels: list[QLabel] = []
        self.question_labels: list[QLabel] = []
        facts_box = QGroupBox(self.tr("Facts for the form that the record does not hold"))
        form = QFormLayout(facts_box)
        self.concern_arose = QDateEdit()
        self.concern_arose.setCalendarPopup(True)
        self.concern_arose.setDisplayFormat("d MMMM yyyy")
        self.concern_arose.setMinimumDate(QDate(1900, 1, 1))
        self.concern_arose.setSpecialValueText(self.tr("Not recorded"))
        self.noticed_by = QLineEdit()
        self.ai_tool = QLineEdit()
        self.ai_tool.setPlaceholderText(self.tr("Not known"))
        self.output_kept = self._choice()
        self.info_given = self._choice()
        for label, widget in (
            (self.tr("When the concern a&rose"), self.concern_arose),
            (self.tr("Who &noticed it"), self.noticed_by),
            (self.tr("AI &tool suspected"), self.ai_tool),
            (self.tr("Its &output was kept"), self.output_kept),
            (self.tr("&Information for candidates given before signing"), self.info_given),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(caption, widget)
        self.save_facts = QPushButton(self.tr("&Save these facts"))
        self.save_facts.setAutoDefault(False)
        self.save_facts.clicked.connect(self._save_facts)
        form.addRow("", self.save_facts)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.pack_button = QPushButton(self.tr("&Referral pack (PDF)…"))
        self.pack_button.setAccessibleName(self.tr("Open the referral pack"))
        self.buttons.addButton(self.pack_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.pack_button.clicked.connect(self._open_pack)
        self.statement_button = QPushButton(self.tr("Add a &statement…"))
        self.statement_button.setAutoDefault(False)
        self.buttons.addButton(self.statement_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.statement_button.clicked.connect(self._add_statement)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(scroll, 1)
        layout.addWidget(facts_box)
        layout.addWidget(self.buttons)
        self._load_facts()
        self.refresh()

    def _choice(self) -> QComboBox:
        box = QComboBox()
        box.addItems([self.tr("Not recorded"), self.tr("Yes"), self.tr("No")])
        return box

    def _load_facts(self) -> None:
        facts = wait_for_use_case(documents.referral_facts, self._store, self._conversation_id)
        day = facts.concern_arose_on
        self.concern_arose.setDate(
            QDate(day.year, day.month, day.day) if day else self.concern_arose.minimumDate()
        )
        self.noticed_by.setText(facts.concern_noticed_by)
        self.ai_tool.setText(facts.ai_tool)
        self.output_kept.setCurrentIndex(_CHOICES.index(facts.ai_output_kept))
        self.info_given.setCurrentIndex(_CHOICES.index(facts.info_for_candidates_given))

    def _save_facts(self) -> None:
        chosen = self.concern_arose.date()
        arose = (
            None
            if chosen == self.concern_arose.minimumDate()
            else dt.date(chosen.year(), chosen.month(), chosen.day())
        )
        try:
            facts = {
                "concern_arose_on": arose,
                "concern_noticed_by": self.noticed_by.text(),
                "ai_tool": self.ai_tool.text(),
                "ai_output_kept": _CHOICES[self.output_kept.currentIndex()],
                "info_for_candidates_given": _CHOICES[self.info_given.currentIndex()],
            }
            wait_for_use_case(
                documents.record_referral_facts,
                self._store,
                self._conversation_id,
                facts,
                write=True,
            )
        except Exception as error:
            report(self, error)
            return
        self.refresh()

    def refresh(self) -> list[M1Answer]:
        printed = wait_for_use_case(documents.printed, self._store, self._conversation_id)
        answers = m1_answers(printed)
        warning = late_warning(printed, dt.date.today())
        self.warning.setText(self.tr("Late notification: {0}").format(warning) if warning else "")
        self.warning.setVisible(bool(warning))
        if not self.copy_buttons:
            # Made once, then only their texts change: a button is never deleted in its click.
            for row, _answer in enumerate(answers):
                question = QLabel()
                question.setWordWrap(True)
                text = QLabel()
                text.setWordWrap(True)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                copy = QPushButton(self.tr("Copy"))
                copy.setAutoDefault(False)
                copy.clicked.connect(lambda _=False, label=text: self._copy(label))
                self._grid.addWidget(question, row, 0, Qt.AlignmentFlag.AlignTop)
                self._grid.addWidget(text, row, 1, Qt.AlignmentFlag.AlignTop)
                self._grid.addWidget(copy, row, 2, Qt.AlignmentFlag.AlignTop)
                self.question_labels.append(question)
                self.answer_labels.append(text)
                self.copy_buttons.append(copy)
        for row, answer in enumerate(answers):
            self.question_labels[row].setText(f"{row + 1}. {answer.part}: {answer.question}")
            self.answer_labels[row].setText(answer.answer)
            self.copy_buttons[row].setAccessibleName(self.tr("Copy answer {0}").format(row + 1))
        return answers

    def _copy(self, label: QLabel) -> None:
        QGuiApplication.clipboard().setText(label.text())

    def _add_statement(self) -> None:
        from ui.documents.statement_dialog import StatementDialog

        printed = wait_for_use_case(documents.printed, self._store, self._conversation_id)
        name = printed.current.student.display_name
        if StatementDialog(self._store, self._conversation_id, name, self).exec():
            self.refresh()

    def _open_pack(self) -> None:
        from ui.documents.actions import open_document_preview

        open_document_preview(self, self._store, self._conversation_id, "referral")


def open_m1_answers(
    store: Database, conversation_id: int, parent: QWidget | None = None
) -> M1AnswersDialog | None:
    """The answers window, once the centre's details for form M1 are recorded."""
    from ui.documents.centre_details import ask_centre_details

    if not ask_centre_details(store, parent):
        return None
    try:
        dialog = M1AnswersDialog(store, conversation_id, parent)
    except Exception as error:
        report(parent, error)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
