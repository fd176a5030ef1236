"""Use cases: the one seam the GUI and the command line call.

One module per area (``records``, ``integrity``, ``documents``, ``imports``, ``backups``).  Each
use case is a function ``(principal, database, ...)`` that checks the principal may do it, owns
its transaction (the audit entries it writes name the principal), and returns domain records,
with what it changed (``Changes``) for a write.  Repositories in ``app/storage`` are the
services' private helpers: callers outside ``app`` never open a transaction themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.domain.principal import Principal, Role
from app.errors import PermissionDenied
from app.services.base import Changes, Outcome

if TYPE_CHECKING:
    from app.storage.database import Database, connect

__all__ = [
    "Changes",
    "Database",
    "Outcome",
    "PermissionDenied",
    "Principal",
    "Role",
    "connect",
    "load_storage",
]


def __getattr__(name: str) -> Any:
    """``Database`` (the store handle every use case is given) and ``connect`` (which opens
    it), named here so that callers hold them without reaching into ``app.storage``; loaded on
    first use, as the storage layer is not imported before the window is painted."""
    if name in ("Database", "connect"):
        from app.storage import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_storage() -> None:
    """Import the storage layer in one go (most of a second): the window does it in a worker
    thread once it is painted (app/storage/preload.py)."""
    from app.storage import preload  # noqa: F401
