"""``ownwork centre``, ``referral`` and ``statement``: what a referral pack for form M1 needs
beyond the record, and its answers printed ready to copy into the form."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from app.cli.commands import add_command, writes_when_given
from app.cli.context import CommandContext
from app.errors import OwnWorkError

_YES_NO = {"yes": True, "no": False, "unknown": None}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-10-02") from None


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    centre = add_command(
        subparsers,
        common,
        "centre",
        summary="show or set the centre's details that form M1 asks for",
        description="Without options, show the centre's details. With options, change them: "
        "a referral needs the centre number, name and address and the head of centre's name, "
        "email and telephone.",
        handler=run_centre,
        writes=writes_when_given(
            "name", "number", "address", "head_name", "head_email", "head_phone", "late_after_days"
        ),
    )
    centre.add_argument("--name", metavar="TEXT")
    centre.add_argument("--number", metavar="NNNNN", help="the five-digit centre number")
    centre.add_argument("--address", metavar="TEXT", help="lines separated by commas or newlines")
    centre.add_argument("--head-name", metavar="TEXT", help="the head of centre's name")
    centre.add_argument("--head-email", metavar="EMAIL")
    centre.add_argument("--head-phone", metavar="NUMBER")
    centre.add_argument(
        "--late-after-days",
        type=int,
        metavar="N",
        help="warn on a referral when the concern arose more than N school days ago (default 5)",
    )

    referral = add_command(
        subparsers,
        common,
        "referral",
        summary="record a referral's facts and print form M1's answers",
        description="Print, in form M1's order, each part of the form with the answer the "
        "record gives, ready to copy. Options record the facts the record does not hold.",
        handler=run_referral,
        writes=writes_when_given(
            "concern_arose",
            "noticed_by",
            "ai_tool",
            "ai_output_kept",
            "info_for_candidates",
            "notice_given",
        ),
    )
    referral.add_argument("conversation_id", type=int, metavar="ID")
    referral.add_argument("--concern-arose", type=_date, metavar="DATE", help="YYYY-MM-DD")
    referral.add_argument("--noticed-by", metavar="NAME", help="who noticed the concern")
    referral.add_argument("--ai-tool", metavar="TEXT", help="the AI tool suspected, if known")
    referral.add_argument("--ai-output-kept", choices=sorted(_YES_NO))
    referral.add_argument(
        "--info-for-candidates",
        choices=sorted(_YES_NO),
        help="whether the information for candidates (including the AI version) was given "
        "before the candidate signed the declaration",
    )
    referral.add_argument(
        "--notice-given", type=_date, metavar="DATE", help="when the written notice was given"
    )

    statement = add_command(
        subparsers,
        common,
        "statement",
        summary="record a written statement by the candidate or a member of staff",
        description="Record a written statement as the text its author gave, with the date "
        "they gave it; it is printed in the referral pack.",
        handler=run_statement,
        writes=True,
    )
    statement.add_argument("conversation_id", type=int, metavar="ID")
    who = statement.add_mutually_exclusive_group(required=True)
    who.add_argument("--candidate", action="store_true", help="the candidate's statement")
    who.add_argument("--staff", metavar="NAME", help="a statement by this member of staff")
    statement.add_argument("--role", default="", metavar="TEXT", help="the staff member's role")
    statement.add_argument("--given", type=_date, required=True, metavar="DATE")
    statement.add_argument(
        "--text-file", required=True, metavar="FILE", help="a UTF-8 text file with the statement"
    )


def run_centre(args: argparse.Namespace, context: CommandContext) -> int:
    import dataclasses

    from app.services import records

    changes = {
        key: value
        for key, value in (
            ("name", args.name),
            ("centre_number", args.number),
            ("address", args.address.replace(", ", "\n") if args.address else args.address),
            ("head_name", args.head_name),
            ("head_email", args.head_email),
            ("head_phone", args.head_phone),
            ("late_after_days", args.late_after_days),
        )
        if value is not None
    }
    centre = records.get_centre(context.principal, context.store)
    if changes:
        centre = records.set_centre(
            context.principal, context.store, dataclasses.replace(centre, **changes)
        ).value
    rows = [
        ("Centre name", centre.name),
        ("Centre number", centre.centre_number),
        ("Address", ", ".join(centre.address.splitlines())),
        ("Head of centre", centre.head_name),
        ("Email", centre.head_email),
        ("Telephone", centre.head_phone),
        ("Late after", f"{centre.late_after_days} school days"),
    ]
    for label, value in rows:
        print(f"{label + ':':<16}{value or '(not recorded)'}")
    missing = centre.missing_for_referral()
    if missing:
        print(f"A referral still needs: {', '.join(missing)}.")
    return 0


def run_referral(args: argparse.Namespace, context: CommandContext) -> int:
    from app.documents.m1 import late_warning, m1_answers
    from app.documents.readiness import printed_problems
    from app.services import documents

    changes = {
        key: value
        for key, value in (
            ("concern_arose_on", args.concern_arose),
            ("concern_noticed_by", args.noticed_by),
            ("ai_tool", args.ai_tool),
            ("notice_given_on", args.notice_given),
        )
        if value is not None
    }
    if args.ai_output_kept is not None:
        changes["ai_output_kept"] = _YES_NO[args.ai_output_kept]
    if args.info_for_candidates is not None:
        changes["info_for_candidates_given"] = _YES_NO[args.info_for_candidates]
    printed = documents.record_referral_facts(
        context.principal, context.store, args.conversation_id, changes
    ).value
    for number, item in enumerate(m1_answers(printed), start=1):
        print(f"{number}. {item.part}: {item.question}")
        print(f"   {item.answer}")
    warning = late_warning(printed, dt.date.today())
    if warning:
        print(f"\nLate notification: {warning}")
    problems = printed_problems(printed)
    if problems:
        print("\nNot ready to send yet:")
        for problem in problems:
            print(f"- {problem}")
    return 0


def run_statement(args: argparse.Namespace, context: CommandContext) -> int:
    from pathlib import Path

    from app.domain.referral import StatementKind
    from app.services import documents

    try:
        text = Path(args.text_file).expanduser().read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise OwnWorkError(f"{args.text_file} is not UTF-8 text; nothing was recorded.") from None
    except OSError as error:
        raise OwnWorkError(f"Cannot read {args.text_file}: {error.strerror}.") from None
    # The candidate's statement is in their own name, as the record holds it.
    author, kind = (
        (None, StatementKind.CANDIDATE) if args.candidate else (args.staff, StatementKind.STAFF)
    )
    made = documents.add_statement(
        context.principal,
        context.store,
        args.conversation_id,
        kind=kind,
        author=author,
        role=args.role,
        text=text,
        given_on=args.given,
    ).value
    print(
        f"Recorded the statement by {made.author} of {made.given_on.isoformat()} for "
        f"conversation {made.conversation_id}."
    )
    return 0
