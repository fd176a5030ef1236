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
from collections.abc import Iterable, Iterator
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
    # A TCP address to listen on as well as the socket (the TLS tests: "127.0.0.1").
    listen_addresses: str = ""
    # The server's certificate and key: TLS on (the TLS tests).
    certificate: tuple[Path, Path] | None = None
    # The tests throw their data away and run with fsync off; the benchmarks time commits as a
    # school's server makes them, flushed to disk (benchmarks/pg_local.py).
    durable: bool = False

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
            f"-c listen_addresses='{self.listen_addresses}' -k {self.socket_dir} -p {self.port}"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        if self.certificate is not None:
            options += self._tls_options(*self.certificate)
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

    def _tls_options(self, certificate: Path, key: Path) -> str:
        """TLS on, and ``pg_hba.conf`` admitting TCP connections over TLS only (``hostssl``),
        as the school's server is set up (docs: "Installing for a school")."""
        own_certificate, own_key = self.root / "server.crt", self.root / "server.key"
        shutil.copyfile(certificate, own_certificate)
        shutil.copyfile(key, own_key)
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text(
            "local all all scram-sha-256\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "hostssl all all ::1/128 scram-sha-256\n",
            encoding="utf-8",
        )
        for file in (own_certificate, own_key, hba):
            file.chmod(0o600)
            if os.geteuid() == 0:
                shutil.chown(file, "postgres")
        return f" -c ssl=on -c ssl_cert_file={own_certificate} -c ssl_key_file={own_key}"

    def tcp_url(self, database: str, host: str = "localhost", **query: str) -> str:
        """A URL reaching this server over TCP (``listen_addresses`` set), as a member of
        staff's copy would reach the school's: ``postgresql://`` and libpq's query names."""
        settings = "&".join(f"{name}={value}" for name, value in query.items())
        return f"postgresql://{SUPERUSER}:{PASSWORD}@{host}:{self.port}/{database}" + (
            f"?{settings}" if settings else ""
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


def migrated_database(server: PgServer, name: str) -> str:
    """The database ``name`` made anew (dropped first if a run left it) and migrated to this
    build's schema, for tests that stop and start their own server under a fixed name; its
    URL."""
    from app.storage import migrate

    drop_database(server, name)
    admin = server.admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(server.url(name))
    migrate.upgrade(engine)
    engine.dispose()
    return server.url(name)


def drop_logins(server: PgServer, logins: Iterable[str]) -> None:
    """Remove the logins a test made (roles outlive the databases they were used on)."""
    engine = server.admin_engine()
    with engine.connect() as connection:
        for login in logins:
            connection.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
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


@dataclass(frozen=True)
class TlsServer:
    """A server reached over TCP with TLS, its certificate issued for ``localhost`` by the
    school's CA (``ca``); ``other_ca`` is a CA that did not issue it."""

    server: PgServer
    ca: Path
    other_ca: Path


def make_certificates(folder: Path) -> tuple[Path, Path, Path, Path]:
    """A CA, a server certificate for the name ``localhost`` only (not its address) signed
    by it, and an unrelated CA: (ca, certificate, key, other_ca), made with openssl."""
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], check=True, capture_output=True)

    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for name in ("ca", "other-ca"):
        openssl(
            "req", "-x509", *curve, "-keyout", str(folder / f"{name}.key"),
            "-out", str(folder / f"{name}.crt"), "-days", "2", "-subj", f"/CN=Test {name}",
        )  # fmt: skip
    openssl(
        "req", *curve, "-keyout", str(folder / "server.key"), "-out", str(folder / "server.csr"),
        "-subj", "/CN=localhost",
    )  # fmt: skip
    extensions = folder / "server.ext"
    extensions.write_text("subjectAltName=DNS:localhost\n", encoding="utf-8")
    openssl(
        "x509", "-req", "-in", str(folder / "server.csr"), "-CA", str(folder / "ca.crt"),
        "-CAkey", str(folder / "ca.key"), "-CAcreateserial", "-out", str(folder / "server.crt"),
        "-days", "2", "-extfile", str(extensions),
    )  # fmt: skip
    return folder / "ca.crt", folder / "server.crt", folder / "server.key", folder / "other-ca.crt"


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def tls_pg_server() -> Iterator[TlsServer]:
    """A second server listening on 127.0.0.1 with TLS on and ``hostssl`` only, for the
    network rules' tests (verify-full really checked: CA and name)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("needs PostgreSQL's server programs (Debian: postgresql)")
    root = Path(tempfile.mkdtemp(prefix="ownwork-pg-tls-"))
    root.chmod(0o755)
    ca, certificate, key, other_ca = make_certificates(root / "certificates")
    server = PgServer(
        bin_dir,
        root / "server",
        port=free_port(),
        listen_addresses="127.0.0.1",
        certificate=(certificate, key),
    )
    server.root.mkdir()
    server.root.chmod(0o755)
    server.start()
    try:
        yield TlsServer(server, ca, other_ca)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
