"""Indexes for every sort and filter the record lists offer, at whole-school scale.

Only indexes are added or replaced: no table is rebuilt, so the triggers of 0002 stay in place
and no row is touched.  ``tests/test_query_plans.py`` checks with EXPLAIN QUERY PLAN that the
lists use them; docs/performance.md gives the measurements.

- conversations (held_at, submission_id) replaces the index on held_at alone: the list in date
  order, filtered or not, is read from this index without touching a conversation row (each row
  carries its interview script, about 2 KB) until the window's rows are known.
- conversations (submission_id, held_at, status, conclusion, led_by_id) replaces the index on
  submission_id alone: counting a filter's matches, the conversations of one submission or one
  student, and a filtered list in another order, all from the index.  It still serves the
  foreign key.
- conversations.conclusion and conversations.led_by_id: sorting by those columns.
- students (reg_group, surname) and (year_group, surname): sorting the student list.
- submissions: one index per sortable column of the submission list, and qualification and title
  drive the conversation list sorted by those columns.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ix_conversations_held_at_submission", "conversations", ("held_at", "submission_id")),
    (
        "ix_conversations_submission_list",
        "conversations",
        ("submission_id", "held_at", "status", "conclusion", "led_by_id"),
    ),
    ("ix_conversations_conclusion", "conversations", ("conclusion",)),
    ("ix_conversations_led_by_id", "conversations", ("led_by_id",)),
    ("ix_students_sort_reg_group", "students", ("reg_group", "surname")),
    ("ix_students_sort_year_group", "students", ("year_group", "surname")),
    ("ix_submissions_awarding_body", "submissions", ("awarding_body",)),
    ("ix_submissions_qualification", "submissions", ("qualification",)),
    ("ix_submissions_component_code", "submissions", ("component_code",)),
    ("ix_submissions_title", "submissions", ("title",)),
    ("ix_submissions_handed_in_on", "submissions", ("handed_in_on",)),
    (
        "ix_submissions_sort_declaration",
        "submissions",
        ("declaration_signed", "declaration_signed_on"),
    ),
)


def upgrade() -> None:
    # Plain CREATE/DROP INDEX rather than batch mode: batch mode would copy the tables and drop
    # the append-only triggers of 0002.
    for name, table, columns in _NEW:
        op.create_index(name, table, list(columns), unique=False)
    op.drop_index("ix_conversations_held_at", table_name="conversations")
    op.drop_index("ix_conversations_submission_id", table_name="conversations")


def downgrade() -> None:
    # OwnWork never downgrades: data written by a newer schema must not be dropped.
    raise NotImplementedError("downgrades are not supported")
