"""Labels and date formats that every printed document shares, in OwnWork's own words."""

from __future__ import annotations

import datetime as dt

from app.domain.interview import Answer, InterviewContent, Route
from app.domain.records import Conclusion, Rating
from app.i18n import N_

RATING_LABELS: dict[Rating, str] = {
    Rating.CLEAR: N_("Explained clearly"),
    Rating.PARTLY: N_("Partly explained"),
    Rating.UNABLE: N_("Could not explain"),
}

CONCLUSION_LABELS: dict[Conclusion, str] = {
    Conclusion.SATISFIED: N_("Satisfied that the work is the student's own"),
    Conclusion.CONCERNS_REMAIN: N_("Concerns remain that the work may not be the student's own"),
    Conclusion.ACKNOWLEDGED: N_("The student acknowledged that the work is not wholly their own"),
}

ROUTE_LABELS: dict[Route, str] = {
    Route.NONE: "No further action about the authenticity of the work.",
    Route.INTERNAL: (
        "Dealt with inside the centre under its own policy: the authentication declaration "
        "had not been signed."
    ),
    Route.REFERRAL: (
        "To be reported to the awarding body: the authentication declaration had been signed."
    ),
}

NOT_RECORDED = "Not recorded"


def rating_label(answer: Answer) -> str:
    if answer.skipped:
        return "Not asked (skipped)"
    return RATING_LABELS[answer.rating] if answer.rating is not None else "Not rated"


def conclusion_label(conclusion: Conclusion | None) -> str:
    return CONCLUSION_LABELS[conclusion] if conclusion is not None else "No conclusion yet"


def local(value: dt.datetime) -> dt.datetime:
    """A stored UTC time in the computer's own time zone, which is the school's."""
    return value.astimezone() if value.tzinfo is not None else value


def long_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return NOT_RECORDED
    if isinstance(value, dt.datetime):
        value = local(value)
    return f"{value:%A} {value.day} {value:%B %Y}"


def clock(value: dt.datetime | None) -> str:
    return f"{local(value):%H:%M}" if value is not None else NOT_RECORDED


def length(content: InterviewContent) -> str:
    if content.started_at is None or content.ended_at is None:
        return NOT_RECORDED
    minutes = round((content.ended_at - content.started_at).total_seconds() / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"
