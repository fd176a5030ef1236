"""The integrity code: the same content always gives the same code; any change to it, a new one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import unicodedata

from app.documents.samples import demo_case
from app.domain.canonical import FORMAT, canonical_json, grouped, integrity_code
from app.domain.records import ConversationStatus, Rating
from tests.document_support import with_content, with_outcome, with_student


def test_code_is_sha256_of_the_canonical_json() -> None:
    case = demo_case()
    text = canonical_json(case)
    assert integrity_code(case) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    data = json.loads(text)
    assert data["format"] == FORMAT
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "Nguyễn" in text


def test_same_content_same_code_whatever_the_database_ids() -> None:
    case = demo_case()
    moved = dataclasses.replace(
        case,
        student=dataclasses.replace(case.student, id=99),
        content=dataclasses.replace(
            case.content,
            conversation=dataclasses.replace(
                case.content.conversation, id=1234, status=ConversationStatus.IN_PROGRESS
            ),
            current_position=3,
            script_snapshot={"id": "changed"},
        ),
    )
    assert integrity_code(moved) == integrity_code(case)


def test_excerpt_links_survive_new_row_ids() -> None:
    case = demo_case()
    prep = case.content.preparation
    renumbered = tuple(dataclasses.replace(e, id=(e.id or 0) + 500) for e in prep.excerpts)
    answers = tuple(
        dataclasses.replace(a, excerpt_id=a.excerpt_id + 500 if a.excerpt_id else None)
        for a in case.content.answers
    )
    moved = with_content(
        case, preparation=dataclasses.replace(prep, excerpts=renumbered), answers=answers
    )
    assert integrity_code(moved) == integrity_code(case)


def test_any_change_of_content_changes_the_code() -> None:
    case = demo_case()
    code = integrity_code(case)
    first = case.content.answers[0]
    ended = case.content.ended_at
    assert ended is not None
    changed = [
        with_student(case, candidate_number="0424"),
        with_outcome(case, student_account=case.content.outcome.student_account + "."),
        with_content(
            case,
            answers=(dataclasses.replace(first, rating=Rating.UNABLE), *case.content.answers[1:]),
        ),
        with_content(case, ended_at=ended + dt.timedelta(minutes=1)),
    ]
    codes = {integrity_code(c) for c in changed}
    assert code not in codes and len(codes) == len(changed)


def test_text_is_compared_in_nfc_and_times_in_utc() -> None:
    case = demo_case()
    decomposed = with_student(case, surname=unicodedata.normalize("NFD", case.student.surname))
    assert integrity_code(decomposed) == integrity_code(case)
    london = dt.timezone(dt.timedelta(hours=1))
    started = case.content.started_at
    assert started is not None
    shifted = with_content(case, started_at=started.astimezone(london))
    assert integrity_code(shifted) == integrity_code(case)


def test_grouped_code_reads_in_eights() -> None:
    code = integrity_code(demo_case())
    assert grouped(code).replace(" ", "") == code
    assert len(grouped(code).split()) == 8
