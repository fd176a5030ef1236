"""The school's server itself refuses an audit entry that does not extend the chain (issue 20's
follow-up): a teacher signed in with ``psql`` may add an entry under their own name, but only
one that follows the newest entry and carries the hash ``app.storage.audit`` gives it.

Every write here is raw SQL through pg8000 as a staff login, as ``psql`` would send it; the
hashes the tests expect are computed in Python by the app's own ``audit`` functions, so the
server's PL/pgSQL and the app must agree byte for byte.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import pg8000.dbapi
import pytest
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from app.domain.principal import Principal, Role
from app.storage import audit
from app.storage.models import AuditRow
from tests.pg_server import PgServer, drop_database, drop_logins

PASSWORD = "another long test password"
IT = Principal("it", frozenset(Role))
_numbers = itertools.count(1)

# Text a teacher may well type, and text that exercises every escape JSON has.
AWKWARD = (
    'she said "it was mine"',
    "C:\\coursework\\draft",
    "".join(chr(code) for code in range(1, 32)),
    "line\u2028separator\u2029paragraph",
    "emoji \U0001f600 and \u00e9",
    "Gwenllïan, Ŵyn a Ŷr",
    "Zażółć gęślą jaźń Łódź",
    "delete \x7f and slash / and <script>",
    "",
)


@dataclass
class Server:
    url: str  # the superuser's
    socket: str
    database: str
    logins: dict[str, str]

    def connect(self, who: str, **options: Any) -> Any:
        return pg8000.dbapi.connect(
            user=self.logins[who],
            password=PASSWORD,
            unix_sock=self.socket,
            database=self.database,
            **options,
        )

    def store_url(self, who: str) -> str:
        return (
            f"postgresql://{self.logins[who]}:{PASSWORD.replace(' ', '%20')}@/{self.database}"
            f"?unix_sock={self.socket}"
        )

    def chain(self) -> list[AuditRow]:
        """Every entry, read past the policies (the superuser), in id order."""
        engine = create_engine(self.url)
        try:
            with Session(engine) as session:
                return list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def school(pg_server: PgServer) -> Iterator[Server]:
    from app.services import server, staff_accounts

    name = f"ownwork_chain_{os.getpid()}_{next(_numbers)}"
    url = pg_server.url(name)
    server.init(IT, url)
    made = Server(
        url=url,
        socket=str(pg_server.socket_dir / f".s.PGSQL.{pg_server.port}"),
        database=make_url(url).database or name,
        logins={},
    )
    try:
        for who, role in (("teacher", Role.TEACHER), ("exams", Role.EXAMS_OFFICER)):
            login = f"chain_{who}_{os.getpid()}"
            staff_accounts.add_staff(IT, url, login, PASSWORD, frozenset({role}), name=who)
            made.logins[who] = login
        yield made
    finally:
        drop_database(pg_server, name)
        drop_logins(pg_server, made.logins.values())


_INSERT = (
    "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, changes_json, "
    "prev_hash, hash) VALUES (%s, session_user, %s, %s, %s, %s, %s, %s, %s)"
)


def _entry(
    login: str, prev_hash: str, at: dt.datetime, summary: str, changes_json: str = "{}"
) -> tuple[Any, ...]:
    """The values of ``_INSERT`` for a well-made entry, hashed as the app hashes it."""
    values = {
        "at": at.isoformat(),
        "actor": login,
        "action": "view",
        "entity": "student",
        "entity_id": 7,
        "summary": summary,
        "changes_json": changes_json,
    }
    own = audit._values_hash(prev_hash, values)
    naive = at.astimezone(dt.UTC).replace(tzinfo=None)
    return (naive, "view", "student", 7, summary, changes_json, prev_hash, own)


def _head(cursor: Any) -> str:
    cursor.execute("SELECT ownwork_audit_head()")
    found = cursor.fetchone()[0]
    return str(found) if found is not None else audit.GENESIS


def _assert_whole(rows: list[AuditRow]) -> None:
    """Each entry follows the one before it and carries its own content's hash."""
    previous = audit.GENESIS
    for row in rows:
        assert row.prev_hash == previous, row.id
        assert row.hash == audit.entry_hash(row.prev_hash, row), row.id
        previous = row.hash


def test_the_server_quotes_text_in_json_as_python_does(school: Server) -> None:
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        for value in AWKWARD:
            cursor.execute("SELECT to_json(%s::text)::text", (value,))
            assert cursor.fetchone()[0] == encode_basestring(value), repr(value)
    finally:
        connection.close()


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 12, 7, 9, 5, 3, 120450, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 9, 5, 3, 7, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 7, 9, 5, 3, tzinfo=dt.UTC),  # no fraction in isoformat
    ],
)
def test_an_entry_hashed_as_the_app_hashes_it_goes_in(school: Server, at: dt.datetime) -> None:
    login = school.logins["teacher"]
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        for summary in AWKWARD:
            changes = audit.canonical({"note": [summary, f"{summary}!"]})
            cursor.execute(_INSERT, _entry(login, _head(cursor), at, summary, changes))
        connection.commit()
    finally:
        connection.close()
    rows = school.chain()
    assert [row.summary for row in rows[-len(AWKWARD) :]] == list(AWKWARD)
    assert rows[-1].at == at
    _assert_whole(rows)


def test_a_junk_hash_is_refused(school: Server) -> None:
    login = school.logins["teacher"]
    at = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        *values, own = _entry(login, _head(cursor), at, "read it")
        with pytest.raises(pg8000.dbapi.DatabaseError, match="not the hash of its content"):
            cursor.execute(_INSERT, (*values, "0" * 64))
        connection.rollback()
        # The right hash of other content is as wrong: a summary changed after hashing.
        values[4] = "read it twice"
        with pytest.raises(pg8000.dbapi.DatabaseError, match="not the hash of its content"):
            cursor.execute(_INSERT, (*values, own))
    finally:
        connection.rollback()
        connection.close()


def test_an_entry_that_does_not_follow_the_newest_is_refused(school: Server) -> None:
    """A fork: an entry extending an older entry (or the genesis) than the newest."""
    login = school.logins["teacher"]
    at = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
    first = school.chain()[0].hash if school.chain() else audit.GENESIS
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        cursor.execute(_INSERT, _entry(login, _head(cursor), at, "one"))
        connection.commit()
        for older in (first, audit.GENESIS):
            with pytest.raises(pg8000.dbapi.DatabaseError, match="must follow the newest entry"):
                cursor.execute(_INSERT, _entry(login, older, at, "a fork"))
            connection.rollback()
    finally:
        connection.rollback()
        connection.close()
    _assert_whole(school.chain())


def test_a_statement_of_many_entries_chains_each_to_the_one_before(school: Server) -> None:
    """PostgreSQL's row-level BEFORE trigger sees the rows its statement inserted before
    (docs, "Visibility of Data Changes"): the app appends a transaction's entries in one
    INSERT, each following the one before it in that same statement."""
    login = school.logins["teacher"]
    at = dt.datetime(2026, 12, 7, 11, 0, 0, 5, tzinfo=dt.UTC)
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        first = _entry(login, _head(cursor), at, "first")
        second = _entry(login, first[-1], at, "second")
        cursor.execute(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, "
            "changes_json, prev_hash, hash) SELECT e.at, session_user, e.action, e.entity, "
            "e.entity_id, e.summary, e.changes, e.prev, e.own FROM (VALUES "
            "(1, %s::timestamp, %s, %s, %s::int, %s, %s, %s, %s), "
            "(2, %s::timestamp, %s, %s, %s::int, %s, %s, %s, %s)) "
            "AS e(n, at, action, entity, entity_id, summary, changes, prev, own) ORDER BY e.n",
            (*first, *second),
        )
        connection.commit()
        # The same two again, in the wrong order: the second's previous is not yet there.
        third = _entry(login, second[-1], at, "third")
        fourth = _entry(login, third[-1], at, "fourth")
        with pytest.raises(pg8000.dbapi.DatabaseError, match="must follow the newest entry"):
            cursor.execute(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary, "
                "changes_json, prev_hash, hash) VALUES (%s, session_user, %s, %s, %s, %s, %s, "
                "%s, %s), (%s, session_user, %s, %s, %s, %s, %s, %s, %s)",
                (*fourth, *third),
            )
    finally:
        connection.rollback()
        connection.close()
    rows = school.chain()
    assert [row.summary for row in rows[-2:]] == ["first", "second"]
    _assert_whole(rows)


def test_an_id_out_of_the_chains_order_is_refused(school: Server) -> None:
    """verify walks the chain by id: an id far ahead would leave every later entry's id behind
    its head, and one drawn before the newest entry's would put the chain out of order."""
    login = school.logins["teacher"]
    at = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        values = _entry(login, _head(cursor), at, "out of order")
        cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")
        drawn = cursor.fetchone()[0]
        newest = school.chain()[-1].id
        for wrong in (2_000_000_000, drawn + 1, newest):
            with pytest.raises(pg8000.dbapi.DatabaseError, match="must be the next one drawn"):
                cursor.execute(
                    "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, summary, "
                    "changes_json, prev_hash, hash) VALUES (%s, %s, session_user, %s, %s, %s, "
                    "%s, %s, %s, %s)",
                    (wrong, *values),
                )
            connection.rollback()
    finally:
        connection.rollback()
        connection.close()
    _assert_whole(school.chain())


def test_only_a_read_committed_transaction_may_extend_the_chain(school: Server) -> None:
    """A repeatable read snapshot taken before the chain's lock could show an older head."""
    login = school.logins["teacher"]
    at = dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC)
    connection = school.connect("teacher")
    try:
        cursor = connection.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(pg8000.dbapi.DatabaseError, match="only in a read committed"):
            cursor.execute(_INSERT, _entry(login, _head(cursor), at, "from a snapshot"))
    finally:
        connection.rollback()
        connection.close()


def test_the_apps_own_writes_of_many_entries_still_go_in(school: Server, tmp_path: Path) -> None:
    """A teacher's OwnWork appends a transaction's entries in one statement: the server checks
    each and the chain stays whole."""
    from app.domain.records import StudentDraft
    from app.services import connect, records
    from app.storage.audit import Pending

    store = connect(school.store_url("teacher"))
    try:
        me = store.principal
        records.add_student(me, store, StudentDraft(surname="Chain", forename="Pupil"))
        with store.transaction() as session:
            said = "times \u2028 \U0001f600"
            audit.record_many(
                session, [Pending("view", "student", n, f"looked {n} {said}") for n in range(5)]
            )
    finally:
        store.dispose()
    rows = school.chain()
    assert rows[-1].summary.startswith("looked 4 times")
    _assert_whole(rows)


def test_server_check_names_the_chain_trigger_when_it_is_off(
    school: Server, tmp_path: Path
) -> None:
    from app.paths import resolve_paths
    from app.services import server

    engine = create_engine(school.url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("ALTER TABLE audit_log DISABLE TRIGGER ownwork_audit_log_chain")
            )
        report = server.check(IT, school.url, resolve_paths(str(tmp_path)))
        policies = {item.name: item for item in report.checks}["policies"]
        assert policies.status != "ok"
        assert "ownwork_audit_log_chain" in policies.detail
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER ownwork_audit_log_chain"))
        engine.dispose()
