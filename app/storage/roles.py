"""The school's server: its group roles, what each may do to each table, and the checks of both.

Group roles (no login of their own; IT's and staff's logins are made members):

- ``ownwork_owner`` owns the schema, its tables, sequences and functions; migrations run as it
  (``SET ROLE``), so every object a later migration makes is the owner's too.  Only ``server
  init`` and ``upgrade`` use it, and each use leaves an audit entry ``server check`` lists.
- ``ownwork_staff``: every staff login is in it, through the group role of each school role it
  holds (``GROUP_ROLES``: ``ownwork_teacher``, ``ownwork_head_of_department``, …).  The staff
  role itself may only connect, use the sequences, read the centre and the schema's revision,
  and read and add to the audit log.
- Each school role's group role has its own privileges (``expected_for``): a teacher adds and
  changes students, submissions and conversations; a head of department, the data protection
  officer and the others read; the senior leaders read nothing but the statistics view; IT
  keeps the staff accounts and reads no record.  No role may UPDATE, DELETE or TRUNCATE an
  append-only table.  Which rows each may reach is row-level security's part
  (``app/storage/policies.py``).

The grants are made by ``ownwork server init`` and again by ``server upgrade`` (a new table gets
its grants), never by a migration: a migration runs on the personal store too, which has no
roles.  ``unsafe_grants`` is what ``server check`` and ``verify`` report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.domain.principal import Principal, Role

OWNER: Final = "ownwork_owner"
STAFF: Final = "ownwork_staff"
# Each of the school's roles is a group role on the server ("head-of-department" is
# ownwork_head_of_department); a member of staff's login is made a member of theirs.
GROUP_ROLES: Final[dict[Role, str]] = {
    role: "ownwork_" + role.value.replace("-", "_") for role in Role
}
# Every table whose rows are never changed once written (migrations 0002, 0007 and 0008 give
# each refusing triggers on a server): staff may only read and add to them.
APPEND_ONLY: Final = (
    "audit_log",
    "finalisations",
    "amendments",
    "attachments",
    "evidence_blobs",
    "evidence_chunks",
    "audit_imported_segments",
    "audit_imported_entries",
    "audit_imported_ids",
    "conversation_shares",
    "review_notes",
    "subject_access_log",
)
# A draft conversation's signs of concern and excerpts can be taken out again (the triggers
# refuse it once finalised); every other editable row is changed, never deleted.
DELETABLE: Final = ("conversation_indicators", "conversation_excerpts")
# Alembic's own table: staff read the revision, only the owner changes it.
READ_ONLY: Final = ("alembic_version",)
FORBIDDEN_ON_APPEND_ONLY: Final = ("UPDATE", "DELETE", "TRUNCATE")
# The triggers migration 0002 makes on a server (verify's list plus TRUNCATE, which SQLite
# does not have).
TRUNCATE_TRIGGERS: Final = frozenset(f"ownwork_{table}_no_truncate" for table in APPEND_ONLY)


@dataclass(frozen=True)
class Grant:
    """A privilege a role holds that it should not (or lacks and should hold)."""

    role: str
    table: str
    privilege: str

    def __str__(self) -> str:
        return f"{self.role} has {self.privilege} on {self.table}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def role_exists(connection: Connection, role: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found.first() is not None


def tables(connection: Connection) -> list[str]:
    return list(
        connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
    )


def create_roles(connection: Connection) -> list[str]:
    """The two group roles, if missing; the login running this joins the owner role (so it
    may ``SET ROLE`` to it).  Returns what was made, in words."""
    made: list[str] = []
    for role in (OWNER, STAFF):
        if not role_exists(connection, role):
            connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            made.append(f"created the group role {role}")
    # The owner reads past row-level security (forced on the record tables, so that a login
    # merely a member of the owner is bound by it): when switched to for init and upgrade, in
    # the policies' own functions, and as the owner of the senior leaders' statistics view.
    # A role attribute, never inherited by the owner's members.  Only a superuser may give
    # it; init refuses to go on without it and check says if it is missing.
    if (
        not owner_bypasses_rls(connection)
        and connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    ):
        connection.execute(text(f"ALTER ROLE {OWNER} BYPASSRLS"))
        made.append(f"let {OWNER} read past row-level security")
    for group in GROUP_ROLES.values():
        if not role_exists(connection, group):
            connection.execute(text(f"CREATE ROLE {group} NOLOGIN IN ROLE {STAFF}"))
            made.append(f"created the group role {group}")
    joined = connection.execute(
        text(
            "SELECT rolsuper OR pg_has_role(current_user, :owner, 'MEMBER') "
            "FROM pg_roles WHERE rolname = current_user"
        ),
        {"owner": OWNER},
    ).scalar()
    if not joined:
        # From PostgreSQL 16 the membership can leave the owner's rights off until the login
        # switches to it (SET ROLE, as init and upgrade do); on 15 IT makes its login
        # NOINHERIT (docs/security.md), and the forced row-level security binds it anyway.
        version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
        inherit = " WITH INHERIT FALSE" if version >= 160000 else ""
        connection.execute(text(f"GRANT {OWNER} TO CURRENT_USER{inherit}"))
        made.append(f"made this login a member of {OWNER}")
    return made


def owner_bypasses_rls(connection: Connection) -> bool:
    return bool(
        connection.execute(
            text("SELECT rolbypassrls FROM pg_roles WHERE rolname = :owner"), {"owner": OWNER}
        ).scalar()
    )


def take_ownership(connection: Connection) -> list[str]:
    """Hand the schema, its tables, sequences and OwnWork's functions to the owner role (a
    database set up before these roles existed, or by a login of its own)."""
    changed: list[str] = []
    schema_owner = connection.execute(
        text("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public'")
    ).scalar()
    if schema_owner != OWNER:
        connection.execute(text(f"ALTER SCHEMA public OWNER TO {OWNER}"))
        changed.append(f"gave the schema to {OWNER}")
    owned = connection.execute(
        text(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v') "
            "AND pg_get_userbyid(c.relowner) <> :owner"
        ),
        {"owner": OWNER},
    ).all()
    for name, kind in owned:
        if kind == "S" and _owned_by_column(connection, name):
            continue  # a serial column's sequence follows its table
        keyword = {"r": "TABLE", "S": "SEQUENCE", "v": "VIEW"}[kind]
        connection.execute(text(f"ALTER {keyword} {_quote(name)} OWNER TO {OWNER}"))
    functions = connection.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'ownwork\\_%' "
            "AND pg_get_userbyid(p.proowner) <> :owner"
        ),
        {"owner": OWNER},
    ).scalars()
    for function in functions:
        connection.execute(text(f"ALTER FUNCTION {function} OWNER TO {OWNER}"))
    if owned:
        changed.append(f"gave {len(owned)} tables and sequences to {OWNER}")
    return changed


def _owned_by_column(connection: Connection, sequence: str) -> bool:
    found = connection.execute(
        text(
            "SELECT 1 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
            "WHERE s.relname = :s AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0"
        ),
        {"s": sequence},
    )
    return found.first() is not None


# The tables of records about students and their cases, by what the roles may do to them.
ROSTER: Final = ("students", "submissions")
CASE_EDITABLE: Final = (
    "conversations",
    "conversation_indicators",
    "conversation_excerpts",
    "conversation_answers",
    "referral_facts",
    "statements",
)
CASE_APPEND_ONLY: Final = (
    "finalisations",
    "amendments",
    "attachments",
    "evidence_blobs",
    "evidence_chunks",
    "conversation_shares",
)
IMPORTED: Final = ("audit_imported_segments", "audit_imported_entries", "audit_imported_ids")
# Who works here and where: every role but the senior leaders' reads them (IT keeps them).
ACCOUNTS: Final = ("staff", "departments", "department_staff")
_READ: Final = frozenset({"SELECT"})
_ADD: Final = frozenset({"SELECT", "INSERT"})
_EDIT: Final = frozenset({"SELECT", "INSERT", "UPDATE"})


def _writer(table: str) -> frozenset[str]:
    """What a role that writes cases may do to ``table``: add and change, never change what
    is append-only, and take out only a draft's removable parts."""
    if table in APPEND_ONLY:
        return _ADD
    if table in DELETABLE:
        return _EDIT | {"DELETE"}
    return _EDIT


def expected_for(role: str, table: str) -> frozenset[str]:
    """The privileges the group role ``role`` (or the staff role every one is in) should hold
    on ``table``; row-level security (app/storage/policies.py) then says which rows."""
    if role == STAFF:
        # Every login adds to the audit log and reads its own entries (and those about
        # records it may see); everyone reads the centre's name and the schema's revision.
        return {"audit_log": _ADD, "centre": _READ}.get(
            table, _READ if table in READ_ONLY else frozenset()
        )
    if table in ("audit_log", *READ_ONLY):
        return frozenset()
    if table == "centre":
        keepers = {GROUP_ROLES[r] for r in (Role.EXAMS_OFFICER, Role.HEAD_OF_CENTRE, Role.IT_ADMIN)}
        return _EDIT if role in keepers else frozenset()
    if role == GROUP_ROLES[Role.SENIOR_LEADER]:
        return frozenset()  # counts only, through the statistics view
    if table in ACCOUNTS:
        if role == GROUP_ROLES[Role.IT_ADMIN]:
            return _EDIT | ({"DELETE"} if table == "department_staff" else set())
        return _READ
    if role == GROUP_ROLES[Role.IT_ADMIN]:
        return frozenset()  # accounts, upgrades and checks: no record content at all
    if table == "subject_access_log":
        return _ADD if role == GROUP_ROLES[Role.DPO] else frozenset()
    if table == "review_notes":
        return _ADD if role == GROUP_ROLES[Role.HEAD_OF_DEPARTMENT] else _READ
    writes_cases = role in {
        GROUP_ROLES[r] for r in (Role.TEACHER, Role.EXAMS_OFFICER, Role.HEAD_OF_CENTRE)
    }
    if table in IMPORTED:
        # A moved-in personal store's history names every record in it: read by those
        # who read every case, written by the owner role only.
        return _READ if role in _READS_EVERY_CASE else frozenset()
    if table in ROSTER or table in CASE_EDITABLE or table in CASE_APPEND_ONLY:
        return _writer(table) if writes_cases else _READ
    return frozenset()


_READS_EVERY_CASE: Final = frozenset(
    GROUP_ROLES[r] for r in (Role.EXAMS_OFFICER, Role.HEAD_OF_CENTRE)
)


_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def held(connection: Connection, role: str, table: str) -> frozenset[str]:
    return frozenset(
        privilege
        for privilege in _TABLE_PRIVILEGES
        if connection.execute(
            text("SELECT has_table_privilege(:role, :table, :privilege)"),
            {"role": role, "table": f"public.{_quote(table)}", "privilege": privilege},
        ).scalar()
    )


def granted(connection: Connection, role: str, table: str) -> frozenset[str]:
    """The privileges granted to ``role`` itself on ``table`` (not those it inherits)."""
    return frozenset(
        connection.scalars(
            text(
                "SELECT privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = :role AND table_schema = 'public' AND table_name = :table"
            ),
            {"role": role, "table": table},
        )
    )


def grant(connection: Connection, database: str) -> list[str]:
    """Make each group role's privileges exactly ``expected_for`` on every table (revoking any
    other, PUBLIC's too); returns what changed, in words (empty: already so)."""
    changed: list[str] = []
    connection.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    if not connection.execute(
        text("SELECT has_database_privilege(:role, :db, 'CONNECT')"),
        {"role": STAFF, "db": database},
    ).scalar():
        connection.execute(text(f"GRANT CONNECT ON DATABASE {_quote(database)} TO {STAFF}"))
        changed.append(f"let {STAFF} connect to {database}")
    if not connection.execute(
        text("SELECT has_schema_privilege(:role, 'public', 'USAGE')"), {"role": STAFF}
    ).scalar():
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {STAFF}"))
        changed.append(f"let {STAFF} use the schema")
    for table in tables(connection):
        if held(connection, "public", table):
            connection.execute(text(f"REVOKE ALL ON {_quote(table)} FROM PUBLIC"))
        for role in (STAFF, *GROUP_ROLES.values()):
            want, have = expected_for(role, table), granted(connection, role, table)
            if want == have:
                continue
            connection.execute(text(f"REVOKE ALL ON {_quote(table)} FROM {role}"))
            if want:
                connection.execute(
                    text(f"GRANT {', '.join(sorted(want))} ON {_quote(table)} TO {role}")
                )
            changed.append(
                f"{role} may {', '.join(sorted(want))} on {table}"
                if want
                else f"{role} may not read {table}"
            )
    sequences = connection.scalars(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
    ).all()
    for sequence in sequences:
        if connection.execute(
            text("SELECT has_sequence_privilege(:role, :seq, 'USAGE')"),
            {"role": STAFF, "seq": f"public.{_quote(sequence)}"},
        ).scalar():
            continue
        connection.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {_quote(sequence)} TO {STAFF}"))
        changed.append(f"{STAFF} may use the sequence {sequence}")
    return changed


def staff_roles(connection: Connection) -> list[str]:
    """The staff role and every login or role in it (directly or not), except superusers and
    members of the owner role (IT's logins, which own the tables)."""
    if not role_exists(connection, STAFF):
        return []
    return list(
        connection.scalars(
            text(
                "SELECT rolname FROM pg_roles WHERE pg_has_role(rolname, :staff, 'MEMBER') "
                "AND NOT rolsuper AND NOT pg_has_role(rolname, :owner, 'MEMBER') "
                "ORDER BY rolname"
            ),
            {"staff": STAFF, "owner": OWNER},
        )
    )


def inheriting_owners(connection: Connection) -> list[str]:
    """Logins (not superusers) that hold the owner role's privileges without ``SET ROLE``:
    members of it that inherit (PostgreSQL 15 has no per-membership INHERIT FALSE)."""
    if not role_exists(connection, OWNER):
        return []
    version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    inherits = "m.inherit_option" if version >= 160000 else "l.rolinherit"
    return list(
        connection.scalars(
            text(
                "SELECT l.rolname FROM pg_auth_members m JOIN pg_roles l ON l.oid = m.member "
                f"JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = :owner AND {inherits} "
                "AND l.rolcanlogin AND NOT l.rolsuper ORDER BY l.rolname"
            ),
            {"owner": OWNER},
        )
    )


def unsafe_grants(connection: Connection) -> list[Grant]:
    """Every UPDATE, DELETE or TRUNCATE a staff role (or PUBLIC) holds on an append-only
    table: each would let a member of staff change history outside OwnWork."""
    present = set(tables(connection))
    found: list[Grant] = []
    for role in [*staff_roles(connection), "public"]:
        for table in APPEND_ONLY:
            if table not in present:
                continue
            have = held(connection, role, table)
            found.extend(
                Grant(role, table, privilege)
                for privilege in FORBIDDEN_ON_APPEND_ONLY
                if privilege in have
            )
    return found


def triggers(connection: Connection) -> set[str]:
    """The names of OwnWork's triggers present on the server."""
    return set(
        connection.scalars(
            text(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
        )
    )


def scram_verifier(password: str) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password``, made here so that the
    password itself never reaches the server (nor its log, whatever ``log_statement`` says)."""
    import base64

    import scramp

    salt, stored_key, server_key, iterations = scramp.ScramMechanism(
        "SCRAM-SHA-256"
    ).make_auth_info(password, iteration_count=4096)

    def b64(value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def add_staff_login(
    connection: Connection, login: str, password: str, held: frozenset[Role]
) -> None:
    """A login for one member of staff, a member of the group role of each role it holds
    (each of which is in the staff role)."""
    verifier = scram_verifier(password)
    groups = ", ".join(GROUP_ROLES[role] for role in sorted(held))
    # CREATE ROLE takes no bind parameters: the verifier (base64, '$' and ':' only) goes in
    # the statement as it is, past SQLAlchemy's reading of ':name' as a parameter.
    connection.exec_driver_sql(
        f"CREATE ROLE {_quote(login)} LOGIN PASSWORD '{verifier}' IN ROLE {groups}"
    )


def set_login_roles(connection: Connection, login: str, held: frozenset[Role]) -> None:
    """Make ``login`` a member of exactly the group roles of ``held``."""
    for role, group in GROUP_ROLES.items():
        member = connection.execute(
            text(
                "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles l ON l.oid = m.member WHERE g.rolname = :g AND l.rolname = :l"
            ),
            {"g": group, "l": login},
        ).first()
        if role in held and member is None:
            connection.execute(text(f"GRANT {group} TO {_quote(login)}"))
        elif role not in held and member is not None:
            connection.execute(text(f"REVOKE {group} FROM {_quote(login)}"))


def disable_login(connection: Connection, login: str) -> None:
    """The login may no longer connect (its memberships stay, for the record of who it was)."""
    connection.execute(text(f"ALTER ROLE {_quote(login)} NOLOGIN"))


def login_roles(connection: Connection) -> dict[str, tuple[frozenset[Role], bool]]:
    """Every login in one of the school's group roles: the roles it holds and whether it may
    connect."""
    found: dict[str, tuple[frozenset[Role], bool]] = {}
    for login, can_login, groups in connection.execute(
        text(
            "SELECT l.rolname, l.rolcanlogin, array_agg(g.rolname) FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles l ON l.oid = m.member "
            "WHERE g.rolname = ANY(:groups) GROUP BY l.rolname, l.rolcanlogin"
        ),
        {"groups": list(GROUP_ROLES.values())},
    ):
        by_group = {group: role for role, group in GROUP_ROLES.items()}
        found[login] = (frozenset(by_group[g] for g in groups), bool(can_login))
    return found


def session_principal(connection: Connection) -> Principal:
    """Who this connection is, as the server says: the session's login, never a name the
    client claims, with the school's roles whose group roles it belongs to.  A superuser
    (IT's own, or the tests') holds every role, as the server lets it do anything."""
    login, superuser = connection.execute(
        text("SELECT session_user, rolsuper FROM pg_roles WHERE rolname = session_user")
    ).one()
    if superuser:
        return Principal(login, frozenset(Role))
    by_group = {group: role for role, group in GROUP_ROLES.items()}
    held = connection.scalars(
        text(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(:groups) "
            "AND pg_has_role(session_user, oid, 'MEMBER')"
        ),
        {"groups": list(by_group)},
    )
    return Principal(login, frozenset(by_group[group] for group in held))
