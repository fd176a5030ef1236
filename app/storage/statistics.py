"""The statistics query: counts per qualification, and the server's view made from it.

One SQLAlchemy Core ``SELECT`` gives them (``COUNTS``).  The personal store runs it directly.
On a school's server a senior leader may read no record table, so ``create_view`` makes
``ownwork_statistics`` from the same compiled query, owned by ``ownwork_owner`` (a view reads
its tables with its owner's rights) and readable by the groups of the roles that see counts;
the services read the view there.  Only counts leave it: no name, no id, no text but the
qualification's title.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, case, distinct, func, select, text
from sqlalchemy.orm import Session

from app.domain.access import STATISTICS_READERS
from app.domain.records import Conclusion, ConversationStatus
from app.domain.statistics import COUNT_NAMES, QualificationCounts
from app.storage.access import passed_to_exams_officer
from app.storage.models import ConversationRow, SubmissionRow
from app.storage.models_integrity import FinalisationRow
from app.storage.models_referral import ReferralFactsRow

VIEW = "ownwork_statistics"


def _conversations_where(condition: Any) -> Any:
    return func.count(distinct(case((condition, ConversationRow.id))))


def _query() -> Any:
    status, conclusion = ConversationRow.status, ConversationRow.conclusion
    return (
        select(
            SubmissionRow.qualification.label("qualification"),
            func.count(distinct(SubmissionRow.student_id)).label("students"),
            func.count(distinct(SubmissionRow.id)).label("submissions"),
            func.count(distinct(ConversationRow.id)).label("conversations"),
            _conversations_where(status == ConversationStatus.PREPARING.value).label("preparing"),
            _conversations_where(status == ConversationStatus.IN_PROGRESS.value).label(
                "in_progress"
            ),
            _conversations_where(status == ConversationStatus.CONCLUDED.value).label("concluded"),
            _conversations_where(conclusion == Conclusion.SATISFIED.value).label("satisfied"),
            _conversations_where(conclusion == Conclusion.CONCERNS_REMAIN.value).label(
                "concerns_remain"
            ),
            _conversations_where(conclusion == Conclusion.ACKNOWLEDGED.value).label("acknowledged"),
            func.count(distinct(FinalisationRow.conversation_id)).label("finalised"),
            func.count(distinct(ReferralFactsRow.conversation_id)).label("referrals"),
            _conversations_where(
                and_(passed_to_exams_officer(), ReferralFactsRow.conversation_id.is_(None))
            ).label("waiting"),
        )
        .select_from(SubmissionRow)
        .outerjoin(ConversationRow, ConversationRow.submission_id == SubmissionRow.id)
        .outerjoin(FinalisationRow, FinalisationRow.conversation_id == ConversationRow.id)
        .outerjoin(ReferralFactsRow, ReferralFactsRow.conversation_id == ConversationRow.id)
        .group_by(SubmissionRow.qualification)
        .order_by(SubmissionRow.qualification)
    )


COUNTS = _query()


def _to_counts(row: Any) -> QualificationCounts:
    values = row._mapping
    return QualificationCounts(
        qualification=values["qualification"],
        **{name: int(values[name] or 0) for name in COUNT_NAMES},
    )


def counts(session: Session) -> list[QualificationCounts]:
    """The counts, from the view on a server (which a senior leader may read) and from the
    query itself on the personal store."""
    if session.get_bind().dialect.name == "postgresql":
        found = session.scalar(text("SELECT to_regclass(:view)"), {"view": VIEW})
        if found is None:
            from app.errors import StoreError

            raise StoreError(
                "The school's server has no statistics yet: IT brings it up to date with "
                "ownwork server upgrade."
            )
        rows = session.execute(text(f"SELECT * FROM {VIEW} ORDER BY qualification"))
    else:
        rows = session.execute(COUNTS)
    return [_to_counts(row) for row in rows]


def view_sql(connection: Connection) -> str:
    """``COUNTS`` compiled for this server, its few constants written in (a view takes no
    parameters)."""
    compiled = COUNTS.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    return f"CREATE OR REPLACE VIEW {VIEW} AS {compiled}"


def _current(connection: Connection, sql: str) -> bool:
    """The view is there as this build makes it (its comment holds the query's digest),
    owned by the owner role and readable by every role that sees counts."""
    from app.storage.roles import GROUP_ROLES, role_exists

    found = connection.execute(
        text(
            "SELECT obj_description(c.oid, 'pg_class'), pg_get_userbyid(c.relowner) "
            "FROM pg_class c WHERE c.oid = to_regclass(:view)"
        ),
        {"view": VIEW},
    ).first()
    if found is None or found[0] != _digest(sql):
        return False
    if found[1] != _tables_owner(connection):
        return False
    groups = [GROUP_ROLES[role] for role in STATISTICS_READERS]
    return all(
        connection.scalar(text("SELECT has_table_privilege(:g, :v, 'SELECT')"), {"g": g, "v": VIEW})
        for g in groups
        if role_exists(connection, g)
    )


def _tables_owner(connection: Connection) -> str | None:
    """Who owns the record tables: ``ownwork_owner`` on a server that ``server init`` set up.
    The view is theirs too, so that it reads the tables with the rights of their owner."""
    owner = connection.scalar(
        text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = :t"),
        {"t": SubmissionRow.__tablename__},
    )
    return None if owner is None else str(owner)


def _digest(sql: str) -> str:
    import hashlib

    return "ownwork statistics " + hashlib.sha256(sql.encode()).hexdigest()


def create_view(connection: Connection) -> list[str]:
    """Make (or remake) the view, owned by the tables' owner role, readable by the roles that see
    counts.  Returns what was done, in words, as the other set-up steps do (nothing when the
    view is already as this build makes it)."""
    from app.storage.roles import GROUP_ROLES, OWNER, role_exists

    sql = view_sql(connection)
    if _current(connection, sql):
        return []
    connection.execute(text(sql))
    connection.execute(text(f"COMMENT ON VIEW {VIEW} IS '{_digest(sql)}'"))
    if _tables_owner(connection) == OWNER:
        connection.execute(text(f"ALTER VIEW {VIEW} OWNER TO {OWNER}"))
    for role in STATISTICS_READERS:
        group = GROUP_ROLES[role]
        if role_exists(connection, group):
            connection.execute(text(f"GRANT SELECT ON {VIEW} TO {group}"))
    return [f"made the view {VIEW} of counts for the senior leaders"]
