"""Use cases: the one seam the GUI and the command line call.

One module per area (``records``, ``integrity``, ``documents``, ``imports``, ``backups``).  Each
use case is a function ``(principal, database, ...)`` that checks the principal may do it, owns
its transaction (the audit entries it writes name the principal), and returns domain records,
with what it changed (``Changes``) for a write.  Repositories in ``app/storage`` are the
services' private helpers: callers outside ``app`` never open a transaction themselves.
"""

from __future__ import annotations

from app.domain.principal import Principal, Role
from app.errors import PermissionDenied
from app.services.base import Changes, Outcome

__all__ = ["Changes", "Outcome", "PermissionDenied", "Principal", "Role"]
