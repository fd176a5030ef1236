"""What every list view asks a repository: a filter, a sort and a window of rows.

Windows (offset/limit) keep a list of 100,000 rows from ever being read whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy.orm import QueryableAttribute

from app.domain.text import search_key

DEFAULT_LIMIT = 200

S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    sort: str = ""
    descending: bool = False
    offset: int = 0
    limit: int | None = DEFAULT_LIMIT


def search_terms(text: str) -> list[str]:
    """Folded words: every word must appear somewhere in the record's search key."""
    return [term for term in search_key(text).split() if term]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches_all(
    column: ColumnElement[str] | QueryableAttribute[str], text: str
) -> ColumnElement[bool] | None:
    terms = search_terms(text)
    if not terms:
        return None
    return and_(*(column.like(f"%{_escape_like(t)}%", escape="\\") for t in terms))


def window(statement: S, query: ListQuery) -> S:
    statement = statement.offset(query.offset)
    if query.limit is not None:
        statement = statement.limit(query.limit)
    return statement
