"""IT's use cases on the school's PostgreSQL server: set it up (``init``), upgrade its schema
(``upgrade``) and check it (``check``).

These run with an owner or superuser login given in the URL, not as a member of staff, and
outside the records' transactions: they make databases and roles, which the records' use cases
never do.  The roles and grants themselves are in ``app/storage/roles.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.domain.principal import Principal, Role
from app.errors import OwnWorkError
from app.services.base import require

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from app.paths import AppPaths
    from app.storage.database import Database
    from app.storage.server import Target

# The oldest PostgreSQL OwnWork runs on (15: the public schema no longer open to everyone,
# MERGE, and the Debian 12 package).
OLDEST_SERVER = 150000
OLDEST_SERVER_NAME = "15"


class ServerSetupError(OwnWorkError):
    """The server cannot be set up or upgraded as it is (the message says why)."""


@dataclass(frozen=True)
class SetupReport:
    """What ``init`` or ``upgrade`` did; nothing in ``done`` means it was already so."""

    where: str
    done: tuple[str, ...]
    revision: str

    @property
    def already(self) -> bool:
        return not self.done


@dataclass(frozen=True)
class Check:
    # connection, tls, server, schema, roles, inherit, privileges, triggers, policies,
    # history, owner, audit
    name: str
    status: str  # ok, warning, problem
    detail: str


@dataclass(frozen=True)
class CheckReport:
    where: str
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(check.status != "problem" for check in self.checks)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.status == "warning")


@contextmanager
def _engine(url: str, *, role: str | None = None, autocommit: bool = False) -> Iterator[Engine]:
    from app.storage.database import server_engine

    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine, _ = server_engine(url, role=role, **options)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _explained(where: Target) -> Iterator[None]:
    """A failure to reach or use the server, as one sentence."""
    from app.storage.server import explain, is_connection_failure

    try:
        yield
    except OwnWorkError:
        raise
    except Exception as error:
        if not is_connection_failure(error):
            raise
        raise explain(error, where) from error


def _server_version(connection: Connection) -> tuple[int, str]:
    from sqlalchemy import text

    number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    name = str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    return number, name


def _refuse_old(connection: Connection, where: str) -> None:
    number, name = _server_version(connection)
    if number < OLDEST_SERVER:
        raise ServerSetupError(
            f"The server {where} runs PostgreSQL {name}; OwnWork needs PostgreSQL "
            f"{OLDEST_SERVER_NAME} or newer."
        )


def _maintenance_url(url: str) -> str:
    """The same server and login, on the ``postgres`` database every server has."""
    from sqlalchemy.engine import make_url

    given = make_url(url.replace("postgres://", "postgresql://", 1))
    return given.set(database="postgres").render_as_string(hide_password=False)


def init(principal: Principal, url: str) -> SetupReport:
    """Set the server up for OwnWork, or finish or repair the set-up: the database (made if
    missing), the group roles, the schema at this build's revision, and the grants."""
    require(principal, Role.IT_ADMIN, "set up the school's server")
    from sqlalchemy import text

    from app.storage import migrate, roles
    from app.storage.server import target

    where = target(url)
    done: list[str] = []
    maintenance = _maintenance_url(url)
    with (
        _explained(where),
        _engine(maintenance, autocommit=True) as engine,
        engine.connect() as connection,
    ):
        _refuse_old(connection, where.where)
        done += roles.create_roles(connection)
        _require_owner_bypass(connection, where.where)
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"),
            {"name": where.database},
        ).first()
        if exists is None:
            connection.execute(
                text(
                    f'CREATE DATABASE "{where.database}" OWNER {roles.OWNER} '
                    "ENCODING 'UTF8' TEMPLATE template0"
                )
            )
            done.append(f"created the database {where.database}")
    with _explained(where), _engine(url) as engine:
        with engine.begin() as connection:
            done += roles.take_ownership(connection)
        with engine.connect() as connection:
            before = migrate.current_revision(connection)
        _refuse_newer(before, where.where)
    return _migrate_and_grant(url, where, before, done, "server init")


def _require_owner_bypass(connection: Connection, where: str) -> None:
    """The owner role must read past row-level security (its migrations, the policies'
    functions and the statistics view read every row), and only a superuser can let it."""
    from app.storage import roles

    if not roles.owner_bypasses_rls(connection):
        raise ServerSetupError(
            f"The owner role {roles.OWNER} on {where} cannot read past row-level security, "
            "which OwnWork needs: run `ownwork server init` once as a superuser (e.g. postgres)."
        )


def _migrate_and_grant(
    url: str, where: Target, before: str | None, done: list[str], verb: str
) -> SetupReport:
    """The pending migrations, run as the owner role (so what they make is the owner's),
    then the staff role's grants renewed (a new table gets its own)."""
    from app.storage import migrate, roles

    if before != migrate.HEAD_REVISION:
        with _explained(where), _engine(url, role=roles.OWNER) as engine:
            migrate.upgrade(engine)
        done.append(f"brought the schema from {before or 'nothing'} to {migrate.HEAD_REVISION}")
    with _explained(where), _engine(url) as engine, engine.begin() as connection:
        done += roles.grant(connection, where.database)
        done += _secure(connection)
        done += _after_policies(connection)
        if done:
            _leave_trace(connection, verb, done)
    return SetupReport(where=where.where, done=tuple(done), revision=migrate.HEAD_REVISION)


def _secure(connection: Connection) -> list[str]:
    """The row-level security policies, the server's triggers and functions
    (``app/storage/policies.py``), made again when any is missing or another version of
    OwnWork made them."""
    from app.storage import policies

    gaps = policies.missing(connection)
    if gaps:
        policies.apply(connection)
    return [f"put {gap} in force" for gap in gaps]


def _after_policies(connection: Connection) -> list[str]:
    """What other parts of OwnWork make once the grants and policies stand, as the login
    running init or upgrade (a member of the owner role): the senior leaders' statistics
    view is made here."""
    from app.storage import statistics

    return statistics.create_view(connection)


# The audit entries the owner role's use leaves (``server check`` lists them).
OWNER_ACTION = "server setup"
OWNER_ENTITY = "server"


def _leave_trace(connection: Connection, verb: str, done: list[str]) -> None:
    """An audit entry naming the login that used the owner role and what it changed: the
    only sanctioned use of it, in the chain that no one can rewrite unnoticed."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.storage import audit

    login = connection.execute(text("SELECT session_user")).scalar_one()
    session = Session(bind=connection)
    session.info["actor"] = login
    audit.record(session, OWNER_ACTION, OWNER_ENTITY, None, f"{verb}: " + "; ".join(done)[:4000])
    audit.append_queued(session)
    session.close()


def _refuse_newer(revision: str | None, where: str) -> None:
    from app.storage import migrate

    if revision is not None and revision not in migrate.KNOWN_REVISIONS:
        raise ServerSetupError(
            f"The database {where} was set up by a newer OwnWork ({revision}): use that "
            "version to manage it."
        )


@dataclass(frozen=True)
class Connected:
    """Another copy of OwnWork connected to the same database."""

    login: str
    version: str
    address: str


def connected_copies(connection: Connection) -> list[Connected]:
    """Every other connection to this database made by OwnWork (its ``application_name``)."""
    from sqlalchemy import text

    rows = connection.execute(
        text(
            "SELECT usename, application_name, coalesce(host(client_addr), 'this server') "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND application_name LIKE 'ownwork/%'"
        )
    ).all()
    return [Connected(str(u or "?"), str(a).split("/", 1)[1], str(c)) for u, a, c in rows]


def _older(version: str, than: str) -> bool:
    def key(text: str) -> tuple[int, ...]:
        parts = []
        for part in text.split("+")[0].split("."):
            digits = "".join(ch for ch in part if ch.isdigit())
            parts.append(int(digits or 0))
        return tuple(parts)

    return key(version) < key(than)


def upgrade(principal: Principal, url: str) -> SetupReport:
    """Run the schema's pending migrations, refused while a copy of an older OwnWork is
    connected (it would write what the new schema no longer expects); then the grants."""
    require(principal, Role.IT_ADMIN, "upgrade the school's server")
    from app.storage import migrate, roles
    from app.storage.server import target
    from app.version import version

    where = target(url)
    done: list[str] = []
    with _explained(where), _engine(url) as engine, engine.connect() as connection:
        _refuse_old(connection, where.where)
        before = migrate.current_revision(connection)
        older = [c for c in connected_copies(connection) if _older(c.version, version())]
    if before is None:
        raise ServerSetupError(
            f"The database {where.where} has not been set up for OwnWork: run "
            "`ownwork server init` first."
        )
    _refuse_newer(before, where.where)
    if before != migrate.HEAD_REVISION:
        if older:
            named = ", ".join(sorted({f"{c.login} (OwnWork {c.version})" for c in older}))
            raise ServerSetupError(
                f"{len(older)} connection(s) from an older OwnWork are open on {where.where}: "
                f"{named}. Ask them to close OwnWork (or update it), then upgrade again."
            )
        with _explained(where), _engine(url) as engine, engine.begin() as connection:
            done += roles.create_roles(connection)
            _require_owner_bypass(connection, where.where)
            done += roles.take_ownership(connection)
    return _migrate_and_grant(url, where, before, done, "server upgrade")


def check(principal: Principal, url: str, paths: AppPaths) -> CheckReport:
    """Connection, TLS, server version, schema, roles, privileges, triggers and the audit
    chain, each ok, a warning or a problem."""
    require(principal, Role.IT_ADMIN, "check the school's server")
    from sqlalchemy import text

    from app.storage import roles
    from app.storage.server import target

    where = target(url)
    checks: list[Check] = []
    with _explained(where), _engine(url) as engine, engine.connect() as connection:
        checks.append(
            Check(
                "connection",
                "ok",
                f"connected to {where.where} as {where.login}",
            )
        )
        checks.append(_tls(connection, where))
        checks.append(_version(connection))
        schema = _schema(connection)
        checks.append(schema)
        checks += _protection(connection)
        owner = connection.execute(
            text("SELECT pg_has_role(session_user, :owner, 'MEMBER')"),
            {"owner": roles.OWNER},
        ).scalar() and roles.role_exists(connection, roles.OWNER)
    if schema.status == "ok":
        # The whole audit log is read as the owner role (row-level security lets a login
        # read only part of it); reading is all this use of it does.
        with _explained(where), _engine(url, role=roles.OWNER if owner else None) as engine:
            with engine.connect() as connection:
                checks.append(_owner_use(connection))
            checks.append(_audit(engine, where, paths))
    return CheckReport(where=where.where, checks=tuple(checks))


def _tls(connection: Connection, where: Target) -> Check:
    from sqlalchemy import text

    row = connection.execute(
        text("SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    ).first()
    if row is not None and row[0]:
        verified = (
            f"the certificate checked against {where.ca_file} and the name {where.host}"
            if where.tls == "verify-full"
            else "the certificate NOT checked (sslmode=require)"
        )
        status = "ok" if where.tls == "verify-full" else "warning"
        return Check("tls", status, f"in use: {row[1]}, {row[2]}; {verified}")
    if where.local:
        how = "a Unix socket" if where.host.startswith("/") else "the loopback"
        return Check("tls", "ok", f"not used: the server is on this computer ({how})")
    return Check(
        "tls",
        "warning",
        "not used: sslmode=disable was set explicitly, so passwords and records cross the "
        "network unencrypted",
    )


def _version(connection: Connection) -> Check:
    number, name = _server_version(connection)
    if number < OLDEST_SERVER:
        return Check(
            "server",
            "problem",
            f"PostgreSQL {name}: too old, OwnWork needs {OLDEST_SERVER_NAME} or newer",
        )
    return Check("server", "ok", f"PostgreSQL {name}")


def _schema(connection: Connection) -> Check:
    from app.storage import migrate

    revision = migrate.current_revision(connection)
    head = migrate.HEAD_REVISION
    if revision is None:
        return Check("schema", "problem", "not set up for OwnWork: run `ownwork server init`")
    if revision not in migrate.KNOWN_REVISIONS:
        return Check("schema", "problem", f"at {revision}, written by a newer OwnWork")
    if revision != head:
        return Check(
            "schema", "warning", f"at {revision}, behind {head}: run `ownwork server upgrade`"
        )
    return Check("schema", "ok", f"at {head}, this OwnWork's revision")


def _protection(connection: Connection) -> list[Check]:
    from app.integrity.verify import EXPECTED_TRIGGERS
    from app.storage import policies, roles

    checks: list[Check] = []
    missing_roles = [r for r in (roles.OWNER, roles.STAFF) if not roles.role_exists(connection, r)]
    if missing_roles:
        checks.append(
            Check(
                "roles",
                "problem",
                f"missing: {', '.join(missing_roles)} (run `ownwork server init`)",
            )
        )
    else:
        staff = [r for r in roles.staff_roles(connection) if r != roles.STAFF]
        if roles.owner_bypasses_rls(connection):
            checks.append(
                Check(
                    "roles",
                    "ok",
                    f"{roles.OWNER} and {roles.STAFF} present; {len(staff)} staff login(s)",
                )
            )
        else:
            checks.append(
                Check(
                    "roles",
                    "problem",
                    f"{roles.OWNER} cannot read past row-level security, so the policies' "
                    "functions and the statistics see too little: a superuser runs `ownwork "
                    f"server init` (or ALTER ROLE {roles.OWNER} BYPASSRLS)",
                )
            )
    inheriting = roles.inheriting_owners(connection)
    if inheriting:
        checks.append(
            Check(
                "inherit",
                "warning",
                f"{', '.join(inheriting)} hold(s) {roles.OWNER}'s privileges without switching "
                f"to it: make each NOINHERIT (ALTER ROLE … NOINHERIT); the row-level security "
                "binds them meanwhile",
            )
        )
    unsafe = roles.unsafe_grants(connection)
    if unsafe:
        checks.append(
            Check(
                "privileges",
                "problem",
                "history could be changed outside OwnWork: "
                + "; ".join(str(grant) for grant in unsafe),
            )
        )
    else:
        checks.append(
            Check(
                "privileges",
                "ok",
                "no staff role may UPDATE, DELETE or TRUNCATE the audit log, finalisations, "
                "amendments or attachments",
            )
        )
    expected = EXPECTED_TRIGGERS | roles.TRUNCATE_TRIGGERS | policies.TRIGGERS
    missing = sorted(expected - roles.triggers(connection))
    if missing:
        checks.append(Check("triggers", "problem", f"missing or disabled: {', '.join(missing)}"))
    else:
        checks.append(Check("triggers", "ok", f"all {len(expected)} present and enabled"))
    gaps = policies.missing(connection)
    if gaps:
        checks.append(
            Check(
                "policies",
                "problem",
                f"not in force: {', '.join(gaps)} (run `ownwork server upgrade`)",
            )
        )
    else:
        checks.append(
            Check(
                "policies",
                "ok",
                f"row-level security forced on {len(policies.SECURED)} tables; the server "
                "names who wrote each entry",
            )
        )
    checks.append(_history_changed(connection))
    return checks


def _history_changed(connection: Connection) -> Check:
    """Rows the server counts as updated or deleted in an append-only table: none can be
    unless a superuser turned the triggers off (or bypassed them), so any is a problem."""
    from sqlalchemy import text

    from app.storage import roles

    changed = connection.execute(
        text(
            "SELECT relname, n_tup_upd, n_tup_del FROM pg_stat_user_tables "
            "WHERE schemaname = 'public' AND relname = ANY(:tables) "
            "AND n_tup_upd + n_tup_del > 0 ORDER BY relname"
        ),
        {"tables": list(roles.APPEND_ONLY)},
    ).all()
    if changed:
        return Check(
            "history",
            "problem",
            "rows changed in append-only tables since the server's statistics were reset: "
            + "; ".join(f"{t} {u} updated, {d} deleted" for t, u, d in changed),
        )
    return Check(
        "history",
        "ok",
        "no row of the audit log, finalisations, amendments or attachments was ever updated "
        "or deleted (as far as the server's statistics go back)",
    )


def _owner_use(connection: Connection) -> Check:
    """Each time the owner role was used through OwnWork (server init and upgrade), from the
    audit log."""
    from sqlalchemy import text

    used = connection.execute(
        text(
            "SELECT at, actor, summary FROM audit_log WHERE action = :action AND entity = :entity "
            "ORDER BY id"
        ),
        {"action": OWNER_ACTION, "entity": OWNER_ENTITY},
    ).all()
    if not used:
        return Check("owner", "warning", "no use of the owner role is recorded in the audit log")
    shown = [
        f"{at:%Y-%m-%d %H:%M} UTC by {actor} ({summary.split(':', 1)[0]})"
        for at, actor, summary in used[-5:]
    ]
    earlier = f"{len(used) - 5} earlier, then " if len(used) > 5 else ""
    return Check("owner", "ok", f"used {len(used)} time(s): {earlier}{'; '.join(shown)}")


def _audit(engine: Engine, where: Target, paths: AppPaths) -> Check:
    from app.integrity.verify import verify
    from app.storage.database import Database

    store = Database(engine, actor="ownwork server check")
    store.server = where
    report = verify(paths, store, evidence=False)
    audit_problems = [p for p in report.problems if p.check not in ("protection",)]
    if audit_problems:
        return Check("audit", "problem", "; ".join(str(p) for p in audit_problems[:5]))
    return Check(
        "audit",
        "ok",
        f"{report.audit_entries:,} entries, chain intact; {report.finalised:,} finalised "
        f"records and {report.amendments:,} amendments match it",
    )


# --- a member of staff's connection profile (the window's File › Connect to the school's
# server…): kept in the settings without its password, which the keyring holds if asked.


@dataclass(frozen=True)
class ServerProfile:
    host: str
    port: int = 5432
    database: str = "ownwork"
    login: str = ""
    ca_file: str = ""  # the school's CA certificate: TLS with the server's name checked
    # IT's explicit opt-out of TLS for a server elsewhere on the network (flagged by check).
    unencrypted: bool = False
    # IT's limits on waiting for the server (seconds; None: the defaults in
    # app/storage/server.py), set in the settings file rather than the dialog.
    connect_timeout: float | None = None
    read_timeout: float | None = None

    def url(self, password: str | None = None) -> str:
        """The URL the rules in app/storage/server.py read (the password, if given, in it)."""
        from sqlalchemy.engine import URL

        query: dict[str, str] = {}
        host: str | None = self.host or None
        if self.host.startswith("/"):  # a Unix socket's folder, as libpq's host=/run/…
            query["host"], host = self.host, None
        if self.ca_file:
            query["sslrootcert"] = self.ca_file
        elif self.unencrypted:
            query["sslmode"] = "disable"
        for name in ("connect_timeout", "read_timeout"):
            seconds = getattr(self, name)
            if seconds is not None:
                query[name] = f"{seconds:g}"
        return URL.create(
            "postgresql",
            username=self.login or None,
            password=password or None,
            host=host,
            port=self.port,
            database=self.database or None,
            query=query,
        ).render_as_string(hide_password=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}/{self.database}"

    @property
    def keyring_key(self) -> str:
        from app.storage.server import profile_key

        return profile_key(self.login, self.host, self.port, self.database)


def saved_password(profile: ServerProfile) -> str | None:
    """The profile's password from this computer's keyring (None: not saved, or no keyring)."""
    from app.storage.server import keyring_password

    return keyring_password(profile.keyring_key)


def known_password(profile: ServerProfile) -> str | None:
    """The password this computer already holds for the profile: the PostgreSQL password
    file's, else the keyring's (None: it must be asked)."""
    from sqlalchemy.engine import make_url

    from app.storage.server import find_password

    return find_password(make_url(profile.url()), profile.host, profile.port)


def remember_password(profile: ServerProfile, password: str) -> bool:
    """Keep the password in this computer's keyring (never in the settings file); False when
    there is no keyring to keep it in."""
    from app.storage.server import save_keyring_password

    return save_keyring_password(profile.keyring_key, password)


def check_profile(profile: ServerProfile) -> None:
    """The profile's URL against the network rules, before anything is sent (the dialog's
    message for a server elsewhere without a CA file)."""
    from app.storage.server import target

    target(profile.url("-"))


def connect_profile(
    principal: Principal, profile: ServerProfile, password: str | None = None
) -> Database:
    """Open the school's server as ``principal``: the password given, else the password file
    or the keyring's."""
    from app.services import connect

    return connect(profile.url(password), principal=principal)
