"""What a list asks for: a filter, a sort and a window of rows (by key: after a given row).

Plain data, free of SQLAlchemy and Qt, so that the main window can build its lists before the
storage layer is loaded; ``app.storage.listing`` turns it into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.text import search_key

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    sort: str = ""
    descending: bool = False
    offset: int = 0
    limit: int | None = DEFAULT_LIMIT
    # The id of the last row the list shows: the window starts after that row's sort key (its
    # sort columns, then its id), so rows added or removed meanwhile neither repeat nor vanish
    # (app/storage/listing.py).  ``offset`` is used only when that row has gone.
    after_id: int | None = None


# Punctuation around a word, as in a label copied back into the filter ("Ødegård, Zoë (0007)"):
# dropped from the words searched for, which only ever widens the match.
_AROUND_WORDS = ',;:.!?()[]{}"«»“”'


def search_terms(text: str) -> list[str]:
    """Folded words: every word must appear somewhere in the record's search key."""
    words = (word.strip(_AROUND_WORDS) for word in search_key(text).split())
    return [word for word in words if word]
