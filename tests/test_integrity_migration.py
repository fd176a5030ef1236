"""Migration 0002 adds the integrity tables to a 0001 database that holds data, losing nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.domain.text import name_sort_key, search_key
from app.integrity.verify import EXPECTED_TRIGGERS, verify
from app.paths import AppPaths
from app.storage import audit, migrate, sqlite
from app.storage.database import Database, ensure_data_folder, open_store

TABLES_0001 = (
    "students",
    "submissions",
    "conversations",
    "staff",
    "audit_log",
    "conversation_answers",
    "conversation_excerpts",
    "conversation_indicators",
    "centre",
)


def _rows(
    database: object, columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the 0001 tables; with ``columns``, only those columns (a later revision
    may add columns, such as 0005's students.sort_name, but must keep every value there was)."""
    with closing(sqlite3.connect(str(database))) as connection:
        return {
            table: connection.execute(
                f"SELECT {', '.join((columns or {}).get(table, ['*']))} FROM {table} ORDER BY 1"
            ).fetchall()
            for table in TABLES_0001
        }


def _columns(database: object) -> dict[str, list[str]]:
    with closing(sqlite3.connect(str(database))) as connection:
        return {
            table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            for table in TABLES_0001
        }


def _insert(session: Session, table: str, **values: object) -> int:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    statement = text(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id")
    return int(session.execute(statement, values).scalar_one())


def _store_at_0001(paths: AppPaths) -> None:
    ensure_data_folder(paths)
    engine = create_engine(paths.database_url)
    sqlite.configure_engine(engine)
    migrate.upgrade(engine, "0001")
    store = Database(engine, actor="teacher on 0001")
    with store.transaction() as session:
        # Written as 0001 knew a student: today's repository also fills later columns.
        student_id = session.execute(
            text(
                "INSERT INTO students (surname, forename, candidate_number, reg_group, "
                "search_key, created_at, updated_at) VALUES ('Ødegård', 'Zoë', '0042', '', "
                ":key, :now, :now) RETURNING id"
            ),
            {"key": search_key("Ødegård", "Zoë", "0042"), "now": dt.datetime.now(dt.UTC)},
        ).scalar_one()
        # The others as 0001 knew them too (today's repositories write later columns, such
        # as 0006's version), each with its audit entry as the repositories make it.
        now = dt.datetime.now(dt.UTC)
        lead = _insert(session, "staff", name="Mr Hughes", role="teacher")
        audit.record(session, "create", "staff", lead, "Added staff member Mr Hughes")
        submission = _insert(
            session,
            "submissions",
            student_id=student_id,
            awarding_body="OCR",
            qualification="GCSE Art",
            component_code="",
            title="",
            exam_series="",
            declaration_signed=False,
            search_key=search_key("Ødegård", "Zoë", "0042", "OCR", "GCSE Art"),
            created_at=now,
            updated_at=now,
        )
        audit.record(session, "create", "submission", submission, "Added submission 'GCSE Art'")
        texts = ("others_present", "concern_summary", "access_arrangements", "wellbeing_note")
        more = ("staff_only_note", "script_name", "script_snapshot", "student_account")
        conversation = _insert(
            session,
            "conversations",
            submission_id=submission,
            held_at=dt.datetime(2026, 9, 1, 10),
            led_by_id=lead,
            status="preparing",
            purpose_explained=False,
            rights_json="{}",
            current_position=0,
            next_step="",
            created_at=now,
            updated_at=now,
            **dict.fromkeys((*texts, *more), ""),
        )
        audit.record(session, "create", "conversation", conversation, "Planned a conversation")
    engine.dispose()


def test_upgrade_from_0001_keeps_every_row_and_takes_a_backup_first(paths: AppPaths) -> None:
    _store_at_0001(paths)
    assert sqlite.probe(paths.database) == "0001"
    before = _rows(paths.database)
    columns_0001 = _columns(paths.database)
    assert all(before[t] for t in ("students", "submissions", "conversations", "audit_log"))

    store = open_store(paths, actor="teacher on 0002")
    try:
        assert sqlite.probe(paths.database) == migrate.HEAD_REVISION
        assert _rows(paths.database, columns_0001) == before
        with closing(sqlite3.connect(paths.database)) as connection:
            (sort_name,) = connection.execute("SELECT sort_name FROM students").fetchone()
        assert sort_name == name_sort_key("Ødegård", "Zoë")  # filled in by 0005
        backups = list(paths.backups_dir.glob("before-upgrade-0001-*.sqlite3"))
        assert len(backups) == 1
        assert sqlite.probe(backups[0]) == "0001"
        assert _rows(backups[0]) == before
        with closing(sqlite3.connect(paths.database)) as connection:
            names = {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
                )
            }
        assert {"finalisations", "amendments", "attachments"} <= names
        assert names >= EXPECTED_TRIGGERS
        report = verify(paths, store)
        assert report.ok, report.problems
        assert report.audit_entries == len(before["audit_log"])
    finally:
        store.dispose()
