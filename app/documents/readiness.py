"""Whether a conversation may be referred to the awarding body, and if not, why not.

A referral follows only when the candidate signed the authentication declaration and concerns
remain after the conversation.  It must rest on the work and on what the student said: an
AI-detection score is one input, never evidence on its own.  And it must not claim what the record
does not show: the candidate's rights marked ``before_referral`` (``app.domain.rights``) must be
recorded as done before a referral is ready to send.
"""

from __future__ import annotations

import datetime as dt

from app.documents.state import PrintedCase
from app.domain import rights
from app.domain.indicators import DETECTOR_CODES
from app.domain.interview import CaseFile
from app.domain.records import Conclusion
from app.errors import OwnWorkError


class ReferralNotReadyError(OwnWorkError):
    """A referral was asked for a conversation that cannot be referred yet."""

    def __init__(self, conversation_id: int, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"Conversation {conversation_id} is not ready for a referral: " + " ".join(problems)
        )


def _has_conversation_evidence(case: CaseFile) -> bool:
    content = case.content
    prep = content.preparation
    answered = any(a.student_words.strip() or a.observations.strip() for a in content.answers)
    excerpts = any(e.text.strip() for e in prep.excerpts)
    other_signs = any(i.code not in DETECTOR_CODES for i in prep.indicators)
    return answered or excerpts or other_signs


# What the written notice to the candidate (``letters_pdf.render_notice``) tells them: once it is
# recorded as given, these rights are done, in writing.
NOTICE_COVERS = frozenset({"informed_in_writing", "told_consequences", "told_statement_and_appeal"})


def rights_done(case: CaseFile, notice_given_on: dt.date | None = None) -> dict[str, bool]:
    """The checklist as ticked, with what the written notice covers once it was given."""
    done = dict(case.content.preparation.rights)
    if notice_given_on is not None:
        done.update(dict.fromkeys(NOTICE_COVERS, True))
    return done


def rights_missing(
    case: CaseFile, notice_given_on: dt.date | None = None
) -> list[rights.RightsItem]:
    """The rights needed before a referral that the record does not show as done."""
    done = rights_done(case, notice_given_on)
    return [item for item in rights.RIGHTS if item.before_referral and not done.get(item.key)]


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def printed_problems(printed: PrintedCase) -> list[str]:
    """``referral_problems`` of a printed case, its amendments applied and its notice counted."""
    return referral_problems(printed.current, notice_given_on=printed.facts.notice_given_on)


def referral_problems(case: CaseFile, *, notice_given_on: dt.date | None = None) -> list[str]:
    """Each reason, in a sentence for the teacher, why ``case`` cannot be referred yet."""
    problems: list[str] = []
    conclusion = case.content.outcome.conclusion
    if conclusion is None:
        problems.append("The conversation has no conclusion yet.")
    elif conclusion is Conclusion.SATISFIED:
        problems.append(
            "The conclusion is that the work is the student's own, so there is nothing to refer."
        )
    if not case.submission.declaration_signed:
        problems.append(
            "The student has not signed the authentication declaration, so the concern is dealt "
            "with inside the centre rather than referred to the awarding body."
        )
    if not _has_conversation_evidence(case):
        detector_only = any(i.code in DETECTOR_CODES for i in case.content.preparation.indicators)
        problems.append(
            "The only sign recorded is an AI-detection flag, and a detector score is not "
            "evidence on its own: record the student's answers, your observations or excerpts "
            "of the work first."
            if detector_only
            else "No evidence is recorded: no signs, excerpts, answers or observations."
        )
    missing_details = case.centre.missing_for_referral()
    if missing_details:
        problems.append(
            "The centre's details that form M1 asks for are not recorded: "
            + _listed(missing_details)
            + ". They are asked for once and kept for every referral."
        )
    for item in rights_missing(case, notice_given_on):
        problems.append(f"Not recorded as done: {item.label[0].lower()}{item.label[1:]}.")
    return problems
