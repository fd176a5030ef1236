"""Plan a conversation (or change who, when and about what): the walk-through fills the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QLineEdit, QWidget

from app.domain.list_query import ListQuery
from app.domain.records import Conversation, Staff, StaffRole, Submission
from app.domain.text import clean_line
from app.errors import ValidationError
from app.services import Database, Outcome, records
from app.services.records import StaffChoice
from ui.dialogs.form import FormDialog
from ui.dialogs.record_picker import Match, RecordPicker


class ConversationDialog(FormDialog):
    def __init__(
        self,
        store: Database,
        conversation: Conversation | None = None,
        *,
        submission_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Edit conversation") if conversation else self.tr("New conversation"), parent
        )
        self._store = store
        self._conversation = conversation
        if conversation is not None:
            self.versions[("conversation", conversation.id)] = conversation.version
        self.saved: Conversation | None = None
        self.submission = RecordPicker(self._find_submissions, self)
        self.held_at = QDateTimeEdit(self)
        self.held_at.setCalendarPopup(True)
        self.held_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.held_at.setDateTime(QDateTime.currentDateTime())
        self.led_by = QComboBox(self)
        self.second_staff = QComboBox(self)
        for combo in (self.led_by, self.second_staff):
            combo.setEditable(True)
            # Enter in an editable combo box would otherwise add the typed name as a list entry
            # without a staff record, and saving then found "nobody" behind it.
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.others_present = QLineEdit(self)
        self.second_staff.addItem(self.tr("(nobody)"), None)
        self.add_field(
            "submission_id",
            self.tr("&Submission"),
            self.submission,
            self.tr("Type part of the student's name or the title."),
        )
        self.add_field("held_at", self.tr("&When"), self.held_at)
        self.add_field(
            "led_by_id",
            self.tr("&Led by"),
            self.led_by,
            self.tr("Type a new name to add a member of staff."),
        )
        self.add_field(
            "second_staff_id",
            self.tr("Second &member of staff"),
            self.second_staff,
            self.tr(
                "Recommended: a colleague present as a witness. "
                "Type a new name to add a member of staff."
            ),
        )
        self.add_field(
            "others_present",
            self.tr("&Others present"),
            self.others_present,
            self.tr("e.g. a learning support assistant or a parent."),
        )
        chosen = conversation.submission_id if conversation else submission_id
        principal = store.principal

        def read() -> tuple[list[Staff], Submission | None]:
            people = records.list_staff(principal, store)
            found = None if chosen is None else records.get_submission(principal, store, chosen)
            return people, found

        self.load(read, self._fill)

    def _fill(self, read: tuple[list[Staff], Submission | None]) -> None:
        people, submission = read
        for person in people:
            self.led_by.addItem(person.name, person.id)
            self.second_staff.addItem(person.name, person.id)
        if submission is not None:
            self.submission.choose(submission.id, _submission_label(submission))
        conversation = self._conversation
        if conversation is not None:
            local = conversation.held_at.astimezone()
            self.held_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(local.timestamp())))
            self.led_by.setCurrentText(conversation.led_by_name)
            self.second_staff.setCurrentIndex(
                max(0, self.second_staff.findData(conversation.second_staff_id))
            )
            self.others_present.setText(conversation.others_present)

    def _find_submissions(self, text: str, limit: int) -> list[Match]:
        found = records.list_submissions(
            self._store.principal,
            self._store,
            ListQuery(search=text, sort="student", limit=limit),
        )
        return [(s.id, _submission_label(s)) for s in found]

    @staticmethod
    def _staff_choice(combo: QComboBox, role: StaffRole) -> StaffChoice:
        """The chosen person's id, or a newly typed name (the service finds it among the staff
        or adds it, in the same transaction as the conversation)."""
        name = clean_line(combo.currentText())
        if not name:
            return None
        # Case-blind: "ms okafor" is Ms Okafor, not a second member of staff of that name.
        index = combo.findText(name, Qt.MatchFlag.MatchFixedString)
        value = combo.itemData(index) if index >= 0 else None
        if value is not None:
            return int(value)
        if index == 0 and role is StaffRole.SECOND_STAFF:
            return None  # "(nobody)", the second box's first entry
        return name

    def write(self) -> Callable[[], Outcome[Conversation]]:
        chosen = self.submission.chosen()
        if not self.submission.searching and self.submission.current_id() is None:
            raise ValidationError({"submission_id": self.tr("Choose a submission from the list.")})
        missing = self.tr("Choose a submission from the list.")
        stamp = self.held_at.dateTime().toSecsSinceEpoch()
        held = dt.datetime.fromtimestamp(stamp, dt.UTC)
        led_by = self._staff_choice(self.led_by, StaffRole.TEACHER)
        second_staff = self._staff_choice(self.second_staff, StaffRole.SECOND_STAFF)
        others_present = self.others_present.text()
        conversation_id = None if self._conversation is None else self._conversation.id
        # Read now: after a conflict, "apply mine over theirs" saves again from their version.
        version = (
            None
            if conversation_id is None
            else self.versions.get(("conversation", conversation_id))
        )
        principal, store = self._store.principal, self._store

        def work() -> Outcome[Conversation]:
            submission_id = chosen()
            if submission_id is None:
                raise ValidationError({"submission_id": missing})
            # One use case: a newly typed staff name is only kept if the conversation is saved.
            return records.plan_conversation(
                principal,
                store,
                submission_id=submission_id,
                held_at=held,
                led_by=led_by,
                second_staff=second_staff,
                others_present=others_present,
                conversation_id=conversation_id,
                version=version,
            )

        return work

    def written(self, result: Outcome[Conversation]) -> None:
        self.saved = result.value


def _submission_label(submission: Submission) -> str:
    parts = (submission.student_name, submission.qualification, submission.title)
    return " – ".join(part for part in parts if part)
