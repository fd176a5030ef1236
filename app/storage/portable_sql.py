"""SQL that SQLite and PostgreSQL spell differently, written once as SQLAlchemy constructs.

The same models and queries serve the personal SQLite store and the school's PostgreSQL server;
where the two databases disagree on a function's name or form, the construct lives here and
compiles to each one's own words, so no query elsewhere needs to ask which database it is on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, literal


class json_int(FunctionElement[int]):
    """The integer under ``key`` in a JSON object stored as text (NULL when absent)."""

    type = Integer()
    inherit_cache = True

    def __init__(self, column: ColumnElement[str] | InstrumentedAttribute[str], key: str) -> None:
        super().__init__(column, literal(key))


@compiles(json_int)
def _json_int_sqlite(element: json_int, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = element.clauses
    return f"json_extract({compiler.process(column, **kw)}, '$.' || {compiler.process(key, **kw)})"


@compiles(json_int, "postgresql")
def _json_int_postgresql(element: json_int, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = element.clauses
    return (
        f"CAST(CAST({compiler.process(column, **kw)} AS JSONB) "
        f"->> {compiler.process(key, **kw)} AS INTEGER)"
    )
