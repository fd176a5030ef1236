"""The services' check of one conversation against the access rules, before any other work.

``app/domain/access.py`` says who may read, change, hand on or review a case; this reads the
case's facts in the use case's own transaction and turns a refusal into ``PermissionDenied``.
A principal holding every role (the personal store's) is not checked: nothing is read for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.domain.access import CaseFacts, holds_every_role, may_change, may_read
from app.domain.principal import Principal
from app.errors import PermissionDenied

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Rule = Callable[[Principal, CaseFacts], str | None]


def check(
    session: Session,
    principal: Principal,
    conversation_id: int,
    rule: Rule,
    *,
    always: bool = False,
) -> None:
    """``always``: also for a principal holding every role, for a rule about the case's state
    (only a concluded conversation is handed on) rather than about who is asking."""
    if holds_every_role(principal) and not always:
        return
    from app.storage.access import case_facts

    refused = rule(principal, case_facts(session, conversation_id))
    if refused is not None:
        raise PermissionDenied(refused)


def check_read(session: Session, principal: Principal, conversation_id: int) -> None:
    check(session, principal, conversation_id, may_read)


def check_change(session: Session, principal: Principal, conversation_id: int) -> None:
    check(session, principal, conversation_id, may_change)
