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
        description="Write a consistent copy of the database, even while the app is open.",
        handler=run_backup,
    )
    backup.add_argument("-o", "--output", required=True, metavar="FILE", type=Path)
    restore = add_command(
        subparsers,
        common,
        "restore",
        summary="replace the database with a backup",
        description="Check a backup, keep a copy of the current database, then restore.",
        handler=run_restore,
    )
    restore.add_argument("file", metavar="FILE", type=Path)


def run_backup(args: argparse.Namespace, context: CommandContext) -> int:
    from app.storage.backups import backup_to

    context.store  # noqa: B018 - opening first proves the database is sound and current
    written = backup_to(context.paths, args.output)
    print(f"Backup written to {written}")
    return 0


def run_restore(args: argparse.Namespace, context: CommandContext) -> int:
    from app.storage.backups import restore_from

    kept = restore_from(context.paths, args.file)
    print(f"Restored {args.file}; the replaced database was kept as {kept}")
    return 0
