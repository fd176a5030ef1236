"""Printing records for people (aligned columns) and for programs (JSON)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Sequence
from typing import Any


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    """JSON for programs; characters a terminal would act on (C1 controls, direction and
    invisible format characters) are written as ``\\uXXXX`` escapes, which read back the same.
    (``json`` escapes the C0 controls, ESC among them, itself.)"""
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=2)
    return "".join(f"\\u{ord(c):04x}" if _acts_on_terminal(c) else c for c in text)


# Format characters that reorder or hide text (bidi embeddings, overrides and isolates, marks,
# zero-width space, byte-order mark).  Joiners (U+200C, U+200D) stay: Persian, Hindi and emoji
# need them.
_HIDING = frozenset(
    "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def _acts_on_terminal(character: str) -> bool:
    import unicodedata

    if character in "\n\t":
        return False
    return unicodedata.category(character) == "Cc" or character in _HIDING


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    shown = [[printable(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in shown:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in shown
    ]
    return "\n".join(lines)


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences among them),
    direction overrides and hiding characters are shown as U+FFFD, never sent as they are."""
    return "".join("\ufffd" if _acts_on_terminal(c) else c for c in text)
