"""Inserting thousands of rows at the database driver's speed (imports).

A Core ``insert()`` run with a list of parameter sets costs SQLAlchemy tens of microseconds per
row (building each row's parameters and converting every value through its column type), more
than SQLite takes to store the row.  Here the statement is compiled once for the session's
database, values that are the same for every row (timestamps) are converted once, and the
driver's own ``executemany`` takes the rows as they are.  Only columns whose type needs no
conversion may vary per row (text and integers), which ``insert_many`` checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.orm import Session


def insert_many(
    session: Session,
    table: Table,
    rows: Iterable[Sequence[Any]],
    columns: Sequence[str],
    same: Mapping[str, Any] | None = None,
) -> None:
    """INSERT ``rows`` (values of ``columns``, in that order) into ``table`` in the session's
    transaction; ``same`` gives values shared by every row (converted through their column type
    once).  Per-row values are passed to the driver unconverted."""
    connection = session.connection()
    dialect = connection.dialect

    def converter(name: str) -> Any:
        return table.c[name].type.dialect_impl(dialect).bind_processor(dialect)

    for name in columns:
        if converter(name) is not None:
            raise ValueError(f"column {name} needs converting per row; use a Core insert()")
    shared: dict[str, Any] = {}
    for name, value in (same or {}).items():
        convert = converter(name)
        shared[name] = convert(value) if convert is not None else value
    names = [*columns, *shared]
    compiled = (
        insert(table).values({name: bindparam(name) for name in names}).compile(dialect=dialect)
    )
    extra = tuple(shared.values())
    order = [names.index(name) for name in compiled.positiontup or ()]
    params: list[Any]
    if not compiled.positional:
        params = [dict(zip(names, (*row, *extra), strict=True)) for row in rows]
    elif order == list(range(len(names))):
        params = [(*row, *extra) for row in rows]
    else:
        params = [tuple(full[i] for i in order) for full in ((*row, *extra) for row in rows)]
    if params:
        connection.exec_driver_sql(str(compiled), params)
