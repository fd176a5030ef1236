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
    from app.storage.database import Database

__all__ = ["Changes", "Database", "Outcome", "PermissionDenied", "Principal", "Role"]


def __getattr__(name: str) -> Any:
    """``Database``, the store handle every use case is given, named here so that callers
    hold it without reaching into ``app.storage``; loaded on first use, as the storage layer
    is not imported before the window is painted."""
    if name == "Database":
        from app.storage.database import Database

        return Database
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
