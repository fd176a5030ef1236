"""Invisible and direction-changing characters in an import: named and refused, or removed only
when the teacher agrees (the import dialog asks; tests/test_import_dialog.py drives it)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.text import (
    describe_character,
    hidden_character,
    hidden_characters,
    remove_hidden_characters,
)
from app.mis_import.apply import ImportRefusedError, apply_plan
from app.mis_import.headers import Field
from app.mis_import.plan import HiddenCharacter, build_plan, source_from_bytes
from app.storage import students
from app.storage.database import Database
from app.storage.models import AuditRow

RLO, ZWSP, BOM = "\u202e", "\u200b", "\ufeff"
CSV = (
    "Surname,Forename,Candidate No\n"
    f"Smith{RLO}gnp.exe,Zo{ZWSP}ë,0001\n"
    f"Nguyễn,Thị{BOM} Mai,0002\n"
    "Jones,Ann,0003\n"
)


def test_the_characters_are_found_named_and_removed_leaving_every_letter() -> None:
    value = f"{RLO}Ødegård{ZWSP}{ZWSP} Thị Mai{BOM}\u2066x\u2069"
    assert hidden_characters(value) == [
        "U+202E RIGHT-TO-LEFT OVERRIDE",
        "U+200B ZERO WIDTH SPACE",
        "U+FEFF ZERO WIDTH NO-BREAK SPACE",
        "U+2066 LEFT-TO-RIGHT ISOLATE",
        "U+2069 POP DIRECTIONAL ISOLATE",
    ]
    assert hidden_character(value) == describe_character(RLO)
    assert remove_hidden_characters(value) == "Ødegård Thị Maix"
    # Right-to-left letters and the joiners some scripts need are not "hidden".
    assert hidden_characters("محمد\u200dکی") == []
    assert remove_hidden_characters("محمد\u200dکی") == "محمد\u200dکی"


def test_without_consent_each_cell_is_an_error_naming_its_character(store: Database) -> None:
    plan = build_plan(store, source_from_bytes(CSV.encode(), "students.csv"))
    assert [str(e) for e in plan.errors()] == [
        "row 2: Surname contains an invisible or direction-changing character "
        "(U+202E RIGHT-TO-LEFT OVERRIDE), which cannot be stored in a name; remove it and "
        "try again.",
        "row 2: Forename contains an invisible or direction-changing character "
        "(U+200B ZERO WIDTH SPACE), which cannot be stored in a name; remove it and try again.",
        "row 3: Forename contains an invisible or direction-changing character "
        "(U+FEFF ZERO WIDTH NO-BREAK SPACE), which cannot be stored in a name; remove it and "
        "try again.",
    ]
    assert plan.hidden() == [
        HiddenCharacter(2, Field.SURNAME, "U+202E RIGHT-TO-LEFT OVERRIDE"),
        HiddenCharacter(2, Field.FORENAME, "U+200B ZERO WIDTH SPACE"),
        HiddenCharacter(3, Field.FORENAME, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ]
    with pytest.raises(ImportRefusedError):
        apply_plan(store, plan)
    with store.transaction() as session:
        assert students.count(session) == 0


@pytest.mark.both_stores
def test_with_consent_the_values_are_imported_without_them_and_the_log_says_so(
    store: Database,
) -> None:
    plan = build_plan(store, source_from_bytes(CSV.encode(), "students.csv"), remove_hidden=True)
    assert not plan.has_errors and len(plan.hidden()) == 3
    apply_plan(store, plan)
    with store.transaction() as session:
        stored = [(s.surname, s.forename) for s in students.all_records(session)]
        entry = session.scalars(select(AuditRow).where(AuditRow.action == "import")).one()
    assert sorted(stored) == [("Jones", "Ann"), ("Nguyễn", "Thị Mai"), ("Smithgnp.exe", "Zoë")]
    assert json.loads(entry.changes_json)["invisible_characters_removed"] == 3
