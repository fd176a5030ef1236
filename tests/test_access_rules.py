"""The access rules per role, as pure functions of a principal and one case's facts."""

from __future__ import annotations

import pytest

from app.domain.access import (
    CaseFacts,
    holds_every_role,
    may_change,
    may_hand_on,
    may_read,
    may_review,
    uses,
)
from app.domain.principal import Principal, Role
from tests.access_support import (
    DPO,
    EXAMS_OFFICER,
    HEAD_OF_CENTRE,
    HEAD_OF_HISTORY,
    IT_ADMIN,
    OKAFOR,
    PATEL,
    SENIOR_LEADER,
)

OKAFORS = CaseFacts(
    conversation_id=7,
    led_by_login="s.okafor",
    department_heads=frozenset({"h.jones"}),
    concluded=True,
)
EVERYONE = Principal.personal("teacher")


def test_the_personal_stores_user_holds_every_role_and_is_refused_nothing() -> None:
    assert holds_every_role(EVERYONE)
    assert not holds_every_role(OKAFOR)
    for rule in (may_read, may_change, may_hand_on, may_review):
        assert rule(EVERYONE, OKAFORS) is None


def test_a_teacher_keeps_what_they_lead_or_attend_and_reads_what_is_shared() -> None:
    assert may_read(OKAFOR, OKAFORS) is None
    assert may_change(OKAFOR, OKAFORS) is None
    assert may_read(PATEL, OKAFORS) is not None
    assert may_change(PATEL, OKAFORS) == (
        "r.patel may not change conversation 7: it is led by another teacher."
    )
    as_second = CaseFacts(conversation_id=8, led_by_login="x.y", second_login="r.patel")
    assert may_change(PATEL, as_second) is None
    shared = CaseFacts(
        conversation_id=9, led_by_login="s.okafor", shared_with=frozenset({"r.patel"})
    )
    assert may_read(PATEL, shared) is None
    assert may_change(PATEL, shared) is not None


def test_only_a_concluded_case_is_handed_on_and_only_once_to_each() -> None:
    assert may_hand_on(OKAFOR, OKAFORS) is None
    preparing = CaseFacts(conversation_id=7, led_by_login="s.okafor")
    assert "only a concluded conversation" in (may_hand_on(OKAFOR, preparing) or "")
    passed = CaseFacts(
        conversation_id=7, led_by_login="s.okafor", concluded=True, passed_to_exams_officer=True
    )
    assert "already with the exams officer" in (may_hand_on(OKAFOR, passed) or "")
    assert "already yours" in (may_hand_on(OKAFOR, OKAFORS, to_login="s.okafor") or "")
    assert may_hand_on(OKAFOR, OKAFORS, to_login="r.patel") is None
    assert "may not pass on" in (may_hand_on(PATEL, OKAFORS) or "")


def test_heads_of_department_read_and_review_their_departments_cases_only() -> None:
    assert may_read(HEAD_OF_HISTORY, OKAFORS) is None
    assert may_review(HEAD_OF_HISTORY, OKAFORS) is None
    assert may_change(HEAD_OF_HISTORY, OKAFORS) == (
        "h.jones may not change conversation 7: that needs the teacher role."
    )
    elsewhere = CaseFacts(conversation_id=3, led_by_login="r.patel")
    assert may_read(HEAD_OF_HISTORY, elsewhere) is not None
    assert may_review(HEAD_OF_HISTORY, elsewhere) is not None
    assert may_review(OKAFOR, OKAFORS) is not None


@pytest.mark.parametrize("principal", [EXAMS_OFFICER, HEAD_OF_CENTRE], ids=lambda p: p.name)
def test_the_exams_officer_and_head_of_centre_read_concerns_and_cases_passed_on(
    principal: Principal,
) -> None:
    assert may_read(principal, OKAFORS) is not None  # concluded, no concerns, not passed on
    concerns = CaseFacts(conversation_id=7, led_by_login="s.okafor", concerns_remain=True)
    passed = CaseFacts(conversation_id=7, led_by_login="s.okafor", passed_to_exams_officer=True)
    assert may_read(principal, concerns) is None
    assert may_read(principal, passed) is None
    assert may_change(principal, passed) is not None


@pytest.mark.parametrize("principal", [SENIOR_LEADER, DPO, IT_ADMIN], ids=lambda p: p.name)
def test_roles_without_case_content_read_no_case(principal: Principal) -> None:
    concerns = CaseFacts(
        conversation_id=7,
        led_by_login=principal.name,
        concerns_remain=True,
        passed_to_exams_officer=True,
    )
    assert may_read(principal, concerns) is not None
    assert may_change(principal, concerns) is not None


def test_what_each_role_uses_of_the_window() -> None:
    teacher, officer, leader = uses(OKAFOR), uses(EXAMS_OFFICER), uses(SENIOR_LEADER)
    assert teacher.record_lists and teacher.writes_records and teacher.hands_on
    assert not teacher.waiting_list and not teacher.statistics
    assert officer.record_lists and officer.waiting_list and officer.statistics
    assert not officer.writes_records
    assert leader.statistics and not leader.record_lists and not leader.subject_access
    head = uses(HEAD_OF_HISTORY)
    assert head.record_lists and head.review_notes and not head.writes_records
    assert uses(DPO).subject_access and not uses(DPO).record_lists
    it = uses(IT_ADMIN)
    assert it.looks_after_store and not (it.record_lists or it.statistics or it.subject_access)
    # The personal store's window is unchanged: the teacher's, with the store's care.
    keeper = uses(EVERYONE)
    assert keeper.record_lists and keeper.writes_records and keeper.looks_after_store
    assert not (keeper.waiting_list or keeper.statistics or keeper.subject_access)
    assert uses(Principal("x", frozenset({Role.TEACHER, Role.DPO}))).subject_access
