"""The referral to the awarding body after a signed declaration and remaining concerns.

It carries what JCQ's candidate malpractice notification (form M1) asks a centre for, in
OwnWork's own words and layout: it is not the JCQ form.  The parts the head of centre or the
exams officer completes are fillable form fields that also print as lines.  The conversation's
account for the awarding body follows as Appendix A: the record without the staff-only note and
the wellbeing note, which never go to the awarding body.  The other appendices are listed for the
centre to attach.

The referral never claims what the record does not show: the declaration is worded from the
recorded facts, and a referral whose ``before_referral`` rights are not recorded as done is
refused (``readiness``) unless it is made as a draft, marked "DRAFT — not ready to send" on every
page.  Its answers come from the record with its amendments applied; Appendix A prints the
original with the amendments beside it.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table

from app.documents import style
from app.documents.form_fields import CheckField, TextField
from app.documents.readiness import ReferralNotReadyError, referral_problems
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
from app.documents.textblock import TextBlock
from app.documents.wording import conclusion_label, long_date, rating_label
from app.domain import rights
from app.domain.indicators import DETECTOR_CODES
from app.domain.interview import CaseFile
from app.domain.records import Rating

TITLE = "Referral to the awarding body: suspected malpractice by a candidate"

NATURE = (
    "The centre suspects that the candidate submitted work that is not wholly their own, such "
    "as text produced with an AI tool or by someone else without acknowledgement, after signing "
    "the declaration that the work is their own."
)

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


def declaration_text(case: CaseFile) -> str:
    """The head of centre's declaration, claiming only what the record shows."""
    ticked = case.content.preparation.rights
    needed = [item for item in rights.RIGHTS if item.before_referral]
    done = [_TOLD.get(i.key, i.label) for i in needed if ticked.get(i.key)]
    missing = [_TOLD.get(i.key, i.label) for i in needed if not ticked.get(i.key)]
    text = (
        "I confirm that, to the best of my knowledge, the information in this referral is "
        "accurate and that the appendices marked as enclosed are enclosed."
    )
    if done:
        text += " The centre's record shows that " + _listed(done, "and that") + "."
    if missing:
        text += " The centre's record does not show that " + _listed(missing, "or that") + "."
    return text


def _centre_and_candidate(case: CaseFile) -> list[Flowable]:
    sub = case.submission
    rows = [
        ("Awarding body", sub.awarding_body),
        ("Centre number", case.centre.centre_number),
        ("Centre name", case.centre.name),
        ("Exam series", sub.exam_series),
        ("Candidate name", case.student.display_name),
        ("Candidate number", case.student.candidate_number),
        ("Qualification", sub.qualification),
        ("Component code", sub.component_code),
        ("Title of the work", sub.title),
    ]
    return [*heading("1. The centre and the candidate"), details_table(rows)]


def _fill_table(rows: list[tuple[str, str, int]]) -> Table:
    """Labelled fields for the centre to complete: label on grey, ruled space beside it."""
    value_width = style.FRAME_WIDTH - 58 * mm
    data = [
        (label, TextField(name, label, value_width - 10, lines=lines))
        for label, name, lines in rows
    ]
    return table(data, [58 * mm, value_width], label_column=True)


def _dates(case: CaseFile, prepared_on: dt.date) -> list[Flowable]:
    sub = case.submission
    content = case.content
    rows = [
        ("Work handed in", long_date(sub.handed_in_on)),
        ("Declaration signed by the candidate", long_date(sub.declaration_signed_on)),
        (
            "Authenticity conversation held",
            long_date(content.started_at or content.conversation.held_at),
        ),
        ("Referral prepared", long_date(prepared_on)),
    ]
    return [
        *heading("2. Dates"),
        details_table(rows, label_width=58 * mm),
        gap(4),
        _fill_table([("Date sent to the awarding body", "date_sent", 1)]),
    ]


def _nature(case: CaseFile) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [*heading("3. What is suspected"), block(NATURE, s.text)]
    story += field(
        "The centre's conclusion after the conversation",
        conclusion_label(case.content.outcome.conclusion),
    )
    return story


def _discovery(case: CaseFile) -> list[Flowable]:
    s = styles()
    prep = case.content.preparation
    story: list[Flowable] = [*heading("4. How the concern came to light")]
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
    story: list[Flowable] = [*heading("5. Summary of the evidence")]
    summary = rating_summary(content.answers) if content.answers else "No questions were recorded."
    held = long_date(content.started_at or content.conversation.held_at)
    lead = content.conversation.led_by_name or "a teacher"
    story.append(
        TextBlock.of(
            f"An authenticity conversation was held on {held}, led by {lead}. {summary} "
            "The full record is Appendix A.",
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


def _appendices(case: CaseFile) -> list[Flowable]:
    rows: list[tuple[str, str, bool]] = [
        ("A", "Record of the authenticity conversation (the pages that follow)", True),
        ("B", "The candidate's work as submitted", False),
        ("C", "Drafts, plans or class work for comparison", False),
        ("D", "The candidate's written statement, if they gave one", False),
        ("E", "Statements from the staff involved", False),
    ]
    if any(i.code in DETECTOR_CODES for i in case.content.preparation.indicators):
        rows.append(("F", "The AI-detection report", False))
    data: list[tuple[str, str, Cell]] = [("Appendix", "Document", "Enclosed")]
    for letter, document, included in rows:
        name = f"appendix_{letter.lower()}_enclosed"
        mark = "Included" if included else CheckField(name, f"Appendix {letter} enclosed")
        data.append((letter, document, mark))
    widths = [24 * mm, style.FRAME_WIDTH - 52 * mm, 28 * mm]
    return [*heading("6. Appendices"), table(data, widths, header=True, bold_columns=(0,))]


def _account(case: CaseFile) -> list[Flowable]:
    return [
        *heading("7. The candidate's account"),
        *field(
            "What the candidate said about how the work was produced",
            case.content.outcome.student_account,
        ),
    ]


def _informed(case: CaseFile) -> list[Flowable]:
    return [
        *heading("8. Telling the candidate of the concern and their rights"),
        _fill_table([("Date the candidate was told in writing", "date_candidate_informed", 1)]),
        gap(4),
        rights_table(case, "Recorded by the teacher"),
    ]


def _staff(case: CaseFile) -> list[Flowable]:
    header = case.content.conversation
    rows = [
        ("Teacher who led the conversation", header.led_by_name),
        ("Second member of staff", header.second_staff_name or "None"),
        ("Others present", header.others_present or "None"),
    ]
    return [*heading("9. Staff involved"), details_table(rows, label_width=58 * mm)]


def _statement(case: CaseFile) -> list[Flowable]:
    outcome = case.content.outcome
    story: list[Flowable] = [*heading("10. The centre's statement")]
    story += field("Conclusion", conclusion_label(outcome.conclusion))
    story += field("Next step agreed", outcome.next_step)
    story.append(
        KeepTogether(
            [
                caption_block("Further statement by the head of centre or exams officer"),
                TextField(
                    "centre_statement",
                    "Further statement by the head of centre or exams officer",
                    style.FRAME_WIDTH,
                    lines=6,
                ),
            ]
        )
    )
    return story


def _declaration(case: CaseFile) -> list[Flowable]:
    check = CheckField("declaration_confirmed", "Declaration confirmed")
    confirm = table(
        [(check, declaration_text(case))], [8 * mm, style.FRAME_WIDTH - 8 * mm], lines=False
    )
    head = _fill_table(
        [
            ("Name of the head of centre", "head_of_centre_name", 1),
            ("Signature", "head_of_centre_signature", 2),
            ("Date", "head_of_centre_date", 1),
        ]
    )
    officer = _fill_table(
        [
            ("Exams officer or contact", "contact_name", 1),
            ("Contact email", "contact_email", 1),
            ("Contact telephone", "contact_phone", 1),
        ]
    )
    return [
        KeepTogether(
            [
                *heading("11. Declaration by the head of centre"),
                confirm,
                gap(4),
                head,
                gap(8),
                caption_block("Who the awarding body should contact about this referral"),
                officer,
            ]
        )
    ]


def referral_story(
    source: CaseFile | PrintedCase, prepared_on: dt.date, *, draft: bool = False
) -> list[Flowable]:
    s = styles()
    printed = as_printed(source)
    case = printed.current
    story: list[Flowable] = [block(TITLE, s.title)]
    if draft:
        story.append(block(f"{DRAFT_MARK}: " + " ".join(referral_problems(case)), s.heading))
    story.append(
        block(
            "Prepared by the centre with OwnWork. It gives the information that JCQ's candidate "
            "malpractice notification asks for, in our own words; it is not the JCQ form. Send it "
            "to the awarding body as its procedure directs. Contains personal data.",
            s.subtitle,
        )
    )
    story += later_changes_note(printed)
    story += _centre_and_candidate(case)
    story += _dates(case, prepared_on)
    story += _nature(case)
    story += _discovery(case)
    story += _evidence(case)
    story += _appendices(case)
    story += _account(case)
    story += _informed(case)
    story += _staff(case)
    story += _statement(case)
    story += _declaration(case)
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
    """The referral as PDF bytes.  Raises ``ReferralNotReadyError`` listing what is missing,
    unless ``draft``: then every page is marked "DRAFT — not ready to send"."""
    printed = as_printed(source)
    problems = referral_problems(printed.current)
    if problems and not draft:
        raise ReferralNotReadyError(printed.case.content.conversation.id, problems)
    case = printed.current
    state = printed.state.label()
    info = document_info(
        printed,
        TITLE,
        header_right=f"{header_right(case)} · candidate {case.student.candidate_number}",
        running_title="Referral to the awarding body",
        state=f"{DRAFT_MARK} · {state}" if draft else state,
    )
    return style.build_pdf(
        referral_story(printed, prepared_on or dt.date.today(), draft=draft), info
    )
