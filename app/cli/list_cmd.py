"""``ownwork list students|submissions|conversations|waiting [--search TEXT] [--json]``
(``waiting``: the cases passed to the exams officer whose referral has not been started)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext

KINDS = ("students", "submissions", "conversations", "waiting")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "list",
        summary="list records",
        description="List records, optionally filtered.",
        handler=run,
    )
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="only records matching every word (case and accents ignored)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for programs")
    parser.add_argument(
        "--limit", type=int, default=None, metavar="N", help="at most N records (default: all)"
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps, table
    from app.domain.list_query import ListQuery
    from app.services import records as services

    query = ListQuery(search=args.search, limit=args.limit)
    principal, store = context.principal, context.store
    if args.kind == "students":
        records: list[Any] = services.list_students(principal, store, query)
        headers = ["id", "surname", "forename", "cand no", "UPN", "reg", "year"]
        rows = [
            [
                str(s.id),
                s.surname,
                s.forename,
                s.candidate_number,
                s.upn,
                s.reg_group,
                "" if s.year_group is None else str(s.year_group),
            ]
            for s in records
        ]
    elif args.kind == "submissions":
        records = services.list_submissions(principal, store, query)
        headers = [
            "id",
            "student",
            "cand no",
            "body",
            "qualification",
            "component",
            "title",
            "declaration",
        ]
        rows = [
            [
                str(s.id),
                s.student_name,
                s.candidate_number,
                s.awarding_body,
                s.qualification,
                s.component_code,
                s.title,
                s.declaration_signed_on.isoformat() if s.declaration_signed_on else "not signed",
            ]
            for s in records
        ]
    else:
        if args.kind == "waiting":
            from app.services.sharing import waiting

            records = waiting(principal, store)
        else:
            records = services.list_conversations(principal, store, query)
        headers = [
            "id",
            "held",
            "student",
            "cand no",
            "qualification",
            "led by",
            "status",
            "conclusion",
        ]
        rows = [
            [
                str(c.id),
                c.held_at.strftime("%Y-%m-%d %H:%M"),
                c.student_name,
                c.candidate_number,
                c.qualification,
                c.led_by_name,
                "finalised" if c.finalised_at else c.status.value,
                c.conclusion.value if c.conclusion else "",
            ]
            for c in records
        ]
    print(dumps(records) if args.json else table(headers, rows))
    return 0
