"""``ownwork subject-access STUDENT_ID --reason TEXT [--json] [-o FILE]``: everything held about
one student, for a subject access request, the opening logged with its reason."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "subject-access",
        summary="everything held about one student, for a subject access request",
        description="Gather every record about one student (submissions, conversations with "
        "their answers, finalisations, amendments, evidence details, referral facts, "
        "statements, shares, review notes and history). Each use is logged with its reason.",
        handler=run,
        # The opening is logged (the subject access log and the audit log).
        writes=True,
    )
    parser.add_argument("student_id", type=int, metavar="STUDENT_ID")
    parser.add_argument("--reason", required=True, metavar="TEXT", help="the request answered")
    parser.add_argument("--json", action="store_true", help="print JSON for programs")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the JSON to FILE instead"
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps
    from app.services.subject_access import subject_access

    report = subject_access(
        context.principal, context.store, args.student_id, reason=args.reason
    ).value
    if args.output is not None:
        args.output.write_text(dumps(report) + "\n", encoding="utf-8")
        print(f"Everything held about {report.student.display_name} was written to {args.output}.")
        return 0
    if args.json:
        print(dumps(report))
        return 0
    print(f"{report.student.display_name} (student {report.student.id})")
    print(f"  {len(report.submissions)} submission(s), {len(report.cases)} conversation(s)")
    for case in report.cases:
        conversation = case.content.conversation
        print(
            f"  conversation {conversation.id}: {conversation.qualification}, "
            f"{conversation.status.value}, {len(case.history)} history entries"
        )
    print("Use --json or -o FILE for the whole record.")
    return 0
