"""A case handed on (to the exams officer or a colleague) and a head of department's review
note, as the services return them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Share:
    conversation_id: int
    # One of the two: the role it was passed to ("exams-officer") or the colleague's login.
    passed_to_role: str | None
    shared_with_login: str | None
    by_login: str
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ReviewNote:
    conversation_id: int
    author_login: str
    written_at: dt.datetime
    text: str
