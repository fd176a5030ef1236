"""Every use case checks its principal before it touches anything, and the longer operations
that open their own transactions still write the principal's name in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.list_query import ListQuery
from app.domain.principal import Principal, Role
from app.domain.referral import StatementKind
from app.errors import PermissionDenied
from app.paths import AppPaths
from app.services import documents, imports, integrity, moving_in, records
from app.services import store as store_services
from app.storage import audit
from app.storage.database import Database
from app.storage.models import AuditRow

NOBODY = Principal("visitor", frozenset())
TEACHER = Principal("j.okafor", frozenset({Role.TEACHER}))

UseCase = Callable[[Principal, Database, AppPaths, Path], Any]

USE_CASES: dict[str, UseCase] = {
    "list students": lambda p, db, _, __: records.list_students(p, db, ListQuery()),
    "finalise": lambda p, db, _, __: integrity.finalise(p, db, 1),
    "amend": lambda p, db, _, __: integrity.amend(p, db, 1, path="x", new_value="y", reason="z"),
    "attach": lambda p, db, paths, tmp: integrity.attach(p, db, paths, tmp / "f", kind="other"),
    "timeline": lambda p, db, _, __: integrity.timeline_for_student(p, db, 1),
    "export case": lambda p, db, paths, tmp: integrity.export_case(p, db, paths, 1, tmp / "c"),
    "import case": lambda p, db, paths, tmp: integrity.import_case(p, db, paths, tmp / "c"),
    "verify": lambda p, db, paths, _: integrity.verify(p, db, paths),
    "view evidence": lambda p, db, paths, _: integrity.viewing_copy(p, db, paths, None),  # type: ignore[arg-type]
    "move a personal store in": lambda p, db, paths, tmp: moving_in.import_personal(
        p, db, paths, paths
    ),
    "printed": lambda p, db, _, __: documents.printed(p, db, 1),
    "statement": lambda p, db, _, __: documents.add_statement(
        p,
        db,
        1,
        kind=StatementKind.STAFF,
        author="A",
        text="t",
        given_on=None,  # type: ignore[arg-type]
    ),
    "plan import": lambda p, db, _, __: imports.plan_student_import(p, db, None, None),  # type: ignore[arg-type]
    "backup": lambda p, _, paths, tmp: store_services.backup(p, paths, tmp / "b"),
    "restore": lambda p, _, paths, tmp: store_services.restore(p, paths, tmp / "b"),
    "seed": lambda p, db, paths, _: store_services.seed_demo(
        p, db, paths, students=1, conversations=0, seed=1
    ),
}


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_a_principal_without_roles_is_refused_before_anything_is_done(
    name: str, store: Database, paths: AppPaths, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        USE_CASES[name](NOBODY, store, paths, tmp_path)
    assert str(refused.value).startswith("visitor may not ")
    with store.transaction() as session:
        assert audit.anchor(session).position == 0  # nothing written


def test_a_teacher_may_not_restore_or_import_students(
    store: Database, paths: AppPaths, tmp_path: Path
) -> None:
    for name in ("restore", "plan import", "seed", "import case"):
        with pytest.raises(PermissionDenied, match=r"^j\.okafor may not "):
            USE_CASES[name](TEACHER, store, paths, tmp_path)


def test_seeding_writes_the_principals_name_in_the_audit_log(
    store: Database, paths: AppPaths
) -> None:
    admin = Principal("it.support", frozenset(Role))
    outcome = store_services.seed_demo(admin, store, paths, students=2, conversations=1, seed=3)
    summary, _ = outcome.value
    assert summary.students == 2 and "student" in outcome.changes
    with store.transaction() as session:
        actors = set(session.scalars(select(AuditRow.actor)))
    assert actors == {"it.support"}
