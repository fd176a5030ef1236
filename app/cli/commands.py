"""The sub-commands, one module each.  A module defines ``register(subparsers, common)``, which
adds its parser and sets ``handler`` to a function ``(args, context) -> int``.

Command modules import the heavy parts of the core inside their handlers, so that parsing the
command line (and ``--version``) stays instant.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.cli.context import CommandContext

COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.list_cmd",
    "app.cli.add_cmd",
    "app.cli.seed_cmd",
    "app.cli.backup_cmd",
    "app.cli.verify_cmd",
    "app.cli.case_cmd",
    "app.cli.finalise_cmd",
    "app.cli.scripts_cmd",
    "app.cli.import_cmd",
    "app.cli.export_cmd",
    "app.cli.referral_cmd",
    "app.cli.keys_cmd",
    "app.cli.server_cmd",
    "app.cli.sharing_cmd",
    "app.cli.statistics_cmd",
    "app.cli.subject_access_cmd",
)


Handler = Callable[[argparse.Namespace, "CommandContext"], int]
# Whether a command writes: always, never, or as its options say (``centre`` only shows the
# centre's details unless given some to change).
Writes = bool | Callable[[argparse.Namespace], bool]


def writes_when_given(*options: str) -> Callable[[argparse.Namespace], bool]:
    """A command that writes only when any of these options (argparse ``dest`` names) is given."""

    def given(args: argparse.Namespace) -> bool:
        return any(getattr(args, option, None) is not None for option in options)

    return given


def command_writes(args: argparse.Namespace) -> bool:
    writes: Writes = getattr(args, "writes", False)
    return writes(args) if callable(writes) else writes


def add_command(
    subparsers: Any,
    common: argparse.ArgumentParser,
    name: str,
    *,
    summary: str,
    description: str,
    handler: Handler | None = None,
    writes: Writes = False,
) -> argparse.ArgumentParser:
    """One command (or a group of commands): the options every command takes (``common``), a
    one-line summary for ``--help``, a description for its own help, and what runs it.

    A command that ``writes`` runs only while it holds the data folder's writer lock
    (app/storage/writer_lock.py): it is refused while the window has the folder open."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, parents=[common], help=summary, description=description
    )
    if handler is not None:
        parser.set_defaults(handler=handler, writes=writes)
    return parser
