"""``ownwork scripts``: check script files and list the scripts the app offers.

``validate`` needs no data folder, so a head of department can check a file before sharing it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from app.cli.commands import add_command
from app.cli.context import CommandContext

if TYPE_CHECKING:
    from app.scripts.library import ScriptEntry


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "scripts",
        summary="check interview script files, or list the scripts available",
        description="Interview scripts: check files and list what is available.",
    )
    actions = parser.add_subparsers(dest="scripts_action", metavar="ACTION", required=True)

    validate = add_command(
        actions,
        common,
        "validate",
        summary="check script files; exit status 0 only if every file is a valid script",
        description="Check interview script files. Problems are printed one per line as "
        "FILE:LINE: FIELD: MESSAGE.",
        handler=run_validate,
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="a script file (YAML)")

    listing = add_command(
        actions,
        common,
        "list",
        summary="list the built-in scripts and your own",
        description="List the built-in interview scripts and those in the data folder.",
        handler=run_list,
    )
    listing.add_argument("--json", action="store_true", help="print the list as JSON")


def run_validate(args: argparse.Namespace, context: CommandContext) -> int:
    from app.scripts.loader import load_script_file
    from app.scripts.problems import ScriptError

    all_valid = True
    for name in args.files:
        try:
            script = load_script_file(name)
        except ScriptError as error:
            all_valid = False
            for problem in error.problems:
                print(problem, file=sys.stderr)
            continue
        print(
            f"{name}: ok ({_count(len(script.sections), 'section')}, "
            f"{_count(script.question_count, 'question')})"
        )
    return 0 if all_valid else 1


def run_list(args: argparse.Namespace, context: CommandContext) -> int:
    from app.scripts.library import ScriptLibrary

    entries = ScriptLibrary(context.paths).list()
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("No scripts found.")
        return 0
    width = max(len(entry.id) for entry in entries)
    for entry in entries:
        origin = "built-in" if entry.bundled else "own"
        if entry.script is None:
            problems = len(entry.error.problems) if entry.error else 0
            print(
                f"{entry.id:<{width}}  {origin:<8}  cannot be used "
                f"({_count(problems, 'problem')}; see 'ownwork scripts validate {entry.path}')"
            )
            continue
        script = entry.script
        print(
            f"{entry.id:<{width}}  {origin:<8}  v{script.version:<3} {script.title} "
            f"({_count(script.question_count, 'question')})"
        )
    return 0


def _entry_json(entry: ScriptEntry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": entry.id,
        "source": "bundled" if entry.bundled else "user",
        "path": str(entry.path) if entry.path else None,
        "ok": entry.ok,
    }
    if entry.script is not None:
        script = entry.script
        data.update(
            title=script.title,
            subject=script.subject,
            version=script.version,
            sections=len(script.sections),
            questions=script.question_count,
        )
    elif entry.error is not None:
        data["problems"] = [str(problem) for problem in entry.error.problems]
    return data


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
