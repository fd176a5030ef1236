"""Create or edit a student (saved on the runner's writing thread, see ui/dialogs/form.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from app.domain.records import Student, StudentDraft
from app.services import Database, Outcome, records
from ui.dialogs.form import FormDialog


class StudentDialog(FormDialog):
    def __init__(
        self, store: Database, student: Student | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Edit student") if student else self.tr("New student"), parent)
        self._store = store
        self._student = student
        self.saved: Student | None = None
        self.surname = QLineEdit(self)
        self.forename = QLineEdit(self)
        self.candidate_number = QLineEdit(self)
        self.candidate_number.setPlaceholderText("0423")
        self.upn = QLineEdit(self)
        self.reg_group = QLineEdit(self)
        self.year_group = QSpinBox(self)
        self.year_group.setRange(0, 14)
        self.year_group.setSpecialValueText(self.tr("not recorded"))
        self.add_field(
            "surname",
            self.tr("&Surname"),
            self.surname,
            self.tr("As the school's MIS holds it (legal surname)."),
        )
        self.add_field("forename", self.tr("&Forename"), self.forename)
        self.add_field(
            "candidate_number",
            self.tr("&Candidate number"),
            self.candidate_number,
            self.tr("Four digits, as on the exam entries."),
        )
        self.add_field("upn", self.tr("&UPN"), self.upn)
        self.add_field("reg_group", self.tr("&Registration group"), self.reg_group)
        self.add_field("year_group", self.tr("&Year"), self.year_group)
        if student is not None:
            self.versions[("student", student.id)] = student.version
            self.surname.setText(student.surname)
            self.forename.setText(student.forename)
            self.candidate_number.setText(student.candidate_number)
            self.upn.setText(student.upn)
            self.reg_group.setText(student.reg_group)
            self.year_group.setValue(student.year_group or 0)

    def draft(self) -> StudentDraft:
        year = self.year_group.value()
        return StudentDraft(
            surname=self.surname.text(),
            forename=self.forename.text(),
            candidate_number=self.candidate_number.text(),
            upn=self.upn.text(),
            reg_group=self.reg_group.text(),
            year_group=year or None,
        )

    def write(self) -> Callable[[], Outcome[Student]]:
        principal, store, draft = self._store.principal, self._store, self.draft()
        if self._student is None:
            return lambda: records.add_student(principal, store, draft)
        student_id = self._student.id
        # Read now: after a conflict, "apply mine over theirs" saves again from their version.
        version = self.versions.get(("student", student_id))
        return lambda: records.change_student(principal, store, student_id, draft, version=version)

    def written(self, result: Outcome[Student]) -> None:
        self.saved = result.value
