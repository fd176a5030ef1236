"""Use cases of importing students from the school's MIS: plan (read and check every row,
change nothing), then apply the whole plan or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.principal import Principal, Role
from app.services.base import STUDENT, SUBMISSION, Changes, Outcome, require

if TYPE_CHECKING:
    from app.mis_import.apply import ImportResult
    from app.mis_import.headers import ColumnMapping
    from app.mis_import.plan import ImportPlan, Source
    from app.storage.database import Database


def plan_student_import(
    principal: Principal,
    database: Database,
    source: Source,
    mapping: ColumnMapping | None,
    *,
    remove_hidden: bool = False,
) -> ImportPlan:
    """``remove_hidden``: the teacher agreed to import names without their invisible or
    direction-changing characters (the import dialog asks; the CLI refuses them)."""
    require(principal, Role.IT_ADMIN, "import students")
    from app.mis_import.plan import build_plan

    return build_plan(
        database.acting_as(principal.name), source, mapping, remove_hidden=remove_hidden
    )


def import_students(
    principal: Principal, database: Database, plan: ImportPlan
) -> Outcome[ImportResult]:
    require(principal, Role.IT_ADMIN, "import students")
    from app.mis_import.apply import apply_plan

    result = apply_plan(database.acting_as(principal.name), plan)
    # Renamed students are found by their submissions' lists under the new name.
    return Outcome(result, Changes.of(STUDENT) | Changes.of(SUBMISSION))
