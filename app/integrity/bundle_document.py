"""The record inside a case bundle: ``case.json``, built from the store and checked on import.

The format is ``resources/schemas/case-bundle.schema.json`` (documented in
``docs/case-bundle.md``).  On import the document is checked beyond the schema: the signs of
concern and rights checklist items must be known, excerpts numbered in order, answers in order,
no control characters anywhere, and the record must reproduce the integrity code it was exported
with (``app.domain.canonical``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from importlib.resources import files
from typing import Any, Final

from sqlalchemy.orm import Session

from app.domain import canonical
from app.domain.indicators import BY_CODE as INDICATORS
from app.domain.interview import (
    Answer,
    CaseFile,
    Excerpt,
    InterviewContent,
    Outcome,
)
from app.domain.records import (
    Centre,
    Conclusion,
    Conversation,
    ConversationStatus,
    Rating,
    Student,
    Submission,
)
from app.domain.rights import BY_KEY as RIGHTS
from app.domain.text import has_control_characters
from app.errors import OwnWorkError
from app.integrity import amendments, timeline
from app.integrity.bundle_zip import BundleError
from app.integrity.evidence import Attachment
from app.storage import case_files
from app.storage.models_integrity import FinalisationRow
from app.version import __version__

FORMAT: Final = "ownwork-case-bundle/1"
MANIFEST_FORMAT: Final = "ownwork-case-manifest/2"
# Manifests before signing; refused with a sentence saying why, not as a malformed file.
UNSIGNED_MANIFEST_FORMAT: Final = "ownwork-case-manifest/1"
SCHEMA_FILE: Final = "case-bundle.schema.json"
MANIFEST_SCHEMA_FILE: Final = "case-manifest.schema.json"


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema

    schema = json.loads(files("resources").joinpath("schemas", name).read_text("utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def schema_problem(document: Any, schema_file: str = SCHEMA_FILE) -> str | None:
    """The first way ``document`` breaks the schema, in a sentence; None when it conforms."""
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator(schema_file).iter_errors(document))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "the top level"
    message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return f"{where}: {message}"


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _optional_time(value: dt.datetime | None) -> str | None:
    return _time(value) if value is not None else None


def _optional_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_document(
    session: Session, conversation_id: int, attachments: list[Attachment]
) -> dict[str, Any]:
    case = case_files.load_case(session, conversation_id)
    content = case.content
    header = content.conversation
    if header.status is not ConversationStatus.CONCLUDED:
        raise OwnWorkError(
            f"Conversation {conversation_id} has not been concluded, so it cannot be handed on "
            "as a case bundle yet."
        )
    code = canonical.integrity_code(case)
    finalisation = session.get(FinalisationRow, conversation_id)
    if finalisation is not None and finalisation.content_hash != code:
        raise OwnWorkError(
            f"Conversation {conversation_id} no longer matches the integrity code it was "
            "finalised with, so a bundle could not prove it unchanged. Run Verify records to "
            "see what changed."
        )
    prep = content.preparation
    numbers = {e.id: n for n, e in enumerate(prep.excerpts, start=1) if e.id is not None}
    events = timeline.for_conversation(session, conversation_id)
    return {
        "format": FORMAT,
        "exported_at": _time(dt.datetime.now(dt.UTC)),
        "exported_by": str(session.info.get("actor", "unknown user"))[:100],
        "app_version": __version__[:40],
        "centre": {"name": case.centre.name, "centre_number": case.centre.centre_number},
        "student": {
            "surname": case.student.surname,
            "forename": case.student.forename,
            "candidate_number": case.student.candidate_number,
            "upn": case.student.upn,
            "reg_group": case.student.reg_group,
            "year_group": case.student.year_group,
        },
        "submission": {
            "awarding_body": case.submission.awarding_body,
            "qualification": case.submission.qualification,
            "component_code": case.submission.component_code,
            "title": case.submission.title,
            "exam_series": case.submission.exam_series,
            "handed_in_on": _optional_date(case.submission.handed_in_on),
            "declaration_signed": case.submission.declaration_signed,
            "declaration_signed_on": _optional_date(case.submission.declaration_signed_on),
        },
        "conversation": {
            "held_at": _time(header.held_at),
            "led_by": header.led_by_name,
            "second_staff": header.second_staff_name,
            "others_present": header.others_present,
            "status": header.status.value,
            "script_name": content.script_name,
            "script_snapshot": content.script_snapshot,
            "current_position": content.current_position,
            "started_at": _optional_time(content.started_at),
            "ended_at": _optional_time(content.ended_at),
            "preparation": {
                "concern_summary": prep.concern_summary,
                "purpose_explained": prep.purpose_explained,
                "rights": dict(prep.rights),
                "access_arrangements": prep.access_arrangements,
                "wellbeing_note": prep.wellbeing_note,
                "staff_only_note": prep.staff_only_note,
                "indicators": [{"code": i.code, "note": i.note} for i in prep.indicators],
                "excerpts": [
                    {"number": n, "location": e.location, "text": e.text}
                    for n, e in enumerate(prep.excerpts, start=1)
                ],
            },
            "answers": [
                {
                    "position": a.position,
                    "question_key": a.question_key,
                    "section_title": a.section_title,
                    "question_text": a.question_text,
                    "unscripted": a.unscripted,
                    "excerpt": numbers.get(a.excerpt_id) if a.excerpt_id is not None else None,
                    "rating": a.rating.value if a.rating is not None else None,
                    "skipped": a.skipped,
                    "student_words": a.student_words,
                    "observations": a.observations,
                }
                for a in content.answers
            ],
            "outcome": {
                "conclusion": (
                    content.outcome.conclusion.value if content.outcome.conclusion else None
                ),
                "student_account": content.outcome.student_account,
                "next_step": content.outcome.next_step,
            },
        },
        "content_hash": code,
        "finalisation": (
            None
            if finalisation is None
            else {
                "finalised_at": _time(finalisation.finalised_at),
                "finalised_by": finalisation.finalised_by,
                "content_hash": finalisation.content_hash,
                "canonical_format": finalisation.canonical_format,
                "canonical_json": finalisation.canonical_json,
            }
        ),
        "amendments": [
            {
                "path": m.path,
                "old_value": m.old_value,
                "new_value": m.new_value,
                "reason": m.reason,
                "author": m.author,
                "at": _time(m.at),
            }
            for m in amendments.list_for(session, conversation_id)
        ],
        "attachments": [
            {
                "file": f"attachments/{a.sha256}",
                "sha256": a.sha256,
                "name": a.name,
                "size": a.size,
                "media_type": a.media_type,
                "kind": a.kind.value,
                "note": a.note,
                "attached_to": "conversation" if a.conversation_id is not None else "submission",
                "added_at": _time(a.added_at),
                "added_by": a.added_by,
            }
            for a in attachments
        ],
        "history": [
            {
                "at": _time(e.at),
                "actor": e.actor[:100],
                "action": e.action[:20],
                "record": e.record[:100],
                "summary": e.summary[:10_000],
            }
            for e in events
        ],
    }


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{value} has no time zone")
    return parsed.astimezone(dt.UTC)


def _optional(value: str | None, parse: Any) -> Any:
    return parse(value) if value is not None else None


def _texts(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}/{index}")


def case_from_document(document: dict[str, Any]) -> CaseFile:
    """The record as a ``CaseFile``, with excerpt numbers standing in for row ids."""
    c = document["conversation"]
    prep = c["preparation"]
    excerpts = tuple(
        Excerpt(id=e["number"], position=i, location=e["location"], text=e["text"])
        for i, e in enumerate(prep["excerpts"])
    )
    if [e.id for e in excerpts] != list(range(1, len(excerpts) + 1)):
        raise ValueError("the excerpts are not numbered 1, 2, 3… in order")
    for code in (i["code"] for i in prep["indicators"]):
        if code not in INDICATORS:
            raise ValueError(f"'{code}' is not a sign of concern this version knows")
    for key in prep["rights"]:
        if key not in RIGHTS:
            raise ValueError(f"'{key}' is not an item of the rights checklist this version knows")
    answers = []
    for position, a in enumerate(c["answers"]):
        if a["position"] != position:
            raise ValueError("the answers are not in order")
        if a["excerpt"] is not None and not 1 <= a["excerpt"] <= len(excerpts):
            raise ValueError(f"answer {position + 1} refers to an excerpt that is not there")
        answers.append(
            Answer(
                position=position,
                question_key=a["question_key"],
                section_title=a["section_title"],
                question_text=a["question_text"],
                unscripted=a["unscripted"],
                excerpt_id=a["excerpt"],
                rating=Rating(a["rating"]) if a["rating"] else None,
                skipped=a["skipped"],
                student_words=a["student_words"],
                observations=a["observations"],
            )
        )
    s, sub, centre = document["student"], document["submission"], document["centre"]
    student = Student(
        id=0,
        surname=s["surname"],
        forename=s["forename"],
        candidate_number=s["candidate_number"],
        upn=s["upn"],
        reg_group=s["reg_group"],
        year_group=s["year_group"],
    )
    submission = Submission(
        id=0,
        student_id=0,
        awarding_body=sub["awarding_body"],
        qualification=sub["qualification"],
        component_code=sub["component_code"],
        title=sub["title"],
        exam_series=sub["exam_series"],
        handed_in_on=_optional(sub["handed_in_on"], dt.date.fromisoformat),
        declaration_signed=sub["declaration_signed"],
        declaration_signed_on=_optional(sub["declaration_signed_on"], dt.date.fromisoformat),
    )
    outcome = c["outcome"]
    conclusion = Conclusion(outcome["conclusion"]) if outcome["conclusion"] else None
    return CaseFile(
        centre=Centre(name=centre["name"], centre_number=centre["centre_number"]),
        student=student,
        submission=submission,
        content=InterviewContent(
            conversation=Conversation(
                id=0,
                submission_id=0,
                held_at=parse_time(c["held_at"]),
                others_present=c["others_present"],
                status=ConversationStatus(c["status"]),
                conclusion=conclusion,
                led_by_name=c["led_by"],
                second_staff_name=c["second_staff"],
                declaration_signed=submission.declaration_signed,
            ),
            preparation=canonical.preparation_from(prep, excerpts),
            script_name=c["script_name"],
            script_snapshot=c["script_snapshot"],
            current_position=c["current_position"],
            started_at=_optional(c["started_at"], parse_time),
            ended_at=_optional(c["ended_at"], parse_time),
            answers=tuple(answers),
            outcome=Outcome(
                conclusion=conclusion,
                student_account=outcome["student_account"],
                next_step=outcome["next_step"],
            ),
        ),
    )


def check_document(document: dict[str, Any]) -> CaseFile:
    for where, value in _texts(document):
        if has_control_characters(value):
            raise BundleError(f"{where or 'a text'} contains control characters.")
    try:
        case = case_from_document(document)
        for item in document["amendments"] + document["attachments"] + document["history"]:
            for key in ("at", "added_at"):
                if key in item:
                    parse_time(item[key])
        if document["finalisation"] is not None:
            parse_time(document["finalisation"]["finalised_at"])
        parse_time(document["exported_at"])
    except ValueError as error:
        raise BundleError(f"its record is not consistent: {error}.") from error
    code = canonical.integrity_code(case)
    if code != document["content_hash"]:
        raise BundleError(
            "the record inside it does not match the integrity code it was exported with, so "
            "it has been altered."
        )
    finalisation = document["finalisation"]
    if finalisation is not None:
        frozen = finalisation["canonical_json"].encode("utf-8")
        if (
            finalisation["canonical_format"] != canonical.FORMAT
            or hashlib.sha256(frozen).hexdigest() != finalisation["content_hash"]
            or finalisation["content_hash"] != code
        ):
            raise BundleError(
                "its finalised record does not match its integrity code, so it has been altered."
            )
    fields = {path for path, _ in amendments.leaves(canonical.canonical_content(case))}
    for amendment in document["amendments"]:
        if amendment["path"] not in fields:
            raise BundleError(
                f"an amendment names a field, {amendment['path']}, not in the record."
            )
    return case
