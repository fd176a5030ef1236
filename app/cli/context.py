"""What a command handler is given: the resolved paths and a lazily opened store."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.paths import AppPaths

if TYPE_CHECKING:
    from app.storage.database import Database


class CommandContext:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths

    @cached_property
    def store(self) -> Database:
        from app.storage.database import open_store

        return open_store(self.paths)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
