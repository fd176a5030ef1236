"""Schema upgrades through Alembic, run at start-up.

Alembic costs a quarter of a second to import, so start-up first compares the stored revision
with ``HEAD_REVISION`` using plain SQL and imports Alembic only when they differ.
"""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from app.storage.revisions import HEAD_REVISION, KNOWN_REVISIONS

__all__ = ["HEAD_REVISION", "KNOWN_REVISIONS", "current_revision", "script_location", "upgrade"]


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
