"""Create or edit a submission: one piece of coursework for one component."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from app.domain.list_query import ListQuery
from app.domain.records import AWARDING_BODIES, Student, Submission, SubmissionDraft
from app.errors import ValidationError
from app.services import Database, Outcome, records
from ui.date_field import DateField
from ui.dialogs.form import FormDialog, date_problems
from ui.dialogs.record_picker import Match, RecordPicker


class SubmissionDialog(FormDialog):
    def __init__(
        self,
        store: Database,
        submission: Submission | None = None,
        *,
        student_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Edit submission") if submission else self.tr("New submission"), parent
        )
        self._store = store
        self._submission = submission
        if submission is not None:
            self.versions[("submission", submission.id)] = submission.version
        self.saved: Submission | None = None
        self.student = RecordPicker(self._find_students, self)
        self.awarding_body = QComboBox(self)
        self.awarding_body.setEditable(True)
        self.awarding_body.addItems(AWARDING_BODIES)
        self.qualification = QLineEdit(self)
        self.qualification.setPlaceholderText(self.tr("e.g. A level History"))
        self.component_code = QLineEdit(self)
        self.title = QLineEdit(self)
        self.exam_series = QLineEdit(self)
        self.exam_series.setPlaceholderText(self.tr("e.g. June 2027"))
        self.handed_in_on = DateField(self)
        self.declaration_signed = QCheckBox(
            self.tr("The student has signed the authentication declaration"), self
        )
        self.declaration_signed_on = DateField(self)
        self.declaration_signed.toggled.connect(self.declaration_signed_on.setEnabled)
        self.add_field(
            "student_id",
            self.tr("S&tudent"),
            self.student,
            self.tr("Type part of the name or the candidate number."),
        )
        self.add_field("awarding_body", self.tr("&Awarding body"), self.awarding_body)
        self.add_field("qualification", self.tr("&Qualification"), self.qualification)
        self.add_field("component_code", self.tr("&Component code"), self.component_code)
        self.add_field("title", self.tr("T&itle of the work"), self.title)
        self.add_field("exam_series", self.tr("E&xam series"), self.exam_series)
        self.add_field("handed_in_on", self.tr("&Handed in on"), self.handed_in_on)
        self.add_field(
            "declaration_signed",
            self.tr("&Declaration"),
            self.declaration_signed,
            self.tr("Once signed, remaining concerns must be reported to the awarding body."),
        )
        self.add_field("declaration_signed_on", self.tr("Signed o&n"), self.declaration_signed_on)
        self.declaration_signed_on.setEnabled(False)
        chosen = submission.student_id if submission else student_id
        if chosen is not None:
            principal = store.principal
            self.load(
                lambda: records.get_student(principal, store, chosen),
                lambda found: self.student.choose(chosen, _student_label(found)),
            )
        if submission is not None:
            self.awarding_body.setCurrentText(submission.awarding_body)
            self.qualification.setText(submission.qualification)
            self.component_code.setText(submission.component_code)
            self.title.setText(submission.title)
            self.exam_series.setText(submission.exam_series)
            self.handed_in_on.set_value(submission.handed_in_on)
            self.declaration_signed.setChecked(submission.declaration_signed)
            self.declaration_signed_on.set_value(submission.declaration_signed_on)

    def _find_students(self, text: str, limit: int) -> list[Match]:
        """On a reading thread (the picker's search)."""
        found = records.list_students(
            self._store.principal, self._store, ListQuery(search=text, sort="name", limit=limit)
        )
        return [(s.id, _student_label(s)) for s in found]

    def field_enabled(self, widget: QWidget) -> bool:
        if widget is self.declaration_signed_on:
            return self.declaration_signed.isChecked()
        return True

    def _drafter(self) -> Callable[[int | None], SubmissionDraft]:
        """The form's values, read now (the dates checked now), as a function that makes the
        draft for the student found on the writing thread (None: the name matched nobody)."""
        missing = self.tr("Choose a student from the list.")
        problems = date_problems(
            {
                "handed_in_on": self.handed_in_on,
                "declaration_signed_on": self.declaration_signed_on,
            }
        )
        if problems:
            if self.student.current_id() is None and not self.student.searching:
                problems["student_id"] = missing
            raise ValidationError(problems)
        values = {
            "awarding_body": self.awarding_body.currentText(),
            "qualification": self.qualification.text(),
            "component_code": self.component_code.text(),
            "title": self.title.text(),
            "exam_series": self.exam_series.text(),
            "handed_in_on": self.handed_in_on.value(),
            "declaration_signed": self.declaration_signed.isChecked(),
            "declaration_signed_on": self.declaration_signed_on.value(),
        }

        def draft(student_id: int | None) -> SubmissionDraft:
            if student_id is None:
                raise ValidationError({"student_id": missing})
            return SubmissionDraft(student_id=student_id, **values)  # type: ignore[arg-type]

        return draft

    def write(self) -> Callable[[], Outcome[Submission]]:
        draft, chosen = self._drafter(), self.student.chosen()
        principal, store = self._store.principal, self._store
        submission_id = None if self._submission is None else self._submission.id
        # Read now: after a conflict, "apply mine over theirs" saves again from their version.
        version = (
            None if submission_id is None else self.versions.get(("submission", submission_id))
        )

        def work() -> Outcome[Submission]:
            made = draft(chosen())
            if submission_id is None:
                return records.add_submission(principal, store, made)
            return records.change_submission(principal, store, submission_id, made, version=version)

        return work

    def written(self, result: Outcome[Submission]) -> None:
        self.saved = result.value


def _student_label(student: Student) -> str:
    number = f" ({student.candidate_number})" if student.candidate_number else ""
    return f"{student.surname}, {student.forename}{number}"
