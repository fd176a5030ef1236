"""The case a document prints, read from the store: frozen content for a finalised record.

A finalised record's documents are made from the canonical JSON kept at finalisation
(``app.integrity.finalise``), rebuilt as a ``CaseFile`` whose integrity code is the frozen one, so
renaming a student or editing a row behind the app's back never changes the finalised paper.
Amendments are applied on a copy (``PrintedCase.current``) for what the referral answers; the
body prints the original with the amendments beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.documents.state import PrintedCase, RecordState, Stage
from app.domain import canonical
from app.domain.interview import (
    Answer,
    CaseFile,
    Excerpt,
    InterviewContent,
    Outcome,
)
from app.domain.records import (
    Conclusion,
    Conversation,
    ConversationStatus,
    Rating,
    Student,
    Submission,
)
from app.integrity import amendments
from app.integrity.amendments import Amendment
from app.storage import audit, case_files, referrals
from app.storage.models_integrity import FinalisationRow


def _time(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def case_from_canonical(content: Mapping[str, Any], live: CaseFile) -> CaseFile:
    """The case as ``canonical_content`` described it; ids come from ``live`` (they are not
    content), excerpts are identified by their printed number."""
    s, sub, c = content["student"], content["submission"], content["conversation"]
    prep, outcome = content["preparation"], content["outcome"]
    conclusion = Conclusion(outcome["conclusion"]) if outcome["conclusion"] else None
    held_at = _time(c["held_at"])
    header = live.content.conversation
    conversation = Conversation(
        id=header.id,
        submission_id=header.submission_id,
        held_at=held_at or header.held_at,
        status=ConversationStatus.CONCLUDED,
        conclusion=conclusion,
        student_id=header.student_id,
        led_by_name=c["led_by"],
        second_staff_name=c["second_staff"],
        others_present=c["others_present"],
        declaration_signed=sub["declaration_signed"],
        finalised_at=header.finalised_at,
    )
    excerpts = tuple(
        Excerpt(id=e["number"], position=e["number"] - 1, location=e["location"], text=e["text"])
        for e in prep["excerpts"]
    )
    answers = tuple(
        Answer(
            position=a["position"],
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
        for a in content["answers"]
    )
    # The centre's name and number as frozen; its contact details (not part of the record) live.
    centre = dataclasses.replace(
        live.centre,
        name=content["centre"]["name"],
        centre_number=content["centre"]["centre_number"],
    )
    return CaseFile(
        centre=centre,
        student=Student(
            id=live.student.id,
            surname=s["surname"],
            forename=s["forename"],
            candidate_number=s["candidate_number"],
            upn=s["upn"],
        ),
        submission=Submission(
            id=live.submission.id,
            student_id=live.submission.student_id,
            awarding_body=sub["awarding_body"],
            qualification=sub["qualification"],
            component_code=sub["component_code"],
            title=sub["title"],
            exam_series=sub["exam_series"],
            handed_in_on=_date(sub["handed_in_on"]),
            declaration_signed=sub["declaration_signed"],
            declaration_signed_on=_date(sub["declaration_signed_on"]),
        ),
        content=InterviewContent(
            conversation=conversation,
            preparation=canonical.preparation_from(prep, excerpts),
            script_name=c["script_name"],
            started_at=_time(c["started_at"]),
            ended_at=_time(c["ended_at"]),
            answers=answers,
            outcome=Outcome(
                conclusion=conclusion,
                student_account=outcome["student_account"],
                next_step=outcome["next_step"],
            ),
        ),
    )


def _typed(original: Any, text: str) -> Any:
    """An amendment's text as the kind of value it replaces."""
    if isinstance(original, bool):
        return text.strip().lower() in {"yes", "true", "1"}
    if isinstance(original, int):
        return int(text)
    if original is None and not text:
        return None
    return text


def _set(content: Any, path: str, text: str) -> None:
    parts = path.split(".")
    node = content
    for part in parts[:-1]:
        node = node[int(part) - 1] if isinstance(node, list) else node[part]
    last = parts[-1]
    if parts[-2:-1] == ["rights"]:
        node[last] = _typed(False, text)
    elif isinstance(node, list):
        node[int(last) - 1] = _typed(node[int(last) - 1], text)
    else:
        node[last] = _typed(node.get(last), text)


def with_amendments(content: Mapping[str, Any], found: list[Amendment], live: CaseFile) -> CaseFile:
    """The case with each amendment's corrected value in place of the original.  An amendment
    whose value does not fit its field (say, a date that is not a date) is left unapplied: the
    document still prints it beside the original."""
    current: dict[str, Any] = json.loads(json.dumps(content))
    case = case_from_canonical(current, live)
    for amendment in found:
        trial = json.loads(json.dumps(current))
        try:
            _set(trial, amendment.path, amendment.new_value)
            case = case_from_canonical(trial, live)
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        current = trial
    return case


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    old = dict(amendments.leaves(before))
    new = dict(amendments.leaves(after))
    paths = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    return tuple(amendments.field_label(p) for p in paths)


def load_printed(session: Session, conversation_id: int) -> PrintedCase:
    """The case and state a document about ``conversation_id`` prints now."""
    live = case_files.load_case(session, conversation_id)
    anchor = audit.anchor(session).short
    found = (
        amendments.list_for(session, conversation_id)
        if live.content.conversation.status is ConversationStatus.CONCLUDED
        else []
    )
    facts = referrals.get_facts(session, conversation_id)
    statements = tuple(referrals.statements_for(session, conversation_id))
    finalisation = session.get(FinalisationRow, conversation_id)
    if finalisation is None:
        concluded = live.content.conversation.status is ConversationStatus.CONCLUDED
        content = canonical.canonical_content(live)
        return PrintedCase(
            case=live,
            current=with_amendments(content, found, live) if found else live,
            state=RecordState(
                stage=Stage.CONCLUDED if concluded else Stage.DRAFT,
                code=canonical.integrity_code(live),
                amendments=tuple(found),
                anchor=anchor,
            ),
            facts=facts,
            statements=statements,
        )
    frozen: dict[str, Any] = json.loads(finalisation.canonical_json)
    return PrintedCase(
        case=case_from_canonical(frozen, live),
        current=with_amendments(frozen, found, live),
        state=RecordState(
            stage=Stage.FINALISED,
            code=finalisation.content_hash,
            finalised_at=finalisation.finalised_at,
            finalised_by=finalisation.finalised_by,
            amendments=tuple(found),
            later_changes=_changed(frozen, canonical.canonical_content(live)),
            anchor=anchor,
        ),
        facts=facts,
        statements=statements,
    )
