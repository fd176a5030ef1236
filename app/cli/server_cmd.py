"""``ownwork server init|upgrade|check``: IT's commands for the school's PostgreSQL
server.

Each takes the server's URL with an owner or superuser login (``--database-url`` or
``OWNWORK_DATABASE_URL``) and ``--json``; the use cases are in ``app/services/server.py``.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import import_personal_cmd, staff_cmd
from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError

EXIT_PROBLEMS = 1


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "server",
        summary="set up, upgrade and check the school's PostgreSQL server (for IT)",
        description="IT's commands for the school's shared server. Give the server with "
        "--database-url postgresql://LOGIN@HOST/DATABASE?sslrootcert=CA-FILE (an owner or "
        "superuser login) or OWNWORK_DATABASE_URL.",
    )
    actions = parser.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    for name, summary, description, handler in (
        (
            "init",
            "create the database, roles, schema and grants (idempotent)",
            "Create the database if missing, the group roles ownwork_owner (owns the schema) "
            "and ownwork_staff (staff logins), bring the schema to this version and grant "
            "staff SELECT and INSERT only on the append-only tables. Running it again changes "
            "nothing and says so.",
            run_init,
        ),
        (
            "upgrade",
            "run the schema's pending migrations",
            "Bring the schema to this version of OwnWork, refused while an older OwnWork is "
            "connected to the database; then renew the grants.",
            run_upgrade,
        ),
        (
            "check",
            "report connection, TLS, version, schema, privileges, triggers and audit chain",
            "Check the connection and its TLS, the server's version (15 or newer), the "
            "schema's revision, the roles and that no staff role may change history, the "
            "triggers, and the audit chain. Exits 0 only when nothing is a problem.",
            run_check,
        ),
    ):
        action = add_command(
            actions, common, name, summary=summary, description=description, handler=handler
        )
        action.add_argument("--json", action="store_true", help="print JSON for programs")
    import_personal_cmd.register_server_subcommand(actions, common)
    staff_cmd.register_server_subcommands(actions, common)


def server_url(context: CommandContext) -> str:
    if not context.database_url:
        raise OwnWorkError(
            "Which server? Give --database-url postgresql://LOGIN@HOST/DATABASE (or set "
            "OWNWORK_DATABASE_URL)."
        )
    return context.database_url


def _print_setup(args: argparse.Namespace, report: Any, verb: str) -> None:
    from app.cli.output import dumps

    if args.json:
        print(
            dumps(
                {
                    "server": report.where,
                    "already": report.already,
                    "done": list(report.done),
                    "revision": report.revision,
                }
            )
        )
        return
    if report.already:
        print(f"{report.where} is already {verb} (schema {report.revision}); nothing changed.")
        return
    for step in report.done:
        print(f"- {step}")
    print(f"{report.where} is {verb} (schema {report.revision}).")


def run_init(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import server

    _print_setup(args, server.init(context.caller, server_url(context)), "set up")
    return 0


def run_upgrade(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import server

    _print_setup(args, server.upgrade(context.caller, server_url(context)), "up to date")
    return 0


def run_check(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps
    from app.services import server

    report = server.check(context.caller, server_url(context), context.paths)
    if args.json:
        print(
            dumps(
                {
                    "server": report.where,
                    "ok": report.ok,
                    "checks": [
                        {"check": c.name, "status": c.status, "detail": c.detail}
                        for c in report.checks
                    ],
                }
            )
        )
    else:
        labels = {"ok": "ok", "warning": "WARNING", "problem": "PROBLEM"}
        for item in report.checks:
            print(f"{labels[item.status]:<8} {item.name:<11} {item.detail}")
        verdict = "no problems" if report.ok else "PROBLEMS found"
        print(f"{report.where}: {verdict}, {len(report.warnings)} warning(s).")
    return 0 if report.ok else EXIT_PROBLEMS
