"""Step 3, Conclude: the summary, the teacher's conclusion, the student's account, and the next
step, whose route depends on whether the authentication declaration was signed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.interview import Route
from app.domain.records import Conclusion
from app.domain.rights import RIGHTS
from ui.interview.controller import InterviewController
from ui.interview.formatting import long_date
from ui.interview.models import AnswerSummaryModel
from ui.interview.notes_edit import NotesEdit
from ui.labels import finalise_explanation


class ConcludePage(QWidget):
    back_requested = Signal()
    question_requested = Signal(int)
    finished = Signal()

    def __init__(self, controller: InterviewController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._c = controller
        self._loading = True
        self._defaults = self._default_next_steps()
        self.setAccessibleName(self.tr("Conclude"))

        self._summary_model = AnswerSummaryModel(self)
        self._summary = QTableView()
        self._summary.setModel(self._summary_model)
        self._summary.setAccessibleName(self.tr("Summary of questions, ratings and notes"))
        self._summary.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._summary.setTabKeyNavigation(False)
        self._summary.setWordWrap(False)
        self._summary.setMinimumHeight(200)
        rows = self._summary.verticalHeader()
        rows.hide()
        rows.setDefaultSectionSize(self._summary.fontMetrics().height() + 8)
        header = self._summary.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Enter or a double click on a row goes back to that question.
        self._summary.activated.connect(lambda index: self.question_requested.emit(index.row()))
        self._tally = QLabel()
        self._tally.setAccessibleName(self.tr("Ratings in total"))

        conclusion_box = QGroupBox(self.tr("Your conclusion"))
        conclusion_layout = QVBoxLayout(conclusion_box)
        self._conclusions = QButtonGroup(self)
        self._conclusion_buttons: dict[Conclusion, QRadioButton] = {}
        for conclusion, text in (
            (Conclusion.SATISFIED, self.tr("&Satisfied the work is the student's own")),
            (Conclusion.CONCERNS_REMAIN, self.tr("Concerns &remain")),
            (
                Conclusion.ACKNOWLEDGED,
                self.tr("Student ac&knowledged using AI or other help"),
            ),
        ):
            button = QRadioButton(text)
            button.setAccessibleName(text.replace("&", ""))
            self._conclusions.addButton(button)
            self._conclusion_buttons[conclusion] = button
            conclusion_layout.addWidget(button)
            button.toggled.connect(lambda on, c=conclusion: self._conclusion_toggled(c, on))
        self._route = QLabel()
        self._route.setWordWrap(True)
        self._route.setTextFormat(Qt.TextFormat.RichText)
        self._route.setFrameShape(QFrame.Shape.StyledPanel)
        self._route.setMargin(8)
        self._route.setAccessibleName(self.tr("What happens next"))
        conclusion_layout.addWidget(self._route)
        self._rights_left = QLabel()
        self._rights_left.setWordWrap(True)
        self._rights_left.setTextFormat(Qt.TextFormat.PlainText)
        self._rights_left.setAccessibleName(self.tr("Rights not yet ticked"))
        conclusion_layout.addWidget(self._rights_left)
        conclusion_layout.addStretch(1)

        self._account = NotesEdit()
        self._account.setAccessibleName(self.tr("The student's own account, in their words"))
        self._account.setPlaceholderText(
            self.tr("What the student says about how the work was produced, in their words.")
        )
        self._account.textChanged.connect(lambda: self._text_changed("student_account"))
        account_label = QLabel(self.tr("The student's own &account:"))
        account_label.setBuddy(self._account)
        self._next_step = NotesEdit()
        self._next_step.setAccessibleName(self.tr("Next step"))
        self._next_step.textChanged.connect(lambda: self._text_changed("next_step"))
        self._next_label = QLabel(self.tr("&Next step:"))
        self._next_label.setBuddy(self._next_step)

        self._back = QPushButton(self.tr("◀ &Back to the questions"))
        self._back.setAccessibleName(self.tr("Back to the questions"))
        self._back.setAutoDefault(True)
        self._back.clicked.connect(self.back_requested)
        self._finish = QPushButton(self.tr("&Finalise the record"))
        self._finish.setAccessibleName(self.tr("Finalise the record"))
        self._finish.setAutoDefault(True)
        self._finish.clicked.connect(self._confirm_finish)
        self._finish_hint = QLabel()
        self._finish_hint.setAccessibleName(self.tr("What is still needed to finalise"))

        grid = QGridLayout()
        # On a small screen a long reminder scrolls rather than being cut off.
        conclusion_scroll = QScrollArea()
        conclusion_scroll.setWidget(conclusion_box)
        conclusion_scroll.setWidgetResizable(True)
        conclusion_scroll.setFrameShape(QFrame.Shape.NoFrame)
        conclusion_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        conclusion_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        grid.addWidget(conclusion_scroll, 0, 0, 4, 1)
        grid.addWidget(account_label, 0, 1)
        grid.addWidget(self._account, 1, 1)
        grid.addWidget(self._next_label, 2, 1)
        grid.addWidget(self._next_step, 3, 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self._back)
        buttons.addStretch(1)
        buttons.addWidget(self._finish_hint)
        buttons.addWidget(self._finish)

        summary_label = QLabel(self.tr("Summary of the conversation"))
        summary_label.setBuddy(self._summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        top = QHBoxLayout()
        top.addWidget(summary_label)
        top.addStretch(1)
        top.addWidget(self._tally)
        layout.addLayout(top)
        # The conclusion needs its room first; the summary scrolls.
        layout.addWidget(self._summary, 2)
        layout.addLayout(grid, 3)
        layout.addLayout(buttons)

        outcome = controller.outcome
        self._account.setPlainText(outcome.student_account)
        self._next_step.setPlainText(outcome.next_step)
        if outcome.conclusion is not None:
            self._conclusion_buttons[outcome.conclusion].setChecked(True)
        controller.status_changed.connect(self.refresh)
        controller.operation_failed.connect(self._update_finish)
        self._loading = False
        self.refresh()

    def _default_next_steps(self) -> dict[Route, str]:
        body = self._c.submission.awarding_body or self.tr("the awarding body")
        return {
            Route.NONE: self.tr("No further action: the work is accepted as the student's own."),
            Route.INTERNAL: self.tr(
                "Dealt with inside the centre under our policy. The student will redo the "
                "affected work without the unacknowledged material by (date); the original "
                "and this record are kept."
            ),
            Route.REFERRAL: self.tr(
                "Refer to {0} as suspected candidate malpractice: prepare the referral from this "
                "record, tell the student in writing, and pass it to the exams officer and the "
                "head of centre."
            ).format(body),
        }

    # --- showing ---

    def refresh(self) -> None:
        c = self._c
        self._summary_model.set_answers(c.answers)
        self._summary.resizeColumnsToContents()
        header = self._summary.horizontalHeader()
        for column, width in ((1, 360), (2, 140), (3, 300)):
            header.resizeSection(column, min(header.sectionSize(column), width))
        counts = {
            label: sum(1 for a in c.answers if test(a))
            for label, test in (
                (self.tr("clear"), lambda a: a.rating is not None and a.rating.value == "clear"),
                (self.tr("partly"), lambda a: a.rating is not None and a.rating.value == "partly"),
                (
                    self.tr("could not explain"),
                    lambda a: a.rating is not None and a.rating.value == "unable",
                ),
                (self.tr("skipped"), lambda a: a.skipped),
                (self.tr("not rated"), lambda a: a.rating is None and not a.skipped),
            )
        }
        self._tally.setText(" · ".join(f"{n} {label}" for label, n in counts.items()))
        self._show_route()
        locked = c.locked
        for button in self._conclusion_buttons.values():
            button.setEnabled(not locked)
        self._account.setReadOnly(locked)
        self._next_step.setReadOnly(locked)
        self._finish.setVisible(not locked)
        self._update_finish()
        if locked:
            if c.conversation.finalised_at is not None:
                text = self.tr(
                    "Finalised: the record is read-only. A correction is added with Case › "
                    "Amend a finalised record, beside the original."
                )
            else:
                text = self.tr(
                    "Concluded but not finalised yet: Case › Finalise the record… in the "
                    "main window makes it final."
                )
            self._finish_hint.setText(text)
            self._finish_hint.setWordWrap(True)
            self._finish_hint.show()

    def _show_route(self) -> None:
        c = self._c
        conclusion = c.outcome.conclusion
        route = c.route(conclusion)
        sub = c.submission
        body = sub.awarding_body or self.tr("the awarding body")
        signed_on = (
            long_date(sub.declaration_signed_on)
            if sub.declaration_signed_on
            else self.tr("(date not recorded)")
        )
        if conclusion is None:
            text = self.tr("Choose a conclusion to see what happens next.")
            prompt = self.tr("&Next step:")
        elif route is Route.NONE:
            text = self.tr(
                "<b>No further action.</b> You are satisfied the work is the student's own."
            )
            prompt = self.tr("&Next step (optional):")
        elif route is Route.INTERNAL:
            text = self.tr(
                "<b>Dealt with inside the centre.</b> The student has not yet signed the "
                "authentication declaration, so this is a matter for the centre under its own "
                "policy, not a report to {0}. Record the action, for example the work redone "
                "without the unacknowledged material."
            ).format(body)
            prompt = self.tr("&Next step: the action the centre takes")
        else:
            text = self.tr(
                "<b>Referral to {0}.</b> The student signed the authentication declaration on "
                "{1}, so suspected malpractice must be reported to the awarding body and "
                "investigated under its procedure. The referral is prepared from this record."
            ).format(body, signed_on)
            prompt = self.tr("&Next step: the referral")
        self._route.setText(text)
        self._next_label.setText(prompt)
        left = [
            item.label
            for item in RIGHTS
            if not c.rights.get(item.key, False)
            and (route is Route.REFERRAL or not item.before_referral)
        ]
        self._rights_left.setText(
            self.tr("Not yet ticked on the Prepare page:")
            + "\n"
            + "\n".join(f"•  {x}" for x in left)
            if left
            else ""
        )
        self._rights_left.setVisible(bool(left))
        self._next_step.setPlaceholderText(self._defaults[route] if conclusion else "")

    def _update_finish(self) -> None:
        c = self._c
        conclusion = c.outcome.conclusion
        missing = ""
        if conclusion is None:
            missing = self.tr("Choose a conclusion to finalise the record.")
        elif c.route(conclusion) is not Route.NONE and not self._next_step.text().strip():
            missing = self.tr("Record the next step to finalise the record.")
        self._finish.setEnabled(not missing and not c.locked)
        self._finish_hint.setText(missing)
        self._finish_hint.setVisible(bool(missing))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def focus_first(self) -> None:
        checked = self._conclusions.checkedButton()
        target = checked or self._conclusion_buttons[Conclusion.SATISFIED]
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- reacting ---

    def _conclusion_toggled(self, conclusion: Conclusion, on: bool) -> None:
        if not on or self._loading or self._c.locked:
            return
        before = self._c.route(self._c.outcome.conclusion)
        self._c.set_conclusion(conclusion)
        after = self._c.route(conclusion)
        # Offer the new route's wording, but never replace words the teacher wrote.
        current = self._next_step.text().strip()
        if not current or (current == self._defaults[before].strip() and before is not after):
            self._next_step.setPlainText(self._defaults[after])
        self._show_route()
        self._update_finish()

    def _text_changed(self, field: str) -> None:
        if self._loading or self._c.locked:
            return
        editor = self._account if field == "student_account" else self._next_step
        self._c.set_outcome_text(field, editor.text())
        self._update_finish()

    def _finish_now(self) -> None:
        self._finish.setEnabled(False)
        self._c.finish(lambda _route: self.finished.emit())

    def _confirm_finish(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Finalise the record"),
            finalise_explanation(),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setAccessibleName(self.tr("Finalise the record"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        finish = box.button(QMessageBox.StandardButton.Yes)
        finish.setText(self.tr("&Finalise"))
        finish.setAccessibleName(self.tr("Finalise"))
        box.button(QMessageBox.StandardButton.Cancel).setAccessibleName(self.tr("Cancel"))
        box.buttonClicked.connect(lambda button: self._finish_now() if button is finish else None)
        box.finished.connect(box.deleteLater)
        box.open()
