"""Recording a written statement, by the candidate or by a member of staff, as its text and the
date it was given; it is printed in the referral pack (``app.storage.referrals``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.domain.referral import StatementKind
from app.errors import ValidationError
from app.services import Database, documents
from ui.date_field import DateField
from ui.dialogs.form import FormDialog, date_problems


class StatementDialog(FormDialog):
    def __init__(
        self, store: Database, conversation_id: int, candidate_name: str, parent: QWidget | None
    ) -> None:
        super().__init__(self.tr("Record a written statement"), parent)
        self._store, self._conversation_id = store, conversation_id
        self._candidate_name = candidate_name
        self.kind = QComboBox(self)
        self.kind.addItems([self.tr("The candidate's statement"), self.tr("A member of staff's")])
        self.author = QLineEdit(candidate_name, self)
        self.role = QLineEdit(self)
        self.given = DateField(self)
        self.given.set_value(dt.date.today())
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.add_field("kind", self.tr("&Statement by"), self.kind)
        self.add_field("author", self.tr("&Name"), self.author)
        self.add_field("role", self.tr("&Role (staff)"), self.role)
        self.add_field("given_on", self.tr("&Given on"), self.given)
        self.add_field(
            "text",
            self.tr("&Text"),
            self.text,
            self.tr("Type or paste the statement exactly as it was given."),
        )
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.resize(620, 520)

    def _kind_changed(self, index: int) -> None:
        staff = index == 1
        if staff and self.author.text() == self._candidate_name:
            self.author.clear()
        elif not staff and not self.author.text():
            self.author.setText(self._candidate_name)

    def write(self) -> Callable[[], object]:
        problems = date_problems({"given_on": self.given})
        given_on = self.given.value()
        if given_on is None and not problems:
            problems["given_on"] = self.tr("Enter the date the statement was given.")
        if problems or given_on is None:
            raise ValidationError(problems)
        principal, store, conversation_id = (
            self._store.principal,
            self._store,
            self._conversation_id,
        )
        kind = StatementKind.STAFF if self.kind.currentIndex() == 1 else StatementKind.CANDIDATE
        author, role, text = self.author.text(), self.role.text(), self.text.toPlainText()
        return lambda: documents.add_statement(
            principal,
            store,
            conversation_id,
            kind=kind,
            author=author,
            role=role,
            given_on=given_on,
            text=text,
        )
