"""``ownwork seed-demo [--students N] [--conversations M] [--seed S]``."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "seed-demo",
        summary="fill an empty data folder with demo records",
        description="Create synthetic students, submissions and conversations for demos and "
        "benchmarks. Refuses a data folder that already holds students.",
        handler=run,
        writes=True,
    )
    parser.add_argument("--students", type=int, default=60, metavar="N")
    parser.add_argument("--conversations", type=int, default=40, metavar="M")
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="the same seed gives the same records"
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import store as store_services

    # Files, finalised records and an amendment too, so verify, the timeline and case bundles
    # can be tried on demo data.
    summary, evidence = store_services.seed_demo(
        context.principal,
        context.store,
        context.paths,
        students=args.students,
        conversations=args.conversations,
        seed=args.seed,
    ).value
    print(
        f"Demo data in {context.paths.data_dir}: {summary.students} students, "
        f"{summary.submissions} submissions, {summary.conversations} conversations "
        f"({evidence.finalised} finalised, {evidence.attachments} evidence files)."
    )
    return 0
