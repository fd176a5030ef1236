"""Committing an import plan: all of it in one transaction, or none of it.

A plan with any error is refused outright.  The student repository checks once more, inside the
transaction, that the store still matches the preview (another window may have changed a student
meanwhile); the new students are added and the changed ones updated through it, so every
student gets the same audit entry a hand-made change would, and one "import" entry sums it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.records import Student, StudentDraft
from app.errors import OwnWorkError, ValidationError
from app.mis_import.plan import Action, ImportPlan, PlannedRow

if TYPE_CHECKING:
    from app.storage.database import Database


class ImportRefusedError(OwnWorkError):
    """The plan has errors; nothing was written."""


class StaleImportError(OwnWorkError):
    """The store changed between preview and import; nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


def apply_plan(store: Database, plan: ImportPlan) -> ImportResult:
    """Write ``plan`` in one transaction; raises (having written nothing) if it cannot."""
    from app.storage import audit, students

    if plan.has_errors:
        count = len(plan.errors())
        raise ImportRefusedError(
            f"The file has {count} error{'s' if count != 1 else ''}, so nothing was imported. "
            "Correct the file (or the column choices) and try again."
        )
    new = [_draft(r) for r in plan.rows if r.action is Action.NEW]
    updates = [r for r in plan.rows if r.action is Action.UPDATE]
    result = ImportResult(
        created=len(new),
        updated=len(updates),
        unchanged=sum(1 for r in plan.rows if r.action is Action.UNCHANGED),
    )
    with store.transaction() as session:
        try:
            # Both refuse (so the transaction rolls back) if the store no longer matches the
            # preview: a number taken since, or a student changed since.
            students.create_many(session, new, checked=True)
            students.update_many(session, [(_existing(r), _draft(r)) for r in updates])
        except ValidationError as error:
            raise _stale("; ".join(error.field_errors.values())) from error
        audit.record(
            session,
            "import",
            "student",
            None,
            f"Imported students from {plan.source.name}: {result}",
            {
                "file": plan.source.name,
                "sha256": plan.source.sha256,
                "encoding": plan.source.encoding,
                "mapping": plan.mapping.as_dict(),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                # With the teacher's consent (the import dialog), characters that cannot be
                # seen were left out of the values stored: how many, for the record.
                **(
                    {"invisible_characters_removed": len(plan.hidden())}
                    if plan.remove_hidden and plan.hidden()
                    else {}
                ),
            },
        )
    return result


def _draft(row: PlannedRow) -> StudentDraft:
    assert row.draft is not None, "a row without errors always has a draft"
    return row.draft


def _existing(row: PlannedRow) -> Student:
    assert row.existing is not None, "an update always has the student it updates"
    return row.existing


def _stale(detail: str) -> StaleImportError:
    return StaleImportError(
        f"The students in OwnWork changed after the preview was made ({detail}). Nothing was "
        "imported; look at the preview again and import once more."
    )
