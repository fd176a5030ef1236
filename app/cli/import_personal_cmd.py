"""``ownwork server import-personal --from DATA_DIR``: move a teacher's personal store into the
school's server (``app.services.moving_in``).

``register_server_subcommand(server_subparsers, common)`` adds ``import-personal`` to the
``server`` command's sub-commands (``app/cli/server_cmd.py``); the server is the one given by
``--database-url`` or ``OWNWORK_DATABASE_URL``, as for every command.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError


def register_server_subcommand(server_subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        server_subparsers,
        common,
        "import-personal",
        summary="move a teacher's personal store into the school's server",
        description="Add every record of a personal store (students, submissions, "
        "conversations, staff, finalised records, amendments, referral details and evidence "
        "files) to the school's server in one transaction, and keep its audit history as an "
        "imported history that verify checks. The personal store is only read. A store "
        "already moved in is not imported again; a store that fails verify is refused unless "
        "--despite-problems is given.",
        handler=run,
    )
    parser.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="DATA_DIR",
        type=Path,
        help="the teacher's data folder (the folder holding ownwork.sqlite3)",
    )
    parser.add_argument(
        "--despite-problems",
        action="store_true",
        help="move the store in even though verify finds problems in it (they are named in "
        "the server's audit log)",
    )
    parser.add_argument(
        "--label",
        default="",
        help="how the server's audit log names the store (default: the personal store of "
        "its teacher, with the folder's name)",
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.paths import resolve_paths
    from app.services import moving_in

    if not context.database_url:
        raise OwnWorkError(
            "Which server? Give --database-url postgresql://LOGIN@HOST/DATABASE (or set "
            "OWNWORK_DATABASE_URL)."
        )
    source = args.source.expanduser().absolute()
    if not source.is_dir():
        raise OwnWorkError(f"{source} is not a folder.")
    done = moving_in.import_personal(
        context.caller,
        context.store,
        context.paths,
        resolve_paths(source),
        despite_problems=args.despite_problems,
        label=args.label,
    ).value
    print(done.summary())
    for problem in done.accepted_problems:
        print(f"MOVED IN DESPITE  {problem}")
    return 0
