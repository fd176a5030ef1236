"""Shared fixtures: every test gets its own empty data folder; Qt runs offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Signing keys made by tests live in each test's data folder, never in the developer's own
# keyring (app/integrity/signing.py falls back to the folder when there is no keyring).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.records import (
    ConversationDraft,
    StaffDraft,
    StudentDraft,
    SubmissionDraft,
)
from app.paths import AppPaths, resolve_paths
from app.storage import conversations, staff, students, submissions
from app.storage.database import Database, open_store, open_url
from tests.pg_server import (  # noqa: F401 - fixtures
    PgServer,
    drop_database,
    fresh_database,
    pg_server,
    tls_pg_server,
)

pytest_plugins = ["pytester", "tests.ci_rules", "tests.logfail"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_stores: run the test on the personal SQLite store and on a PostgreSQL server",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_stores`` that use ``store`` run once on each kind of store."""
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_stores"
    ):
        metafunc.parametrize("store_kind", ["sqlite", "postgresql"])


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may ever touch the real user's data folder."""
    monkeypatch.setenv("OWNWORK_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return resolve_paths(tmp_path / "data")


@pytest.fixture
def store_kind() -> str:
    return "sqlite"


@pytest.fixture
def store(paths: AppPaths, store_kind: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    if store_kind == "sqlite":
        database = open_store(paths, actor="test teacher")
        yield database
        database.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = fresh_database(server)
    # On a server the login is the actor, whatever is asked for (open_url asks the server).
    database = open_url(server.url(name), actor="test teacher")
    yield database
    _settle_background_reads()
    database.dispose()
    drop_database(server, name)


def _settle_background_reads() -> None:
    """Let a window's reads still running on the runner's threads (a list's count asked for
    just before the test ended) finish before their database is dropped under them."""
    import sys

    operation = sys.modules.get("ui.operation")
    if operation is not None and operation.Runner._instance is not None:
        operation.Runner._instance.wait(10)


@pytest.fixture
def conversation_id(store: Database) -> int:
    """One student, one signed submission, one planned conversation; returns its id."""
    with store.transaction() as session:
        student = students.create(
            session,
            StudentDraft(
                surname="Nguyễn",
                forename="Thị Mai",
                candidate_number="0423",
                upn="A123456789012",
                reg_group="11B",
                year_group=11,
            ),
        )
        lead = staff.create(session, StaffDraft(name="Ms Okafor"))
        submission = submissions.create(
            session,
            SubmissionDraft(
                student_id=student.id,
                awarding_body="AQA",
                qualification="GCSE History",
                component_code="8145/NEA",
                title="Castles of the Welsh Marches",
                exam_series="June 2027",
                handed_in_on=dt.date(2026, 10, 1),
                declaration_signed=True,
                declaration_signed_on=dt.date(2026, 10, 1),
            ),
        )
        conversation = conversations.create(
            session,
            ConversationDraft(
                submission_id=submission.id,
                held_at=dt.datetime(2026, 10, 8, 9, 30, tzinfo=dt.UTC),
                led_by_id=lead.id,
            ),
        )
    return conversation.id
