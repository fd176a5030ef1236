"""IT's use cases for the staff's accounts on the school's server: add a member of staff (their
login, its group roles, their staff record and departments), list them, change their roles and
departments, and disable an account (the records stay).

Like ``app/services/server.py`` these run with IT's own login given in the URL (a superuser,
or a member of ``ownwork_owner`` with CREATEROLE), outside the records' transactions: they make
and change logins, which the records' use cases never do.  The staff record and its audit
entries are written in the same transaction as the login, so both or neither exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.principal import Principal, Role
from app.domain.records import StaffRole
from app.services.base import require
from app.services.server import ServerSetupError, _engine, _explained

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.storage.models import StaffRow

# A login as PostgreSQL writes one unquoted: lower-case letters, digits, "_" and ".".
_LOGIN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.")
SHORTEST_PASSWORD = 12
# The roles that belong to a department: a teacher teaches in it, a head of department heads it.
_IN_DEPARTMENTS = frozenset({Role.TEACHER, Role.HEAD_OF_DEPARTMENT})


@dataclass(frozen=True)
class StaffAccount:
    """One member of staff's account as the server holds it."""

    login: str
    name: str
    roles: tuple[Role, ...]
    departments: tuple[str, ...]
    heads: tuple[str, ...]  # the departments of ``departments`` they head
    active: bool  # their staff record is in use
    can_sign_in: bool  # their login may connect


def staff_role(held: Iterable[Role]) -> StaffRole:
    """What the staff record says a member of staff is (the documents' wording): the most
    senior of the school roles they hold that a record names."""
    roles = set(held)
    if Role.HEAD_OF_CENTRE in roles:
        return StaffRole.HEAD_OF_CENTRE
    if Role.EXAMS_OFFICER in roles:
        return StaffRole.EXAMS_OFFICER
    if roles & _IN_DEPARTMENTS:
        return StaffRole.TEACHER
    return StaffRole.OTHER


def check_login(login: str) -> None:
    if not login or not set(login) <= _LOGIN_CHARACTERS or not login[0].isalpha():
        raise ServerSetupError(
            f"{login!r} cannot be a login: use lower-case letters, digits, '_' and '.', "
            "starting with a letter (e.g. s.okafor)."
        )


def _check_departments(held: frozenset[Role], departments: tuple[str, ...]) -> tuple[str, ...]:
    named = tuple(dict.fromkeys(name.strip() for name in departments))
    if any(not name for name in named):
        raise ServerSetupError("A department needs a name (e.g. --department Science).")
    if any(len(name) > 100 for name in named):
        raise ServerSetupError("A department's name must be at most 100 characters long.")
    if named and not held & _IN_DEPARTMENTS:
        raise ServerSetupError(
            "Only a teacher or a head of department belongs to a department: give --role "
            "teacher or --role head-of-department with --department."
        )
    if Role.HEAD_OF_DEPARTMENT in held and not named:
        raise ServerSetupError(
            "A head of department needs the department they head: give --department NAME."
        )
    return named


@contextmanager
def _as_it(url: str, doing: str) -> Iterator[tuple[Session, str]]:
    """One transaction on the server as IT's login (the audit entries name it), and where."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.storage import audit, roles
    from app.storage.server import target

    where = target(url)
    with _explained(where), _engine(url) as engine, engine.begin() as connection:
        if not roles.role_exists(connection, roles.STAFF):
            raise ServerSetupError(
                f"The server {where.where} has no staff role yet: run `ownwork server init`."
            )
        missing = [g for g in roles.GROUP_ROLES.values() if not roles.role_exists(connection, g)]
        if missing:
            raise ServerSetupError(
                f"The server {where.where} has no {missing[0]} role yet: run "
                "`ownwork server upgrade`."
            )
        session = Session(bind=connection)
        session.info["actor"] = connection.execute(text("SELECT session_user")).scalar_one()
        try:
            yield session, where.where
            audit.append_queued(session)
        finally:
            session.close()


def add_staff(
    principal: Principal,
    url: str,
    login: str,
    password: str,
    held: frozenset[Role],
    *,
    name: str = "",
    departments: tuple[str, ...] = (),
) -> str:
    """A login for a member of staff holding the roles ``held``, their staff record tied to
    it (``name``, else the login) and the departments they teach in or head; returns the
    server it was made on."""
    require(principal, Role.IT_ADMIN, "add a member of staff's login")
    from app.domain.records import StaffDraft
    from app.storage import roles, staff
    from app.storage.models import StaffRow

    check_login(login)
    if len(password) < SHORTEST_PASSWORD:
        raise ServerSetupError(
            f"The password must be at least {SHORTEST_PASSWORD} characters long."
        )
    if not held:
        raise ServerSetupError("A member of staff needs at least one role (--role).")
    named = _check_departments(held, departments)
    with _as_it(url, "add a member of staff") as (session, where):
        connection = session.connection()
        if roles.role_exists(connection, login):
            raise ServerSetupError(f"The login {login} already exists on {where}.")
        if session.query(StaffRow).filter(StaffRow.login == login).first() is not None:
            raise ServerSetupError(f"A staff record on {where} is already tied to {login}.")
        roles.add_staff_login(connection, login, password, held)
        record = staff.create(
            session, StaffDraft(name=name.strip() or login, role=staff_role(held))
        )
        row = session.get(StaffRow, record.id)
        assert row is not None
        row.login = login
        _place(session, row.id, held, named)
        _log(session, row.id, f"Tied {row.name} to the login {login}", held, named)
    return where


def _place(session: Session, staff_id: int, held: frozenset[Role], named: tuple[str, ...]) -> None:
    """The member of staff's departments, exactly ``named`` (made if new), heading each when
    they are a head of department."""
    from sqlalchemy import delete, select

    from app.storage.models_access import DepartmentRow, DepartmentStaffRow

    session.execute(delete(DepartmentStaffRow).where(DepartmentStaffRow.staff_id == staff_id))
    for department in named:
        found = session.scalar(select(DepartmentRow).where(DepartmentRow.name == department))
        if found is None:
            found = DepartmentRow(name=department)
            session.add(found)
            session.flush()
        session.add(
            DepartmentStaffRow(
                department_id=found.id,
                staff_id=staff_id,
                head=Role.HEAD_OF_DEPARTMENT in held,
            )
        )
    session.flush()


def _log(
    session: Session, staff_id: int, summary: str, held: frozenset[Role], named: tuple[str, ...]
) -> None:
    """The audit entry for a member of staff's login, roles and departments."""
    from app.storage import audit

    audit.record(
        session,
        "update",
        "staff",
        staff_id,
        summary,
        {"roles": sorted(role.value for role in held), "departments": list(named)},
    )


def _staff_row(session: Session, login: str, where: str) -> StaffRow:
    from app.storage import roles
    from app.storage.models import StaffRow

    connection = session.connection()
    if not roles.role_exists(connection, login):
        raise ServerSetupError(f"There is no login {login} on {where}.")
    row = session.query(StaffRow).filter(StaffRow.login == login).first()
    if row is None:
        raise ServerSetupError(
            f"The login {login} on {where} is not tied to a member of staff in OwnWork."
        )
    return row


def set_roles(
    principal: Principal,
    url: str,
    login: str,
    held: frozenset[Role],
    departments: tuple[str, ...] = (),
) -> str:
    """Make ``held`` the roles of the member of staff signing in as ``login``, and
    ``departments`` their departments; returns the server."""
    require(principal, Role.IT_ADMIN, "change a member of staff's roles")
    from app.storage import roles

    check_login(login)
    if not held:
        raise ServerSetupError("A member of staff needs at least one role (--role).")
    named = _check_departments(held, departments)
    with _as_it(url, "change a member of staff's roles") as (session, where):
        row = _staff_row(session, login, where)
        roles.set_login_roles(session.connection(), login, held)
        row.role = staff_role(held).value
        _place(session, row.id, held, named)
        _log(session, row.id, f"Changed the roles of {row.name} ({login})", held, named)
    return where


def disable(principal: Principal, url: str, login: str) -> str:
    """Stop ``login`` signing in and mark its staff record no longer in use; every record they
    made or led stays.  Returns the server."""
    require(principal, Role.IT_ADMIN, "disable a member of staff's login")
    from app.storage import audit, roles

    check_login(login)
    with _as_it(url, "disable a member of staff's login") as (session, where):
        row = _staff_row(session, login, where)
        roles.disable_login(session.connection(), login)
        if row.active:
            row.active = False
            audit.record(
                session,
                "update",
                "staff",
                row.id,
                f"Disabled the login {login} of {row.name}",
                {"active": [True, False]},
            )
    return where


def accounts(principal: Principal, url: str) -> list[StaffAccount]:
    """Every member of staff with a login, and every OwnWork login without a staff record."""
    require(principal, Role.IT_ADMIN, "list the staff's logins")
    from sqlalchemy import select

    from app.storage import roles
    from app.storage.models import StaffRow
    from app.storage.models_access import DepartmentRow, DepartmentStaffRow

    with _as_it(url, "list the staff's logins") as (session, _where):
        connection = session.connection()
        logins = roles.login_roles(connection)
        rows = {row.login: row for row in session.scalars(select(StaffRow)) if row.login}
        placed: dict[int, list[tuple[str, bool]]] = {}
        for staff_id, department, head in session.execute(
            select(DepartmentStaffRow.staff_id, DepartmentRow.name, DepartmentStaffRow.head)
            .join(DepartmentRow, DepartmentRow.id == DepartmentStaffRow.department_id)
            .order_by(DepartmentRow.name)
        ):
            placed.setdefault(staff_id, []).append((department, head))
        found: list[StaffAccount] = []
        for login in sorted(set(logins) | set(rows)):
            held, can_sign_in = logins.get(login, (frozenset(), False))
            row = rows.get(login)
            where = placed.get(row.id, []) if row is not None else []
            found.append(
                StaffAccount(
                    login=login,
                    name=row.name if row is not None else "",
                    roles=tuple(role for role in Role if role in held),
                    departments=tuple(name for name, _ in where),
                    heads=tuple(name for name, head in where if head),
                    active=bool(row is not None and row.active),
                    can_sign_in=can_sign_in,
                )
            )
    return found
