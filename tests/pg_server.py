"""A throwaway PostgreSQL server for the test session, started by the tests themselves.

The cluster lives in a temporary folder and listens on a Unix socket only (no TCP port is
opened), with SCRAM passwords as a school's server would use.  ``initdb`` refuses to run as
root, and CI runs as root: the cluster then belongs to the ``postgres`` account that Debian's
package creates.  Durability settings are off: a test server's data is thrown away anyway.

Each test gets a database of its own, copied from a template that was migrated once, so a
test costs a ``CREATE DATABASE`` rather than a migration run.  Without PostgreSQL's programs a
developer's run skips these tests; under CI it fails (see ``tests/ci_rules.py``): the set-up
(``tools/sysdeps.sh``) installs Debian's ``postgresql`` package.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

SUPERUSER = "ownwork_test_owner"
PASSWORD = "not-a-secret-test-only"
TEMPLATE = "ownwork_template"


def find_bin_dir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: on PATH, or Debian's versioned folder (newest)."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    return Path(found[-1]).parent if found else None


@dataclass
class PgServer:
    bin_dir: Path
    root: Path
    port: int = 54329

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        socket = self.socket_dir / f".s.PGSQL.{self.port}"
        return f"postgresql+pg8000://{SUPERUSER}:{PASSWORD}@/{database}?unix_sock={socket}"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.stdout}")

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True)
        pwfile = self.root / "pwfile"
        pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket_dir, "postgres")
            shutil.chown(pwfile, "postgres")
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "-A",
            "scram-sha-256",
            f"--pwfile={pwfile}",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.resume()

    def resume(self) -> None:
        """Start the server again on its existing cluster (after ``stop``)."""
        options = (
            f"-c listen_addresses='' -k {self.socket_dir} -p {self.port} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "stop")

    def admin_engine(self) -> Engine:
        return create_engine(self.url(), isolation_level="AUTOCOMMIT")


_numbers = itertools.count(1)


def fresh_database(server: PgServer, template: str = TEMPLATE) -> str:
    """A new database copied from ``template``; its name."""
    name = f"ownwork_test_{os.getpid()}_{next(_numbers)}"
    engine = server.admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine.dispose()
    return name


def drop_database(server: PgServer, name: str) -> None:
    engine = server.admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@contextmanager
def started_server(port: int = PgServer.port) -> Iterator[PgServer]:
    """A new cluster in a temporary folder, running until the block ends (then removed)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL's server programs (Debian: postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ownwork-pg-"))
    root.chmod(0o755)
    server = PgServer(bin_dir, root, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    with started_server() as server:
        _make_template(server)
        yield server


def _make_template(server: PgServer) -> None:
    """An empty database migrated to the head revision, copied for every test."""
    from app.storage import migrate

    engine = server.admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
    engine.dispose()
    target = create_engine(server.url(TEMPLATE))
    migrate.upgrade(target)
    target.dispose()
