"""Each role goes through the services and gets what it may, and a clear sentence for the rest,
on the personal store's SQLite and on a PostgreSQL server (issue 20).

The server tests connect as a superuser, so what is tested here is the services' own checks,
made before the server's row-level security would refuse: each use case is given the
``Principal`` of the role under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.list_query import ListQuery
from app.domain.principal import Principal
from app.errors import NotFoundError, PermissionDenied, ValidationError
from app.paths import AppPaths
from app.services import documents, integrity, interviews, records, sharing
from app.services.statistics import statistics
from app.services.subject_access import subject_access
from app.storage import statistics as counting
from app.storage.database import Database
from app.storage.models import AuditRow
from app.storage.models_access import SubjectAccessRow
from tests.access_support import (
    DPO,
    EXAMS_OFFICER,
    HEAD_OF_CENTRE,
    HEAD_OF_HISTORY,
    IT_ADMIN,
    OKAFOR,
    PATEL,
    SENIOR_LEADER,
    School,
    make_school,
)

pytestmark = pytest.mark.both_stores


@pytest.fixture
def school(store: Database) -> School:
    return make_school(store)


def _listed(principal: Principal, store: Database) -> set[int]:
    found = {c.id for c in records.list_conversations(principal, store, ListQuery())}
    assert records.count_conversations(principal, store, ListQuery()) == len(found)
    return found


def _last_entry(store: Database) -> AuditRow:
    with store.transaction() as session:
        row = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(1)).one()
        session.expunge(row)
        return row


def test_each_role_lists_only_the_conversations_it_may_see(store: Database, school: School) -> None:
    assert _listed(OKAFOR, store) == {school.okafor_concerns}
    assert _listed(PATEL, store) == {school.patel_preparing, school.patel_concluded}
    # The head of History reads what History's teachers hold, not Physics'.
    assert _listed(HEAD_OF_HISTORY, store) == {school.okafor_concerns}
    # The exams officer and head of centre: what concluded with concerns.
    assert _listed(EXAMS_OFFICER, store) == {school.okafor_concerns}
    assert _listed(HEAD_OF_CENTRE, store) == {school.okafor_concerns}
    # The personal store's one user holds every role and sees everything, as before.
    everyone = Principal.personal("teacher")
    assert _listed(everyone, store) == {
        school.okafor_concerns,
        school.patel_preparing,
        school.patel_concluded,
    }


@pytest.mark.parametrize("principal", [SENIOR_LEADER, DPO, IT_ADMIN], ids=lambda p: p.name)
def test_roles_without_record_content_are_refused_the_lists_and_a_case(
    store: Database, school: School, principal: Principal
) -> None:
    with pytest.raises(PermissionDenied, match=rf"^{principal.name} may not see the "):
        records.list_students(principal, store, ListQuery())
    with pytest.raises(PermissionDenied, match=rf"^{principal.name} may not see the "):
        records.list_conversations(principal, store, ListQuery())
    with pytest.raises(PermissionDenied, match=rf"^{principal.name} may not see a "):
        interviews.content(principal, store, school.okafor_concerns)


def test_a_teacher_may_not_read_or_change_another_teachers_conversation(
    store: Database, school: School, paths: AppPaths, tmp_path: Path
) -> None:
    theirs = school.patel_preparing
    with pytest.raises(PermissionDenied) as refused:
        interviews.content(OKAFOR, store, theirs)
    assert str(refused.value) == (
        f"s.okafor may not see conversation {theirs}: it was not led by them, shared with "
        "them or passed on to them."
    )
    conversation = records.get_conversation(PATEL, store, theirs)
    with pytest.raises(PermissionDenied) as refused:
        records.plan_conversation(
            OKAFOR,
            store,
            submission_id=conversation.submission_id,
            held_at=conversation.held_at,
            conversation_id=theirs,
        )
    assert str(refused.value) == (
        f"s.okafor may not change conversation {theirs}: it is led by another teacher."
    )
    with pytest.raises(PermissionDenied, match="led by another teacher"):
        integrity.finalise(OKAFOR, store, theirs)
    with pytest.raises(PermissionDenied, match="may not see conversation"):
        integrity.export_case(OKAFOR, store, paths, theirs, tmp_path / "case.zip")
    assert not (tmp_path / "case.zip").exists()
    # Its own teacher may.
    assert interviews.content(PATEL, store, theirs).conversation.id == theirs


def test_a_head_of_department_reads_their_departments_cases_but_changes_none(
    store: Database, school: School
) -> None:
    assert interviews.content(HEAD_OF_HISTORY, store, school.okafor_concerns)
    with pytest.raises(PermissionDenied, match="may not see conversation"):
        interviews.content(HEAD_OF_HISTORY, store, school.patel_concluded)
    with pytest.raises(PermissionDenied, match="that needs the teacher role"):
        integrity.finalise(HEAD_OF_HISTORY, store, school.okafor_concerns)


def test_a_teachers_new_conversation_on_the_server_is_led_by_them(
    store: Database, school: School
) -> None:
    concerns = records.get_conversation(OKAFOR, store, school.okafor_concerns)
    made = records.plan_conversation(
        OKAFOR, store, submission_id=concerns.submission_id, held_at=concerns.held_at
    ).value
    if store.server is None:
        # The personal store's staff have no logins: its teacher plans for anyone.
        assert made.led_by_id is None
        return
    assert made.led_by_name == "Ms Okafor"
    with pytest.raises(PermissionDenied, match="for another teacher"):
        records.plan_conversation(
            OKAFOR,
            store,
            submission_id=concerns.submission_id,
            held_at=concerns.held_at,
            led_by="Mr Patel",
        )


def test_passing_on_and_sharing_belong_to_the_school_server(
    store: Database, school: School
) -> None:
    """Refused by role everywhere; on the personal store (one teacher) refused as such, on a
    server written with an audit entry in the teacher's name."""
    with pytest.raises(PermissionDenied, match="that needs the teacher role"):
        sharing.pass_on(SENIOR_LEADER, store, school.okafor_concerns)
    if store.server is None:
        with pytest.raises(PermissionDenied, match="only on the school's server"):
            sharing.pass_on(OKAFOR, store, school.okafor_concerns)
        return
    with pytest.raises(PermissionDenied, match="only a concluded conversation is"):
        sharing.pass_on(PATEL, store, school.patel_preparing)
    with pytest.raises(PermissionDenied, match=r"may not pass on .* led by another teacher"):
        sharing.pass_on(OKAFOR, store, school.patel_concluded)

    assert sharing.waiting(EXAMS_OFFICER, store) == []
    sharing.pass_on(PATEL, store, school.patel_concluded, note="Please look at the sources")
    entry = _last_entry(store)
    assert (entry.actor, entry.action, entry.entity_id) == (
        "r.patel",
        "pass-on",
        school.patel_concluded,
    )
    # Now the exams officer sees it waiting, and in their list.
    assert [c.id for c in sharing.waiting(EXAMS_OFFICER, store)] == [school.patel_concluded]
    assert school.patel_concluded in _listed(EXAMS_OFFICER, store)
    with pytest.raises(PermissionDenied, match="already with the exams officer"):
        sharing.pass_on(PATEL, store, school.patel_concluded)
    # Starting the referral takes it off the waiting list.
    documents.record_referral_facts(
        EXAMS_OFFICER, store, school.patel_concluded, {"ai_tool": "a chatbot"}
    )
    assert sharing.waiting(EXAMS_OFFICER, store) == []
    with pytest.raises(PermissionDenied, match="needs the exams officer or head of centre"):
        sharing.waiting(PATEL, store)


def test_a_shared_case_is_read_by_the_colleague_it_was_shared_with(
    store: Database, school: School
) -> None:
    if store.server is None:
        with pytest.raises(PermissionDenied, match="only on the school's server"):
            sharing.share(PATEL, store, school.patel_concluded, with_login="s.okafor")
        return
    with pytest.raises(ValidationError, match="No member of staff has the login nobody"):
        sharing.share(PATEL, store, school.patel_concluded, with_login="nobody")
    assert school.patel_concluded not in _listed(OKAFOR, store)
    sharing.share(PATEL, store, school.patel_concluded, with_login="s.okafor")
    entry = _last_entry(store)
    assert (entry.actor, entry.action) == ("r.patel", "share")
    assert school.patel_concluded in _listed(OKAFOR, store)
    assert interviews.content(OKAFOR, store, school.patel_concluded)
    # Shared to read: changing it stays its own teacher's.
    with pytest.raises(PermissionDenied, match="led by another teacher"):
        integrity.finalise(OKAFOR, store, school.patel_concluded)
    [shared] = sharing.shares(PATEL, store, school.patel_concluded)
    assert (shared.shared_with_login, shared.by_login) == ("s.okafor", "r.patel")


def test_a_head_of_department_writes_review_notes_on_their_departments_cases(
    store: Database, school: School
) -> None:
    with pytest.raises(PermissionDenied, match="needs the head of department role"):
        sharing.write_review_note(OKAFOR, store, school.okafor_concerns, "Fine")
    if store.server is None:
        with pytest.raises(PermissionDenied, match="only on the school's server"):
            sharing.write_review_note(HEAD_OF_HISTORY, store, school.okafor_concerns, "Fine")
        return
    with pytest.raises(PermissionDenied, match="only the head of its teacher's department"):
        sharing.write_review_note(HEAD_OF_HISTORY, store, school.patel_concluded, "Fine")
    sharing.write_review_note(
        HEAD_OF_HISTORY, store, school.okafor_concerns, "Questions were neutral."
    )
    entry = _last_entry(store)
    assert (entry.actor, entry.action) == ("h.jones", "review-note")
    [note] = sharing.review_notes(OKAFOR, store, school.okafor_concerns)
    assert (note.author_login, note.text) == ("h.jones", "Questions were neutral.")


def test_the_dpo_opens_one_students_records_and_each_opening_is_logged(
    store: Database, school: School
) -> None:
    with pytest.raises(PermissionDenied, match="needs the data protection officer role"):
        subject_access(OKAFOR, store, school.mai, reason="SAR 12")
    with pytest.raises(ValidationError, match="Give the reason"):
        subject_access(DPO, store, school.mai, reason="  ")
    with pytest.raises(NotFoundError, match="no student with id 999"):
        subject_access(DPO, store, 999, reason="SAR 11")
    report = subject_access(DPO, store, school.mai, reason="SAR 12 from the parent").value
    assert report.student.forename == "Mai"
    assert [s.qualification for s in report.submissions] == ["GCSE History"]
    assert [case.content.conversation.id for case in report.cases] == [school.okafor_concerns]
    assert any(e.action == "create" for e in report.cases[0].history)
    entry = _last_entry(store)
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        "d.ahmed",
        "subject-access",
        "student",
        school.mai,
    )
    with store.transaction() as session:
        logged = session.execute(
            select(SubjectAccessRow.student_id, SubjectAccessRow.opened_by, SubjectAccessRow.reason)
        ).all()
    assert logged == [(school.mai, "d.ahmed", "SAR 12 from the parent")]


def test_the_statistics_are_counts_without_names(store: Database, school: School) -> None:
    if store.server is not None:
        # On a server the services read the view that ``ownwork server init`` makes.
        with store.engine.begin() as connection:
            counting.create_view(connection)
    for refused in (OKAFOR, HEAD_OF_HISTORY, DPO, IT_ADMIN):
        with pytest.raises(PermissionDenied, match="may not see the statistics"):
            statistics(refused, store)
    counts = {row.qualification: row for row in statistics(SENIOR_LEADER, store)}
    assert set(counts) == {"GCSE History", "A level Physics"}
    physics, history = counts["A level Physics"], counts["GCSE History"]
    assert (physics.students, physics.submissions, physics.conversations) == (1, 1, 2)
    assert (physics.preparing, physics.concluded, physics.satisfied) == (1, 1, 1)
    assert (history.conversations, history.concerns_remain, history.waiting) == (1, 1, 0)
    assert statistics(EXAMS_OFFICER, store) == statistics(HEAD_OF_CENTRE, store)


def test_the_walk_through_refuses_a_change_to_another_teachers_conversation(
    store: Database, school: School
) -> None:
    from app.services.interviews import Change

    theirs = school.patel_preparing
    edit = Change("save_preparation", (theirs,), {"concern_summary": "Style changed"})
    refused = interviews.write_edits(OKAFOR, store, {"edit": edit})
    assert isinstance(refused["edit"], PermissionDenied)
    assert "led by another teacher" in str(refused["edit"])
    with pytest.raises(PermissionDenied, match="led by another teacher"):
        interviews.write(OKAFOR, store, edit)
    assert interviews.write_edits(PATEL, store, {"edit": edit}) == {}
    assert interviews.content(PATEL, store, theirs).preparation.concern_summary == "Style changed"
