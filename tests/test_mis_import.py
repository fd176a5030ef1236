"""Importing students from MIS CSV exports: encodings, dialects, headings, plans, all-or-nothing."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.cli.main import main
from app.domain.records import Student, StudentDraft
from app.errors import OwnWorkError
from app.mis_import.apply import ImportRefusedError, StaleImportError, apply_plan
from app.mis_import.decoding import MAX_BYTES, ImportFileError, decode, read_bytes
from app.mis_import.dialect import read_table, sniff_delimiter
from app.mis_import.headers import Field, column_name, guess_mapping, normalise
from app.mis_import.plan import (
    Action,
    ImportPlan,
    build_plan,
    make_plan,
    parse_year,
    read_source,
    source_from_bytes,
)
from app.storage import audit, students, submissions
from app.storage.database import Database
from app.storage.listing import ListQuery
from app.storage.models import AuditRow

UNICODE_NAMES = [
    ("Nguyễn", "Thị Mai"),
    ("Kowalski", "Łukasz"),
    ("Smith", "Zoë"),
    ("O'Brien", "Siobhán"),
    ("Ødegård", "Ingrid"),
]

SIMS = (
    "Legal Surname,Legal Forename,Preferred Forename,Reg Group,Year,UPN,Candidate No.,Gender\r\n"
    "Nguyễn,Thị Mai,Mai,11B,Year 11,A123456789012,42,F\r\n"
    "Kowalski,Łukasz,Luke,11C,Year 11,B123456789012,0043,M\r\n"
    '"Smith","Zoë","Zoë","11A","Year 11","C123456789012","44","F"\r\n'
    "O'Brien,Siobhán,,11B,Year 11,D123456789012,45,F\r\n"
    "Ødegård,Ingrid,,11A,Year 11,E123456789012,46,F\r\n"
)
ARBOR = (
    "Legal First Name,Legal Last Name,Preferred First Name,Year Group,Registration Form,UPN,"
    "Candidate Number\n"
    "Thị Mai,Nguyễn,,Y11,11B,A123456789012,0042\n"
    "Łukasz,Kowalski,,Y11,11C,B123456789012,0043\n"
    "Zoë,Smith,,Y11,11A,C123456789012,0044\n"
    "Siobhán,O'Brien,,Y11,11B,D123456789012,0045\n"
    "Ingrid,Ødegård,,Y11,11A,E123456789012,0046\n"
)
BROMCOM = (
    "Surname;Forename;Tutor Group;NC Year;Unique Pupil Number;Exam Candidate Number\r\n"
    "Nguyễn;Thị Mai;11B;11;A123456789012;42\r\n"
    "Kowalski;Łukasz;11C;11;B123456789012;43\r\n"
    "Smith;Zoë;11A;11;C123456789012;44\r\n"
    "O'Brien;Siobhán;11B;11;D123456789012;45\r\n"
    "Ødegård;Ingrid;11A;11;E123456789012;46\r\n"
)
PLAIN_TAB = (
    "First Name\tLast Name\tForm\tYear\tCand No\n"
    "Thị Mai\tNguyễn\t11B\t11\t42\n"
    "Łukasz\tKowalski\t11C\t11\t43\n"
    "Zoë\tSmith\t11A\t11\t44\n"
    "Siobhán\tO'Brien\t11B\t11\t45\n"
    "Ingrid\tØdegård\t11A\t11\t46\n"
)


def plan_for(
    text: str | bytes, existing: Iterable[Student] = (), *, encoding: str = "utf-8"
) -> ImportPlan:
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return make_plan(source_from_bytes(data, "students.csv"), existing)


def names(plan: ImportPlan) -> list[tuple[str, str]]:
    return [(r.draft.surname, r.draft.forename) for r in plan.rows if r.draft is not None]


def all_students(store: Database) -> list[Student]:
    with store.transaction() as session:
        return students.page(session, ListQuery(limit=None))


def audit_count(store: Database) -> int:
    with store.transaction() as session:
        return audit.count(session)


def import_text(store: Database, text: str, encoding: str = "utf-8") -> ImportPlan:
    plan = build_plan(store, source_from_bytes(text.encode(encoding), "students.csv"))
    assert not plan.has_errors, [str(e) for e in plan.errors()]
    apply_plan(store, plan)
    return plan


# --- decoding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ("Surname,Forename\nSmith,Zoë\n".encode(), "UTF-8"),
        ("Surname,Forename\nSmith,Zoë\n".encode("utf-8-sig"), "UTF-8 (with BOM)"),
        ("Surname,Forename\nSmith,Zoë\n".encode("utf-16"), "UTF-16"),
        (codecs.BOM_UTF16_BE + "Surname,Forename\nSmith,Zoë\n".encode("utf-16-be"), "UTF-16"),
        ("Surname,Forename\nSmith,Zoë\n".encode("cp1252"), "Windows-1252"),
    ],
)
def test_each_encoding_reads_zoe(data: bytes, label: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == label
    assert decoded.text.splitlines()[1] == "Smith,Zoë"
    assert not decoded.text.startswith("\ufeff")


def test_cp1252_export_with_smart_quotes_and_accents() -> None:
    text = "Surname,Forename,Cand No\r\nO’Brien,Siobhán,45\r\nMüller,Chloé,46\r\n"
    plan = plan_for(text, encoding="cp1252")
    assert plan.source.encoding == "Windows-1252"
    assert names(plan) == [("O’Brien", "Siobhán"), ("Müller", "Chloé")]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old-style Excel"),
        (b"%PDF-1.7\n", "PDF"),
        (b"Surname,Forename\nSm\x00ith,Zo\n", "binary data"),
        (b"", "empty"),
        (b" \r\n\r\n", "empty"),
        (codecs.BOM_UTF8 + b"Surname\xff\xfe", "could not be read as UTF-8"),
        (b"Surname\x81,Forename", "could not be read as Windows-1252"),
    ],
)
def test_files_that_are_not_csv_text_are_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(ImportFileError, match=words):
        decode(data)


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 20 MB actually written
    with pytest.raises(ImportFileError, match="limit is 20 MB"):
        read_bytes(huge)
    with pytest.raises(ImportFileError, match="larger than 20 MB"):
        decode(b"a" * (MAX_BYTES + 1))


def test_missing_file_and_folder_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="could not be read"):
        read_source(tmp_path / "absent.csv")
    with pytest.raises(ImportFileError, match="is not a file"):
        read_source(tmp_path)


# --- dialect --------------------------------------------------------------------------------


def test_crlf_quoted_commas_and_embedded_newlines_keep_spreadsheet_row_numbers() -> None:
    text = (
        'Surname,Forename,Note\r\n"Smith, Jr",Tom,"two\r\nlines"\r\n\r\nO\'Brien,Siobhán,plain\r\n'
    )
    table = read_table(text)
    assert [r.row for r in table.records] == [1, 2, 3, 4]
    assert [r.line for r in table.records] == [1, 2, 4, 5]
    assert table.records[1].cells == ("Smith, Jr", "Tom", "two\r\nlines")
    assert table.records[2].is_blank
    assert table.records[3].cells == ("O'Brien", "Siobhán", "plain")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Surname,Forename,Year\nSmith,Zoë,11\nJones,Tom,10\n", ","),
        ("Surname;Forename;Year\nSmith;Zoë;11\nJones;Tom;10\n", ";"),
        ("Surname\tForename\tYear\nSmith\tZoë\t11\nJones\tTom\t10\n", "\t"),
        # Commas inside values must not fool the guess for a semicolon file.
        ('Name;Year;Cand\n"Smith, Zoë";11;42\n"Jones, Tom";10;43\n', ";"),
        ('Name,Year\n"Smith; Zoë",11\n"Jones; Tom",10\n', ","),
        ("Surname\nSmith\nJones\n", ","),
    ],
)
def test_the_separator_is_recognised(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter
    assert read_table(text).delimiter == delimiter


def test_an_excel_sep_line_names_the_separator_and_is_skipped() -> None:
    plan = plan_for("sep=;\r\nSurname;Forename;Cand No\r\nSmith;Zoë;42\r\n")
    assert plan.source.delimiter == ";"
    assert names(plan) == [("Smith", "Zoë")]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('Surname,Forename\nSmith,Zoë\n"Jones,Tom\nBrown,Ann\n', 3, "never closed"),
        ('Surname,Forename\nSmith,"Zo"ë\n', 2, "followed by more text"),
    ],
)
def test_broken_quotes_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ImportFileError, match=rf"^Line {line} .*{words}"):
        read_table(text)


# --- headings -------------------------------------------------------------------------------


def test_normalise_folds_case_punctuation_and_spacing() -> None:
    assert normalise("  Candidate No. ") == "candidate no"
    assert normalise("LEGAL_SURNAME") == "legal surname"
    assert normalise("Year-Group") == "year group"
    assert normalise("\ufeffUPN") == "upn"
    assert [column_name(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SIMS,
            {
                Field.SURNAME: "Legal Surname",
                Field.FORENAME: "Legal Forename",
                Field.REG_GROUP: "Reg Group",
                Field.YEAR_GROUP: "Year",
                Field.UPN: "UPN",
                Field.CANDIDATE_NUMBER: "Candidate No.",
            },
        ),
        (
            ARBOR,
            {
                Field.SURNAME: "Legal Last Name",
                Field.FORENAME: "Legal First Name",
                Field.REG_GROUP: "Registration Form",
                Field.YEAR_GROUP: "Year Group",
                Field.UPN: "UPN",
                Field.CANDIDATE_NUMBER: "Candidate Number",
            },
        ),
        (
            BROMCOM,
            {
                Field.SURNAME: "Surname",
                Field.FORENAME: "Forename",
                Field.REG_GROUP: "Tutor Group",
                Field.YEAR_GROUP: "NC Year",
                Field.UPN: "Unique Pupil Number",
                Field.CANDIDATE_NUMBER: "Exam Candidate Number",
            },
        ),
        (
            PLAIN_TAB,
            {
                Field.SURNAME: "Last Name",
                Field.FORENAME: "First Name",
                Field.REG_GROUP: "Form",
                Field.YEAR_GROUP: "Year",
                Field.CANDIDATE_NUMBER: "Cand No",
            },
        ),
    ],
    ids=["SIMS", "Arbor", "Bromcom", "plain-tab"],
)
def test_mis_header_sets_are_mapped_and_read(text: str, expected: dict[Field, str]) -> None:
    plan = plan_for(text)
    mapping = {f: plan.mapping.header_of(f) for f in Field if plan.mapping.header_of(f)}
    assert mapping == expected
    assert not plan.has_errors, plan.errors()
    assert names(plan) == UNICODE_NAMES
    assert [r.draft.candidate_number for r in plan.rows if r.draft] == [
        "0042",
        "0043",
        "0044",
        "0045",
        "0046",
    ]
    assert {r.draft.year_group for r in plan.rows if r.draft} == {11}


def test_preferred_names_are_never_guessed_but_reported_unused() -> None:
    plan = plan_for(SIMS)
    assert "Preferred Forename" in plan.mapping.unmapped()
    assert "Gender" in plan.mapping.unmapped()
    assert names(plan)[0] == ("Nguyễn", "Thị Mai")


def test_a_single_name_column_is_split_at_the_comma() -> None:
    text = 'Name,Candidate No,Form\n"Nguyễn, Thị Mai",42,11B\n"O\'Brien, Siobhán",43,11B\n'
    plan = plan_for(text)
    assert plan.mapping.header_of(Field.FULL_NAME) == "Name"
    assert names(plan) == [("Nguyễn", "Thị Mai"), ("O'Brien", "Siobhán")]


def test_a_name_without_a_comma_is_one_clear_error() -> None:
    plan = plan_for('Name,Candidate No\n"Thị Mai Nguyễn",42\n')
    assert [str(e) for e in plan.errors()] == [
        'row 2: The name "Thị Mai Nguyễn" is not in the form "Surname, Forename"; map separate '
        "Surname and Forename columns if the file has them."
    ]


def test_missing_and_contradictory_mappings_are_problems_not_crashes() -> None:
    plan = plan_for("Forename,Gender\nZoë,F\n")
    assert plan.has_errors
    assert plan.problems == (
        "No column is chosen for Surname; it is required.",
        "No column is chosen for Candidate number or UPN; one of them is needed to match "
        "students already in OwnWork.",
    )
    assert [r.action for r in plan.rows] == [Action.ERROR]
    mapping = guess_mapping(("Surname", "Forename", "Name", "Cand No"))
    assert mapping.column_of(Field.FULL_NAME) is None  # separate columns win
    both = mapping.with_column(Field.FULL_NAME, 2)
    assert "not both" in both.problems()[0]
    doubled = mapping.with_column(Field.FORENAME, 0)
    assert doubled.problems() == ['The column "Surname" is chosen for both Surname and Forename.']
    with pytest.raises(ValueError):
        mapping.with_column(Field.UPN, 9)


def test_the_caller_can_override_the_guess() -> None:
    text = "Surname,Preferred Forename,Legal Forename,Cand No\nSmith,Zo,Zoë,42\n"
    source = source_from_bytes(text.encode(), "t.csv")
    guessed = make_plan(source, [])
    assert names(guessed) == [("Smith", "Zoë")]
    chosen = guessed.mapping.with_column(Field.FORENAME, 1)
    assert names(make_plan(source, [], chosen)) == [("Smith", "Zo")]
    assert make_plan(source, [], chosen).mapping.unmapped() == ["Legal Forename"]


def test_title_lines_above_the_headings_are_skipped() -> None:
    text = (
        "Student list for 11B,,,\r\nPrinted 01/09/2026,,,\r\n,,,\r\n"
        "Surname,Forename,Cand No,Form\r\nSmith,Zoë,42,11B\r\n"
    )
    plan = plan_for(text)
    assert plan.source.header_row == 4
    assert [r.row for r in plan.rows] == [5]
    assert names(plan) == [("Smith", "Zoë")]


# --- rows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("11", 11),
        ("Year 11", 11),
        ("Y11", 11),
        ("y 11", 11),
        ("Yr11", 11),
        ("NC Year 11", 11),
        (" 07 ", 7),
        ("", None),
    ],
)
def test_year_values(value: str, year: int | None) -> None:
    assert parse_year(value) == year


@pytest.mark.parametrize("value", ["Reception", "R", "11A", "Year eleven", "111"])
def test_values_that_are_not_years_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_year(value)


def test_bad_rows_are_all_reported_with_their_row_numbers() -> None:
    text = (
        "Surname,Forename,Candidate No,UPN,Year\n"
        "Smith,Zoë,42,,11\n"  # row 2: fine but its number repeats on row 6
        ",Łukasz,43,,11\n"  # row 3: no surname
        "Jones,Tom,12345,,11\n"  # row 4: bad candidate number
        "Brown,Ann,,,11\n"  # row 5: nothing to match on
        "Green,Eve,0042,,11\n"  # row 6: duplicate of row 2
        "Black,Ed,47,X1,Reception\n"  # row 7: bad UPN and bad year
        "White,Al,48,,11,extra\n"  # row 8: one value too many
    )
    plan = plan_for(text)
    assert [str(e) for e in plan.errors()] == [
        "row 2: Candidate number 0042 is also on row 6 of the file.",
        "row 3: Surname is required.",
        "row 4: Candidate number must be four digits, e.g. 0423.",
        "row 5: There is no candidate number or UPN; one is needed to match the student on "
        "later imports.",
        "row 6: Candidate number 0042 is also on row 2 of the file.",
        'row 7: Year "Reception" is not a year group; use a number such as 11 or "Year 11".',
        "row 7: UPN must be 13 characters: a letter, 11 digits, then a digit or letter.",
        "row 8: This row has 6 values but the heading row has 5; a value containing a comma "
        "may be missing its quote marks.",
    ]
    assert plan.counts().error == 7


def test_excel_text_formulas_keep_their_leading_zeros() -> None:
    plan = plan_for('Surname,Forename,Candidate No\nSmith,Zoë,="0042"\nJones,Tom,"=""0043"""\n')
    assert [r.draft.candidate_number for r in plan.rows if r.draft] == ["0042", "0043"]


def test_a_file_with_thousands_of_columns_is_refused() -> None:
    with pytest.raises(ImportFileError, match="heading row has 5,001 columns"):
        source_from_bytes(b"a," * 5000 + b"\n", "wide.csv")


def test_letters_lost_by_a_legacy_encoding_are_caught_not_stored() -> None:
    # What an MIS writes when told to export "Łukasz Nguyễn" as Windows-1252.
    lossy = "Surname,Forename,Cand No\r\nNguyễn,Łukasz,42\r\nSmith,Zoë,43\r\n".encode(
        "cp1252", errors="replace"
    )
    plan = plan_for(lossy)
    assert [str(e) for e in plan.errors()] == [
        'row 2: Surname "Nguy?n" contains "?", so the export has lost a letter it could not '
        'encode (such as Ł or ễ); export the list as "CSV UTF-8" and import that.',
        'row 2: Forename "?ukasz" contains "?", so the export has lost a letter it could not '
        'encode (such as Ł or ễ); export the list as "CSV UTF-8" and import that.',
    ]
    assert names(plan) == [("Smith", "Zoë")]


def test_a_value_swallowing_lines_is_an_error() -> None:
    plan = plan_for('Surname,Forename,Cand No\n"Smith\nJones",Zoë,42\n')
    assert plan.errors()[0].message.startswith("The Surname value runs over more than one line")


def test_headings_without_rows_cannot_be_imported() -> None:
    plan = plan_for("Surname,Forename,Cand No\r\n\r\n")
    assert plan.problems == ("The file has headings but no student rows under them.",)


# --- against the store ----------------------------------------------------------------------


@pytest.mark.both_stores
def test_unicode_names_round_trip_into_the_store(store: Database) -> None:
    import_text(store, SIMS)
    stored = all_students(store)
    assert sorted((s.surname, s.forename) for s in stored) == sorted(UNICODE_NAMES)
    with store.transaction() as session:
        assert [s.forename for s in students.page(session, ListQuery(search="lukasz"))] == [
            "Łukasz"
        ]


@pytest.mark.both_stores
def test_reimport_updates_by_candidate_number_instead_of_doubling(store: Database) -> None:
    import_text(store, SIMS)
    before = {s.candidate_number: s for s in all_students(store)}
    moved = SIMS.replace("Kowalski,Łukasz,Luke,11C", "Kowalski,Łukasz,Luke,11D")
    plan = build_plan(store, source_from_bytes(moved.encode(), "again.csv"))
    assert [r.action for r in plan.rows] == [
        Action.UNCHANGED,
        Action.UPDATE,
        Action.UNCHANGED,
        Action.UNCHANGED,
        Action.UNCHANGED,
    ]
    assert plan.rows[1].changes == ("reg_group",)
    result = apply_plan(store, plan)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    after = {s.candidate_number: s for s in all_students(store)}
    assert len(after) == 5
    assert after["0043"].reg_group == "11D"
    assert after["0043"].id == before["0043"].id


@pytest.mark.both_stores
def test_rows_match_by_upn_when_there_is_no_candidate_number(store: Database) -> None:
    import_text(store, "Surname,Forename,UPN,Form\nSmith,Zoe,A123456789012,11A\n")
    plan = import_text(store, "Surname,Forename,UPN,Cand No\nSmith,Zoë,A123456789012,42\n")
    assert plan.rows[0].action is Action.UPDATE
    (student,) = all_students(store)
    assert (student.forename, student.candidate_number, student.reg_group) == ("Zoë", "0042", "11A")


@pytest.mark.both_stores
def test_empty_cells_and_missing_columns_keep_stored_values(store: Database) -> None:
    import_text(store, BROMCOM)
    plan = import_text(store, "Surname,Forename,Cand No,Form\nSmith,Zoë,44,\n")
    assert plan.rows[0].action is Action.UNCHANGED
    zoe = next(s for s in all_students(store) if s.forename == "Zoë")
    assert (zoe.upn, zoe.reg_group, zoe.year_group) == ("C123456789012", "11A", 11)


@pytest.mark.both_stores
def test_conflicting_identifiers_are_errors(store: Database) -> None:
    import_text(store, BROMCOM)
    text = (
        "Surname,Forename,Cand No,UPN\n"
        "Smith,Zoë,44,A123456789012\n"  # 0044 is Zoë but that UPN is Thị Mai's
        "Kowalski,Łukasz,43,Z999999999999\n"  # 0043 is Łukasz, whose UPN differs
        "O'Brien,Siobhán,,D123456789012\n"  # Siobhán by UPN...
        "O'Brien,Siobhán,45,\n"  # ...and by candidate number
        "Ødegård,Ingrid,46,,\n"
        "Ødegård,Ingrid,46,,\n"
        "Ødegård,Ingrid,46,,\n"
    )
    plan = build_plan(store, source_from_bytes(text.encode(), "t.csv"))
    assert [str(e) for e in plan.errors()] == [
        "row 2: Candidate number 0044 belongs to Zoë Smith but UPN A123456789012 belongs to "
        "Thị Mai Nguyễn; correct the file or those students' records.",
        "row 3: Candidate number 0043 belongs to Łukasz Kowalski, whose UPN is B123456789012, "
        "but this row has UPN Z999999999999; check which is right.",
        "row 4: This row and row 5 are the same student already in OwnWork (Siobhán O'Brien).",
        "row 5: This row and row 4 are the same student already in OwnWork (Siobhán O'Brien).",
        "row 6: Candidate number 0046 is also on rows 7 and 8 of the file.",
        "row 7: Candidate number 0046 is also on rows 6 and 8 of the file.",
        "row 8: Candidate number 0046 is also on rows 6 and 7 of the file.",
    ]
    with pytest.raises(ImportRefusedError):
        apply_plan(store, plan)


@pytest.mark.both_stores
def test_a_bad_csv_imports_nothing(store: Database) -> None:
    import_text(store, BROMCOM)
    students_before = all_students(store)
    audit_before = audit_count(store)
    bad = (
        "Legal Surname,Forename,Candidate Number,Reg Group\r\n"
        "Nguyễn,Thị Mai,42,12B\r\n"  # a valid update...
        ",Zoë,50,11A\r\n"  # ...but this row has no surname,
        "Ødegård,Ingrid,5X,11A\r\n"  # this a bad candidate number,
        "Brown,Ann,51,11A\r\n"
        "Green,Eve,51,11A\r\n"  # and this repeats row 5's number.
    )
    plan = build_plan(store, source_from_bytes(bad.encode(), "bad.csv"))
    assert [e.row for e in plan.errors()] == [3, 4, 5, 6]
    with pytest.raises(ImportRefusedError, match="4 errors, so nothing was imported"):
        apply_plan(store, plan)
    assert all_students(store) == students_before
    assert audit_count(store) == audit_before


@pytest.mark.both_stores
def test_every_student_gets_an_audit_entry_and_the_chain_holds(store: Database) -> None:
    import_text(store, BROMCOM)
    import_text(store, BROMCOM.replace("11B;11;A1", "12B;12;A1"))
    with store.transaction() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
        prev = audit.GENESIS
        for row in rows:
            assert row.prev_hash == prev
            assert row.hash == audit.entry_hash(prev, row)
            prev = row.hash
        nguyen = students.find_by_candidate_number(session, "0042")
        assert nguyen is not None
        trail = audit.entries_for(session, "student", nguyen.id)
    assert [(r.action, r.summary) for r in rows if r.action == "import"] == [
        ("import", "Imported students from students.csv: 5 new, 0 updated, 0 unchanged"),
        ("import", "Imported students from students.csv: 0 new, 1 updated, 4 unchanged"),
    ]
    assert [e.summary for e in trail] == [
        "Added Thị Mai Nguyễn",
        "Changed reg_group, year_group of Thị Mai Nguyễn",
    ]


@pytest.mark.both_stores
def test_a_student_changed_after_the_preview_stops_the_import(store: Database) -> None:
    import_text(store, BROMCOM)
    plan = build_plan(store, source_from_bytes(BROMCOM.replace(";11B;", ";12B;").encode(), "t.csv"))
    assert plan.counts().update == 2
    with store.transaction() as session:
        target = students.find_by_candidate_number(session, "0045")
        assert target is not None
        students.update(
            session,
            target.id,
            StudentDraft(
                surname="O'Brien", forename="Siobhán", candidate_number="0045", reg_group="10Z"
            ),
        )
    before = all_students(store)
    audit_before = audit_count(store)
    with pytest.raises(StaleImportError, match="Siobhán O'Brien was changed"):
        apply_plan(store, plan)
    assert all_students(store) == before
    assert audit_count(store) == audit_before


@pytest.mark.both_stores
def test_a_number_taken_after_the_preview_stops_the_import(store: Database) -> None:
    plan = build_plan(store, source_from_bytes(BROMCOM.encode(), "t.csv"))
    with store.transaction() as session:
        students.create(
            session, StudentDraft(surname="Late", forename="Comer", candidate_number="0046")
        )
    with pytest.raises(StaleImportError, match="Comer Late already has candidate number 0046"):
        apply_plan(store, plan)
    assert [s.surname for s in all_students(store)] == ["Late"]


@pytest.mark.both_stores
def test_renaming_by_import_keeps_submissions_findable(
    store: Database, conversation_id: int
) -> None:
    # The conftest student is Thị Mai Nguyễn, candidate 0423, with one submission.
    import_text(store, "Surname,Forename,Cand No\nNguyen-Tran,Thị Mai,0423\n")
    with store.transaction() as session:
        found = submissions.page(session, ListQuery(search="tran"))
    assert [s.student_name for s in found] == ["Thị Mai Nguyen-Tran"]


@pytest.mark.both_stores
def test_store_untouched_when_writing_fails_halfway(
    store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the new students are inserted rolls all of them back."""
    import_text(store, BROMCOM)
    before = all_students(store)
    audit_before = audit_count(store)
    text = BROMCOM.replace(";11B;", ";12B;") + "New;Student;11A;11;F123456789012;47\r\n"
    plan = build_plan(store, source_from_bytes(text.encode(), "t.csv"))
    assert (plan.counts().new, plan.counts().update) == (1, 2)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OwnWorkError("The disk is full.")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(OwnWorkError, match="disk is full"):
        apply_plan(store, plan)
    assert all_students(store) == before
    assert audit_count(store) == audit_before


@pytest.mark.both_stores
def test_batch_functions_refuse_what_create_would(store: Database) -> None:
    with store.transaction() as session:
        students.create(session, StudentDraft(surname="A", forename="B", candidate_number="0001"))
    for drafts, words in (
        ([StudentDraft(surname="C", forename="D", candidate_number="0001")], "B A already has"),
        (
            [
                StudentDraft(surname="C", forename="D", upn="A123456789012"),
                StudentDraft(surname="E", forename="F", upn="A123456789012"),
            ],
            "Two students in the batch",
        ),
        ([StudentDraft(surname="", forename="D")], "Surname is required"),
    ):
        with pytest.raises(OwnWorkError, match=words), store.transaction() as session:
            students.create_many(session, drafts)
    with store.transaction() as session:
        assert students.count(session) == 1


@pytest.mark.both_stores
def test_update_many_writes_each_students_own_changes(store: Database) -> None:
    with store.transaction() as session:
        ids = students.create_many(
            session,
            [
                StudentDraft(surname="Smith", forename="Zoe", candidate_number="0001"),
                StudentDraft(surname="Kowalski", forename="Lukasz", upn="A123456789012"),
                StudentDraft(surname="Ødegård", forename="Ingrid", reg_group="10A"),
            ],
        )
        first, second, third = (students.get(session, i) for i in ids)
        students.get(session, first.id)  # leaves the ORM row in this session's identity map
        students.update_many(
            session,
            [
                (first, StudentDraft(surname="Smith", forename="Zoë", candidate_number="0001")),
                (
                    second,
                    StudentDraft(
                        surname="Kowalski",
                        forename="Łukasz",
                        candidate_number="0002",
                        upn="A123456789012",
                    ),
                ),
                (
                    third,
                    StudentDraft(
                        surname="Ødegård", forename="Ingrid", reg_group="11A", year_group=11
                    ),
                ),
            ],
        )
        # Reads in the same session see the new values, not the row loaded before.
        assert students.get(session, first.id).forename == "Zoë"
    with store.transaction() as session:
        assert [
            (s.forename, s.candidate_number, s.upn, s.reg_group, s.year_group)
            for s in students.all_records(session)
        ] == [
            ("Zoë", "0001", "", "", None),
            ("Łukasz", "0002", "A123456789012", "", None),
            ("Ingrid", "", "", "11A", 11),
        ]
        assert [s.forename for s in students.page(session, ListQuery(search="zoe"))] == ["Zoë"]
        summaries = [e.summary for e in audit.entries_for(session, "student", second.id)]
    assert summaries == [
        "Added Lukasz Kowalski",
        "Changed forename, candidate_number of Łukasz Kowalski",
    ]


def _counts(store: Database) -> tuple[int, int]:
    with store.transaction() as session:
        return (
            students.count(session),
            session.scalar(select(func.count()).select_from(AuditRow)) or 0,
        )


@pytest.mark.both_stores
def test_dry_plans_write_nothing(store: Database) -> None:
    before = _counts(store)
    for text in (SIMS, ARBOR, BROMCOM, PLAIN_TAB):
        build_plan(store, source_from_bytes(text.encode(), "t.csv"))
    assert _counts(store) == before


# --- properties (Hypothesis) ----------------------------------------------------------------

EXISTING = [
    Student(id=1, surname="Smith", forename="Zoë", candidate_number="0042", upn="A123456789012"),
    Student(id=2, surname="Nguyễn", forename="Thị Mai", candidate_number="0043"),
]
HEADINGS = (
    b"Legal Surname,Forename,Candidate No,UPN,Reg Group,Year\r\n",
    "Surname;Forename;Cand No;Year\n".encode("utf-16"),
    b"Name\tUPN\n",
    b"",
)


def _plan_or_refusal(data: bytes) -> None:
    try:
        plan = make_plan(source_from_bytes(data, "fuzz.csv"), EXISTING)
    except OwnWorkError:
        event("refused")
        return
    event("planned with errors" if plan.has_errors else "planned clean")
    # Every part a caller reads must work on whatever came out.
    assert plan.counts().total == len(plan.rows)
    assert all(str(error) for error in plan.errors())
    assert plan.has_errors == bool(plan.errors())
    for row in plan.rows:
        assert (row.action is Action.ERROR) == bool(row.errors) or bool(plan.problems)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_plan_or_a_clear_refusal(data: bytes) -> None:
    _plan_or_refusal(data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HEADINGS), st.binary(max_size=2000))
def test_arbitrary_bytes_after_real_headings_give_a_plan_or_a_clear_refusal(
    heading: bytes, data: bytes
) -> None:
    _plan_or_refusal(heading + data)


_cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "Zoë", "Łukasz", "O'Brien", "Smith, Jr", '"', "\r\n", "Year 11", "42"]),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_cell, max_size=7), max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_arbitrary_unicode_tables_give_a_plan_or_a_clear_refusal(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    lines = ["Surname,Forename,Candidate No,UPN,Year".replace(",", delimiter)]
    for cells in rows:
        quoted = ['"' + c.replace('"', '""') + '"' if len(c) % 2 else c for c in cells]
        lines.append(delimiter.join(quoted))
    _plan_or_refusal("\r\n".join(lines).encode(encoding, errors="replace"))


_any_row = st.tuples(
    st.sampled_from(["Smith", "Nguyễn", "", " ", "X" * 101]),
    st.sampled_from(["Zoë", "Łukasz", ""]),
    st.sampled_from(["", "1", "42", "12345", "4x"]),
    st.sampled_from(["", "A123456789012", "bad"]),
    st.sampled_from(["", "11", "15", "Reception"]),
)
_good_row = st.tuples(
    st.sampled_from(["Smith", "Nguyễn", "O'Brien", "Ødegård", "Kowalski"]),
    st.sampled_from(["Zoë", "Łukasz", "Siobhán", "Thị Mai"]),
    st.sampled_from([str(n) for n in range(40, 52)]),
    st.sampled_from(["", "", "", "", "A123456789012", "B123456789012"]),
    st.sampled_from(["", "11", "Year 10", "Y9"]),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.one_of(_good_row, _good_row, _good_row, _any_row), min_size=1, max_size=4))
def test_apply_commits_everything_or_nothing(
    store: Database, rows: list[tuple[str, str, str, str, str]]
) -> None:
    lines = ["Surname,Forename,Candidate No,UPN,Year"]
    lines += [",".join(f'"{value}"' for value in row) for row in rows]
    before = all_students(store)
    audit_before = audit_count(store)
    plan = build_plan(store, source_from_bytes("\n".join(lines).encode(), "prop.csv"))
    try:
        result = apply_plan(store, plan)
    except OwnWorkError:
        event("refused")
        assert plan.has_errors
        assert all_students(store) == before
        assert audit_count(store) == audit_before
        return
    event("applied, with updates" if result.updated else "applied")
    assert not plan.has_errors
    after = {s.id: s for s in all_students(store)}
    assert len(after) == len(before) + result.created
    stored = {(s.surname, s.forename, s.candidate_number, s.upn) for s in after.values()}
    for row in plan.rows:
        assert row.draft is not None
        key = (row.draft.surname, row.draft.forename, row.draft.candidate_number, row.draft.upn)
        assert key in stored
    written = result.created + result.updated
    assert audit_count(store) == audit_before + written + 1


# --- command line ---------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_cli_dry_run_shows_the_mapping_and_writes_nothing(
    tmp_path: Path, store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(tmp_path, "sims.csv", SIMS, "utf-8-sig")
    code, out, err = cli(capsys, "import-students", file, "--dry-run")
    assert (code, err) == (0, "")
    assert "read as UTF-8 (with BOM), comma-separated, headings on row 1, 5 student rows" in out
    assert re.search(r"^  Surname +Legal Surname$", out, re.MULTILINE)
    assert re.search(r"^  Candidate number +Candidate No\.$", out, re.MULTILINE)
    assert re.search(r"^  UPN +UPN$", out, re.MULTILINE)
    assert "Columns not used: Preferred Forename, Gender" in out
    assert "New: 5, updated: 0, unchanged: 0, rows with errors: 0" in out
    assert out.rstrip().endswith("Dry run: nothing was imported.")
    assert all_students(store) == []


def test_cli_imports_then_matches_on_the_second_run(
    tmp_path: Path, store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(tmp_path, "bromcom.csv", BROMCOM)
    code, out, _ = cli(capsys, "import-students", file)
    assert code == 0
    assert "Imported: 5 new, 0 updated, 0 unchanged." in out
    moved = write(tmp_path, "moved.csv", BROMCOM.replace(";11B;", ";12B;"))
    code, out, _ = cli(capsys, "import-students", moved, "--json")
    report = json.loads(out)
    assert code == 0
    assert report["counts"] == {"new": 0, "updated": 2, "unchanged": 3, "errors": 0}
    assert report["imported"] is True
    assert report["mapping"]["reg_group"] == "Tutor Group"
    assert sorted(s.reg_group for s in all_students(store)) == ["11A", "11A", "11C", "12B", "12B"]


def test_cli_reports_each_row_error_and_imports_nothing(
    tmp_path: Path, store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "Surname,Forename,Cand No\n,Zoë,42\nSmith,Tom,12345\nJones,Ann,42\nBrown,Eve,47\n"
    code, out, err = cli(capsys, "import-students", write(tmp_path, "bad.csv", bad))
    assert code == 1
    assert out.splitlines()[-4:] == [
        "row 2: Surname is required.",
        "row 2: Candidate number 0042 is also on row 4 of the file.",
        "row 3: Candidate number must be four digits, e.g. 0423.",
        "row 4: Candidate number 0042 is also on row 2 of the file.",
    ]
    assert err == "ownwork: 4 errors in bad.csv; nothing was imported.\n"
    assert all_students(store) == []
    code, out, _ = cli(capsys, "import-students", write(tmp_path, "bad.csv", bad), "--json")
    assert code == 1
    assert [e["row"] for e in json.loads(out)["errors"]] == [2, 2, 3, 4]


def test_cli_map_overrides_the_guess(
    tmp_path: Path, store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Surname,Preferred,Legal Forename,Cand No\nSmith,Zo,Zoë,42\n"
    file = write(tmp_path, "t.csv", text)
    code, _, _ = cli(capsys, "import-students", file, "--map", "forename=B", "--map", "upn=")
    assert code == 0
    assert [s.forename for s in all_students(store)] == ["Zo"]
    code, _, err = cli(capsys, "import-students", file, "--map", "forename=Nickname")
    assert (code, err) == (1, 'ownwork: --map: the file has no column "Nickname".\n')
    code, _, err = cli(capsys, "import-students", file, "--map", "colour=B")
    assert code == 1
    assert "is not FIELD=COLUMN" in err


def test_cli_unreadable_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04rest of a zip")
    code, out, err = cli(capsys, "import-students", str(path))
    assert code == 1
    assert out == ""
    assert err.startswith("ownwork: This file is an Excel workbook (.xlsx)")
    assert err.count("\n") == 1
