"""Which column holds what: header names normalised and matched against known synonyms.

MIS exports name the same thing differently ("Legal Surname" in SIMS, "Last Name" in others,
"Candidate No." or "Exam Candidate Number").  The guess is only a starting point: the caller
may map any field to any column, and ``problems`` says what is still missing or contradictory.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


class Field(enum.StrEnum):
    SURNAME = "surname"
    FORENAME = "forename"
    FULL_NAME = "full_name"
    CANDIDATE_NUMBER = "candidate_number"
    UPN = "upn"
    REG_GROUP = "reg_group"
    YEAR_GROUP = "year_group"


LABELS: Mapping[Field, str] = {
    Field.SURNAME: "Surname",
    Field.FORENAME: "Forename",
    Field.FULL_NAME: "Name (Surname, Forename)",
    Field.CANDIDATE_NUMBER: "Candidate number",
    Field.UPN: "UPN",
    Field.REG_GROUP: "Registration group",
    Field.YEAR_GROUP: "Year group",
}

# In order of preference: legal names before plain ones, because exam entries use legal names.
# Preferred names are deliberately absent; a teacher who wants them maps them by hand.
SYNONYMS: Mapping[Field, tuple[str, ...]] = {
    Field.SURNAME: (
        "legal surname",
        "legal last name",
        "legal family name",
        "surname",
        "last name",
        "lastname",
        "family name",
        "student surname",
        "pupil surname",
        "candidate surname",
    ),
    Field.FORENAME: (
        "legal forename",
        "legal first name",
        "legal given name",
        "forename",
        "forenames",
        "first name",
        "firstname",
        "given name",
        "given names",
        "student forename",
        "pupil forename",
        "candidate forename",
    ),
    Field.FULL_NAME: (
        "legal name",
        "name",
        "full name",
        "student name",
        "pupil name",
        "candidate name",
        "student",
        "pupil",
    ),
    Field.CANDIDATE_NUMBER: (
        "candidate no",
        "candidate number",
        "candidate num",
        "cand no",
        "cand number",
        "exam candidate number",
        "exam candidate no",
        "exam number",
        "exam no",
    ),
    Field.UPN: ("upn", "unique pupil number", "pupil upn", "student upn"),
    Field.REG_GROUP: (
        "reg group",
        "registration group",
        "reg",
        "reg form",
        "registration form",
        "form",
        "form group",
        "tutor group",
    ),
    Field.YEAR_GROUP: (
        "year",
        "year group",
        "nc year",
        "curriculum year",
        "national curriculum year",
        "yr",
    ),
}

_NON_WORD = re.compile(r"[^\w]+")


def normalise(header: str) -> str:
    """Case, accents, punctuation and spacing folded: " Candidate No. " -> "candidate no"."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", plain.replace("_", " ")).split())


def column_name(index: int) -> str:
    """The spreadsheet letter of a zero-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class ColumnMapping:
    """Fields mapped to zero-based column indexes of ``headers``."""

    headers: tuple[str, ...]
    columns: Mapping[Field, int] = field(default_factory=dict)

    def column_of(self, target: Field) -> int | None:
        return self.columns.get(target)

    def header_of(self, target: Field) -> str | None:
        index = self.columns.get(target)
        return None if index is None else self.describe(index)

    def describe(self, index: int) -> str:
        """How to name a column to a teacher: its heading, or its letter when it has none."""
        heading = self.headers[index].strip()
        return heading or f"column {column_name(index)}"

    def with_column(self, target: Field, index: int | None) -> ColumnMapping:
        """A copy with ``target`` mapped to column ``index`` (or to nothing)."""
        if index is not None and not 0 <= index < len(self.headers):
            raise ValueError(f"column {index} is not in the file")
        columns = {f: i for f, i in self.columns.items() if f is not target}
        if index is not None:
            columns[target] = index
        return ColumnMapping(headers=self.headers, columns=columns)

    def unmapped(self) -> list[str]:
        """Headings of the columns no field uses (they are ignored on import)."""
        used = set(self.columns.values())
        return [self.describe(i) for i in range(len(self.headers)) if i not in used]

    def problems(self) -> list[str]:
        """Why this mapping cannot be imported; empty when it can."""
        found: list[str] = []
        has = self.columns.__contains__
        if has(Field.FULL_NAME):
            if has(Field.SURNAME) or has(Field.FORENAME):
                found.append(
                    "Choose either separate Surname and Forename columns or one Name column, "
                    "not both."
                )
        else:
            for required in (Field.SURNAME, Field.FORENAME):
                if not has(required):
                    found.append(f"No column is chosen for {LABELS[required]}; it is required.")
        if not (has(Field.CANDIDATE_NUMBER) or has(Field.UPN)):
            found.append(
                "No column is chosen for Candidate number or UPN; one of them is needed to "
                "match students already in OwnWork."
            )
        by_column: dict[int, list[Field]] = {}
        for target, index in self.columns.items():
            by_column.setdefault(index, []).append(target)
        for index, targets in sorted(by_column.items()):
            if len(targets) > 1:
                names = " and ".join(LABELS[t] for t in sorted(targets, key=list(Field).index))
                found.append(f'The column "{self.describe(index)}" is chosen for both {names}.')
        return found

    def as_dict(self) -> dict[str, str | None]:
        return {f.value: self.header_of(f) for f in Field}


def guess_mapping(headers: Sequence[str]) -> ColumnMapping:
    """The likeliest mapping: each field takes its most preferred synonym among the headings."""
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        positions.setdefault(normalise(header), []).append(index)
    columns: dict[Field, int] = {}
    taken: set[int] = set()
    for target in Field:
        if target is Field.FULL_NAME and (Field.SURNAME in columns or Field.FORENAME in columns):
            continue
        for synonym in SYNONYMS[target]:
            free = [i for i in positions.get(synonym, ()) if i not in taken]
            if free:
                columns[target] = free[0]
                taken.add(free[0])
                break
    return ColumnMapping(headers=tuple(headers), columns=columns)


def mapped_count(headers: Sequence[str]) -> int:
    """How many fields a row of headings would map: used to find the heading row."""
    return len(guess_mapping(headers).columns)
