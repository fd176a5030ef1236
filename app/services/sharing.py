"""Use cases of handing a case on: a teacher passes a concluded conversation to the exams
officer or shares it with a named colleague, the exams officer sees what waits for them, and a
head of department writes review notes.  Each step is an audit entry in the actor's name.

They belong to the school's server: a personal store has one teacher holding every role, and
keeps no shares or notes (``ownwork server import-personal`` relies on it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.access import WAITING_READERS, may_hand_on, may_review
from app.domain.principal import Principal, Role
from app.domain.records import Conversation
from app.domain.sharing import ReviewNote, Share
from app.errors import PermissionDenied
from app.services.base import (
    CONVERSATION,
    READERS,
    Changes,
    Outcome,
    require,
    require_any,
    transaction,
)
from app.services.case_access import check, check_read

if TYPE_CHECKING:
    from app.storage.database import Database


def _on_a_server(principal: Principal, database: Database, doing: str) -> None:
    if database.server is None:
        raise PermissionDenied(
            f"{principal.name} may not {doing} here: these are one teacher's own records, and "
            "cases are handed on only on the school's server."
        )


def pass_on(
    principal: Principal, database: Database, conversation_id: int, *, note: str = ""
) -> Outcome[Share]:
    """Pass a concluded conversation to the exams officer."""
    require(principal, Role.TEACHER, "pass a case on")
    _on_a_server(principal, database, "pass a case on")
    from app.storage import sharing

    with transaction(database, principal) as session:
        check(session, principal, conversation_id, may_hand_on, always=True)
        share = sharing.hand_on(
            session,
            conversation_id,
            by_login=principal.name,
            to_role=Role.EXAMS_OFFICER.value,
            note=note,
        )
    return Outcome(share, Changes.of(CONVERSATION, conversation_id))


def share(
    principal: Principal,
    database: Database,
    conversation_id: int,
    *,
    with_login: str,
    note: str = "",
) -> Outcome[Share]:
    """Share a concluded conversation with one colleague, named by their login."""
    require(principal, Role.TEACHER, "share a case")
    _on_a_server(principal, database, "share a case")
    from app.storage import sharing

    login = with_login.strip()
    with transaction(database, principal) as session:
        check(
            session,
            principal,
            conversation_id,
            lambda who, case: may_hand_on(who, case, to_login=login),
            always=True,
        )
        made = sharing.hand_on(
            session, conversation_id, by_login=principal.name, to_login=login, note=note
        )
    return Outcome(made, Changes.of(CONVERSATION, conversation_id))


def waiting(principal: Principal, database: Database) -> list[Conversation]:
    """The cases passed to the exams officer whose referral has not been started."""
    require_any(principal, WAITING_READERS, "see the cases waiting for the exams officer")
    from app.storage import sharing

    with transaction(database, principal) as session:
        return sharing.waiting(session)


def shares(principal: Principal, database: Database, conversation_id: int) -> list[Share]:
    require_any(principal, READERS, "see who a case was handed to")
    from app.storage import sharing

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return sharing.shares_of(session, conversation_id)


def write_review_note(
    principal: Principal, database: Database, conversation_id: int, text: str
) -> Outcome[ReviewNote]:
    require(principal, Role.HEAD_OF_DEPARTMENT, "write a review note")
    _on_a_server(principal, database, "write a review note")
    from app.storage import sharing

    with transaction(database, principal) as session:
        check(session, principal, conversation_id, may_review)
        note = sharing.add_review_note(
            session, conversation_id, author_login=principal.name, text=text
        )
    return Outcome(note, Changes.of(CONVERSATION, conversation_id))


def review_notes(
    principal: Principal, database: Database, conversation_id: int
) -> list[ReviewNote]:
    require_any(principal, READERS, "see a case's review notes")
    from app.storage import sharing

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return sharing.review_notes_of(session, conversation_id)
