"""Reading and writing script files (YAML).  Any input bytes give a ``Script`` or a
``ScriptError``; nothing else escapes.

The file is read as a stream of YAML parser events rather than through ``yaml.safe_load``:
- anchors and aliases are refused before anything is expanded, so a "billion laughs" file costs
  nothing;
- every value's line comes from its event's mark, so a fault found later by the schema can be
  reported at its line;
- nothing is constructed except strings, numbers, booleans and nulls, so no YAML tag can run
  code or raise an unexpected exception, and nesting is bounded without recursion;
- a key that appears twice is reported instead of silently keeping the last value.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from app.scripts.model import Script, script_from_data, to_snapshot
from app.scripts.problems import MAX_PROBLEMS, Problem, ScriptError
from app.scripts.schema import (
    BAD_CHARACTER,
    Path,
    bad_character_message,
    field_path,
    find_problems,
    normalise,
)

MAX_FILE_BYTES = 1_000_000
# A script is six levels deep (script, sections, section, questions, question, follow-ups);
# anything much deeper is not a script, and the limit keeps later recursive checks safe.
MAX_DEPTH = 20
# The longest number a script may hold, in characters ("version: 12" needs two).
MAX_NUMBER_CHARS = 32

# libyaml's parser is several times faster than the pure-Python one when PyYAML was built
# with it; both give the same events and marks.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = SafeConstructor()
_YAML = "tag:yaml.org,2002:"
_CONSTRUCTED = {
    f"{_YAML}null": ("nothing", _CONSTRUCTOR.construct_yaml_null),
    f"{_YAML}bool": ("true or false", _CONSTRUCTOR.construct_yaml_bool),
    f"{_YAML}int": ("a whole number", _CONSTRUCTOR.construct_yaml_int),
    f"{_YAML}float": ("a number", _CONSTRUCTOR.construct_yaml_float),
}
# Read as the text written: a title of 2024-06-01 or "=" is meant as text.
_AS_TEXT = {f"{_YAML}str", f"{_YAML}timestamp", f"{_YAML}value", f"{_YAML}merge"}
_PLAIN_COLLECTION_TAGS = {None, "!", f"{_YAML}seq", f"{_YAML}map"}
_UTF16_OR_32 = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def load_script_file(path: str | os.PathLike[str]) -> Script:
    return read_script_file(path)[0]


def read_script_file(path: str | os.PathLike[str]) -> tuple[Script, str]:
    """The script in a file and the file's text (for keeping it as the author wrote it)."""
    source = str(path)
    try:
        with open(path, "rb") as stream:
            if os.fstat(stream.fileno()).st_size > MAX_FILE_BYTES:
                raise ScriptError([_too_big(source, os.fstat(stream.fileno()).st_size)])
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScriptError([Problem(source, None, "", "the file does not exist")]) from None
    except IsADirectoryError:
        raise ScriptError([Problem(source, None, "", "is a folder, not a script file")]) from None
    except PermissionError:
        raise ScriptError(
            [Problem(source, None, "", "cannot be read: permission denied")]
        ) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ScriptError([Problem(source, None, "", f"cannot be read: {reason}")]) from None
    text = decode_script_bytes(data, source)
    return parse_script(text, source), text


def parse_script_bytes(data: bytes, source: str) -> Script:
    """A script from a file's bytes: UTF-8, with or without a byte order mark."""
    return parse_script(decode_script_bytes(data, source), source)


def decode_script_bytes(data: bytes, source: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ScriptError([_too_big(source, len(data))])
    if data.startswith(_UTF16_OR_32):
        raise ScriptError(
            [Problem(source, 1, "", "the file is saved as UTF-16 or UTF-32; save it as UTF-8")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise ScriptError(
            [
                Problem(
                    source,
                    line,
                    "",
                    f"byte 0x{byte:02X} is not valid UTF-8 text; save the file as UTF-8",
                )
            ]
        ) from None
    return text


def parse_script(text: str, source: str) -> Script:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise ScriptError([_too_big(source, size)])
    text = text.removeprefix("\ufeff")
    bad_lines = _bad_characters(text, source)
    if bad_lines:
        raise ScriptError(bad_lines)
    document = _read_document(text, source)
    if document.unreadable:
        raise ScriptError(document.problems)
    data = normalise(document.data)
    problems = [*document.problems, *find_problems(data, source, document.lines)]
    if problems:
        raise ScriptError(problems)
    assert isinstance(data, dict)  # find_problems reports anything else
    return script_from_data(data)


def dump_script(script: Script) -> str:
    """YAML for a script, in the field order of the format; ``parse_script`` reads it back."""
    data = to_snapshot(script)
    for key in ("subject", "description"):
        if not data[key]:
            del data[key]
    for section in data["sections"]:
        for question in section["questions"]:
            for key, default in (("guidance", ""), ("follow_ups", []), ("anchor_excerpt", False)):
                if question[key] == default:
                    del question[key]
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return f"# OwnWork interview script. The format is described in docs/script-format.md.\n{body}"


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML by hand.
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(f"{_YAML}str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def _too_big(source: str, size: int) -> Problem:
    return Problem(
        source,
        None,
        "",
        f"the file is {size / 1_000_000:.1f} MB; a script file may be at most "
        f"{MAX_FILE_BYTES // 1_000_000} MB, so this cannot be a script",
    )


def _bad_characters(text: str, source: str) -> list[Problem]:
    """One problem per line holding a character that cannot be stored (carriage returns are
    line ends here), stopping once there are more than anyone will read."""
    problems: list[Problem] = []
    line, position, last_reported = 1, 0, 0
    for match in BAD_CHARACTER.finditer(text):
        if match.group() == "\r":
            continue
        line += text.count("\n", position, match.start())
        position = match.start()
        if line == last_reported:
            continue
        last_reported = line
        message = bad_character_message(match.group())
        problems.append(Problem(source, line, "", f"this line {message}"))
        if len(problems) > MAX_PROBLEMS:
            break
    return problems


@dataclass
class _Document:
    data: object = None
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Set when the document could not be read to its end: what was read is incomplete, so it
    # is not checked against the schema (which would report fields as missing).
    unreadable: bool = False


@dataclass
class _Open:
    """A list or mapping whose items are still being read."""

    value: list[Any] | dict[str, Any]
    path: Path
    key: str | None = None
    key_line: int = 0


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _read_document(text: str, source: str) -> _Document:
    document = _Document()
    loader = _Loader(text)
    try:
        _walk_events(loader, document, source)
    except _Refused as refused:
        fatal = Problem(source, refused.line, "", refused.message)
    except yaml.MarkedYAMLError as error:
        fatal = _syntax_problem(error, source)
    except yaml.YAMLError as error:
        fatal = Problem(source, 1, "", f"YAML error: {error}")
    else:
        if document.data is not None:
            return document
        fatal = Problem(source, 1, "", "the file is empty: it holds no script")
    finally:
        loader.dispose()
    return _Document(problems=[fatal], unreadable=True)


def _walk_events(loader: Any, document: _Document, source: str) -> None:
    open_items: list[_Open] = []
    documents = 0
    while True:
        event: Any = loader.get_event()
        line: int = event.start_mark.line + 1
        if isinstance(event, StreamEndEvent):
            return
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(line, "a script file holds one YAML document; this is a second")
            continue
        if isinstance(event, SequenceEndEvent | MappingEndEvent):
            open_items.pop()
            continue
        if not isinstance(event, NodeEvent):
            continue
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise _Refused(line, "YAML anchors and aliases (&name, *name) are not allowed")
        parent = open_items[-1] if open_items else None
        if isinstance(parent, _Open) and isinstance(parent.value, dict) and parent.key is None:
            if not isinstance(event, ScalarEvent):
                raise _Refused(line, "a key must be plain text, not a list or mapping")
            parent.key = event.value
            parent.key_line = line
            continue
        path = _child_path(parent)
        if isinstance(event, ScalarEvent):
            value: object = _scalar(loader, event, path, line, document, source)
        else:
            if len(open_items) >= MAX_DEPTH:
                raise _Refused(line, f"nested more than {MAX_DEPTH} levels deep")
            if getattr(event, "tag", None) not in _PLAIN_COLLECTION_TAGS:
                document.problems.append(_tag_problem(event, path, line, source))
            value = [] if isinstance(event, SequenceStartEvent) else {}
        _attach(parent, value, path, line, document, source)
        if isinstance(event, CollectionStartEvent):
            assert isinstance(value, list | dict)
            open_items.append(_Open(value, path))


def _child_path(parent: _Open | None) -> Path:
    if parent is None:
        return ()
    if isinstance(parent.value, list):
        return (*parent.path, len(parent.value))
    assert parent.key is not None
    return (*parent.path, parent.key)


def _attach(
    parent: _Open | None, value: object, path: Path, line: int, document: _Document, source: str
) -> None:
    if parent is None:
        document.data = value
        document.lines[path] = line
    elif isinstance(parent.value, list):
        parent.value.append(value)
        document.lines[path] = line
    else:
        key = parent.key
        assert key is not None
        if key in parent.value:
            document.problems.append(
                Problem(source, parent.key_line, field_path(path), "appears twice in one mapping")
            )
        else:
            parent.value[key] = value
            document.lines[path] = parent.key_line
        parent.key = None


def _scalar(
    loader: Any, event: Any, path: Path, line: int, document: _Document, source: str
) -> object:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(ScalarNode, event.value, event.implicit)
    if tag in _AS_TEXT:
        return event.value
    if tag in _CONSTRUCTED:
        kind, construct = _CONSTRUCTED[tag]
        if tag != f"{_YAML}null" and len(event.value) > MAX_NUMBER_CHARS:
            # A number thousands of digits long is no script's; constructing it would only
            # move the failure into whatever prints or compares it later.
            document.problems.append(
                Problem(
                    source,
                    line,
                    field_path(path),
                    f"is a number {len(event.value):,} characters long; numbers in a script "
                    f"have at most {MAX_NUMBER_CHARS}",
                )
            )
            return _shortened(event.value)
        try:
            return construct(ScalarNode(tag, event.value))
        except (ArithmeticError, LookupError, ValueError, TypeError, yaml.YAMLError):
            document.problems.append(
                Problem(
                    source,
                    line,
                    field_path(path),
                    f"'{_shortened(event.value)}' cannot be read as {kind}",
                )
            )
            return event.value
    document.problems.append(_tag_problem(event, path, line, source))
    return event.value


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def _tag_problem(event: NodeEvent, path: Path, line: int, source: str) -> Problem:
    tag = str(getattr(event, "tag", None)).replace(_YAML, "!!")
    return Problem(
        source, line, field_path(path), f"uses the YAML tag '{tag}'; script files do not use tags"
    )


def _syntax_problem(error: yaml.MarkedYAMLError, source: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    message = error.problem or error.context or "the file is not valid YAML"
    if error.problem and error.context:
        context_mark = error.context_mark
        if context_mark is not None and context_mark.line + 1 != line:
            message += f" ({error.context}, which starts on line {context_mark.line + 1})"
        else:
            message += f" ({error.context})"
    return Problem(source, line, "", f"YAML syntax error: {message}")
