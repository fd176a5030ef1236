"""Before a referral: what the record does not show yet, a way to record each missing step of
telling the candidate, and the choice of a draft marked "not ready to send".

A concluded record is not edited in place, so a step recorded here is an amendment of the rights
checklist (``preparation.rights.<key>`` set to "yes"), with the teacher's note of how and when
the candidate was told as its reason: it is printed beside the original like any amendment.  Or
the written notice is given from here: saving or printing it records the date, which covers the
rights it states.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.documents.readiness import NOTICE_COVERS, printed_problems, rights_missing
from app.domain import rights
from app.domain.records import ConversationStatus
from app.services import Database, documents, integrity
from ui.errors import report
from ui.operation import wait_for_use_case


class ReferralCheckDialog(QDialog):
    """Lists why the referral is not ready; accepted with ``draft`` True for a draft copy."""

    def __init__(self, store: Database, conversation_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._store, self._conversation_id = store, conversation_id
        self.draft = False
        self.notice: QWidget | None = None
        self.setWindowTitle(self.tr("Referral to the awarding body"))
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(620)
        self.intro = QLabel(self.tr("This conversation cannot be referred yet:"))
        self.intro.setWordWrap(True)
        self.listing = QLabel()
        self.listing.setWordWrap(True)
        self.listing.setAccessibleName(self.tr("What the record does not show yet"))
        self.problems = QWidget()
        self._grid = QGridLayout(self.problems)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.how_label = QLabel(
            self.tr("&How and when the candidate was told (kept with the record as the reason):")
        )
        self.how_label.setWordWrap(True)
        self.how = QPlainTextEdit()
        self.how.setAccessibleName(self.tr("How and when the candidate was told"))
        self.how.setTabChangesFocus(True)
        self.how.setFixedHeight(64)
        self.how_label.setBuddy(self.how)
        self.notice_button = QPushButton(self.tr("Give the written &notice…"))
        self.notice_button.setAccessibleName(self.tr("Give the written notice to the candidate"))
        self.notice_button.setToolTip(
            self.tr(
                "The notice tells the candidate of the concern and the evidence, the possible "
                "consequences, and how to give a statement and appeal; saving or printing it "
                "records the date it was given."
            )
        )
        self.notice_button.setAutoDefault(False)
        self.notice_button.clicked.connect(self._give_notice)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Message"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.draft_button = QPushButton(self.tr("Make a &draft (not ready to send)"))
        self.draft_button.setAccessibleName(self.tr("Make a draft"))
        self.ready_button = QPushButton(self.tr("Make the &referral"))
        self.ready_button.setAccessibleName(self.tr("Make the referral"))
        self.buttons.addButton(self.draft_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.ready_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.draft_button.clicked.connect(self._make_draft)
        self.ready_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.listing)
        layout.addWidget(self.how_label)
        layout.addWidget(self.how)
        layout.addWidget(self.problems)
        layout.addWidget(self.notice_button)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.record_buttons: dict[str, QPushButton] = {}
        self.refresh()

    def refresh(self) -> list[str]:
        """Show the current problems; returns them (empty when the referral is ready)."""
        printed = wait_for_use_case(documents.printed, self._store, self._conversation_id)
        problems = printed_problems(printed)
        concluded = printed.case.content.conversation.status is ConversationStatus.CONCLUDED
        missing = (
            {item.key for item in rights_missing(printed.current, printed.facts.notice_given_on)}
            if concluded
            else set()
        )
        self.listing.setText("\n".join(f"• {problem}" for problem in problems))
        if not self.record_buttons:
            # Made once and only hidden later: a button is never deleted inside its own click.
            for row, item in enumerate(r for r in rights.RIGHTS if r.before_referral):
                text = self.tr("Record as done: {0}").format(item.label)
                button = QPushButton(text)
                button.setAccessibleName(text)
                button.clicked.connect(lambda _=False, key=item.key: self._record(key))
                self._grid.addWidget(button, row, 0)
                self.record_buttons[item.key] = button
        for key, button in self.record_buttons.items():
            button.setVisible(key in missing)
        self.notice_button.setVisible(bool(missing & NOTICE_COVERS))
        self.how_label.setVisible(bool(missing))
        self.how.setVisible(bool(missing))
        self.ready_button.setEnabled(not problems)
        self.ready_button.setDefault(not problems)
        self.intro.setText(
            self.tr("This conversation cannot be referred yet:")
            if problems
            else self.tr("Everything the referral needs is recorded.")
        )
        return problems

    def _record(self, key: str) -> None:
        how = self.how.toPlainText().strip()
        if not how:
            self.message.setText(self.tr("Say how and when the candidate was told first."))
            self.how.setFocus()
            return
        try:
            wait_for_use_case(
                integrity.amend,
                self._store,
                self._conversation_id,
                path=f"preparation.rights.{key}",
                new_value="yes",
                reason=how,
                write=True,
            )
        except Exception as error:
            report(self, error)
            return
        self.message.setText(self.tr("Recorded as an amendment of the record."))
        if not self.refresh():
            self.ready_button.setFocus()

    def _give_notice(self) -> None:
        """Open the notice; once it is saved or printed and closed, the list is read again."""
        from ui.documents.actions import open_document_preview

        self.notice = open_document_preview(self, self._store, self._conversation_id, "notice")
        if isinstance(self.notice, QDialog):
            self.notice.finished.connect(self.refresh)

    def _make_draft(self) -> None:
        self.draft = True
        self.accept()
