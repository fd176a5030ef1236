"""``ownwork export record|referral|notice|statement-form ID -o FILE``: a conversation's
documents as PDF.  Saving the notice records the date the candidate was told in writing."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError

_GLYPHS_HELP = (
    "export even if some characters cannot be drawn by any font on this computer; they print as "
    "empty boxes, so check the names and notes on paper (without this option such an export is "
    "refused, so that nothing is silently lost)"
)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "export",
        summary="save a conversation's record or referral as PDF",
        description="Save a conversation's record, the student's copy of it, or the referral to "
        "the awarding body as a PDF file. IDs are those `ownwork list conversations` shows.",
    )
    kinds = parser.add_subparsers(dest="document", metavar="DOCUMENT", required=True)
    record = add_command(
        kinds,
        common,
        "record",
        summary="the record of the conversation",
        description="Save the record of a conversation as PDF.",
    )
    record.add_argument(
        "--student-copy",
        action="store_true",
        help="the student's copy: staff-only and wellbeing notes and others' names left out",
    )
    referral = add_command(
        kinds,
        common,
        "referral",
        summary="the referral to the awarding body",
        description="Save the referral to the awarding body as PDF. Only for a conversation "
        "that has concluded with concerns after the student signed the declaration, and whose "
        "record shows the candidate was told what the procedure requires; otherwise the missing "
        "items are listed and nothing is saved.",
    )
    referral.add_argument(
        "--draft",
        action="store_true",
        help='save it even though it is not ready, marked "DRAFT — not ready to send" on every '
        "page",
    )
    notice = add_command(
        kinds,
        common,
        "notice",
        summary="the written notice to the candidate, with a copy for the parent or carer",
        description="Save the written notice of the concern to the candidate (and the copy for "
        "their parent or carer) as PDF. Saving it records today as the date the candidate was "
        "told in writing.",
    )
    statement_form = add_command(
        kinds,
        common,
        "statement-form",
        summary="a form for the candidate's written statement",
        description="Save a form on which the candidate writes their statement by hand.",
    )
    for sub in (record, referral, notice, statement_form):
        sub.add_argument("conversation_id", type=int, metavar="ID", help="the conversation's id")
        sub.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="the PDF file to write"
        )
        sub.add_argument("--allow-missing-glyphs", action="store_true", help=_GLYPHS_HELP)
        sub.set_defaults(handler=run)


_SAVED = {
    "record": "record",
    "student_copy": "student's copy of the record",
    "referral": "referral pack",
    "notice": "written notice",
    "statement_form": "statement form",
}


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.documents.coverage import check_case
    from app.documents.kinds import DocumentKind, render
    from app.documents.m1 import late_warning
    from app.documents.output import write_pdf
    from app.documents.readiness import ReferralNotReadyError, printed_problems
    from app.integrity.exports import audit_export
    from app.integrity.printed import load_printed

    if args.document in ("referral", "notice", "statement-form"):
        kind = DocumentKind(args.document.replace("-", "_"))
    else:
        kind = DocumentKind.STUDENT_COPY if args.student_copy else DocumentKind.RECORD
    with context.store.transaction() as session:
        printed = load_printed(session, args.conversation_id)
    draft = kind is DocumentKind.REFERRAL and args.draft
    if kind is DocumentKind.REFERRAL and not draft:
        problems = printed_problems(printed)
        if problems:
            raise OwnWorkError(
                f"{ReferralNotReadyError(args.conversation_id, problems)} Nothing was saved; "
                "record what is missing, or use --draft for a copy marked as a draft."
            )
    coverage = check_case(printed.case)
    if not coverage.ok:
        message = f"no font on this computer can draw {coverage.missing_summary()}"
        if not args.allow_missing_glyphs:
            raise OwnWorkError(
                f"Not exported: {message}. Use --allow-missing-glyphs to export anyway."
            )
        print(f"ownwork: warning: {message}; they print as empty boxes.", file=sys.stderr)
    path = write_pdf(args.output, render(printed, kind, draft=draft))
    with context.store.transaction() as session:
        audit_export(session, args.conversation_id, kind.value, path)
    if kind is DocumentKind.REFERRAL:
        warning = late_warning(printed, dt.date.today())
        if warning:
            print(f"ownwork: warning: late notification. {warning}", file=sys.stderr)
    what = f"draft {_SAVED[kind]}" if draft else _SAVED[kind]
    print(f"Saved the {what} of conversation {args.conversation_id} to {path}.")
    if kind is DocumentKind.NOTICE:
        from app.documents.wording import long_date
        from app.storage import referrals

        with context.store.transaction() as session:
            given = referrals.get_facts(session, args.conversation_id).notice_given_on
        print(f"The notice is recorded as given to the candidate on {long_date(given)}.")
    return 0
