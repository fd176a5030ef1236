"""Letters to the candidate: the written notice of the concern, and a form for their statement.

The notice tells the candidate, in plain words, of the concern and the evidence, the possible
consequences, their right to respond, to seek advice, to give a written statement and later a
supplementary one, that information may be shared with awarding bodies and regulators, and how
to appeal.  It is printed twice: for the candidate and a copy for the parent or carer.  Giving it
(saving or printing it) is recorded as the date the candidate was told in writing
(``app.storage.referrals.record_notice_given``).  No staff-only or wellbeing note appears.

The statement form is for handwriting: ruled lines, a ruled line for the candidate's signature.
"""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from app.documents import style
from app.documents.form_fields import SignatureLine, WritingLines
from app.documents.record_pdf import document_info, excerpt_title, rating_summary
from app.documents.state import PrintedCase, as_printed
from app.documents.style import block, caption_block, gap, heading, styles
from app.documents.wording import long_date
from app.domain import indicators
from app.domain.interview import CaseFile

NOTICE_TITLE = "Notice of a concern about the authenticity of coursework"
STATEMENT_TITLE = "The candidate's written statement"

CONSEQUENCES = (
    "If the awarding body decides that the work is not wholly your own, it decides what "
    "follows, not the school. It may give a warning; take away marks for part of the work or "
    "for the whole component; disqualify you from the component, from the whole qualification, "
    "or from every qualification you are taking this series; and, in the most serious cases, "
    "bar you from entering its exams for a time."
)


def _work(case: CaseFile) -> str:
    sub = case.submission
    parts = [sub.qualification, sub.component_code, f"“{sub.title}”" if sub.title else ""]
    return ", ".join(p for p in parts if p)


def _contact(case: CaseFile) -> str:
    centre = case.centre
    ways = [w for w in (centre.head_email, centre.head_phone) if w]
    who = centre.head_name or "the head of centre"
    return f"{who} ({', '.join(ways)})" if ways else who


def _evidence(case: CaseFile) -> list[str]:
    content = case.content
    prep = content.preparation
    found = []
    if prep.concern_summary.strip():
        found.append(prep.concern_summary.strip())
    found += [
        indicators.label(i.code) + (f": {i.note}" if i.note.strip() else "")
        for i in prep.indicators
    ]
    if content.answers:
        held = long_date(content.started_at or content.conversation.held_at)
        found.append(
            f"In the conversation about your work on {held}: "
            + rating_summary(content.answers).lower().replace("questions:", "questions were asked:")
        )
    found += [
        f"{excerpt_title(n, e)} of your work was discussed."
        for n, e in enumerate(prep.excerpts, start=1)
    ]
    return found


def _notice_body(case: CaseFile, given_on: dt.date, copy_for: str) -> list[Flowable]:
    s = styles()
    centre = case.centre
    student = case.student
    story: list[Flowable] = [block(NOTICE_TITLE, s.title), block(copy_for, s.subtitle)]
    address = "\n".join(line for line in (centre.name, centre.address) if line)
    if address:
        story.append(block(address, s.text))
    story.append(block(long_date(given_on), s.text))
    number = f" (candidate number {student.candidate_number})" if student.candidate_number else ""
    story.append(block(f"To {student.display_name}{number}", s.text))
    story.append(
        block(
            f"This letter is about your coursework for {_work(case)}. The school has a concern "
            "that the work you handed in may not be wholly your own, for example that parts of "
            "it were written with an AI tool or by someone else without saying so. Nothing has "
            "been decided: this letter tells you what the concern is, what could happen, and "
            "what you can do.",
            s.text,
        )
    )
    story += heading("The concern and the evidence")
    for item in _evidence(case) or ["The details are with the school; ask to see them."]:
        story.append(block(f"• {item}", s.text))
    story += heading("What could happen")
    story.append(block(CONSEQUENCES, s.text))
    story += heading("What you can do")
    for item in (
        "You may respond to the concern, and you will be given time to think about your answer.",
        "You may ask for advice, from a parent or carer, a teacher you trust or anyone else, "
        "before you respond.",
        "You may give a written statement in your own words; a form is enclosed. You may add a "
        "supplementary statement later, for example after taking advice.",
        "You may ask to see the evidence the school holds about this concern.",
        "You may have someone with you at any meeting about it, as the school's policy allows.",
    ):
        story.append(block(f"• {item}", s.text))
    story += heading("Who will see this")
    story.append(
        block(
            "If the school reports the concern, the information about it, including your "
            "statement, goes to the awarding body. It may be shared with other awarding bodies "
            "and with the regulators (such as Ofqual) as the rules on malpractice require.",
            s.text,
        )
    )
    story += heading("How to appeal")
    story.append(
        block(
            "If the awarding body decides against you, you may appeal. The school will help: ask "
            "the exams officer for the awarding body's appeals procedure, and for the school's "
            "own policy on reviews of its decisions.",
            s.text,
        )
    )
    story += heading("Questions")
    story.append(block(f"Please contact {_contact(case)}.", s.text))
    story.append(gap(8))
    story.append(
        KeepTogether(
            [
                caption_block("Signed on behalf of the school"),
                SignatureLine(style.FRAME_WIDTH * 0.6),
                block(case.centre.head_name or "", s.small),
            ]
        )
    )
    return story


def render_notice(source: CaseFile | PrintedCase, *, given_on: dt.date | None = None) -> bytes:
    """The written notice: the candidate's letter, then the same letter for the parent or carer."""
    printed = as_printed(source)
    case = printed.current
    day = given_on or dt.date.today()
    story = _notice_body(case, day, "For the candidate.")
    story.append(PageBreak())
    story += _notice_body(case, day, "Copy for the candidate's parent or carer.")
    info = document_info(printed, NOTICE_TITLE, running_title="Notice to the candidate")
    return style.build_pdf(story, info)


def render_statement_form(source: CaseFile | PrintedCase) -> bytes:
    """A form for the candidate's written statement, to be written by hand."""
    s = styles()
    printed = as_printed(source)
    case = printed.current
    student = case.student
    story: list[Flowable] = [
        block(STATEMENT_TITLE, s.title),
        block(
            f"{student.display_name}"
            + (f", candidate number {student.candidate_number}" if student.candidate_number else "")
            + f". Coursework: {_work(case)}.",
            s.subtitle,
        ),
        block(
            "Write, in your own words, how you produced this piece of work: how you planned it, "
            "what sources and tools you used and for what, and anything else you want the "
            "awarding body to know. You may ask for advice before you write, and you may add a "
            "supplementary statement later. Use more paper if you need it.",
            s.text,
        ),
        WritingLines(style.FRAME_WIDTH, lines=22),
        KeepTogether(
            [
                caption_block("Signed by the candidate"),
                SignatureLine(style.FRAME_WIDTH * 0.6),
                caption_block("Date"),
                SignatureLine(style.FRAME_WIDTH * 0.3),
            ]
        ),
        PageBreak(),
        block("Supplementary statement (optional)", s.heading),
        WritingLines(style.FRAME_WIDTH, lines=28),
        KeepTogether(
            [
                caption_block("Signed by the candidate"),
                SignatureLine(style.FRAME_WIDTH * 0.6),
                caption_block("Date"),
                SignatureLine(style.FRAME_WIDTH * 0.3),
            ]
        ),
    ]
    info = document_info(printed, STATEMENT_TITLE, running_title="Candidate's statement")
    return style.build_pdf(story, info)
