"""Integrity: finalisations, amendments, evidence attachments, and append-only triggers.

Only new tables and triggers: no existing table or row is changed.  Triggers make the audit log,
finalisations, amendments and attachments append-only and refuse any change to a finalised
conversation (its row, answers, excerpts and signs of concern), in SQLite's trigger language on
the personal store and as PL/pgSQL trigger functions on a PostgreSQL server (added to this
revision before any server database existed; the trigger names are the same on both).
``ownwork verify`` reports a missing trigger, so a later migration that rebuilds one of these
tables (batch mode copies a table and drops its triggers) must create them again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = ("audit_log", "finalisations", "amendments", "attachments")
# Child tables of a conversation whose rows carry ``conversation_id``.
_CONVERSATION_PARTS = ("conversation_answers", "conversation_excerpts", "conversation_indicators")
_REFUSE_APPEND_ONLY = "SELECT RAISE(ABORT, 'OwnWork: {table} is append-only');"
_REFUSE_FINALISED = "SELECT RAISE(ABORT, 'OwnWork: this conversation is finalised');"


def _triggers() -> list[str]:
    statements: list[str] = []
    for table in _APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER ownwork_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN {_REFUSE_APPEND_ONLY.format(table=table)} END"
            )
    for event in ("UPDATE", "DELETE"):
        statements.append(
            f"CREATE TRIGGER ownwork_conversations_finalised_{event.lower()} "
            f"BEFORE {event} ON conversations "
            "WHEN EXISTS (SELECT 1 FROM finalisations WHERE conversation_id = OLD.id) "
            f"BEGIN {_REFUSE_FINALISED} END"
        )
    for table in _CONVERSATION_PARTS:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            statements.append(
                f"CREATE TRIGGER ownwork_{table}_finalised_{event.lower()} "
                f"BEFORE {event} ON {table} "
                "WHEN EXISTS (SELECT 1 FROM finalisations "
                f"WHERE conversation_id = {row}.conversation_id) "
                f"BEGIN {_REFUSE_FINALISED} END"
            )
    return statements


# PostgreSQL runs a function per trigger; one function serves each kind of refusal.
_PG_FUNCTIONS = (
    """
    CREATE FUNCTION ownwork_refuse_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'OwnWork: % is append-only', TG_TABLE_NAME;
    END $$
    """,
    """
    CREATE FUNCTION ownwork_refuse_finalised() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        conversation integer;
    BEGIN
        IF TG_TABLE_NAME = 'conversations' THEN
            conversation := OLD.id;
        ELSIF TG_OP = 'INSERT' THEN
            conversation := NEW.conversation_id;
        ELSE
            conversation := OLD.conversation_id;
        END IF;
        IF EXISTS (SELECT 1 FROM finalisations WHERE conversation_id = conversation) THEN
            RAISE EXCEPTION 'OwnWork: this conversation is finalised';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$
    """,
)


def _postgresql_triggers() -> list[str]:
    statements = list(_PG_FUNCTIONS)
    for table in _APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER ownwork_{table}_no_{event.lower()} BEFORE {event} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ownwork_refuse_append_only()"
            )
        # TRUNCATE fires no row trigger: it has a statement-level trigger of its own.
        statements.append(
            f"CREATE TRIGGER ownwork_{table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ownwork_refuse_append_only()"
        )
    for event in ("UPDATE", "DELETE"):
        statements.append(
            f"CREATE TRIGGER ownwork_conversations_finalised_{event.lower()} "
            f"BEFORE {event} ON conversations "
            "FOR EACH ROW EXECUTE FUNCTION ownwork_refuse_finalised()"
        )
    for table in _CONVERSATION_PARTS:
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER ownwork_{table}_finalised_{event.lower()} "
                f"BEFORE {event} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ownwork_refuse_finalised()"
            )
    return statements


def upgrade() -> None:
    op.create_table(
        "finalisations",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(), nullable=False),
        sa.Column("finalised_by", sa.String(length=100), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("canonical_format", sa.String(length=40), nullable=False),
        sa.Column("canonical_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_finalisations_conversation_id_conversations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_finalisations")),
    )
    op.create_table(
        "amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_amendments_conversation_id_conversations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
    )
    with op.batch_alter_table("amendments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendments_conversation_id"), ["conversation_id"], unique=False
        )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "(submission_id IS NULL) <> (conversation_id IS NULL)",
            name=op.f("ck_attachments_one_parent"),
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_attachments_conversation_id_conversations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_attachments_submission_id_submissions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachments_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attachments_submission_id"), ["submission_id"], unique=False
        )
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": _triggers, "postgresql": _postgresql_triggers}[dialect]()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    # OwnWork never downgrades: data written by a newer schema must not be dropped.
    raise NotImplementedError("downgrades are not supported")
