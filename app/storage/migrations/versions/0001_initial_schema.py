"""Initial schema: centre, staff, students, submissions, conversations and the audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 15:18:03.082229
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "centre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("centre_number", sa.String(length=5), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centre")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
    )
    op.create_table(
        "students",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surname", sa.String(length=100), nullable=False),
        sa.Column("forename", sa.String(length=100), nullable=False),
        sa.Column("candidate_number", sa.String(length=4), nullable=True),
        sa.Column("upn", sa.String(length=13), nullable=True),
        sa.Column("reg_group", sa.String(length=40), nullable=False),
        sa.Column("year_group", sa.Integer(), nullable=True),
        sa.Column("search_key", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_students")),
        sa.UniqueConstraint("candidate_number", name=op.f("uq_students_candidate_number")),
        sa.UniqueConstraint("upn", name=op.f("uq_students_upn")),
    )
    with op.batch_alter_table("students", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_students_search_key"), ["search_key"], unique=False)
        batch_op.create_index("ix_students_sort_name", ["surname", "forename"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("awarding_body", sa.String(length=40), nullable=False),
        sa.Column("qualification", sa.String(length=300), nullable=False),
        sa.Column("component_code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("exam_series", sa.String(length=40), nullable=False),
        sa.Column("handed_in_on", sa.Date(), nullable=True),
        sa.Column("declaration_signed", sa.Boolean(), nullable=False),
        sa.Column("declaration_signed_on", sa.Date(), nullable=True),
        sa.Column("search_key", sa.String(length=800), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["students.id"],
            name=op.f("fk_submissions_student_id_students"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_search_key"), ["search_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_submissions_student_id"), ["student_id"], unique=False)

    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("led_by_id", sa.Integer(), nullable=True),
        sa.Column("second_staff_id", sa.Integer(), nullable=True),
        sa.Column("others_present", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("concern_summary", sa.Text(), nullable=False),
        sa.Column("purpose_explained", sa.Boolean(), nullable=False),
        sa.Column("rights_json", sa.Text(), nullable=False),
        sa.Column("access_arrangements", sa.Text(), nullable=False),
        sa.Column("wellbeing_note", sa.Text(), nullable=False),
        sa.Column("staff_only_note", sa.Text(), nullable=False),
        sa.Column("script_name", sa.String(length=200), nullable=False),
        sa.Column("script_snapshot", sa.Text(), nullable=False),
        sa.Column("current_position", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("conclusion", sa.String(length=20), nullable=True),
        sa.Column("student_account", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["led_by_id"],
            ["staff.id"],
            name=op.f("fk_conversations_led_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["second_staff_id"],
            ["staff.id"],
            name=op.f("fk_conversations_second_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_conversations_submission_id_submissions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversations_held_at"), ["held_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_conversations_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_conversations_submission_id"), ["submission_id"], unique=False
        )

    op.create_table(
        "conversation_excerpts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_excerpts_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_excerpts")),
    )
    with op.batch_alter_table("conversation_excerpts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_excerpts_conversation_id"),
            ["conversation_id"],
            unique=False,
        )

    op.create_table(
        "conversation_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_indicators_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_indicators")),
        sa.UniqueConstraint(
            "conversation_id", "code", name="uq_conversation_indicators_conversation_code"
        ),
    )
    with op.batch_alter_table("conversation_indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_indicators_conversation_id"),
            ["conversation_id"],
            unique=False,
        )

    op.create_table(
        "conversation_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("section_title", sa.String(length=200), nullable=False),
        sa.Column("question_text", sa.Text(), nullable=False),
        sa.Column("unscripted", sa.Boolean(), nullable=False),
        sa.Column("excerpt_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.String(length=10), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("student_words", sa.Text(), nullable=False),
        sa.Column("observations", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_answers_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["excerpt_id"],
            ["conversation_excerpts.id"],
            name=op.f("fk_conversation_answers_excerpt_id_conversation_excerpts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_answers")),
    )
    with op.batch_alter_table("conversation_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_answers_conversation_position",
            ["conversation_id", "position"],
            unique=False,
        )


def downgrade() -> None:
    # OwnWork never downgrades: data written by a newer schema must not be dropped.
    raise NotImplementedError("downgrades are not supported")
