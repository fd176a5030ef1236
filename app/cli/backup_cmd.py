"""``ownwork backup -o FILE`` and ``ownwork restore FILE``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    backup = add_command(
        subparsers,
        common,
        "backup",
        summary="copy the database to a file",
        description="Write a consistent copy of the database, even while the app is open: to "
        "FILE, or without -o into the data folder's backups/ (where verify finds it). Prints "
        "the audit anchor the copy holds; write it down to prove later that nothing before "
        "it was removed.",
        handler=run_backup,
    )
    backup.add_argument("-o", "--output", metavar="FILE", type=Path)
    restore = add_command(
        subparsers,
        common,
        "restore",
        summary="replace the database with a backup",
        description="Check a backup, keep a copy of the current database, then restore.",
        handler=run_restore,
        writes=True,
    )
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument(
        "--despite-problems",
        action="store_true",
        help="restore a backup even though verify finds problems in it (they are printed)",
    )


def run_backup(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import store

    context.store  # noqa: B018 - opening first proves the database is sound and current
    written = store.backup(context.principal, context.paths, args.output)
    held = store.backup_anchor(context.principal, written)
    print(f"Backup written to {written}" + (f" ({held.short}; anchor {held})" if held else ""))
    return 0


def run_restore(args: argparse.Namespace, context: CommandContext) -> int:
    from app.errors import OwnWorkError
    from app.services import store

    file = args.file.expanduser().absolute()
    report = store.verify_backup(context.principal, file)
    if not report.ok:
        for problem in report.problems:
            print(f"PROBLEM  {problem}")
        if not args.despite_problems:
            raise OwnWorkError(
                f"The backup {file} failed verification ({report.summary()}); nothing was "
                "restored. To restore it anyway, add --despite-problems."
            )
    kept = store.restore(context.principal, context.paths, file).value
    print(f"Restored {args.file}; the replaced database was kept as {kept}")
    return 0
