"""Crash-safety harness: kill -9 a process typing notes through the real autosave path.

A driver process opens the store, takes a conversation in progress and types notes into its
answers through ``ui.interview.controller.InterviewController`` (the walk-through's own
controller and its background autosave writer), character run by character run.  After each
note it flushes the autosaver and prints ``COMMITTED <answer id> <sha256 of the text>`` once the
note is in the database.  The harness kills it with SIGKILL at a random moment, then checks:

* ``PRAGMA integrity_check`` is "ok";
* for every answer, the stored text begins with the last text the driver reported committed
  (typing only appends, so anything committed later extends it);
* at the end, ``ownwork verify``'s audit chain and record checks pass.

Run ``python tests/crash_harness.py --runs 200`` (the figure in docs/integrity.md);
``tests/test_crash_harness.py`` runs a few in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

READY = "READY"
COMMITTED = "COMMITTED"
FIELD = "observations"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the driver (runs in the child process) ---------------------------------------------------


def drive(data_dir: Path, conversation_id: int, seed: int) -> None:
    """Type notes until killed.  Uses the walk-through's controller and autosave."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from app.paths import resolve_paths
    from app.storage.database import open_store
    from ui.interview.controller import InterviewController

    application = QCoreApplication([])
    store = open_store(resolve_paths(data_dir), actor="crash harness")
    controller = InterviewController(store, conversation_id)
    rng = random.Random(seed)
    texts = [getattr(answer, FIELD) for answer in controller.answers]
    print(READY, flush=True)
    number = 0
    while True:
        index = rng.randrange(len(texts))
        note = f"note {seed}-{number} {rng.choice(['Zoë', 'Łukasz', 'Nguyễn', '名前', 'ok'])}."
        base = texts[index]
        full = f"{base} {note}" if base else note
        step = rng.randrange(1, 6)
        for end in range(len(base) + 1, len(full) + 1, step):
            controller.set_answer_text(index, FIELD, full[:end])
            application.processEvents()
        controller.set_answer_text(index, FIELD, full)
        if controller.autosaver.flush(30.0):
            texts[index] = full
            answer_id = controller.answers[index].id
            print(f"{COMMITTED} {answer_id} {_digest(full)} {len(full)}", flush=True)
        number += 1


# --- the harness ------------------------------------------------------------------------------


@dataclass
class Outcome:
    runs: int = 0
    committed_notes: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def prepare(data_dir: Path) -> int:
    """A store with one conversation in progress; returns its id."""
    from app.domain.records import ConversationDraft, StaffDraft, StudentDraft, SubmissionDraft
    from app.paths import resolve_paths
    from app.storage import conversations, interviews, staff, students, submissions
    from app.storage.database import open_store
    from tests.interview_support import snapshot

    store = open_store(resolve_paths(data_dir), actor="crash harness")
    try:
        with store.transaction() as session:
            student = students.create(
                session, StudentDraft(surname="Wójcik", forename="Łukasz", candidate_number="0001")
            )
            lead = staff.create(session, StaffDraft(name="Ms Okafor"))
            submission = submissions.create(
                session,
                SubmissionDraft(
                    student_id=student.id, awarding_body="AQA", qualification="GCSE History"
                ),
            )
            conversation = conversations.create(
                session,
                ConversationDraft(
                    submission_id=submission.id,
                    held_at=dt.datetime.now(dt.UTC),
                    led_by_id=lead.id,
                ),
            )
            interviews.save_preparation(session, conversation.id, purpose_explained=True)
            interviews.begin(session, conversation.id, snapshot(), "Crash harness")
        return conversation.id
    finally:
        store.dispose()


def stored_texts(database: Path) -> tuple[list[str], dict[int, str]]:
    """(integrity_check rows, answer id -> text), read with plain sqlite3 after a crash."""
    with closing(sqlite3.connect(database)) as connection:
        check = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        texts = dict(connection.execute(f"SELECT id, {FIELD} FROM conversation_answers"))
    return check, texts


def check(database: Path, expected: dict[int, str], lengths: dict[int, int]) -> list[str]:
    """What is wrong after a kill: a damaged file, or a committed note that is not there."""
    integrity, texts = stored_texts(database)
    problems = [] if integrity == ["ok"] else [f"integrity_check said {integrity[:3]}"]
    for answer_id, digest in expected.items():
        text = texts.get(answer_id, "")
        if _digest(text[: lengths[answer_id]]) != digest:
            problems.append(f"answer {answer_id} lost a committed note")
    return problems


def run(runs: int, *, seed: int = 1, data_dir: Path | None = None, quiet: bool = False) -> Outcome:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="ownwork-crash-") as scratch:
        folder = data_dir or Path(scratch) / "data"
        conversation_id = prepare(folder)
        database = folder / "ownwork.sqlite3"
        expected: dict[int, str] = {}  # answer id -> sha256 of the last text reported committed
        lengths: dict[int, int] = {}
        outcome = Outcome()
        started = time.monotonic()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
        for number in range(runs):
            child = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--driver",
                    str(folder),
                    str(conversation_id),
                    str(seed * 100_000 + number),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert child.stdout is not None
            line = child.stdout.readline().strip()
            if line != READY:
                child.kill()
                _, err = child.communicate()
                outcome.failures.append(f"run {number}: the driver did not start: {err[-500:]}")
                continue
            time.sleep(rng.uniform(0.05, 1.2))
            child.send_signal(signal.SIGKILL)
            out, _ = child.communicate()
            for reported in out.splitlines():
                parts = reported.split()
                if len(parts) == 4 and parts[0] == COMMITTED:
                    expected[int(parts[1])] = parts[2]
                    lengths[int(parts[1])] = int(parts[3])
                    outcome.committed_notes += 1
            outcome.failures.extend(
                f"run {number}: {problem}" for problem in check(database, expected, lengths)
            )
            outcome.runs += 1
            if not quiet:
                print(
                    f"run {number + 1}/{runs}: {outcome.committed_notes} notes committed so far, "
                    f"{len(outcome.failures)} failures",
                    flush=True,
                )
        outcome.failures.extend(_verify(folder))
        outcome.seconds = time.monotonic() - started
        return outcome


def _verify(folder: Path) -> list[str]:
    from app.integrity.verify import verify
    from app.paths import resolve_paths
    from app.storage.database import open_store

    paths = resolve_paths(folder)
    store = open_store(paths)
    try:
        report = verify(paths, store)
    finally:
        store.dispose()
    return [f"verify: {problem}" for problem in report.problems]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--driver", nargs=3, metavar=("DATA_DIR", "CONVERSATION", "SEED"))
    args = parser.parse_args(argv)
    if args.driver:
        drive(Path(args.driver[0]), int(args.driver[1]), int(args.driver[2]))
        return 0
    outcome = run(args.runs, seed=args.seed)
    print(
        f"{outcome.runs} kills, {outcome.committed_notes} notes reported committed, "
        f"{len(outcome.failures)} failures, {outcome.seconds:.0f} s"
    )
    for failure in outcome.failures:
        print(f"FAILED {failure}")
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
