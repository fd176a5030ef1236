"""``ownwork add student|submission|conversation``: create a record without the window.

Each calls the same use case as the window's form (``app.services.records``), so the checks and
their messages are the form's; a problem names the option it is about.  ``--json`` prints the
new record with its id, for scripts that go on to add its submissions or conversations.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from typing import Any

from app.cli.commands import add_command
from app.cli.context import CommandContext
from app.errors import OwnWorkError, ValidationError

# The record's field each option sets, for messages that name the option the teacher typed.
_OPTIONS: Mapping[str, str] = {
    "surname": "--surname",
    "forename": "--forename",
    "candidate_number": "--candidate-number",
    "upn": "--upn",
    "reg_group": "--reg-group",
    "year_group": "--year",
    "student_id": "--student",
    "awarding_body": "--awarding-body",
    "qualification": "--qualification",
    "component_code": "--component",
    "title": "--title",
    "exam_series": "--exam-series",
    "handed_in_on": "--handed-in",
    "declaration_signed": "--declaration-signed",
    "declaration_signed_on": "--declaration-signed",
    "submission_id": "--submission",
    "held_at": "--at",
    "led_by_id": "--led-by",
    "second_staff_id": "--second-staff",
    "others_present": "--others-present",
}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_command(
        subparsers,
        common,
        "add",
        summary="add a student, a submission or a conversation",
        description="Add one record, checked as the application's forms check it.",
    )
    kinds = group.add_subparsers(dest="kind", metavar="KIND", required=True)

    student = add_command(
        kinds,
        common,
        "student",
        summary="add a student",
        description="Add a student as the school's MIS holds them.",
        handler=run_student,
        writes=True,
    )
    student.add_argument("--surname", required=True, metavar="S")
    student.add_argument("--forename", required=True, metavar="F")
    student.add_argument("--candidate-number", required=True, metavar="N", help="four digits")
    student.add_argument("--upn", default="", metavar="U")
    student.add_argument("--reg-group", default="", metavar="G")
    student.add_argument("--year", type=int, default=None, metavar="Y", help="1 to 14")
    _json(student)

    submission = add_command(
        kinds,
        common,
        "submission",
        summary="add a submission (one piece of coursework)",
        description="Add one piece of coursework for one component, by one student.",
        handler=run_submission,
        writes=True,
    )
    submission.add_argument("--student", required=True, type=int, metavar="ID")
    submission.add_argument("--awarding-body", required=True, metavar="B")
    submission.add_argument("--qualification", required=True, metavar="Q")
    submission.add_argument("--component", required=True, metavar="C", help="component code")
    submission.add_argument("--title", required=True, metavar="T", help="title of the work")
    submission.add_argument("--exam-series", default="", metavar="S", help="e.g. June 2027")
    submission.add_argument("--handed-in", default="", metavar="DATE", help="e.g. 12/03/2027")
    submission.add_argument(
        "--declaration-signed",
        default="",
        metavar="DATE",
        help="the day the student signed the authentication declaration",
    )
    _json(submission)

    conversation = add_command(
        kinds,
        common,
        "conversation",
        summary="plan an authenticity conversation",
        description="Plan a conversation about a submission. A name not yet among the staff "
        "is added as a member of staff.",
        handler=run_conversation,
        writes=True,
    )
    conversation.add_argument("--submission", required=True, type=int, metavar="ID")
    conversation.add_argument("--led-by", default="", metavar="NAME")
    conversation.add_argument("--second-staff", default="", metavar="NAME")
    conversation.add_argument("--others-present", default="", metavar="TEXT")
    conversation.add_argument(
        "--at",
        default="",
        metavar="DATETIME",
        help="when, in local time, e.g. 2027-03-12T14:30 (default: now)",
    )
    _json(conversation)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the new record as JSON")


def _refused(error: ValidationError) -> OwnWorkError:
    """The form's messages, each after the option it is about."""
    return OwnWorkError(
        "; ".join(
            f"{_OPTIONS.get(field, field)}: {message}"
            for field, message in error.field_errors.items()
        )
    )


def _date(option: str, text: str) -> dt.date | None:
    from app.domain.dates import DateNotRead, DateProblem, parse_uk_date

    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return parse_uk_date(text)
    except DateNotRead as error:
        if error.problem is DateProblem.NO_SUCH_DAY:
            raise OwnWorkError(f"{option}: there is no such day as {text}.") from None
        raise OwnWorkError(
            f"{option}: {text!r} is not a date; give it as 12/03/2027 or 2027-03-12."
        ) from None


def _moment(text: str) -> dt.datetime:
    if not text.strip():
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise OwnWorkError(
            f"--at: {text!r} is not a date and time; give it as 2027-03-12T14:30."
        ) from None
    # A time without a zone is the computer's local time, as the form's clock shows it.
    return (moment if moment.tzinfo else moment.astimezone()).astimezone(dt.UTC)


def _print(args: argparse.Namespace, record: Any, line: str) -> int:
    from app.cli.output import dumps

    print(dumps(record) if args.json else line)
    return 0


def run_student(args: argparse.Namespace, context: CommandContext) -> int:
    from app.domain.records import StudentDraft
    from app.services import records

    draft = StudentDraft(
        surname=args.surname,
        forename=args.forename,
        candidate_number=args.candidate_number,
        upn=args.upn,
        reg_group=args.reg_group,
        year_group=args.year,
    )
    try:
        student = records.add_student(context.principal, context.store, draft).value
    except ValidationError as error:
        raise _refused(error) from None
    number = f" ({student.candidate_number})" if student.candidate_number else ""
    return _print(args, student, f"Added student {student.id}: {student.display_name}{number}")


def run_submission(args: argparse.Namespace, context: CommandContext) -> int:
    from app.domain.records import SubmissionDraft
    from app.services import records

    signed_on = _date("--declaration-signed", args.declaration_signed)
    draft = SubmissionDraft(
        student_id=args.student,
        awarding_body=args.awarding_body,
        qualification=args.qualification,
        component_code=args.component,
        title=args.title,
        exam_series=args.exam_series,
        handed_in_on=_date("--handed-in", args.handed_in),
        declaration_signed=signed_on is not None,
        declaration_signed_on=signed_on,
    )
    try:
        submission = records.add_submission(context.principal, context.store, draft).value
    except ValidationError as error:
        raise _refused(error) from None
    return _print(
        args,
        submission,
        f"Added submission {submission.id}: {submission.title or submission.qualification} "
        f"by {submission.student_name}",
    )


def run_conversation(args: argparse.Namespace, context: CommandContext) -> int:
    from app.services import records

    try:
        conversation = records.plan_conversation(
            context.principal,
            context.store,
            submission_id=args.submission,
            held_at=_moment(args.at),
            led_by=args.led_by or None,
            second_staff=args.second_staff or None,
            others_present=args.others_present,
        ).value
    except ValidationError as error:
        raise _refused(error) from None
    local = conversation.held_at.astimezone()
    return _print(
        args,
        conversation,
        f"Planned conversation {conversation.id} with {conversation.student_name} "
        f"on {local:%d/%m/%Y at %H:%M}",
    )
