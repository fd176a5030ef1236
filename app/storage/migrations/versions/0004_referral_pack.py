"""What a referral pack for form M1 needs: the centre's contact details, the referral's facts,
and the candidate's and staff's written statements.

The centre gains columns (added, never rebuilt, so no trigger of 0002 is touched); the facts and
the statements are tables of their own, apart from the conversation's record, so that they can
be recorded after the record is finalised.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CENTRE_COLUMNS = (
    sa.Column("address", sa.Text(), server_default="", nullable=False),
    sa.Column("head_name", sa.String(length=100), server_default="", nullable=False),
    sa.Column("head_email", sa.String(length=100), server_default="", nullable=False),
    sa.Column("head_phone", sa.String(length=40), server_default="", nullable=False),
    sa.Column("late_after_days", sa.Integer(), server_default="5", nullable=False),
)


def upgrade() -> None:
    for column in _CENTRE_COLUMNS:
        op.add_column("centre", column)
    op.create_table(
        "referral_facts",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("concern_arose_on", sa.Date(), nullable=True),
        sa.Column("concern_noticed_by", sa.String(length=100), nullable=False),
        sa.Column("ai_tool", sa.String(length=200), nullable=False),
        sa.Column("ai_output_kept", sa.String(length=3), nullable=False),
        sa.Column("info_for_candidates_given", sa.String(length=3), nullable=False),
        sa.Column("notice_given_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_referral_facts_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_referral_facts")),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("kind IN ('candidate', 'staff')", name=op.f("ck_statements_kind")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_statements_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
    )
    op.create_index(
        op.f("ix_statements_conversation_id"), "statements", ["conversation_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_statements_conversation_id"), table_name="statements")
    op.drop_table("statements")
    op.drop_table("referral_facts")
    with op.batch_alter_table("centre") as batch:
        for column in reversed(_CENTRE_COLUMNS):
            batch.drop_column(column.name)
