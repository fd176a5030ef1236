"""Use cases that keep records trustworthy: finalising, amending, evidence, the timeline, case
bundles handed between computers, and the store's own check."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.principal import Principal, Role
from app.paths import AppPaths
from app.services.base import (
    ATTACHMENT,
    CONVERSATION,
    READERS,
    STUDENT,
    SUBMISSION,
    Changes,
    Outcome,
    require,
    require_any,
    transaction,
)
from app.services.case_access import check_change, check_read

if TYPE_CHECKING:
    from app.integrity.amendments import AmendableField, Amendment
    from app.integrity.case_bundle import ExportResult, ImportResult
    from app.integrity.evidence import Attachment
    from app.integrity.finalise import Finalisation
    from app.integrity.timeline import TimelineEvent
    from app.integrity.verify import VerifyReport
    from app.storage.audit import ChainAnchor
    from app.storage.database import Database


def finalise(
    principal: Principal, database: Database, conversation_id: int
) -> Outcome[Finalisation]:
    require(principal, Role.TEACHER, "finalise a record")
    from app.integrity.finalise import finalise as finalise_record

    with transaction(database, principal) as session:
        check_change(session, principal, conversation_id)
        done = finalise_record(session, conversation_id)
    return Outcome(done, Changes.of(CONVERSATION, conversation_id))


def finalisation(
    principal: Principal, database: Database, conversation_id: int
) -> Finalisation | None:
    """When and by whom the record was finalised, with its integrity code (None: not yet)."""
    require_any(principal, READERS, "see a record")
    from app.integrity import finalise as finalising

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return finalising.get(session, conversation_id)


def amendable_fields(
    principal: Principal, database: Database, conversation_id: int
) -> list[AmendableField]:
    require_any(principal, READERS, "see a record's fields")
    from app.integrity import amendments

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return amendments.amendable_fields(session, conversation_id)


def amend(
    principal: Principal,
    database: Database,
    conversation_id: int,
    *,
    path: str,
    new_value: str,
    reason: str,
) -> Outcome[Amendment]:
    require(principal, Role.TEACHER, "amend a record")
    from app.integrity import amendments

    with transaction(database, principal) as session:
        check_change(session, principal, conversation_id)
        made = amendments.add(
            session, conversation_id, path=path, new_value=new_value, reason=reason
        )
    return Outcome(made, Changes.of(CONVERSATION, conversation_id))


def attach(
    principal: Principal,
    database: Database,
    paths: AppPaths,
    source: Path,
    *,
    kind: str,
    note: str = "",
    submission_id: int | None = None,
    conversation_id: int | None = None,
) -> Outcome[Attachment]:
    """Keep a file as evidence of a submission or a conversation."""
    require(principal, Role.TEACHER, "attach evidence")
    from app.integrity import evidence

    with transaction(database, principal) as session:
        if conversation_id is not None:
            check_change(session, principal, conversation_id)
        attached = evidence.attach(
            session,
            paths,
            source,
            kind=kind,
            note=note,
            submission_id=submission_id,
            conversation_id=conversation_id,
        )
    changes = Changes.of(ATTACHMENT, attached.id)
    if submission_id is not None:
        changes |= Changes.of(SUBMISSION, submission_id)
    if conversation_id is not None:
        changes |= Changes.of(CONVERSATION, conversation_id)
    return Outcome(attached, changes)


def attachments(
    principal: Principal,
    database: Database,
    *,
    conversation_id: int | None = None,
    submission_id: int | None = None,
) -> list[Attachment]:
    """The evidence attached to a conversation (with its submission's) or to a submission."""
    require_any(principal, READERS, "see the evidence")
    from app.integrity import evidence

    with transaction(database, principal) as session:
        if conversation_id is not None:
            check_read(session, principal, conversation_id)
            return evidence.list_for_conversation(session, conversation_id)
        return evidence.list_for_submission(session, submission_id or 0)


def viewing_copy(
    principal: Principal, database: Database, paths: AppPaths, attachment: Attachment
) -> Path:
    """A read-only copy of an attachment's file for the system viewer, checked against the
    SHA-256 recorded when it was attached (from the data folder or the school's database)."""
    require_any(principal, READERS, "see the evidence")
    from app.integrity import evidence

    return evidence.viewing_copy(paths, database, attachment)


def timeline_for_student(
    principal: Principal, database: Database, student_id: int
) -> list[TimelineEvent]:
    require_any(principal, READERS, "see a student's history")
    from app.integrity import timeline

    with transaction(database, principal) as session:
        return timeline.for_student(session, student_id)


def timeline_for_conversation(
    principal: Principal, database: Database, conversation_id: int
) -> list[TimelineEvent]:
    require_any(principal, READERS, "see a case's history")
    from app.integrity import timeline

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return timeline.for_conversation(session, conversation_id)


def export_case(
    principal: Principal, database: Database, paths: AppPaths, conversation_id: int, output: Path
) -> Outcome[ExportResult]:
    """Write one case as a checked bundle for the exams officer's computer."""
    require_any(principal, READERS, "hand a case on")
    from app.integrity.case_bundle import export_case as write_bundle

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)

    result = write_bundle(database.acting_as(principal.name), paths, conversation_id, output)
    # Exporting is recorded in the case's history.
    return Outcome(result, Changes.of(CONVERSATION, conversation_id))


def import_case(
    principal: Principal, database: Database, paths: AppPaths, file: Path
) -> Outcome[ImportResult]:
    """Add a case from a bundle, in one step, or nothing."""
    require(principal, Role.EXAMS_OFFICER, "import a case")
    from app.integrity.case_bundle import import_case as read_bundle

    result = read_bundle(database.acting_as(principal.name), paths, file)
    changes = (
        Changes.of(STUDENT, result.student_id)
        | Changes.of(SUBMISSION, result.submission_id)
        | Changes.of(CONVERSATION, result.conversation_id)
    )
    if result.attachments:
        changes |= Changes.of(ATTACHMENT)
    return Outcome(result, changes)


def parse_anchor(text: str) -> ChainAnchor:
    """An audit anchor as printed ("1234:9f2c41ab7d03…"), or a sentence saying why not."""
    from app.integrity.verify import parse_anchor as parse

    return parse(text)


def verify_file(principal: Principal, paths: AppPaths) -> VerifyReport | None:
    """The database file's own checks, before it is opened (None when it opens)."""
    require_any(principal, (*READERS, Role.IT_ADMIN), "check the records")
    from app.integrity.verify import verify_file as check_file

    return check_file(paths)


def verify(
    principal: Principal,
    database: Database,
    paths: AppPaths,
    *,
    progress: Callable[[str], None] | None = None,
    backup_files: Sequence[Path] = (),
    anchors: Sequence[ChainAnchor] = (),
) -> VerifyReport:
    """The audit chain, the finalised records and the evidence files, checked; and that the
    chain still extends the given backups' and anchors'."""
    require_any(principal, (*READERS, Role.IT_ADMIN), "check the records")
    from app.integrity.verify import verify as check

    return check(paths, database, progress=progress, backup_files=backup_files, anchors=anchors)
