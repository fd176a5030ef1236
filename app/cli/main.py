"""Entry point of ``ownwork``: parse, dispatch, and turn every failure into one clear line."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from app.errors import OwnWorkError
from app.paths import DATA_DIR_ENV, DATABASE_URL_ENV, keep_private, resolve_paths

log = logging.getLogger(__name__)

# Commands about the data folder's database file itself, which a server store does not have.
PERSONAL_STORE_ONLY = frozenset({"backup", "restore"})

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNEXPECTED = 70


class _VersionAction(argparse.Action):
    """``--version``, reading the version only when asked (see app/version.py)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from app.version import version

        print(f"OwnWork {version()}")
        parser.exit()


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option given before the command is not reset by the sub-parser's default.
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"folder holding the database (default: ${DATA_DIR_ENV} or the "
        "platform's user data folder)",
    )
    common.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="the school's server instead of the data folder's own database, e.g. "
        "postgresql://LOGIN@HOST/ownwork?sslrootcert=school-ca.pem (default: "
        f"${DATABASE_URL_ENV}); the data folder still holds the log and settings",
    )
    return common


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="ownwork",
        parents=[common],
        description="Records of coursework authenticity conversations. "
        "Without a command, opens the application window.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--smoke",
        nargs="?",
        const="painted",
        choices=("painted", "listed"),
        help="open the main window, wait for its first paint (or, with --smoke=listed, for "
        "the records listed in it), and exit",
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from app.cli.commands import COMMAND_MODULES

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers, common)
    return parser


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Opening the window, the common case, is told apart without importing every command's
    module (a tenth of the window's start-up); anything else gets the whole parser."""
    given = list(sys.argv[1:] if argv is None else argv)
    if not {"-h", "--help"} & set(given):
        window, rest = build_parser(with_commands=False).parse_known_args(given)
        if not rest:
            return window
    return build_parser().parse_args(given)


def main(argv: Sequence[str] | None = None) -> int:
    keep_private()
    args = parse_arguments(argv)
    paths = resolve_paths(getattr(args, "data_dir", None))
    from app import logs

    logs.configure(paths)
    if args.command is None:
        # The window is not part of the core: the composition root registers it
        # (app/cli/window.py).  The storage layer is loaded once it is on screen.
        from app.cli.window import window_opener

        try:
            opener = window_opener()
        except OwnWorkError as error:
            print(f"ownwork: {error}", file=sys.stderr)
            return EXIT_FAILED
        url = getattr(args, "database_url", None) or os.environ.get(DATABASE_URL_ENV) or None
        return opener(paths, smoke=args.smoke, database_url=url)

    from app.cli.context import CommandContext

    database_url = getattr(args, "database_url", None) or os.environ.get(DATABASE_URL_ENV) or None
    context = CommandContext(paths, database_url=database_url)
    try:
        if database_url is not None and args.command in PERSONAL_STORE_ONLY:
            raise OwnWorkError(
                f"`ownwork {args.command}` copies the data folder's own database file; the "
                "school's server is backed up and restored with its own tools (pg_dump, "
                "pg_restore), then checked with `ownwork verify --database-url …`."
            )
        from app.cli.commands import command_writes

        # On the school's server many staff write at once (the server keeps them apart): the
        # data folder's writer lock guards the personal store only.
        if database_url is None and command_writes(args) and not getattr(args, "dry_run", False):
            context.hold_writer_lock()
        result: int = args.handler(args, context)
        return result
    except OwnWorkError as error:
        from app.cli.output import printable

        # A message can quote a file's content (a name in a CSV); never a terminal escape.
        print(f"ownwork: {printable(str(error))}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # Output piped into `head` and cut short: not an error worth a message.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the flush at exit
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("ownwork: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        log.exception("unexpected error in %s", args.command)
        print(
            f"ownwork: unexpected error ({type(error).__name__}: {error}); "
            f"details in {paths.log_file}",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED
    finally:
        context.close()


if __name__ == "__main__":
    sys.exit(main())
