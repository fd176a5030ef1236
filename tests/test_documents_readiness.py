"""When a referral may be made: concluded with concerns, declaration signed, real evidence."""

from __future__ import annotations

import dataclasses

from app.documents.readiness import referral_problems
from app.documents.samples import demo_case
from app.domain.interview import CaseFile, IndicatorSeen
from app.domain.records import Conclusion
from tests.document_support import with_content, with_outcome, with_preparation, with_submission


def test_a_concluded_signed_case_with_evidence_is_ready() -> None:
    assert referral_problems(demo_case()) == []
    acknowledged = with_outcome(demo_case(), conclusion=Conclusion.ACKNOWLEDGED)
    assert referral_problems(acknowledged) == []


def test_no_conclusion_yet() -> None:
    problems = referral_problems(with_outcome(demo_case(), conclusion=None))
    assert problems == ["The conversation has no conclusion yet."]


def test_satisfied_means_nothing_to_refer() -> None:
    problems = referral_problems(with_outcome(demo_case(), conclusion=Conclusion.SATISFIED))
    assert len(problems) == 1 and "nothing to refer" in problems[0]


def test_unsigned_declaration_is_dealt_with_inside_the_centre() -> None:
    problems = referral_problems(with_submission(demo_case(), declaration_signed=False))
    assert len(problems) == 1 and "not signed the authentication declaration" in problems[0]


def _detector_only(notes: str = "") -> CaseFile:
    case = with_preparation(
        demo_case(), indicators=(IndicatorSeen(code="detector_flag", note="98% AI"),), excerpts=()
    )
    answers = tuple(
        dataclasses.replace(a, student_words=notes, observations="") for a in case.content.answers
    )
    return with_content(case, answers=answers)


def test_a_detector_flag_alone_is_not_evidence() -> None:
    problems = referral_problems(_detector_only())
    assert len(problems) == 1 and "detector score is not evidence on its own" in problems[0]


def test_a_detector_flag_with_answers_recorded_may_be_referred() -> None:
    assert referral_problems(_detector_only("I cannot say what it means.")) == []


def test_nothing_recorded_at_all() -> None:
    case = with_preparation(demo_case(), indicators=(), excerpts=())
    case = with_content(case, answers=())
    problems = referral_problems(case)
    assert problems == ["No evidence is recorded: no signs, excerpts, answers or observations."]


def test_several_problems_are_all_listed() -> None:
    case = with_submission(with_outcome(demo_case(), conclusion=None), declaration_signed=False)
    assert len(referral_problems(case)) == 2
