"""Errors the core raises on purpose.  Each carries a sentence fit to show a teacher as it is.

The CLI prints ``str(error)`` on one line; the GUI shows it in a dialog or beside a field.
Anything that is not an ``OwnWorkError`` is a bug: it is logged with its traceback and reported
as unexpected.
"""

from __future__ import annotations

from collections.abc import Mapping


class OwnWorkError(Exception):
    """Base for every expected failure; the message is written for the user."""


class DataFolderError(OwnWorkError):
    """The data folder is missing, cannot be created, or cannot be written."""


class StoreError(OwnWorkError):
    """The database file cannot be used as it is.  The file is left untouched."""


class NotADatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class DatabaseTooNewError(StoreError):
    pass


class MissingDatabaseError(StoreError):
    """The database is missing or empty in a folder that shows it was in use (evidence files,
    backups, settings): starting a new, empty store there would hide the loss."""


class DatabaseLockedError(StoreError):
    pass


class DatabaseReadOnlyError(StoreError):
    pass


class StorageFullError(StoreError):
    pass


class NotFoundError(OwnWorkError):
    """A record asked for by id does not exist."""


class ValidationError(OwnWorkError):
    """One or more fields are invalid; ``field_errors`` maps a field name to its message."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        summary = "; ".join(f"{field}: {message}" for field, message in self.field_errors.items())
        super().__init__(summary or "The record is not valid.")


class PermissionDenied(OwnWorkError):
    """The principal acting does not hold the role a use case needs (app/services)."""


class StoreUnreachableError(StoreError):
    """The database server cannot be reached (refused, reset, gone away mid-transaction).

    Unlike the other store errors, nothing is wrong with the data: the same request succeeds
    once the server is back, so a caller may keep the change and try again later."""
