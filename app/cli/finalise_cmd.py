"""``ownwork finalise``, ``amend``, ``attach`` and ``timeline``: making records final,
correcting them openly, adding evidence, and reading a case's history."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext

KINDS = ("submitted_work", "draft", "in_class_writing", "detector_report", "other")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    finalise = add_command(
        subparsers,
        common,
        "finalise",
        summary="make a concluded conversation read-only, under an integrity code",
        description="Finalise a concluded conversation: it can no longer be changed, and its "
        "SHA-256 integrity code is recorded. Later corrections are amendments.",
        handler=run_finalise,
        writes=True,
    )
    finalise.add_argument("conversation_id", type=int, metavar="CONVERSATION_ID")

    amend = add_command(
        subparsers,
        common,
        "amend",
        summary="record a correction to a concluded conversation beside the original",
        description="Add an amendment: the field's path in the record (e.g. outcome.next_step "
        "or answers.2.student_words), the corrected value and the reason. The original is kept.",
        handler=run_amend,
        writes=True,
    )
    amend.add_argument("conversation_id", type=int, metavar="CONVERSATION_ID")
    amend.add_argument("--field", metavar="PATH", help="the field to correct")
    amend.add_argument("--value", metavar="TEXT", help="the corrected value")
    amend.add_argument("--reason", metavar="TEXT", help="why the correction is made")
    amend.add_argument(
        "--list-fields", action="store_true", help="list the fields that can be amended"
    )

    attach = add_command(
        subparsers,
        common,
        "attach",
        summary="attach an evidence file to a submission or a conversation",
        description="Copy a file (the work, a draft, in-class writing, a detector report) into "
        "the data folder's evidence store and attach it. At most 200 MB.",
        handler=run_attach,
        writes=True,
    )
    target = attach.add_mutually_exclusive_group(required=True)
    target.add_argument("--submission", type=int, metavar="ID")
    target.add_argument("--conversation", type=int, metavar="ID")
    attach.add_argument("file", type=Path, metavar="FILE")
    attach.add_argument("--kind", choices=KINDS, default="other")
    attach.add_argument("--note", default="", metavar="TEXT")

    history = add_command(
        subparsers,
        common,
        "timeline",
        summary="show the history of a student or a case",
        description="Every audit entry, attachment and amendment about a student or a "
        "conversation, in time order.",
        handler=run_timeline,
    )
    about = history.add_mutually_exclusive_group(required=True)
    about.add_argument("--student", type=int, metavar="ID")
    about.add_argument("--conversation", type=int, metavar="ID")
    history.add_argument("--json", action="store_true", help="print JSON for programs")


def run_finalise(args: argparse.Namespace, context: CommandContext) -> int:
    from app.domain.canonical import grouped
    from app.integrity.guard import describe_time
    from app.services import integrity

    done = integrity.finalise(context.principal, context.store, args.conversation_id).value
    print(
        f"Conversation {done.conversation_id} finalised on {describe_time(done.finalised_at)} "
        f"by {done.finalised_by}."
    )
    print(f"Integrity code: {grouped(done.content_hash)}")
    return 0


def run_amend(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import table
    from app.errors import OwnWorkError
    from app.services import integrity

    if args.list_fields:
        fields = integrity.amendable_fields(context.principal, context.store, args.conversation_id)
        rows = [[f.path, _short(f.value)] for f in fields]
        print(table(["field", "current value"], rows))
        return 0
    if args.field is None or args.value is None or args.reason is None:
        raise OwnWorkError("Give --field, --value and --reason (or --list-fields).")
    made = integrity.amend(
        context.principal,
        context.store,
        args.conversation_id,
        path=args.field,
        new_value=args.value,
        reason=args.reason,
    ).value
    print(f"Amendment {made.id} recorded: {made.label} of conversation {made.conversation_id}.")
    return 0


def _short(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def run_attach(args: argparse.Namespace, context: CommandContext) -> int:
    from app.integrity.timeline import human_size
    from app.services import integrity

    attached = integrity.attach(
        context.principal,
        context.store,
        context.paths,
        args.file.expanduser(),
        kind=args.kind,
        note=args.note,
        submission_id=args.submission,
        conversation_id=args.conversation,
    ).value
    print(
        f"Attached {attached.name} ({human_size(attached.size)}, {attached.kind_label}) "
        f"as attachment {attached.id}."
    )
    print(f"SHA-256: {attached.sha256}")
    return 0


def run_timeline(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps
    from app.services import integrity

    if args.student is not None:
        events = integrity.timeline_for_student(context.principal, context.store, args.student)
    else:
        events = integrity.timeline_for_conversation(
            context.principal, context.store, args.conversation
        )
    if args.json:
        print(
            dumps(
                [
                    {
                        "at": e.at,
                        "actor": e.actor,
                        "action": e.action,
                        "summary": e.summary,
                        "record": e.record,
                        "audit_id": e.audit_id,
                        "origin": e.origin or "here",
                        "details": dict(e.details),
                    }
                    for e in events
                ]
            )
        )
        return 0
    for event in events:
        local = event.at.astimezone()
        origin = " [from the case bundle]" if event.origin else ""
        print(f"{local:%Y-%m-%d %H:%M}  {event.actor}  {event.action}: {event.summary}{origin}")
        for label, value in event.details:
            print(f"      {label}: {_short(value, 90)}")
    if not events:
        print("Nothing recorded yet.")
    return 0
