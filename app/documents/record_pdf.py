"""The record of an authenticity conversation, and the student's copy of it.

The student's copy is the same record with what is not the student's to see left out (see
``docs/documents.md``): the staff-only note, the wellbeing note, the names of others present and
the staff signature lines.  Everything that is evidence stays: the signs noticed, the excerpts,
every question with its rating, the student's words and the teacher's observations, and the
conclusion.  The referral reuses ``record_story`` for the awarding body's account, which leaves
out the staff-only note, the wellbeing note and the names of others present.

Both are made from a ``PrintedCase`` (``app.documents.state``): a finalised record prints the
content frozen at finalisation and its code; amendments are printed beside the original values
(on the student's copy, only those of fields the student sees), and every page states whether
the record is a draft, concluded or finalised, and how often it was amended.
"""

from __future__ import annotations

import dataclasses
import enum

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table

from app.documents import style
from app.documents.state import (
    AWARDING_BODY_HIDDEN_PATHS,
    STUDENT_HIDDEN_PATHS,
    PrintedCase,
    Stage,
    as_printed,
)
from app.documents.style import (
    DocumentInfo,
    block,
    caption,
    details_grid,
    field,
    gap,
    heading,
    styles,
    table,
)
from app.documents.textblock import Segment, TextBlock
from app.documents.wording import (
    CONCLUSION_LABELS,
    RATING_LABELS,
    ROUTE_LABELS,
    clock,
    conclusion_label,
    length,
    long_date,
    rating_label,
    yes_no,
)
from app.domain import indicators, rights
from app.domain.canonical import grouped, visible_code
from app.domain.interview import Answer, CaseFile, Excerpt, route_for
from app.domain.records import Conclusion, Rating
from app.integrity.amendments import Amendment, field_label


class Audience(enum.Enum):
    """Who a copy of the record is for: each leaves out what is not theirs to see."""

    CENTRE = "centre"
    STUDENT = "student"
    AWARDING_BODY = "awarding_body"


HIDDEN_PATHS = {
    Audience.CENTRE: frozenset[str](),
    Audience.STUDENT: STUDENT_HIDDEN_PATHS,
    Audience.AWARDING_BODY: AWARDING_BODY_HIDDEN_PATHS,
}

RECORD_TITLE = "Record of an authenticity conversation"
STUDENT_COPY_TITLE = "Record of an authenticity conversation: student's copy"
STUDENT_WORDS = "The student's words"
OBSERVATIONS = "The teacher's observations"


def header_right(case: CaseFile) -> str:
    centre = case.centre
    number = f" ({centre.centre_number})" if centre.centre_number else ""
    return f"{centre.name}{number}"


def submission_rows(case: CaseFile) -> list[tuple[str, str]]:
    sub = case.submission
    return [
        ("Awarding body", sub.awarding_body),
        ("Qualification", sub.qualification),
        ("Component code", sub.component_code),
        ("Title of the work", sub.title),
        ("Exam series", sub.exam_series),
        ("Handed in", long_date(sub.handed_in_on) if sub.handed_in_on else ""),
        (
            "Declaration signed",
            f"Yes, on {long_date(sub.declaration_signed_on)}"
            if sub.declaration_signed and sub.declaration_signed_on
            else yes_no(sub.declaration_signed),
        ),
    ]


def _about(case: CaseFile, audience: Audience) -> list[Flowable]:
    content = case.content
    header = content.conversation
    student = case.student
    started = content.started_at or header.held_at
    others = header.others_present
    if audience is Audience.STUDENT and others:
        others = "Recorded on the centre's copy"
    work = [
        ("Student", student.display_name),
        ("Candidate number", student.candidate_number),
        *submission_rows(case),
    ]
    rows = [
        ("Centre", header_right(case)),
        ("Date", long_date(started)),
        ("Time", clock(started)),
        ("Length", length(content)),
        ("Led by", header.led_by_name),
        ("Second member of staff", header.second_staff_name or "None"),
        ("Others present", others or "None"),
    ]
    if content.script_name:
        rows.append(("Questions prepared from", content.script_name))
    return [*heading("About this conversation"), details_grid(work, rows)]


def signs_table(case: CaseFile) -> Table:
    data = [("Sign", "What was seen")]
    data += [(indicators.label(i.code), i.note or "—") for i in case.content.preparation.indicators]
    return table(data, [62 * mm, style.FRAME_WIDTH - 62 * mm], header=True)


def _signs(case: CaseFile) -> list[Flowable]:
    if not case.content.preparation.indicators:
        return field("Signs that prompted the conversation", "")
    return [*caption("Signs that prompted the conversation"), signs_table(case), gap(6)]


def rights_table(case: CaseFile, title: str) -> Table:
    """The rights checklist as the teacher ticked it; "purpose_told" falls back to the older
    "purpose explained" tick."""
    prep = case.content.preparation
    ticked = dict(prep.rights)
    ticked.setdefault("purpose_told", prep.purpose_explained)
    data = [(title, "")]
    data += [(item.label, yes_no(ticked.get(item.key, False))) for item in rights.RIGHTS]
    widths = [style.FRAME_WIDTH - 22 * mm, 22 * mm]
    return table(data, widths, header=True, bold_columns=(1,))


def _rights(case: CaseFile) -> list[Flowable]:
    return [rights_table(case, "The student's rights and welfare"), gap(6)]


def _before(case: CaseFile, audience: Audience) -> list[Flowable]:
    prep = case.content.preparation
    story: list[Flowable] = [*heading("Before the conversation")]
    story += field("The concern", prep.concern_summary)
    story += _signs(case)
    story += _rights(case)
    story += field("Access arrangements and adjustments", prep.access_arrangements)
    if audience is Audience.CENTRE:
        story += field("Wellbeing", prep.wellbeing_note)
        story += field("Staff-only note (left out of the student's copy)", prep.staff_only_note)
    return story


def excerpt_title(number: int, excerpt: Excerpt) -> str:
    return f"Excerpt {number}: {excerpt.location}" if excerpt.location else f"Excerpt {number}"


def _excerpts(case: CaseFile) -> list[Flowable]:
    s = styles()
    excerpts = case.content.preparation.excerpts
    story: list[Flowable] = [*heading("Excerpts of the work discussed")]
    if not excerpts:
        story.append(block("No excerpts were recorded.", s.italic))
    for number, excerpt in enumerate(excerpts, start=1):
        story += field(
            excerpt_title(number, excerpt), excerpt.text, empty="(no text)", style=s.excerpt
        )
    return story


def _answer(
    number: int, answer: Answer, excerpts: dict[int, tuple[int, Excerpt]]
) -> list[Flowable]:
    s = styles()
    parts = [f"Question {number}"]
    if answer.section_title:
        parts.append(answer.section_title)
    if answer.unscripted:
        parts.append("asked on the day, not prepared")
    found = excerpts.get(answer.excerpt_id) if answer.excerpt_id is not None else None
    if found is not None:
        where = f" ({found[1].location})" if found[1].location else ""
        parts.append(f"about excerpt {found[0]}{where}")
    segments = [
        Segment(answer.question_text, s.question, " · ".join(parts)),
        Segment(f"Rating: {rating_label(answer)}", s.rating),
    ]
    if answer.student_words.strip():
        words = f"“{answer.student_words.strip()}”"
        segments.append(Segment(words, s.student_words, STUDENT_WORDS))
    if answer.observations.strip():
        segments.append(Segment(answer.observations, s.observations, OBSERVATIONS))
    # One flowable per answer: it flows and splits like a paragraph, and the question and its
    # rating are never left at the foot of a page without the answer.
    return [TextBlock(segments)]


def rating_summary(answers: tuple[Answer, ...]) -> str:
    asked = [a for a in answers if not a.skipped]
    counts = {rating: sum(1 for a in asked if a.rating is rating) for rating in Rating}
    skipped = len(answers) - len(asked)
    parts = [
        f"{counts[Rating.CLEAR]} explained clearly",
        f"{counts[Rating.PARTLY]} partly explained",
        f"{counts[Rating.UNABLE]} could not explain",
    ]
    if skipped:
        parts.append(f"{skipped} skipped")
    noun = "question" if len(answers) == 1 else "questions"
    return f"{len(answers)} {noun}: " + ", ".join(parts) + "."


def _answers(case: CaseFile) -> list[Flowable]:
    s = styles()
    content = case.content
    excerpts = {
        e.id: (n, e)
        for n, e in enumerate(content.preparation.excerpts, start=1)
        if e.id is not None
    }
    story: list[Flowable] = [*heading("Questions and answers")]
    if not content.answers:
        story.append(block("No questions were recorded.", s.italic))
        return story
    story.append(block(rating_summary(content.answers), s.text))
    story.append(
        block(
            "The student's words are in italics within quotation marks; the teacher's "
            "observations follow in upright type.",
            s.small,
        )
    )
    for number, answer in enumerate(content.answers, start=1):
        story += _answer(number, answer, excerpts)
    return story


def _conclusion(case: CaseFile) -> list[Flowable]:
    outcome = case.content.outcome
    route = route_for(outcome.conclusion, case.submission.declaration_signed)
    story: list[Flowable] = [*heading("Conclusion")]
    story += field("Conclusion", conclusion_label(outcome.conclusion))
    if outcome.conclusion is not None:
        story += field("What follows", ROUTE_LABELS[route])
    story += field("The student's account", outcome.student_account)
    story += field("Next step", outcome.next_step)
    return story


def signature_table(rows: list[tuple[str, str]]) -> Table:
    """Lines to sign on paper: role and printed name, signature, date."""
    width = style.FRAME_WIDTH
    data = [("Role and name", "Signature", "Date")]
    data += [(f"{role}\n{name}" if name else role, "", "") for role, name in rows]
    # Rows grow with long names; the padding leaves room to sign below the last line.
    room = [("BOTTOMPADDING", (0, 1), (-1, -1), 7 * mm)]
    return table(data, [width * 0.42, width * 0.38, width * 0.20], header=True, extra=room)


def _signatures(case: CaseFile, audience: Audience) -> list[Flowable]:
    s = styles()
    header = case.content.conversation
    rows: list[tuple[str, str]] = []
    if audience is not Audience.STUDENT:
        rows.append(("Teacher who led the conversation", header.led_by_name))
        rows.append(("Second member of staff", header.second_staff_name))
    rows.append(("Student: I have been given this record and read it", case.student.display_name))
    note = (
        "Signing shows that the student has seen this record, not that they agree with it; "
        "they may add a written statement of their own."
    )
    title = block("Signatures", s.heading)
    return [KeepTogether([title, block(note, s.small), signature_table(rows)])]


def _value(path: str, value: str) -> str:
    """An amended value as the record prints it: labels for stored codes, "(empty)" for none."""
    if not value.strip():
        return "(empty)"
    last = path.split(".")[-1]
    if last == "conclusion" and value in {c.value for c in Conclusion}:
        return CONCLUSION_LABELS[Conclusion(value)]
    if last == "rating" and value in {r.value for r in Rating}:
        return RATING_LABELS[Rating(value)]
    if path.startswith("preparation.rights.") and last in rights.BY_KEY:
        return yes_no(value == "yes")
    return value


def amendment_label(path: str) -> str:
    """The field an amendment corrects, e.g. "Question 3: student words"."""
    if path.startswith("preparation.rights.") and path.split(".")[-1] in rights.BY_KEY:
        return f"Rights checklist: {rights.BY_KEY[path.split('.')[-1]].label}"
    return field_label(path)


def amendments_story(found: tuple[Amendment, ...]) -> list[Flowable]:
    """Each amendment beside the value it corrects: original, correction, reason, who, when and
    the amendment's own code (the one ``verify`` checks)."""
    if not found:
        return []
    s = styles()
    story: list[Flowable] = [*heading("Amendments to this record")]
    story.append(
        block(
            "The record below is printed as it was concluded. These corrections were made "
            "afterwards; each keeps the value it corrects.",
            s.small,
        )
    )
    for number, amendment in enumerate(found, start=1):
        when = f"{long_date(amendment.at)} at {clock(amendment.at)}"
        story.append(
            TextBlock(
                [
                    Segment(
                        _value(amendment.path, amendment.old_value),
                        s.text,
                        f"Amendment {number}: {amendment_label(amendment.path)}. Original",
                    ),
                    Segment(_value(amendment.path, amendment.new_value), s.text, "Corrected to"),
                    Segment(amendment.reason, s.text, "Reason"),
                    Segment(
                        f"By {amendment.author} on {when}. Amendment code "
                        f"{grouped(amendment.code)}",
                        s.small,
                    ),
                ]
            )
        )
    return story


def later_changes_note(printed: PrintedCase) -> list[Flowable]:
    changes = printed.state.later_changes
    if not changes:
        return []
    return [
        block(
            "Changed in OwnWork since this record was finalised, and not part of it: "
            + "; ".join(changes)
            + ".",
            styles().small,
        )
    ]


def record_story(
    source: CaseFile | PrintedCase, audience: Audience = Audience.CENTRE
) -> list[Flowable]:
    """The record's body, without its title: also printed as the referral's appendix."""
    printed = as_printed(source)
    case = printed.case
    story: list[Flowable] = []
    story += amendments_story(printed.state.amendments_for(HIDDEN_PATHS[audience]))
    story += _about(case, audience)
    story += _before(case, audience)
    story += _excerpts(case)
    story += _answers(case)
    story += _conclusion(case)
    story += _signatures(case, audience)
    return story


def document_info(printed: PrintedCase, title: str, **more: str) -> DocumentInfo:
    """The page furniture's facts: the state on every page, the code ``verify`` checks."""
    state = printed.state
    label = (
        "integrity code frozen at finalisation (SHA-256 of the record's content)"
        if state.stage is Stage.FINALISED
        else "integrity code (SHA-256 of the record's content)"
    )
    case = printed.case
    return DocumentInfo(
        title=title,
        record_id=case.content.conversation.id,
        integrity_code=state.code,
        header_right=more.pop("header_right", header_right(case)),
        subject=f"{case.student.display_name}, {case.submission.qualification}",
        state=more.pop("state", state.label()),
        anchor=state.anchor,
        code_label=label,
        **more,
    )


def render_record(source: CaseFile | PrintedCase, *, student_copy: bool = False) -> bytes:
    """The record as PDF bytes; ``student_copy`` leaves out what is not the student's to see."""
    s = styles()
    printed = as_printed(source)
    title = STUDENT_COPY_TITLE if student_copy else RECORD_TITLE
    subtitle = (
        "This copy is for the student. Notes for staff only, the wellbeing note and the names "
        "of others present are kept on the centre's copy."
        if student_copy
        else "The centre's full record. Contains personal data: keep it secure."
    )
    story: list[Flowable] = [block(title, s.title), block(subtitle, s.subtitle)]
    story += later_changes_note(printed)
    story += record_story(printed, Audience.STUDENT if student_copy else Audience.CENTRE)
    info = document_info(printed, title)
    if student_copy:
        # The full record's code would let someone test guesses at the notes left out.
        info = dataclasses.replace(
            info,
            integrity_code=visible_code(printed.case, STUDENT_HIDDEN_PATHS),
            code_label="code of this copy (SHA-256 of what the student's copy shows)",
        )
    return style.build_pdf(story, info)
