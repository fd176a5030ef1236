"""``ownwork export-case ID -o FILE`` and ``ownwork import-case FILE``: hand a case to another
machine as one checked file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    export = add_command(
        subparsers,
        common,
        "export-case",
        summary="write a concluded conversation and its evidence to a case bundle",
        description="Write one concluded conversation, its attachments, amendments and history "
        "to a single file (a zip with a SHA-256 manifest; see docs/case-bundle.md).",
        handler=run_export,
    )
    export.add_argument("conversation_id", type=int, metavar="CONVERSATION_ID")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    imported = add_command(
        subparsers,
        common,
        "import-case",
        summary="add the case in a case bundle to this database",
        description="Check a case bundle completely, then add its case in one step; an "
        "altered, truncated or malformed bundle is refused and nothing is changed.",
        handler=run_import,
        writes=True,
    )
    imported.add_argument("file", type=Path, metavar="FILE")


def run_export(args: argparse.Namespace, context: CommandContext) -> int:
    from app.domain.canonical import grouped
    from app.errors import OwnWorkError
    from app.services import integrity

    output: Path = args.output.expanduser().absolute()
    if output.exists():
        raise OwnWorkError(f"{output} already exists; choose a new file name for the bundle.")
    result = integrity.export_case(
        context.principal, context.store, context.paths, args.conversation_id, output
    ).value
    print(
        f"Case bundle written to {result.path} ({result.size:,} bytes, "
        f"{result.attachments} attachment file{'s' if result.attachments != 1 else ''})."
    )
    print(f"Integrity code of the record: {grouped(result.content_hash)}")
    print(f"SHA-256 of the bundle: {result.sha256}")
    print(f"Signed with this installation's key {result.signer}")
    print(f"Audit anchor when exported: {result.anchor}")
    return 0


def run_import(args: argparse.Namespace, context: CommandContext) -> int:
    from app.domain.canonical import grouped
    from app.services import integrity

    result = integrity.import_case(context.principal, context.store, context.paths, args.file).value
    student = "a new student" if result.new_student else f"student {result.student_id}"
    print(
        f"Imported as conversation {result.conversation_id} for {student} "
        f"(submission {result.submission_id}), with {result.attachments} attachment"
        f"{'s' if result.attachments != 1 else ''}."
    )
    print(f"Integrity code of the record: {grouped(result.content_hash)}")
    return 0
