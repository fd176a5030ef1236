"""Connecting to the school's PostgreSQL server: the network rules, the password's sources, the
driver's options, and one clear sentence for each way a connection fails.

The rules (docs/README "Installing for a school"):

- OwnWork connects only to the server the URL names, and checks them here, before any packet
  is sent.
- A server on this computer (a Unix socket, ``localhost``, ``127.0.0.1``, ``::1``) may be
  reached without TLS.  Any other host is reached only over TLS with the certificate verified
  against the school's CA file and its name checked (libpq's ``sslmode=verify-full``): the URL
  names the CA file with ``sslrootcert=FILE``.  IT may explicitly allow an unencrypted
  connection with ``sslmode=disable``; ``server check`` and the log then warn about it.
- The password is never stored in OwnWork's settings: it comes from the URL, from a PostgreSQL
  password file (``PGPASSFILE`` or ``~/.pgpass``, as libpq reads it), or from the operating
  system's keyring for a saved connection profile.

The driver is pg8000 (pure Python; the figures behind the choice are in docs/performance.md).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL, make_url

from app.errors import OwnWorkError

if TYPE_CHECKING:
    import socket
    import ssl

log = logging.getLogger(__name__)

DRIVER = "postgresql+pg8000"
DEFAULT_PORT = 5432
# Seconds a new connection may take to be made (``connect_timeout``, libpq's name), and
# seconds a statement may wait for the server's next reply (``read_timeout``; 0: no limit).
# A server that hangs rather than refusing (stopped, or a network that drops packets) is then
# "unreachable" within a bound, and the walk-through's journal takes over
# (app/storage/server_errors.py).  A statement's reply can legitimately take a while (a lock
# another member of staff's save holds), so the read limit is the longer.
DEFAULT_CONNECT_TIMEOUT = 10
DEFAULT_READ_TIMEOUT = 30
# TCP keepalives: an idle connection whose server has gone from the network is found dead
# after about a minute (idle 30 s, then 3 probes 10 s apart) rather than the system's two hours.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 30, 10, 3
# The keyring's service name for saved connection profiles' passwords.
KEYRING_SERVICE = "OwnWork school server"
# libpq's names, so IT can reuse what they know from psql.
SSL_MODES = ("disable", "require", "verify-full")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class ServerConnectionError(OwnWorkError):
    """The school's server could not be reached or refused OwnWork (the message says which)."""


class NetworkRuleError(ServerConnectionError):
    """The URL breaks a network rule (TLS required): refused before any connection."""


@dataclass(frozen=True)
class Target:
    """Where and how to connect: the driver's URL (without what the driver is given apart)
    and its connection arguments, and what the rules decided."""

    url: URL
    connect_args: dict[str, Any] = field(repr=False)
    host: str  # a host name or address; the socket's path for a Unix socket
    port: int
    database: str
    login: str
    tls: str  # "verify-full", "require" or "disable"
    local: bool  # on this computer (loopback or Unix socket)
    ca_file: Path | None = None
    warnings: tuple[str, ...] = ()
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float | None = DEFAULT_READ_TIMEOUT  # None: wait as long as the server takes

    @property
    def where(self) -> str:
        """The server as a person names it: ``host:port/database`` or the socket's path."""
        # A socket's folder stands for the host, as libpq's host=/run/postgresql does.
        host = str(Path(self.host).parent) if self.host.startswith("/") else self.host
        return f"{host}:{self.port}/{self.database}"


def is_server_url(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def application_name() -> str:
    """What OwnWork calls itself on the server (``pg_stat_activity.application_name``), so
    that ``server upgrade`` can see which versions are connected."""
    from app.version import version

    return f"ownwork/{version()}"


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def target(given: str) -> Target:
    """The connection ``given`` asks for, checked against the rules (``NetworkRuleError``)."""
    try:
        url = make_url(given.replace("postgres://", "postgresql://", 1))
    except Exception as error:  # SQLAlchemy's ArgumentError and ValueError alike
        raise ServerConnectionError(f"The database URL is not valid ({error}).") from error
    if url.get_backend_name() != "postgresql":
        raise ServerConnectionError(
            "The database URL must name a PostgreSQL server (postgresql://LOGIN@HOST/DATABASE)."
        )
    query = dict(url.query)
    options = {name: _single(value) for name, value in query.items()}
    socket_path = options.pop("unix_sock", None)
    host_option = options.pop("host", None)  # libpq's ?host=/run/postgresql
    if socket_path is None and host_option and host_option.startswith("/"):
        socket_path = host_option
    port = url.port or DEFAULT_PORT
    if socket_path is not None and Path(socket_path).name.startswith(".s.PGSQL."):
        port = int(Path(socket_path).name.removeprefix(".s.PGSQL.") or port)
    elif socket_path is not None:
        # A folder, as libpq's host=/run/postgresql names it: the socket is in it.
        socket_path = str(Path(socket_path) / f".s.PGSQL.{port}")
    host = socket_path or url.host or ""
    if not host:
        raise ServerConnectionError(
            "The database URL names no server: postgresql://LOGIN@HOST/DATABASE."
        )
    database = url.database or ""
    if not database:
        raise ServerConnectionError("The database URL names no database (…@HOST/DATABASE).")
    login = url.username or ""
    if not login:
        raise ServerConnectionError("The database URL names no login (postgresql://LOGIN@…).")
    local = socket_path is not None or _is_loopback(host)
    mode = options.pop("sslmode", None)
    ca = options.pop("sslrootcert", None)
    connect_timeout = _seconds(options.pop("connect_timeout", None), "connect_timeout")
    read_timeout = _seconds(options.pop("read_timeout", None), "read_timeout")
    if options:
        unknown = ", ".join(sorted(options))
        raise ServerConnectionError(
            f"The database URL has settings OwnWork does not know ({unknown}); it knows "
            "sslmode, sslrootcert, connect_timeout, read_timeout and unix_sock."
        )
    if mode is not None and mode not in SSL_MODES:
        raise ServerConnectionError(
            f"sslmode={mode} is not one OwnWork uses: verify-full (the default with a CA "
            "file), require, or disable."
        )
    ca_file = Path(ca).expanduser() if ca else None
    warnings: list[str] = []
    if mode is None:
        mode = "verify-full" if ca_file is not None else ("disable" if local else "")
    if socket_path is not None and mode != "disable":
        raise NetworkRuleError(
            "A Unix socket carries no TLS: leave sslmode and sslrootcert out of the URL."
        )
    if mode == "verify-full" and ca_file is None:
        raise NetworkRuleError(
            f"sslmode=verify-full needs the school's CA file: add sslrootcert=FILE to the URL "
            f"for {host}."
        )
    if not mode:
        raise NetworkRuleError(
            f"The server {host} is not on this computer, so OwnWork connects to it only over "
            "TLS with its certificate checked: add sslrootcert=FILE (the school's CA "
            "certificate) to the URL, or sslmode=disable if IT has decided to allow "
            "unencrypted connections."
        )
    if not local and mode == "disable":
        warnings.append(
            f"The connection to {host} is not encrypted (sslmode=disable): passwords and "
            "records cross the network readable by anyone on it."
        )
    if not local and mode == "require":
        warnings.append(
            f"The connection to {host} is encrypted but the server's certificate is not "
            "checked (sslmode=require): another machine could pose as the server."
        )
    password = url.password if url.password is not None else find_password(url, host, port)
    connect_args: dict[str, Any] = {
        "application_name": application_name(),
        # Making the connection; each later wait is bounded by read_timeout (bound_waits).
        "timeout": connect_timeout or DEFAULT_CONNECT_TIMEOUT,
        "ssl_context": _ssl_context(mode, ca_file, host),
    }
    # The socket stays in the URL (the pg8000 dialect passes it on), so that the engine's URL
    # still names the server when rendered for another process.
    driver_url = URL.create(
        DRIVER,
        username=login,
        password=password,
        host=None if socket_path is not None else url.host,
        port=None if socket_path is not None else port,
        database=database,
        query={"unix_sock": socket_path} if socket_path is not None else {},
    )
    return Target(
        url=driver_url,
        connect_args=connect_args,
        host=host,
        port=port,
        database=database,
        login=login,
        tls=mode,
        local=local,
        ca_file=ca_file,
        warnings=tuple(warnings),
        connect_timeout=connect_timeout or DEFAULT_CONNECT_TIMEOUT,
        read_timeout=DEFAULT_READ_TIMEOUT if read_timeout is None else (read_timeout or None),
    )


def _seconds(value: str | None, name: str) -> float | None:
    """A URL's number of seconds (None when not given; 0 is "no limit")."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:
        raise ServerConnectionError(
            f"{name}={value} in the database URL is not a number of seconds (0 for no limit)."
        )
    return seconds


def bound_waits(connection: Any, where: Target) -> None:
    """Once ``connection`` (pg8000's) is made within ``connect_timeout`` (the driver's
    ``timeout``), bound each later wait for the server by ``read_timeout`` and turn TCP
    keepalives on.  pg8000 takes one timeout for both and no socket options, so its socket is
    set here (``_usock``; tests/test_server_hangs.py fails should a pg8000 release rename it)."""
    import socket

    made: socket.socket = connection._usock
    made.settimeout(where.read_timeout)
    if made.family in (socket.AF_INET, socket.AF_INET6):
        _keep_alive(made, where.read_timeout)
    connection._sock = _NetworkFile(connection._sock)


class _NetworkFile:
    """pg8000's buffered socket file, its reads failing as the driver's other network failures
    do: pg8000 lets a read's timeout out as the bare ``TimeoutError``, which SQLAlchemy does
    not take for a dead connection (it would stay in the pool, failing each use)."""

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    def read(self, size: int = -1) -> bytes:
        from pg8000.exceptions import InterfaceError  # type: ignore[import-untyped]

        try:
            data: bytes = self._wrapped.read(size)
        except OSError as error:
            raise InterfaceError("network error") from error
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def _keep_alive(made: socket.socket, read_timeout: float | None) -> None:
    import socket

    made.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    # Each option where this system has it (Linux has all; macOS names the first differently).
    for option, value in (
        ("TCP_KEEPIDLE", KEEPALIVE_IDLE),
        ("TCP_KEEPALIVE", KEEPALIVE_IDLE),
        ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL),
        ("TCP_KEEPCNT", KEEPALIVE_COUNT),
        # Data sent and never acknowledged (the network cut mid-write) fails as a read would.
        ("TCP_USER_TIMEOUT", int((read_timeout or 0) * 1000)),
    ):
        number = getattr(socket, option, None)
        if number is not None and value:
            made.setsockopt(socket.IPPROTO_TCP, number, value)


def _single(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else value[-1]


def _ssl_context(mode: str, ca_file: Path | None, host: str) -> ssl.SSLContext | bool:
    """pg8000's ``ssl_context``: False for no TLS; a context that checks the certificate
    against the CA file and the host name for verify-full."""
    import ssl  # only for a server reached over TLS: the personal store never loads it

    if mode == "disable":
        return False
    if mode == "require":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    assert ca_file is not None
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as error:
        raise ServerConnectionError(
            f"The CA file {ca_file} for {host} cannot be read as a certificate "
            f"({getattr(error, 'strerror', None) or error})."
        ) from error


def find_password(url: URL, host: str, port: int) -> str | None:
    """The password from a PostgreSQL password file, else from the keyring (saved profile)."""
    from_file = _pgpass(host, port, url.database or "", url.username or "")
    if from_file is not None:
        return from_file
    return keyring_password(profile_key(url.username or "", host, port, url.database or ""))


def profile_key(login: str, host: str, port: int, database: str) -> str:
    """The keyring's user name for a profile's password: one per login and server."""
    return f"{login}@{host}:{port}/{database}"


def keyring_password(key: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, key)
        except KeyringError:
            return None
    except Exception:  # a broken keyring set-up must not stop a connection with a password
        log.warning("the keyring could not be read", exc_info=True)
        return None


def save_keyring_password(key: str, password: str) -> bool:
    """Keep a profile's password in the operating system's keyring; False where there is
    none (a headless Linux, a locked-down image): the password is then asked each time."""
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, key, password)
        except KeyringError:
            return False
        return True
    except Exception:  # a broken keyring set-up: the password is asked each time instead
        log.warning("the keyring could not be written", exc_info=True)
        return False


def _pgpass(host: str, port: int, database: str, login: str) -> str | None:
    """libpq's password file: ``host:port:database:login:password`` lines, ``*`` matching
    anything, ``\\:`` and ``\\\\`` escaped; the file is ignored unless private (as libpq does)."""
    given = os.environ.get("PGPASSFILE")
    if given:
        file = Path(given)
    elif os.name == "nt":
        file = Path(os.environ.get("APPDATA", "")) / "postgresql" / "pgpass.conf"
    else:
        file = Path.home() / ".pgpass"
    try:
        if os.name == "posix" and file.stat().st_mode & 0o077:
            log.warning("%s is readable by others, so it is ignored (as libpq does)", file)
            return None
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    # A Unix socket's entry is written as "localhost" (libpq's convention).
    wanted = ("localhost" if host.startswith("/") else host, str(port), database, login)
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _pgpass_fields(line)
        if len(fields) == 5 and all(
            pattern in ("*", value) for pattern, value in zip(fields[:4], wanted, strict=True)
        ):
            return fields[4]
    return None


def _pgpass_fields(line: str) -> list[str]:
    fields: list[str] = []
    current, escaped = "", False
    for char in line:
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            escaped = True
        elif char == ":" and len(fields) < 4:
            fields.append(current)
            current = ""
        else:
            current += char
    fields.append(current)
    return fields


def is_connection_failure(error: BaseException) -> bool:
    """Whether an error came from reaching or asking the server (the driver's, the network's,
    or pg8000 starting SCRAM without a password), rather than from OwnWork's own code."""
    from sqlalchemy.exc import DBAPIError

    return isinstance(error, DBAPIError | OSError) or (
        isinstance(error, AttributeError) and "decode" in str(error)
    )


def explain(error: BaseException, where: Target) -> OwnWorkError:
    """One sentence for a failed connection; the original is kept in the log."""
    import ssl

    log.info("connection to %s failed: %r", where.where, error)
    reason = _root(error)
    code = _server_code(error)
    server = where.where
    if code == "28P01" or code == "28000":
        return ServerConnectionError(
            f"The server {server} refused the login {where.login}: wrong password, or no such "
            "login (IT can check pg_hba.conf and the login)."
        )
    if code == "3D000":
        return ServerConnectionError(
            f"The server has no database {where.database} ({server}): IT creates it with "
            "`ownwork server init`."
        )
    if code == "42501":
        return ServerConnectionError(
            f"The login {where.login} may not do this on {server}: IT can grant it with "
            "`ownwork server init` (run by the database owner)."
        )
    if isinstance(reason, ssl.SSLCertVerificationError):
        detail = reason.verify_message or str(reason)
        return ServerConnectionError(
            f"The server {server} could not be trusted: its certificate failed the check "
            f"against the CA file {where.ca_file} ({detail}). Nothing was sent to it."
        )
    if isinstance(reason, ssl.SSLError):
        return ServerConnectionError(f"The TLS connection to {server} failed ({reason}).")
    text = str(error)
    if isinstance(error, AttributeError) and where.url.password is None:
        # pg8000 starts SCRAM with the password it was not given.
        text = "no password was provided"
    if "Server refuses SSL" in text:
        return ServerConnectionError(
            f"The server {server} does not offer TLS, which OwnWork requires for it: IT turns "
            "on ssl in postgresql.conf."
        )
    if "no password was provided" in text:
        return ServerConnectionError(
            f"The server {server} asks for a password for {where.login} and none was given "
            "(in the URL, a password file or the keyring)."
        )
    if isinstance(reason, OSError) and reason.__class__.__name__ == "gaierror":
        return ServerConnectionError(
            f"No server called {where.host} could be found on the network "
            "(check the name, or this computer's network)."
        )
    if isinstance(reason, TimeoutError):
        return ServerConnectionError(
            f"The server {server} did not answer within {where.connect_timeout:g} seconds: it "
            "may be down or the network cut."
        )
    if isinstance(reason, ConnectionRefusedError | FileNotFoundError):
        return ServerConnectionError(
            f"Nothing answered at {server}: the server is not running or not listening there."
        )
    if isinstance(reason, OSError):
        return ServerConnectionError(
            f"The server {server} could not be reached ({reason.strerror or reason})."
        )
    message = _server_message(error)
    if message:
        return ServerConnectionError(f"The server {server} refused: {message}.")
    return ServerConnectionError(f"The server {server} could not be used ({text}).")


def _root(error: BaseException) -> BaseException:
    """The first cause that is not a driver's or SQLAlchemy's wrapper."""
    seen: BaseException = error
    while True:
        cause = seen.__cause__ or getattr(seen, "orig", None) or seen.__context__
        if cause is None or cause is seen:
            return seen
        seen = cause
        if isinstance(seen, OSError):
            return seen


def _server_fields(error: BaseException) -> dict[str, Any]:
    """The server's error fields (code ``C``, message ``M``) wherever the driver left them:
    pg8000 can raise a network error while closing after the server's refusal, with the
    refusal as its context."""
    waiting: list[BaseException] = [error]
    seen: set[int] = set()
    while waiting:
        current = waiting.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        args = getattr(current, "args", ())
        if args and isinstance(args[0], dict):
            return args[0]
        for link in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(link, BaseException):
                waiting.append(link)
    return {}


def _server_code(error: BaseException) -> str | None:
    code = _server_fields(error).get("C")
    return str(code) if code else None


def _server_message(error: BaseException) -> str:
    return str(_server_fields(error).get("M", ""))
