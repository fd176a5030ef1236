"""Where a record stands, as every printed page states it, and the case a document prints.

A document is made from a ``PrintedCase``: the case whose content the body prints (for a
finalised record, the content frozen at finalisation, never the live rows), the same case with
its amendments applied (what the referral's answers and readiness checks go by), and the
``RecordState``: draft, concluded or finalised, the amendments kept beside the original, the
integrity code that ``verify`` checks, and the audit chain's anchor when the document was made.

``app.integrity.printed.load_printed`` builds one from the store; ``PrintedCase.of`` makes one
from a case alone (samples, tests), taking its stage from the conversation's status.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from app.documents.wording import long_date
from app.domain.canonical import integrity_code
from app.domain.interview import CaseFile
from app.domain.records import ConversationStatus
from app.domain.referral import ReferralFacts, Statement
from app.integrity.amendments import Amendment

# Fields the student's copy leaves out; their amendments are left out with them.
STUDENT_HIDDEN_PATHS = frozenset(
    {"preparation.wellbeing_note", "preparation.staff_only_note", "conversation.others_present"}
)
# Fields that never go to the awarding body (see ``docs/documents.md``).  Others present stay:
# form M1 asks for the witnesses.
AWARDING_BODY_HIDDEN_PATHS = frozenset(
    {"preparation.wellbeing_note", "preparation.staff_only_note"}
)


class Stage(enum.StrEnum):
    DRAFT = "draft"  # not concluded yet
    CONCLUDED = "concluded"  # concluded, not finalised
    FINALISED = "finalised"


def times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


@dataclass(frozen=True, kw_only=True)
class RecordState:
    stage: Stage
    code: str  # the integrity code printed: the finalisation's own when finalised
    finalised_at: dt.datetime | None = None
    finalised_by: str = ""
    amendments: tuple[Amendment, ...] = ()
    # Fields whose live value differs from the frozen one since finalising (labels).
    later_changes: tuple[str, ...] = ()
    anchor: str = ""  # ``audit.anchor(session).short`` when the document was made

    def label(self) -> str:
        """The state in one line, e.g. "Finalised on Thursday 8 October 2026 by j.okafor"."""
        if self.stage is Stage.DRAFT:
            return "DRAFT — not concluded"
        if self.stage is Stage.CONCLUDED:
            text = "Concluded, not finalised"
        else:
            by = f" by {self.finalised_by}" if self.finalised_by else ""
            text = f"Finalised on {long_date(self.finalised_at)}{by}"
        if self.amendments:
            text += f" · amended {times(len(self.amendments))}"
        return text

    def amendments_for(self, hidden: frozenset[str]) -> tuple[Amendment, ...]:
        return tuple(a for a in self.amendments if a.path not in hidden)


@dataclass(frozen=True, kw_only=True)
class PrintedCase:
    case: CaseFile  # what the body prints
    current: CaseFile  # with the amendments applied
    state: RecordState
    # Gathered for the referral, apart from the record (``app.storage.referrals``).
    facts: ReferralFacts = field(default_factory=ReferralFacts)
    statements: tuple[Statement, ...] = ()

    @staticmethod
    def of(case: CaseFile) -> PrintedCase:
        concluded = case.content.conversation.status is ConversationStatus.CONCLUDED
        stage = Stage.CONCLUDED if concluded else Stage.DRAFT
        return PrintedCase(
            case=case, current=case, state=RecordState(stage=stage, code=integrity_code(case))
        )


def as_printed(source: CaseFile | PrintedCase) -> PrintedCase:
    return source if isinstance(source, PrintedCase) else PrintedCase.of(source)
