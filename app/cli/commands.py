"""The sub-commands, one module each.  A module defines ``register(subparsers, common)``, which
adds its parser and sets ``handler`` to a function ``(args, context) -> int``.

Command modules import the heavy parts of the core inside their handlers, so that parsing the
command line (and ``--version``) stays instant.
"""

COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.list_cmd",
    "app.cli.seed_cmd",
    "app.cli.backup_cmd",
    "app.cli.verify_cmd",
    "app.cli.case_cmd",
    "app.cli.finalise_cmd",
    "app.cli.scripts_cmd",
    "app.cli.import_cmd",
    "app.cli.export_cmd",
)
