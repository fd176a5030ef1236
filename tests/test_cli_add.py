"""``ownwork add student|submission|conversation``: the forms' checks and messages, one line on
error, nothing saved when refused, and ``--json`` with the new id."""

from __future__ import annotations

import json

import pytest

from app.cli.main import main
from app.domain.principal import Principal
from app.paths import AppPaths
from app.services import records
from app.storage.database import connect


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _add_student(capsys: pytest.CaptureFixture[str], number: str = "0423") -> int:
    code, out, err = run(
        capsys,
        "add",
        "student",
        "--surname",
        "Nguyễn",
        "--forename",
        "Thị Mai",
        "--candidate-number",
        number,
        "--upn",
        "a123456789012",
        "--reg-group",
        "11B",
        "--year",
        "11",
        "--json",
    )
    assert code == 0, err
    record = json.loads(out)
    assert record["upn"] == "A123456789012" and record["year_group"] == 11
    return int(record["id"])


def test_a_student_added_on_the_command_line_is_listed_with_its_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    student_id = _add_student(capsys)
    listed = json.loads(run(capsys, "list", "students", "--json")[1])
    assert [(s["id"], s["surname"], s["candidate_number"]) for s in listed] == [
        (student_id, "Nguyễn", "0423")
    ]


def test_a_bad_student_is_refused_naming_each_option_and_nothing_is_saved(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "add", "student", "--surname", " ", "--forename", "Ann", "--candidate-number", "12a"
    )
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "--surname: Surname is required." in err
    assert "--candidate-number: Candidate number must be four digits, e.g. 0423." in err
    assert json.loads(run(capsys, "list", "students", "--json")[1]) == []


def test_a_candidate_number_already_held_is_refused_with_the_forms_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _add_student(capsys)
    code, _, err = run(
        capsys,
        "add",
        "student",
        "--surname",
        "Lee",
        "--forename",
        "Bo",
        "--candidate-number",
        "423",
    )
    assert code == 1
    assert err.strip() == (
        "ownwork: --candidate-number: Thị Mai Nguyễn already has candidate number 0423."
    )


def test_a_submission_and_a_conversation_follow_from_the_printed_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    student_id = _add_student(capsys)
    code, out, err = run(
        capsys,
        "add",
        "submission",
        "--student",
        str(student_id),
        "--awarding-body",
        "AQA",
        "--qualification",
        "A level History",
        "--component",
        "7042C",
        "--title",
        "The Tudors",
        "--handed-in",
        "12/03/2026",
        "--declaration-signed",
        "2026-03-13",
        "--json",
    )
    assert code == 0, err
    submission = json.loads(out)
    assert submission["handed_in_on"] == "2026-03-12"
    assert submission["declaration_signed"] is True
    code, out, err = run(
        capsys,
        "add",
        "conversation",
        "--submission",
        str(submission["id"]),
        "--led-by",
        "Ms Okafor",
        "--second-staff",
        "Mr Lee",
        "--at",
        "2026-03-20T14:30+00:00",
        "--json",
    )
    assert code == 0, err
    conversation = json.loads(out)
    assert conversation["held_at"] == "2026-03-20T14:30:00+00:00"
    assert (conversation["led_by_name"], conversation["second_staff_name"]) == (
        "Ms Okafor",
        "Mr Lee",
    )
    # The same lead in other capitals is the same member of staff.
    code, out, _ = run(
        capsys,
        "add",
        "conversation",
        "--submission",
        str(submission["id"]),
        "--led-by",
        "MS OKAFOR",
    )
    assert code == 0 and out.startswith("Planned conversation ")
    listed = json.loads(run(capsys, "list", "conversations", "--json")[1])
    assert {c["led_by_id"] for c in listed} == {conversation["led_by_id"]}


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--handed-in", "31/02/2026", "--handed-in: there is no such day as 31/02/2026."),
        ("--handed-in", "soon", "--handed-in: 'soon' is not a date"),
        ("--student", "999", "--student: That student no longer exists."),
    ],
)
def test_a_bad_submission_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    _add_student(capsys)
    given = {"--student": "1", "--handed-in": ""} | {option: value}
    code, _, err = run(
        capsys,
        "add",
        "submission",
        "--awarding-body",
        "AQA",
        "--qualification",
        "Q",
        "--component",
        "C",
        "--title",
        "T",
        *[part for pair in given.items() for part in pair],
    )
    assert code == 1 and err.count("\n") == 1 and message in err
    assert json.loads(run(capsys, "list", "submissions", "--json")[1]) == []


def test_a_conversation_about_no_submission_adds_no_member_of_staff(
    capsys: pytest.CaptureFixture[str], paths: AppPaths
) -> None:
    code, _, err = run(capsys, "add", "conversation", "--submission", "5", "--led-by", "Mr Lee")
    assert code == 1 and "--submission: That submission no longer exists." in err
    assert run(capsys, "add", "conversation", "--submission", "5", "--at", "tomorrow")[2] == (
        "ownwork: --at: 'tomorrow' is not a date and time; give it as 2027-03-12T14:30.\n"
    )
    store = connect(paths)
    try:
        assert records.list_staff(Principal.personal(), store) == []
    finally:
        store.dispose()


def test_adding_is_refused_while_the_window_holds_the_folder(
    capsys: pytest.CaptureFixture[str], paths: AppPaths
) -> None:
    _add_student(capsys)
    from app.services import store

    window = store.hold_writer_lock(Principal.personal(), paths, "the OwnWork window")
    try:
        code, _, err = run(
            capsys,
            "add",
            "student",
            "--surname",
            "Lee",
            "--forename",
            "Bo",
            "--candidate-number",
            "7",
        )
    finally:
        window.release()
    assert code == 1 and err.count("\n") == 1 and "OwnWork window" in err
    assert len(json.loads(run(capsys, "list", "students", "--json")[1])) == 1
