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

from harness import ROOT  # noqa: F401 - puts the repository on sys.path
from sqlalchemy import text

from tests.pg_server import PgServer, find_bin_dir

# Apart from the test suite's port, so a benchmark and a test run can share a machine.
PORT = 54341


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
    """An empty database on ``server``; its URL (OwnWork migrates it when it first connects)."""
    engine = server.admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.url(name)
