"""Migration 0006 on a server where OwnWork's login may not create ``pg_trgm``: the migration goes
on without the trigram indexes (search reads the keys instead) and says so in the log."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine, text

from app.storage import migrate
from tests.pg_server import PASSWORD, SUPERUSER, PgServer, drop_database, fresh_database

VERSIONS = Path(migrate.__file__).with_name("migrations") / "versions"
LIMITED = "ownwork_no_extensions"


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "m0006", VERSIONS / "0006_versions_and_trigrams.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def without_extension(pg_server: PgServer) -> Iterator[str]:
    """A database (owned by the test superuser) without pg_trgm, and a login that may use it
    but not create anything in it; that login's URL."""
    name = fresh_database(pg_server)
    owner = create_engine(pg_server.url(name), isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(text("DROP EXTENSION pg_trgm CASCADE"))
        connection.execute(text(f"DROP ROLE IF EXISTS {LIMITED}"))
        connection.execute(text(f"CREATE ROLE {LIMITED} LOGIN PASSWORD '{PASSWORD}'"))
        connection.execute(text(f'REVOKE CREATE ON DATABASE "{name}" FROM PUBLIC'))
        connection.execute(text(f'GRANT CONNECT ON DATABASE "{name}" TO {LIMITED}'))
        connection.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {LIMITED}"))
        connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {LIMITED}"))
    owner.dispose()
    yield pg_server.url(name).replace(f"{SUPERUSER}:", f"{LIMITED}:", 1)
    drop_database(pg_server, name)
    admin = pg_server.admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f"DROP ROLE IF EXISTS {LIMITED}"))
    admin.dispose()


@pytest.mark.expect_log("pg_trgm")
def test_without_the_right_to_create_pg_trgm_the_migration_goes_on_without_the_indexes(
    without_extension: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(without_extension)
    with engine.begin() as connection:
        made = _migration().create_trigram_indexes(connection)
        # The savepoint kept the transaction usable: the rest of the migration still runs.
        assert connection.execute(text("SELECT count(*) FROM students")).scalar() == 0
        indexes = connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")
        ).all()
    engine.dispose()
    assert made is False
    assert indexes == []
    assert any("CREATE EXTENSION pg_trgm" in record.getMessage() for record in caplog.records)
