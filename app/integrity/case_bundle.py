"""Case bundles: one conversation, its evidence and its history in one file for another machine.

A bundle is a zip archive written exactly one way (see ``docs/case-bundle.md``): every member
stored uncompressed with fixed metadata, ``case.json`` (the record, validated against
``resources/schemas/case-bundle.schema.json``), each attachment under
``attachments/<sha256>``, and ``manifest.json`` last with the SHA-256 and size of every other
member.  Because nothing in the file is left to chance, changing any byte of it is detected:
content through the CRC-32, the manifest and the hashes; metadata because it differs from what
OwnWork writes.

Import checks everything before it writes anything, then commits all or nothing in one
transaction.  Evidence files are copied into the store only after every check has passed, and
removed again if the transaction fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain import canonical
from app.domain.interview import (
    CaseFile,
)
from app.domain.records import (
    Centre,
    Conclusion,
    StaffDraft,
    Student,
    StudentDraft,
    Submission,
    SubmissionDraft,
)
from app.domain.validation import check_centre, check_staff, check_student
from app.errors import OwnWorkError, ValidationError
from app.integrity import amendments, evidence, signing
from app.integrity.blobs import BlobStore, FolderBlobStore, blob_store
from app.integrity.bundle_document import (
    MANIFEST_FORMAT,
    MANIFEST_SCHEMA_FILE,
    UNSIGNED_MANIFEST_FORMAT,
    build_document,
    check_document,
    parse_time,
    schema_problem,
)
from app.integrity.bundle_zip import (
    CASE,
    CHUNK,
    MANIFEST,
    MAX_ATTACHMENTS,
    MAX_BUNDLE_BYTES,
    MAX_CASE_BYTES,
    MAX_MANIFEST_BYTES,
    MEMBER_NAME,
    check_layout,
    copy_checked,
    file_sha256,
    hash_member,
    json_member,
    member_info,
)
from app.integrity.bundle_zip import BundleError as BundleError
from app.integrity.evidence import AttachmentKind
from app.paths import AppPaths
from app.storage import audit, case_files, staff, students, submissions
from app.storage.database import Database
from app.storage.models import (
    AnswerRow,
    ConversationRow,
    ExcerptRow,
    IndicatorRow,
    SubmissionRow,
)
from app.storage.models_integrity import AmendmentRow, FinalisationRow
from app.storage.server_errors import sqlstate


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    path: Path
    sha256: str  # of the whole bundle file
    size: int
    attachments: int
    content_hash: str
    anchor: str  # the exporting store's audit anchor, "position:hash"
    signer: str  # the fingerprint of the key that signed it (this installation's)


@dataclass(frozen=True, kw_only=True)
class BundleSummary:
    """What a bundle holds, for a teacher to check before importing it."""

    student_name: str
    candidate_number: str
    qualification: str
    held_at: dt.datetime
    conclusion: Conclusion | None
    finalised: bool
    amendments: int
    attachments: int
    content_hash: str
    exported_at: dt.datetime
    exported_by: str
    signer: str  # fingerprint of the key that signed it
    anchor: str  # the exporting store's audit anchor when it was exported


class UntrustedKeyError(BundleError):
    """A bundle correctly signed, by a key this installation has not been told to trust."""

    def __init__(self, message: str, *, fingerprint: str, exported_by: str) -> None:
        super().__init__(message)
        self.fingerprint = fingerprint
        self.exported_by = exported_by


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    conversation_id: int
    student_id: int
    submission_id: int
    new_student: bool
    attachments: int
    content_hash: str
    bundle_sha256: str


# --- writing -------------------------------------------------------------------------------------


def export_case(
    store: Database, paths: AppPaths, conversation_id: int, output: Path
) -> ExportResult:
    """Write the bundle to ``output`` (atomically, readable by the user only), then audit it."""
    output = output.expanduser().absolute()
    with store.transaction() as session:
        attachments = evidence.list_for_conversation(session, conversation_id)
        document = build_document(session, conversation_id, attachments)
        held = audit.anchor(session)
    case_bytes = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    if len(case_bytes) > MAX_CASE_BYTES:
        raise OwnWorkError("This conversation's record is too large to export as a bundle.")
    unique = {a.sha256: a for a in attachments}
    listed = [
        {"path": CASE, "sha256": hashlib.sha256(case_bytes).hexdigest(), "size": len(case_bytes)}
    ]
    partial = output.with_name(f".{output.name}.partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED, allowZip64=False) as archive:
            archive.writestr(member_info(CASE, len(case_bytes)), case_bytes)
            blobs = blob_store(paths, store)
            for sha, attachment in unique.items():
                name = f"attachments/{sha}"
                with (
                    archive.open(member_info(name, attachment.size), "w") as target,
                    blobs.open(sha) as source,
                ):
                    copy_checked(source, sha, target)
                listed.append({"path": name, "sha256": sha, "size": attachment.size})
            unsigned = {"format": MANIFEST_FORMAT, "files": listed, "anchor": str(held)}
            signature = signing.sign(paths, signed_payload(unsigned))
            manifest = json.dumps({**unsigned, "signature": signature.to_json()}, indent=1).encode(
                "utf-8"
            )
            archive.writestr(member_info(MANIFEST, len(manifest)), manifest)
        if os.name == "posix":
            partial.chmod(0o600)
        os.replace(partial, output)
    except FileNotFoundError as error:
        partial.unlink(missing_ok=True)
        holder = "the school's database" if store.path is None else str(paths.evidence_dir)
        raise OwnWorkError(
            f"An attachment's file is missing from {holder}, so the case was not "
            "exported. Run Verify records."
        ) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OwnWorkError(
            f"The case bundle could not be written to {output} ({error.strerror or error})."
        ) from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sha = file_sha256(output)
    with store.transaction() as session:
        audit.record(
            session,
            "export",
            "conversation",
            conversation_id,
            f"Exported conversation {conversation_id} as a case bundle to {output.name}",
            {
                "kind": "case_bundle",
                "path": str(output),
                "bundle_sha256": sha,
                "content_hash": document["content_hash"],
            },
        )
    return ExportResult(
        path=output,
        sha256=sha,
        size=output.stat().st_size,
        attachments=len(unique),
        content_hash=document["content_hash"],
        anchor=str(held),
        signer=signature.fingerprint,
    )


# --- reading and checking ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Bundle:
    path: Path
    sha256: str
    document: dict[str, Any]
    case: CaseFile
    members: dict[str, zipfile.ZipInfo]
    digests: dict[str, str]  # member name -> SHA-256 from the manifest
    signer: str  # fingerprint of the key whose signature holds
    anchor: str


def signed_payload(manifest: Mapping[str, Any]) -> bytes:
    """The bytes a bundle's signature is over: the manifest without its signature, in one
    canonical form (keys sorted, no spaces), so re-indenting cannot matter."""
    rest = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def read_bundle(file: Path) -> _Bundle:
    """Open and check a bundle completely, without touching the database; or ``BundleError``."""
    try:
        info = file.stat()
    except OSError as error:
        raise BundleError(f"{file} cannot be read ({error.strerror or error}).") from error
    if not stat.S_ISREG(info.st_mode):
        raise BundleError(f"{file} is not a file.")
    if info.st_size > MAX_BUNDLE_BYTES:
        raise BundleError("the file is larger than OwnWork accepts (4 GB).")
    try:
        with file.open("rb") as handle:
            return _read_open_bundle(file, handle, info.st_size)
    except BundleError:
        raise
    except zipfile.BadZipFile as error:
        raise BundleError(
            f"the file is damaged, truncated or not a case bundle ({error})."
        ) from error
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as error:
        raise BundleError(f"the file cannot be read as a case bundle ({error}).") from error


def _read_open_bundle(file: Path, handle: IO[bytes], size: int) -> _Bundle:
    whole = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        whole.update(chunk)
    handle.seek(0)
    archive = zipfile.ZipFile(handle)
    infos = archive.infolist()
    names = [i.filename for i in infos]
    if len(infos) > MAX_ATTACHMENTS + 2:
        raise BundleError("it holds more files than a case bundle can.")
    for name in names:
        if not MEMBER_NAME.fullmatch(name):
            raise BundleError(f"it contains a file OwnWork does not write ({name[:80]!r}).")
    if len(set(names)) != len(names):
        raise BundleError("it contains the same file twice.")
    if CASE not in names or MANIFEST not in names:
        raise BundleError("it has no case.json or no manifest.json; it is not a case bundle.")
    check_layout(handle, size, infos)
    members = {i.filename: i for i in infos}
    _, manifest = json_member(archive, members[MANIFEST], MAX_MANIFEST_BYTES, "manifest")
    if isinstance(manifest, dict) and manifest.get("format") == UNSIGNED_MANIFEST_FORMAT:
        raise BundleError(
            "it is not signed (it was written by an earlier version of OwnWork), so where it "
            "came from cannot be checked. Ask for the case to be exported again."
        )
    problem = schema_problem(manifest, MANIFEST_SCHEMA_FILE)
    if problem:
        raise BundleError(f"its manifest is not in the expected form ({problem}).")
    signature = signing.Signature.from_json(manifest["signature"])
    if not signing.is_valid(signature, signed_payload(manifest)):
        raise BundleError(
            "its signature does not match its content: the bundle was changed after it was signed."
        )
    listed = {entry["path"]: entry for entry in manifest["files"]}
    if len(listed) != len(manifest["files"]) or set(listed) != set(members) - {MANIFEST}:
        raise BundleError("its manifest does not list exactly the files it contains.")
    for name, entry in listed.items():
        if entry["size"] != members[name].file_size:
            raise BundleError(f"{name} is not the size its manifest gives.")
    case_bytes, document = json_member(archive, members[CASE], MAX_CASE_BYTES, "record")
    if hashlib.sha256(case_bytes).hexdigest() != listed[CASE]["sha256"]:
        raise BundleError("case.json does not match its SHA-256 in the manifest.")
    problem = schema_problem(document)
    if problem:
        raise BundleError(f"its record is not in the expected form ({problem}).")
    case = check_document(document)
    files_named = {a["file"] for a in document["attachments"]}
    if files_named != {n for n in members if n.startswith("attachments/")}:
        raise BundleError("its attachments do not match the files it contains.")
    for attachment in document["attachments"]:
        name = attachment["file"]
        if name != f"attachments/{attachment['sha256']}":
            raise BundleError(f"attachment {attachment['name']!r} is filed under the wrong name.")
        if attachment["size"] != members[name].file_size:
            raise BundleError(f"attachment {attachment['name']!r} is not the size recorded.")
    for name in sorted(files_named):
        if hash_member(archive, members[name]) != listed[name]["sha256"] or (
            listed[name]["sha256"] != name.removeprefix("attachments/")
        ):
            raise BundleError(f"{name} does not match its SHA-256: the file was altered.")
    return _Bundle(
        path=file,
        sha256=whole.hexdigest(),
        document=document,
        case=case,
        members=members,
        digests={name: entry["sha256"] for name, entry in listed.items()},
        signer=signature.fingerprint,
        anchor=manifest["anchor"],
    )


def inspect_bundle(file: Path) -> BundleSummary:
    """Check a bundle and say what it holds, without touching the database."""
    bundle = read_bundle(file)
    case, document = bundle.case, bundle.document
    return BundleSummary(
        student_name=case.student.display_name,
        candidate_number=case.student.candidate_number,
        qualification=case.submission.qualification,
        held_at=case.content.conversation.held_at,
        conclusion=case.content.outcome.conclusion,
        finalised=document["finalisation"] is not None,
        amendments=len(document["amendments"]),
        attachments=len(document["attachments"]),
        content_hash=document["content_hash"],
        exported_at=parse_time(document["exported_at"]),
        exported_by=document["exported_by"],
        signer=bundle.signer,
        anchor=bundle.anchor,
    )


# --- importing --------------------------------------------------------------------------------


@dataclass
class _Plan:
    set_centre: bool
    student_id: int | None
    submission_id: int | None


def _centre_name(centre: Centre) -> str:
    name = centre.name or "a centre with no name"
    return f"{name} ({centre.centre_number})" if centre.centre_number else name


def _differences(here: Mapping[str, Any], there: Mapping[str, Any]) -> list[str]:
    return [key for key in there if here.get(key) != there[key]]


def _plan(session: Session, bundle: _Bundle) -> _Plan:
    case = bundle.case
    local_centre = staff.get_centre(session)
    set_centre = local_centre == Centre()
    if not set_centre and local_centre != case.centre:
        raise BundleError(
            f"it comes from {_centre_name(case.centre)}, but this database belongs to "
            f"{_centre_name(local_centre)}."
        )
    wanted = case.student
    by_number = (
        students.find_by_candidate_number(session, wanted.candidate_number)
        if wanted.candidate_number
        else None
    )
    by_upn = students.find_by_upn(session, wanted.upn) if wanted.upn else None
    if by_number is not None and by_upn is not None and by_number.id != by_upn.id:
        raise BundleError(
            f"candidate number {wanted.candidate_number} and UPN {wanted.upn} belong to two "
            "different students in this database."
        )
    found = by_number or by_upn
    try:
        check_student(StudentDraft(**_student_fields(wanted)))
        for name in (
            case.content.conversation.led_by_name,
            case.content.conversation.second_staff_name,
        ):
            if name:
                check_staff(StaffDraft(name=name))
        if set_centre:
            check_centre(case.centre)
    except ValidationError as error:
        raise BundleError(f"its details are not valid here ({error}).") from error
    if found is None:
        return _Plan(set_centre=set_centre, student_id=None, submission_id=None)
    differing = _differences(
        {k: getattr(found, k) for k in ("surname", "forename", "candidate_number", "upn")},
        {k: getattr(wanted, k) for k in ("surname", "forename", "candidate_number", "upn")},
    )
    if differing:
        raise BundleError(
            f"the student is already here as {found.display_name} (id {found.id}) with "
            f"different details ({', '.join(differing)}). Make the details agree, then import "
            "again."
        )
    submission_id = _matching_submission(session, found.id, case.submission)
    if submission_id is not None:
        _refuse_duplicate(session, submission_id, bundle)
    return _Plan(set_centre=set_centre, student_id=found.id, submission_id=submission_id)


def _student_fields(student: Student) -> dict[str, Any]:
    return {
        "surname": student.surname,
        "forename": student.forename,
        "candidate_number": student.candidate_number,
        "upn": student.upn,
        "reg_group": student.reg_group,
        "year_group": student.year_group,
    }


# The SQLSTATE of a write the school's server's policies or triggers refuse.
INSUFFICIENT_PRIVILEGE = "42501"
_IDENTITY = ("awarding_body", "qualification", "component_code", "title", "exam_series")
_DECLARATION = ("handed_in_on", "declaration_signed", "declaration_signed_on")


def _matching_submission(session: Session, student_id: int, wanted: Submission) -> int | None:
    rows = session.scalars(select(SubmissionRow).where(SubmissionRow.student_id == student_id))
    for row in rows:
        if all(getattr(row, k) == getattr(wanted, k) for k in _IDENTITY):
            differing = [k for k in _DECLARATION if getattr(row, k) != getattr(wanted, k)]
            if differing:
                raise BundleError(
                    f"the same work is already here (submission {row.id}) with different "
                    f"details ({', '.join(differing)})."
                )
            return row.id
    return None


def _refuse_duplicate(session: Session, submission_id: int, bundle: _Bundle) -> None:
    held_at = bundle.case.content.conversation.held_at
    candidates = session.scalars(
        select(ConversationRow.id).where(
            ConversationRow.submission_id == submission_id, ConversationRow.held_at == held_at
        )
    )
    for conversation_id in candidates:
        existing = canonical.integrity_code(case_files.load_case(session, conversation_id))
        if existing == bundle.document["content_hash"]:
            raise BundleError(
                f"it has already been imported: conversation {conversation_id} holds the same "
                "record."
            )


def _write(session: Session, paths: AppPaths, bundle: _Bundle, plan: _Plan) -> ImportResult:
    case, document = bundle.case, bundle.document
    content = case.content
    if plan.set_centre:
        staff.set_centre(session, case.centre)
    new_student = plan.student_id is None
    student_id = plan.student_id
    if student_id is None:
        student_id = students.create(session, StudentDraft(**_student_fields(case.student))).id
    submission_id = plan.submission_id
    if submission_id is None:
        sub = case.submission
        submission_id = submissions.create(
            session,
            SubmissionDraft(
                student_id=student_id,
                **{k: getattr(sub, k) for k in _IDENTITY + _DECLARATION},
            ),
        ).id
    header = content.conversation
    lead = staff.find_or_create(session, header.led_by_name) if header.led_by_name else None
    second = (
        staff.find_or_create(session, header.second_staff_name)
        if header.second_staff_name
        else None
    )
    prep = content.preparation
    row = ConversationRow(
        submission_id=submission_id,
        held_at=header.held_at,
        led_by_id=lead.id if lead else None,
        second_staff_id=second.id if second else None,
        others_present=header.others_present,
        status=header.status.value,
        concern_summary=prep.concern_summary,
        purpose_explained=prep.purpose_explained,
        rights_json=json.dumps(prep.rights),
        access_arrangements=prep.access_arrangements,
        wellbeing_note=prep.wellbeing_note,
        staff_only_note=prep.staff_only_note,
        script_name=content.script_name,
        script_snapshot=json.dumps(content.script_snapshot, ensure_ascii=False),
        current_position=content.current_position,
        started_at=content.started_at,
        ended_at=content.ended_at,
        conclusion=content.outcome.conclusion.value if content.outcome.conclusion else None,
        student_account=content.outcome.student_account,
        next_step=content.outcome.next_step,
    )
    session.add(row)
    session.flush()
    for indicator in prep.indicators:
        session.add(IndicatorRow(conversation_id=row.id, code=indicator.code, note=indicator.note))
    excerpt_ids: dict[int, int] = {}
    for excerpt in prep.excerpts:
        excerpt_row = ExcerptRow(
            conversation_id=row.id,
            position=excerpt.position,
            location=excerpt.location,
            text=excerpt.text,
        )
        session.add(excerpt_row)
        session.flush()
        excerpt_ids[excerpt.id or 0] = excerpt_row.id
    for answer in content.answers:
        session.add(
            AnswerRow(
                conversation_id=row.id,
                position=answer.position,
                question_key=answer.question_key,
                section_title=answer.section_title,
                question_text=answer.question_text,
                unscripted=answer.unscripted,
                excerpt_id=excerpt_ids[answer.excerpt_id] if answer.excerpt_id else None,
                rating=answer.rating.value if answer.rating else None,
                skipped=answer.skipped,
                student_words=answer.student_words,
                observations=answer.observations,
            )
        )
    session.flush()
    audit.record(
        session,
        "import",
        "conversation",
        row.id,
        f"Imported conversation {row.id} from the case bundle {bundle.path.name}, exported by "
        f"{document['exported_by']} on {document['exported_at'][:10]}",
        {
            "bundle": bundle.path.name,
            "bundle_sha256": bundle.sha256,
            "content_hash": document["content_hash"],
            "exported_at": document["exported_at"],
            "exported_by": document["exported_by"],
            "history": document["history"],
        },
    )
    _write_finalisation(session, row.id, document)
    _write_amendments(session, row.id, document)
    attachments = _write_attachments(session, paths, bundle, row.id, submission_id)
    code = canonical.integrity_code(case_files.load_case(session, row.id))
    if code != document["content_hash"]:
        raise BundleError("the record would not match its integrity code once stored here.")
    return ImportResult(
        conversation_id=row.id,
        student_id=student_id,
        submission_id=submission_id,
        new_student=new_student,
        attachments=attachments,
        content_hash=code,
        bundle_sha256=bundle.sha256,
    )


def _write_finalisation(session: Session, conversation_id: int, document: dict[str, Any]) -> None:
    # Inserted after the record's parts: from here on the triggers refuse changes to them.
    finalisation = document["finalisation"]
    if finalisation is None:
        return
    at = parse_time(finalisation["finalised_at"])
    session.add(
        FinalisationRow(
            conversation_id=conversation_id,
            finalised_at=at,
            finalised_by=finalisation["finalised_by"],
            content_hash=finalisation["content_hash"],
            canonical_format=finalisation["canonical_format"],
            canonical_json=finalisation["canonical_json"],
        )
    )
    session.flush()
    audit.record(
        session,
        "finalise",
        "conversation",
        conversation_id,
        f"Finalised by {finalisation['finalised_by']} on {at.date().isoformat()} on the "
        "machine the case bundle came from",
        {"content_hash": finalisation["content_hash"], "format": finalisation["canonical_format"]},
    )


def _write_amendments(session: Session, conversation_id: int, document: dict[str, Any]) -> None:
    for item in document["amendments"]:
        row = AmendmentRow(
            conversation_id=conversation_id,
            path=item["path"],
            old_value=item["old_value"],
            new_value=item["new_value"],
            reason=item["reason"],
            author=item["author"],
            at=parse_time(item["at"]),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            "amend",
            "amendment",
            row.id,
            f"Amendment of {amendments.field_label(row.path)} by {row.author}, imported with "
            f"conversation {conversation_id}",
            amendments.audit_changes(row),
        )


def _write_attachments(
    session: Session, paths: AppPaths, bundle: _Bundle, conversation_id: int, submission_id: int
) -> int:
    items = bundle.document["attachments"]
    for item in items:
        stored = evidence.StoredFile(
            sha256=item["sha256"],
            size=item["size"],
            path=evidence.evidence_path(paths, item["sha256"]),
        )
        on_conversation = item["attached_to"] == "conversation"
        evidence.add_row(
            session,
            stored,
            name=item["name"],
            kind=AttachmentKind(item["kind"]),
            note=item["note"],
            submission_id=None if on_conversation else submission_id,
            conversation_id=conversation_id if on_conversation else None,
            summary_suffix=" (imported with the case bundle)",
            added_at=parse_time(item["added_at"]),
            added_by=item["added_by"],
        )
    return len(items)


def _store_files(blobs: BlobStore, paths: AppPaths, bundle: _Bundle) -> list[Path]:
    """Copy the bundle's files into the evidence store; returns the folder store's files that
    were not there (a server's store writes in the import's transaction: nothing to remove)."""
    created: list[Path] = []
    in_folder = isinstance(blobs, FolderBlobStore)
    try:
        with bundle.path.open("rb") as handle:
            archive = zipfile.ZipFile(handle)
            for name in sorted(n for n in bundle.members if n.startswith("attachments/")):
                sha = bundle.digests[name]
                target = evidence.evidence_path(paths, sha)
                existed = in_folder and target.exists()
                with archive.open(bundle.members[name]) as member:
                    stored = evidence.store_stream(blobs, member.read)
                if in_folder and not existed:
                    created.append(target)
                if stored.sha256 != sha:
                    raise BundleError(f"{name} changed while it was being imported.")
    except BundleError:
        _remove(created)
        raise
    except (OSError, zipfile.BadZipFile) as error:
        _remove(created)
        raise BundleError(f"its files could not be read again ({error}).") from error
    except BaseException:
        _remove(created)
        raise
    return created


def _remove(created: list[Path]) -> None:
    for path in created:
        with contextlib.suppress(OSError):
            path.unlink()


def import_case(store: Database, paths: AppPaths, file: Path) -> ImportResult:
    """Check the bundle fully, then add its case in one transaction (or change nothing)."""
    bundle = read_bundle(file.expanduser().absolute())
    if not signing.is_trusted(paths, bundle.signer):
        exported_by = str(bundle.document.get("exported_by", ""))
        raise UntrustedKeyError(
            f"it is signed by a key this computer does not trust yet (fingerprint "
            f"{bundle.signer}, exported by {exported_by}). Check the fingerprint with the "
            "sender (Help › About on their computer); if it matches, trust it with "
            f"'ownwork keys trust {bundle.signer}' and import again.",
            fingerprint=bundle.signer,
            exported_by=exported_by,
        )
    with store.transaction() as session:
        plan = _plan(session, bundle)
    folder = blob_store(paths, store)
    created = _store_files(folder, paths, bundle) if isinstance(folder, FolderBlobStore) else []
    try:
        with store.transaction() as session:
            # Planned again inside the writing transaction: nothing may have changed meanwhile.
            plan = _plan(session, bundle)
            if not isinstance(folder, FolderBlobStore):
                _store_files(blob_store(paths, session), paths, bundle)
            return _write(session, paths, bundle, plan)
    except ValidationError as error:
        _remove(created)
        raise BundleError(f"its details are not valid here ({error}).") from error
    except DBAPIError as error:
        _remove(created)
        if sqlstate(error) != INSUFFICIENT_PRIVILEGE:
            raise
        # The school's server's policies: the exams officer brings in only a case they may
        # read once it is here (docs/security.md).
        raise BundleError(
            "the school's server refused it for this login: a case is imported by the exams "
            "officer, and only one concluded with concerns remaining."
        ) from error
    except BaseException:
        _remove(created)
        raise
