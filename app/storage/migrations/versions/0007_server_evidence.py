"""Evidence held in the database, and the audit history of personal stores moved in.

New tables only: ``evidence_blobs`` and ``evidence_chunks`` (a school server's evidence files
as 1 MiB ``bytea`` pieces, see ``app.integrity.blobs.DatabaseBlobStore``), and
``audit_imported_segments``, ``audit_imported_entries`` and ``audit_imported_ids`` (a personal
store's audit chain kept verbatim when ``ownwork server import-personal`` moves it in).  All are
append-only: on PostgreSQL they get the same refusing triggers as 0002's tables (the function
``ownwork_refuse_append_only`` is 0002's).  The personal SQLite store has the tables but never
writes them, so it gets no triggers of its own for them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "evidence_blobs",
    "evidence_chunks",
    "audit_imported_segments",
    "audit_imported_entries",
    "audit_imported_ids",
)


def _tables() -> None:
    op.create_table(
        "evidence_blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_blobs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_evidence_blobs_sha256")),
    )
    op.create_table(
        "evidence_chunks",
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_id"],
            ["evidence_blobs.id"],
            name=op.f("fk_evidence_chunks_blob_id_evidence_blobs"),
            ondelete="RESTRICT",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.PrimaryKeyConstraint("blob_id", "n", name=op.f("pk_evidence_chunks")),
    )
    op.create_table(
        "audit_imported_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_label", sa.String(length=300), nullable=False),
        sa.Column("source_head", sa.String(length=64), nullable=False),
        sa.Column("source_position", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_imported_segments")),
        sa.UniqueConstraint("source_head", name=op.f("uq_audit_imported_segments_source_head")),
    )
    op.create_table(
        "audit_imported_entries",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["audit_imported_segments.id"],
            name=op.f("fk_audit_imported_entries_segment_id_audit_imported_segments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("segment_id", "id", name=op.f("pk_audit_imported_entries")),
    )
    op.create_table(
        "audit_imported_ids",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("server_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["audit_imported_segments.id"],
            name=op.f("fk_audit_imported_ids_segment_id_audit_imported_segments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "segment_id", "entity", "source_id", name=op.f("pk_audit_imported_ids")
        ),
    )


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name != "postgresql":
        return
    # Evidence files are mostly compressed already (PDF, Word, images): PostgreSQL's attempt to
    # compress each piece again cost a third of the write time for nothing.
    op.execute("ALTER TABLE evidence_chunks ALTER COLUMN data SET STORAGE EXTERNAL")
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
