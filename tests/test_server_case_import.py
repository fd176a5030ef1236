"""A case bundle exported by a teacher is imported by the exams officer on the school's server,
each signed in with their own login (issue 20's follow-up): the server's author triggers and
policies let the exams officer bring the case in, and the case keeps who wrote what."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pg8000.dbapi
import pytest

from app.paths import AppPaths
from tests.test_server_access_matrix import School, _paths
from tests.test_server_access_matrix import school as school  # the module's server, seeded


def _finalised_case(school: School, tmp_path: Path, conclusion: str = "concerns_remain") -> int:
    """A concluded case of the teacher's, with a file, finalised and amended by them."""
    from app.services import connect, integrity, records

    teacher = connect(school.store_url("teacher"))
    try:
        me = teacher.principal
        case = records.plan_conversation(
            me,
            teacher,
            submission_id=school.ids["ada_work"],
            held_at=dt.datetime(2026, 11, 9, 10, 0, tzinfo=dt.UTC),
            led_by=school.ids["staff:teacher"],
        ).value.id
        school.admin(
            "UPDATE conversations SET status = 'concluded', conclusion = :c, "
            "concern_summary = 'to be passed on' WHERE id = :i",
            i=case,
            c=conclusion,
        )
        tmp_path.mkdir(parents=True, exist_ok=True)
        evidence = tmp_path / "notes.txt"
        evidence.write_text("the student's notes", encoding="utf-8")
        integrity.attach(
            me, teacher, _paths(tmp_path), evidence, kind="draft", conversation_id=case
        )
        integrity.finalise(me, teacher, case)
        field_path = integrity.amendable_fields(me, teacher, case)[0].path
        integrity.amend(me, teacher, case, path=field_path, new_value="fixed", reason="a slip")
        return case
    finally:
        teacher.dispose()


def _exported(school: School, tmp_path: Path, case: int) -> tuple[Path, AppPaths]:
    """The teacher's bundle of ``case``, and the exams officer's data folder, trusting it."""
    from app.integrity import signing
    from app.services import connect, integrity

    teacher_paths = _paths(tmp_path / "teacher")
    officer_paths = _paths(tmp_path / "officer")
    bundle = tmp_path / "case.zip"
    teacher = connect(school.store_url("teacher"))
    try:
        integrity.export_case(teacher.principal, teacher, teacher_paths, case, bundle)
    finally:
        teacher.dispose()
    signing.trust(officer_paths, signing.own_fingerprint(teacher_paths), "the teacher")
    return bundle, _paths(tmp_path / "officer")


def _imported(school: School, bundle: Path, officer_paths: AppPaths) -> int:
    from app.services import connect, integrity

    officer = connect(school.store_url("exams"))
    try:
        return integrity.import_case(
            officer.principal, officer, officer_paths, bundle
        ).value.conversation_id
    finally:
        officer.dispose()


def test_a_teachers_bundle_is_imported_by_the_exams_officer(
    school: School, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = _finalised_case(school, tmp_path / "teacher")
    bundle, officer_paths = _exported(school, tmp_path, case)
    imported = _imported(school, bundle, officer_paths)
    assert imported != case
    teacher_login, officer_login = school.logins["teacher"], school.logins["exams"]
    # The case keeps who wrote what: the teacher finalised, amended and attached it.
    authors = school.admin(
        "SELECT (SELECT finalised_by FROM finalisations WHERE conversation_id = :i), "
        "(SELECT string_agg(DISTINCT author, ',') FROM amendments WHERE conversation_id = :i), "
        "(SELECT string_agg(DISTINCT added_by, ',') FROM attachments WHERE conversation_id = :i)",
        i=imported,
    )
    assert authors == [(teacher_login, teacher_login, teacher_login)]
    # The import's own entries are the exams officer's, and say whose the work was.
    entries = school.admin(
        "SELECT actor, action, summary FROM audit_log WHERE entity = 'conversation' "
        "AND entity_id = :i AND action IN ('import', 'finalise') ORDER BY id",
        i=imported,
    )
    assert [(actor, action) for actor, action, _ in entries] == [
        (officer_login, "import"),
        (officer_login, "finalise"),
    ]
    assert f"exported by {teacher_login}" in entries[0][2]
    assert entries[1][2].startswith(f"Finalised by {teacher_login} on ")
    # The exams officer reads the whole log and every record: their verify finds it all sound.
    from app.cli.main import main

    capsys.readouterr()
    code = main(["verify", "--json", "--database-url", school.store_url("exams")])
    found = json.loads(capsys.readouterr().out)
    assert (code, found["problems"]) == (0, [])


def test_a_case_the_officer_could_not_read_here_is_refused_in_a_sentence(
    school: School, tmp_path: Path
) -> None:
    from app.integrity.case_bundle import BundleError

    case = _finalised_case(school, tmp_path / "teacher", conclusion="satisfied")
    bundle, officer_paths = _exported(school, tmp_path, case)
    before = school.admin("SELECT count(*) FROM conversations")
    with pytest.raises(BundleError, match="only one concluded with concerns remaining"):
        _imported(school, bundle, officer_paths)
    assert school.admin("SELECT count(*) FROM conversations") == before


def test_the_officer_cannot_name_a_teacher_on_a_case_already_here(school: School) -> None:
    """The import's leave to keep a bundle's authors holds only for the conversation its own
    transaction inserted: on a case already on the server, the officer's rows are theirs."""
    connection = school.connect("exams")
    try:
        cursor = connection.cursor()
        with pytest.raises(pg8000.dbapi.DatabaseError, match="must name the login"):
            cursor.execute(
                "INSERT INTO amendments (conversation_id, path, old_value, new_value, reason, "
                "author, at) VALUES (%s, 'x', '', '', 'r', %s, now())",
                (school.ids["theirs"], school.logins["other_teacher"]),
            )
    finally:
        connection.rollback()
        connection.close()
