"""Tables that make records trustworthy: finalisations, amendments and evidence attachments.

They live on the same ``Base`` as ``app.storage.models`` (which imports this module at its end,
so the metadata is complete) and are created by migration 0002.

A finalisation is a row of its own rather than columns on ``conversations``: finalising then
inserts and never updates, so no UPDATE ever touches a finalised conversation's row, and the
database's triggers (migration 0002) can refuse every change to a finalised record outright.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base, UTCDateTime, utcnow


class FinalisationRow(Base):
    """One per finalised conversation; inserted once, never updated or deleted."""

    __tablename__ = "finalisations"
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="RESTRICT"), primary_key=True
    )
    finalised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finalised_by: Mapped[str] = mapped_column(String(100))
    # SHA-256 of ``canonical_json`` (app.domain.canonical.integrity_code at finalising time).
    content_hash: Mapped[str] = mapped_column(String(64))
    canonical_format: Mapped[str] = mapped_column(String(40))
    # The canonical text itself, so that verify can say which field changed, not only that one did.
    canonical_json: Mapped[str] = mapped_column(Text)


class AmendmentRow(Base):
    """A correction to a concluded record, kept beside the original; never updated or deleted."""

    __tablename__ = "amendments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="RESTRICT"), index=True
    )
    # A path into the canonical record, e.g. "answers.3.student_words" (numbers are 1-based).
    path: Mapped[str] = mapped_column(String(200))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttachmentRow(Base):
    """A file of evidence, stored once under its SHA-256 in the data folder's evidence store."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="RESTRICT"), index=True
    )
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="RESTRICT"), index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (
        CheckConstraint("(submission_id IS NULL) <> (conversation_id IS NULL)", name="one_parent"),
    )
