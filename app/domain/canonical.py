"""The canonical form of a conversation record, and its integrity code.

A printed record carries the SHA-256 of this canonical form, so a paper copy can later be checked
against the database: load the case again, compute ``integrity_code`` and compare.  Anything that
re-computes the code (export, finalising, verifying) must call ``integrity_code`` and nothing
else, so the rules below live in one place.

The rules, which never change for a given ``FORMAT``:

* The content is a JSON object built by ``canonical_content``: the centre, the student, the
  submission, the conversation's header, the preparation, every answer and the outcome.
* Database ids are left out (a record moved to another database keeps its code); an answer's
  excerpt is named by the excerpt's 1-based number in the printed order instead of its row id.
  People are named as they are printed.
* Left out as well, because they are not content: the conversation's status, the walk-through's
  current position and the script snapshot (each answer carries its own question text).
* Strings are NFC-normalised; dates are ISO 8601 (``YYYY-MM-DD``); times are ISO 8601 in UTC
  with seconds (``YYYY-MM-DDTHH:MM:SSZ``, microseconds dropped); enums are their stored values;
  missing values are ``null``.
* The JSON text has sorted keys, no insignificant whitespace, non-ASCII characters written as
  themselves (``ensure_ascii=False``), and is encoded as UTF-8 before hashing.

If the rules ever have to change, add a new ``FORMAT`` and keep the old function able to verify
records printed under the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from app.domain.interview import Answer, CaseFile, Excerpt, IndicatorSeen, Preparation

FORMAT = "ownwork-record/1"


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        # The store only ever holds aware UTC times; a naive one is treated as UTC, not local.
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _excerpt_numbers(excerpts: tuple[Excerpt, ...]) -> dict[int, int]:
    return {e.id: number for number, e in enumerate(excerpts, start=1) if e.id is not None}


def _answer(answer: Answer, numbers: dict[int, int]) -> dict[str, Any]:
    excerpt = numbers.get(answer.excerpt_id) if answer.excerpt_id is not None else None
    return {
        "position": answer.position,
        "question_key": _text(answer.question_key),
        "section_title": _text(answer.section_title),
        "question_text": _text(answer.question_text),
        "unscripted": answer.unscripted,
        "excerpt": excerpt,
        "rating": answer.rating.value if answer.rating is not None else None,
        "skipped": answer.skipped,
        "student_words": _text(answer.student_words),
        "observations": _text(answer.observations),
    }


def canonical_content(case: CaseFile) -> dict[str, Any]:
    """The record's content as plain JSON-able data, following the rules in the module doc."""
    content = case.content
    header = content.conversation
    prep = content.preparation
    numbers = _excerpt_numbers(prep.excerpts)
    return {
        "format": FORMAT,
        "centre": {
            "name": _text(case.centre.name),
            "centre_number": _text(case.centre.centre_number),
        },
        "student": {
            "surname": _text(case.student.surname),
            "forename": _text(case.student.forename),
            "candidate_number": _text(case.student.candidate_number),
            "upn": _text(case.student.upn),
        },
        "submission": {
            "awarding_body": _text(case.submission.awarding_body),
            "qualification": _text(case.submission.qualification),
            "component_code": _text(case.submission.component_code),
            "title": _text(case.submission.title),
            "exam_series": _text(case.submission.exam_series),
            "handed_in_on": _date(case.submission.handed_in_on),
            "declaration_signed": case.submission.declaration_signed,
            "declaration_signed_on": _date(case.submission.declaration_signed_on),
        },
        "conversation": {
            "held_at": _time(header.held_at),
            "started_at": _time(content.started_at),
            "ended_at": _time(content.ended_at),
            "led_by": _text(header.led_by_name),
            "second_staff": _text(header.second_staff_name),
            "others_present": _text(header.others_present),
            "script_name": _text(content.script_name),
        },
        "preparation": {
            "concern_summary": _text(prep.concern_summary),
            "purpose_explained": prep.purpose_explained,
            "rights": {_text(key): value for key, value in prep.rights.items()},
            "access_arrangements": _text(prep.access_arrangements),
            "wellbeing_note": _text(prep.wellbeing_note),
            "staff_only_note": _text(prep.staff_only_note),
            "indicators": [{"code": _text(i.code), "note": _text(i.note)} for i in prep.indicators],
            "excerpts": [
                {"number": number, "location": _text(e.location), "text": _text(e.text)}
                for number, e in enumerate(prep.excerpts, start=1)
            ],
        },
        "answers": [_answer(a, numbers) for a in content.answers],
        "outcome": {
            "conclusion": (
                content.outcome.conclusion.value if content.outcome.conclusion else None
            ),
            "student_account": _text(content.outcome.student_account),
            "next_step": _text(content.outcome.next_step),
        },
    }


def preparation_from(prep: Mapping[str, Any], excerpts: tuple[Excerpt, ...]) -> Preparation:
    """The preparation as ``canonical_content`` wrote it (frozen records, case bundles), with
    its excerpts already rebuilt by the reader (each reader numbers them its own way)."""
    return Preparation(
        concern_summary=prep["concern_summary"],
        purpose_explained=prep["purpose_explained"],
        rights=dict(prep["rights"]),
        access_arrangements=prep["access_arrangements"],
        wellbeing_note=prep["wellbeing_note"],
        staff_only_note=prep["staff_only_note"],
        indicators=tuple(IndicatorSeen(code=i["code"], note=i["note"]) for i in prep["indicators"]),
        excerpts=excerpts,
    )


def canonical_json(case: CaseFile) -> str:
    """The exact text that is hashed: sorted keys, compact separators, UTF-8 characters kept."""
    return json.dumps(
        canonical_content(case), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def integrity_code(case: CaseFile) -> str:
    """SHA-256 of ``canonical_json(case)`` encoded as UTF-8, as 64 lower-case hex digits."""
    return hashlib.sha256(canonical_json(case).encode("utf-8")).hexdigest()


def visible_code(case: CaseFile, hidden: frozenset[str]) -> str:
    """SHA-256 of the canonical JSON with the ``hidden`` fields (dotted paths) left out: the code
    of a copy that does not show them, which reveals nothing about what it leaves out."""
    content = canonical_content(case)
    for path in hidden:
        *parents, last = path.split(".")
        node = content
        for part in parents:
            node = node[part]
        node.pop(last, None)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def grouped(code: str, size: int = 8) -> str:
    """The code as printed: groups of ``size`` digits, so it can be read aloud and compared."""
    return " ".join(code[i : i + size] for i in range(0, len(code), size))
