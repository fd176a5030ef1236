"""What every use case shares: the permission check, the transaction, and ``Changes``.

``Changes`` names the kinds of record a write touched and their ids, so that whoever called
it (a list in the window, a command printing JSON) knows what to read again without guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from app.domain.access import ROSTER_READERS
from app.domain.principal import ROLE_LABELS, Principal, Role
from app.errors import PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.storage.database import Database

T = TypeVar("T")

# The kinds of record ``Changes`` names: the audit log's entity names.
STUDENT = "student"
SUBMISSION = "submission"
CONVERSATION = "conversation"
STAFF = "staff"
CENTRE = "centre"
ATTACHMENT = "attachment"
REFERRAL = "referral"


@dataclass(frozen=True)
class Changes:
    """Record kinds mapped to the ids a write touched (``None`` in a set: many, unnamed)."""

    touched: Mapping[str, frozenset[int | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, *ids: int | None) -> Changes:
        return cls({kind: frozenset(ids)})

    def __or__(self, other: Changes) -> Changes:
        merged = {kind: set(ids) for kind, ids in self.touched.items()}
        for kind, ids in other.touched.items():
            merged.setdefault(kind, set()).update(ids)
        return Changes({kind: frozenset(ids) for kind, ids in merged.items()})

    def __bool__(self) -> bool:
        return bool(self.touched)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.touched)

    def ids(self, kind: str) -> frozenset[int | None]:
        return self.touched.get(kind, frozenset())

    def __contains__(self, kind: object) -> bool:
        return kind in self.touched


NO_CHANGES = Changes()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a write returns: the record(s) it produced and what it changed."""

    value: T
    changes: Changes


def require(principal: Principal, role: Role, doing: str) -> None:
    """Refuse, in a sentence, a principal without ``role``; ``doing`` completes "may not …"."""
    if not principal.may(role):
        raise PermissionDenied(
            f"{principal.name} may not {doing}: that needs the {ROLE_LABELS[role]} role."
        )


def require_any(principal: Principal, roles: Iterable[Role], doing: str) -> None:
    wanted = list(roles)
    if not any(principal.may(role) for role in wanted):
        names = " or ".join(ROLE_LABELS[role] for role in wanted)
        raise PermissionDenied(f"{principal.name} may not {doing}: that needs the {names} role.")


# Reading records: anyone who works with them (which conversations: app/domain/access.py).
READERS = ROSTER_READERS


@contextmanager
def transaction(database: Database, principal: Principal) -> Iterator[Session]:
    """The use case's one unit of work, its audit entries written in the principal's name."""
    with database.transaction(actor=principal.name) as session:
        yield session
