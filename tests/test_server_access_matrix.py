"""The school's server itself enforces who may see and change what (issue 20): each school role
signs in with its own login and tries, in raw SQL through pg8000 as a teacher with ``psql``
would, every read and write it must not make (each refused by the server) and those it may
(each works).

The records are made through OwnWork's own use cases by the teachers' logins, so the allowed
paths are the app's, under the same policies: two teachers (Science and History), a head of
Science, an exams officer, a head of centre, a senior leader, a data protection officer and IT.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pg8000.dbapi
import pytest
from sqlalchemy import create_engine, make_url, text

from app.domain.principal import Principal, Role
from app.domain.records import StudentDraft, SubmissionDraft
from tests.pg_server import PgServer, drop_database, drop_logins

PASSWORD = "a long test password"
_numbers = itertools.count(1)
IT = Principal("it", frozenset(Role))


@dataclass
class School:
    url: str  # the superuser's, for checks behind the scenes
    socket: str
    database: str
    logins: dict[str, str] = field(default_factory=dict)  # who -> login
    ids: dict[str, int] = field(default_factory=dict)

    def connect(self, who: str) -> Any:
        return pg8000.dbapi.connect(
            user=self.logins[who], password=PASSWORD, unix_sock=self.socket, database=self.database
        )

    def store_url(self, who: str) -> str:
        return (
            f"postgresql://{self.logins[who]}:{PASSWORD.replace(' ', '%20')}@/{self.database}"
            f"?unix_sock={self.socket}"
        )

    def admin(self, *statements: str, **values: Any) -> Any:
        """Run statements as the superuser in one transaction; the last one's rows."""
        engine = create_engine(self.url)
        rows = None
        with engine.begin() as connection:
            for statement in statements:
                result = connection.execute(text(statement), values)
                rows = result.all() if result.returns_rows else None
        engine.dispose()
        return rows


ROLES: dict[str, tuple[tuple[Role, ...], tuple[str, ...]]] = {
    "teacher": ((Role.TEACHER,), ("Science",)),
    "other_teacher": ((Role.TEACHER,), ("History",)),
    "head_of_science": ((Role.HEAD_OF_DEPARTMENT,), ("Science",)),
    "exams": ((Role.EXAMS_OFFICER,), ()),
    "head_of_centre": ((Role.HEAD_OF_CENTRE,), ()),
    "senior": ((Role.SENIOR_LEADER,), ()),
    "dpo": ((Role.DPO,), ()),
    "it": ((Role.IT_ADMIN,), ()),
}


def _seed(school: School, tmp: Path) -> None:
    """The records, each made by the login that may make it, through OwnWork's use cases."""
    from app.services import connect, integrity, records

    ids = school.ids
    staff = dict(school.admin("SELECT login, id FROM staff WHERE login IS NOT NULL"))
    for who, login in school.logins.items():
        ids[f"staff:{who}"] = staff[login]
    teacher = connect(school.store_url("teacher"))
    other = connect(school.store_url("other_teacher"))
    try:
        me, them = teacher.principal, other.principal
        assert me.name == school.logins["teacher"] and me.roles == frozenset({Role.TEACHER})
        for name in ("ada", "ben"):
            ids[name] = records.add_student(
                me, teacher, StudentDraft(surname=name.title(), forename="Pupil")
            ).value.id
            ids[f"{name}_work"] = records.add_submission(
                me,
                teacher,
                SubmissionDraft(
                    student_id=ids[name], awarding_body="AQA", qualification="GCSE Science"
                ),
            ).value.id
        held = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
        ids["mine"] = records.plan_conversation(
            me, teacher, submission_id=ids["ada_work"], held_at=held, led_by=ids["staff:teacher"]
        ).value.id
        ids["mine_draft"] = records.plan_conversation(
            me, teacher, submission_id=ids["ada_work"], held_at=held, led_by=ids["staff:teacher"]
        ).value.id
        ids["theirs"] = records.plan_conversation(
            them,
            other,
            submission_id=ids["ben_work"],
            held_at=held,
            led_by=ids["staff:other_teacher"],
        ).value.id
        ids["shared"] = records.plan_conversation(
            them,
            other,
            submission_id=ids["ada_work"],
            held_at=held,
            led_by=ids["staff:other_teacher"],
        ).value.id
        # The walk-through's end, as the superuser writes it here: one concluded satisfied
        # (finalised by its teacher), one with concerns remaining (the exams officer's).
        school.admin(
            "UPDATE conversations SET status = 'concluded', conclusion = 'satisfied', "
            "concern_summary = 'teacher private summary' WHERE id = :i",
            i=ids["mine"],
        )
        school.admin(
            "UPDATE conversations SET status = 'concluded', conclusion = 'concerns_remain', "
            "concern_summary = 'other private summary' WHERE id = :i",
            i=ids["theirs"],
        )
        school.admin(
            "INSERT INTO conversation_indicators (conversation_id, code, note) VALUES "
            "(:a, 'style', 'mine'), (:b, 'style', 'theirs')",
            a=ids["mine"],
            b=ids["theirs"],
        )
        evidence = tmp / "draft.txt"
        evidence.write_text("the student's first draft", encoding="utf-8")
        paths = _paths(tmp)
        ids["mine_file"] = integrity.attach(
            me, teacher, paths, evidence, kind="draft", conversation_id=ids["mine"]
        ).value.id
        integrity.finalise(me, teacher, ids["mine"])
        field_path = integrity.amendable_fields(me, teacher, ids["mine"])[0].path
        integrity.amend(
            me, teacher, ids["mine"], path=field_path, new_value="corrected", reason="a typo"
        )
    finally:
        teacher.dispose()
        other.dispose()
    # The other teacher shares one conversation with the first by name (raw SQL: the sharing
    # use case is another part's; the server fills in who shared it and when).
    connection = school.connect("other_teacher")
    try:
        cursor = connection.cursor()
        cursor.execute(
            "INSERT INTO conversation_shares (conversation_id, shared_with_login, by_login, at) "
            "VALUES (%s, %s, 'someone else', '2000-01-01')",
            (ids["shared"], school.logins["teacher"]),
        )
        connection.commit()
    finally:
        connection.close()


def _paths(tmp: Path) -> Any:
    from app.paths import resolve_paths

    return resolve_paths(str(tmp / "data"))


@pytest.fixture(scope="module")
def school(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    from app.services import server, staff_accounts

    name = f"ownwork_matrix_{os.getpid()}_{next(_numbers)}"
    url = pg_server.url(name)
    server.init(IT, url)
    made = School(
        url=url,
        socket=str(pg_server.socket_dir / f".s.PGSQL.{pg_server.port}"),
        database=make_url(url).database or name,
    )
    try:
        for who, (held, departments) in ROLES.items():
            login = f"{who}_{os.getpid()}"
            staff_accounts.add_staff(
                IT,
                url,
                login,
                PASSWORD,
                frozenset(held),
                name=who.replace("_", " ").title(),
                departments=departments,
            )
            made.logins[who] = login
        _seed(made, tmp_path_factory.mktemp("matrix"))
        yield made
    finally:
        drop_database(pg_server, name)
        drop_logins(pg_server, made.logins.values())


def _rows(school: School, who: str, statement: str, *values: Any) -> list[tuple[Any, ...]]:
    connection = school.connect(who)
    try:
        cursor = connection.cursor()
        cursor.execute(statement, values)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


def _ids(school: School, who: str, table: str) -> set[int]:
    return {row[0] for row in _rows(school, who, f"SELECT id FROM {table}")}


def _refused(school: School, who: str, statement: str, *values: Any, said: str) -> None:
    connection = school.connect(who)
    try:
        cursor = connection.cursor()
        with pytest.raises(pg8000.dbapi.DatabaseError, match=said):
            cursor.execute(statement, values)
    finally:
        connection.rollback()
        connection.close()


def _changed(school: School, who: str, statement: str, *values: Any, keep: bool = True) -> int:
    """Run a write and commit it (roll it back unless ``keep``); how many rows it touched."""
    connection = school.connect(who)
    try:
        cursor = connection.cursor()
        cursor.execute(statement, values)
        touched = cursor.rowcount
        if keep:
            connection.commit()
        return int(touched)
    finally:
        connection.rollback()
        connection.close()


DENIED = "permission denied"
POLICY = "row-level security"


# --- reading ---------------------------------------------------------------------------------


def test_each_role_reads_exactly_the_conversations_it_needs(school: School) -> None:
    ids = school.ids
    seen = {who: _ids(school, who, "conversations") for who in ("teacher", "other_teacher")}
    # A teacher: those they lead and the one shared with them; never another's own.
    assert seen["teacher"] == {ids["mine"], ids["mine_draft"], ids["shared"]}
    assert seen["other_teacher"] == {ids["theirs"], ids["shared"]}
    # The head of Science: what Science's teacher leads, not History's.
    assert _ids(school, "head_of_science", "conversations") == {ids["mine"], ids["mine_draft"]}
    # The exams officer and head of centre: the one concluded with concerns.
    assert _ids(school, "exams", "conversations") == {ids["theirs"]}
    assert _ids(school, "head_of_centre", "conversations") == {ids["theirs"]}
    # The data protection officer: nothing until a student is opened.
    assert _ids(school, "dpo", "conversations") == set()
    assert _ids(school, "dpo", "students") == set()


def test_what_hangs_off_a_conversation_is_as_visible_as_the_conversation(
    school: School,
) -> None:
    ids = school.ids
    for table in ("conversation_indicators", "finalisations", "amendments", "attachments"):
        column = "conversation_id"
        statement = f"SELECT {column} FROM {table}"
        assert {r[0] for r in _rows(school, "teacher", statement)} >= {ids["mine"]}, table
        assert ids["mine"] not in {r[0] for r in _rows(school, "other_teacher", statement)}, table
        assert ids["mine"] not in {r[0] for r in _rows(school, "exams", statement)}, table
    assert _rows(school, "other_teacher", "SELECT note FROM conversation_indicators") == [
        ("theirs",)
    ]
    # The file's bytes: read through an attachment the login may see.
    chunks = "SELECT count(*) FROM evidence_chunks"
    assert _rows(school, "teacher", chunks) == [(1,)]
    assert _rows(school, "other_teacher", chunks) == [(0,)]
    assert _rows(school, "other_teacher", "SELECT count(*) FROM evidence_blobs") == [(0,)]
    # The audit log: the other teacher's entries never show the first teacher's conversation.
    about_mine = "SELECT count(*) FROM audit_log WHERE entity = 'conversation' AND entity_id = %s"
    assert _rows(school, "teacher", about_mine, ids["mine"])[0][0] >= 2
    assert _rows(school, "other_teacher", about_mine, ids["mine"]) == [(0,)]
    # A teacher searching by words cannot find another's private summary either.
    assert _rows(
        school,
        "teacher",
        "SELECT count(*) FROM conversations WHERE concern_summary LIKE '%other private%'",
    ) == [(0,)]


def test_senior_leaders_and_it_read_no_record_at_all(school: School) -> None:
    for who in ("senior", "it"):
        for table in (
            "students",
            "submissions",
            "conversations",
            "conversation_answers",
            "finalisations",
            "amendments",
            "attachments",
            "evidence_chunks",
            "review_notes",
            "subject_access_log",
        ):
            _refused(school, who, f"SELECT * FROM {table}", said=DENIED)
        # The audit log: only their own entries (none), nobody else's.
        assert _rows(school, who, "SELECT count(*) FROM audit_log") == [(0,)]
    # IT keeps the accounts; the senior leaders do not read names.
    assert len(_rows(school, "it", "SELECT login FROM staff WHERE login IS NOT NULL")) == len(ROLES)
    _refused(school, "senior", "SELECT name FROM staff", said=DENIED)


def test_a_view_owned_by_the_owner_role_is_the_senior_leaders_door(school: School) -> None:
    """The statistics view another part makes is owned by ownwork_owner: it reads past
    row-level security, so a senior leader gets the whole school's counts and no more."""
    school.admin(
        "SET LOCAL ROLE ownwork_owner",
        "CREATE VIEW matrix_counts AS SELECT count(*) AS conversations FROM conversations",
        "GRANT SELECT ON matrix_counts TO ownwork_senior_leader",
    )
    try:
        assert _rows(school, "senior", "SELECT conversations FROM matrix_counts") == [(4,)]
        _refused(school, "teacher", "SELECT * FROM matrix_counts", said=DENIED)
    finally:
        school.admin("DROP VIEW matrix_counts")


# --- writing ---------------------------------------------------------------------------------


def test_a_teacher_cannot_change_or_add_to_another_teachers_conversation(school: School) -> None:
    ids = school.ids
    assert (
        _changed(
            school,
            "other_teacher",
            "UPDATE conversations SET concern_summary = 'overwritten' WHERE id = %s",
            ids["mine_draft"],
        )
        == 0
    )
    assert school.admin(
        "SELECT concern_summary FROM conversations WHERE id = :i", i=ids["mine_draft"]
    ) == [("",)]
    _refused(
        school,
        "other_teacher",
        "INSERT INTO conversation_indicators (conversation_id, code, note) VALUES (%s, 'x', '')",
        ids["mine_draft"],
        said=POLICY,
    )
    # Nor plan one in their name.
    _refused(
        school,
        "other_teacher",
        "INSERT INTO conversations (submission_id, held_at, led_by_id, others_present, status, "
        "concern_summary, purpose_explained, rights_json, access_arrangements, wellbeing_note, "
        "staff_only_note, script_name, script_snapshot, current_position, student_account, "
        "next_step, created_at, updated_at) VALUES (%s, now(), %s, '', 'preparing', '', false, "
        "'{}', '', '', '', '', '', 0, '', '', now(), now())",
        ids["ada_work"],
        ids["staff:teacher"],
        said=POLICY,
    )
    assert (
        _changed(
            school,
            "other_teacher",
            "DELETE FROM conversation_indicators WHERE conversation_id = %s",
            ids["mine"],
        )
        == 0
    )
    # Their own they may change.
    assert (
        _changed(
            school,
            "teacher",
            "UPDATE conversations SET others_present = 'LSA' WHERE id = %s",
            ids["mine_draft"],
        )
        == 1
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET summary = 'nothing happened'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "UPDATE finalisations SET content_hash = 'forged'",
        "DELETE FROM finalisations",
        "UPDATE amendments SET new_value = 'forged'",
        "DELETE FROM amendments",
        "UPDATE attachments SET sha256 = 'forged'",
        "DELETE FROM attachments",
        "UPDATE conversation_shares SET shared_with_login = 'nobody'",
        "DELETE FROM review_notes",
    ],
)
def test_no_one_with_a_login_may_change_history(school: School, statement: str) -> None:
    for who in ("teacher", "exams", "head_of_centre", "dpo", "it"):
        _refused(school, who, statement, said=DENIED)


def test_a_teacher_cannot_forge_who_wrote_an_entry(school: School) -> None:
    ids = school.ids
    other = school.logins["other_teacher"]
    _refused(
        school,
        "teacher",
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, changes_json, "
        "prev_hash, hash) VALUES (now(), %s, 'update', 'conversation', %s, 'forged', '{}', "
        "'0', '0')",
        other,
        ids["mine_draft"],
        said="must name the login",
    )
    _refused(
        school,
        "teacher",
        "INSERT INTO amendments (conversation_id, path, old_value, new_value, reason, author, at) "
        "VALUES (%s, 'x', '', '', 'r', %s, now())",
        ids["mine"],
        other,
        said="must name the login",
    )
    _refused(
        school,
        "teacher",
        "INSERT INTO finalisations (conversation_id, finalised_at, finalised_by, content_hash, "
        "canonical_format, canonical_json) VALUES (%s, now(), %s, 'x', 'x', '{}')",
        ids["mine_draft"],
        other,
        said="must name the login",
    )
    # Naming themselves, an entry with a made-up hash is refused too: it would break the chain
    # (tests/test_server_audit_chain.py shows a well-made one going in).
    _refused(
        school,
        "teacher",
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, "
        "changes_json, prev_hash, hash) VALUES (now(), session_user, 'view', "
        "'conversation', %s, 'read it', '{}', ownwork_audit_head(), '0')",
        ids["mine_draft"],
        said="not the hash of its content",
    )


def test_the_server_says_who_shared_a_conversation_and_when(school: School) -> None:
    rows = school.admin("SELECT by_login, at FROM conversation_shares")
    assert [row[0] for row in rows] == [school.logins["other_teacher"]]
    assert rows[0][1] > dt.datetime(2026, 1, 1)  # the server's clock, not the year 2000 sent


def test_a_teacher_cannot_step_around_the_policies(school: School) -> None:
    _refused(school, "teacher", "SET ROLE ownwork_owner", said=DENIED)
    _refused(school, "teacher", "SET session_replication_role = replica", said=DENIED)
    _refused(
        school, "teacher", "ALTER TABLE conversations DISABLE ROW LEVEL SECURITY", said="owner"
    )
    _refused(
        school,
        "teacher",
        "ALTER TABLE audit_log DISABLE TRIGGER ownwork_audit_log_author",
        said="owner",
    )
    _refused(school, "teacher", "DROP POLICY ownwork_own_select ON conversations", said="owner")


def test_the_head_of_department_reads_and_notes_but_never_edits(school: School) -> None:
    ids = school.ids
    _refused(
        school,
        "head_of_science",
        "UPDATE conversations SET concern_summary = 'x' WHERE id = %s",
        ids["mine"],
        said=DENIED,
    )
    assert (
        _changed(
            school,
            "head_of_science",
            "INSERT INTO review_notes (conversation_id, author_login, written_at, text) "
            "VALUES (%s, 'the head of centre', '2000-01-01', 'Seen; fine.')",
            ids["mine"],
        )
        == 1
    )
    assert school.admin(
        "SELECT author_login FROM review_notes WHERE conversation_id = :i", i=ids["mine"]
    ) == [(school.logins["head_of_science"],)]
    _refused(
        school,
        "head_of_science",
        "INSERT INTO review_notes (conversation_id, author_login, written_at, text) "
        "VALUES (%s, '', now(), 'not my department')",
        ids["theirs"],
        said=POLICY,
    )
    # A teacher writes no review note.
    _refused(
        school,
        "teacher",
        "INSERT INTO review_notes (conversation_id, author_login, written_at, text) "
        "VALUES (%s, '', now(), 'x')",
        ids["mine"],
        said=DENIED,
    )


def test_the_exams_officer_prepares_the_referral_of_a_case_passed_to_them_only(
    school: School,
) -> None:
    ids = school.ids
    insert = (
        "INSERT INTO referral_facts (conversation_id, concern_noticed_by, ai_tool, "
        "ai_output_kept, info_for_candidates_given, updated_at) VALUES (%s, 'x', '', '', '', "
        "now())"
    )
    _refused(school, "exams", insert, ids["mine"], said=POLICY)
    assert _changed(school, "exams", insert, ids["theirs"]) == 1
    # They may not change the conversation itself.
    assert (
        _changed(
            school,
            "exams",
            "UPDATE conversations SET concern_summary = 'x' WHERE id = %s",
            ids["theirs"],
        )
        == 0
    )


# --- the data protection officer's subject access --------------------------------------------


def test_the_dpo_reads_one_opened_student_in_the_transaction_that_logged_it(
    school: School,
) -> None:
    ids = school.ids
    connection = school.connect("dpo")
    try:
        cursor = connection.cursor()
        # Naming a student without logging the access shows nothing.
        cursor.execute("SELECT set_config('ownwork.subject_student', %s, true)", (str(ids["ada"]),))
        cursor.execute("SELECT id FROM students")
        assert list(cursor.fetchall()) == []
        connection.rollback()
        cursor.execute(
            "INSERT INTO subject_access_log (student_id, opened_by, opened_at, reason) "
            "VALUES (%s, 'someone else', '2000-01-01', 'Subject access request 2026/14')",
            (ids["ada"],),
        )
        cursor.execute("SELECT set_config('ownwork.subject_student', %s, true)", (str(ids["ada"]),))
        cursor.execute("SELECT id FROM students")
        assert [row[0] for row in cursor.fetchall()] == [ids["ada"]]
        cursor.execute("SELECT id FROM conversations ORDER BY id")
        assert {row[0] for row in cursor.fetchall()} == {
            ids["mine"],
            ids["mine_draft"],
            ids["shared"],
        }
        cursor.execute("SELECT count(*) FROM finalisations")
        assert cursor.fetchone()[0] == 1
        # Another student, though named, was not the one logged.
        cursor.execute("SELECT set_config('ownwork.subject_student', %s, true)", (str(ids["ben"]),))
        cursor.execute("SELECT id FROM students")
        assert list(cursor.fetchall()) == []
        connection.commit()
        # The next transaction: the setting again, the log entry now old: nothing.
        cursor.execute("SELECT set_config('ownwork.subject_student', %s, true)", (str(ids["ada"]),))
        cursor.execute("SELECT id FROM students")
        assert list(cursor.fetchall()) == []
        connection.rollback()
        # The log names the login and the server's time, whatever was sent.
        cursor.execute("SELECT opened_by, opened_at FROM subject_access_log")
        (opened_by, opened_at), *_ = cursor.fetchall()
        assert opened_by == school.logins["dpo"] and opened_at.year >= 2026
        # And stays: the DPO cannot remove it.
        with pytest.raises(pg8000.dbapi.DatabaseError, match=DENIED):
            cursor.execute("DELETE FROM subject_access_log")
        connection.rollback()
        # Nor change a student's record.
        with pytest.raises(pg8000.dbapi.DatabaseError, match=DENIED):
            cursor.execute("UPDATE students SET surname = 'x'")
    finally:
        connection.rollback()
        connection.close()
    # A teacher may not open a subject access.
    _refused(
        school,
        "teacher",
        "INSERT INTO subject_access_log (student_id, opened_by, opened_at, reason) "
        "VALUES (%s, '', now(), 'curious')",
        ids["ben"],
        said=DENIED,
    )


def test_the_owner_role_alone_reads_everything_and_check_sees_the_policies(
    school: School, tmp_path: Path
) -> None:
    from app.paths import resolve_paths
    from app.services import server

    engine = create_engine(school.url)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL ROLE ownwork_owner"))
        assert connection.scalar(text("SELECT count(*) FROM conversations")) == 4
    engine.dispose()
    report = server.check(IT, school.url, resolve_paths(str(tmp_path)))
    checks = {item.name: item for item in report.checks}
    assert checks["policies"].status == "ok", checks["policies"].detail
    assert checks["audit"].status == "ok", checks["audit"].detail


@pytest.mark.parametrize("who", ["teacher", "head_of_science", "exams"])
def test_verify_says_what_a_login_that_reads_part_of_the_records_could_not_check(
    school: School, who: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every such login reads only part of the audit log or of the records it vouches for:
    its verify finds no false problem in what it cannot see, and says it did not check."""
    from app.cli.main import main

    capsys.readouterr()
    code = main(["verify", "--json", "--database-url", school.store_url(who)])
    said = capsys.readouterr()
    assert said.out, said.err
    found = json.loads(said.out)
    assert code == 0, found["problems"]
    assert any("Not checked: this login may" in note["message"] for note in found["notes"])


def test_each_role_through_the_services_gets_what_the_server_shows_and_a_sentence_else(
    school: School,
) -> None:
    """The same matrix through OwnWork's use cases, signed in as each login: the lists hold
    what the server shows, and what a role may not use is refused by the services in a
    sentence before the server is asked (last in this module: the DPO's opening is logged)."""
    from app.domain.list_query import ListQuery
    from app.errors import NotFoundError, PermissionDenied
    from app.services import connect, interviews, records
    from app.services.statistics import statistics
    from app.services.subject_access import subject_access

    ids = school.ids
    expected = {
        "teacher": {ids["mine"], ids["mine_draft"], ids["shared"]},
        "other_teacher": {ids["theirs"], ids["shared"]},
        "head_of_science": {ids["mine"], ids["mine_draft"]},
        "exams": {ids["theirs"]},
        "head_of_centre": {ids["theirs"]},
    }
    for who in ROLES:
        store = connect(school.store_url(who))
        try:
            me = store.principal
            assert me.name == school.logins[who]
            if who in expected:
                listed = records.list_conversations(me, store, ListQuery())
                assert {c.id for c in listed} == expected[who], who
                assert records.count_conversations(me, store, ListQuery()) == len(listed)
            else:
                with pytest.raises(PermissionDenied, match=rf"^{me.name} may not see the "):
                    records.list_conversations(me, store, ListQuery())
            if who in ("teacher", "head_of_science"):
                # Hidden by the server's policies, it reads as absent: nothing is told of it.
                with pytest.raises(NotFoundError, match=f"no conversation with id {ids['theirs']}"):
                    interviews.content(me, store, ids["theirs"])
            if who in ("senior", "exams", "head_of_centre"):
                assert {row.qualification for row in statistics(me, store)} == {"GCSE Science"}
            else:
                with pytest.raises(PermissionDenied, match="may not see the statistics"):
                    statistics(me, store)
            if who == "dpo":
                opened = subject_access(me, store, ids["ada"], reason="SAR 2026/15").value
                assert opened.student.id == ids["ada"]
                assert {case.content.conversation.id for case in opened.cases} == {
                    ids["mine"],
                    ids["mine_draft"],
                    ids["shared"],
                }
        finally:
            store.dispose()
