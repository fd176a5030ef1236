"""``ownwork server add-staff`` and ``ownwork server staff list|set-roles|disable``: IT's
commands for the staff's accounts on the school's server.

Each takes the server's URL with IT's own login (``--database-url`` or
``OWNWORK_DATABASE_URL``); the use cases are in ``app/services/staff_accounts.py``.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.domain.principal import Role

_ROLE_NAMES = ", ".join(role.value for role in Role)


def _role_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=required,
        choices=[role.value for role in Role],
        metavar="ROLE",
        help="a role the member of staff holds (again for each further role"
        + ("" if required else "; default: teacher")
        + f"): {_ROLE_NAMES}",
    )
    parser.add_argument(
        "--department",
        dest="departments",
        action="append",
        default=[],
        metavar="NAME",
        help="a department they teach in, or head as head of department (again for each)",
    )


def register_server_subcommands(actions: Any, common: argparse.ArgumentParser) -> None:
    add_staff = add_command(
        actions,
        common,
        "add-staff",
        summary="make a login for a member of staff (password read from standard input)",
        description="Create a PostgreSQL login for one member of staff, a member of the "
        "group role of each role they hold, with the password given on standard input (one "
        "line; only its SCRAM verifier is sent to the server), and their staff record in "
        "OwnWork tied to it.",
        handler=run_add_staff,
    )
    add_staff.add_argument("login", metavar="LOGIN")
    add_staff.add_argument("--name", default="", help="their full name as records show it")
    _role_options(add_staff, required=False)
    add_staff.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (never from the command line)",
    )
    staff = add_command(
        actions,
        common,
        "staff",
        summary="list the staff's logins, change their roles, disable one",
        description="IT's management of the staff's accounts on the school's server.",
    )
    staff_actions = staff.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    listing = add_command(
        staff_actions,
        common,
        "list",
        summary="every member of staff's login, roles, departments and state",
        description="List every login in one of OwnWork's roles with the member of staff "
        "tied to it, their roles and departments, and whether it may sign in.",
        handler=run_list,
    )
    listing.add_argument("--json", action="store_true", help="print JSON for programs")
    set_roles = add_command(
        staff_actions,
        common,
        "set-roles",
        summary="make these the roles (and departments) of a member of staff",
        description="Give the login exactly the roles named (and the departments named), "
        "taking away any other.",
        handler=run_set_roles,
    )
    set_roles.add_argument("login", metavar="LOGIN")
    _role_options(set_roles, required=True)
    disable = add_command(
        staff_actions,
        common,
        "disable",
        summary="stop a login signing in (their records stay)",
        description="The login may no longer connect and their staff record is marked no "
        "longer in use; every record they made or led stays.",
        handler=run_disable,
    )
    disable.add_argument("login", metavar="LOGIN")


def _url(context: CommandContext) -> str:
    from app.cli.server_cmd import server_url

    return server_url(context)


def _held(args: argparse.Namespace) -> frozenset[Role]:
    return frozenset(Role(value) for value in args.roles or [Role.TEACHER.value])


def run_add_staff(args: argparse.Namespace, context: CommandContext) -> int:
    import sys

    from app.services import staff_accounts

    password = sys.stdin.readline().rstrip("\r\n")
    where = staff_accounts.add_staff(
        context.caller,
        _url(context),
        args.login,
        password,
        _held(args),
        name=args.name,
        departments=tuple(args.departments),
    )
    print(f"The login {args.login} can now use OwnWork on {where}.")
    return 0


def run_list(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps
    from app.services import staff_accounts

    found = staff_accounts.accounts(context.caller, _url(context))
    if args.json:
        print(
            dumps(
                [
                    {
                        "login": account.login,
                        "name": account.name,
                        "roles": [role.value for role in account.roles],
                        "departments": list(account.departments),
                        "heads": list(account.heads),
                        "active": account.active,
                        "can_sign_in": account.can_sign_in,
                    }
                    for account in found
                ]
            )
        )
        return 0
    if not found:
        print("No member of staff has a login yet (add one with `ownwork server add-staff`).")
    for account in found:
        state = "" if account.can_sign_in and account.active else "  (disabled)"
        departments = [
            f"{name} (head)" if name in account.heads else name for name in account.departments
        ]
        where = f"; {', '.join(departments)}" if departments else ""
        roles = ", ".join(role.value for role in account.roles) or "no role"
        print(f"{account.login:<20} {account.name or '(no staff record)'}: {roles}{where}{state}")
    return 0


def run_set_roles(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import staff_accounts

    held = _held(args)
    where = staff_accounts.set_roles(
        context.caller, _url(context), args.login, held, tuple(args.departments)
    )
    roles = ", ".join(role.value for role in Role if role in held)
    print(f"The login {args.login} on {where} now holds: {roles}.")
    return 0


def run_disable(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import staff_accounts

    where = staff_accounts.disable(context.caller, _url(context), args.login)
    print(f"The login {args.login} can no longer sign in to {where}; their records stay.")
    return 0
