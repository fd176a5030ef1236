"""The Alembic migrations are the schema: they must match the models, and the start-up shortcut
(comparing ``HEAD_REVISION`` without importing Alembic) must name the real head."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.storage import migrate
from app.storage.database import Database
from app.storage.models import SERVER_ONLY_INDEXES, Base


def test_head_revision_constant_matches_the_migrations() -> None:
    config = Config()
    config.set_main_option("script_location", migrate.script_location())
    script = ScriptDirectory.from_config(config)
    assert script.get_current_head() == migrate.HEAD_REVISION
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(ordered) == migrate.KNOWN_REVISIONS


@pytest.mark.both_stores
def test_migrated_schema_matches_the_models(store: Database, store_kind: str) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    unmodelled = [
        d for d in differences if d[0] == "remove_index" and d[1].name in SERVER_ONLY_INDEXES
    ]
    assert differences == unmodelled
    if store_kind == "postgresql":  # pg_trgm is trusted: the test server's owner creates it
        assert {d[1].name for d in unmodelled} == SERVER_ONLY_INDEXES
