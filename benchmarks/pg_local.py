"""The local PostgreSQL server the server benchmarks start themselves.

The test suite's throwaway server (tests/pg_server.py ``PgServer``: ``initdb`` and ``pg_ctl`` in a
temporary folder, a Unix socket only, no TCP port) with durability on, because the benchmarks
time commits as a school's server makes them: written to disk before they return.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from harness import ROOT  # noqa: F401 - puts the repository on sys.path

from tests.pg_server import PgServer, find_bin_dir

# Apart from the test suite's port, so a benchmark and a test run can share a machine.
PORT = 54341

if TYPE_CHECKING:
    from app.domain.principal import Principal, Role


@contextmanager
def local_server() -> Iterator[PgServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("needs PostgreSQL's server programs (Debian: postgresql; make sysdeps)")
    root = Path(tempfile.mkdtemp(prefix="ownwork-bench-pg-"))
    root.chmod(0o755)
    server = PgServer(bin_dir, root, port=PORT, durable=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: PgServer, name: str) -> str:
    """A database on ``server`` set up as IT sets up a school's (``ownwork server init``: the
    group roles, the schema, the grants); its URL, for the cluster's superuser."""
    from app.services import server as setup

    url = server.url(name)
    setup.init(_it(), url)
    return url


def staff_login(url: str, login: str, held: frozenset[Role]) -> str:
    """A login of its own for one member of staff (``ownwork server add-staff``), as each
    copy of OwnWork on a school's server connects; the database's URL as that login."""
    from app.services import staff_accounts

    password = f"{login}-benchmark-only"
    staff_accounts.add_staff(_it(), url, login, password, held)
    parts = urlsplit(url)
    where = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{login}:{password}@{where}"))


def _it() -> Principal:
    """Who sets the benchmark's server up: IT."""
    from app.domain.principal import Principal, Role

    return Principal("benchmark IT", frozenset({Role.IT_ADMIN}))
