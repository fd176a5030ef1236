"""What a command handler is given: the resolved paths and a lazily opened store."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.paths import AppPaths

if TYPE_CHECKING:
    from app.storage.database import Database
    from app.storage.writer_lock import WriterLock


class CommandContext:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self._writer: WriterLock | None = None

    def hold_writer_lock(self) -> None:
        """Refuse (``FolderBusyError``) while the window or another command writes here."""
        from app.storage.writer_lock import WriterLock

        self._writer = WriterLock(self.paths, "an ownwork command")
        self._writer.acquire_or_refuse()

    @cached_property
    def store(self) -> Database:
        from app.storage.database import open_store

        return open_store(self.paths)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
        if self._writer is not None:
            self._writer.release()
