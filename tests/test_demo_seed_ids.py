"""Records added by hand after the demo data get ids of their own on either store: seed-demo
gives its rows their ids, and on a PostgreSQL server the id sequences are moved past them."""

from __future__ import annotations

import pytest

from app.demo.seed import seed_demo
from app.domain.list_query import ListQuery
from app.domain.records import StudentDraft, SubmissionDraft
from app.services import Database, records


@pytest.mark.both_stores
def test_a_student_and_a_submission_added_after_the_demo_data_are_stored(store: Database) -> None:
    summary = seed_demo(store, students=5, conversations=5)
    principal = store.principal
    student = records.add_student(
        principal, store, StudentDraft(surname="Ødegård", forename="Zoë", candidate_number="9001")
    ).value
    submission = records.add_submission(
        principal,
        store,
        SubmissionDraft(student_id=student.id, awarding_body="AQA", qualification="GCSE Art"),
    ).value
    # Past the demo's own ids (on the server the sequence may leave a gap: ids are not counts).
    assert student.id > summary.students
    assert submission.id > summary.submissions
    listed = records.list_students(principal, store, ListQuery(limit=None))
    assert len(listed) == summary.students + 1
