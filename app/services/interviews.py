"""Use cases of the walk-through: what a conversation holds, and its changes as they are typed.

The walk-through saves in the background (ui/interview/autosave.py): many small edits, written
together once typing pauses.  Each edit is a function of a ``Walkthrough``, this module's view of
one transaction, whose methods are the interview repository's (app/storage/interviews.py)
without the session; ``write_edits`` runs a batch of them in one transaction and
``write`` runs one change whose result the window needs (a new excerpt's id).  Both name the
principal in the audit log, and neither lets a caller see the session.

The edits the window makes as the teacher types are ``Change`` values: a ``Walkthrough`` method
that sets fields to values, named with its arguments, so that an edit can be written to the
local journal when the server cannot be reached (app/services/journal.py) and applied later,
by another process if need be.  Applying one twice leaves the record as applying it once.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from app.domain.access import holds_every_role
from app.domain.interview import IndicatorSeen
from app.domain.principal import Principal, Role
from app.domain.records import Conclusion, Rating, Staff, StaffDraft, StaffRole, Submission
from app.errors import OwnWorkError, StoreError
from app.services.base import READERS, require, require_any, transaction
from app.services.case_access import check_change, check_read

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.domain.interview import InterviewContent, Route
    from app.storage.database import Database

P = ParamSpec("P")
R = TypeVar("R")


def _bound(
    session: Session,
    function: Callable[Concatenate[Session, P], R],
    check: Callable[[Any], None] = lambda _first: None,
) -> Callable[P, R]:
    """``function`` in this transaction, after ``check`` of its first argument (the id of
    the conversation, excerpt or answer it changes)."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        check(args[0] if args else None)
        return function(session, *args, **kwargs)

    return call


class Walkthrough:
    """The walk-through's changes inside one transaction (see the module's docstring).  Given
    the ``principal``, each change first checks the conversation is one they may change (a
    teacher's own: app/domain/access.py)."""

    def __init__(self, session: Session, principal: Principal | None = None) -> None:
        from app.storage import interviews

        self._session = session
        self._principal = principal
        conversation, excerpt, answer = (
            self._check_conversation,
            partial(self._check_row, "excerpt"),
            partial(self._check_row, "answer"),
        )
        self.save_preparation = _bound(session, interviews.save_preparation, conversation)
        self.set_people = _bound(session, interviews.set_people, conversation)
        self.set_indicators = _bound(session, interviews.set_indicators, conversation)
        self.add_excerpt = _bound(session, interviews.add_excerpt, conversation)
        self.update_excerpt = _bound(session, interviews.update_excerpt, excerpt)
        self.remove_excerpt = _bound(session, interviews.remove_excerpt, excerpt)
        self.move_excerpt = _bound(session, interviews.move_excerpt, excerpt)
        self.begin = _bound(session, interviews.begin, conversation)
        self.update_answer = _bound(session, interviews.update_answer, answer)
        self.add_question = _bound(session, interviews.add_question, conversation)
        self.set_position = _bound(session, interviews.set_position, conversation)
        self.save_outcome = _bound(session, interviews.save_outcome, conversation)

    def _check_conversation(self, conversation_id: Any) -> None:
        if self._principal is not None and isinstance(conversation_id, int):
            check_change(self._session, self._principal, conversation_id)

    def _check_row(self, kind: str, row_id: Any) -> None:
        if self._principal is None or holds_every_role(self._principal):
            return
        from app.storage.access import conversation_of

        conversation_id = conversation_of(self._session, kind, row_id)
        if conversation_id is not None:  # none: the change itself says the row is gone
            check_change(self._session, self._principal, conversation_id)

    def content(self, conversation_id: int) -> InterviewContent:
        """The conversation as this transaction sees it (after the edits before this one)."""
        from app.storage import case_files

        return case_files.load_content(self._session, conversation_id)

    def add_staff(self, name: str, role: StaffRole) -> Staff:
        from app.storage import staff

        return staff.create(self._session, StaffDraft(name=name, role=role))

    def conclude_and_finalise(
        self, conversation_id: int, **outcome: Any
    ) -> tuple[Route, dt.datetime]:
        """Conclude and finalise in one step (as Case › Finalise): both, or neither."""
        from app.integrity import finalise
        from app.storage import interviews

        self._check_conversation(conversation_id)
        route = interviews.conclude(self._session, conversation_id, **outcome)
        finalised = finalise.finalise(self._session, conversation_id)
        return route, finalised.finalised_at


Edit = Callable[[Walkthrough], object]

# The Walkthrough methods a Change may name: each sets fields to the values given, so applying a
# change again (a journal replayed after a crash) changes nothing and writes no audit entry.
CHANGES = frozenset(
    {"save_preparation", "set_people", "set_indicators", "update_answer", "set_position"}
    | {"save_outcome", "update_excerpt"}
)
_ENUMS: dict[str, type[enum.Enum]] = {"Rating": Rating, "Conclusion": Conclusion}


@dataclass(frozen=True)
class Change:
    """One edit of the walk-through as data: ``Walkthrough.<name>(*args, **kwargs)``."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in CHANGES:
            raise ValueError(f"{self.name!r} is not a change of the walk-through")

    def __call__(self, walkthrough: Walkthrough) -> object:
        method: Callable[..., object] = getattr(walkthrough, self.name)
        return method(*self.args, **dict(self.kwargs))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (``from_json`` reads it back)."""
        return {
            "name": self.name,
            "args": [_encode(value) for value in self.args],
            "kwargs": {key: _encode(value) for key, value in self.kwargs.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        """The change ``to_json`` described; ``ValueError`` for anything else."""
        try:
            name, args, kwargs = data["name"], data["args"], data["kwargs"]
            return cls(
                str(name),
                tuple(_decode(value) for value in args),
                {str(key): _decode(value) for key, value in kwargs.items()},
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a walk-through change: {error}") from error


def _encode(value: Any) -> Any:
    # The values the walk-through's changes carry: JSON's own, two enums, and the signs seen.
    if isinstance(value, enum.Enum):
        return {"$enum": type(value).__name__, "value": value.value}
    if isinstance(value, IndicatorSeen):
        return {"$indicator": [value.code, value.note]}
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"$map": {str(key): _encode(item) for key, item in value.items()}}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"a walk-through change cannot carry a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if "$enum" in value:
            return _ENUMS[value["$enum"]](value["value"])
        if "$indicator" in value:
            code, note = value["$indicator"]
            return IndicatorSeen(code=str(code), note=str(note))
        return {str(key): _decode(item) for key, item in value["$map"].items()}
    return value


@dataclass(frozen=True)
class Opening:
    """What the walk-through window shows when it opens (read off the GUI thread)."""

    content: InterviewContent
    submission: Submission
    staff: list[Staff]


def opening(principal: Principal, database: Database, conversation_id: int) -> Opening:
    """The conversation, its submission and the staff to choose from, for the window."""
    from app.services import records

    found = content(principal, database, conversation_id)
    return Opening(
        content=found,
        submission=records.get_submission(principal, database, found.conversation.submission_id),
        staff=records.list_staff(principal, database),
    )


def content(principal: Principal, database: Database, conversation_id: int) -> InterviewContent:
    """The conversation's header and walk-through, as the record holds them now."""
    require_any(principal, READERS, "see a conversation")
    from app.storage import case_files

    with transaction(database, principal) as session:
        check_read(session, principal, conversation_id)
        return case_files.load_content(session, conversation_id)


def write_edits(
    principal: Principal, database: Database, edits: Mapping[Hashable, Edit]
) -> dict[Hashable, OwnWorkError]:
    """Write a batch of edits in one transaction.  An edit the core refuses (its checks come
    before it changes anything) is left out and its message returned under its key; the others
    are written.  A ``StoreError`` (disk full, locked) writes none of them."""
    require(principal, Role.TEACHER, "change a conversation")
    rejected: dict[Hashable, OwnWorkError] = {}
    with transaction(database, principal) as session:
        walkthrough = Walkthrough(session, principal)
        for key, edit in edits.items():
            try:
                edit(walkthrough)
            except StoreError:
                raise
            except OwnWorkError as error:
                rejected[key] = error
    return rejected


def write(principal: Principal, database: Database, work: Callable[[Walkthrough], R]) -> R:
    """One change whose result the window needs, in a transaction of its own."""
    require(principal, Role.TEACHER, "change a conversation")
    with transaction(database, principal) as session:
        return work(Walkthrough(session, principal))
