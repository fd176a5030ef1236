"""Evidence works the same on the personal store (files in the data folder) and on a school's
server (files in the database): attaching, the viewer's copy, verify, case bundles handed on,
and the documents printed from a record with evidence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.documents.record_pdf import render_record
from app.domain.principal import Principal
from app.errors import OwnWorkError
from app.integrity import signing
from app.integrity.blobs import blob_store
from app.paths import AppPaths, resolve_paths
from app.services import documents, integrity
from app.storage import case_files
from app.storage.database import Database, open_store, open_url
from tests.integrity_support import finalised, tamper_evidence
from tests.pg_server import PgServer, drop_database, fresh_database

TEACHER = Principal.personal("test teacher")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "essay.pdf"
    path.write_bytes(b"%PDF-1.4 the essay as handed in\n" + bytes(range(256)) * 9000)
    return path


@pytest.fixture
def elsewhere(
    paths: AppPaths, tmp_path: Path, store_kind: str, request: pytest.FixtureRequest
) -> Iterator[tuple[Database, AppPaths]]:
    """Another store of the same kind (another teacher's folder, or another school's server)
    that trusts this one's signing key."""
    other = resolve_paths(tmp_path / "elsewhere")
    signing.trust(other, signing.own_fingerprint(paths), "test teacher")
    if store_kind == "sqlite":
        database = open_store(other, actor="exams officer")
        yield database, other
        database.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = fresh_database(server)
    database = open_url(server.url(name), actor="exams officer")
    yield database, other
    database.dispose()
    drop_database(server, name)


@pytest.mark.both_stores
def test_attached_evidence_is_viewed_verified_and_a_changed_file_is_reported(
    store: Database, paths: AppPaths, conversation_id: int, work: Path
) -> None:
    attached = integrity.attach(
        TEACHER, store, paths, work, kind="submitted_work", conversation_id=conversation_id
    ).value
    listed = integrity.attachments(TEACHER, store, conversation_id=conversation_id)
    assert [a.sha256 for a in listed] == [attached.sha256] and attached.size > 1 << 20
    copy = integrity.viewing_copy(TEACHER, store, paths, attached)
    assert copy.name == "essay.pdf" and copy.read_bytes() == work.read_bytes()
    assert integrity.verify(TEACHER, store, paths).ok
    tamper_evidence(store, paths, attached.sha256)
    report = integrity.verify(TEACHER, store, paths)
    assert [f.record for f in report.problems] == [f"attachment {attached.id} (essay.pdf)"]
    with pytest.raises(OwnWorkError, match="no longer matches the SHA-256"):
        integrity.viewing_copy(TEACHER, store, paths, attached)


@pytest.mark.both_stores
def test_a_case_with_evidence_travels_between_stores_of_the_same_kind(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    work: Path,
    tmp_path: Path,
    elsewhere: tuple[Database, AppPaths],
) -> None:
    integrity.attach(
        TEACHER, store, paths, work, kind="submitted_work", conversation_id=conversation_id
    )
    code = finalised(store, conversation_id)
    bundle = tmp_path / "case.ownwork.zip"
    integrity.export_case(TEACHER, store, paths, conversation_id, bundle)
    officer, officer_paths = elsewhere
    imported = integrity.import_case(TEACHER, officer, officer_paths, bundle).value
    assert imported.content_hash == code and imported.attachments == 1
    (arrived,) = integrity.attachments(TEACHER, officer, conversation_id=imported.conversation_id)
    with blob_store(officer_paths, officer).open(arrived.sha256) as handle:
        assert handle.read() == work.read_bytes()
    assert integrity.verify(TEACHER, officer, officer_paths).ok
    # Imported twice: refused, and the evidence is still held once.
    with pytest.raises(OwnWorkError, match="already been imported"):
        integrity.import_case(TEACHER, officer, officer_paths, bundle)
    assert [sha for sha, _ in blob_store(officer_paths, officer).held()] == [arrived.sha256]


@pytest.mark.both_stores
def test_the_record_of_a_case_with_evidence_prints_its_integrity_code(
    store: Database, paths: AppPaths, conversation_id: int, work: Path
) -> None:
    integrity.attach(
        TEACHER, store, paths, work, kind="submitted_work", conversation_id=conversation_id
    )
    code = finalised(store, conversation_id)
    printed = documents.printed(TEACHER, store, conversation_id)
    assert printed.state.code == code
    pdf = render_record(printed)
    assert pdf.startswith(b"%PDF")
    with store.transaction() as session:
        assert case_files.load_case(session, conversation_id).content.conversation.id == (
            conversation_id
        )
