"""The storage modules the main window needs, imported in one go before PySide6.

``ownwork`` imports this first when it opens the window.  Once PySide6 is loaded, its import
hook inspects every module imported after it (it reads the module's source to see whether it
uses PySide6), which makes SQLAlchemy's few hundred modules about 15 % slower to load; the window
needs them all before its first paint anyway.  See docs/performance.md.
"""

# The SQLite dialect too: ``create_engine`` would otherwise import it after PySide6.
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
