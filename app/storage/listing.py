"""A list view's question (``ListQuery``, see app/domain/list_query.py) turned into SQL.

Windows keep a list of 100,000 rows from ever being read whole.  A window after the first
starts after the last row the list already shows (``ListQuery.after_id``): the rows that sort
after that row's key (its sort columns, then its id), not "skip N rows", so a row another member
of staff adds or removes meanwhile neither repeats a row nor hides one, and the database finds
the start in the sort index instead of counting its way there.  Only when that row has gone (or
no longer matches the filter) does the window fall back to the offset.

The database's own order of NULLs is kept (SQLite puts them first, PostgreSQL last, in an
ascending sort): the lists' ORDER BY is unchanged, so their indexes still serve it, and the
key's comparison follows the order the store really uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, true
from sqlalchemy.orm import QueryableAttribute, Session

from app.domain.list_query import DEFAULT_LIMIT, ListQuery, search_terms

S = TypeVar("S", bound=Select[Any])

__all__ = ["DEFAULT_LIMIT", "ListQuery", "matches_all", "search_terms", "window"]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches_all(
    column: ColumnElement[str] | QueryableAttribute[str], text: str
) -> ColumnElement[bool] | None:
    """Every folded word somewhere in ``column`` (a folded search key).  ``LIKE '%word%'``: on
    PostgreSQL the GIN trigram indexes of migration 0006 answer it (words of three letters or
    more); the key is folded already, so the comparison needs no case rules of its own."""
    terms = search_terms(text)
    if not terms:
        return None
    return and_(*(column.like(f"%{_escape_like(t)}%", escape="\\") for t in terms))


def window(
    session: Session,
    statement: S,
    query: ListQuery,
    key: Sequence[Any],
    *,
    descending: bool,
) -> S:
    """``statement`` (filtered, joined, not yet ordered) ordered by ``key`` and cut to the
    query's window.  ``key`` ends with the record's id, which makes it unique."""
    ordered = statement.order_by(*(c.desc() if descending else c.asc() for c in key))
    if query.after_id is not None:
        anchor = session.execute(
            statement.with_only_columns(*key).where(key[-1] == query.after_id)
        ).first()
        if anchor is not None:
            nulls_first = _nulls_sort_first(session, descending)
            ordered = ordered.where(_after(key, tuple(anchor), descending, nulls_first))
        else:
            ordered = ordered.offset(query.offset)
    else:
        ordered = ordered.offset(query.offset)
    if query.limit is not None:
        ordered = ordered.limit(query.limit)
    return ordered


def _nulls_sort_first(session: Session, descending: bool) -> bool:
    """Whether NULLs come first in this store's ORDER BY: SQLite holds NULL the smallest value,
    PostgreSQL the largest."""
    smallest = session.get_bind().dialect.name != "postgresql"
    return smallest != descending


def _after(
    key: Sequence[Any], values: tuple[Any, ...], descending: bool, nulls_first: bool
) -> ColumnElement[bool]:
    """Rows whose key sorts after ``values``: (k1 after v1) or (k1 = v1 and k2 after v2) or …,
    with the first column also bounded on its own ("not before v1"), a range the index can
    start from."""
    alternatives: list[ColumnElement[bool]] = []
    equal_so_far: list[ColumnElement[bool]] = []
    for column, value in zip(key, values, strict=True):
        alternatives.append(and_(*equal_so_far, _beyond(column, value, descending, nulls_first)))
        equal_so_far.append(column.is_(None) if value is None else column == value)
    not_before = _not_before(key[0], values[0], descending, nulls_first)
    return and_(not_before, or_(*alternatives))


def _beyond(column: Any, value: Any, descending: bool, nulls_first: bool) -> ColumnElement[bool]:
    """``column`` strictly after ``value`` in the order."""
    if value is None:
        return column.is_not(None) if nulls_first else false()
    later = column < value if descending else column > value
    return later if nulls_first else or_(later, column.is_(None))


def _not_before(
    column: Any, value: Any, descending: bool, nulls_first: bool
) -> ColumnElement[bool]:
    """``column`` at or after ``value`` in the order: a plain range where it can be one."""
    if value is None:
        return true() if nulls_first else column.is_(None)
    at_or_later = column <= value if descending else column >= value
    return at_or_later if nulls_first else or_(at_or_later, column.is_(None))
