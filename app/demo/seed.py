"""``seed-demo``: fill an empty store with synthetic students, submissions and conversations.

Rows are written with bulk inserts so that the 100,000-conversation benchmark set takes seconds.
Conversations cover every state and conclusion, with answered questions, so that every screen
and document can be tried on demo data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.demo.content import DEMO_SCRIPT, conversation_content, next_step_text
from app.demo.courses import COURSES, EXAM_SERIES
from app.demo.names import FAMILIES, STAFF
from app.domain.records import Centre, StaffDraft, StaffRole
from app.domain.text import name_sort_key, search_key
from app.errors import OwnWorkError
from app.storage import audit, staff
from app.storage import students as students_repo
from app.storage.database import Database
from app.storage.models import (
    AnswerRow,
    ConversationRow,
    ExcerptRow,
    IndicatorRow,
    StaffRow,
    StudentRow,
    SubmissionRow,
)

BATCH = 5000


@dataclass(frozen=True)
class SeedSummary:
    students: int
    submissions: int
    conversations: int
    answers: int


def _upn(rng: random.Random, index: int) -> str:
    # An affine map modulo 10**11 is a bijection, so every index gets a distinct UPN.
    body = (index * 7919 + 104_729) % 10**11
    return f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{body:011d}{rng.randrange(10)}"


def _bulk(session: Session, model: Any, rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Insert ``rows`` with the driver's ``executemany``, a batch per statement.

    The ORM's bulk path leaves NULLs out, so rows with NULLs in different columns become
    separate statements (one per few answers), and Core's per-row parameter handling costs more
    than SQLite's own work at this scale.  Here each column's bind processor (the same one
    SQLAlchemy would apply) runs directly, timestamps are converted once, and the statement is
    compiled for whatever database the store uses.
    """
    if not rows:
        return
    table = model.__table__
    connection = session.connection()
    dialect = connection.dialect
    given: set[str] = set().union(*(row.keys() for row in rows))
    stamps = {
        name: now for name in ("created_at", "updated_at") if name in table.c and name not in given
    }
    names = [column.name for column in table.c if column.name in given or column.name in stamps]
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    order = list(compiled.positiontup or names) if compiled.positional else names
    processors = [table.c[name].type.bind_processor(dialect) for name in order]
    fixed = {
        name: process(value) if process else value
        for name, process in zip(order, processors, strict=True)
        if (value := stamps.get(name)) is not None
    }
    columns = [
        (name, None if name in fixed else process, fixed.get(name))
        for name, process in zip(order, processors, strict=True)
    ]
    sql = str(compiled)
    for first in range(0, len(rows), BATCH):
        batch = []
        for row in rows[first : first + BATCH]:
            values = [
                row.get(name, default) if process is None else process(row.get(name))
                for name, process, default in columns
            ]
            batch.append(
                tuple(values) if compiled.positional else dict(zip(order, values, strict=True))
            )
        connection.exec_driver_sql(sql, batch)
    if "id" in given and dialect.name == "postgresql":
        # The ids were given, so the server's sequence never moved: the next row added by
        # hand (a student imported after the demo) would be given id 1 again.  Moved on with
        # nextval, which staff may use (setval needs a right on the sequence they lack), at
        # least as far as the largest id given.
        connection.exec_driver_sql(
            f"SELECT max(nextval(pg_get_serial_sequence('{table.name}', 'id'))) "
            f"FROM generate_series(1, (SELECT max(id) FROM {table.name}))"
        )


def seed_demo(
    store: Database,
    *,
    students: int = 60,
    conversations: int = 40,
    seed: int = 1,
    today: dt.date | None = None,
) -> SeedSummary:
    if students < 1 or conversations < 0:
        raise OwnWorkError("Give at least one student and zero or more conversations.")
    rng = random.Random(seed)
    today = today or dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with store.transaction() as session:
        if students_repo.any_exist(session):
            raise OwnWorkError(
                "This data folder already holds students; seed-demo only fills an empty one. "
                "Use --data-dir to choose a new folder."
            )
        staff.set_centre(
            session,
            Centre(
                name="Riverside Academy (demo)",
                centre_number="74123",
                # Fictional: 01632 960xxx is an Ofcom drama number, .example a reserved domain.
                address="1 Harbour Road\nRiverside\nRV1 2AB",
                head_name="Mrs J. Adeyemi (demo)",
                head_email="head@riverside.example",
                head_phone="01632 960 555",
            ),
        )
        staff_ids = [
            staff.create(session, StaffDraft(name=name, role=StaffRole.TEACHER)).id
            for name in STAFF
        ]
        staff.create(session, StaffDraft(name="Mrs P. Adeyemi", role=StaffRole.EXAMS_OFFICER))
        staff_names = {row.id: row.name for row in session.query(StaffRow)}

        student_rows: list[dict[str, Any]] = []
        for index in range(1, students + 1):
            forenames, surnames = rng.choice(FAMILIES)
            course = rng.choice(COURSES)
            surname, forename = rng.choice(surnames), rng.choice(forenames)
            candidate = f"{index:04d}" if index <= 9999 else None
            upn = _upn(rng, index)
            reg = f"{course.year_group}{rng.choice('ABCDEFG')}"
            student_rows.append(
                {
                    "id": index,
                    "surname": surname,
                    "forename": forename,
                    "candidate_number": candidate,
                    "upn": upn,
                    "reg_group": reg,
                    "year_group": course.year_group,
                    "search_key": search_key(surname, forename, candidate, upn, reg),
                    "sort_name": name_sort_key(surname, forename),
                }
            )
        _bulk(session, StudentRow, student_rows, now)

        submission_rows: list[dict[str, Any]] = []
        for student in student_rows:
            for _ in range(1 if rng.random() < 0.7 else 2):
                course = rng.choice(COURSES)
                handed_in = today - dt.timedelta(days=rng.randrange(20, 200))
                signed = rng.random() < 0.5
                title = rng.choice(course.titles)
                series = rng.choice(EXAM_SERIES)
                submission_rows.append(
                    {
                        "id": len(submission_rows) + 1,
                        "student_id": student["id"],
                        "awarding_body": course.awarding_body,
                        "qualification": course.qualification,
                        "component_code": course.component_code,
                        "title": title,
                        "exam_series": series,
                        "handed_in_on": handed_in,
                        "declaration_signed": signed,
                        "declaration_signed_on": handed_in if signed else None,
                        "search_key": search_key(
                            student["search_key"],
                            course.awarding_body,
                            course.qualification,
                            course.component_code,
                            title,
                            series,
                        ),
                    }
                )
        snapshot = json.dumps(DEMO_SCRIPT, ensure_ascii=False)
        conv_rows: list[dict[str, Any]] = []
        indicator_rows: list[dict[str, Any]] = []
        excerpt_rows: list[dict[str, Any]] = []
        answer_rows: list[dict[str, Any]] = []
        for index in range(1, conversations + 1):
            # The first submissions get a conversation each, so small demos spread widely.
            submission = (
                submission_rows[index - 1]
                if index <= len(submission_rows)
                else rng.choice(submission_rows)
            )
            lead, second = rng.sample(staff_ids, 2)
            handed_in = submission["handed_in_on"]
            held_day = handed_in + dt.timedelta(days=rng.randrange(2, 18))
            held_at = dt.datetime.combine(
                min(held_day, today),
                dt.time(rng.randrange(8, 16), rng.choice((0, 15, 30, 45))),
                tzinfo=dt.UTC,
            )
            content = conversation_content(rng, index, staff_names[lead], held_at, now)
            if content.conclusion == "concerns_remain" and index % 2 == 1:
                # Half the unresolved cases were signed off first: they need a referral.
                submission["declaration_signed"] = True
                submission["declaration_signed_on"] = handed_in
            if content.status == "concluded":
                content.next_step = next_step_text(
                    content.conclusion, submission["declaration_signed"]
                )
            conv_rows.append(
                {
                    "id": index,
                    "submission_id": submission["id"],
                    "held_at": held_at,
                    "led_by_id": lead,
                    "second_staff_id": second if rng.random() < 0.8 else None,
                    "others_present": content.others_present,
                    "status": content.status,
                    "concern_summary": content.concern_summary,
                    "purpose_explained": True,
                    "rights_json": json.dumps(content.rights),
                    "access_arrangements": content.access_arrangements,
                    "wellbeing_note": content.wellbeing_note,
                    "staff_only_note": content.staff_only_note,
                    "script_name": DEMO_SCRIPT["title"],
                    "script_snapshot": snapshot if content.answers else "",
                    "current_position": content.current_position,
                    "started_at": held_at if content.answers else None,
                    "ended_at": content.ended_at,
                    "conclusion": content.conclusion,
                    "student_account": content.student_account,
                    "next_step": content.next_step,
                }
            )
            for code, note in content.indicators:
                indicator_rows.append({"conversation_id": index, "code": code, "note": note})
            excerpt_id = None
            if content.excerpt:
                excerpt_id = len(excerpt_rows) + 1
                excerpt_rows.append(
                    {
                        "id": excerpt_id,
                        "conversation_id": index,
                        "position": 0,
                        "location": content.excerpt[0],
                        "text": content.excerpt[1],
                    }
                )
            for answer in content.answers:
                answer_rows.append(
                    {
                        **answer,
                        "conversation_id": index,
                        "excerpt_id": excerpt_id if answer["anchored"] else None,
                    }
                )
        _bulk(session, SubmissionRow, submission_rows, now)
        _bulk(session, ConversationRow, conv_rows, now)
        _bulk(session, IndicatorRow, indicator_rows, now)
        _bulk(session, ExcerptRow, excerpt_rows, now)
        for row in answer_rows:
            row.pop("anchored")
        _bulk(session, AnswerRow, answer_rows, now)
        audit.record(
            session,
            "import",
            "demo",
            None,
            f"Demo data: {len(student_rows)} students, {len(submission_rows)} "
            f"submissions, {len(conv_rows)} conversations",
            {"seed": seed},
        )
    return SeedSummary(len(student_rows), len(submission_rows), len(conv_rows), len(answer_rows))
