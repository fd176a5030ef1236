"""Dates as teachers in the UK type them: day first, in the separators and shortenings people use.

Kept free of Qt so the same reading serves the date fields in the window, the command line and
the import of files; the wording of any message belongs to the caller (the window translates it).
"""

from __future__ import annotations

import datetime as dt
import enum
import re

# Day, month and year separated by "/", "-", ".", or spaces; or the digits run together.
_SEPARATED = re.compile(r"^\s*(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})\s*$")
_RUN_TOGETHER = re.compile(r"^\s*(\d{2})(\d{2})(\d{2}|\d{4})\s*$")


class DateProblem(enum.Enum):
    UNREADABLE = "unreadable"  # not in any form we read as a date
    NO_SUCH_DAY = "no_such_day"  # read, but the calendar has no such day (31/02)


class DateNotRead(ValueError):
    """The text is not a date; ``problem`` says why, for the caller's own words."""

    def __init__(self, problem: DateProblem, text: str) -> None:
        super().__init__(f"{problem.value}: {text!r}")
        self.problem = problem


def parse_uk_date(text: str) -> dt.date | None:
    """``None`` for an empty field; otherwise the date, day first, or ``DateNotRead``.

    Two-digit years are this century's (a record of coursework is never about the 1920s).
    """
    if not text.strip():
        return None
    match = _SEPARATED.match(text) or _RUN_TOGETHER.match(text)
    if match is None:
        raise DateNotRead(DateProblem.UNREADABLE, text)
    day, month, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateNotRead(DateProblem.NO_SUCH_DAY, text) from None


def format_uk_date(value: dt.date | None) -> str:
    """The form the date fields show: 12/03/2026; empty for no date."""
    return "" if value is None else value.strftime("%d/%m/%Y")
