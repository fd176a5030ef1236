"""Who may see what on a school's server: staff tied to logins, departments, cases passed on.

- ``staff.login`` (the PostgreSQL login a member of staff signs in with; empty in the personal
  store) and ``staff.active`` (a disabled account's records stay, its login does not).
- ``departments`` and ``department_staff`` (who teaches in, and who heads, a department: a head
  of department reads what the department's teachers lead).
- ``conversation_shares``: a concluded conversation passed to the exams officer
  (``passed_to_role``) or shared with a named colleague (``shared_with_login``).
- ``review_notes``: a head of department's note on a conversation they review.
- ``subject_access_log``: each time the data protection officer opens one student's records.

The last three are append-only: on PostgreSQL they get 0002's refusing triggers.  The roles,
grants and row-level security policies that use these tables are made by ``ownwork server
init``/``upgrade`` (``app/storage/roles.py``), not here: a migration also runs on the personal
SQLite store, which has no roles.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 08:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("conversation_shares", "review_notes", "subject_access_log")


def _tables() -> None:
    # Plain ADD COLUMN and a unique index: SQLite's batch mode would rebuild ``staff``, and
    # dropping the old table would fire the conversations' ON DELETE SET NULL (losing who led
    # each conversation) on a store with foreign keys on.
    op.add_column("staff", sa.Column("login", sa.String(length=63), nullable=True))
    op.add_column(
        "staff", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.create_index(op.f("ix_staff_login"), "staff", ["login"], unique=True)
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("name", name=op.f("uq_departments_name")),
    )
    op.create_table(
        "department_staff",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("head", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_department_staff_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_department_staff_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("department_id", "staff_id", name=op.f("pk_department_staff")),
    )
    op.create_table(
        "conversation_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("passed_to_role", sa.String(length=40), nullable=True),
        sa.Column("shared_with_login", sa.String(length=63), nullable=True),
        sa.Column("by_login", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_shares_conversation_id_conversations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_shares")),
        sa.CheckConstraint(
            "(passed_to_role IS NULL) <> (shared_with_login IS NULL)",
            name=op.f("ck_conversation_shares_one_recipient"),
        ),
    )
    op.create_index(
        op.f("ix_conversation_shares_conversation_id"), "conversation_shares", ["conversation_id"]
    )
    op.create_index(
        op.f("ix_conversation_shares_shared_with_login"),
        "conversation_shares",
        ["shared_with_login"],
    )
    op.create_table(
        "review_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_login", sa.String(length=100), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_review_notes_conversation_id_conversations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_notes")),
    )
    op.create_index(op.f("ix_review_notes_conversation_id"), "review_notes", ["conversation_id"])
    op.create_table(
        "subject_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_subject_access_log_student_id_students"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_log")),
    )


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ownwork_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ownwork_refuse_append_only()"
            )
        op.execute(
            f"CREATE TRIGGER ownwork_{table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ownwork_refuse_append_only()"
        )


def downgrade() -> None:
    # OwnWork never downgrades: data written by a newer schema must not be dropped.
    raise NotImplementedError("downgrades are not supported")
