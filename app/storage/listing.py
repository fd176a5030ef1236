"""A list view's question (``ListQuery``, see app/domain/list_query.py) turned into SQL.

Windows (offset/limit) keep a list of 100,000 rows from ever being read whole.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy.orm import QueryableAttribute

from app.domain.list_query import DEFAULT_LIMIT, ListQuery, search_terms

S = TypeVar("S", bound=Select[Any])

__all__ = ["DEFAULT_LIMIT", "ListQuery", "matches_all", "search_terms", "window"]


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
