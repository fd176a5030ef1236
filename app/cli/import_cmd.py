"""``ownwork import-students FILE.csv [--dry-run] [--json] [--map FIELD=COLUMN ...]``.

Prints the column mapping it used, what the import would do (new, updated, unchanged) and every
error as ``row N: message``.  Any error means nothing is imported and the exit status is 1;
``--dry-run`` never writes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError

if TYPE_CHECKING:
    from app.mis_import.apply import ImportResult
    from app.mis_import.headers import ColumnMapping
    from app.mis_import.plan import ImportPlan

FIELD_NAMES = (
    "surname",
    "forename",
    "full_name",
    "candidate_number",
    "upn",
    "reg_group",
    "year_group",
)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "import-students",
        summary="import students from an MIS export (CSV)",
        description="Import students from a CSV file exported from SIMS, Arbor, Bromcom or a "
        "spreadsheet. Students already held are matched by candidate number, else by UPN, and "
        "updated. If any row has an error, nothing is imported.",
        handler=run,
        writes=True,
    )
    parser.add_argument("file", metavar="FILE.csv", type=Path)
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would happen; change nothing"
    )
    parser.add_argument("--json", action="store_true", help="print JSON for programs")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="use COLUMN (a heading, or a letter such as C) for FIELD, overriding the guess; "
        f"FIELD is one of {', '.join(FIELD_NAMES)}; an empty COLUMN maps nothing. Repeatable.",
    )


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from app.cli.output import dumps
    from app.mis_import.headers import guess_mapping
    from app.mis_import.plan import read_source
    from app.services import imports

    source = read_source(args.file)
    mapping = guess_mapping(source.headers)
    for override in args.map:
        mapping = _override(mapping, override)
    plan = imports.plan_student_import(context.principal, context.store, source, mapping)
    result = None
    if not plan.has_errors and not args.dry_run:
        result = imports.import_students(context.principal, context.store, plan).value
    if args.json:
        print(dumps(_report(plan, result, dry_run=args.dry_run)))
    else:
        print(_text(plan, result, dry_run=args.dry_run))
    if plan.has_errors:
        count = len(plan.errors())
        raise OwnWorkError(
            f"{count} error{'s' if count != 1 else ''} in {plan.source.name}; nothing was imported."
        )
    return 0


def _override(mapping: ColumnMapping, text: str) -> ColumnMapping:
    from app.mis_import.headers import Field, column_name, normalise

    name, equals, column = text.partition("=")
    if not equals or name.strip() not in FIELD_NAMES:
        raise OwnWorkError(
            f'--map "{text}" is not FIELD=COLUMN with FIELD one of {", ".join(FIELD_NAMES)}.'
        )
    target = Field(name.strip())
    wanted = column.strip()
    if not wanted:
        return mapping.with_column(target, None)
    headings = [normalise(h) for h in mapping.headers]
    letters = [column_name(i) for i in range(len(mapping.headers))]
    if normalise(wanted) in headings:
        return mapping.with_column(target, headings.index(normalise(wanted)))
    if wanted.upper() in letters:
        return mapping.with_column(target, letters.index(wanted.upper()))
    raise OwnWorkError(f'--map: the file has no column "{wanted}".')


def _text(plan: ImportPlan, result: ImportResult | None, *, dry_run: bool) -> str:
    from app.mis_import.headers import LABELS, Field

    source = plan.source
    counts = plan.counts()
    lines = [
        f"{source.name}: read as {source.encoding}, {source.delimiter_name}-separated, "
        f"headings on row {source.header_row}, {counts.total} student rows.",
        "Columns used:",
    ]
    width = max(len(label) for label in LABELS.values())
    for target in Field:
        heading = plan.mapping.header_of(target)
        if target is Field.FULL_NAME and heading is None:
            continue  # only worth a line when the file has one name column
        lines.append(f"  {LABELS[target]:<{width}}  {heading or '(none)'}")
    unused = plan.mapping.unmapped()
    if unused:
        lines.append(f"Columns not used: {', '.join(unused)}")
    lines.append(
        f"New: {counts.new}, updated: {counts.update}, unchanged: {counts.unchanged}, "
        f"rows with errors: {counts.error}"
    )
    lines += [str(error) for error in plan.errors()]
    if result is not None:
        lines.append(f"Imported: {result}.")
    elif dry_run and not plan.has_errors:
        lines.append("Dry run: nothing was imported.")
    return "\n".join(lines)


def _report(plan: ImportPlan, result: ImportResult | None, *, dry_run: bool) -> dict[str, Any]:
    source = plan.source
    counts = plan.counts()
    return {
        "file": source.name,
        "encoding": source.encoding,
        "delimiter": source.delimiter,
        "header_row": source.header_row,
        "mapping": plan.mapping.as_dict(),
        "unused_columns": plan.mapping.unmapped(),
        "counts": {
            "new": counts.new,
            "updated": counts.update,
            "unchanged": counts.unchanged,
            "errors": counts.error,
        },
        "errors": [{"row": e.row, "message": e.message} for e in plan.errors()],
        "rows": [
            {
                "row": r.row,
                "action": r.action,
                "student_id": r.existing.id if r.existing else None,
                "changes": list(r.changes),
                "errors": list(r.errors),
            }
            for r in plan.rows
        ],
        "dry_run": dry_run,
        "imported": result is not None,
    }
