"""Tables for what a referral to the awarding body needs beyond the conversation's record.

These facts are gathered when the referral is prepared, often after the record was finalised, so
they are kept apart from the record (a finalised record's rows never change): when and how the
concern arose, the AI tool suspected, whether the information for candidates was given, the date
the written notice was given, and the statements of the candidate and of staff.  Created by
migration 0004; ``app.storage.models`` imports this module at its end.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base, UTCDateTime, utcnow


class ReferralFactsRow(Base):
    """One row per conversation, written when the referral's facts are first recorded."""

    __tablename__ = "referral_facts"
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    concern_arose_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    concern_noticed_by: Mapped[str] = mapped_column(String(100), default="")
    ai_tool: Mapped[str] = mapped_column(String(200), default="")
    # "", "yes" or "no": not recorded, or the answer.
    ai_output_kept: Mapped[str] = mapped_column(String(3), default="")
    info_for_candidates_given: Mapped[str] = mapped_column(String(3), default="")
    notice_given_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class StatementRow(Base):
    """A written statement, recorded as the text its author gave, with the date they gave it."""

    __tablename__ = "statements"
    __table_args__ = (CheckConstraint("kind IN ('candidate', 'staff')", name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    author: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(100), default="")
    given_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))
