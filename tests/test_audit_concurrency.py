"""Many staff writing at once on the school's server never fork the audit chain.

Each writer is a separate process with its own connection, as each member of staff's copy of
OwnWork is; they start together and append as fast as they can.  Afterwards every entry must
name the one before it (in the order the server numbered them) and hash to what it claims.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.storage import audit
from app.storage.database import Database
from app.storage.models import AuditRow

WRITERS = 8
ENTRIES_EACH = 25
ROOT = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent(
    """
    import sys, time
    from app.storage import audit
    from app.storage.database import open_url

    url, name, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    store = open_url(url, actor=name)
    while time.time() < start:  # every writer begins at the same moment
        time.sleep(0.001)
    for n in range(count):
        with store.transaction() as session:
            audit.record(session, "note", "conversation", n, f"{name} note {n}")
    store.dispose()
    """
)


@pytest.mark.parametrize("store_kind", ["postgresql"])
def test_concurrent_writers_never_fork_the_chain(store: Database) -> None:

    start = time.time() + 3.0
    url = store.engine.url.render_as_string(hide_password=False)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, f"writer {n}", str(ENTRIES_EACH), str(start)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with store.transaction() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    notes = [row for row in rows if row.action == "note"]
    assert len(notes) == WRITERS * ENTRIES_EACH
    # Writers really interleaved: a serial run would give each writer one unbroken block.  (On
    # the server every entry names the session's login, so the writer is told by its summary.)
    changes_of_writer = sum(1 for a, b in itertools.pairwise(notes) if _writer(a) != _writer(b))
    assert changes_of_writer > WRITERS
    previous = audit.GENESIS
    for row in rows:
        assert row.prev_hash == previous, f"entry {row.id} forks the chain"
        assert audit.entry_hash(row.prev_hash, row) == row.hash
        previous = row.hash
    assert len({row.prev_hash for row in rows}) == len(rows)


def _writer(row: AuditRow) -> str:
    return row.summary.split(" note ")[0]
