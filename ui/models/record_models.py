"""The three record lists of the main window: their columns and where their rows come from.

The models are made before the store is open (the window is painted first, see
ui/application.py): each takes a function that returns the store, called only once the model
is activated, and the repositories are imported on that first read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject

from app.domain.list_query import ListQuery
from ui.models.record_table import COUNT_LIMIT, Column, RecordTableModel

# Only named in annotations, which are not evaluated: the record types and their labels are
# imported when the first row is shown, not while the window is being put on screen.
if TYPE_CHECKING:
    from app.domain.records import Conversation, Student, Submission
    from app.services import Database

StoreSource = Callable[[], "Database"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("records", text)


def _reader(
    store: StoreSource, kind: str, *, count_limit: int | None = None
) -> tuple[Callable[[ListQuery], list[Any]], Callable[[ListQuery], int]]:
    """The model's two questions, put to the records' use cases (``app.services.records``):
    ``list_<kind>`` and ``count_<kind>`` (which stops at ``count_limit`` when given).  The
    services are imported on the first read, once the store is open."""

    def fetch(query: ListQuery) -> list[Any]:
        from app.services import records

        database = store()
        rows: list[Any] = getattr(records, f"list_{kind}")(database.principal, database, query)
        return rows

    def total(query: ListQuery) -> int:
        from app.services import records

        database = store()
        options = {} if count_limit is None else {"up_to": count_limit}
        count = getattr(records, f"count_{kind}")
        return int(count(database.principal, database, query, **options))

    return fetch, total


def _status(conversation: Conversation) -> str:
    from ui.labels import conversation_status_label

    return conversation_status_label(conversation)


def _conclusion(conversation: Conversation) -> str:
    from ui.labels import conclusion_label

    return conclusion_label(conversation.conclusion)


def student_model(store: StoreSource, parent: QObject | None = None) -> RecordTableModel[Student]:
    columns: list[Column[Student]] = [
        Column(_tr("Surname"), lambda s: s.surname, "name"),
        Column(_tr("Forename"), lambda s: s.forename, "name"),
        Column(_tr("Candidate no."), lambda s: s.candidate_number, "candidate_number"),
        Column(_tr("UPN"), lambda s: s.upn, "upn"),
        Column(_tr("Reg. group"), lambda s: s.reg_group, "reg_group"),
        Column(
            _tr("Year"),
            lambda s: "" if s.year_group is None else str(s.year_group),
            "year_group",
            align_right=True,
        ),
    ]

    fetch, total = _reader(store, "students")
    return RecordTableModel(columns, fetch, total, parent)


def submission_model(
    store: StoreSource, parent: QObject | None = None
) -> RecordTableModel[Submission]:
    columns: list[Column[Submission]] = [
        Column(_tr("Student"), lambda s: s.student_name, "student"),
        Column(_tr("Candidate no."), lambda s: s.candidate_number, "candidate_number"),
        Column(_tr("Awarding body"), lambda s: s.awarding_body, "awarding_body"),
        Column(_tr("Qualification"), lambda s: s.qualification, "qualification"),
        Column(_tr("Component"), lambda s: s.component_code, "component_code"),
        Column(_tr("Title"), lambda s: s.title, "title"),
        Column(
            _tr("Handed in"),
            lambda s: s.handed_in_on.isoformat() if s.handed_in_on else "",
            "handed_in_on",
        ),
        Column(
            _tr("Declaration"),
            lambda s: (
                _tr("signed {0}").format(s.declaration_signed_on.isoformat())
                if s.declaration_signed and s.declaration_signed_on
                else _tr("not signed")
            ),
            "declaration",
        ),
    ]

    fetch, total = _reader(store, "submissions")
    return RecordTableModel(columns, fetch, total, parent)


def _conversation_columns() -> list[Column[Conversation]]:
    return [
        Column(_tr("Date"), lambda c: c.held_at.astimezone().strftime("%d %b %Y %H:%M"), "held_at"),
        Column(_tr("Student"), lambda c: c.student_name, "student"),
        Column(_tr("Candidate no."), lambda c: c.candidate_number, "candidate_number"),
        Column(_tr("Qualification"), lambda c: c.qualification, "qualification"),
        # Where the case stands comes before the title and the teacher, so that it is in view
        # at 1366 pixels beside the details (the title is in the details too).
        Column(_tr("Status"), _status, "status"),
        Column(_tr("Conclusion"), _conclusion, "conclusion"),
        Column(_tr("Title"), lambda c: c.submission_title, "title"),
        Column(_tr("Led by"), lambda c: c.led_by_name, "led_by"),
    ]


def conversation_model(
    store: StoreSource, parent: QObject | None = None
) -> RecordTableModel[Conversation]:
    fetch, total = _reader(store, "conversations", count_limit=COUNT_LIMIT + 1)
    return RecordTableModel(_conversation_columns(), fetch, total, parent, partial_counts=True)


def waiting_model(
    store: StoreSource, parent: QObject | None = None
) -> RecordTableModel[Conversation]:
    """The cases passed to the exams officer and not yet referred: a short list, read whole
    (``app.services.sharing.waiting``), longest waiting first, filtered by the words typed."""

    def fetch(query: ListQuery) -> list[Conversation]:
        if query.after_id is not None or query.offset:
            return []  # the first window held them all
        from app.domain.text import search_key
        from app.services import sharing

        database = store()
        words = search_key(query.search).split()
        return [
            case
            for case in sharing.waiting(database.principal, database)
            if all(
                word
                in search_key(
                    f"{case.student_name} {case.candidate_number} {case.qualification} "
                    f"{case.submission_title}"
                )
                for word in words
            )
        ]

    # The list keeps its own order: no column sorts it.
    columns = [Column(c.title, c.value, "", c.align_right) for c in _conversation_columns()]
    return RecordTableModel(columns, fetch, lambda query: len(fetch(query)), parent)
