"""The schema revisions this build knows, kept apart from the SQLAlchemy code.

Start-up checks the stored revision against these before the window is shown, and the resource
check compares them with the shipped migrations; neither should pay for importing SQLAlchemy.
"""

from __future__ import annotations

# Every revision this build knows, oldest first.  A database at a revision not listed here was
# written by a newer OwnWork and must not be touched.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")
HEAD_REVISION = KNOWN_REVISIONS[-1]
