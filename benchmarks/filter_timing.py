"""The conversation list's query per keystroke, timed on any store, by any version of OwnWork.

Kept free of the benchmark harness and of anything newer than the record services, so that the
same timing runs on main's code for the "must not get worse" comparison::

    cd /work/main && .venv/bin/python <this repository>/benchmarks/filter_timing.py DATA_DIR

prints the p50 and p95 (ms) of the list query on that data folder's SQLite store.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any


def prefixes(words: list[str]) -> list[str]:
    """What the filter box holds after each keystroke: each word typed a letter at a time."""
    return [word[:end] for word in words for end in range(1, len(word) + 1)]


def words(store: Any) -> list[str]:
    """Words a teacher would type, from the data: the commonest surname, a word of the commonest
    qualification, a candidate number, and a word that matches nothing."""
    from sqlalchemy import func, select

    from app.storage.models import StudentRow, SubmissionRow

    with store.transaction() as session:
        surname = session.execute(
            select(StudentRow.surname).group_by(StudentRow.surname).order_by(func.count().desc())
        ).scalar()
        qualification = session.execute(
            select(SubmissionRow.qualification)
            .group_by(SubmissionRow.qualification)
            .order_by(func.count().desc())
        ).scalar()
        number = session.execute(
            select(StudentRow.candidate_number).where(StudentRow.candidate_number.is_not(None))
        ).scalar()
    return [
        (surname or "smith").lower(),
        (qualification or "history").split()[-1].lower(),
        number or "0423",
        "zqx",
    ]


def list_query_times(store: Any, typed: list[str], runs: int) -> list[float]:
    """Milliseconds per keystroke for the window's list query: the first window of 200 rows of
    the conversations, newest first, filtered by what the box holds."""
    from app.domain.list_query import ListQuery
    from app.services import records

    principal = store.principal
    for prefix in typed[:3]:  # warm the statement caches
        records.list_conversations(principal, store, ListQuery(search=prefix, limit=200))
    times: list[float] = []
    for _ in range(runs):
        for prefix in typed:
            start = time.perf_counter()
            records.list_conversations(principal, store, ListQuery(search=prefix, limit=200))
            times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(round(fraction * len(ordered), 9))) - 1]


def main() -> None:
    from app.paths import resolve_paths
    from app.storage.database import open_store

    store = open_store(resolve_paths(sys.argv[1]), actor="benchmark")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times = list_query_times(store, prefixes(words(store)), runs)
    print(f"p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms")


if __name__ == "__main__":
    sys.path.insert(0, ".")  # the checkout run from, main's or this one
    main()
