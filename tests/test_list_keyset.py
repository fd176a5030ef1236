"""Lists page by key: the next window starts after the last row shown, so rows that other staff
add between two windows neither repeat a row already shown nor push one out of the list.

Every sort is walked a few rows at a time, adding records between windows that sort before,
among and after the rows already read (with and without the values that may be empty), on both
stores: their NULLs sort at opposite ends, and the key follows each store's own order.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.domain.principal import Principal
from app.domain.records import StudentDraft, SubmissionDraft
from app.services import records
from app.storage import conversations, students, submissions
from app.storage.database import Database
from app.storage.listing import ListQuery

pytestmark = pytest.mark.both_stores

TEACHER = Principal.personal("a.okafor")
PAGE = 3
_names = itertools.count(1)
# Names that sort at the start, the middle and the end, with and without accents.
SURNAMES = ["Aaron", "Ødegaard", "Zoë", "Siobhán", "Ńguyen", "Müller", "Straße", "Brown"]


def _add_student(store: Database, n: int) -> int:
    draft = StudentDraft(
        surname=SURNAMES[n % len(SURNAMES)],
        forename=f"F{n:03d}",
        candidate_number=f"{n:04d}" if n % 3 else "",  # some without: NULL
        reg_group=f"1{n % 4}",
        year_group=None if n % 5 == 0 else 7 + n % 5,
    )
    return records.add_student(TEACHER, store, draft).value.id


def _add_submission(store: Database, n: int) -> int:
    draft = SubmissionDraft(
        student_id=_add_student(store, n),
        awarding_body=["AQA", "OCR", "WJEC Eduqas"][n % 3],
        qualification="GCSE History",
        title=f"Essay {n % 4}",
        handed_in_on=None if n % 2 else dt.date(2026, 11, 1 + n % 20),
    )
    return records.add_submission(TEACHER, store, draft).value.id


def _add_conversation(store: Database, n: int) -> int:
    outcome = records.plan_conversation(
        TEACHER,
        store,
        submission_id=_add_submission(store, n),
        # Some at the same moment, so the id decides between them.
        held_at=dt.datetime(2026, 11, 1 + n % 7, 9, 0, tzinfo=dt.UTC),
        led_by=None if n % 2 else ["Ms Byrne", "Mr Adeyemi"][n % 4 // 2],
    )
    return outcome.value.id


Page = Callable[[Database, ListQuery], Sequence[Any]]


def _walk(
    store: Database, page: Page, add: Callable[[Database, int], int], query: ListQuery
) -> None:
    """Fill the list, then read it a window at a time while records are added between windows:
    no row twice, none that was there all along missed, and the list's order kept."""
    for _ in range(9):
        add(store, next(_names))
    before = {record.id for record in page(store, replace(query, limit=None))}
    seen: list[int] = []
    last: int | None = None
    while True:
        window = page(store, replace(query, limit=PAGE, offset=len(seen), after_id=last))
        seen.extend(record.id for record in window)
        if len(window) < PAGE:
            break
        last = window[-1].id
        for _ in range(2):  # others save records meanwhile, anywhere in the order
            add(store, next(_names))
    assert len(seen) == len(set(seen)), "a row was listed twice"
    assert before <= set(seen), "a row that was there all along was never listed"
    final = [record.id for record in page(store, replace(query, limit=None))]
    assert seen == [i for i in final if i in set(seen)], "the windows left the list's order"


def _students(store: Database, query: ListQuery) -> list[Any]:
    with store.transaction() as session:
        return students.page(session, query)


def _submissions(store: Database, query: ListQuery) -> list[Any]:
    with store.transaction() as session:
        return submissions.page(session, query)


def _conversations(store: Database, query: ListQuery) -> list[Any]:
    with store.transaction() as session:
        return conversations.page(session, query)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", sorted(students.SORTS))
def test_student_windows_neither_repeat_nor_skip_rows_added_meanwhile(
    store: Database, sort: str, descending: bool
) -> None:
    _walk(store, _students, _add_student, ListQuery(sort=sort, descending=descending))


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", ["student", "candidate_number", "handed_in_on", "title"])
def test_submission_windows_neither_repeat_nor_skip_rows_added_meanwhile(
    store: Database, sort: str, descending: bool
) -> None:
    _walk(store, _submissions, _add_submission, ListQuery(sort=sort, descending=descending))


@pytest.mark.parametrize(
    ("sort", "search"),
    [("", ""), ("held_at", "essay"), ("led_by", ""), ("student", ""), ("conclusion", "")],
)
def test_conversation_windows_neither_repeat_nor_skip_rows_added_meanwhile(
    store: Database, sort: str, search: str
) -> None:
    _walk(store, _conversations, _add_conversation, ListQuery(sort=sort, search=search))


def test_offset_paging_would_have_repeated_a_row(store: Database) -> None:
    """Why the key: the same insert between two offset windows shows a row twice."""
    for surname in ("Brown", "Carter", "Davies", "Evans"):
        records.add_student(TEACHER, store, StudentDraft(surname=surname, forename="A"))
    query = ListQuery(sort="name", limit=2)
    first = _students(store, query)
    records.add_student(TEACHER, store, StudentDraft(surname="Aaron", forename="A"))
    by_offset = _students(store, replace(query, offset=2))
    by_key = _students(store, replace(query, offset=2, after_id=first[-1].id))
    assert by_offset[0] == first[-1]  # Carter again
    assert [s.surname for s in by_key] == ["Davies", "Evans"]


def test_a_window_after_a_row_that_left_the_filter_falls_back_to_the_offset(
    store: Database,
) -> None:
    ids = [
        records.add_student(TEACHER, store, StudentDraft(surname=name, forename="A")).value.id
        for name in ("Brown", "Carter", "Davies", "Evans")
    ]
    records.change_student(TEACHER, store, ids[1], StudentDraft(surname="Zed", forename="B"))
    query = ListQuery(sort="name", search="a", limit=2, offset=2, after_id=ids[1])
    assert [s.surname for s in _students(store, query)] == ["Evans"]


def test_the_window_list_scrolled_on_after_a_colleagues_save_repeats_no_row(
    qtbot: QtBot, store: Database
) -> None:
    """The window's list model asks for the rows after its last one: a student added at the top
    of the list between two windows neither repeats the last row shown nor hides one."""
    from ui.models.record_models import student_model
    from ui.models.record_table import PAGE

    added = [
        records.add_student(TEACHER, store, StudentDraft(surname=f"Surname{n:04d}", forename="A"))
        for n in range(PAGE + 20)
    ]
    model = student_model(lambda: store)
    model.activate()
    qtbot.waitUntil(lambda: not model.loading)  # rows arrive from a reading thread
    assert model.rowCount() == PAGE
    records.add_student(TEACHER, store, StudentDraft(surname="Aaron", forename="A"))
    model.fetchMore()
    qtbot.waitUntil(lambda: not model.loading and model.rowCount() > PAGE)
    ids = [model.record(row).id for row in range(model.rowCount())]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids))
    assert {outcome.value.id for outcome in added} <= set(ids)
    qtbot.waitUntil(lambda: not model.counting)  # its count, on a reading thread, is done
