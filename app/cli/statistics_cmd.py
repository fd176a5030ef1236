"""``ownwork statistics [--json]``: counts per qualification, without names or content."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "statistics",
        summary="counts of students, submissions and conversations per qualification",
        description="Print how many students, submissions and conversations each qualification "
        "has, by status and conclusion, finalised, referred and waiting with the exams officer. "
        "Counts only: no names and nothing said in a conversation.",
        handler=run,
    )
    parser.add_argument("--json", action="store_true", help="print JSON for programs")


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps, table
    from app.domain.statistics import COUNT_NAMES
    from app.services.statistics import statistics

    counts = statistics(context.principal, context.store)
    if args.json:
        print(dumps(counts))
        return 0
    headers = ["qualification", *(name.replace("_", " ") for name in COUNT_NAMES)]
    rows = [[c.qualification, *(str(getattr(c, name)) for name in COUNT_NAMES)] for c in counts]
    print(table(headers, rows))
    return 0
