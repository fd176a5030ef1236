"""Shared set-up for the integrity tests: a concluded (and optionally finalised) conversation."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, text

from app.domain.interview import IndicatorSeen
from app.domain.records import (
    Centre,
    Conclusion,
    ConversationDraft,
    Rating,
    StaffDraft,
    StudentDraft,
    SubmissionDraft,
)
from app.integrity import finalise
from app.paths import AppPaths
from app.storage import conversations, interviews, staff, students, submissions
from app.storage.database import Database
from tests.interview_support import snapshot

STUDENT_WORDS = "I started with Chepstow because we went there in Year 8 — “it felt real”."


def plan_conversation(store: Database, candidate_number: str = "0423") -> int:
    """A student, a signed submission and a planned conversation (as the ``conversation_id``
    fixture makes), for stores the fixtures do not provide."""
    with store.transaction() as session:
        student = students.create(
            session,
            StudentDraft(surname="Nguyễn", forename="Thị Mai", candidate_number=candidate_number),
        )
        lead = staff.create(session, StaffDraft(name="Ms Okafor"))
        submission = submissions.create(
            session,
            SubmissionDraft(
                student_id=student.id,
                awarding_body="AQA",
                qualification="GCSE History",
                declaration_signed=True,
                declaration_signed_on=dt.date(2026, 10, 1),
            ),
        )
        return conversations.create(
            session,
            ConversationDraft(
                submission_id=submission.id,
                held_at=dt.datetime(2026, 10, 8, 9, 30, tzinfo=dt.UTC),
                led_by_id=lead.id,
            ),
        ).id


def conclude(store: Database, conversation_id: int) -> None:
    """Walk a planned conversation through prepare, converse and conclude."""
    with store.transaction() as session:
        interviews.save_preparation(
            session,
            conversation_id,
            concern_summary="The essay's vocabulary differs sharply from class work.",
            purpose_explained=True,
            wellbeing_note="Calm; asked for water.",
        )
        interviews.set_indicators(
            session,
            conversation_id,
            [IndicatorSeen(code="detector_flag", note="Flagged at 87%")],
        )
        interviews.add_excerpt(
            session, conversation_id, location="page 2", text="The marcher lordships…"
        )
        answers = interviews.begin(session, conversation_id, snapshot(), "Essay basics")
        interviews.update_answer(
            session,
            answers[0].id or 0,
            rating=Rating.PARTLY,
            student_words=STUDENT_WORDS,
            observations="Hesitated, then gave a specific memory.",
        )
        interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.CONCERNS_REMAIN,
            student_account="Says a cousin helped with wording.",
            next_step="Refer to the exams officer.",
        )


def finalised(store: Database, conversation_id: int) -> str:
    """Conclude and finalise; returns the integrity code."""
    conclude(store, conversation_id)
    with store.transaction() as session:
        return finalise.finalise(session, conversation_id).content_hash


def tamper(database: Path, *statements: str, restore_triggers: bool = True) -> None:
    """Change the file behind the app's back, as someone with the sqlite3 shell could.

    The append-only triggers are dropped first, as anyone tampering would have to, and put
    back afterwards (unless told otherwise) so that only the change itself is left to detect.
    """
    with closing(sqlite3.connect(database)) as connection:
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ownwork_%'"
        ).fetchall()
        with connection:
            for name, _ in triggers:
                connection.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                connection.execute(statement)
            if restore_triggers:
                for _, sql in triggers:
                    connection.execute(sql)


def tamper_evidence(store: Database, paths: AppPaths, sha: str, piece: int = 0) -> None:
    """Change a stored evidence file behind OwnWork's back: the data folder's file, or on a
    server one piece of it in the database (past the triggers, as its owner could)."""
    if store.path is not None:
        from app.integrity.blobs import FolderBlobStore

        location = FolderBlobStore(paths).location(sha)
        location.chmod(0o600)
        location.write_bytes(b"changed")
        return
    with store.engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            text(
                "UPDATE evidence_chunks SET data = :data FROM evidence_blobs "
                "WHERE evidence_blobs.id = blob_id AND evidence_blobs.sha256 = :sha AND n = :n"
            ),
            {"data": b"changed", "sha": sha, "n": piece},
        )


def table_rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove that something left the database unchanged."""
    with closing(sqlite3.connect(database)) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def all_rows(store: Database) -> dict[str, list[tuple[object, ...]]]:
    """``table_rows`` for any kind of store, read through its engine."""
    with store.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1"))
            ]
            for name in names
        }


def evidence_files(evidence_dir: Path) -> list[str]:
    if not evidence_dir.exists():
        return []
    return sorted(str(p.relative_to(evidence_dir)) for p in evidence_dir.rglob("*") if p.is_file())


def centre_for_referrals(store: Database) -> None:
    """The centre's details that form M1 asks for, which a referral needs."""
    with store.transaction() as session:
        staff.set_centre(
            session,
            Centre(
                name="Ysgol Glan y Môr",
                centre_number="68123",
                address="Ffordd yr Harbwr, Aberdaron",
                head_name="Dr Eleri Pritchard",
                head_email="head@glanymor.example",
                head_phone="01632 960 123",
            ),
        )


def ownwork(
    paths: AppPaths, *argv: str, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    """The command line as a teacher or a script runs it: a separate process."""
    command = [sys.executable, "-m", "app.cli.main", "--data-dir", str(paths.data_dir), *argv]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )
