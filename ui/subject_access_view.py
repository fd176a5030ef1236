"""The subject access page: the data protection officer names one student (by the id in the
request's paperwork), gives the reason, and sees everything held about them.  Each opening is
logged with its reason (``app.services.subject_access``)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.operation import Runner

if TYPE_CHECKING:
    from app.services import Database
    from app.services.base import Outcome
    from app.services.subject_access import SubjectAccessReport


class SubjectAccessView(QWidget):
    def __init__(self, store: Callable[[], Database], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.setAccessibleName(self.tr("Subject access request"))
        intro = QLabel(
            self.tr(
                "Everything held about one student, for a subject access request. Name the "
                "student by their number in OwnWork: a teacher or the exams officer finds it "
                "in the student's details on the Students list. Each opening is logged with "
                "its reason."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.student = QSpinBox(self)
        self.student.setRange(1, 2_000_000_000)
        self.student.setAccessibleName(self.tr("Student's number in OwnWork"))
        # A number field as wide as its numbers, not the whole window.
        self.student.setMaximumWidth(self.student.sizeHint().width())
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setPlaceholderText(
            self.tr("The request this answers, for example its reference and date")
        )
        self.open_button = QPushButton(self.tr("&Open the student's records"), self)
        self.open_button.setAccessibleName(self.tr("Open the student's records"))
        self.open_button.clicked.connect(self.open_records)
        self.reason.returnPressed.connect(self.open_records)
        self.result = QTextBrowser(self)
        self.result.setAccessibleName(self.tr("What is held about the student"))
        form = QFormLayout()
        form.addRow(self.tr("&Student's number:"), self.student)
        form.addRow(self.tr("&Reason:"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result, 1)

    def activate(self) -> None:
        self.student.setFocus()
        self.student.selectAll()

    def open_records(self) -> None:
        from app.services.subject_access import subject_access
        from ui.errors import report

        database = self._store()
        student_id, reason = self.student.value(), self.reason.text()
        self.open_button.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.open_button.setEnabled(True)
            report(self, error)

        Runner.instance().write(
            lambda: subject_access(database.principal, database, student_id, reason=reason),
            success=self._show,
            failure=failed,
            owner=self,
        )

    def _show(self, outcome: Outcome[SubjectAccessReport]) -> None:
        self.open_button.setEnabled(True)
        report = outcome.value
        student = report.student
        reason = self.reason.text().strip().replace('"', "'")
        lines = [
            f"<h2>{html.escape(student.display_name)}</h2>",
            "<p>"
            + html.escape(
                self.tr("Candidate number {0}, UPN {1}, registration group {2}.").format(
                    student.candidate_number or "—", student.upn or "—", student.reg_group or "—"
                )
            )
            + "</p>",
            f"<h3>{html.escape(self.tr('Submissions'))}</h3><ul>",
            *(
                f"<li>{html.escape(s.awarding_body)} {html.escape(s.qualification)}: "
                f"{html.escape(s.title)}</li>"
                for s in report.submissions
            ),
            f"</ul><h3>{html.escape(self.tr('Conversations'))}</h3><ul>",
        ]
        for case in report.cases:
            conversation = case.content.conversation
            held = self.tr("{0} answers, {1} files, {2} history entries").format(
                len(case.content.answers), len(case.attachments), len(case.history)
            )
            lines.append(
                f"<li>{conversation.held_at:%d %b %Y}: {html.escape(conversation.qualification)}"
                f" ({html.escape(held)})</li>"
            )
        lines.append("</ul>")
        lines.append(
            "<p>"
            + html.escape(
                self.tr(
                    "To give the whole record as a file, run on a computer with OwnWork: "
                    'ownwork subject-access {0} --reason "{1}" -o FILE'
                ).format(student.id, reason)
            )
            + "</p>"
        )
        self.result.setHtml("".join(lines))
        self.result.setFocus()
