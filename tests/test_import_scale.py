"""A large student list imports in memory that does not grow with a row's objects.

The import streams the file (records are read from its text as they are planned, not all kept)
and writes in batches, so what it holds per row is the plan's preview (a draft per row) and a
few numbers; these tests measure that with ``tracemalloc`` at two sizes, on both stores.  Wall
time is left to ``benchmarks/bench_import.py``: a shared machine makes timed tests flaky.
"""

from __future__ import annotations

import tracemalloc

import pytest
from sqlalchemy import func, select

from app.mis_import.apply import apply_plan
from app.mis_import.plan import build_plan, source_from_bytes
from app.storage import audit
from app.storage.database import Database
from app.storage.models import AuditRow, StudentRow


def _csv(rows: int) -> bytes:
    """A SIMS-like export whose students are matched by UPN (candidate numbers run out at
    9,999), with accented names so that folding takes its slower path too."""
    lines = ["Legal Surname,Legal Forename,UPN,Reg Group,Year"]
    lines += [
        f"Ødegård{i},Zoë,A{i:011d}{i % 10},{7 + i % 7}A,Year {7 + i % 7}" for i in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _import_peaks(store: Database, rows: int) -> tuple[int, int]:
    """(bytes held by the plan, peak bytes of planning and importing it) for ``rows`` rows."""
    data = _csv(rows)
    tracemalloc.start()
    try:
        plan = build_plan(store, source_from_bytes(data, "big.csv"))
        assert not plan.has_errors, plan.errors()[:3]
        held = tracemalloc.get_traced_memory()[0]
        apply_plan(store, plan)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return held, peak


@pytest.mark.both_stores
def test_importing_four_times_the_rows_needs_no_more_than_the_preview_per_row(
    store: Database,
) -> None:
    _held_small, peak_small = _import_peaks(store, 5_000)
    held_large, peak_large = _import_peaks(store, 20_000)
    per_row = (peak_large - peak_small) / 15_000
    # The plan keeps a draft per row for the preview (well under 1 KB); everything else
    # (the file's records, the inserted rows, the audit entries) is read or written in
    # batches, so the peak grows by little more than the plan does (about 0.9 KB per row; before
    # streaming, 3 KB, with the peak 2.6 times what the plan holds).
    assert per_row < 1_500, f"{per_row:.0f} bytes per extra row"
    assert peak_large - held_large < 0.8 * held_large
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StudentRow)) == 20_000
        # The second file repeats the first 5,000 (unchanged): one entry per new student
        # plus one per import, chained throughout.
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    assert len(rows) == 20_002
    prev = audit.GENESIS
    for row in rows:
        assert (row.prev_hash, row.hash) == (prev, audit.entry_hash(prev, row))
        prev = row.hash
