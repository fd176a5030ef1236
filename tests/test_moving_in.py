"""Moving a teacher's personal store into the school's server (``ownwork server import-personal``),
on a real PostgreSQL server: everything arrives with its relationships, verify proves the
server's chain and the imported history, codes printed before the move are printed after it,
and the personal store is only read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.cli.main import main
from app.documents.record_pdf import render_record
from app.domain import canonical
from app.domain.list_query import ListQuery
from app.domain.principal import Principal, Role
from app.domain.records import StudentDraft
from app.domain.referral import ReferralFacts, Statement, StatementKind
from app.errors import OwnWorkError, PermissionDenied
from app.integrity import moving_in as moving_core
from app.integrity.blobs import FolderBlobStore, blob_store
from app.paths import AppPaths, resolve_paths
from app.services import documents, integrity, moving_in, records
from app.storage import case_files
from app.storage.database import Database, open_store
from app.storage.models import AuditRow, Base, ConversationRow, StudentRow
from app.storage.models_integrity import FinalisationRow
from app.storage.models_server import ImportedIdRow, ImportedSegmentRow
from tests.integrity_support import tamper

ADMIN = Principal.personal("it.manager")
EMPTY = hashlib.sha256(b"").hexdigest()
ON_THE_SERVER = pytest.mark.parametrize("store_kind", ["postgresql"])


@dataclasses.dataclass(frozen=True)
class Personal:
    paths: AppPaths
    finalised: dict[int, str]  # conversation id -> the code its record printed
    students: int
    conversations: int
    files: int
    big_file: bytes
    before: dict[str, str]  # every file of the data folder -> its SHA-256
    contents: dict[int, dict[str, object]]  # every conversation's canonical content
    referral: tuple[ReferralFacts, list[tuple[object, ...]]]  # the first finalised one's


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "logs" not in p.parts
    }


def _cli(*args: object) -> int:
    return main([str(a) for a in args])


@pytest.fixture
def personal(tmp_path: Path) -> Iterator[Personal]:
    """A teacher's store: demo records, one more finalised, an amendment, a file of several
    MiB attached, and a student's name corrected after one of their records was finalised."""
    folder = tmp_path / "teacher"
    assert _cli("--data-dir", folder, "seed-demo", "--students", 8, "--conversations", 6) == 0
    paths = resolve_paths(folder)
    store = open_store(paths, actor="m.jones")
    teacher = Principal.personal("m.jones")
    try:
        with store.transaction() as session:
            concluded = session.scalars(
                select(ConversationRow.id)
                .where(ConversationRow.status == "concluded")
                .where(~ConversationRow.id.in_(select(FinalisationRow.conversation_id)))
            ).first()
        if concluded is not None:
            assert _cli("--data-dir", folder, "finalise", concluded) == 0
        with store.transaction() as session:
            final_ids = list(session.scalars(select(FinalisationRow.conversation_id)))
        first = final_ids[0]
        assert (
            _cli(
                "--data-dir",
                folder,
                "amend",
                first,
                "--field",
                "outcome.next_step",
                "--value",
                "Referred to the exams officer on 9 October.",
                "--reason",
                "Date added.",
            )
            == 0
        )
        big = tmp_path / "portfolio.pdf"
        big.write_bytes(b"%PDF-1.4\n" + hashlib.sha256(b"x").digest() * 100_000)  # 3.2 MB
        assert _cli("--data-dir", folder, "attach", "--conversation", first, big) == 0
        student_id = records.get_conversation(teacher, store, first).student_id
        student = records.get_student(teacher, store, student_id)
        draft = {f.name: getattr(student, f.name) for f in dataclasses.fields(StudentDraft)}
        records.change_student(
            teacher, store, student_id, StudentDraft(**{**draft, "forename": "Rhiannon"})
        )
        documents.record_referral_facts(
            teacher, store, first, {"ai_tool": "ChatGPT", "concern_noticed_by": "Mrs Kowalczyk"}
        )
        documents.add_statement(
            teacher,
            store,
            first,
            kind=StatementKind.STAFF,
            author="Mr T. Ó Briain",
            text="I was present throughout.",
            given_on=dt.date(2026, 10, 9),
        )
        codes = {c: documents.printed(teacher, store, c).state.code for c in final_ids}
        with store.transaction() as session:
            contents = {
                c: canonical.canonical_content(case_files.load_case(session, c))
                for c in session.scalars(select(ConversationRow.id))
            }
        referral = documents.printed(teacher, store, first)
        assert referral.facts.ai_tool == "ChatGPT" and len(referral.statements) == 1
        with store.transaction() as session:
            students = session.scalar(select(func.count()).select_from(StudentRow)) or 0
            conversations = session.scalar(select(func.count()).select_from(ConversationRow)) or 0
        files = len(list(FolderBlobStore(paths).held()))
    finally:
        store.dispose()
    yield Personal(
        paths,
        codes,
        students,
        conversations,
        files,
        big.read_bytes(),
        _fingerprint(folder),
        contents,
        (referral.facts, [_statement(st) for st in referral.statements]),
    )


def _statement(statement: Statement) -> tuple[object, ...]:
    return (statement.kind, statement.author, statement.role, statement.given_on, statement.text)


def _move(store: Database, personal: Personal, *extra: str) -> int:
    url = store.engine.url.render_as_string(hide_password=False)
    return _cli(
        "server",
        "import-personal",
        "--from",
        personal.paths.data_dir,
        "--database-url",
        url,
        *extra,
    )


def _server_rows(store: Database) -> dict[str, int]:
    with store.transaction() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _server_id(store: Database, entity: str, source_id: int) -> int:
    with store.transaction() as session:
        return session.scalars(
            select(ImportedIdRow.server_id).where(
                ImportedIdRow.entity == entity, ImportedIdRow.source_id == source_id
            )
        ).one()


@ON_THE_SERVER
def test_a_personal_store_moves_in_whole_and_verify_proves_both_histories(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    personal: Personal,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The server already holds a case, so every record moved in gets another number.
    assert conversation_id == 1
    assert _move(store, personal) == 0
    said = capsys.readouterr().out
    assert said.startswith("Moved in the personal store of m.jones (teacher): ")
    assert f"{personal.students} students" in said and "imported audit history 1" in said

    report = integrity.verify(ADMIN, store, paths)
    assert report.ok, report.problems
    assert report.imported_segments == 1 and report.finalised == len(personal.finalised)
    # The student corrected after finalising is a note, as it was in the personal store.
    assert any("(student.forename)" in n.message for n in report.notes), report.notes

    listed = records.list_students(ADMIN, store, ListQuery(limit=None))
    assert len(listed) == personal.students + 1
    assert len(records.list_conversations(ADMIN, store, ListQuery(limit=None))) == (
        personal.conversations + 1
    )
    for source_id, code in personal.finalised.items():
        moved = _server_id(store, "conversation", source_id)
        assert moved != source_id
        printed = documents.printed(ADMIN, store, moved)
        assert printed.state.code == code
        assert render_record(printed).startswith(b"%PDF")
    # Every conversation, finalised or not, reads the same: answers, notes, excerpts, signs.
    with store.transaction() as session:
        for source_id, content in personal.contents.items():
            moved_id = _server_id(store, "conversation", source_id)
            assert canonical.canonical_content(case_files.load_case(session, moved_id)) == (content)
    first = min(personal.finalised)
    referral = documents.printed(ADMIN, store, _server_id(store, "conversation", first))
    assert (referral.facts, [_statement(st) for st in referral.statements]) == personal.referral
    files = integrity.attachments(
        ADMIN, store, conversation_id=_server_id(store, "conversation", first)
    )
    big = next(a for a in files if a.name == "portfolio.pdf")
    copy = integrity.viewing_copy(ADMIN, store, paths, big)
    assert copy.read_bytes() == personal.big_file
    assert len(list(blob_store(paths, store).held())) == personal.files
    # The personal store was only read: not a byte of its folder changed.  (SQLite opening a
    # store read-only leaves its -wal and -shm companions behind, the -wal one empty.)
    after = _fingerprint(personal.paths.data_dir)
    companions = {name: after.pop(name) for name in list(after) if name.endswith(("-wal", "-shm"))}
    assert after == personal.before
    assert companions.get("ownwork.sqlite3-wal", EMPTY) == EMPTY


@ON_THE_SERVER
def test_moving_the_same_store_in_twice_imports_nothing_the_second_time(
    store: Database, personal: Personal, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _move(store, personal) == 0
    once = _server_rows(store)
    capsys.readouterr()
    assert _move(store, personal) == 0
    said = capsys.readouterr().out
    with store.transaction() as session:
        day = session.scalars(select(ImportedSegmentRow.imported_at)).one().date().isoformat()
    assert said.startswith(
        f"Nothing imported: the personal store of m.jones (teacher) was already imported on {day}"
    )
    assert _server_rows(store) == once


@ON_THE_SERVER
def test_a_tampered_personal_store_is_refused_unless_moved_in_despite_its_problems(
    store: Database, paths: AppPaths, personal: Personal, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(personal.paths.database, "UPDATE audit_log SET summary = 'nothing' WHERE id = 3")
    empty = _server_rows(store)
    assert _move(store, personal) == 1
    error = capsys.readouterr().err
    assert error.startswith("ownwork: The personal store fails verify, so it was not moved in: ")
    assert "audit entry 3: Changed after it was written" in error and len(error.splitlines()) == 1
    assert _server_rows(store) == empty

    assert _move(store, personal, "--despite-problems") == 0
    assert "MOVED IN DESPITE  audit entry 3" in capsys.readouterr().out
    report = integrity.verify(ADMIN, store, paths)
    assert [f.record for f in report.problems] == [
        "imported audit history 1 (the personal store of m.jones (teacher))"
    ]
    with store.transaction() as session:
        anchor = session.scalars(select(AuditRow).where(AuditRow.entity == "audit_segment")).one()
    assert "despite 1 problems" in anchor.summary


@ON_THE_SERVER
def test_a_failure_midway_leaves_the_server_unchanged(
    store: Database, paths: AppPaths, personal: Personal, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = _server_rows(store)
    copy_evidence = moving_core.copy_evidence

    def fail_after_the_files(*args: object, **kwargs: object) -> int:
        copy_evidence(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("the server went away")

    monkeypatch.setattr(moving_core, "copy_evidence", fail_after_the_files)
    with pytest.raises(RuntimeError, match="went away"):
        moving_in.import_personal(ADMIN, store, paths, personal.paths)
    assert _server_rows(store) == empty
    monkeypatch.undo()
    assert moving_in.import_personal(ADMIN, store, paths, personal.paths).value.files == (
        personal.files
    )


@ON_THE_SERVER
def test_a_student_whose_candidate_number_is_taken_by_other_details_is_refused(
    store: Database, paths: AppPaths, personal: Personal
) -> None:
    teacher = open_store(personal.paths, actor="m.jones")
    try:
        one = records.list_students(ADMIN, teacher, ListQuery(limit=1))[0]
    finally:
        teacher.dispose()
    records.add_student(
        ADMIN,
        store,
        StudentDraft(
            surname="Someone Else", forename="Entirely", candidate_number=one.candidate_number
        ),
    )
    before = _server_rows(store)
    with pytest.raises(OwnWorkError, match=r"shares a candidate number or UPN with Entirely"):
        moving_in.import_personal(ADMIN, store, paths, personal.paths)
    assert _server_rows(store) == before


def test_moving_in_needs_the_server_and_an_administrator(
    store: Database, paths: AppPaths, tmp_path: Path
) -> None:
    teacher_only = Principal("p.adeyemi", frozenset({Role.TEACHER}))
    with pytest.raises(PermissionDenied, match="may not move a personal store into the server"):
        moving_in.import_personal(teacher_only, store, paths, resolve_paths(tmp_path / "x"))
    with pytest.raises(OwnWorkError, match="needs the school's server"):
        moving_in.import_personal(ADMIN, store, paths, resolve_paths(tmp_path / "x"))


def test_every_table_is_either_moved_or_deliberately_left() -> None:
    tables = set(Base.metadata.tables)
    assert tables == set(moving_core.COPIED) | set(moving_core.NOT_COPIED)
    assert not set(moving_core.COPIED) & set(moving_core.NOT_COPIED)


@ON_THE_SERVER
def test_verify_names_an_imported_history_changed_on_the_server(
    store: Database, paths: AppPaths, personal: Personal
) -> None:
    moving_in.import_personal(ADMIN, store, paths, personal.paths)
    with store.engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            text("UPDATE audit_imported_entries SET actor = 'someone else' WHERE id = 5")
        )
    report = integrity.verify(ADMIN, store, paths)
    (problem,) = report.problems
    assert problem.record.startswith("imported audit history 1 ")
    assert problem.message.startswith("Entries 5 of this history no longer match their SHA-256")


@ON_THE_SERVER
def test_the_server_refuses_to_change_or_remove_imported_history_and_evidence(
    store: Database, paths: AppPaths, personal: Personal
) -> None:
    moving_in.import_personal(ADMIN, store, paths, personal.paths)
    for statement in (
        "UPDATE audit_imported_entries SET actor = 'x'",
        "DELETE FROM audit_imported_segments",
        "DELETE FROM audit_imported_ids",
        "UPDATE evidence_chunks SET data = 'x'",
        "DELETE FROM evidence_blobs",
        "TRUNCATE evidence_chunks",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))


@ON_THE_SERVER
def test_a_store_used_again_after_it_moved_in_is_not_imported_twice(
    store: Database, paths: AppPaths, personal: Personal
) -> None:
    moving_in.import_personal(ADMIN, store, paths, personal.paths)
    once = _server_rows(store)
    teacher = open_store(personal.paths, actor="m.jones")
    try:
        records.add_student(ADMIN, teacher, StudentDraft(surname="Later", forename="Added"))
    finally:
        teacher.dispose()
    again = moving_in.import_personal(ADMIN, store, paths, personal.paths).value
    assert again.already and again.written_since == 1
    assert "1 audit entry written since then, which were not imported" in again.summary()
    assert _server_rows(store) == once


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ((), "ownwork: Which server? Give --database-url"),
        (
            ("--database-url", "postgresql://it:secret@/ownwork?host=/nonexistent"),
            "ownwork: Nothing answered at /nonexistent:5432/ownwork",
        ),
        (("--database-url", "not a url"), "ownwork: 'not a url' is not a database address"),
    ],
)
def test_the_command_says_in_one_line_what_is_wrong_with_the_server_given(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    said: str,
) -> None:
    monkeypatch.delenv("OWNWORK_DATABASE_URL", raising=False)
    folder = tmp_path / "teacher"
    folder.mkdir()
    assert _cli("server", "import-personal", "--from", folder, *extra) == 1
    error = capsys.readouterr().err
    assert error.startswith(said) and len(error.splitlines()) == 1
    assert "secret" not in error
