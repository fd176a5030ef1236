"""``ownwork pass-on``, ``share`` and ``review-note``: handing a concluded case on to the exams
officer or a colleague, and a head of department's note on it (the school's server's)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    pass_on = add_command(
        subparsers,
        common,
        "pass-on",
        summary="pass a concluded conversation to the exams officer",
        description="Pass a concluded conversation you lead to the exams officer, who then "
        "sees it in their list of cases waiting. The step is written in the audit log.",
        handler=run_pass_on,
        writes=True,
    )
    pass_on.add_argument("conversation_id", type=int, metavar="ID")
    pass_on.add_argument("--note", default="", metavar="TEXT", help="a note for the exams officer")
    pass_on.add_argument("--json", action="store_true", help="print JSON for programs")

    share = add_command(
        subparsers,
        common,
        "share",
        summary="let a named colleague read a concluded conversation",
        description="Share a concluded conversation you lead with one colleague, named by "
        "their login on the school's server. They may read it, not change it.",
        handler=run_share,
        writes=True,
    )
    share.add_argument("conversation_id", type=int, metavar="ID")
    share.add_argument("--with", dest="with_login", required=True, metavar="LOGIN")
    share.add_argument("--note", default="", metavar="TEXT", help="a note for the colleague")
    share.add_argument("--json", action="store_true", help="print JSON for programs")

    note = add_command(
        subparsers,
        common,
        "review-note",
        summary="write a head of department's review note on a conversation",
        description="Add a review note to a conversation led by a teacher in your department. "
        "Notes are kept beside the record and never changed.",
        handler=run_review_note,
        writes=True,
    )
    note.add_argument("conversation_id", type=int, metavar="ID")
    note.add_argument("--text", required=True, metavar="TEXT")
    note.add_argument("--json", action="store_true", help="print JSON for programs")


def _print(args: argparse.Namespace, value: Any, sentence: str) -> int:
    from app.cli.output import dumps

    print(dumps(value) if args.json else sentence)
    return 0


def run_pass_on(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import sharing

    made = sharing.pass_on(
        context.principal, context.store, args.conversation_id, note=args.note
    ).value
    return _print(
        args, made, f"Conversation {made.conversation_id} was passed to the exams officer."
    )


def run_share(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import sharing

    made = sharing.share(
        context.principal,
        context.store,
        args.conversation_id,
        with_login=args.with_login,
        note=args.note,
    ).value
    return _print(
        args, made, f"Conversation {made.conversation_id} is shared with {made.shared_with_login}."
    )


def run_review_note(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import sharing

    note = sharing.write_review_note(
        context.principal, context.store, args.conversation_id, args.text
    ).value
    return _print(args, note, f"Your review note on conversation {note.conversation_id} was kept.")
