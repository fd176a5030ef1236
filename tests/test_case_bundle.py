"""Case bundles: a case travels whole to another machine, and anything else is refused whole."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli.main import main
from app.domain import canonical
from app.domain.records import Centre, StudentDraft
from app.errors import OwnWorkError
from app.integrity import amendments, case_bundle, evidence, signing, timeline
from app.integrity.bundle_document import case_from_document
from app.integrity.bundle_zip import member_info
from app.integrity.case_bundle import BundleError
from app.integrity.verify import verify
from app.paths import AppPaths, resolve_paths
from app.storage import case_files, staff, students
from app.storage.database import Database, open_store
from tests.integrity_support import evidence_files, finalised, table_rows

# Hypothesis example counts; docs/integrity.md quotes them.
ARBITRARY_BYTES = 300
BYTE_FLIPS = 400
TRUNCATIONS = 200
FREE_TEXTS = 60
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def bundle(store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path) -> Path:
    """A finalised case with an amendment and two attachments, exported."""
    with store.transaction() as session:
        staff.set_centre(session, Centre(name="Riverside Academy", centre_number="74123"))
    finalised(store, conversation_id)
    work, scan = tmp_path / "essay.pdf", tmp_path / "in-class.png"
    work.write_bytes(b"%PDF-1.4 the essay as handed in")
    scan.write_bytes(b"\x89PNG\r\n\x1a\n handwriting")
    with store.transaction() as session:
        submission_id = case_files.load_content(session, conversation_id).conversation.submission_id
        evidence.attach(session, paths, work, kind="submitted_work", submission_id=submission_id)
        evidence.attach(
            session,
            paths,
            scan,
            kind="in_class_writing",
            conversation_id=conversation_id,
            note="Timed writing, 20 minutes",
        )
        amendments.add(
            session,
            conversation_id,
            path="outcome.next_step",
            new_value="Referred on 9 October.",
            reason="Added the date.",
        )
    output = tmp_path / "case.ownwork.zip"
    case_bundle.export_case(store, paths, conversation_id, output)
    return output


@pytest.fixture
def elsewhere(paths: AppPaths, tmp_path: Path) -> Iterator[tuple[Database, AppPaths]]:
    """The exams officer's machine: another, empty data folder, which has been told to trust
    the teacher's signing key (after comparing its fingerprint)."""
    other = resolve_paths(tmp_path / "exams-officer")
    signing.trust(other, signing.own_fingerprint(paths), "test teacher")
    database = open_store(other, actor="exams officer")
    yield database, other
    database.dispose()


def _content(database: Database, conversation_id: int) -> dict[str, Any]:
    with database.transaction() as session:
        return canonical.canonical_content(case_files.load_case(session, conversation_id))


def test_a_case_arrives_whole_on_another_machine(
    store: Database,
    conversation_id: int,
    bundle: Path,
    elsewhere: tuple[Database, AppPaths],
) -> None:
    officer, officer_paths = elsewhere
    result = case_bundle.import_case(officer, officer_paths, bundle)
    assert result.new_student and result.attachments == 2
    assert _content(officer, result.conversation_id) == _content(store, conversation_id)
    with store.transaction() as session:
        there_hash = case_files.load_case(session, conversation_id)
        code = canonical.integrity_code(there_hash)
    assert result.content_hash == code
    with officer.transaction() as session:
        files = evidence.list_for_conversation(session, result.conversation_id)
        corrections = amendments.list_for(session, result.conversation_id)
        events = timeline.for_conversation(session, result.conversation_id)
    assert sorted(a.name for a in files) == ["essay.pdf", "in-class.png"]
    assert {a.added_by for a in files} == {"test teacher"}
    for attached in files:
        stored = evidence.evidence_path(officer_paths, attached.sha256)
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == attached.sha256
    assert [(c.path, c.new_value, c.author) for c in corrections] == [
        ("outcome.next_step", "Referred on 9 October.", "test teacher")
    ]
    assert any(e.origin == timeline.FROM_BUNDLE and e.action == "finalise" for e in events)
    assert any(e.action == "import" and e.actor == "exams officer" for e in events)
    report = verify(officer_paths, officer)
    assert report.ok, report.problems
    assert report.finalised == 1 and report.attachments == 2
    # The imported record is as finalised there as it was here.
    with (
        closing(sqlite3.connect(officer_paths.database)) as connection,
        pytest.raises(sqlite3.IntegrityError, match="finalised"),
    ):
        connection.execute("UPDATE conversations SET next_step = 'x'")


def test_the_same_bundle_twice_is_refused(
    bundle: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    officer, officer_paths = elsewhere
    first = case_bundle.import_case(officer, officer_paths, bundle)
    before = table_rows(officer_paths.database)
    with pytest.raises(
        BundleError, match=f"already been imported: conversation {first.conversation_id}"
    ):
        case_bundle.import_case(officer, officer_paths, bundle)
    assert table_rows(officer_paths.database) == before


def _unchanged(officer: Database, officer_paths: AppPaths, file: Path) -> str:
    before = table_rows(officer_paths.database)
    files = evidence_files(officer_paths.evidence_dir)
    with pytest.raises(BundleError) as raised:
        case_bundle.import_case(officer, officer_paths, file)
    assert table_rows(officer_paths.database) == before
    assert evidence_files(officer_paths.evidence_dir) == files
    message = str(raised.value)
    assert message.startswith("The case bundle was not imported: ")
    assert message.endswith(" Nothing was changed.")
    return message


def _members(file: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(file) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_bundle(
    path: Path, document: dict[str, Any], files: dict[str, bytes], signer: AppPaths
) -> Path:
    """A bundle laid out exactly as OwnWork writes one, manifest recomputed and signed with
    ``signer``'s key: only its content can be wrong."""
    case_bytes = json.dumps(document, ensure_ascii=False).encode("utf-8")
    listed = [
        {
            "path": "case.json",
            "sha256": hashlib.sha256(case_bytes).hexdigest(),
            "size": len(case_bytes),
        }
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=False) as archive:
        archive.writestr(member_info("case.json", len(case_bytes)), case_bytes)
        for name, data in files.items():
            archive.writestr(member_info(name, len(data)), data)
            listed.append(
                {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            )
        unsigned = {"format": "ownwork-case-manifest/2", "files": listed, "anchor": "0:" + "0" * 64}
        signature = signing.sign(signer, case_bundle.signed_payload(unsigned))
        manifest = json.dumps({**unsigned, "signature": signature.to_json()}).encode()
        archive.writestr(member_info("manifest.json", len(manifest)), manifest)
    return path


def _rewritten(bundle: Path, tmp_path: Path, change: Any) -> Path:
    """The bundle with its record changed, re-signed by the teacher's installation (whose data
    folder is ``tmp_path / "data"``, the ``paths`` fixture): as its own software would."""
    members = _members(bundle)
    document = json.loads(members.pop("case.json"))
    members.pop("manifest.json")
    change(document)
    return write_bundle(
        tmp_path / "rewritten.zip", document, members, resolve_paths(tmp_path / "data")
    )


def test_a_rebuilt_bundle_is_read_back(bundle: Path, tmp_path: Path) -> None:
    # The helper above makes bundles the reader accepts, so the refusals below are about content.
    rebuilt = _rewritten(bundle, tmp_path, lambda document: None)
    assert case_bundle.inspect_bundle(rebuilt).student_name == "Thị Mai Nguyễn"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda d: d["conversation"]["answers"][0].update(student_words="I wrote it all."),
            "does not match the integrity code",
        ),
        (lambda d: d.update(surprise=1), "not in the expected form"),
        (lambda d: d["student"].update(candidate_number="42"), "student/candidate_number"),
        (
            lambda d: d["conversation"]["preparation"]["indicators"].append(
                {"code": "astrology", "note": ""}
            ),
            "'astrology' is not a sign of concern",
        ),
        (
            lambda d: d["conversation"]["answers"][1].update(excerpt=9),
            "refers to an excerpt that is not there",
        ),
        (
            lambda d: d["conversation"]["outcome"].update(next_step="bell\u0007"),
            "contains control characters",
        ),
        (lambda d: d["finalisation"].update(canonical_json="{}"), "finalised record"),
        (lambda d: d["amendments"][0].update(path="answers.99.rating"), "answers.99.rating"),
        (lambda d: d["attachments"].pop(), "attachments do not match"),
    ],
)
def test_a_bundle_with_bad_content_is_refused_with_its_reason(
    bundle: Path,
    tmp_path: Path,
    elsewhere: tuple[Database, AppPaths],
    change: Any,
    reason: str,
) -> None:
    assert reason in _unchanged(*elsewhere, _rewritten(bundle, tmp_path, change))


def test_an_altered_attachment_is_refused(
    bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    members = _members(bundle)
    document = json.loads(members.pop("case.json"))
    members.pop("manifest.json")
    name = next(n for n in members if n.startswith("attachments/"))
    members[name] = b"something else"
    forged = write_bundle(
        tmp_path / "forged.zip", document, members, resolve_paths(tmp_path / "data")
    )
    assert "attachment" in _unchanged(*elsewhere, forged)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/evil", "a file OwnWork does not write"),
        ("attachments/../../x", "a file OwnWork does not write"),
        ("/absolute", "a file OwnWork does not write"),
    ],
)
def test_zip_slip_names_are_refused(
    bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths], name: str, reason: str
) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        for member, data in _members(bundle).items():
            archive.writestr(member, data)
        archive.writestr(name, b"payload")
    assert reason in _unchanged(*elsewhere, evil)
    assert not (tmp_path / "x").exists()


def test_a_zip_bomb_is_refused_without_being_inflated(
    tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("case.json", b"\0" * 50_000_000)
        archive.writestr("manifest.json", b"{}")
    assert bomb.stat().st_size < 200_000
    started = time.monotonic()
    assert "altered" in _unchanged(*elsewhere, bomb)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip at all", b"PK\x05\x06" + b"\0" * 18, "Zoë,Łukasz\n".encode()],
)
def test_files_that_are_not_bundles_are_refused(
    tmp_path: Path, elsewhere: tuple[Database, AppPaths], data: bytes
) -> None:
    file = tmp_path / "x.zip"
    file.write_bytes(data)
    _unchanged(*elsewhere, file)


def test_a_truncated_bundle_is_refused(
    bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    short = tmp_path / "short.zip"
    short.write_bytes(bundle.read_bytes()[:-200])
    assert "damaged, truncated or not a case bundle" in _unchanged(*elsewhere, short)


def test_a_student_with_other_details_here_is_not_merged(
    bundle: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    officer, officer_paths = elsewhere
    with officer.transaction() as session:
        students.create(
            session, StudentDraft(surname="Nguyen", forename="Mai", candidate_number="0423")
        )
    message = _unchanged(officer, officer_paths, bundle)
    assert "already here as Mai Nguyen" in message and "surname, forename" in message


def test_a_bundle_from_another_centre_is_refused(
    bundle: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    officer, officer_paths = elsewhere
    with officer.transaction() as session:
        staff.set_centre(session, Centre(name="Hillside School", centre_number="12345"))
    message = _unchanged(officer, officer_paths, bundle)
    assert "comes from Riverside Academy (74123)" in message
    assert "belongs to Hillside School (12345)" in message


def test_a_failure_while_writing_commits_nothing(
    bundle: Path, elsewhere: tuple[Database, AppPaths], monkeypatch: pytest.MonkeyPatch
) -> None:
    officer, officer_paths = elsewhere
    real = evidence.add_row
    calls = {"n": 0}

    def fail_second(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OwnWorkError("The disk holding the database is full.")
        return real(*args, **kwargs)

    monkeypatch.setattr(evidence, "add_row", fail_second)
    before = table_rows(officer_paths.database)
    with pytest.raises(OwnWorkError, match="full"):
        case_bundle.import_case(officer, officer_paths, bundle)
    assert calls["n"] == 2
    assert table_rows(officer_paths.database) == before
    assert [f for f in evidence_files(officer_paths.evidence_dir) if "incoming" not in f] == []


def test_export_refuses_an_unconcluded_case_and_an_existing_file(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(OwnWorkError, match="has not been concluded"):
        case_bundle.export_case(store, paths, conversation_id, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"keep")
    assert main(["--data-dir", str(paths.data_dir), "export-case", "1", "-o", str(taken)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert taken.read_bytes() == b"keep"


def test_cli_export_and_import(
    store: Database,
    paths: AppPaths,
    conversation_id: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    finalised(store, conversation_id)
    output = tmp_path / "case.zip"
    assert (
        main(
            [
                "--data-dir",
                str(paths.data_dir),
                "export-case",
                str(conversation_id),
                "-o",
                str(output),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Case bundle written" in out and "Integrity code of the record" in out
    if os.name == "posix":
        assert output.stat().st_mode & 0o777 == 0o600
    fingerprint = out.split("Signed with this installation's key ")[1].split()[0]
    other = tmp_path / "other"
    # The officer's computer refuses a key it has not been told to trust, naming it.
    assert main(["--data-dir", str(other), "import-case", str(output)]) == 1
    err = capsys.readouterr().err
    assert f"does not trust yet (fingerprint {fingerprint}" in err and err.count("\n") == 1
    assert main(["--data-dir", str(other), "keys", "trust", fingerprint.upper()]) == 0
    assert fingerprint in capsys.readouterr().out
    assert main(["--data-dir", str(other), "keys", "list"]) == 0
    assert fingerprint in capsys.readouterr().out
    assert main(["--data-dir", str(other), "import-case", str(output)]) == 0
    assert "Imported as conversation 1 for a new student" in capsys.readouterr().out
    assert main(["--data-dir", str(other), "import-case", str(output)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already been imported" in err


# --- property-based: nothing but a sound bundle gets in, and nothing gets in by halves ----------


@settings(FUZZ, max_examples=ARBITRARY_BYTES)
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused_cleanly(
    data: bytes, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    file = tmp_path / "fuzz.zip"
    file.write_bytes(data)
    _unchanged(*elsewhere, file)


@settings(FUZZ, max_examples=BYTE_FLIPS)
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), xor=st.integers(1, 255))
def test_any_changed_byte_is_detected(
    where: float, xor: int, bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    data = bytearray(bundle.read_bytes())
    data[int(where * len(data))] ^= xor
    file = tmp_path / "flipped.zip"
    file.write_bytes(bytes(data))
    _unchanged(*elsewhere, file)


@settings(FUZZ, max_examples=TRUNCATIONS)
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_any_truncation_is_detected(
    where: float, bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    data = bundle.read_bytes()
    file = tmp_path / "cut.zip"
    file.write_bytes(data[: int(where * len(data))])
    _unchanged(*elsewhere, file)


@settings(FUZZ, max_examples=FREE_TEXTS)
@given(words=st.text(max_size=300), note=st.text(max_size=100))
def test_free_text_in_a_bundle_arrives_exactly_or_not_at_all(
    words: str, note: str, bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    def change(document: dict[str, Any]) -> None:
        document["conversation"]["answers"][0]["student_words"] = words
        document["conversation"]["preparation"]["wellbeing_note"] = note
        document["content_hash"] = canonical.integrity_code(case_from_document(document))
        document["finalisation"] = None

    file = _rewritten(bundle, tmp_path, change)
    officer, officer_paths = elsewhere
    before = table_rows(officer_paths.database)
    try:
        result = case_bundle.import_case(officer, officer_paths, file)
    except BundleError:
        # Refused (control characters, or the same record again): nothing at all was written.
        assert table_rows(officer_paths.database) == before
        return
    with officer.transaction() as session:
        content = case_files.load_content(session, result.conversation_id)
    assert content.answers[0].student_words == words
    assert content.preparation.wellbeing_note == note


def test_json_document_is_what_the_schema_describes(bundle: Path) -> None:
    document = json.loads(_members(bundle)["case.json"])
    assert case_bundle.schema_problem(document) is None
    schema = Path(__file__).parent.parent / "resources" / "schemas" / "case-bundle.schema.json"
    required = json.loads(schema.read_text(encoding="utf-8"))["required"]
    assert set(document) == set(required)


@pytest.mark.parametrize("field_offset", range(28, 34))
def test_changed_length_fields_of_the_last_directory_entry_are_detected(
    field_offset: int, bundle: Path, tmp_path: Path, elsewhere: tuple[Database, AppPaths]
) -> None:
    # zipfile parses the central directory from a buffer cut to its declared size, so a flipped
    # name, extra or comment length of its last entry used to leave the parsed archive unchanged.
    data = bytearray(bundle.read_bytes())
    last_entry = data.rfind(b"PK\x01\x02")
    data[last_entry + field_offset] ^= 51
    file = tmp_path / "lengths.zip"
    file.write_bytes(bytes(data))
    _unchanged(*elsewhere, file)
