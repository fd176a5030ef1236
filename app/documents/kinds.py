"""The documents about a conversation, and one way to make any of them from a case."""

from __future__ import annotations

import enum

from app.documents.state import PrintedCase
from app.domain.interview import CaseFile


class DocumentKind(enum.StrEnum):
    RECORD = "record"
    STUDENT_COPY = "student_copy"
    REFERRAL = "referral"
    NOTICE = "notice"  # the written notice to the candidate, with the parent or carer's copy
    STATEMENT_FORM = "statement_form"


TITLES = {
    DocumentKind.RECORD: "Record of the conversation",
    DocumentKind.STUDENT_COPY: "Student's copy of the record",
    DocumentKind.REFERRAL: "Referral pack for form M1",
    DocumentKind.NOTICE: "Written notice to the candidate",
    DocumentKind.STATEMENT_FORM: "Form for the candidate's statement",
}


def render(case: CaseFile | PrintedCase, kind: DocumentKind, *, draft: bool = False) -> bytes:
    """The document's PDF bytes.  A referral that is not ready raises ReferralNotReadyError,
    unless ``draft`` (then every page says it is not ready to send)."""
    if kind is DocumentKind.REFERRAL:
        from app.documents.referral_pdf import render_referral

        return render_referral(case, draft=draft)
    if kind is DocumentKind.NOTICE:
        from app.documents.letters_pdf import render_notice

        return render_notice(case)
    if kind is DocumentKind.STATEMENT_FORM:
        from app.documents.letters_pdf import render_statement_form

        return render_statement_form(case)
    from app.documents.record_pdf import render_record

    return render_record(case, student_copy=kind is DocumentKind.STUDENT_COPY)


def file_name(case: CaseFile, kind: DocumentKind, *, draft: bool = False) -> str:
    """A file name to offer when saving, e.g. "Record 7 - Thị Mai Nguyễn.pdf"."""
    words = {
        DocumentKind.RECORD: "Record",
        DocumentKind.STUDENT_COPY: "Student copy",
        DocumentKind.REFERRAL: "Referral",
        DocumentKind.NOTICE: "Notice",
        DocumentKind.STATEMENT_FORM: "Statement form",
    }
    name = case.student.display_name
    # Characters that no file system accepts are dropped; letters in any script are kept.
    safe = "".join(c for c in name if c not in '<>:"/\\|?*' and c.isprintable()).strip()
    prefix = "Draft " + words[kind].lower() if draft else words[kind]
    return f"{prefix} {case.content.conversation.id} - {safe}.pdf"
