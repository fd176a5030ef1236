"""The network rules of server mode: TLS with the certificate and the server's name checked
against the school's CA anywhere but on this computer; nothing sent to a server the rules
refuse; a connection to the configured server only; and one clear line for each failure."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.cli.main import main
from tests.pg_server import (
    PASSWORD,
    SUPERUSER,
    PgServer,
    TlsServer,
    drop_database,
    fresh_database,
)

ROOT = Path(__file__).resolve().parent.parent


def _one_line_refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("ownwork: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture(scope="module")
def tls_database(tls_pg_server: TlsServer) -> str:
    """A database set up by ``server init`` on the TLS server, reached by its name."""
    url = tls_pg_server.server.tcp_url("school", sslrootcert=str(tls_pg_server.ca))
    assert main(["server", "init", "--database-url", url]) == 0
    return url


def test_the_school_ca_and_the_servers_name_let_the_connection_through(
    tls_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["server", "check", "--json", "--database-url", tls_database]) == 0
    report = json.loads(capsys.readouterr().out)
    tls = next(item for item in report["checks"] if item["check"] == "tls")
    assert tls["status"] == "ok"
    assert tls["detail"].startswith("in use: TLSv1.")
    assert "checked against" in tls["detail"] and "the name localhost" in tls["detail"]


def test_a_certificate_from_another_ca_is_refused_in_one_line(
    tls_database: str, tls_pg_server: TlsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = tls_pg_server.server.tcp_url("school", sslrootcert=str(tls_pg_server.other_ca))
    err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
    assert "could not be trusted" in err and "certificate" in err


def test_a_certificate_for_another_name_is_refused(
    tls_database: str, tls_pg_server: TlsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The certificate names "localhost"; the same server reached by its address fails the
    # name check that verify-full makes, though the CA is right.
    url = tls_pg_server.server.tcp_url(
        "school", host="127.0.0.1", sslrootcert=str(tls_pg_server.ca)
    )
    err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
    assert "could not be trusted" in err and "127.0.0.1" in err


def test_a_missing_ca_file_is_named(
    tmp_path: Path, tls_pg_server: TlsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = tls_pg_server.server.tcp_url("school", sslrootcert=str(tmp_path / "nowhere.crt"))
    err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
    assert "nowhere.crt" in err and "cannot be read" in err


def test_a_server_elsewhere_without_tls_is_refused_before_any_packet(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    attempts: list[object] = []

    def record(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("a connection was attempted")

    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, record)
    monkeypatch.setattr(socket.socket, "connect", record)
    err = _one_line_refusal(
        capsys,
        ["list", "students", "--database-url", "postgresql://teacher:pw@db.school.example/ownwork"],
    )
    assert "only over TLS" in err and "sslrootcert" in err
    assert attempts == []


def test_an_explicit_opt_out_is_allowed_and_flagged(
    pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    from app.storage.server import target

    chosen = target("postgresql://teacher:pw@10.1.2.3/ownwork?sslmode=disable")
    assert chosen.tls == "disable" and not chosen.local
    assert any("not encrypted" in warning for warning in chosen.warnings)


def test_wrong_password_is_one_line(
    pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url("ownwork_template").replace(PASSWORD, "not-the-password")
    err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
    assert f"refused the login {SUPERUSER}" in err and "wrong password" in err


@pytest.mark.expect_log("not encrypted")
def test_no_such_host_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # .invalid never resolves (RFC 2606); sslmode=disable lets the rules pass to the lookup.
    url = "postgresql://teacher:pw@no-such-server.invalid/ownwork?sslmode=disable"
    err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
    assert "No server called no-such-server.invalid could be found" in err


def test_a_server_that_is_down_is_one_line(
    tls_pg_server: TlsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pg_server import free_port

    url = f"postgresql://teacher:pw@127.0.0.1:{free_port()}/ownwork"
    err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
    assert "Nothing answered at 127.0.0.1" in err


def test_a_database_not_set_up_is_one_line(
    pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = pg_server.admin_engine()
    with engine.connect() as connection:
        connection.execute(text('CREATE DATABASE "ownwork_empty"'))
    engine.dispose()
    try:
        err = _one_line_refusal(
            capsys, ["list", "students", "--database-url", pg_server.url("ownwork_empty")]
        )
        assert "has not been set up for OwnWork" in err and "server init" in err
    finally:
        drop_database(pg_server, "ownwork_empty")


def test_a_missing_database_is_one_line(
    pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _one_line_refusal(
        capsys, ["list", "students", "--database-url", pg_server.url("no_such_database")]
    )
    assert "has no database no_such_database" in err


def test_tls_to_a_server_without_tls_is_one_line(
    pg_server: PgServer, tls_pg_server: TlsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import tempfile

    from tests.pg_server import free_port

    # A server on the loopback without TLS, asked for TLS (a CA given): it cannot offer it.
    root = Path(tempfile.mkdtemp(prefix="ownwork-pg-plain-"))
    root.chmod(0o755)
    plain = PgServer(
        pg_server.bin_dir, root / "server", port=free_port(), listen_addresses="127.0.0.1"
    )
    plain.start()
    try:
        url = plain.tcp_url("postgres", sslrootcert=str(tls_pg_server.ca))
        err = _one_line_refusal(capsys, ["list", "students", "--database-url", url])
        assert "does not offer TLS" in err
    finally:
        plain.stop()
        shutil.rmtree(root, ignore_errors=True)


# A child interpreter that records every address a socket connects to (the audit hook sees
# every connection however it is made), runs one command, and prints what it saw.
AUDITED = textwrap.dedent(
    """
    import json, sys
    seen = []
    def hook(event, args):
        if event == "socket.connect":
            seen.append(args[1] if isinstance(args[1], str) else list(args[1])[:2])
    sys.addaudithook(hook)
    from app.cli.main import main
    code = main(sys.argv[1:])
    print("CONNECTED " + json.dumps(seen))
    sys.exit(code)
    """
)


def _connections(argv: list[str]) -> list[object]:
    child = subprocess.run(
        [sys.executable, "-c", AUDITED, *argv], cwd=ROOT, capture_output=True, text=True
    )
    assert child.returncode == 0, child.stderr
    line = next(x for x in child.stdout.splitlines() if x.startswith("CONNECTED "))
    seen: list[object] = json.loads(line.removeprefix("CONNECTED "))
    return seen


def test_server_mode_connects_to_the_configured_socket_only(
    pg_server: PgServer, tmp_path: Path
) -> None:
    name = fresh_database(pg_server)
    try:
        url = pg_server.url(name)
        seen = _connections(
            ["seed-demo", "--students", "3", "--conversations", "3", "--database-url", url]
        )
        assert seen, "no connection at all was seen"
        assert set(map(str, seen)) == {str(pg_server.socket_dir / f".s.PGSQL.{pg_server.port}")}
    finally:
        drop_database(pg_server, name)


def test_server_mode_connects_to_the_configured_address_only(
    tls_database: str, tls_pg_server: TlsServer
) -> None:
    seen = _connections(["server", "check", "--database-url", tls_database])
    assert seen
    localhost = {info[4][0] for info in socket.getaddrinfo("localhost", None)}
    for address in seen:
        assert isinstance(address, list)
        host, port = address
        assert host in localhost and port == tls_pg_server.server.port


def test_the_application_name_carries_the_version(pg_server: PgServer) -> None:
    from app.storage.database import open_url
    from app.version import version

    store = open_url(pg_server.url("ownwork_template"))
    try:
        with store.transaction() as session:
            named = session.scalar(text("SELECT current_setting('application_name')"))
    finally:
        store.dispose()
    assert named == f"ownwork/{version()}"


@pytest.mark.expect_log("readable by others")
def test_a_password_file_supplies_the_password(
    pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.storage.database import open_url

    file = tmp_path / "pgpass"
    file.write_text(f"localhost:{pg_server.port}:*:{SUPERUSER}:{PASSWORD}\n", encoding="utf-8")
    file.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(file))
    url = pg_server.url("ownwork_template").replace(f":{PASSWORD}@", "@")
    store = open_url(url)
    store.dispose()
    # Readable by others: ignored, as libpq ignores it, so the login has no password.
    file.chmod(0o644)
    with pytest.raises(Exception, match="asks for a password"):
        open_url(url)


def test_the_environment_names_the_server(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = fresh_database(pg_server)
    try:
        monkeypatch.setenv("OWNWORK_DATABASE_URL", pg_server.url(name))
        assert main(["add", "student", "--surname", "Okoro", "--forename", "Ada",
                     "--candidate-number", "0042"]) == 0  # fmt: skip
        engine = create_engine(pg_server.url(name))
        with engine.connect() as connection:
            surnames = connection.scalars(text("SELECT surname FROM students")).all()
        engine.dispose()
        assert surnames == ["Okoro"]
    finally:
        drop_database(pg_server, name)


def test_check_flags_an_explicit_opt_out_as_a_warning() -> None:
    from app.services.server import _tls
    from app.storage.server import target

    class NoTls:
        """The server's answer about this connection: no TLS in use."""

        def execute(self, *_args: object) -> NoTls:
            return self

        def first(self) -> tuple[bool, None, None]:
            return (False, None, None)

    opted_out = target("postgresql://teacher:pw@10.1.2.3/ownwork?sslmode=disable")
    check = _tls(NoTls(), opted_out)  # type: ignore[arg-type]
    assert check.status == "warning" and "sslmode=disable" in check.detail
    local = target("postgresql://teacher:pw@localhost/ownwork")
    assert _tls(NoTls(), local).status == "ok"  # type: ignore[arg-type]
