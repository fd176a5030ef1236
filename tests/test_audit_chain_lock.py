"""A transaction's audit entries are appended as it commits, so the chain's lock is held only for
the end of the commit: a long transaction does not keep other staff waiting while it works, and
one that rolls back leaves neither an entry nor a hole in the chain.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain.principal import Principal
from app.domain.records import StudentDraft
from app.paths import AppPaths
from app.services import integrity, records
from app.storage import audit, students
from app.storage.database import Database
from app.storage.models import AuditRow, StudentRow

OTHER = Principal.personal("b.nowak")
WAIT = 20.0  # seconds: far beyond what a write takes, even on a loaded machine


_numbers = itertools.count(101)


def _draft(surname: str) -> StudentDraft:
    return StudentDraft(surname=surname, forename="Ada", candidate_number=f"{next(_numbers):04d}")


def _chain(store: Database) -> list[AuditRow]:
    with store.transaction() as session:
        return list(session.scalars(select(AuditRow).order_by(AuditRow.id)))


def _assert_one_whole_chain(store: Database, paths: AppPaths) -> None:
    """Every entry numbered one after the other, each naming the one before, hashing to what
    it claims; and ``verify`` finds nothing wrong."""
    rows = _chain(store)
    assert [row.id for row in rows] == list(range(1, len(rows) + 1))
    previous = audit.GENESIS
    for row in rows:
        assert row.prev_hash == previous
        assert audit.entry_hash(row.prev_hash, row) == row.hash
        previous = row.hash
    report = integrity.verify(store.principal, store, paths)
    assert report.ok, [str(problem) for problem in report.problems]


def _in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failures


@pytest.mark.parametrize("store_kind", ["postgresql"])
def test_a_transaction_under_way_does_not_keep_another_writer_waiting(
    store: Database, paths: AppPaths
) -> None:
    with store.transaction() as long:
        students.create(long, _draft("Longwork"))  # its row written, its entry queued
        long.flush()
        long.execute(select(func.count()).select_from(StudentRow)).scalar()
        # Meanwhile another member of staff saves: before, this waited for the chain's lock,
        # held by ``long`` from its entry until its commit.
        saver, failures = _in_thread(lambda: records.add_student(OTHER, store, _draft("Quick")))
        saver.join(WAIT)
        assert not saver.is_alive(), "the other save waited for a transaction still under way"
        assert not failures, failures
    rows = _chain(store)
    # The long transaction's entry joined the chain when it committed: after the other's.
    assert [row.summary.split(" ")[2] for row in rows] == ["Quick", "Longwork"]
    _assert_one_whole_chain(store, paths)


@pytest.mark.parametrize("store_kind", ["postgresql"])
def test_the_commit_waits_for_the_chain_lock(store: Database, paths: AppPaths) -> None:
    """Appending still takes the lock (it is what keeps the chain from forking): a commit waits
    while another transaction holds it, then chains after that one's entry."""
    with store.transaction() as holder:
        audit.lock_chain(holder)
        audit.record(holder, "note", "student", None, "Held the chain first")
        saver, failures = _in_thread(lambda: records.add_student(OTHER, store, _draft("Later")))
        with store.transaction() as watcher:
            waiting = 0
            for _ in range(int(WAIT * 20)):
                waiting = watcher.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND NOT granted AND database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                ).scalar_one()
                if waiting:
                    break
                saver.join(0.05)
        assert waiting == 1, "the other commit did not wait for the chain's lock"
        assert saver.is_alive()
    saver.join(WAIT)
    assert not saver.is_alive() and not failures, failures
    assert [row.summary for row in _chain(store)] == ["Held the chain first", "Added Ada Later"]
    _assert_one_whole_chain(store, paths)


class _Abandoned(Exception):
    pass


@pytest.mark.both_stores
def test_a_rolled_back_transaction_leaves_no_entry_and_no_gap(
    store: Database, paths: AppPaths
) -> None:
    records.add_student(OTHER, store, _draft("Before"))
    with pytest.raises(_Abandoned), store.transaction() as session:
        students.create(session, _draft("Abandoned"))
        audit.record(session, "note", "student", None, "Abandoned note")
        # Work that makes the session write what it holds (a query autoflushes), as a use case
        # does before it fails: the entries must still not be numbered or written.
        session.execute(select(func.count()).select_from(StudentRow)).scalar()
        raise _Abandoned
    records.add_student(OTHER, store, _draft("After"))
    summaries = [row.summary for row in _chain(store)]
    assert not [summary for summary in summaries if "Abandoned" in summary]
    assert len(summaries) == 2
    _assert_one_whole_chain(store, paths)


@pytest.mark.both_stores
def test_a_transaction_reads_the_entries_it_has_made(store: Database, paths: AppPaths) -> None:
    """An anchor printed in the same unit of work as a change counts the change's entry, as
    when entries were written the moment they were made."""
    with store.transaction() as session:
        before = audit.anchor(session)
        students.create(session, _draft("Counted"))
        after = audit.anchor(session)
        assert after.position == before.position + 1
        audit.record(session, "note", "student", None, "Made after the anchor was read")
    rows = _chain(store)
    assert len(rows) == after.position + 1
    assert rows[after.position - 1].hash == after.head
    _assert_one_whole_chain(store, paths)


@pytest.mark.both_stores
def test_a_rolled_back_savepoint_takes_only_its_own_entries(
    store: Database, paths: AppPaths
) -> None:
    with store.transaction() as session:
        audit.record(session, "note", "student", None, "Before the savepoints")
        kept = session.begin_nested()
        audit.record(session, "note", "student", None, "In the kept savepoint")
        kept.commit()
        dropped = session.begin_nested()
        audit.record(session, "note", "student", None, "In the dropped savepoint")
        dropped.rollback()
        audit.record(session, "note", "student", None, "After the savepoints")
    assert [row.summary for row in _chain(store)] == [
        "Before the savepoints",
        "In the kept savepoint",
        "After the savepoints",
    ]
    _assert_one_whole_chain(store, paths)


@pytest.mark.both_stores
def test_an_entrys_changes_are_those_at_the_moment_it_was_made(store: Database) -> None:
    changes = {"surname": ["Old", "New"]}
    with store.transaction() as session:
        audit.record(session, "update", "student", 1, "Changed surname", changes)
        changes["surname"] = ["Changed", "Afterwards"]
    (row,) = _chain(store)
    assert audit.changes_of(row) == {"surname": ["Old", "New"]}


def _written(session: Session) -> int:
    """Entries in the table as this transaction sees it, read past the session (which would
    append what is queued first)."""
    return int(session.connection().exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one())


@pytest.mark.both_stores
def test_an_import_sized_batch_is_appended_at_once(store: Database, paths: AppPaths) -> None:
    """Keeping thousands of entries to the commit would cost an import memory per row: from
    ``APPEND_EARLY_AT`` queued entries they go in at once; a handful waits for the commit."""
    few = [audit.Pending("create", "student", n, f"Entry {n}") for n in range(3)]
    many = [audit.Pending("create", "student", n, f"Entry {n}") for n in range(3, 1_003)]
    assert len(few) + len(many) >= audit.APPEND_EARLY_AT
    with store.transaction() as session:
        audit.record_many(session, few)
        assert _written(session) == 0
        audit.record_many(session, many)
        assert _written(session) == 1_003
        audit.record(session, "note", "student", None, "After the batch")
        assert _written(session) == 1_003
    rows = _chain(store)
    assert [row.summary for row in rows] == [f"Entry {n}" for n in range(1_003)] + [
        "After the batch"
    ]
    _assert_one_whole_chain(store, paths)
