"""The walk-through's write side (app.storage.interviews), read back through load_content."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.indicators import INDICATORS
from app.domain.interview import IndicatorSeen, InterviewContent, Route
from app.domain.records import Conclusion, ConversationStatus, Rating, StaffDraft
from app.domain.rights import RIGHTS
from app.errors import ValidationError
from app.storage import case_files, interviews, staff
from app.storage.database import Database
from app.storage.models import AuditRow, SubmissionRow
from tests.interview_support import EMOJI_NOTE, RTL_NOTE, long_note, snapshot

pytestmark = pytest.mark.both_stores


def content(store: Database, conversation_id: int) -> InterviewContent:
    with store.transaction() as session:
        return case_files.load_content(session, conversation_id)


def begun(store: Database, conversation_id: int, *, excerpts: int = 2) -> InterviewContent:
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        for number in range(1, excerpts + 1):
            interviews.add_excerpt(
                session, conversation_id, location=f"page {number}", text=f"Passage {number}."
            )
        interviews.begin(session, conversation_id, snapshot(), "Essay: process and understanding")
    return content(store, conversation_id)


def test_begin_copies_every_question_in_order(store: Database, conversation_id: int) -> None:
    result = begun(store, conversation_id)

    assert result.conversation.status is ConversationStatus.IN_PROGRESS
    assert result.started_at is not None
    assert result.script_name == "Essay: process and understanding"
    assert [a.question_key for a in result.answers] == [
        "process.topic",
        "process.drafts",
        "understanding.explain",
        "understanding.sources",
        "understanding.change",
    ]
    assert [a.position for a in result.answers] == [0, 1, 2, 3, 4]
    assert result.answers[2].section_title == "Understanding"
    assert result.answers[2].question_text == "Explain this passage in your own words."
    first_excerpt = result.preparation.excerpts[0]
    assert result.answers[2].excerpt_id == first_excerpt.id
    assert [a.excerpt_id for a in result.answers if a.position != 2] == [None] * 4


def test_the_stored_script_never_follows_later_edits(store: Database, conversation_id: int) -> None:
    script = snapshot()
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
        interviews.begin(session, conversation_id, script, script["title"])
    before = content(store, conversation_id)

    script["sections"][0]["questions"][0]["text"] = "Edited afterwards"
    script["sections"].pop()
    script["title"] = "Renamed"

    after = content(store, conversation_id)
    assert after.script_snapshot == before.script_snapshot == snapshot()
    assert after.answers == before.answers
    assert after.answers[0].question_text == "How did you choose your topic?"


def test_begin_needs_the_purpose_explained(store: Database, conversation_id: int) -> None:
    with pytest.raises(ValidationError) as raised, store.transaction() as session:
        interviews.begin(session, conversation_id, snapshot(), "Essay")
    assert "purpose_explained" in raised.value.field_errors
    assert content(store, conversation_id).answers == ()


def test_begin_happens_once(store: Database, conversation_id: int) -> None:
    begun(store, conversation_id)
    with pytest.raises(ValidationError, match="already begun"), store.transaction() as session:
        interviews.begin(session, conversation_id, snapshot(), "Again")
    assert len(content(store, conversation_id).answers) == 5


def test_a_malformed_script_is_refused(store: Database, conversation_id: int) -> None:
    broken = snapshot()
    broken["sections"][1]["questions"][0]["text"] = "  "
    with store.transaction() as session:
        interviews.save_preparation(session, conversation_id, purpose_explained=True)
    with pytest.raises(ValidationError, match="no text"), store.transaction() as session:
        interviews.begin(session, conversation_id, broken, "Broken")
    assert content(store, conversation_id).conversation.status is ConversationStatus.PREPARING


@pytest.mark.parametrize("note", [long_note(), EMOJI_NOTE, RTL_NOTE], ids=["long", "emoji", "rtl"])
def test_notes_round_trip_intact(store: Database, conversation_id: int, note: str) -> None:
    answer = begun(store, conversation_id).answers[1]
    with store.transaction() as session:
        interviews.update_answer(
            session, answer.id or 0, student_words=note, observations=note[::-1].strip()
        )
        interviews.save_preparation(session, conversation_id, wellbeing_note=note)
    stored = content(store, conversation_id)
    assert stored.answers[1].student_words == note
    assert stored.answers[1].observations == note[::-1].strip()
    assert stored.preparation.wellbeing_note == note


def test_notes_with_control_characters_or_too_long_are_refused(
    store: Database, conversation_id: int
) -> None:
    answer = begun(store, conversation_id).answers[0]
    with pytest.raises(ValidationError) as raised, store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, student_words="bell\x07 here")
    assert "control characters" in raised.value.field_errors["student_words"]
    too_long = "x" * (interviews.TEXT_MAX + 1)
    with pytest.raises(ValidationError, match="too long"), store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, observations=too_long)
    assert content(store, conversation_id).answers[0].student_words == ""


def test_rating_skip_and_excerpt_change_only_what_is_given(
    store: Database, conversation_id: int
) -> None:
    started = begun(store, conversation_id)
    answer = started.answers[2]
    second_excerpt = started.preparation.excerpts[1]
    with store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, student_words="I wrote it at home.")
        interviews.update_answer(session, answer.id or 0, rating=Rating.PARTLY)
        interviews.update_answer(session, answer.id or 0, excerpt_id=second_excerpt.id)
        interviews.update_answer(session, started.answers[3].id or 0, skipped=True)
    stored = content(store, conversation_id).answers
    assert stored[2].student_words == "I wrote it at home."
    assert stored[2].rating is Rating.PARTLY
    assert stored[2].excerpt_id == second_excerpt.id
    assert stored[3].skipped and not stored[2].skipped
    with store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, rating=None)
    assert content(store, conversation_id).answers[2].rating is None


def test_unscripted_question_goes_after_the_current_one(
    store: Database, conversation_id: int
) -> None:
    started = begun(store, conversation_id)
    with store.transaction() as session:
        answers = interviews.add_question(
            session,
            conversation_id,
            after_answer_id=started.answers[1].id,
            text="Can you show me your notes?",
        )
        interviews.add_question(
            session, conversation_id, after_answer_id=None, text="First, how are you today?"
        )
    assert [a.position for a in answers] == list(range(6))
    assert answers[2].unscripted and answers[2].question_text == "Can you show me your notes?"
    stored = content(store, conversation_id).answers
    assert [a.question_text for a in stored[:4]] == [
        "First, how are you today?",
        "How did you choose your topic?",
        "What changed between your first draft and this one?",
        "Can you show me your notes?",
    ]
    assert [a.position for a in stored] == list(range(7))
    assert stored[3].section_title == "How the work was made"
    assert {stored[0].question_key, stored[3].question_key} == {"unscripted.1", "unscripted.2"}


def test_position_is_kept_and_bounded(store: Database, conversation_id: int) -> None:
    begun(store, conversation_id)
    with store.transaction() as session:
        interviews.set_position(session, conversation_id, 3)
    assert content(store, conversation_id).current_position == 3
    with pytest.raises(ValidationError), store.transaction() as session:
        interviews.set_position(session, conversation_id, 6)
    with store.transaction() as session:
        interviews.set_position(session, conversation_id, 5)  # the conclusion step
    assert content(store, conversation_id).current_position == 5


def test_preparation_fields_and_rights(store: Database, conversation_id: int) -> None:
    with store.transaction() as session:
        interviews.save_preparation(
            session,
            conversation_id,
            concern_summary="Essay reads unlike class work.",
            rights={"purpose_told": True, "wellbeing_checked": True},
            access_arrangements="25% extra time; reader.",
            staff_only_note="Parent is a governor.",
        )
    prep = content(store, conversation_id).preparation
    assert prep.concern_summary == "Essay reads unlike class work."
    assert prep.rights == {
        item.key: item.key in {"purpose_told", "wellbeing_checked"} for item in RIGHTS
    }
    assert prep.access_arrangements == "25% extra time; reader."
    assert prep.staff_only_note == "Parent is a governor."
    assert prep.wellbeing_note == ""
    with pytest.raises(ValidationError, match="Unknown checklist"), store.transaction() as s:
        interviews.save_preparation(s, conversation_id, rights={"made_up": True})


def test_indicators_are_replaced_as_a_set(store: Database, conversation_id: int) -> None:
    first, second, third = (i.code for i in INDICATORS[:3])
    with store.transaction() as session:
        interviews.set_indicators(
            session,
            conversation_id,
            [IndicatorSeen(code=first, note="color, analyze"), IndicatorSeen(code=second)],
        )
        interviews.set_indicators(
            session,
            conversation_id,
            [IndicatorSeen(code=first, note="color, analyze, center"), IndicatorSeen(code=third)],
        )
    assert content(store, conversation_id).preparation.indicators == (
        IndicatorSeen(code=first, note="color, analyze, center"),
        IndicatorSeen(code=third, note=""),
    )
    with pytest.raises(ValidationError, match="not a known sign"), store.transaction() as s:
        interviews.set_indicators(s, conversation_id, [IndicatorSeen(code="psychic")])


def test_excerpts_add_edit_move_remove(store: Database, conversation_id: int) -> None:
    with store.transaction() as session:
        a = interviews.add_excerpt(session, conversation_id, location="p1", text="Alpha")
        b = interviews.add_excerpt(session, conversation_id, location="p2", text="Beta")
        c = interviews.add_excerpt(session, conversation_id, location="p3", text="Gamma")
        interviews.update_excerpt(session, b.id or 0, location="page 2", text="Beta, edited")
        interviews.move_excerpt(session, c.id or 0, 0)
        remaining = interviews.remove_excerpt(session, a.id or 0)
    assert [(e.location, e.text, e.position) for e in remaining] == [
        ("p3", "Gamma", 0),
        ("page 2", "Beta, edited", 1),
    ]
    assert content(store, conversation_id).preparation.excerpts == remaining
    with pytest.raises(ValidationError, match="excerpt is required"), store.transaction() as s:
        interviews.add_excerpt(s, conversation_id, location="p9", text="   ")


def test_an_excerpt_answered_about_stays(store: Database, conversation_id: int) -> None:
    started = begun(store, conversation_id)
    anchored = started.answers[2]
    with store.transaction() as session:
        interviews.update_answer(session, anchored.id or 0, student_words="It means…")
    with pytest.raises(ValidationError, match="part of the record"), store.transaction() as s:
        interviews.remove_excerpt(s, anchored.excerpt_id or 0)
    unused = started.preparation.excerpts[1]
    with store.transaction() as session:
        interviews.remove_excerpt(session, unused.id or 0)
    assert len(content(store, conversation_id).preparation.excerpts) == 1


def test_people_present(store: Database, conversation_id: int) -> None:
    with store.transaction() as session:
        second = staff.create(session, StaffDraft(name="Mr Adeyemi"))
        lead_id = case_files.load_content(session, conversation_id).conversation.led_by_id
        interviews.set_people(
            session,
            conversation_id,
            led_by_id=lead_id,
            second_staff_id=second.id,
            others_present="Mrs Khan (SENCo)",
        )
    stored = content(store, conversation_id).conversation
    assert stored.second_staff_name == "Mr Adeyemi"
    assert stored.others_present == "Mrs Khan (SENCo)"
    assert lead_id is not None
    assert stored.led_by_id == lead_id
    with pytest.raises(ValidationError, match="someone else"), store.transaction() as s:
        interviews.set_people(
            s,
            conversation_id,
            led_by_id=second.id,
            second_staff_id=second.id,
            others_present="",
        )


def test_conclusion_after_signing_is_a_referral_and_locks(
    store: Database, conversation_id: int
) -> None:
    answer = begun(store, conversation_id).answers[0]
    with pytest.raises(ValidationError, match="referral"), store.transaction() as session:
        interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.CONCERNS_REMAIN,
            student_account="",
            next_step=" ",
        )
    with store.transaction() as session:
        route = interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.CONCERNS_REMAIN,
            student_account="Says a cousin helped.",
            next_step="Refer to AQA.",
        )
    assert route is Route.REFERRAL
    stored = content(store, conversation_id)
    assert stored.conversation.status is ConversationStatus.CONCLUDED
    assert stored.outcome.conclusion is Conclusion.CONCERNS_REMAIN
    assert stored.outcome.student_account == "Says a cousin helped."
    assert stored.ended_at is not None
    with pytest.raises(ValidationError, match="concluded"), store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, student_words="changed later")
    with pytest.raises(ValidationError, match="concluded"), store.transaction() as session:
        interviews.save_preparation(session, conversation_id, wellbeing_note="later")
    assert content(store, conversation_id).answers[0].student_words == ""


def test_conclusion_before_signing_is_internal(store: Database, conversation_id: int) -> None:
    begun(store, conversation_id)
    with store.transaction() as session:
        submission = session.scalars(select(SubmissionRow)).one()
        submission.declaration_signed = False
        interviews.save_outcome(session, conversation_id, conclusion=Conclusion.ACKNOWLEDGED)
        route = interviews.conclude(
            session,
            conversation_id,
            conclusion=Conclusion.ACKNOWLEDGED,
            student_account="Used a chatbot for the introduction.",
            next_step="Work redone without the unacknowledged material by 20 October.",
        )
    assert route is Route.INTERNAL


def test_audit_records_lengths_not_note_text(store: Database, conversation_id: int) -> None:
    answer = begun(store, conversation_id).answers[0]
    secret = "Student mentioned a family matter in confidence."
    with store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, observations=secret)
        interviews.save_preparation(session, conversation_id, staff_only_note=secret)
    with store.transaction() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    assert all(secret not in r.changes_json and secret not in r.summary for r in rows)
    answer_changes = json.loads(rows[-2].changes_json)
    assert rows[-2].entity == "answer"
    assert answer_changes == {"observations": {"length": [0, len(secret)]}}
    assert json.loads(rows[-1].changes_json) == {"staff_only_note": {"length": [0, len(secret)]}}


def test_saving_the_same_value_again_records_nothing(store: Database, conversation_id: int) -> None:
    answer = begun(store, conversation_id).answers[0]
    with store.transaction() as session:
        interviews.update_answer(session, answer.id or 0, student_words="Same.")
        before = session.scalars(select(AuditRow.id)).all()
        interviews.update_answer(session, answer.id or 0, student_words="Same.")
        assert session.scalars(select(AuditRow.id)).all() == before
