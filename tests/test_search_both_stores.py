"""Type-to-filter ignores case and accents on both stores, through the lists the window runs,
and on PostgreSQL the folded search keys are answered from the trigram indexes of 0006."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from app.domain.principal import Principal
from app.domain.records import StudentDraft, SubmissionDraft
from app.services import records
from app.storage.database import Database
from app.storage.listing import ListQuery

TEACHER = Principal.personal("a.okafor")
PEOPLE = [("Ødegaard", "Zoë"), ("Byrne", "Siobhán"), ("Weiß", "Jürgen"), ("Smith", "Zoe Ann")]


def _fill(store: Database) -> None:
    for number, (surname, forename) in enumerate(PEOPLE, start=1):
        student = records.add_student(
            TEACHER, store, StudentDraft(surname=surname, forename=forename)
        ).value
        submission = records.add_submission(
            TEACHER,
            store,
            SubmissionDraft(
                student_id=student.id, awarding_body="AQA", qualification=f"GCSE {number}"
            ),
        ).value
        records.plan_conversation(
            TEACHER,
            store,
            submission_id=submission.id,
            held_at=dt.datetime(2026, 11, number, 9, 0, tzinfo=dt.UTC),
        )


def _names(store: Database, search: str) -> dict[str, list[str]]:
    query = ListQuery(search=search)
    return {
        "students": sorted(s.surname for s in records.list_students(TEACHER, store, query)),
        "submissions": sorted(
            s.student_name for s in records.list_submissions(TEACHER, store, query)
        ),
        "conversations": sorted(
            c.student_name for c in records.list_conversations(TEACHER, store, query)
        ),
    }


@pytest.mark.both_stores
@pytest.mark.parametrize(
    ("typed", "surnames", "full_names"),
    [
        ("Zoë", ["Smith", "Ødegaard"], ["Zoe Ann Smith", "Zoë Ødegaard"]),
        ("ZOE", ["Smith", "Ødegaard"], ["Zoe Ann Smith", "Zoë Ødegaard"]),
        ("zoe", ["Smith", "Ødegaard"], ["Zoe Ann Smith", "Zoë Ødegaard"]),
        ("zoë ødegaard", ["Ødegaard"], ["Zoë Ødegaard"]),
        ("ODEGAARD", ["Ødegaard"], ["Zoë Ødegaard"]),
        ("siobhan", ["Byrne"], ["Siobhán Byrne"]),
        ("SIOBHÁN", ["Byrne"], ["Siobhán Byrne"]),
        ("weiss", ["Weiß"], ["Jürgen Weiß"]),
        ("Weiß", ["Weiß"], ["Jürgen Weiß"]),
        ("jurgen", ["Weiß"], ["Jürgen Weiß"]),
        ("100%", [], []),  # LIKE's own signs are letters like any other
        ("zo_", [], []),
    ],
)
def test_every_list_finds_a_name_whatever_its_case_and_accents(
    store: Database, typed: str, surnames: list[str], full_names: list[str]
) -> None:
    _fill(store)
    found = _names(store, typed)
    assert found == {
        "students": sorted(surnames),
        "submissions": sorted(full_names),
        "conversations": sorted(full_names),
    }


@pytest.mark.parametrize("store_kind", ["postgresql"])
@pytest.mark.parametrize("table", ["students", "submissions"])
def test_the_server_answers_a_search_from_the_trigram_index(store: Database, table: str) -> None:
    _fill(store)
    with store.engine.connect() as connection:
        # A handful of rows would be read whole; forbid that to see whether the index serves.
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                text(f"EXPLAIN SELECT id FROM {table} WHERE search_key LIKE '%odegaard%'")
            )
        )
    assert f"ix_{table}_search_key_trgm" in plan, plan
