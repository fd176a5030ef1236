"""Arbitrary Unicode in amendments and attachment details: stored exactly, or refused whole."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.text import clean_block, clean_line
from app.errors import ValidationError
from app.integrity import amendments, evidence, finalise
from app.paths import AppPaths
from app.storage import audit
from app.storage.database import Database
from tests.integrity_support import finalised

# Hypothesis example counts; docs/integrity.md quotes them.
AMENDMENT_TEXTS = 150
ATTACHMENT_DETAILS = 100
FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(FUZZ, max_examples=AMENDMENT_TEXTS)
@given(value=st.text(max_size=400), reason=st.text(max_size=200))
def test_an_amendment_of_any_text_is_kept_exactly_or_refused_whole(
    value: str, reason: str, store: Database, conversation_id: int
) -> None:
    with store.transaction() as session:
        ready = finalise.get(session, conversation_id) is not None
    if not ready:  # the fixture's conversation is shared by every example of this test
        finalised(store, conversation_id)
    with store.transaction() as session:
        before = (len(amendments.list_for(session, conversation_id)), audit.count(session))
    try:
        with store.transaction() as session:
            made = amendments.add(
                session,
                conversation_id,
                path="outcome.student_account",
                new_value=value,
                reason=reason,
            )
    except ValidationError:
        with store.transaction() as session:
            after = (len(amendments.list_for(session, conversation_id)), audit.count(session))
        assert after == before
        return
    assert made.new_value == clean_block(value) and made.reason == clean_block(reason)
    with store.transaction() as session:
        stored = amendments.list_for(session, conversation_id)[-1]
        assert (len(amendments.list_for(session, conversation_id)), audit.count(session)) == (
            before[0] + 1,
            before[1] + 1,
        )
    assert stored == made


@settings(FUZZ, max_examples=ATTACHMENT_DETAILS)
@given(name=st.text(max_size=300), note=st.text(max_size=300))
def test_attachment_details_of_any_text_are_kept_exactly_or_refused_whole(
    name: str, note: str, store: Database, paths: AppPaths, conversation_id: int, tmp_path: Path
) -> None:
    source = tmp_path / "evidence.bin"
    source.write_bytes(b"evidence")
    with store.transaction() as session:
        before = len(evidence.list_for_conversation(session, conversation_id))
    try:
        with store.transaction() as session:
            made = evidence.attach(
                session, paths, source, name=name, note=note, conversation_id=conversation_id
            )
    except ValidationError:
        with store.transaction() as session:
            assert len(evidence.list_for_conversation(session, conversation_id)) == before
        return
    assert made.name == clean_line(name) and made.note == clean_block(note)
    with store.transaction() as session:
        assert evidence.get(session, made.id) == made
