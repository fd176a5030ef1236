"""The three record lists of the main window: their columns and where their rows come from."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject

from app.domain.records import Conversation, Student, Submission
from app.storage import conversations, students, submissions
from app.storage.database import Database
from app.storage.listing import ListQuery
from ui.labels import conclusion_label, status_label
from ui.models.record_table import COUNT_LIMIT, Column, RecordTableModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("records", text)


def student_model(store: Database, parent: QObject | None = None) -> RecordTableModel[Student]:
    columns = [
        Column[Student](_tr("Surname"), lambda s: s.surname, "name"),
        Column[Student](_tr("Forename"), lambda s: s.forename, "name"),
        Column[Student](_tr("Candidate no."), lambda s: s.candidate_number, "candidate_number"),
        Column[Student](_tr("UPN"), lambda s: s.upn, "upn"),
        Column[Student](_tr("Reg. group"), lambda s: s.reg_group, "reg_group"),
        Column[Student](
            _tr("Year"),
            lambda s: "" if s.year_group is None else str(s.year_group),
            "year_group",
            align_right=True,
        ),
    ]

    def fetch(query: ListQuery) -> list[Student]:
        with store.transaction() as session:
            return students.page(session, query)

    def total(query: ListQuery) -> int:
        with store.transaction() as session:
            return students.count(session, query)

    return RecordTableModel(columns, fetch, total, parent)


def submission_model(
    store: Database, parent: QObject | None = None
) -> RecordTableModel[Submission]:
    columns = [
        Column[Submission](_tr("Student"), lambda s: s.student_name, "student"),
        Column[Submission](_tr("Candidate no."), lambda s: s.candidate_number, "candidate_number"),
        Column[Submission](_tr("Awarding body"), lambda s: s.awarding_body, "awarding_body"),
        Column[Submission](_tr("Qualification"), lambda s: s.qualification, "qualification"),
        Column[Submission](_tr("Component"), lambda s: s.component_code, "component_code"),
        Column[Submission](_tr("Title"), lambda s: s.title, "title"),
        Column[Submission](
            _tr("Handed in"),
            lambda s: s.handed_in_on.isoformat() if s.handed_in_on else "",
            "handed_in_on",
        ),
        Column[Submission](
            _tr("Declaration"),
            lambda s: (
                _tr("signed {0}").format(s.declaration_signed_on.isoformat())
                if s.declaration_signed and s.declaration_signed_on
                else _tr("not signed")
            ),
            "declaration",
        ),
    ]

    def fetch(query: ListQuery) -> list[Submission]:
        with store.transaction() as session:
            return submissions.page(session, query)

    def total(query: ListQuery) -> int:
        with store.transaction() as session:
            return submissions.count(session, query)

    return RecordTableModel(columns, fetch, total, parent)


def conversation_model(
    store: Database, parent: QObject | None = None
) -> RecordTableModel[Conversation]:
    columns = [
        Column[Conversation](
            _tr("Date"), lambda c: c.held_at.astimezone().strftime("%d %b %Y %H:%M"), "held_at"
        ),
        Column[Conversation](_tr("Student"), lambda c: c.student_name, "student"),
        Column[Conversation](
            _tr("Candidate no."), lambda c: c.candidate_number, "candidate_number"
        ),
        Column[Conversation](_tr("Qualification"), lambda c: c.qualification, "qualification"),
        Column[Conversation](_tr("Title"), lambda c: c.submission_title, "title"),
        Column[Conversation](_tr("Led by"), lambda c: c.led_by_name, "led_by"),
        Column[Conversation](_tr("Status"), lambda c: status_label(c.status), "status"),
        Column[Conversation](
            _tr("Conclusion"), lambda c: conclusion_label(c.conclusion), "conclusion"
        ),
    ]

    def fetch(query: ListQuery) -> list[Conversation]:
        with store.transaction() as session:
            return conversations.page(session, query)

    def total(query: ListQuery) -> int:
        with store.transaction() as session:
            return conversations.count(session, query, up_to=COUNT_LIMIT + 1)

    return RecordTableModel(columns, fetch, total, parent, partial_counts=True)
