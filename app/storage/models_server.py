"""Tables a school's server uses: evidence files held in the database, and the audit history of
personal stores moved into it (``ownwork server import-personal``).

They live on the same ``Base`` as ``app.storage.models`` (which imports this module at its end)
and are created by migration 0007 on both kinds of store; the personal SQLite store leaves them
empty (its evidence stays in the data folder).  All of them are append-only: on a PostgreSQL
server the migration's triggers refuse UPDATE, DELETE and TRUNCATE.

Evidence is chunked ``bytea``: ``evidence_blobs`` names each file by its SHA-256 and
``evidence_chunks`` holds it in pieces of 1 MiB, each with its own SHA-256 so that ``verify``
can name the piece that changed.  Chunks hang off the blob's number rather than its SHA-256
because the digest is only known once the last piece is written; the foreign key is checked at
commit, when the blob's row exists.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import AuditColumns, Base, UTCDateTime, utcnow


class EvidenceBlobRow(Base):
    __tablename__ = "evidence_blobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceChunkRow(Base):
    __tablename__ = "evidence_chunks"
    blob_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_blobs.id", ondelete="RESTRICT", deferrable=True, initially="DEFERRED"),
        primary_key=True,
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportedSegmentRow(Base):
    """A personal store's audit chain, moved in: identified by its head hash (importing the
    same store twice finds it), anchored by one entry of the server's own chain."""

    __tablename__ = "audit_imported_segments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_label: Mapped[str] = mapped_column(String(300))
    source_head: Mapped[str] = mapped_column(String(64), unique=True)
    source_position: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))


class ImportedEntryRow(AuditColumns, Base):
    """One entry of an imported chain, verbatim (its own id, hashes and all)."""

    __tablename__ = "audit_imported_entries"
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("audit_imported_segments.id", ondelete="RESTRICT"), primary_key=True
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class ImportedIdRow(Base):
    """Which server record an imported record became: the segment's entries name the ids the
    records had in the personal store."""

    __tablename__ = "audit_imported_ids"
    segment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        ForeignKeyConstraint(["segment_id"], ["audit_imported_segments.id"], ondelete="RESTRICT"),
    )
