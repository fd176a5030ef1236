"""Students sort by a folded name key: surname then forename, case and accents ignored.

The lists sorted names by the stored bytes, so "Smith, Jr." came before "São João" and
lower-case or accented names sorted apart from the rest, while the search ignores case and
accents.  ``students.sort_name`` holds ``app.domain.text.name_sort_key`` (the search's folding,
surname then forename) and the name indexes are rebuilt on it, so the lists still sort by an
index (``tests/test_query_plans.py``).

Only a column and indexes are added: ADD COLUMN rebuilds no table, so the triggers of 0002
stay in place.  The key of every existing student is computed here, in Python, with the same
function the repository uses for new ones.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.domain.text import name_sort_key

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ix_students_sort_name", ("sort_name",)),
    ("ix_students_sort_reg_group", ("reg_group", "sort_name")),
    ("ix_students_sort_year_group", ("year_group", "sort_name")),
)

# Rows written per statement while filling the key: memory stays flat for a whole school.
_CHUNK = 1_000


def upgrade() -> None:
    op.add_column("students", sa.Column("sort_name", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    students = sa.table(
        "students",
        sa.column("id", sa.Integer),
        sa.column("surname", sa.String),
        sa.column("forename", sa.String),
        sa.column("sort_name", sa.Text),
    )
    rows = connection.execute(sa.select(students.c.id, students.c.surname, students.c.forename))
    update = (
        sa.update(students)
        .where(students.c.id == sa.bindparam("key_id"))
        .values(sort_name=sa.bindparam("key"))
    )
    while chunk := rows.fetchmany(_CHUNK):
        connection.execute(
            update,
            [{"key_id": row.id, "key": name_sort_key(row.surname, row.forename)} for row in chunk],
        )
    for name, _columns in _INDEXES:
        op.drop_index(name, table_name="students")
    for name, columns in _INDEXES:
        op.create_index(name, "students", list(columns), unique=False)


def downgrade() -> None:
    # OwnWork never downgrades: data written by a newer schema must not be dropped.
    raise NotImplementedError("downgrades are not supported")
