"""What the access rules (``app/domain/access.py``) need from the store: one case's facts, and
the conversations a principal may see as a condition a list can add to its own.

The condition is the service layer's copy of what the server's row-level security lets each
role read, so that a list asked for by a principal holds the same rows on SQLite as on
PostgreSQL, and a refusal is the services' sentence rather than a missing row.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from app.domain.access import CaseFacts, holds_every_role
from app.domain.principal import Principal, Role
from app.domain.records import Conclusion, ConversationStatus
from app.errors import NotFoundError
from app.storage.models import ConversationRow, StaffRow
from app.storage.models_access import ConversationShareRow, DepartmentStaffRow

EXAMS_OFFICER_ROLE = Role.EXAMS_OFFICER.value


def _login_of(session: Session, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    return session.scalar(select(StaffRow.login).where(StaffRow.id == staff_id))


def case_facts(session: Session, conversation_id: int) -> CaseFacts:
    row = session.get(ConversationRow, conversation_id)
    if row is None:
        raise NotFoundError(f"There is no conversation with id {conversation_id}.")
    shares = session.execute(
        select(ConversationShareRow.passed_to_role, ConversationShareRow.shared_with_login).where(
            ConversationShareRow.conversation_id == conversation_id
        )
    ).all()
    heads: frozenset[str] = frozenset()
    if row.led_by_id is not None:
        departments = select(DepartmentStaffRow.department_id).where(
            DepartmentStaffRow.staff_id == row.led_by_id
        )
        heads = frozenset(
            login
            for login in session.scalars(
                select(StaffRow.login)
                .join(DepartmentStaffRow, DepartmentStaffRow.staff_id == StaffRow.id)
                .where(DepartmentStaffRow.head, DepartmentStaffRow.department_id.in_(departments))
            )
            if login
        )
    return CaseFacts(
        conversation_id=conversation_id,
        led_by_login=_login_of(session, row.led_by_id),
        second_login=_login_of(session, row.second_staff_id),
        shared_with=frozenset(login for _, login in shares if login),
        passed_to_exams_officer=any(role == EXAMS_OFFICER_ROLE for role, _ in shares),
        department_heads=heads,
        concluded=row.status == ConversationStatus.CONCLUDED.value,
        concerns_remain=row.conclusion == Conclusion.CONCERNS_REMAIN.value,
    )


def passed_to_exams_officer() -> ColumnElement[bool]:
    return ConversationRow.id.in_(
        select(ConversationShareRow.conversation_id).where(
            ConversationShareRow.passed_to_role == EXAMS_OFFICER_ROLE
        )
    )


def visible_to(principal: Principal) -> ColumnElement[bool] | None:
    """The conversations ``principal`` may see, as a condition on ``conversations`` (None: all
    of them, for a principal holding every role)."""
    if holds_every_role(principal):
        return None
    mine = select(StaffRow.id).where(StaffRow.login == principal.name)
    allowed: list[ColumnElement[bool]] = []
    if principal.may(Role.TEACHER):
        allowed += [
            ConversationRow.led_by_id.in_(mine),
            ConversationRow.second_staff_id.in_(mine),
            ConversationRow.id.in_(
                select(ConversationShareRow.conversation_id).where(
                    ConversationShareRow.shared_with_login == principal.name
                )
            ),
        ]
    if principal.may(Role.HEAD_OF_DEPARTMENT):
        headed = select(DepartmentStaffRow.department_id).where(
            DepartmentStaffRow.head, DepartmentStaffRow.staff_id.in_(mine)
        )
        allowed.append(
            ConversationRow.led_by_id.in_(
                select(DepartmentStaffRow.staff_id).where(
                    DepartmentStaffRow.department_id.in_(headed)
                )
            )
        )
    if principal.may(Role.EXAMS_OFFICER) or principal.may(Role.HEAD_OF_CENTRE):
        allowed += [
            ConversationRow.conclusion == Conclusion.CONCERNS_REMAIN.value,
            passed_to_exams_officer(),
        ]
    return or_(*allowed) if allowed else false()


def conversation_of(session: Session, kind: str, row_id: int) -> int | None:
    """The conversation an excerpt's or an answer's row belongs to (None: no such row)."""
    from app.storage.models import AnswerRow, ExcerptRow

    if kind == "excerpt":
        return session.scalar(select(ExcerptRow.conversation_id).where(ExcerptRow.id == row_id))
    return session.scalar(select(AnswerRow.conversation_id).where(AnswerRow.id == row_id))


def staff_id_of(session: Session, login: str) -> int | None:
    """The member of staff signed in as ``login`` on the school's server."""
    return session.scalar(select(StaffRow.id).where(StaffRow.login == login))
