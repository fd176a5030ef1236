"""Evidence files attached to a submission or a conversation.

Each file is kept in the evidence store (``app.integrity.blobs``: by default the data
folder's ``evidence/<first two hex digits>/<sha256>``) under its SHA-256; the same content is
stored once however often it is attached.  Attachments are append-only: a file attached by
mistake stays on the timeline.

``evidence_summary`` tells the referral code whether a detector result is the only evidence:
a detector score is not proof on its own; the conversation and the work are.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import mimetypes
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.domain.indicators import DETECTOR_CODES
from app.domain.text import clean_block, clean_line, has_control_characters
from app.errors import (
    NotFoundError,
    OwnWorkError,
    ValidationError,
)
from app.i18n import N_
from app.integrity.blobs import MAX_BYTES, TOO_LARGE, BlobStore, FolderBlobStore, blob_store
from app.integrity.blobs import StoredFile as StoredFile
from app.paths import AppPaths
from app.storage import audit, case_files
from app.storage.models import ConversationRow, SubmissionRow, utcnow
from app.storage.models_integrity import AttachmentRow

if TYPE_CHECKING:
    from app.storage.database import Database

NAME_MAX: Final = 255
NOTE_MAX: Final = 5_000


class AttachmentKind(enum.StrEnum):
    SUBMITTED_WORK = "submitted_work"
    DRAFT = "draft"
    IN_CLASS_WRITING = "in_class_writing"
    DETECTOR_REPORT = "detector_report"
    OTHER = "other"


KIND_LABELS: Final = {
    AttachmentKind.SUBMITTED_WORK: N_("Submitted work"),
    AttachmentKind.DRAFT: N_("Earlier draft"),
    AttachmentKind.IN_CLASS_WRITING: N_("In-class writing"),
    AttachmentKind.DETECTOR_REPORT: N_("AI-detector or authorship report"),
    AttachmentKind.OTHER: N_("Other evidence"),
}

DETECTOR_ONLY_REFUSAL: Final = (
    "The only evidence is an AI-detection result, and a detector score is not proof on its own: "
    "a referral must rest on the work and on the conversation with the student. Record the "
    "student's answers, your observations or excerpts of the work first."
)


@dataclass(frozen=True, kw_only=True)
class Attachment:
    id: int
    sha256: str
    name: str
    size: int
    media_type: str
    kind: AttachmentKind
    note: str
    submission_id: int | None
    conversation_id: int | None
    added_at: dt.datetime
    added_by: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def evidence_path(paths: AppPaths, sha256: str) -> Path:
    """Where the folder store keeps a file (for messages and checks that name the file)."""
    return FolderBlobStore(paths).location(sha256)


def store_stream(
    blobs: BlobStore,
    read: Callable[[int], bytes],
    *,
    limit: int = MAX_BYTES,
    too_large: str = TOO_LARGE,
) -> StoredFile:
    """Copy a stream into the evidence store ``blobs`` (``blob_store``); ``read(n)`` returns at
    most n bytes, b"" at the end.  Read errors (``OSError`` from ``read``) propagate to the
    caller, who knows what is read."""
    return blobs.put(read, limit=limit, too_large=too_large)


def store_file(blobs: BlobStore, source: Path) -> StoredFile:
    """Copy ``source`` into the store, or say in a sentence why it cannot be."""
    try:
        info = source.stat()
    except FileNotFoundError as error:
        raise OwnWorkError(f"{source} does not exist.") from error
    except OSError as error:
        raise OwnWorkError(f"{source} cannot be read ({error.strerror or error}).") from error
    if not stat.S_ISREG(info.st_mode):
        raise OwnWorkError(f"{source} is not a file that can be attached.")
    if info.st_size > MAX_BYTES:
        raise OwnWorkError(
            f"{source.name} is {info.st_size / 1_048_576:,.0f} MB; an attachment can be at most "
            "200 MB. Attach a smaller copy, or the pages that matter."
        )
    try:
        handle = source.open("rb")
    except OSError as error:
        raise OwnWorkError(
            f"{source} cannot be read ({error.strerror or error}). Check that you may open it."
        ) from error

    def read(size: int) -> bytes:
        try:
            return handle.read(size)
        except OSError as error:
            raise OwnWorkError(
                f"{source} could not be read to the end ({error.strerror or error})."
            ) from error

    with handle:
        return store_stream(
            blobs,
            read,
            too_large=f"{source.name} grew beyond 200 MB while it was being copied.",
        )


# --- attachments ------------------------------------------------------------------------------


def media_type_for(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Earlier draft" → "earlier draft", but "AI-…" stays."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _kind(value: str) -> AttachmentKind:
    try:
        return AttachmentKind(value)
    except ValueError:  # a kind from a newer version: shown as "other", verify still checks it
        return AttachmentKind.OTHER


def _to_record(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        sha256=row.sha256,
        name=row.name,
        size=row.size,
        media_type=row.media_type,
        kind=_kind(row.kind),
        note=row.note,
        submission_id=row.submission_id,
        conversation_id=row.conversation_id,
        added_at=row.added_at,
        added_by=row.added_by,
    )


def audit_changes(row: AttachmentRow) -> dict[str, object]:
    """What the audit entry of an attachment records; ``verify`` compares the row with it."""
    return {
        "sha256": row.sha256,
        "name": row.name,
        "size": row.size,
        "kind": row.kind,
        "submission_id": row.submission_id,
        "conversation_id": row.conversation_id,
    }


def check_details(
    session: Session,
    *,
    name: str,
    kind: str,
    note: str,
    submission_id: int | None,
    conversation_id: int | None,
) -> tuple[str, AttachmentKind, str]:
    """The cleaned name, kind and note, or ``ValidationError`` naming every problem."""
    errors: dict[str, str] = {}
    if (submission_id is None) == (conversation_id is None):
        errors["parent"] = "Attach the file to either a submission or a conversation."
    elif submission_id is not None and session.get(SubmissionRow, submission_id) is None:
        errors["submission_id"] = f"There is no submission with id {submission_id}."
    elif conversation_id is not None and session.get(ConversationRow, conversation_id) is None:
        errors["conversation_id"] = f"There is no conversation with id {conversation_id}."
    clean_name = clean_line(name)
    if not clean_name:
        errors["name"] = "The file needs a name."
    elif len(clean_name) > NAME_MAX:
        errors["name"] = f"The file name is too long (at most {NAME_MAX} characters)."
    elif has_control_characters(clean_name) or "\n" in clean_name or "\t" in clean_name:
        errors["name"] = "The file name contains control characters."
    try:
        chosen = AttachmentKind(kind)
    except ValueError:
        chosen = AttachmentKind.OTHER
        kinds = ", ".join(k.value for k in AttachmentKind)
        errors["kind"] = f"'{kind}' is not a kind of evidence; use one of {kinds}."
    clean_note = clean_block(note)
    if len(clean_note) > NOTE_MAX:
        errors["note"] = f"The note is too long (at most {NOTE_MAX:,} characters)."
    elif has_control_characters(clean_note):
        errors["note"] = "The note contains control characters that cannot be stored."
    if errors:
        raise ValidationError(errors)
    return clean_name, chosen, clean_note


def add_row(
    session: Session,
    stored: StoredFile,
    *,
    name: str,
    kind: AttachmentKind,
    note: str,
    submission_id: int | None,
    conversation_id: int | None,
    summary_suffix: str = "",
    added_at: dt.datetime | None = None,
    added_by: str | None = None,
) -> Attachment:
    """Insert the row for a file already in the store, with its audit entry.

    ``added_at``/``added_by`` default to now and the current user; an import keeps the
    originals (the audit entry is still the importer's, at the time of import).
    """
    row = AttachmentRow(
        sha256=stored.sha256,
        name=name,
        size=stored.size,
        media_type=media_type_for(name),
        kind=kind.value,
        note=note,
        submission_id=submission_id,
        conversation_id=conversation_id,
        added_at=added_at or utcnow(),
        added_by=added_by or str(session.info.get("actor", "unknown user")),
    )
    session.add(row)
    session.flush()
    target = (
        f"conversation {conversation_id}"
        if conversation_id is not None
        else f"submission {submission_id}"
    )
    audit.record(
        session,
        "attach",
        "attachment",
        row.id,
        f"Attached {name} ({_in_sentence(KIND_LABELS[kind])}) to {target}{summary_suffix}",
        audit_changes(row),
    )
    return _to_record(row)


def attach(
    session: Session,
    paths: AppPaths,
    source: Path,
    *,
    kind: str = AttachmentKind.OTHER,
    note: str = "",
    submission_id: int | None = None,
    conversation_id: int | None = None,
    name: str | None = None,
) -> Attachment:
    """Copy ``source`` into the evidence store and attach it; checks come before the copy."""
    return _attach(
        session,
        lambda: store_file(blob_store(paths, session), source),
        name=source.name if name is None else name,
        kind=kind,
        note=note,
        submission_id=submission_id,
        conversation_id=conversation_id,
    )


def attach_bytes(
    session: Session,
    paths: AppPaths,
    data: bytes,
    *,
    name: str,
    kind: str = AttachmentKind.OTHER,
    note: str = "",
    submission_id: int | None = None,
    conversation_id: int | None = None,
) -> Attachment:
    """Attach content made in memory (the demo's files), with the same checks as ``attach``."""
    return _attach(
        session,
        lambda: store_stream(blob_store(paths, session), io.BytesIO(data).read),
        name=name,
        kind=kind,
        note=note,
        submission_id=submission_id,
        conversation_id=conversation_id,
    )


def _attach(
    session: Session,
    store: Callable[[], StoredFile],
    *,
    name: str,
    kind: str,
    note: str,
    submission_id: int | None,
    conversation_id: int | None,
) -> Attachment:
    clean_name, chosen, clean_note = check_details(
        session,
        name=name,
        kind=kind,
        note=note,
        submission_id=submission_id,
        conversation_id=conversation_id,
    )
    return add_row(
        session,
        store(),
        name=clean_name,
        kind=chosen,
        note=clean_note,
        submission_id=submission_id,
        conversation_id=conversation_id,
    )


def get(session: Session, attachment_id: int) -> Attachment:
    row = session.get(AttachmentRow, attachment_id)
    if row is None:
        raise NotFoundError(f"There is no attachment with id {attachment_id}.")
    return _to_record(row)


def list_for_submission(session: Session, submission_id: int) -> list[Attachment]:
    rows = session.scalars(
        select(AttachmentRow)
        .where(AttachmentRow.submission_id == submission_id)
        .order_by(AttachmentRow.added_at, AttachmentRow.id)
    )
    return [_to_record(row) for row in rows]


def list_for_conversation(
    session: Session, conversation_id: int, *, include_submission: bool = True
) -> list[Attachment]:
    """A conversation's files and, unless told otherwise, those of the work it is about."""
    conversation = session.get(ConversationRow, conversation_id)
    if conversation is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    condition = AttachmentRow.conversation_id == conversation_id
    if include_submission:
        condition = or_(condition, AttachmentRow.submission_id == conversation.submission_id)
    rows = session.scalars(
        select(AttachmentRow).where(condition).order_by(AttachmentRow.added_at, AttachmentRow.id)
    )
    return [_to_record(row) for row in rows]


def list_for_student(session: Session, student_id: int) -> list[Attachment]:
    submission_ids = select(SubmissionRow.id).where(SubmissionRow.student_id == student_id)
    conversation_ids = select(ConversationRow.id).where(
        ConversationRow.submission_id.in_(submission_ids)
    )
    rows = session.scalars(
        select(AttachmentRow)
        .where(
            or_(
                AttachmentRow.submission_id.in_(submission_ids),
                AttachmentRow.conversation_id.in_(conversation_ids),
            )
        )
        .order_by(AttachmentRow.added_at, AttachmentRow.id)
    )
    return [_to_record(row) for row in rows]


def _safe_file_name(attachment: Attachment) -> str:
    name = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 else c for c in attachment.name)
    name = name.strip(" .")
    return name or f"attachment-{attachment.id}"


def viewing_copy(paths: AppPaths, store: Database, attachment: Attachment) -> Path:
    """A read-only copy under the file's own name, for the system viewer to open (checked
    against the SHA-256 recorded when it was attached)."""
    return blob_store(paths, store).view(
        attachment.sha256,
        key=str(attachment.id),
        name=_safe_file_name(attachment),
        described=f"attachment {attachment.id} ({attachment.name})",
    )


# --- what a referral may rest on --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EvidenceSummary:
    conversation_id: int
    attachments: tuple[Attachment, ...]
    detector_reports: int
    other_files: int
    detector_flagged: bool  # the "flagged by an AI-detection tool" sign was recorded
    conversation_evidence: bool  # answers, observations, excerpts or other signs

    @property
    def detector_only(self) -> bool:
        detector = self.detector_flagged or self.detector_reports > 0
        return detector and not self.conversation_evidence

    @property
    def referral_refusal(self) -> str | None:
        """Why a referral must be refused on this evidence, or None."""
        return DETECTOR_ONLY_REFUSAL if self.detector_only else None


def evidence_summary(session: Session, conversation_id: int) -> EvidenceSummary:
    """What evidence a conversation has, including the files attached to it and its work."""
    content = case_files.load_content(session, conversation_id)
    prep = content.preparation
    attachments = tuple(list_for_conversation(session, conversation_id))
    detector_reports = sum(1 for a in attachments if a.kind is AttachmentKind.DETECTOR_REPORT)
    answered = any(a.student_words.strip() or a.observations.strip() for a in content.answers)
    excerpts = any(e.text.strip() for e in prep.excerpts)
    other_signs = any(i.code not in DETECTOR_CODES for i in prep.indicators)
    return EvidenceSummary(
        conversation_id=conversation_id,
        attachments=attachments,
        detector_reports=detector_reports,
        other_files=len(attachments) - detector_reports,
        detector_flagged=any(i.code in DETECTOR_CODES for i in prep.indicators),
        conversation_evidence=answered or excerpts or other_signs,
    )
