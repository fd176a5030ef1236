"""The crash harness, briefly: kill -9 during autosave never loses a committed note.

``python tests/crash_harness.py --runs 200`` is the full run; docs/integrity.md has its figure.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

from tests import crash_harness

CI_RUNS = 5


def test_kill_9_during_autosave_loses_no_committed_note() -> None:
    outcome = crash_harness.run(CI_RUNS, seed=7, quiet=True)
    assert outcome.failures == []
    assert outcome.runs == CI_RUNS
    assert outcome.committed_notes > 0


def test_the_harness_would_notice_a_lost_note(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    crash_harness.prepare(folder)
    database = folder / "ownwork.sqlite3"
    with closing(sqlite3.connect(database)) as connection, connection:
        answer_id = connection.execute("SELECT min(id) FROM conversation_answers").fetchone()[0]
        connection.execute(
            "UPDATE conversation_answers SET observations = 'note 1' WHERE id = ?", (answer_id,)
        )
    kept = {answer_id: hashlib.sha256(b"note 1").hexdigest()}
    assert crash_harness.check(database, kept, {answer_id: 6}) == []
    lost = {answer_id: hashlib.sha256(b"note 1 note 2").hexdigest()}
    assert crash_harness.check(database, lost, {answer_id: 13}) == [
        f"answer {answer_id} lost a committed note"
    ]
