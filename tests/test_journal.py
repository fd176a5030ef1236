"""The local journal: edits kept on this computer while the server is away, replayed once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.interview import IndicatorSeen
from app.domain.principal import Principal, Role
from app.domain.records import Conclusion, ConversationDraft, Rating
from app.integrity import finalise
from app.services import Database
from app.services.interviews import Change
from app.services.journal import (
    NOT_SAVED,
    Journal,
    Replayed,
    pending,
    replay,
    replay_keeping,
    replay_pending,
)
from app.storage import case_files, conversations, interviews
from app.storage.models import AuditRow
from tests.interview_support import snapshot


@pytest.fixture
def answer_ids(store: Database, conversation_id: int) -> list[int]:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        answers = interviews.begin(session, conversation_id, snapshot(), "Essay")
    return [answer.id or 0 for answer in answers]


def journal_for(tmp_path: Path, store: Database, conversation_id: int) -> Journal:
    return Journal.for_conversation(tmp_path / "journal", store, conversation_id)


def stored_words(store: Database, conversation_id: int) -> list[str]:
    with store.transaction() as session:
        content = case_files.load_content(session, conversation_id)
    return [answer.student_words for answer in content.answers]


def audit_count(store: Database) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditRow)) or 0


def words(answer_id: int, text: str) -> Change:
    return Change("update_answer", (answer_id,), {"student_words": text})


def test_every_kind_of_change_reads_back_as_it_was_written(tmp_path: Path) -> None:
    changes = [
        words(3, "Zoë said “it was mine” \x85 名前"),
        Change("update_answer", (3,), {"rating": Rating.CLEAR, "skipped": False}),
        Change("update_answer", (3,), {"rating": None, "excerpt_id": None}),
        Change("set_indicators", (1, (IndicatorSeen(code="style", note="formal"),)), {}),
        Change("save_preparation", (1,), {"rights": {"appeal": True}}),
        Change("save_outcome", (1,), {"conclusion": Conclusion.SATISFIED}),
        Change("set_position", (1, 2)),
    ]
    journal = Journal(tmp_path / "journal" / "a.jsonl")
    written = journal.append(changes)
    read = journal.entries()
    assert [entry.id for entry in read] == [entry.id for entry in written]
    assert len({entry.id for entry in read}) == len(changes)
    for change, entry in zip(changes, read, strict=True):
        assert entry.change.name == change.name
        assert list(entry.change.args) == [
            list(a) if isinstance(a, tuple) else a for a in change.args
        ]
        assert dict(entry.change.kwargs) == dict(change.kwargs)


def test_the_journal_is_private_to_the_teacher(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal" / "a.jsonl")
    journal.append([words(1, "private")])
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(journal.path.parent).st_mode) == 0o700


@pytest.mark.expect_log("line 2 cannot be read")
def test_a_line_torn_by_a_crash_is_skipped_and_later_entries_still_read(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal" / "a.jsonl")
    first = journal.append([words(1, "kept")])
    with journal.path.open("a", encoding="utf-8") as file:
        file.write('{"id": "torn", "change": {"na')
    second = journal.append([words(1, "kept too")])
    assert [e.id for e in journal.entries()] == [first[0].id, second[0].id]


def test_a_change_that_is_not_a_setting_of_values_is_refused() -> None:
    with pytest.raises(ValueError, match="not a change"):
        Change("remove_excerpt", (1,))


@pytest.mark.both_stores
def test_replay_applies_the_entries_in_order_and_removes_the_file(
    tmp_path: Path, store: Database, conversation_id: int, answer_ids: list[int]
) -> None:
    journal = journal_for(tmp_path, store, conversation_id)
    first, second = answer_ids[:2]
    journal.append([words(first, "a"), words(second, "b")])
    journal.append([words(first, "ab"), words(first, "abc")])
    assert [j.path for j in pending(tmp_path / "journal", store)] == [journal.path]
    assert replay(store.principal, store, journal) == {}
    assert stored_words(store, conversation_id)[:2] == ["abc", "b"]
    assert not journal.path.exists()


@pytest.mark.both_stores
def test_a_crash_mid_replay_applies_nothing_and_the_next_replay_applies_each_once(
    tmp_path: Path,
    store: Database,
    conversation_id: int,
    answer_ids: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journal = journal_for(tmp_path, store, conversation_id)
    journal.append([words(answer_ids[0], f"note {n}") for n in range(1, 6)])
    real = interviews.update_answer
    calls = 0

    def crashing_after_three(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise RuntimeError("the process died here")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    before = audit_count(store)
    monkeypatch.setattr(interviews, "update_answer", crashing_after_three)
    with pytest.raises(RuntimeError):
        replay(store.principal, store, journal)
    assert stored_words(store, conversation_id)[0] == ""
    assert audit_count(store) == before
    assert journal.path.exists()

    monkeypatch.setattr(interviews, "update_answer", real)
    replay(store.principal, store, journal)
    assert stored_words(store, conversation_id)[0] == "note 5"
    assert audit_count(store) == before + 5


@pytest.mark.both_stores
def test_a_crash_after_the_commit_but_before_removal_changes_nothing_on_the_next_replay(
    tmp_path: Path,
    store: Database,
    conversation_id: int,
    answer_ids: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    journal = journal_for(tmp_path, store, conversation_id)
    journal.append([words(answer_ids[0], "one"), words(answer_ids[1], "two")])

    def crash(self: Journal) -> None:
        raise RuntimeError("the process died before the file went")

    monkeypatch.setattr(Journal, "remove", crash)
    with pytest.raises(RuntimeError):
        replay(store.principal, store, journal)
    applied_once = audit_count(store)
    monkeypatch.undo()
    replayed = replay_pending(store.principal, store, tmp_path / "journal")
    assert (replayed.saved, replayed.conversations, replayed.kept) == (2, (conversation_id,), ())
    assert stored_words(store, conversation_id)[:2] == ["one", "two"]
    assert audit_count(store) == applied_once
    assert pending(tmp_path / "journal", store) == ()


@pytest.mark.both_stores
@pytest.mark.expect_log("refused on replay")
def test_an_entry_the_core_refuses_is_set_aside_and_the_rest_applied(
    tmp_path: Path, store: Database, conversation_id: int, answer_ids: list[int]
) -> None:
    journal = journal_for(tmp_path, store, conversation_id)
    journal.append([words(answer_ids[0], "bad \x00 byte"), words(answer_ids[1], "fine")])
    refused, kept = replay_keeping(store.principal, store, journal)
    assert len(refused) == 1 and "control characters" in str(next(iter(refused.values())))
    assert stored_words(store, conversation_id)[:2] == ["", "fine"]
    assert not journal.path.exists()
    # Not lost: the refused entry is kept, private, where no replay looks.
    assert kept is not None and kept.count == 1 and "control characters" in kept.reason
    assert kept.path.parent == tmp_path / "journal" / NOT_SAVED
    assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600
    assert [e.change for e in Journal(kept.path).entries()] == [
        words(answer_ids[0], "bad \x00 byte")
    ]
    assert pending(tmp_path / "journal", store) == ()


@pytest.mark.both_stores
@pytest.mark.expect_log("refused on replay")
def test_journals_of_a_conversation_finalised_meanwhile_are_kept_and_the_others_replayed(
    tmp_path: Path, store: Database, conversation_id: int, answer_ids: list[int]
) -> None:
    with store.transaction() as session:
        first = conversations.get(session, conversation_id)
        other = conversations.create(
            session,
            ConversationDraft(submission_id=first.submission_id, held_at=first.held_at),
        ).id
    folder = tmp_path / "journal"
    finalised = journal_for(tmp_path, store, conversation_id)
    finalised.append([words(answer_ids[0], "typed after"), words(answer_ids[1], "and more")])
    open_one = journal_for(tmp_path, store, other)
    open_one.append([Change("save_preparation", (other,), {"purpose_explained": True})])
    with store.transaction() as session:
        interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.SATISFIED,
            student_account="It was my own work.",
            next_step="",
        )
        finalise.finalise(session, conversation_id)

    replayed = replay_pending(store.principal, store, folder)

    assert (replayed.saved, replayed.conversations) == (1, (other,))
    (kept,) = replayed.kept
    assert (kept.conversation_id, kept.count) == (conversation_id, 2)
    assert [e.change for e in Journal(kept.path).entries()] == [
        words(answer_ids[0], "typed after"),
        words(answer_ids[1], "and more"),
    ]
    assert stored_words(store, conversation_id)[:2] == ["", ""]
    assert pending(folder, store) == ()
    # Kept, not replayed again: a second start-up has nothing to do.
    assert replay_pending(store.principal, store, folder) == Replayed()


@pytest.mark.both_stores
@pytest.mark.expect_log("refused on replay")
def test_a_journal_this_login_may_not_write_is_kept_whole(
    tmp_path: Path, store: Database, conversation_id: int, answer_ids: list[int]
) -> None:
    journal = journal_for(tmp_path, store, conversation_id)
    journal.append([words(answer_ids[0], "mine")])
    reader = Principal("a.reader", frozenset({Role.SENIOR_LEADER}))

    replayed = replay_pending(reader, store, tmp_path / "journal")

    (kept,) = replayed.kept
    assert replayed.saved == 0 and "a.reader may not" in kept.reason
    assert [e.change for e in Journal(kept.path).entries()] == [words(answer_ids[0], "mine")]
    assert stored_words(store, conversation_id)[0] == ""


def test_journals_of_another_store_are_not_replayed(
    tmp_path: Path, store: Database, conversation_id: int
) -> None:
    folder = tmp_path / "journal"
    Journal(folder / f"0123456789abcdef-{conversation_id}.jsonl").append([words(1, "other")])
    assert pending(folder, store) == ()
