"""Tables that say who may see what on a school's server (migration 0008).

A member of staff is tied to their PostgreSQL login (``StaffRow.login``, in ``models``);
departments say whose conversations a head of department reads; a share passes a concluded
conversation to the exams officer or to a named colleague; a review note is a head of
department's comment; the subject access log records each time the data protection officer
opens one student's records.  Shares, review notes and the log are append-only (triggers on a
server; the services never change them).  The personal SQLite store has the tables too but
leaves them empty: one teacher holds every role, so nothing is passed on, shared or reviewed
(``ownwork server import-personal`` relies on it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import Base, UTCDateTime, utcnow


class DepartmentRow(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class DepartmentStaffRow(Base):
    __tablename__ = "department_staff"
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    head: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ConversationShareRow(Base):
    """One conversation handed on: to a role (``exams-officer``) or to one colleague's login."""

    __tablename__ = "conversation_shares"
    __table_args__ = (
        CheckConstraint(
            "(passed_to_role IS NULL) <> (shared_with_login IS NULL)", name="one_recipient"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="RESTRICT"), index=True
    )
    passed_to_role: Mapped[str | None] = mapped_column(String(40))
    shared_with_login: Mapped[str | None] = mapped_column(String(63), index=True)
    by_login: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class ReviewNoteRow(Base):
    __tablename__ = "review_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="RESTRICT"), index=True
    )
    author_login: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)


class SubjectAccessRow(Base):
    __tablename__ = "subject_access_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="RESTRICT"))
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
