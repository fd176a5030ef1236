"""Staff who lead or attend conversations, and the centre's own details."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.records import Centre, Staff, StaffDraft, StaffRole
from app.domain.validation import check_centre, check_staff
from app.errors import NotFoundError
from app.storage import audit, versions
from app.storage.models import CentreRow, StaffRow


def _to_record(row: StaffRow) -> Staff:
    return Staff(id=row.id, name=row.name, role=StaffRole(row.role), version=row.version)


def create(session: Session, draft: StaffDraft) -> Staff:
    draft = check_staff(draft)
    row = StaffRow(name=draft.name, role=draft.role.value)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "create",
        "staff",
        row.id,
        f"Added staff member {row.name}",
        {"name": row.name, "role": row.role},
    )
    return _to_record(row)


def update(
    session: Session, staff_id: int, draft: StaffDraft, *, version: int | None = None
) -> Staff:
    """Change a member of staff; ``version`` is the one the form started from."""
    draft = check_staff(draft)
    row = versions.locked(session, StaffRow, staff_id)
    if row is None:
        raise NotFoundError(f"There is no staff member with id {staff_id}.")
    versions.check(
        session,
        row,
        version,
        entity="staff",
        what=f"{row.name}'s details",
        theirs={"name": row.name, "role": StaffRole(row.role)},
        yours={"name": draft.name, "role": draft.role},
    )
    changes = audit.diff(
        {"name": row.name, "role": row.role}, {"name": draft.name, "role": draft.role.value}
    )
    row.name, row.role = draft.name, draft.role.value
    if changes:
        audit.record(
            session, "update", "staff", row.id, f"Changed staff member {row.name}", changes
        )
    return _to_record(row)


def all_staff(session: Session) -> list[Staff]:
    return [_to_record(r) for r in session.scalars(select(StaffRow).order_by(StaffRow.name))]


def find_by_name(session: Session, name: str) -> Staff | None:
    """The member of staff of that name, whatever its capitals ("ms okafor" is Ms Okafor)."""
    wanted = name.casefold()
    for row in session.scalars(select(StaffRow).order_by(StaffRow.id)):
        if row.name.casefold() == wanted:
            return _to_record(row)
    return None


def find_or_create(session: Session, name: str, role: StaffRole = StaffRole.TEACHER) -> Staff:
    row = session.scalars(select(StaffRow).where(StaffRow.name == name)).first()
    return _to_record(row) if row else create(session, StaffDraft(name=name, role=role))


def get_centre(session: Session) -> Centre:
    row = session.get(CentreRow, 1)
    if row is None:
        return Centre()
    return Centre(
        name=row.name,
        centre_number=row.centre_number,
        address=row.address,
        head_name=row.head_name,
        head_email=row.head_email,
        head_phone=row.head_phone,
        late_after_days=row.late_after_days,
        version=row.version,
    )


def set_centre(session: Session, centre: Centre, *, version: int | None = None) -> Centre:
    """Save the centre's details; ``version`` is the one the form started from."""
    centre = check_centre(centre)
    row = versions.locked(session, CentreRow, 1)
    before = _fields(get_centre(session))
    if row is None:
        row = CentreRow(id=1)
        session.add(row)
    else:
        versions.check(
            session,
            row,
            version,
            entity="centre",
            what="the centre's details",
            theirs=before,
            yours=_fields(centre),
        )
    row.name, row.centre_number = centre.name, centre.centre_number
    row.address, row.head_name = centre.address, centre.head_name
    row.head_email, row.head_phone = centre.head_email, centre.head_phone
    row.late_after_days = centre.late_after_days
    changes = audit.diff(before, _fields(centre))
    if changes:
        audit.record(session, "update", "centre", 1, "Changed the centre's details", changes)
    session.flush()
    return dataclasses.replace(centre, version=row.version)


def _fields(centre: Centre) -> dict[str, object]:
    """The details a form edits (not the version, which is no detail of the centre)."""
    values = dataclasses.asdict(centre)
    del values["version"]
    return values
