"""What an import would do, row by row, before anything is written.

An ``ImportPlan`` holds the file as read, the column mapping, the problems with the mapping or
the file as a whole, and one ``PlannedRow`` per student row: the record it would store, whether
that is a new student, an update or no change, and every error found in it.  Rows are numbered
as a spreadsheet numbers them, so "row 7" is row 7 when the teacher opens the file in Excel.

Matching: a row is the same student as a stored one when the candidate number matches, else when
the UPN matches.  On an update, an empty cell or an unmapped column keeps the stored value: an
export that leaves out UPNs must not wipe them.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from app.domain.records import Student, StudentDraft
from app.domain.text import (
    clean_line,
    hidden_character,
    hidden_characters,
    remove_hidden_characters,
)
from app.domain.validation import check_student, normalise_candidate_number
from app.errors import ValidationError
from app.mis_import.decoding import ImportFileError, decode, read_bytes
from app.mis_import.dialect import DELIMITER_NAMES, Record, Table, read_table
from app.mis_import.headers import LABELS, ColumnMapping, Field, guess_mapping, mapped_count

if TYPE_CHECKING:
    from app.storage.database import Database

# A heading row is looked for among the first records, after any title lines a report adds.
_HEADER_SEARCH = 10
# Full MIS exports run to a few hundred columns; far more means a wrong or damaged file.
MAX_COLUMNS = 1000
_YEAR = re.compile(r"(?:(?:nc|national curriculum)\s*)?(?:year|yr|y)?\s*0*(\d{1,2})")
_STUDENT_FIELDS = tuple(f.name for f in fields(StudentDraft))
_NAME_FIELDS = (Field.SURNAME, Field.FORENAME, Field.FULL_NAME)
_NO_VALUES: Mapping[Field, str] = MappingProxyType({})
_EXCEL_TEXT = re.compile(r'\s*="([^"]*)"\s*')


class Action(enum.StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Source:
    """A CSV file as read: its rows after the heading row, and how it was read."""

    name: str
    encoding: str
    sha256: str
    delimiter: str
    header_row: int
    headers: tuple[str, ...]
    table: Table = dataclasses.field(repr=False)

    def records(self) -> Iterator[Record]:
        """The records after the heading row, read from the text as they are wanted."""
        return (r for r in self.table if r.row > self.header_row)

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


@dataclass(frozen=True)
class RowError:
    """One error; ``row`` is None for a problem with the file or the mapping as a whole."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.row is None else f"row {self.row}: {self.message}"


@dataclass(frozen=True, slots=True)
class HiddenCharacter:
    """An invisible or direction-changing character in a cell (``character`` as "U+202E
    RIGHT-TO-LEFT OVERRIDE").  Refused as it is (the CLI names it in the row's error); the
    import dialog lists them and, with the teacher's consent, imports the values without them
    (``make_plan(..., remove_hidden=True)``)."""

    row: int
    field: Field
    character: str

    def __str__(self) -> str:
        return f"row {self.row}, {LABELS[self.field]}: {self.character}"


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """What one row would do.  ``values`` (the row's cells by field) is kept only for a row
    that could not be read into a ``draft``: a preview of a hundred thousand rows shows the
    draft's values and need not hold every cell twice."""

    row: int
    line: int
    values: Mapping[Field, str]
    draft: StudentDraft | None
    action: Action
    existing: Student | None = None
    changes: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    # Invisible characters found in the row's cells (removed if the plan ``remove_hidden``).
    hidden: tuple[HiddenCharacter, ...] = ()


@dataclass(frozen=True)
class Counts:
    new: int = 0
    update: int = 0
    unchanged: int = 0
    error: int = 0

    @property
    def total(self) -> int:
        return self.new + self.update + self.unchanged + self.error


@dataclass(frozen=True)
class ImportPlan:
    source: Source
    mapping: ColumnMapping
    problems: tuple[str, ...]
    rows: tuple[PlannedRow, ...]
    # The teacher agreed to import the values without their invisible characters.
    remove_hidden: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.problems) or any(r.errors for r in self.rows)

    def errors(self) -> list[RowError]:
        """File-wide problems first, then every row's errors in row order."""
        found = [RowError(None, p) for p in self.problems]
        found += [RowError(r.row, message) for r in self.rows for message in r.errors]
        return found

    def hidden(self) -> list[HiddenCharacter]:
        """Every invisible or direction-changing character in the file's cells, in row order."""
        return [found for r in self.rows for found in r.hidden]

    def counts(self) -> Counts:
        tally = Counter(r.action for r in self.rows)
        return Counts(
            new=tally[Action.NEW],
            update=tally[Action.UPDATE],
            unchanged=tally[Action.UNCHANGED],
            error=tally[Action.ERROR],
        )


def read_source(path: Path) -> Source:
    return source_from_bytes(read_bytes(path), path.name)


def source_from_bytes(data: bytes, name: str) -> Source:
    """Decode and split a file; the heading row is the first that names at least two fields."""
    decoded = decode(data)
    table = read_table(decoded.text)
    filled = list(itertools.islice((r for r in table if not r.is_blank), _HEADER_SEARCH))
    if not filled:
        raise ImportFileError("The file has no headings and no rows. Export the list again.")
    header = next(
        (r for r in filled if len(r.cells) <= MAX_COLUMNS and mapped_count(r.cells) >= 2),
        filled[0],
    )
    if len(header.cells) > MAX_COLUMNS:
        raise ImportFileError(
            f"The heading row has {len(header.cells):,} columns; a student list has far fewer "
            f"(at most {MAX_COLUMNS}). Check that you chose the right file."
        )
    return Source(
        name=name,
        encoding=decoded.encoding,
        sha256=decoded.sha256,
        delimiter=table.delimiter,
        header_row=header.row,
        headers=tuple(cell.strip() for cell in header.cells),
        table=table,
    )


def build_plan(
    store: Database,
    source: Source,
    mapping: ColumnMapping | None = None,
    *,
    remove_hidden: bool = False,
) -> ImportPlan:
    """The plan for ``source`` against the students in ``store``; nothing is written."""
    from app.storage import students

    with store.transaction() as session:
        existing = students.all_records(session)
    return make_plan(source, existing, mapping, remove_hidden=remove_hidden)


def make_plan(
    source: Source,
    existing: Iterable[Student],
    mapping: ColumnMapping | None = None,
    *,
    remove_hidden: bool = False,
) -> ImportPlan:
    """The plan for ``source`` against ``existing`` students, with the guessed mapping if none.

    Cells with invisible or direction-changing characters are errors (each named), unless
    ``remove_hidden``: the teacher agreed to import them without those characters."""
    if mapping is None:
        mapping = guess_mapping(source.headers)
    elif mapping.headers != source.headers:
        raise ValueError("the mapping was made for another file's headings")
    problems = mapping.problems()
    # The records are read from the file's text as they are planned, never all kept at once.
    if not any(_filled(source)):
        problems.append("The file has headings but no student rows under them.")
    if problems:
        # Rows cannot be read without a usable mapping; show them as they are.
        unread = tuple(_unread(record, mapping) for record in _filled(source))
        return ImportPlan(source, mapping, tuple(problems), unread)
    planner = _Planner(source, mapping, existing, remove_hidden=remove_hidden)
    planned = tuple(planner.plan(_filled(source)))
    return ImportPlan(source, mapping, (), planned, remove_hidden=remove_hidden)


def _filled(source: Source) -> Iterator[Record]:
    return (record for record in source.records() if not record.is_blank)


def parse_year(value: str) -> int | None:
    """ "Year 11", "Y11", "NC Year 11", "11" -> 11; empty -> None; otherwise ``ValueError``."""
    text = value.strip().casefold()
    if not text:
        return None
    match = _YEAR.fullmatch(text)
    if match is None:
        raise ValueError(value)
    return int(match.group(1))


def _cells(record: Record, mapping: ColumnMapping) -> dict[Field, str]:
    values: dict[Field, str] = {}
    for target, index in mapping.columns.items():
        value = record.cells[index] if index < len(record.cells) else ""
        # Some exports write ="0042" so that Excel keeps the leading zeros.
        excel_text = _EXCEL_TEXT.fullmatch(value) if "=" in value else None
        values[target] = excel_text.group(1) if excel_text else value
    return values


def _unread(record: Record, mapping: ColumnMapping) -> PlannedRow:
    return PlannedRow(
        row=record.row,
        line=record.line,
        values=_cells(record, mapping),
        draft=None,
        action=Action.ERROR,
    )


@dataclass(slots=True)
class _Row:
    """A row while it is being planned."""

    number: int
    line: int
    values: Mapping[Field, str]
    errors: list[str]
    # The normalised numbers, for finding repeats within the file.
    candidate_number: str = ""
    upn: str = ""
    hidden: tuple[HiddenCharacter, ...] = ()
    draft: StudentDraft | None = None
    existing: Student | None = None


class _Planner:
    def __init__(
        self,
        source: Source,
        mapping: ColumnMapping,
        existing: Iterable[Student],
        *,
        remove_hidden: bool = False,
    ) -> None:
        self.source = source
        self.mapping = mapping
        self.remove_hidden = remove_hidden
        self.by_candidate: dict[str, Student] = {}
        self.by_upn: dict[str, Student] = {}
        for student in existing:
            if student.candidate_number:
                self.by_candidate[student.candidate_number] = student
            if student.upn:
                self.by_upn[student.upn] = student

    def plan(self, records: Iterable[Record]) -> list[PlannedRow]:
        rows = [self._read(record) for record in records]
        self._flag_repeats(rows, "candidate_number", "Candidate number")
        self._flag_repeats(rows, "upn", "UPN")
        for row in rows:
            if row.draft is not None and not row.errors:
                row.existing = self._match(row)
        self._flag_same_student(rows)
        return [self._finish(row) for row in rows]

    def _read(self, record: Record) -> _Row:
        values = _cells(record, self.mapping)
        row = _Row(number=record.row, line=record.line, values=values, errors=[])
        # One search of the whole row first: almost every row has none.
        if hidden_character("".join(values.values())) is not None:
            row.hidden = tuple(
                HiddenCharacter(record.row, target, character)
                for target, value in values.items()
                for character in hidden_characters(value)
            )
        if row.hidden and self.remove_hidden:
            for target, value in values.items():
                values[target] = remove_hidden_characters(value)
        width = len(self.source.headers)
        if len(record.cells) > width and any(c.strip() for c in record.cells[width:]):
            row.errors.append(
                f"This row has {len(record.cells)} values but the heading row has {width}; "
                f"a value containing a {self.source.delimiter_name} may be missing its quote "
                "marks."
            )
        for target, value in values.items():
            if "\n" in value or "\r" in value:
                row.errors.append(
                    f"The {LABELS[target]} value runs over more than one line; check for a "
                    'missing closing quote mark (").'
                )
            elif target in _NAME_FIELDS and ("?" in value or "\ufffd" in value):
                # Exports in a legacy encoding write "?" for letters it lacks ("?ukasz").
                row.errors.append(
                    f'{LABELS[target]} "{value.strip()}" contains "?", so the export has lost a '
                    "letter it could not encode (such as Ł or ễ); export the list as "
                    '"CSV UTF-8" and import that.'
                )
        if row.errors:
            return row
        row.candidate_number = normalise_candidate_number(values.get(Field.CANDIDATE_NUMBER, ""))
        row.upn = clean_line(values.get(Field.UPN, "")).upper()
        surname = values.get(Field.SURNAME, "")
        forename = values.get(Field.FORENAME, "")
        name_unreadable = False
        if Field.FULL_NAME in values:
            surname, forename = _split_name(values[Field.FULL_NAME], row.errors)
            name_unreadable = bool(row.errors)
        year: int | None = None
        try:
            year = parse_year(values.get(Field.YEAR_GROUP, ""))
        except ValueError:
            row.errors.append(
                f'Year "{values[Field.YEAR_GROUP].strip()}" is not a year group; '
                'use a number such as 11 or "Year 11".'
            )
        draft = StudentDraft(
            surname=surname,
            forename=forename,
            candidate_number=values.get(Field.CANDIDATE_NUMBER, ""),
            upn=values.get(Field.UPN, ""),
            reg_group=values.get(Field.REG_GROUP, ""),
            year_group=year,
        )
        try:
            draft = check_student(draft)
        except ValidationError as error:
            row.errors.extend(
                message
                for name, message in error.field_errors.items()
                # An unreadable Name column already has its own message.
                if not (name_unreadable and name in ("surname", "forename"))
            )
            return row
        if not draft.candidate_number and not draft.upn:
            row.errors.append(
                "There is no candidate number or UPN; one is needed to match the student "
                "on later imports."
            )
        row.draft = draft
        # The cells are not needed once read into a draft (see ``PlannedRow``).
        row.values = _NO_VALUES
        return row

    def _flag_repeats(self, rows: Sequence[_Row], attribute: str, label: str) -> None:
        seen: dict[str, list[_Row]] = {}
        for row in rows:
            value = getattr(row, attribute)
            if value:
                seen.setdefault(value, []).append(row)
        for value, repeated in seen.items():
            if len(repeated) < 2:
                continue
            for row in repeated:
                others = _rows_text([o.number for o in repeated if o is not row])
                row.errors.append(f"{label} {value} is also on {others} of the file.")

    def _match(self, row: _Row) -> Student | None:
        assert row.draft is not None
        draft = row.draft
        by_number = (
            self.by_candidate.get(draft.candidate_number) if draft.candidate_number else None
        )
        by_upn = self.by_upn.get(draft.upn) if draft.upn else None
        if by_number and by_upn and by_number.id != by_upn.id:
            row.errors.append(
                f"Candidate number {draft.candidate_number} belongs to "
                f"{by_number.display_name} but UPN {draft.upn} belongs to "
                f"{by_upn.display_name}; correct the file or those students' records."
            )
            return None
        if by_number and draft.upn and by_number.upn and by_number.upn != draft.upn:
            row.errors.append(
                f"Candidate number {draft.candidate_number} belongs to "
                f"{by_number.display_name}, whose UPN is {by_number.upn}, but this row has "
                f"UPN {draft.upn}; check which is right."
            )
            return None
        return by_number or by_upn

    def _flag_same_student(self, rows: Sequence[_Row]) -> None:
        claims: dict[int, list[_Row]] = {}
        for row in rows:
            if row.existing is not None:
                claims.setdefault(row.existing.id, []).append(row)
        for repeated in claims.values():
            if len(repeated) < 2:
                continue
            for row in repeated:
                assert row.existing is not None
                others = _rows_text([o.number for o in repeated if o is not row])
                row.errors.append(
                    f"This row and {others} are the same student already in OwnWork "
                    f"({row.existing.display_name})."
                )

    def _finish(self, row: _Row) -> PlannedRow:
        if row.errors or row.draft is None:
            return PlannedRow(
                row=row.number,
                line=row.line,
                hidden=row.hidden,
                values=row.values if row.draft is None else _NO_VALUES,
                draft=row.draft,
                action=Action.ERROR,
                existing=row.existing,
                errors=tuple(row.errors),
            )
        if row.existing is None:
            return PlannedRow(
                row=row.number,
                line=row.line,
                hidden=row.hidden,
                values=_NO_VALUES,
                draft=row.draft,
                action=Action.NEW,
            )
        merged = _merge(row.existing, row.draft)
        changes = tuple(
            name for name in _STUDENT_FIELDS if getattr(merged, name) != getattr(row.existing, name)
        )
        return PlannedRow(
            row=row.number,
            line=row.line,
            hidden=row.hidden,
            values=_NO_VALUES,
            draft=merged,
            action=Action.UPDATE if changes else Action.UNCHANGED,
            existing=row.existing,
            changes=changes,
        )


def _rows_text(numbers: Sequence[int]) -> str:
    """[3] -> "row 3"; [3, 5, 7] -> "rows 3, 5 and 7"."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return f"rows {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _split_name(value: str, errors: list[str]) -> tuple[str, str]:
    """ "Surname, Forename" -> (surname, forename); anything else is an error."""
    surname, comma, forename = value.partition(",")
    if not value.strip():
        return "", ""
    if not comma:
        errors.append(
            f'The name "{value.strip()}" is not in the form "Surname, Forename"; '
            "map separate Surname and Forename columns if the file has them."
        )
    return surname, forename


def _merge(existing: Student, draft: StudentDraft) -> StudentDraft:
    """The row's values over the stored ones; empty cells keep what is stored."""
    return StudentDraft(
        surname=draft.surname,
        forename=draft.forename,
        candidate_number=draft.candidate_number or existing.candidate_number,
        upn=draft.upn or existing.upn,
        reg_group=draft.reg_group or existing.reg_group,
        year_group=draft.year_group if draft.year_group is not None else existing.year_group,
    )
