"""The tables, as typed SQLAlchemy 2 declarative models.

The schema is created and changed only by the Alembic migrations beside this file; these models
must match the newest migration (a test compares them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names make migrations reviewable and portable to PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Made by migration 0006 on PostgreSQL only, and only where pg_trgm could be created: GIN trigram
# indexes on the folded search keys (``LIKE '%term%'``).  Not modelled (SQLite has no such index);
# tests/test_schema.py allows exactly these beside the models.
SERVER_ONLY_INDEXES = frozenset({"ix_students_search_key_trgm", "ix_submissions_search_key_trgm"})


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC everywhere."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; OwnWork stores aware UTC times only")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """An editable record: ``version`` counts its saved changes (migration 0006).

    SQLAlchemy's ``version_id_col`` adds ``WHERE version = <the version read>`` to every UPDATE
    of the row and raises ``StaleDataError`` when another transaction changed it first; the
    repositories compare it with the version a form started from and refuse with a
    ``ConflictError`` before anything is written (app/storage/versions.py).
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CentreRow(Versioned, Base):
    __tablename__ = "centre"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    centre_number: Mapped[str] = mapped_column(String(5), default="")
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    head_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    head_email: Mapped[str] = mapped_column(String(100), default="", server_default="")
    head_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    late_after_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")


class StaffRow(Versioned, Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    # The school server's login this member of staff signs in with (migration 0008); None in
    # the personal store.  A disabled account keeps its row and its records.
    login: Mapped[str | None] = mapped_column(String(63), unique=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class StudentRow(Versioned, Timestamps, Base):
    __tablename__ = "students"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    surname: Mapped[str] = mapped_column(String(100))
    forename: Mapped[str] = mapped_column(String(100))
    candidate_number: Mapped[str | None] = mapped_column(String(4), unique=True)
    upn: Mapped[str | None] = mapped_column(String(13), unique=True)
    reg_group: Mapped[str] = mapped_column(String(40), default="")
    year_group: Mapped[int | None] = mapped_column(Integer)
    # Folded name + numbers for type-to-filter; kept in step by the repository.
    search_key: Mapped[str] = mapped_column(String(400), default="", index=True)
    # Surname then forename, folded like the search (app.domain.text.name_sort_key, 0005).
    sort_name: Mapped[str] = mapped_column(Text, default="", deferred=True)

    __table_args__ = (
        Index("ix_students_sort_name", "sort_name"),
        Index("ix_students_sort_reg_group", "reg_group", "sort_name"),
        Index("ix_students_sort_year_group", "year_group", "sort_name"),
    )


class SubmissionRow(Versioned, Timestamps, Base):
    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="RESTRICT"), index=True
    )
    awarding_body: Mapped[str] = mapped_column(String(40))
    qualification: Mapped[str] = mapped_column(String(300))
    component_code: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    exam_series: Mapped[str] = mapped_column(String(40), default="")
    handed_in_on: Mapped[dt.date | None] = mapped_column(Date)
    declaration_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    declaration_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    search_key: Mapped[str] = mapped_column(String(800), default="", index=True)

    # One per sortable column of the submission list (migration 0003).
    __table_args__ = (
        Index("ix_submissions_awarding_body", "awarding_body"),
        Index("ix_submissions_qualification", "qualification"),
        Index("ix_submissions_component_code", "component_code"),
        Index("ix_submissions_title", "title"),
        Index("ix_submissions_handed_in_on", "handed_in_on"),
        Index("ix_submissions_sort_declaration", "declaration_signed", "declaration_signed_on"),
    )


class ConversationRow(Versioned, Timestamps, Base):
    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # submission_id and held_at are indexed together below (migration 0003).
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="RESTRICT"))
    held_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    led_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    second_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    others_present: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="preparing", index=True)
    # Prepare step
    concern_summary: Mapped[str] = mapped_column(Text, default="")
    purpose_explained: Mapped[bool] = mapped_column(Boolean, default=False)
    rights_json: Mapped[str] = mapped_column(Text, default="{}")
    access_arrangements: Mapped[str] = mapped_column(Text, default="")
    wellbeing_note: Mapped[str] = mapped_column(Text, default="")
    staff_only_note: Mapped[str] = mapped_column(Text, default="")
    # The script as it was when the conversation began: later edits never reach this record.
    script_name: Mapped[str] = mapped_column(String(200), default="")
    script_snapshot: Mapped[str] = mapped_column(Text, default="")
    # Converse step
    current_position: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Conclude step
    conclusion: Mapped[str | None] = mapped_column(String(20))
    student_account: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # The lists read these indexes alone, never the (wide) rows, until a window's ids are
        # known; the second also serves the foreign key (migration 0003).
        Index("ix_conversations_held_at_submission", "held_at", "submission_id"),
        Index(
            "ix_conversations_submission_list",
            "submission_id",
            "held_at",
            "status",
            "conclusion",
            "led_by_id",
        ),
        Index("ix_conversations_conclusion", "conclusion"),
        Index("ix_conversations_led_by_id", "led_by_id"),
    )


class IndicatorRow(Base):
    __tablename__ = "conversation_indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint(
            "conversation_id", "code", name="uq_conversation_indicators_conversation_code"
        ),
    )


class ExcerptRow(Base):
    __tablename__ = "conversation_excerpts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")


class AnswerRow(Base):
    __tablename__ = "conversation_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_key: Mapped[str] = mapped_column(String(80))
    section_title: Mapped[str] = mapped_column(String(200), default="")
    question_text: Mapped[str] = mapped_column(Text)
    unscripted: Mapped[bool] = mapped_column(Boolean, default=False)
    excerpt_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_excerpts.id", ondelete="SET NULL")
    )
    rating: Mapped[str | None] = mapped_column(String(10))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    student_words: Mapped[str] = mapped_column(Text, default="")
    observations: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_conversation_answers_conversation_position", "conversation_id", "position"),
    )


class AuditColumns:
    """An audit entry's content and hashes: the log's own rows, and the entries of a personal
    store's log kept verbatim on a server (``models_server.ImportedEntryRow``)."""

    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="")
    changes_json: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditRow(AuditColumns, Base):
    """Append-only: rows are never updated or deleted; each chains to the previous one's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


from app.storage import models_access as models_access  # noqa: E402 - completes metadata
from app.storage import models_integrity as models_integrity  # noqa: E402 - completes metadata
from app.storage import models_referral as models_referral  # noqa: E402 - completes metadata
from app.storage import models_server as models_server  # noqa: E402 - completes metadata
