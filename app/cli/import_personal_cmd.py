"""``ownwork server import-personal --from DATA_DIR``: move a teacher's personal store into the
school's server (``app.services.moving_in``).

``register_server_subcommand(server_subparsers, common)`` adds ``import-personal`` to the
``server`` command's sub-commands.  ``server`` itself (``init``, ``upgrade``, ``check``) belongs
to ``app/cli/server_cmd.py``; until that module exists, ``register`` makes a ``server`` command
holding ``import-personal`` alone, and ``--database-url`` is taken here as well as from
``OWNWORK_DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError

DATABASE_URL_ENV = "OWNWORK_DATABASE_URL"


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
    if not any("--database-url" in action.option_strings for action in common._actions):
        parser.add_argument(
            "--database-url",
            metavar="URL",
            default=argparse.SUPPRESS,
            help=f"the school's server (default: ${DATABASE_URL_ENV})",
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


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """A ``server`` command of this module's own, only while ``app/cli/server_cmd.py`` (which
    then registers ``import-personal`` itself) is not part of the build."""
    if importlib.util.find_spec("app.cli.server_cmd") is not None:
        return
    server = add_command(
        subparsers,
        common,
        "server",
        summary="work with the school's server",
        description="Commands for the school's shared PostgreSQL server.",
    )
    register_server_subcommand(
        server.add_subparsers(dest="server_command", metavar="COMMAND", required=True), common
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.paths import resolve_paths
    from app.services import moving_in

    url = getattr(args, "database_url", None) or os.environ.get(DATABASE_URL_ENV, "")
    if not url:
        raise OwnWorkError(
            f"Give the school's server with --database-url URL (or ${DATABASE_URL_ENV})."
        )
    source = args.source.expanduser().absolute()
    if not source.is_dir():
        raise OwnWorkError(f"{source} is not a folder.")
    server = moving_in.open_server(context.principal, url)
    try:
        done = moving_in.import_personal(
            context.principal,
            server,
            context.paths,
            resolve_paths(source),
            despite_problems=args.despite_problems,
            label=args.label,
        ).value
    finally:
        server.dispose()
    print(done.summary())
    for problem in done.accepted_problems:
        print(f"MOVED IN DESPITE  {problem}")
    return 0
