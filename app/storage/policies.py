"""What the school's server itself enforces about who sees and writes which rows.

Made by ``ownwork server init`` and ``upgrade`` (``apply``), never by a migration: a migration
runs on the personal SQLite store too, which has one user and no roles.

- **Functions** (owned by ``ownwork_owner``, ``SECURITY DEFINER`` so that they read past the
  row-level security they serve without recursing into it): who the session's login is
  (``ownwork_me``: its staff row), which group roles it holds (``ownwork_holds``), which
  conversations were shared with it, passed on to the exams officer, or are led by colleagues
  in a department it heads, the one student a data protection officer has opened for a subject
  access request in this transaction, and the audit chain's head (so a login that sees only
  part of the log still extends the whole chain).
- **Row-level security**, enabled and forced (a login that is merely a member of the owner
  role is bound too): each record table has permissive policies, each for the group roles it
  names (``TO``), so a login's queries carry only its own roles' conditions.  The owner role
  has ``BYPASSRLS`` (never inherited): switched to with ``SET ROLE`` (init, upgrade), in the
  functions above and as the owner of a view, it reads every row.
- **Triggers** on insert: an audit entry, a finalisation, an amendment, an attachment or a
  statement must name the session's login as its author (refused otherwise: the audit entry's
  actor is hashed into the chain, so it cannot be overwritten; the exams officer's case import
  keeps a bundle's authors on the conversation it inserts); a share, a review note and a
  subject access entry get the login and the server's clock whatever the client sent; and an
  audit entry must extend the chain (follow its newest entry and carry its own content's hash).

Superusers bypass all of it (PostgreSQL's rule; docs/security.md says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.domain.principal import Role
from app.storage.audit import CHAIN_LOCK, GENESIS
from app.storage.roles import GROUP_ROLES, OWNER, STAFF

# Every table that hangs off one conversation: visible when that conversation is.
CONVERSATION_PARTS: Final = (
    "conversation_indicators",
    "conversation_excerpts",
    "conversation_answers",
    "finalisations",
    "amendments",
    "referral_facts",
    "statements",
    "conversation_shares",
    "review_notes",
)
# Tables whose rows a referral is made of: the exams officer and head of centre write them.
REFERRAL_PARTS: Final = ("referral_facts", "statements")
# Every table with row-level security (forced).
SECURED: Final = (
    "students",
    "submissions",
    "conversations",
    *CONVERSATION_PARTS,
    "attachments",
    "evidence_blobs",
    "evidence_chunks",
    "subject_access_log",
    "audit_log",
)


def _holds(role: Role) -> str:
    return f"(SELECT ownwork_holds('{GROUP_ROLES[role]}'))"


def _holds_any(*held: Role) -> str:
    return "(" + " OR ".join(_holds(role) for role in held) + ")"


# A SECURITY DEFINER function's body runs as the owner, which reads past row-level security
# (BYPASSRLS): each says for whom (session_user) it answers.
_FUNCTIONS: Final = (
    # The session's login's own staff row (an account disabled by IT has none).
    """
    CREATE OR REPLACE FUNCTION ownwork_me() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT id FROM staff WHERE login = session_user AND active
    $$
    """,
    # Whether the session's login (not a role it switched to) is in a group role.
    """
    CREATE OR REPLACE FUNCTION ownwork_holds(group_role text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT pg_has_role(session_user, group_role, 'MEMBER')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ownwork_is_superuser() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
    $$
    """,
    # Conversations shared with this login by name.
    """
    CREATE OR REPLACE FUNCTION ownwork_shared_with_me() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT coalesce(array_agg(conversation_id), '{}') FROM conversation_shares
        WHERE shared_with_login = session_user
    $$
    """,
    # Conversations passed on to the exams officer or the head of centre.
    """
    CREATE OR REPLACE FUNCTION ownwork_passed_on() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT coalesce(array_agg(DISTINCT conversation_id), '{}') FROM (
            SELECT conversation_id FROM conversation_shares
            WHERE passed_to_role IN ('exams-officer', 'head-of-centre')
            UNION ALL SELECT conversation_id FROM referral_facts) passed
    $$
    """,
    # The staff of every department this login heads (themselves included).
    """
    CREATE OR REPLACE FUNCTION ownwork_department_staff() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT coalesce(array_agg(DISTINCT colleague.staff_id), '{}') FROM department_staff head
        JOIN department_staff colleague ON colleague.department_id = head.department_id
        JOIN staff me ON me.id = head.staff_id
        WHERE head.head AND me.login = session_user AND me.active
    $$
    """,
    # The student a data protection officer opened in this very transaction: the setting
    # names them and the subject access log has this login's entry for them, written now.
    """
    CREATE OR REPLACE FUNCTION ownwork_subject_student() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT log.student_id FROM subject_access_log log
        WHERE log.student_id = nullif(current_setting('ownwork.subject_student', true), '')::int
          AND log.opened_by = session_user
          AND log.opened_at = (transaction_timestamp() AT TIME ZONE 'UTC')
        LIMIT 1
    $$
    """,
    # Whether any attachment (seen by this login or not) names a stored file: a file not yet
    # attached is its writer's, in the transaction that attaches it.
    """
    CREATE OR REPLACE FUNCTION ownwork_attached(file_sha256 text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = file_sha256)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ownwork_subject_submissions() RETURNS integer[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT coalesce(array_agg(id), '{}') FROM submissions
        WHERE student_id = ownwork_subject_student()
    $$
    """,
    # The audit chain's head and length, whatever part of the log this login may read: a new
    # entry extends the whole chain, and a document's anchor names the whole chain.
    """
    CREATE OR REPLACE FUNCTION ownwork_audit_head() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ownwork_audit_anchor(OUT entries bigint, OUT head text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT (SELECT count(*) FROM audit_log),
               (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)
    $$
    """,
    # The newest entry's id and hash, and the last id the log's sequence gave out (to any
    # session), for the chain trigger below.
    """
    CREATE OR REPLACE FUNCTION ownwork_audit_newest(OUT newest_id integer,
        OUT newest_hash text, OUT drawn bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT newest.id, newest.hash, drawn.last_value
        FROM audit_log_id_seq drawn
        LEFT JOIN LATERAL (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) newest
            ON true
    $$
    """,
    # How many rows the tables verify cross-checks hold, whatever this login may read: verify
    # checks the chain only when it sees them all.
    """
    CREATE OR REPLACE FUNCTION ownwork_row_counts(OUT audit_log bigint, OUT finalisations bigint,
        OUT amendments bigint, OUT attachments bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM finalisations),
               (SELECT count(*) FROM amendments), (SELECT count(*) FROM attachments)
    $$
    """,
    # Whether a conversation was inserted by this very transaction (or a savepoint in it): the
    # exams officer bringing a case in from a bundle (``import-case``) writes its parts with
    # their original authors.  A row this transaction can see whose inserting transaction is
    # still in progress can only be its own (its xid given the current epoch, as PostgreSQL
    # keeps 32 bits in a row).
    """
    CREATE OR REPLACE FUNCTION ownwork_made_now(conversation integer) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM conversations WHERE id = conversation
                       AND pg_xact_status((((txid_current() >> 32) << 32)
                                          | xmin::text::bigint)::text::xid8) = 'in progress')
    $$
    """,
    # A row must name the session's login as its author (superusers excepted: PostgreSQL lets
    # them do anything, and the owner role's own work, moving a personal store in, copies
    # authors as they were; and the exams officer's import of a case, which keeps the authors
    # the bundle names on the rows of a conversation the same transaction inserted: its audit
    # entry, under the officer's name, says which bundle it came from and who exported it).
    f"""
    CREATE OR REPLACE FUNCTION ownwork_author_is_login() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE
        named text := to_jsonb(NEW) ->> TG_ARGV[0];
        conversation integer := (to_jsonb(NEW) ->> 'conversation_id')::integer;
    BEGIN
        IF named IS DISTINCT FROM session_user AND current_user <> 'ownwork_owner'
           AND NOT ownwork_is_superuser()
           AND NOT (conversation IS NOT NULL AND {_holds(Role.EXAMS_OFFICER)}
                    AND ownwork_made_now(conversation)) THEN
            RAISE EXCEPTION 'OwnWork: % must name the login %, not %',
                TG_TABLE_NAME || '.' || TG_ARGV[0], session_user, coalesce(named, 'nobody')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    # An audit entry must extend the chain: follow its newest entry, under the chain's lock
    # (app/storage/audit.py, ``lock_chain``), and carry the hash ``audit.entry_hash`` gives
    # it, so that a login with psql can neither break the chain nor fork it.  The content
    # hashed is ``audit.canonical``'s JSON spelt out: keys sorted, no spaces, ``at`` as
    # Python's ``isoformat`` of an aware UTC time (microseconds only when there are some),
    # each text quoted by ``to_json``, which escapes exactly what Python's ``json`` does with
    # ``ensure_ascii=False`` (tests/test_server_audit_chain.py tries awkward text).  Its id
    # must come after the newest entry's and from the log's sequence (verify walks the chain
    # by id and takes a gap for a removed entry; an id far ahead would make every later
    # entry's id come too early).  Only read committed: a snapshot taken before the lock
    # (repeatable read) could show an older head and fork the chain.
    # Superusers and the owner's own work are left alone, as the author trigger leaves them.
    f"""
    CREATE OR REPLACE FUNCTION ownwork_audit_chained() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE
        newest record;
        head text;
        content text;
    BEGIN
        IF current_user = 'ownwork_owner' OR ownwork_is_superuser() THEN
            RETURN NEW;
        END IF;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'OwnWork: an audit entry may be added only in a read committed '
                'transaction, which sees the newest entry of the chain'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
        SELECT * INTO newest FROM ownwork_audit_newest();
        head := coalesce(newest.newest_hash, '{GENESIS}');
        IF NEW.id <= newest.newest_id OR NEW.id > newest.drawn THEN
            RAISE EXCEPTION 'OwnWork: an audit entry''s id must be the next one drawn from '
                'the log''s sequence after entry %, not %', newest.newest_id, NEW.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.prev_hash IS DISTINCT FROM head THEN
            RAISE EXCEPTION 'OwnWork: an audit entry must follow the newest entry (%), not %',
                head, coalesce(NEW.prev_hash, 'nothing')
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        content := '{{"action":' || coalesce(to_json(NEW.action)::text, 'null')
            || ',"actor":' || coalesce(to_json(NEW.actor)::text, 'null')
            || ',"at":"' || to_char(NEW.at, 'YYYY-MM-DD"T"HH24:MI:SS')
            || CASE WHEN extract(microseconds FROM NEW.at) % 1000000 = 0 THEN ''
                    ELSE '.' || to_char(NEW.at, 'US') END
            || '+00:00"'
            || ',"changes":' || coalesce(to_json(NEW.changes_json)::text, 'null')
            || ',"entity":' || coalesce(to_json(NEW.entity)::text, 'null')
            || ',"entity_id":' || coalesce(NEW.entity_id::text, 'null')
            || ',"summary":' || coalesce(to_json(NEW.summary)::text, 'null') || '}}';
        IF NEW.hash IS DISTINCT FROM
           encode(sha256(convert_to(NEW.prev_hash || E'\\n' || content, 'UTF8')), 'hex') THEN
            RAISE EXCEPTION 'OwnWork: this audit entry''s hash is not the hash of its content'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    # Who and when, from the server: the login and the transaction's time (UTC, as the app
    # stores times).
    """
    CREATE OR REPLACE FUNCTION ownwork_stamp_login() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF NOT ownwork_is_superuser() OR to_jsonb(NEW) ->> TG_ARGV[0] IS NULL THEN
            NEW := jsonb_populate_record(NEW, jsonb_build_object(
                TG_ARGV[0], session_user,
                TG_ARGV[1], transaction_timestamp() AT TIME ZONE 'UTC'));
        END IF;
        RETURN NEW;
    END
    $$
    """,
)

# (table, column) each insert must name the session's login in.
AUTHOR_COLUMNS: Final = (
    ("audit_log", "actor"),
    ("finalisations", "finalised_by"),
    ("amendments", "author"),
    ("attachments", "added_by"),
    ("statements", "recorded_by"),
)
# (table, login column, time column) the server fills in.
STAMPED_COLUMNS: Final = (
    ("conversation_shares", "by_login", "at"),
    ("review_notes", "author_login", "written_at"),
    ("subject_access_log", "opened_by", "opened_at"),
)
# The trigger that refuses an audit entry that does not extend the chain.
CHAIN_TRIGGER: Final = "ownwork_audit_log_chain"
TRIGGERS: Final = frozenset(
    {CHAIN_TRIGGER}
    | {f"ownwork_{table}_author" for table, _ in AUTHOR_COLUMNS}
    | {f"ownwork_{table}_stamp" for table, _, _ in STAMPED_COLUMNS}
)

_ME: Final = "(SELECT ownwork_me())"
_MINE: Final = f"(led_by_id = {_ME} OR second_staff_id = {_ME})"
_SUBJECT: Final = "(SELECT ownwork_subject_student())"
# Each set is read once per statement (an init plan) and matched as an array: the planner
# then expects few rows, as a teacher's list has, rather than half the table.
_SHARED: Final = "id = ANY ((SELECT ownwork_shared_with_me())::integer[])"
_DEPARTMENT: Final = (
    "(led_by_id = ANY ((SELECT ownwork_department_staff())::integer[]) "
    "OR second_staff_id = ANY ((SELECT ownwork_department_staff())::integer[]))"
)
_PASSED_ON: Final = (
    "(conclusion = 'concerns_remain' OR id = ANY ((SELECT ownwork_passed_on())::integer[]))"
)
_OPENED: Final = "submission_id = ANY ((SELECT ownwork_subject_submissions())::integer[])"

# Whether the session's login may read a conversation, written out for the one place that
# must say it in one expression: ``ownwork_sees_conversation``, which runs as the owner.
_CONVERSATION_VISIBLE: Final = f"""(
    ({_holds(Role.TEACHER)} AND {_MINE})
    OR ({_holds_any(Role.TEACHER, Role.HEAD_OF_DEPARTMENT)} AND {_SHARED})
    OR ({_holds(Role.HEAD_OF_DEPARTMENT)} AND {_DEPARTMENT})
    OR ({_holds_any(Role.EXAMS_OFFICER, Role.HEAD_OF_CENTRE)} AND {_PASSED_ON})
    OR ({_holds(Role.DPO)} AND {_OPENED})
)"""


def _part_of(condition: str = "") -> str:
    """A row of a table hanging off a conversation, when that conversation meets
    ``condition`` (read through the conversations' own policies: it must be visible too)."""
    return (
        "EXISTS (SELECT 1 FROM conversations c WHERE c.id = conversation_id"
        + (f" AND {condition}" if condition else "")
        + ")"
    )


_PART_MINE: Final = _part_of(f"(c.led_by_id = {_ME} OR c.second_staff_id = {_ME})")


@dataclass(frozen=True)
class Policy:
    """One permissive policy: who it applies to (their group roles; None: every staff
    login), for which commands, and the rows it lets them reach."""

    name: str
    commands: tuple[str, ...]
    roles: tuple[Role, ...] | None
    condition: str


_READ: Final = ("SELECT",)
_WRITE: Final = ("INSERT", "UPDATE", "DELETE")
_CASE_READERS: Final = (Role.EXAMS_OFFICER, Role.HEAD_OF_CENTRE)
_ROSTER_READERS: Final = (Role.TEACHER, Role.HEAD_OF_DEPARTMENT, *_CASE_READERS)
_ROSTER_WRITERS: Final = (Role.TEACHER, *_CASE_READERS)


def _policies() -> dict[str, list[Policy]]:
    """Each secured table's policies.  A policy applies only to the group roles it names
    (``TO``), so the planner sees just the conditions of the roles a login holds: a teacher's
    list is an index scan on who leads, not every role's conditions OR-ed together."""
    part_visible = _part_of()
    policies: dict[str, list[Policy]] = {
        "students": [
            Policy("roster", _READ, _ROSTER_READERS, "true"),
            Policy("opened", _READ, (Role.DPO,), f"id = {_SUBJECT}"),
            Policy("roster_write", _WRITE, _ROSTER_WRITERS, "true"),
        ],
        "submissions": [
            Policy("roster", _READ, _ROSTER_READERS, "true"),
            Policy("opened", _READ, (Role.DPO,), f"student_id = {_SUBJECT}"),
            Policy("roster_write", _WRITE, _ROSTER_WRITERS, "true"),
        ],
        "conversations": [
            Policy("own", _READ, (Role.TEACHER,), f"({_MINE} OR {_SHARED})"),
            Policy(
                "department", _READ, (Role.HEAD_OF_DEPARTMENT,), f"({_DEPARTMENT} OR {_SHARED})"
            ),
            Policy("passed_on", _READ, _CASE_READERS, _PASSED_ON),
            Policy("opened", _READ, (Role.DPO,), _OPENED),
            Policy("own_write", _WRITE, (Role.TEACHER,), _MINE),
            # The exams officer brings in a case a teacher exported for them (``import-case``):
            # one they may read once it is here.
            Policy("import", ("INSERT",), (Role.EXAMS_OFFICER,), _PASSED_ON),
        ],
        "attachments": [
            Policy(
                "visible",
                _READ,
                None,
                f"((conversation_id IS NOT NULL AND {part_visible}) OR (submission_id IS NOT "
                "NULL AND EXISTS (SELECT 1 FROM submissions s WHERE s.id = submission_id)))",
            ),
            Policy(
                "own_write",
                _WRITE,
                (Role.TEACHER,),
                f"(submission_id IS NOT NULL OR {_PART_MINE})",
            ),
            Policy(
                "case_write",
                _WRITE,
                _CASE_READERS,
                f"(submission_id IS NOT NULL OR {part_visible})",
            ),
        ],
        # A file's bytes are read through an attachment this login may see (or, not yet
        # attached, by the transaction storing it); whoever may attach a file may store one.
        "evidence_blobs": [
            Policy(
                "visible",
                _READ,
                None,
                "(EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = evidence_blobs.sha256)"
                " OR NOT ownwork_attached(sha256))",
            ),
            Policy("store", _WRITE, _ROSTER_WRITERS, "true"),
        ],
        "evidence_chunks": [
            Policy(
                "visible",
                _READ,
                None,
                "EXISTS (SELECT 1 FROM evidence_blobs b WHERE b.id = blob_id)",
            ),
            Policy("store", _WRITE, _ROSTER_WRITERS, "true"),
        ],
        "subject_access_log": [
            Policy("own", _READ, None, "opened_by = session_user"),
            Policy("open", _WRITE, (Role.DPO,), "true"),
        ],
        "audit_log": [
            Policy(
                "visible",
                _READ,
                None,
                "(actor = session_user OR (entity = 'conversation' "
                "AND ownwork_sees_conversation(entity_id)))",
            ),
            Policy(
                "roster",
                _READ,
                _ROSTER_READERS,
                "entity IN ('student', 'submission', 'centre', 'staff')",
            ),
            Policy("whole", _READ, _CASE_READERS, "true"),
            # The author trigger refuses an entry naming anyone but the login.
            Policy("append", _WRITE, None, "true"),
        ],
    }
    for table in CONVERSATION_PARTS:
        policies[table] = [
            Policy("visible", _READ, None, part_visible),
            Policy("own_write", _WRITE, (Role.TEACHER,), _PART_MINE),
        ]
    for table in CONVERSATION_PARTS:
        policies[table].append(Policy("import", ("INSERT",), (Role.EXAMS_OFFICER,), part_visible))
    for table in REFERRAL_PARTS:
        policies[table].append(Policy("case_write", _WRITE, _CASE_READERS, part_visible))
    policies["conversation_shares"].append(Policy("pass_on", _WRITE, _CASE_READERS, part_visible))
    policies["review_notes"] = [
        Policy("visible", _READ, None, part_visible),
        Policy("review", _WRITE, (Role.HEAD_OF_DEPARTMENT,), part_visible),
    ]
    return policies


_GRANTED_FUNCTIONS: Final = (
    "ownwork_me()",
    "ownwork_shared_with_me()",
    "ownwork_passed_on()",
    "ownwork_department_staff()",
    "ownwork_subject_student()",
    "ownwork_subject_submissions()",
    "ownwork_attached(text)",
    "ownwork_sees_conversation(integer)",
    "ownwork_audit_head()",
    "ownwork_audit_anchor()",
    "ownwork_audit_newest()",
    "ownwork_made_now(integer)",
    "ownwork_row_counts()",
)


def _policy_statements(table: str, policies: list[Policy]) -> list[str]:
    """Row-level security on ``table``, forced, with its policies (the old ones are dropped
    by ``apply`` first)."""
    statements = [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
    ]
    for policy in policies:
        to = (
            STAFF if policy.roles is None else ", ".join(GROUP_ROLES[role] for role in policy.roles)
        )
        for command in policy.commands:
            name = f"ownwork_{policy.name}_{command.lower()}"
            if command == "INSERT":
                clause = f"WITH CHECK ({policy.condition})"
            elif command == "UPDATE":
                clause = f"USING ({policy.condition}) WITH CHECK ({policy.condition})"
            else:
                clause = f"USING ({policy.condition})"
            statements.append(f"CREATE POLICY {name} ON {table} FOR {command} TO {to} {clause}")
    return statements


def _trigger_statements() -> list[str]:
    statements: list[str] = []
    for table, column in AUTHOR_COLUMNS:
        name = f"ownwork_{table}_author"
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION ownwork_author_is_login('{column}')",
        ]
    # Named to fire after the author trigger (PostgreSQL fires them in name order): an entry
    # naming someone else is refused for that before its chain is checked.
    statements += [
        f"DROP TRIGGER IF EXISTS {CHAIN_TRIGGER} ON audit_log",
        f"CREATE TRIGGER {CHAIN_TRIGGER} BEFORE INSERT ON audit_log FOR EACH ROW "
        "EXECUTE FUNCTION ownwork_audit_chained()",
    ]
    for table, login, at in STAMPED_COLUMNS:
        name = f"ownwork_{table}_stamp"
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION ownwork_stamp_login('{login}', '{at}')",
        ]
    return statements


# What the policies probe on every row: a login's staff row, a conversation's staff, a
# share's recipient, an attachment's file, a log's student.
_INDEXES: Final = (
    "CREATE INDEX IF NOT EXISTS ownwork_conversations_led_by ON conversations "
    "(led_by_id, held_at, id)",
    "CREATE INDEX IF NOT EXISTS ownwork_conversations_second ON conversations "
    "(second_staff_id, held_at, id)",
    "CREATE INDEX IF NOT EXISTS ownwork_conversations_submission ON conversations (submission_id)",
    "CREATE INDEX IF NOT EXISTS ownwork_department_staff_staff ON department_staff (staff_id)",
    "CREATE INDEX IF NOT EXISTS ownwork_subject_access_student ON subject_access_log "
    "(student_id, opened_by)",
    "CREATE INDEX IF NOT EXISTS ownwork_audit_log_entity ON audit_log (entity, entity_id)",
)


# Whether the session's login may read one conversation, for a policy on a table every login
# reads (the audit log): a policy's own subquery would need the reader's privilege on the
# conversations, which the senior leaders and IT do not hold.  The same condition as the
# conversations' policy, evaluated by the owner for the session's login.
_SEES_CONVERSATION: Final = f"""
    CREATE OR REPLACE FUNCTION ownwork_sees_conversation(conversation integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM conversations
                       WHERE conversations.id = conversation AND {_CONVERSATION_VISIBLE})
    $$
"""


def _statements() -> list[str]:
    statements = [*_FUNCTIONS, _SEES_CONVERSATION, *_INDEXES]
    for table, conditions in _policies().items():
        statements += _policy_statements(table, conditions)
    return statements + _trigger_statements()


def fingerprint() -> str:
    """A digest of every statement ``apply`` runs: kept on the server, so that ``upgrade``
    renews the policies when a newer OwnWork changed them."""
    import hashlib

    return hashlib.sha256("\n".join(_statements()).encode()).hexdigest()[:16]


_MARKER: Final = "ownwork_me()"


def apply(connection: Connection) -> None:
    """Make (or remake) the functions, indexes, policies and triggers, as the owner role; run
    inside the caller's transaction, so a failure leaves the server as it was."""
    connection.execute(text(f"SET LOCAL ROLE {OWNER}"))
    # Every policy on the secured tables is remade: one an older OwnWork made and this one
    # no longer does must not linger.
    stale = connection.execute(
        text(
            "SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'public' "
            "AND tablename = ANY(:tables)"
        ),
        {"tables": list(SECURED)},
    ).all()
    for name, table in stale:
        connection.exec_driver_sql(f'DROP POLICY "{name}" ON "{table}"')
    for statement in _statements():
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(
        f"COMMENT ON FUNCTION {_MARKER} IS 'ownwork policies {fingerprint()}'"
    )
    # Staff logins only: the functions say nothing a policy would not, but PUBLIC (any login
    # on the server, OwnWork's or not) has no business calling them.
    functions = ", ".join(_GRANTED_FUNCTIONS)
    connection.exec_driver_sql(f"REVOKE ALL ON FUNCTION {functions} FROM PUBLIC")
    connection.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {functions} TO {STAFF}")
    connection.execute(text("RESET ROLE"))


def missing(connection: Connection) -> list[str]:
    """What ``server check`` names when the policies are not in force: tables without forced
    row-level security, and the server's author and stamp triggers absent or disabled."""
    found = connection.execute(
        text(
            "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND relkind = 'r' AND relrowsecurity "
            "AND relforcerowsecurity"
        )
    ).scalars()
    secured = set(found)
    gaps = [f"row-level security on {table}" for table in SECURED if table not in secured]
    enabled = set(
        connection.scalars(
            text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' "
                "AND tgname LIKE 'ownwork\\_%'"
            )
        )
    )
    gaps += [f"the trigger {name}" for name in sorted(TRIGGERS - enabled)]
    marker = connection.scalar(
        text("SELECT obj_description(to_regprocedure(:f), 'pg_proc')"), {"f": _MARKER}
    )
    if not gaps and marker != f"ownwork policies {fingerprint()}":
        gaps.append("this version's row-level security policies")
    return gaps
