"""Schema upgrades through Alembic, run at start-up.

Alembic costs a quarter of a second to import, so start-up first compares the stored revision
with ``HEAD_REVISION`` using plain SQL and imports Alembic only when they differ.
"""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

# Every revision this build knows, oldest first.  A database at a revision not listed here was
# written by a newer OwnWork and must not be touched.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003")
HEAD_REVISION = KNOWN_REVISIONS[-1]


def script_location() -> str:
    return str(files("app.storage") / "migrations")


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
