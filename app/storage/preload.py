"""The storage modules the main window needs, imported in one go.

The GUI imports this in a worker thread once the window is painted (ui/application.py), so the
most of a second SQLAlchemy and the ORM take to import is spent behind a window already on
screen.  The benchmarks import it alone to time that cost (benchmarks/bench_startup.py).
"""

# The SQLite dialect too, which ``create_engine`` would otherwise import on first use.
import sqlalchemy.dialects.sqlite  # noqa: F401

from app.storage import (
    case_files,
    conversations,
    database,
    listing,
    migrate,
    sqlite,
    students,
    submissions,
)

__all__ = [
    "case_files",
    "conversations",
    "database",
    "listing",
    "migrate",
    "sqlite",
    "students",
    "submissions",
]
