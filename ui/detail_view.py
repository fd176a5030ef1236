"""The detail pane: a read-only summary of the selected record and what hangs off it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from app.domain.interview import InterviewContent, Route, route_for
from app.domain.records import Conversation, Student, Submission
from app.domain.sharing import Share
from ui.labels import conclusion_label, conversation_status_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("detail", text)


def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><th align='left' style='padding-right:12px'>{escape(k)}</th>"
        f"<td>{escape(v) if v else '—'}</td></tr>"
        for k, v in pairs
    )
    return f"<table cellspacing='2'>{cells}</table>"


def student_and_number(name: str, candidate_number: str) -> str:
    """ "Mai Nguyen (4127)", or the name alone while the candidate number is not known."""
    return f"{name} ({candidate_number})" if candidate_number else name


def qualification_and_title(qualification: str, title: str) -> str:
    """ "GCSE History – The Treaty of Versailles", or the qualification alone (no title yet)."""
    return f"{qualification} – {title}" if title else qualification


def student_html(student: Student, subs: list[Submission]) -> str:
    body = _rows(
        [
            (_tr("Surname"), student.surname),
            (_tr("Forename"), student.forename),
            (_tr("Candidate no."), student.candidate_number),
            (_tr("UPN"), student.upn),
            (_tr("Reg. group"), student.reg_group),
            (_tr("Year"), "" if student.year_group is None else str(student.year_group)),
            # What a subject access request names the student by (ui/subject_access_view.py).
            (_tr("Number in OwnWork"), str(student.id)),
        ]
    )
    items = (
        "".join(
            f"<li>{escape(s.qualification)} – {escape(s.title or s.component_code)}</li>"
            for s in subs
        )
        or f"<li>{escape(_tr('None yet'))}</li>"
    )
    return (
        f"<h2>{escape(student.display_name)}</h2>{body}"
        f"<h3>{escape(_tr('Submissions'))}</h3><ul>{items}</ul>"
    )


def submission_html(sub: Submission, convs: list[Conversation]) -> str:
    declaration = (
        _tr("Signed on {0}").format(sub.declaration_signed_on.strftime("%d %b %Y"))
        if sub.declaration_signed and sub.declaration_signed_on
        else _tr("Not signed yet")
    )
    body = _rows(
        [
            (_tr("Student"), f"{sub.student_name} ({sub.candidate_number})"),
            (_tr("Awarding body"), sub.awarding_body),
            (_tr("Qualification"), sub.qualification),
            (_tr("Component"), sub.component_code),
            (_tr("Title"), sub.title),
            (_tr("Exam series"), sub.exam_series),
            (_tr("Handed in"), sub.handed_in_on.strftime("%d %b %Y") if sub.handed_in_on else ""),
            (_tr("Declaration"), declaration),
        ]
    )
    items = (
        "".join(
            f"<li>{escape(c.held_at.astimezone().strftime('%d %b %Y %H:%M'))} – "
            f"{escape(conversation_status_label(c))}"
            f"{(' – ' + escape(conclusion_label(c.conclusion))) if c.conclusion else ''}</li>"
            for c in convs
        )
        or f"<li>{escape(_tr('None yet'))}</li>"
    )
    return (
        f"<h2>{escape(sub.title or sub.qualification)}</h2>{body}"
        f"<h3>{escape(_tr('Conversations'))}</h3><ul>{items}</ul>"
    )


def conversation_html(content: InterviewContent) -> str:
    conv = content.conversation
    present = ", ".join(
        p for p in (conv.led_by_name, conv.second_staff_name, conv.others_present) if p
    )
    answered = sum(1 for a in content.answers if a.rating is not None)
    route = route_for(content.outcome.conclusion, conv.declaration_signed)
    route_text = {
        Route.NONE: "",
        Route.INTERNAL: _tr("Dealt with inside the centre (declaration not signed)"),
        Route.REFERRAL: _tr("Referral to the awarding body (declaration signed)"),
    }
    body = _rows(
        [
            (_tr("Student"), student_and_number(conv.student_name, conv.candidate_number)),
            (_tr("Submission"), qualification_and_title(conv.qualification, conv.submission_title)),
            (_tr("When"), conv.held_at.astimezone().strftime("%d %b %Y %H:%M")),
            (_tr("Present"), present),
            (_tr("Status"), conversation_status_label(conv, with_date=True)),
            (
                _tr("Questions answered"),
                f"{answered} / {len(content.answers)}" if content.answers else "",
            ),
            (_tr("Indicators noted"), str(len(content.preparation.indicators))),
            (_tr("Conclusion"), conclusion_label(content.outcome.conclusion)),
            (_tr("Next step"), route_text[route]),
        ]
    )
    extra = ""
    if content.outcome.next_step:
        extra = f"<h3>{escape(_tr('Action'))}</h3><p>{escape(content.outcome.next_step)}</p>"
    return f"<h2>{escape(_tr('Conversation'))} #{conv.id}</h2>{body}{extra}"


def passed_on_html(shares: list[Share]) -> str:
    """Who handed the case on, when, and their note: what the exams officer reads first."""
    passed = [share for share in shares if share.passed_to_role is not None]
    if not passed:
        return ""
    items = "".join(
        "<li>"
        + escape(
            _tr("Passed on by {0} on {1}").format(
                share.by_login, share.at.astimezone().strftime("%d %b %Y %H:%M")
            )
        )
        + (f": <i>{escape(share.note)}</i>" if share.note.strip() else "")
        + "</li>"
        for share in passed
    )
    return f"<h3>{escape(_tr('Passed on'))}</h3><ul>{items}</ul>"
