"""The referral pack for JCQ's form M1, sent to the awarding body after a signed declaration and
remaining concerns.

It does not copy JCQ's form: Part 1 lists, in the form's order, what each part of form M1 asks
for and the answer the record gives (``app.documents.m1``), ready to copy into the form.  Part 2
is the evidence pack: the enclosures, a summary of the evidence, the candidate's account, how and
when the candidate was told, and the written statements of the candidate and of staff.  Part 3
is the head of centre's declaration, worded from the recorded facts, with a ruled line for a wet
signature.  Appendix A is the conversation's account for the awarding body: the record without
the staff-only note and the wellbeing note, which never go to the awarding body.

The pack never claims what the record does not show: a referral whose ``before_referral`` rights
are not recorded as done, or whose centre details are missing, is refused (``readiness``) unless
it is made as a draft, marked "DRAFT — not ready to send" on every page.  Its answers come from
the record with its amendments applied; Appendix A prints the original with the amendments
beside it.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from app.documents import style
from app.documents.form_fields import CheckField, SignatureLine, WritingLines
from app.documents.m1 import late_warning, m1_answers
from app.documents.readiness import ReferralNotReadyError, printed_problems, rights_done
from app.documents.record_pdf import (
    RECORD_TITLE,
    Audience,
    document_info,
    excerpt_title,
    header_right,
    later_changes_note,
    rating_summary,
    record_story,
    rights_table,
    signs_table,
)
from app.documents.state import PrintedCase, as_printed
from app.documents.style import (
    Cell,
    block,
    caption,
    caption_block,
    details_table,
    field,
    gap,
    heading,
    styles,
    table,
)
from app.documents.textblock import Segment, TextBlock
from app.documents.wording import long_date, rating_label
from app.domain import rights
from app.domain.indicators import DETECTOR_CODES
from app.domain.interview import CaseFile
from app.domain.records import Rating
from app.domain.referral import Statement, StatementKind

TITLE = "Referral pack for JCQ form M1: suspected malpractice by a candidate"
DRAFT_MARK = "DRAFT — not ready to send"

# How the declaration words each right needed before a referral.
_TOLD = {
    "informed_in_writing": "the candidate was told in writing of the concern and the evidence",
    "told_consequences": "the candidate was told the possible consequences",
    "told_statement_and_appeal": (
        "the candidate was told they may give a written statement, and how to appeal"
    ),
}


def _listed(parts: list[str], last: str) -> str:
    if len(parts) == 1:
        return parts[0]
    return "; ".join(parts[:-1]) + f"; {last} " + parts[-1]


def declaration_text(case: CaseFile, notice_given_on: dt.date | None = None) -> str:
    """The head of centre's declaration, claiming only what the record shows."""
    ticked = rights_done(case, notice_given_on)
    needed = [item for item in rights.RIGHTS if item.before_referral]
    done = [_TOLD.get(i.key, i.label) for i in needed if ticked.get(i.key)]
    missing = [_TOLD.get(i.key, i.label) for i in needed if not ticked.get(i.key)]
    text = (
        "I confirm that, to the best of my knowledge, the information in this referral is "
        "accurate and that the enclosures marked as enclosed are enclosed."
    )
    if done:
        text += " The centre's record shows that " + _listed(done, "and that") + "."
    if missing:
        text += " The centre's record does not show that " + _listed(missing, "or that") + "."
    if notice_given_on is not None:
        text += f" The written notice was given to the candidate on {long_date(notice_given_on)}."
    return text


def _answers(printed: PrintedCase) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("Part 1. Answers for form M1, in the form's order")]
    story.append(
        block(
            "Each answer is taken from the centre's record. Where the record holds no answer, "
            "it says so: answer that part on the form yourself.",
            s.small,
        )
    )
    data: list[tuple[str, str, str]] = [("No.", "Form M1 asks for", "Answer from the record")]
    for number, item in enumerate(m1_answers(printed), start=1):
        data.append((str(number), f"{item.part}: {item.question}", item.answer))
    widths = [11 * mm, 62 * mm, style.FRAME_WIDTH - 73 * mm]
    story.append(table(data, widths, header=True))
    return story


def _discovery(case: CaseFile) -> list[Flowable]:
    s = styles()
    prep = case.content.preparation
    story: list[Flowable] = [*heading("How the concern came to light")]
    story += field("What the teacher noticed", prep.concern_summary)
    if prep.indicators:
        story.append(signs_table(case))
    if any(i.code in DETECTOR_CODES for i in prep.indicators):
        story.append(gap(4))
        story.append(
            block(
                "An AI-detection tool was one of the signs. The centre does not rely on it alone: "
                "the evidence below comes from the work and from the conversation.",
                s.small,
            )
        )
    return story


def _evidence(case: CaseFile) -> list[Flowable]:
    s = styles()
    content = case.content
    story: list[Flowable] = [*heading("Summary of the evidence")]
    summary = rating_summary(content.answers) if content.answers else "No questions were recorded."
    held = long_date(content.started_at or content.conversation.held_at)
    lead = content.conversation.led_by_name or "a teacher"
    story.append(
        TextBlock.of(
            f"An authenticity conversation was held on {held}, led by {lead}. {summary} "
            "The account of the conversation is Appendix A.",
            s.text,
        )
    )
    weak = [
        (n, a)
        for n, a in enumerate(content.answers, start=1)
        if not a.skipped and a.rating in (Rating.UNABLE, Rating.PARTLY)
    ]
    if weak:
        data = [("No.", "Question", "Rating")]
        data += [(str(n), a.question_text, rating_label(a)) for n, a in weak]
        widths = [12 * mm, style.FRAME_WIDTH - 50 * mm, 38 * mm]
        story += caption("Questions the candidate could not, or could only partly, explain")
        story.append(table(data, widths, header=True))
        story.append(gap(6))
    excerpts = content.preparation.excerpts
    if excerpts:
        names = "; ".join(excerpt_title(n, e) for n, e in enumerate(excerpts, start=1))
        story += field("Excerpts of the work discussed (quoted in Appendix A)", names)
    return story


def _enclosures(printed: PrintedCase) -> list[Flowable]:
    case = printed.current
    candidate = any(st.kind is StatementKind.CANDIDATE for st in printed.statements)
    staff = any(st.kind is StatementKind.STAFF for st in printed.statements)
    rows: list[tuple[str, str, bool]] = [
        ("A", "The account of the authenticity conversation (Appendix A of this pack)", True),
        ("B", "The candidate's signed authentication declaration", False),
        ("C", "The candidate's work as submitted", False),
        ("D", "Drafts, plans or class work for comparison", False),
        (
            "E",
            "The candidate's written statement"
            + (" (printed in this pack)" if candidate else ", if they gave one"),
            candidate,
        ),
        (
            "F",
            "Statements from the staff involved" + (" (printed in this pack)" if staff else ""),
            staff,
        ),
    ]
    if any(i.code in DETECTOR_CODES for i in case.content.preparation.indicators):
        rows.append(("G", "The AI-detection report", False))
    data: list[tuple[str, str, Cell]] = [("Enclosure", "Document", "Enclosed")]
    for letter, document, included in rows:
        name = f"enclosure_{letter.lower()}_enclosed"
        mark = "Included" if included else CheckField(name, f"Enclosure {letter} enclosed")
        data.append((letter, document, mark))
    widths = [24 * mm, style.FRAME_WIDTH - 52 * mm, 28 * mm]
    return [*heading("Enclosures"), table(data, widths, header=True, bold_columns=(0,))]


def _account(case: CaseFile) -> list[Flowable]:
    return [
        *heading("The candidate's account"),
        *field(
            "What the candidate said about how the work was produced",
            case.content.outcome.student_account,
        ),
    ]


def _informed(printed: PrintedCase) -> list[Flowable]:
    given = printed.facts.notice_given_on
    rows = [
        (
            "Written notice given to the candidate",
            long_date(given) if given else "Not recorded in OwnWork",
        )
    ]
    return [
        *heading("Telling the candidate of the concern and their rights"),
        details_table(rows, label_width=58 * mm),
        gap(4),
        rights_table(printed.current, "Recorded by the teacher"),
    ]


def _statement_block(statement: Statement) -> Flowable:
    s = styles()
    role = f", {statement.role}" if statement.role else ""
    return TextBlock(
        [
            Segment(
                statement.text,
                s.text,
                f"{statement.author}{role}: statement given on {long_date(statement.given_on)}",
            )
        ]
    )


def _statements(printed: PrintedCase) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = []
    for kind, title, none in (
        (
            StatementKind.CANDIDATE,
            "The candidate's written statement",
            "The candidate has not given a written statement, or it is not recorded in OwnWork.",
        ),
        (
            StatementKind.STAFF,
            "Statements from the staff involved",
            "No staff statement is recorded in OwnWork.",
        ),
    ):
        story += heading(title)
        found = [st for st in printed.statements if st.kind is kind]
        if not found:
            story.append(block(none, s.italic))
        story += [_statement_block(st) for st in found]
    return story


def _staff(case: CaseFile) -> list[Flowable]:
    header = case.content.conversation
    rows = [
        ("Teacher who led the conversation", header.led_by_name),
        ("Second member of staff", header.second_staff_name or "None"),
        ("Others present", header.others_present or "None"),
    ]
    return [*heading("Staff involved"), details_table(rows, label_width=58 * mm)]


def _centre_statement(case: CaseFile) -> list[Flowable]:
    return [
        *heading("The centre's conclusion"),
        *field("Next step agreed", case.content.outcome.next_step),
        KeepTogether(
            [
                caption_block("Further statement by the head of centre or exams officer"),
                WritingLines(style.FRAME_WIDTH, lines=6),
            ]
        ),
    ]


def _declaration(printed: PrintedCase) -> list[Flowable]:
    case = printed.current
    centre = case.centre
    check = CheckField("declaration_confirmed", "Declaration confirmed")
    confirm = table(
        [(check, declaration_text(case, printed.facts.notice_given_on))],
        [8 * mm, style.FRAME_WIDTH - 8 * mm],
        lines=False,
    )
    value_width = style.FRAME_WIDTH - 58 * mm
    signed: list[tuple[str, Cell]] = [
        ("Head of centre", centre.head_name or "Not recorded in OwnWork"),
        ("Signature", SignatureLine(value_width - 10)),
        ("Date", WritingLines(value_width - 10)),
        ("Email", centre.head_email or "Not recorded in OwnWork"),
        ("Telephone", centre.head_phone or "Not recorded in OwnWork"),
        ("Date sent to the awarding body", WritingLines(value_width - 10)),
    ]
    return [
        KeepTogether(
            [
                *heading("Part 3. Declaration by the head of centre"),
                confirm,
                gap(4),
                table(signed, [58 * mm, value_width], label_column=True),
            ]
        )
    ]


def referral_story(
    source: CaseFile | PrintedCase,
    prepared_on: dt.date,
    *,
    draft: bool = False,
) -> list[Flowable]:
    s = styles()
    printed = as_printed(source)
    case = printed.current
    story: list[Flowable] = [block(TITLE, s.title)]
    if draft:
        story.append(block(f"{DRAFT_MARK}: " + " ".join(printed_problems(printed)), s.rating))
    story.append(
        block(
            "Prepared by the centre with OwnWork on "
            f"{long_date(prepared_on)}. Fill in JCQ's form M1 with the answers in Part 1, in "
            "the form's order, and send it to the awarding body with this pack and the "
            "enclosures listed, as its procedure directs. This pack is not the JCQ form. "
            "Contains personal data.",
            s.subtitle,
        )
    )
    warning = late_warning(printed, prepared_on)
    if warning:
        story.append(block(f"Late notification: {warning}", s.rating))
    story += later_changes_note(printed)
    story += _answers(printed)
    story += [*heading("Part 2. The evidence pack")]
    story += _enclosures(printed)
    story += _discovery(case)
    story += _evidence(case)
    story += _account(case)
    story += _informed(printed)
    story += _statements(printed)
    story += _staff(case)
    story += _centre_statement(case)
    story += _declaration(printed)
    story.append(PageBreak())
    story.append(block(f"Appendix A. {RECORD_TITLE}: the account for the awarding body", s.title))
    story.append(
        block(
            "The centre's record of the conversation, without the staff-only note and the "
            "wellbeing note, which stay with the centre.",
            s.subtitle,
        )
    )
    story += record_story(printed, Audience.AWARDING_BODY)
    return story


def render_referral(
    source: CaseFile | PrintedCase, *, prepared_on: dt.date | None = None, draft: bool = False
) -> bytes:
    """The referral pack as PDF bytes.  Raises ``ReferralNotReadyError`` listing what is
    missing, unless ``draft``: then every page is marked "DRAFT — not ready to send"."""
    printed = as_printed(source)
    problems = printed_problems(printed)
    if problems and not draft:
        raise ReferralNotReadyError(printed.case.content.conversation.id, problems)
    case = printed.current
    state = printed.state.label()
    info = document_info(
        printed,
        TITLE,
        header_right=f"{header_right(case)} · candidate {case.student.candidate_number}",
        running_title="Referral pack for form M1",
        state=f"{DRAFT_MARK} · {state}" if draft else state,
    )
    story = referral_story(printed, prepared_on or dt.date.today(), draft=draft)
    return style.build_pdf(story, info)
