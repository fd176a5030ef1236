"""Every sort and filter the record lists offer is served by an index (EXPLAIN QUERY PLAN).

The lists must stay instant with a whole school's records (docs/performance.md).  What is
checked, for every sort key in the repositories' ``SORTS``, both directions, with and without a
search, and for the counts and the detail panes' lists:

- the big tables (conversations and their parts, the audit log) are never scanned row by row:
  conversations are read through covering indexes, and their rows only by primary key, for the
  window on screen;
- a list sorted by a column of its own table is read in index order, not sorted afterwards
  (only the tie-break on id may be sorted within equal keys: "RIGHT PART OF ORDER BY").

Scans that remain, and why they are bounded:

- The search is ``LIKE '%word%'`` on a folded search key, which no index can seek (the word may
  start anywhere).  It reads the students' or the submissions' search keys (a covering index,
  or the table): one row per student or per piece of coursework, a few thousand in a large
  school, never the conversations.
- Submissions sorted by the student's name or candidate number are sorted after reading: at most
  one or two rows per student.
- Conversations sorted by a column of another table (student, candidate number, the lead
  teacher), and filtered lists in any order but the date, sort the conversations' ids taken from
  covering indexes: no conversation row is read, and the sort is of (key, id) pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.demo.seed import seed_demo
from app.paths import AppPaths
from app.storage import conversations, students, submissions
from app.storage.database import Database, open_store
from app.storage.listing import ListQuery

BIG_TABLES = {
    "conversations",
    "conversation_answers",
    "conversation_excerpts",
    "conversation_indicators",
    "audit_log",
}

# Sorts read in the order of this index (no full sort); every other sort key must be listed in
# SORTED_AFTER_READING with the reason, so that a new sort cannot arrive without a decision.
ORDERED_BY_INDEX = {
    (students, "name"): "ix_students_sort_name",
    (students, "candidate_number"): "sqlite_autoindex_students_1",
    (students, "upn"): "sqlite_autoindex_students_2",
    (students, "reg_group"): "ix_students_sort_reg_group",
    (students, "year_group"): "ix_students_sort_year_group",
    (submissions, "awarding_body"): "ix_submissions_awarding_body",
    (submissions, "qualification"): "ix_submissions_qualification",
    (submissions, "component_code"): "ix_submissions_component_code",
    (submissions, "title"): "ix_submissions_title",
    (submissions, "handed_in_on"): "ix_submissions_handed_in_on",
    (submissions, "declaration"): "ix_submissions_sort_declaration",
    (conversations, "held_at"): "ix_conversations_held_at_submission",
    (conversations, "qualification"): "ix_submissions_qualification",
    (conversations, "title"): "ix_submissions_title",
    (conversations, "status"): "ix_conversations_status",
    (conversations, "conclusion"): "ix_conversations_conclusion",
}
SORTED_AFTER_READING = {
    (submissions, "student"): "a column of students; at most one or two rows per student",
    (submissions, "candidate_number"): "a column of students; as above",
    (conversations, "student"): "a column of students; ids from a covering index",
    (conversations, "candidate_number"): "a column of students; ids from a covering index",
    (conversations, "led_by"): "a column of staff (outer join); ids from a covering index",
}
REPOSITORIES = (students, submissions, conversations)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from app.paths import resolve_paths

    paths: AppPaths = resolve_paths(tmp_path_factory.mktemp("plans") / "data")
    store = open_store(paths, actor="test teacher")
    seed_demo(store, students=60, conversations=40)
    yield store
    store.dispose()


def plans(store: Database, call: Callable[[Session], object]) -> list[list[str]]:
    """The query plan of every SELECT that ``call`` runs, one list of plan lines each."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.transaction() as session:
            call(session)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    assert captured, "the call ran no query"
    with store.engine.connect() as connection:
        return [
            [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
            for sql, params in captured
        ]


def assert_big_tables_use_indexes(lines: list[str]) -> None:
    for line in lines:
        scanned = re.fullmatch(r"SCAN (\w+)", line)
        assert not (scanned and scanned.group(1) in BIG_TABLES), f"full scan: {line}"
        if re.match(r"(SCAN|SEARCH) conversations\b", line):
            assert "COVERING INDEX" in line or "INTEGER PRIMARY KEY" in line, (
                f"reads conversation rows other than the window's, by key: {line}"
            )


def window_part(lines: list[str]) -> list[str]:
    """The plan of the query that finds a window's ids (conversations find them in a subquery,
    then read those rows by key and sort the window), or the whole plan."""
    if "MATERIALIZE chosen" not in lines:
        return lines
    return lines[lines.index("MATERIALIZE chosen") + 1 : lines.index("SCAN chosen")]


def list_calls() -> Iterator[tuple[Any, str, str, bool]]:
    for repository in REPOSITORIES:
        for sort in repository.SORTS:
            for search in ("", "smi"):
                for descending in (False, True):
                    yield repository, sort, search, descending


def test_every_sort_key_is_accounted_for() -> None:
    keys = {(repository, sort) for repository in REPOSITORIES for sort in repository.SORTS}
    assert keys == set(ORDERED_BY_INDEX) | set(SORTED_AFTER_READING)
    assert not set(ORDERED_BY_INDEX) & set(SORTED_AFTER_READING)


@pytest.mark.parametrize(
    ("repository", "sort", "search", "descending"),
    list(list_calls()),
    ids=lambda value: getattr(value, "__name__", str(value)).rsplit(".", 1)[-1] or "all",
)
def test_lists_never_scan_the_big_tables(
    demo: Database, repository: Any, sort: str, search: str, descending: bool
) -> None:
    query = ListQuery(sort=sort, search=search, descending=descending)
    for lines in plans(demo, lambda session: repository.page(session, query)):
        assert_big_tables_use_indexes(lines)


@pytest.mark.parametrize(("repository", "sort"), list(ORDERED_BY_INDEX), ids=str)
def test_sorted_lists_are_read_in_index_order(demo: Database, repository: Any, sort: str) -> None:
    index = ORDERED_BY_INDEX[(repository, sort)]
    for descending in (False, True):
        query = ListQuery(sort=sort, descending=descending)
        found = window_part(plans(demo, lambda session, q=query: repository.page(session, q))[-1])
        assert any(f"INDEX {index}" in line for line in found), found
        assert "USE TEMP B-TREE FOR ORDER BY" not in found, found


def test_a_broad_search_in_date_order_walks_the_date_index_and_a_narrow_one_does_not(
    demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every demo submission's search key holds its exam series ("June 2027" and the like).
    query = ListQuery(search="20")
    broad = window_part(plans(demo, lambda session: conversations.page(session, query))[-1])
    assert broad[0] == "SCAN conversations USING COVERING INDEX ix_conversations_held_at_submission"
    assert "USE TEMP B-TREE FOR ORDER BY" not in broad, broad
    monkeypatch.setattr(conversations, "_WALK_FROM", 1.01)  # as if too few submissions matched
    narrow = window_part(plans(demo, lambda session: conversations.page(session, query))[-1])
    assert "ix_conversations_submission_list (submission_id=?)" in narrow[0], narrow


@pytest.mark.parametrize("search", ["", "smi"])
def test_counts_use_indexes(demo: Database, search: str) -> None:
    query = ListQuery(search=search)
    for repository in REPOSITORIES:
        for lines in plans(demo, lambda session, r=repository: r.count(session, query)):
            assert_big_tables_use_indexes(lines)
    capped = plans(demo, lambda session: conversations.count(session, query, up_to=1001))
    assert_big_tables_use_indexes(capped[0])


def test_the_detail_panes_lists_use_indexes(demo: Database) -> None:
    window = ListQuery(limit=20)
    for call in (
        lambda session: conversations.page(session, window, student_id=1),
        lambda session: conversations.page(session, window, submission_id=1),
        lambda session: submissions.page(session, window, student_id=1),
    ):
        for lines in plans(demo, call):
            assert_big_tables_use_indexes(lines)
            scans = [line for line in lines if re.fullmatch(r"SCAN (students|submissions)", line)]
            assert not scans, lines


def test_capped_count_stops_at_the_cap_and_is_exact_below_it(demo: Database) -> None:
    with demo.transaction() as session:
        everything = conversations.count(session, ListQuery(search="a"))
        assert everything > 5
        assert conversations.count(session, ListQuery(search="a"), up_to=5) == 5
        assert conversations.count(session, ListQuery(search="a"), up_to=10_000) == everything
        # The unfiltered total is always exact: counting a whole index is cheap.
        total = conversations.count(session)
        assert conversations.count(session, up_to=5) == total == 40
