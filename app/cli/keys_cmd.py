"""``ownwork keys show|list|trust FINGERPRINT``: this installation's signing key for case
bundles, and the keys whose bundles it accepts (see app/integrity/signing.py)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "keys",
        summary="this computer's key for signing case bundles, and the keys it trusts",
        description="Case bundles are signed with this installation's key and imported only "
        "when signed with a trusted key.",
    )
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    add_command(
        actions,
        common,
        "show",
        summary="print this installation's key fingerprint",
        description="Print the fingerprint the exams officer checks before trusting bundles "
        "from this computer.",
        handler=run_show,
    )
    add_command(
        actions,
        common,
        "list",
        summary="list the trusted keys",
        description="List the keys whose case bundles this installation imports.",
        handler=run_list,
    )
    trust = add_command(
        actions,
        common,
        "trust",
        summary="trust a key's bundles from now on",
        description="Trust the key with this fingerprint. Compare it first with the one shown "
        "in Help › About (or by 'ownwork keys show') on the sender's computer.",
        handler=run_trust,
    )
    trust.add_argument("fingerprint", metavar="FINGERPRINT")
    trust.add_argument("--name", default="", help="whose key it is, for the list")


def run_show(args: argparse.Namespace, context: CommandContext) -> int:
    from app.integrity.signing import own_fingerprint

    print(own_fingerprint(context.paths))
    return 0


def run_list(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import printable
    from app.integrity.signing import trusted_keys

    for key in trusted_keys(context.paths):
        who = "this installation" if key.own else key.name or "(no name given)"
        since = f"  trusted {key.trusted_at}" if key.trusted_at else ""
        print(printable(f"{key.fingerprint}  {who}{since}"))
    return 0


def run_trust(args: argparse.Namespace, context: CommandContext) -> int:
    from app.integrity.signing import trust

    key = trust(context.paths, args.fingerprint, args.name)
    print(f"Bundles signed with the key {key.fingerprint} are now accepted.")
    return 0
