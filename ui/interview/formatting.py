"""How the walk-through writes dates and durations on screen."""

from __future__ import annotations

import datetime as dt


def long_date(day: dt.date) -> str:
    """ "1 October 2026": the form British readers expect, without a leading zero."""
    return f"{day.day} {day:%B %Y}"


def duration(elapsed: dt.timedelta) -> str:
    """ "7:05" for minutes and seconds, "1:07:05" once past an hour."""
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
