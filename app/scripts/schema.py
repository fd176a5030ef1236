"""The script format as a JSON Schema, and the checks that turn its failures into ``Problem``s.

The same rules serve a YAML file, a conversation's stored snapshot and the editor's working
copy: each is first brought to plain data (dicts, lists, strings, numbers), ``normalise``d, then
``find_problems`` reports every fault with a field path and, for files, a line.

``jsonschema`` is imported only when a check runs: it costs about 0.14 s to import, which the
application's start-up should not pay.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from app.scripts.problems import Problem

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError as SchemaError

PathItem = str | int
Path = tuple[PathItem, ...]

ID_MAX = 64
TITLE_MAX = 200
SUBJECT_MAX = 100
DESCRIPTION_MAX = 2000
TEXT_MAX = 1000
GUIDANCE_MAX = 2000
FOLLOW_UP_MAX = 500
FOLLOW_UPS_MAX = 10
SECTIONS_MAX = 50
QUESTIONS_MAX = 100
VERSION_MAX = 1_000_000

# Ids end up in question keys "<section id>.<question id>" and in file names, so they are kept
# to characters that are safe in both.
ID_PATTERN = "^[a-z0-9][a-z0-9_-]*$"
NOT_BLANK = r"\S"
LINE_BREAK = "[\r\n\u2028\u2029\x85]"

_ID: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN, "maxLength": ID_MAX}


def _one_line(max_length: int) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": NOT_BLANK,
        "not": {"type": "string", "pattern": LINE_BREAK},
        "maxLength": max_length,
    }


def _block(max_length: int, *, required: bool) -> dict[str, Any]:
    rule: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if required:
        rule["pattern"] = NOT_BLANK
    return rule


QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "text"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "text": _block(TEXT_MAX, required=True),
        "guidance": _block(GUIDANCE_MAX, required=False),
        "follow_ups": {
            "type": "array",
            "maxItems": FOLLOW_UPS_MAX,
            "items": _block(FOLLOW_UP_MAX, required=True),
        },
        "anchor_excerpt": {"type": "boolean"},
    },
}

SECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "questions"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "title": _one_line(TITLE_MAX),
        "questions": {
            "type": "array",
            "minItems": 1,
            "maxItems": QUESTIONS_MAX,
            "items": QUESTION_SCHEMA,
        },
    },
}

SCRIPT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "OwnWork interview script",
    "type": "object",
    "required": ["id", "title", "version", "sections"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "title": _one_line(TITLE_MAX),
        "subject": {
            "type": "string",
            "not": {"type": "string", "pattern": LINE_BREAK},
            "maxLength": SUBJECT_MAX,
        },
        "version": {"type": "integer", "minimum": 1, "maximum": VERSION_MAX},
        "description": _block(DESCRIPTION_MAX, required=False),
        "sections": {
            "type": "array",
            "minItems": 1,
            "maxItems": SECTIONS_MAX,
            "items": SECTION_SCHEMA,
        },
    },
}

_KIND_OF_OBJECT = {
    id(SCRIPT_SCHEMA): "a script",
    id(SECTION_SCHEMA): "a section",
    id(QUESTION_SCHEMA): "a question",
}
_ITEM_NAME = {"sections": "section", "questions": "question", "follow_ups": "follow-up prompt"}
_EXPECTED = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
}


def field_path(path: Path) -> str:
    """``("sections", 2, "questions", 0, "text")`` -> ``sections[2].questions[0].text``."""
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else item)
    return out


def normalise(data: object) -> object:
    """Every string NFC-normalised, Windows and old Mac line ends folded, outer space trimmed.

    Keys are left as written so that an unknown key is reported as the author typed it.
    """
    if isinstance(data, str):
        text = unicodedata.normalize("NFC", data).replace("\r\n", "\n").replace("\r", "\n")
        return text.strip()
    if isinstance(data, list):
        return [normalise(item) for item in data]
    if isinstance(data, dict):
        return {key: normalise(value) for key, value in data.items()}
    return data


def find_problems(
    data: object, source: str, lines: Mapping[Path, int] | None = None
) -> list[Problem]:
    """Every fault in normalised script data, in the order of the script."""
    locate = _Locator(lines or {})
    if data is None:
        return [Problem(source, locate(()), "", "the script is empty")]
    if not isinstance(data, dict):
        return [
            Problem(
                source,
                locate(()),
                "",
                f"the top level must be a mapping of fields (id, title, version, sections), "
                f"not {_describe(data)}",
            )
        ]
    problems: list[Problem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_explain(error, source, locate))
    problems.extend(_character_problems(data, (), source, locate))
    problems.extend(_duplicate_ids(data, source, locate))
    return sorted(problems, key=lambda problem: _script_order(problem.field))


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    # The schema itself is checked by the tests, not on every start.
    return Draft202012Validator(SCRIPT_SCHEMA)


class _Locator:
    """The line of a path, or of its nearest ancestor that has one."""

    def __init__(self, lines: Mapping[Path, int]) -> None:
        self._lines = lines

    def __call__(self, path: Path) -> int | None:
        if not self._lines:
            return None
        while path and path not in self._lines:
            path = path[:-1]
        return self._lines.get(path, 1)


def _explain(error: SchemaError, source: str, locate: _Locator) -> Iterator[Problem]:
    path: Path = tuple(error.absolute_path)
    keyword = error.validator
    rule = error.validator_value
    instance = error.instance

    def problem(message: str, at: Path = path) -> Problem:
        return Problem(source, locate(at), field_path(at), message)

    if keyword == "required" and isinstance(instance, dict):
        for name in rule if isinstance(rule, list) else []:
            if name not in instance:
                yield problem("is required but missing", (*path, name))
    elif keyword == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list(schema.get("properties", {}))
        kind = _KIND_OF_OBJECT.get(id(schema), "this mapping")
        for key in instance:
            if key not in known:
                yield problem(_unknown_key(key, kind, known), (*path, str(key)))
    elif keyword == "type":
        yield problem(_wrong_type(str(rule), instance))
    elif keyword == "pattern" and rule == NOT_BLANK:
        yield problem("must not be empty")
    elif keyword == "pattern" and rule == ID_PATTERN:
        yield problem(
            "must use only lower-case letters, digits, '-' and '_', and start with a letter "
            "or digit (for example 'sources-2')"
        )
    elif keyword == "not":
        yield problem("must be a single line")
    elif keyword == "maxLength" and isinstance(instance, str):
        yield problem(f"is too long ({len(instance)} characters; at most {rule})")
    elif keyword == "minItems":
        yield problem(f"needs at least one {_ITEM_NAME.get(str(path[-1]), 'item')}")
    elif keyword == "maxItems" and isinstance(instance, list):
        name = _ITEM_NAME.get(str(path[-1]), "item")
        yield problem(f"has {len(instance)} of them; at most {rule} {name}s are allowed")
    elif keyword in ("minimum", "maximum"):
        yield problem(f"must be between 1 and {VERSION_MAX}")
    else:  # A rule added to the schema without a message of its own.
        yield problem(error.message)


def _unknown_key(key: object, kind: str, known: list[str]) -> str:
    message = f"is not a field of {kind}"
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f"{message}; did you mean '{close[0]}'?"
    return f"{message}; the fields are {', '.join(known)}"


def _wrong_type(expected: str, value: object) -> str:
    wanted = _EXPECTED.get(expected, expected)
    if value is None:
        return "must not be empty" if expected == "string" else f"is empty; it must be {wanted}"
    message = f"must be {wanted}, not {_describe(value)}"
    if expected == "string" and isinstance(value, int | float | bool):
        # YAML reads 12, 1.5, yes and 2024-01-01 as numbers, booleans and dates.
        message += " (put it in quotes)"
    return message


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _character_problems(
    data: object, path: Path, source: str, locate: _Locator
) -> Iterator[Problem]:
    if isinstance(data, str):
        bad = first_bad_character(data)
        if bad is not None:
            yield Problem(source, locate(path), field_path(path), bad)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _character_problems(item, (*path, index), source, locate)
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _character_problems(value, (*path, str(key)), source, locate)


# C0 and C1 controls other than tab and line feed, lone surrogates, and the Unicode
# noncharacters: nothing a teacher means to type, and some cannot even be written to a file.
BAD_CHARACTER = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)


def first_bad_character(text: str) -> str | None:
    """A message about the first character that cannot be stored, or None if all are fine."""
    match = BAD_CHARACTER.search(text)
    return None if match is None else bad_character_message(match.group())


def bad_character_message(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"contains an unpaired surrogate (U+{code:04X}), which is not valid text"
    if unicodedata.category(char) == "Cc":
        name = "NUL" if code == 0 else f"U+{code:04X}"
        return f"contains a control character ({name}) that cannot be stored"
    return f"contains a Unicode noncharacter (U+{code:04X}) that cannot be stored"


def _duplicate_ids(data: dict[Any, Any], source: str, locate: _Locator) -> Iterator[Problem]:
    sections = data.get("sections")
    if not isinstance(sections, list):
        return
    yield from _duplicates(sections, ("sections",), source, locate)
    for index, section in enumerate(sections):
        if isinstance(section, dict) and isinstance(section.get("questions"), list):
            where: Path = ("sections", index, "questions")
            yield from _duplicates(section["questions"], where, source, locate)


def _duplicates(items: list[Any], path: Path, source: str, locate: _Locator) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first = field_path((*path, seen[ident]))
            at: Path = (*path, index, "id")
            yield Problem(
                source, locate(at), field_path(at), f"'{ident}' is already the id of {first}"
            )
        else:
            seen[ident] = index


def _script_order(field: str) -> tuple[int | str, ...]:
    """Sort key that puts sections[10] after sections[2]."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", field))
