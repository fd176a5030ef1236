"""Two staff change the same record: the second save is refused with who, when and both
versions, nothing is written, and "apply mine over theirs" is a save from the newer version.

Each record kind's use case is tested on both stores; two real concurrent sessions race on a
PostgreSQL server, where the row lock makes the later save wait and then see the conflict.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from app.domain.principal import Principal
from app.domain.records import Centre, StaffDraft, StaffRole, StudentDraft, SubmissionDraft
from app.errors import ConflictError
from app.services import records
from app.storage import audit, students
from app.storage.database import Database

FIRST = Principal.personal("a.okafor")
SECOND = Principal.personal("b.nowak")
HELD = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def _student(store: Database) -> int:
    draft = StudentDraft(surname="Ødegaard", forename="Zoë", candidate_number="0042")
    return records.add_student(FIRST, store, draft).value.id


def _submission(store: Database) -> int:
    draft = SubmissionDraft(
        student_id=_student(store), awarding_body="AQA", qualification="GCSE History"
    )
    return records.add_submission(FIRST, store, draft).value.id


@dataclass(frozen=True)
class Kind:
    """How to make one record kind, read it, and save a change from a given version."""

    name: str
    make: Callable[[Database], int]
    read: Callable[[Database, int], object]
    change: Callable[[Principal, Database, int, str, int | None], object]
    field_label: str


def _change_student(p: Principal, db: Database, key: int, text: str, version: int | None) -> None:
    before = records.get_student(p, db, key)
    draft = StudentDraft(surname=text, forename=before.forename, candidate_number="0042")
    records.change_student(p, db, key, draft, version=version)


def _change_submission(
    p: Principal, db: Database, key: int, text: str, version: int | None
) -> None:
    before = records.get_submission(p, db, key)
    draft = SubmissionDraft(
        student_id=before.student_id,
        awarding_body=before.awarding_body,
        qualification=before.qualification,
        title=text,
    )
    records.change_submission(p, db, key, draft, version=version)


def _conversation(store: Database) -> int:
    outcome = records.plan_conversation(
        FIRST, store, submission_id=_submission(store), held_at=HELD
    )
    return outcome.value.id


def _change_conversation(
    p: Principal, db: Database, key: int, text: str, version: int | None
) -> None:
    before = records.get_conversation(p, db, key)
    records.plan_conversation(
        p,
        db,
        submission_id=before.submission_id,
        held_at=before.held_at,
        others_present=text,
        conversation_id=key,
        version=version,
    )


def _change_centre(p: Principal, db: Database, key: int, text: str, version: int | None) -> None:
    records.set_centre(p, db, Centre(name=text, centre_number="12345"), version=version)


def _make_centre(store: Database) -> int:
    records.set_centre(FIRST, store, Centre(name="Northgate Academy", centre_number="12345"))
    return 1


def _staff(store: Database) -> int:
    return records.add_staff(FIRST, store, StaffDraft(name="Ms Siobhán Byrne")).value.id


def _change_staff(p: Principal, db: Database, key: int, text: str, version: int | None) -> None:
    records.set_centre_and_staff(
        p,
        db,
        records.get_centre(p, db),
        [(key, StaffDraft(name=text, role=StaffRole.TEACHER))],
        versions={} if version is None else {key: version},
    )


def _read_staff(store: Database, key: int) -> object:
    return next(s for s in records.list_staff(FIRST, store) if s.id == key)


KINDS = [
    Kind("student", _student, lambda db, k: records.get_student(FIRST, db, k), _change_student,
         "Surname"),
    Kind("submission", _submission, lambda db, k: records.get_submission(FIRST, db, k),
         _change_submission, "Title"),
    Kind("conversation", _conversation, lambda db, k: records.get_conversation(FIRST, db, k),
         _change_conversation, "Others present"),
    Kind("centre", _make_centre, lambda db, k: records.get_centre(FIRST, db), _change_centre,
         "Name"),
    Kind("staff", _staff, _read_staff, _change_staff, "Name"),
]  # fmt: skip


def _version(kind: Kind, store: Database, key: int) -> int:
    version = getattr(kind.read(store, key), "version")  # noqa: B009 - every kind has one
    assert isinstance(version, int)
    return version


@pytest.mark.both_stores
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_a_save_from_an_older_version_is_refused_with_who_when_and_both_versions(
    store: Database, kind: Kind
) -> None:
    key = kind.make(store)
    opened_at = _version(kind, store, key)
    kind.change(FIRST, store, key, "Theirs", opened_at)
    theirs = kind.read(store, key)
    with store.transaction() as session:
        entries_before = len(audit.entries_for(session, kind.name, key))

    with pytest.raises(ConflictError) as raised:
        kind.change(SECOND, store, key, "Mine", opened_at)

    conflict = raised.value
    assert conflict.changed_by == "a.okafor"
    assert conflict.changed_at is not None
    assert abs(conflict.changed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert (conflict.your_version, conflict.their_version) == (opened_at, opened_at + 1)
    [differing] = [field for field in conflict.fields if field.differs]
    assert (differing.label, differing.theirs, differing.yours) == (
        kind.field_label,
        "Theirs",
        "Mine",
    )
    assert "a.okafor changed" in str(conflict) and "nothing was saved" in str(conflict)
    assert "\n" not in str(conflict)  # one line, as the command line prints it
    # Nothing written: the record and its history are as the first save left them.
    assert kind.read(store, key) == theirs
    with store.transaction() as session:
        assert len(audit.entries_for(session, kind.name, key)) == entries_before


@pytest.mark.both_stores
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_applying_mine_over_theirs_saves_from_their_version(store: Database, kind: Kind) -> None:
    key = kind.make(store)
    opened_at = _version(kind, store, key)
    kind.change(FIRST, store, key, "Theirs", opened_at)
    with pytest.raises(ConflictError) as raised:
        kind.change(SECOND, store, key, "Mine", opened_at)

    kind.change(SECOND, store, key, "Mine", raised.value.their_version)

    assert _version(kind, store, key) == raised.value.their_version + 1
    with store.transaction() as session:
        [last] = audit.entries_for(session, kind.name, key)[-1:]
    assert last.actor == "b.nowak"


@pytest.mark.both_stores
def test_a_form_that_matches_what_is_stored_saves_without_a_question(store: Database) -> None:
    key = _student(store)
    _change_student(FIRST, store, key, "Same", 1)
    _change_student(SECOND, store, key, "Same", 1)  # both typed the same: nothing to choose
    assert records.get_student(FIRST, store, key).surname == "Same"


@pytest.mark.both_stores
def test_saves_without_a_version_still_apply_and_count_on(store: Database) -> None:
    """Imports and the command line change records without a form: no version to compare."""
    key = _student(store)
    _change_student(FIRST, store, key, "One", None)
    _change_student(SECOND, store, key, "Two", None)
    student = records.get_student(FIRST, store, key)
    assert (student.surname, student.version) == ("Two", 3)


@pytest.mark.both_stores
def test_a_student_list_row_carries_its_version(store: Database) -> None:
    key = _student(store)
    _change_student(FIRST, store, key, "Renamed", 1)
    with store.transaction() as session:
        [listed] = students.page(session, students.ListQuery())
    assert listed.version == 2


@pytest.mark.parametrize("store_kind", ["postgresql"])
def test_two_sessions_saving_at_once_on_the_server_one_wins_and_the_other_is_told(
    store: Database,
) -> None:
    """Both forms opened at version 1.  The first save holds the row (FOR UPDATE) in an open
    transaction; the second, on its own connection, waits for it, then sees version 2 and is
    refused, naming the first."""
    key = _student(store)

    def first(session: Session) -> None:
        draft = StudentDraft(surname="Theirs", forename="Zoë", candidate_number="0042")
        students.update(session, key, draft, version=1)

    outcome = _race(store, first, lambda: _change_student(SECOND, store, key, "Mine", 1))

    assert isinstance(outcome, ConflictError), outcome
    assert outcome.changed_by == "a.okafor" and outcome.their_version == 2
    assert records.get_student(FIRST, store, key).surname == "Theirs"


def _race(
    store: Database, first: Callable[[Session], None], second: Callable[[], object]
) -> object:
    """``first`` runs in a transaction held open on a thread of its own; meanwhile ``second``
    runs on another, on its own connection, and must wait for the first to commit.  What the
    second returned, or the exception it raised."""
    holding, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    result: list[object] = []

    def hold() -> None:
        try:
            with store.transaction(actor="a.okafor") as session:
                first(session)
                holding.set()
                release.wait(10)
        except BaseException as error:  # reported below
            failures.append(error)
            holding.set()

    def race() -> None:
        try:
            result.append(second())
        except BaseException as error:  # the outcome the test looks at
            result.append(error)

    holder, racer = threading.Thread(target=hold), threading.Thread(target=race)
    holder.start()
    assert holding.wait(10)
    racer.start()
    racer.join(0.5)
    assert racer.is_alive(), "the second save must wait for the first to commit"
    release.set()
    holder.join(10)
    racer.join(10)
    assert not failures, failures
    [outcome] = result
    return outcome


def test_a_conflict_says_who_and_when_or_that_someone_else_did() -> None:
    named = ConflictError(
        what="Zoë Ødegaard's details",
        changed_by="a.okafor",
        changed_at=dt.datetime(2026, 12, 7, 9, 14, tzinfo=dt.UTC),
        their_version=3,
        your_version=2,
        fields=[],
    )
    local = dt.datetime(2026, 12, 7, 9, 14, tzinfo=dt.UTC).astimezone()
    assert str(named) == (
        f"a.okafor changed Zoë Ødegaard's details at {local:%H:%M} on {local:%d/%m/%Y} "
        "after you opened it; nothing was saved."
    )
    unknown = ConflictError(
        what="this record", changed_by="", changed_at=None, their_version=0, your_version=0,
        fields=(),
    )  # fmt: skip
    assert (
        str(unknown) == "Someone else changed this record after you opened it; nothing was saved."
    )


@pytest.mark.parametrize("store_kind", ["postgresql"])
def test_two_staff_autosaving_one_conversation_take_turns_and_the_later_text_is_kept(
    store: Database,
) -> None:
    """The walk-through's autosave is last-writer-wins: the second save waits for the first
    (the conversation's row is locked) and then writes over it, rather than failing."""
    from app.services import interviews
    from app.storage import interviews as walkthrough

    key = _conversation(store)

    def first(session: Session) -> None:
        walkthrough.save_preparation(session, key, concern_summary="Theirs")

    edit = {"summary": lambda w: w.save_preparation(key, concern_summary="Mine")}
    outcome = _race(store, first, lambda: interviews.write_edits(SECOND, store, edit))

    assert outcome == {}  # written, nothing refused
    assert interviews.content(FIRST, store, key).preparation.concern_summary == "Mine"
