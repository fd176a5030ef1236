"""Errors the core raises on purpose.  Each carries a sentence fit to show a teacher as it is.

The CLI prints ``str(error)`` on one line; the GUI shows it in a dialog or beside a field.
Anything that is not an ``OwnWorkError`` is a bug: it is logged with its traceback and reported
as unexpected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


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


@dataclass(frozen=True)
class FieldVersions:
    """One field of a record as another member of staff saved it and as this form would."""

    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


class ConflictError(OwnWorkError):
    """Someone else saved the record after the form was opened; nothing was written.

    ``their_version`` is the record's version now (a save with it applies "mine over theirs");
    ``your_version`` the one the form started from.  ``fields`` gives both versions field by
    field; ``changed_by`` and ``changed_at`` come from the audit log's newest entry for it.
    """

    def __init__(
        self,
        *,
        what: str,
        changed_by: str,
        changed_at: dt.datetime | None,
        their_version: int,
        your_version: int,
        fields: Sequence[FieldVersions],
        entity: str = "",
        record_id: int | None = None,
    ) -> None:
        self.what = what
        # Which record (the audit log's entity name and id): a form saving several records
        # (the centre and its staff) knows which one to save again from ``their_version``.
        self.entity = entity
        self.record_id = record_id
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.their_version = their_version
        self.your_version = your_version
        self.fields = tuple(fields)
        differing = [field.label for field in self.fields if field.differs]
        parts = [changed_by or "Someone else", "changed", what]
        if differing:
            parts.append(f"({', '.join(differing)})")
        if changed_at is not None:
            parts.append(when_said(changed_at))
        super().__init__(" ".join(parts) + " after you opened it; nothing was saved.")


def when_said(moment: dt.datetime) -> str:
    """'at 09:14 on 07/12/2026', in the computer's local time."""
    local = moment.astimezone()
    return f"at {local:%H:%M} on {local:%d/%m/%Y}"


class StoreUnreachableError(StoreError):
    """The database server cannot be reached (refused, reset, gone away mid-transaction).

    Unlike the other store errors, nothing is wrong with the data: the same request succeeds
    once the server is back, so a caller may keep the change and try again later."""
