"""Telling a database server that cannot be reached apart from one that refused a request.

A server store (PostgreSQL) can go away while a teacher types: the school's server restarts,
the network drops.  That is not a problem with the data, and the same write succeeds once the
server is back, so the store raises ``StoreUnreachableError`` for it and callers keep the
change (the walk-through journals it, app/services/journal.py).  Everything else the server
refuses stays the driver's error: a bug or a rule, which retrying cannot help.
"""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.errors import StoreUnreachableError

# SQLSTATE class 08 is "connection exception"; 57P01-57P03 are the server shutting down, having
# crashed, or still starting up.  All mean "try again later", never "the request was wrong".
_SHUTTING_DOWN = frozenset({"57P01", "57P02", "57P03"})


def _sqlstate(error: BaseException | None) -> str | None:
    # psycopg names it; pg8000 passes the server's fields as a dict in the first argument.
    code = getattr(error, "sqlstate", None)
    if isinstance(code, str):
        return code
    args = getattr(error, "args", ())
    if args and isinstance(args[0], dict):
        found = args[0].get("C")
        return found if isinstance(found, str) else None
    return None


def sqlstate(error: DBAPIError) -> str | None:
    """The server's SQLSTATE for a failed statement (None: SQLite, or no answer)."""
    return _sqlstate(error.orig)


def is_unreachable(error: DBAPIError) -> bool:
    """Whether ``error`` means the server could not be reached or went away."""
    if error.connection_invalidated:
        return True
    code = _sqlstate(error.orig)
    if code is not None:
        return code.startswith("08") or code in _SHUTTING_DOWN
    # Without a SQLSTATE the driver failed before the server answered: refused, reset, closed.
    return isinstance(error, (InterfaceError, OperationalError)) or isinstance(error.orig, OSError)


def is_network_failure(error: OSError) -> bool:
    """Whether an ``OSError`` the driver let out bare (a timeout while a connection was being
    made) came from the network, rather than from a file some code was reading."""
    import socket
    import ssl

    return isinstance(error, TimeoutError | ConnectionError | socket.gaierror | ssl.SSLError)


def unreachable(url: URL) -> StoreUnreachableError:
    """The sentence for a server that cannot be reached (no password, no socket path)."""
    where = f" on {url.host}" if url.host else ""
    return StoreUnreachableError(
        f"The school's database server{where} cannot be reached. Check the network "
        "connection; OwnWork keeps trying."
    )
