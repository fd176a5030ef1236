"""Many staff at once: a version on every editable record, and trigram search on the server.

- ``version`` (INTEGER NOT NULL DEFAULT 1) on the centre, staff, students, submissions and
  conversations: SQLAlchemy's ``version_id_col`` (app/storage/models.py ``Versioned``).  A form
  saves with the version it started from; when another member of staff saved first, the save is
  refused with both versions (app/storage/versions.py) and nothing is written.  ADD COLUMN
  rebuilds no table, so the triggers of 0002 stay in place; every existing row starts at 1.
- On PostgreSQL only: the ``pg_trgm`` extension and GIN trigram indexes on the folded search
  keys of students and submissions, so that ``search_key LIKE '%term%'`` (what the lists' filter
  runs) is answered from an index rather than by reading every row.  SQLite needs none: its
  tables are read in a few milliseconds on one teacher's machine.

``pg_trgm`` is a trusted extension from PostgreSQL 13, so the database's owner may create it
without being a superuser.  When it cannot be created (an older server, or a login that does
not own the database) the schema is still made, without the trigram indexes: search gives the
same answers, only more slowly, and a warning in the log says so (docs/concurrency.md gives the
two statements IT runs as a superuser to add them later).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 07:30:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

VERSIONED = ("centre", "staff", "students", "submissions", "conversations")
# (index name, table) for the GIN trigram indexes on ``search_key``.
TRIGRAM_INDEXES = (
    ("ix_students_search_key_trgm", "students"),
    ("ix_submissions_search_key_trgm", "submissions"),
)


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        create_trigram_indexes(connection)


def create_trigram_indexes(connection: sa.Connection) -> bool:
    """The extension and the indexes, inside a savepoint: a login without the right to create
    the extension leaves the rest of the migration intact.  True when the indexes exist."""
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        log.warning(
            "search on the server will not use a trigram index: the extension pg_trgm could "
            "not be created (%s); a superuser can run CREATE EXTENSION pg_trgm in this database",
            str(error.orig).splitlines()[0] if error.orig else error,
        )
        return False
    for name, table in TRIGRAM_INDEXES:
        connection.execute(
            sa.text(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_key gin_trgm_ops)"
            )
        )
    return True


def downgrade() -> None:
    # OwnWork never downgrades: data written by a newer schema must not be dropped.
    raise NotImplementedError("downgrades are not supported")
