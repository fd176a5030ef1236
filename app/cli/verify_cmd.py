"""``ownwork verify [--json]``: check the database, the audit chain, finalised records and
evidence files; exit 0 only when everything holds."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError

EXIT_PROBLEMS = 1


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "verify",
        summary="prove the records have not been changed or lost",
        description="Check the database file, the hash-chained audit log, every finalised "
        "record's integrity code and every attachment's SHA-256, and that the audit log still "
        "holds everything recorded in every backup in the data folder's backups/ and in the "
        "backups and anchors given. Prints each problem with the record it concerns; exits 0 "
        "only when every check holds.",
        handler=run,
    )
    parser.add_argument("--json", action="store_true", help="print JSON for programs")
    parser.add_argument(
        "--backup",
        action="append",
        default=[],
        metavar="FILE",
        type=Path,
        help="also check that the audit log extends this backup's (repeatable)",
    )
    parser.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="POSITION:HASH",
        help="an audit anchor printed on a document or by a backup, e.g. 1234:9f2c41ab7d03 "
        "(repeatable)",
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps
    from app.services import integrity

    anchors = [integrity.parse_anchor(given) for given in args.anchor]
    files = [file.expanduser().absolute() for file in args.backup]
    for file in files:
        if not file.is_file():
            raise OwnWorkError(f"The backup {file} does not exist or is not a file.")
    principal = context.principal
    # The data folder's database file is checked on its own first; a server has no file.
    damaged = None if context.database_url else integrity.verify_file(principal, context.paths)
    report = damaged or integrity.verify(
        principal, context.store, context.paths, backup_files=files, anchors=anchors
    )
    if args.json:
        print(
            dumps(
                {
                    "ok": report.ok,
                    "problems": report.problems,
                    "notes": report.notes,
                    "checked": {
                        "audit_entries": report.audit_entries,
                        "finalised": report.finalised,
                        "amendments": report.amendments,
                        "attachments": report.attachments,
                    },
                }
            )
        )
    else:
        for problem in report.problems:
            print(f"PROBLEM  {problem}")
        for note in report.notes:
            print(f"NOTE     {note}")
        print(report.summary())
    return 0 if report.ok else EXIT_PROBLEMS
