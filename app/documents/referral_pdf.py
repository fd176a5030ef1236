"""The referral to the awarding body after a signed declaration and remaining concerns.

It carries what JCQ's candidate malpractice notification (form M1) asks a centre for, in
OwnWork's own words and layout: it is not the JCQ form.  The parts the head of centre or the
exams officer completes are fillable form fields that also print as lines.  The full record of
the conversation follows as Appendix A; the other appendices are listed for the centre to attach.
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
    excerpt_title,
    header_right,
    rating_summary,
    record_story,
    rights_table,
    signs_table,
)
from app.documents.style import (
    Cell,
    DocumentInfo,
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
from app.domain.canonical import integrity_code
from app.domain.indicators import DETECTOR_CODES
from app.domain.interview import CaseFile
from app.domain.records import Rating

TITLE = "Referral to the awarding body: suspected malpractice by a candidate"

NATURE = (
    "The centre suspects that the candidate submitted work that is not wholly their own, such "
    "as text produced with an AI tool or by someone else without acknowledgement, after signing "
    "the declaration that the work is their own."
)

DECLARATION = (
    "I confirm that, to the best of my knowledge, the information in this referral is accurate, "
    "that the candidate has been told of the concern, of the evidence and of their rights, and "
    "that the appendices listed are enclosed."
)


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


def _declaration() -> list[Flowable]:
    check = CheckField("declaration_confirmed", "Declaration confirmed")
    confirm = table([(check, DECLARATION)], [8 * mm, style.FRAME_WIDTH - 8 * mm], lines=False)
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


def referral_story(case: CaseFile, prepared_on: dt.date) -> list[Flowable]:
    s = styles()
    story: list[Flowable] = [
        block(TITLE, s.title),
        block(
            "Prepared by the centre with OwnWork. It gives the information that JCQ's candidate "
            "malpractice notification asks for, in our own words; it is not the JCQ form. Send it "
            "to the awarding body as its procedure directs. Contains personal data.",
            s.subtitle,
        ),
    ]
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
    story += _declaration()
    story.append(PageBreak())
    story.append(block(f"Appendix A. {RECORD_TITLE}", s.title))
    story += record_story(case)
    return story


def render_referral(case: CaseFile, *, prepared_on: dt.date | None = None) -> bytes:
    """The referral as PDF bytes.  Raises ``ReferralNotReadyError`` listing what is missing."""
    problems = referral_problems(case)
    if problems:
        raise ReferralNotReadyError(case.content.conversation.id, problems)
    info = DocumentInfo(
        title=TITLE,
        record_id=case.content.conversation.id,
        integrity_code=integrity_code(case),
        header_right=f"{header_right(case)} · candidate {case.student.candidate_number}",
        running_title="Referral to the awarding body",
        subject=f"{case.student.display_name}, {case.submission.qualification}",
    )
    return style.build_pdf(referral_story(case, prepared_on or dt.date.today()), info)
