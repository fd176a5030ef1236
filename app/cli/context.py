"""What a command handler is given: the resolved paths, who is acting, and a lazily opened store.

Handlers pass ``principal`` and ``store`` to the use cases in ``app/services``; they never open a
transaction themselves."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.domain.principal import Principal
from app.paths import AppPaths

if TYPE_CHECKING:
    from app.services import Database
    from app.services.store import WriterLock


class CommandContext:
    def __init__(
        self,
        paths: AppPaths,
        principal: Principal | None = None,
        *,
        database_url: str | None = None,
    ) -> None:
        self.paths = paths
        # The school's server (--database-url or OWNWORK_DATABASE_URL); None: the data
        # folder's own database.
        self.database_url = database_url
        # The personal store's one principal (every role), named after the signed-in account.
        self.principal = principal or Principal.personal()
        self._writer: WriterLock | None = None

    def hold_writer_lock(self) -> None:
        """Refuse (``FolderBusyError``) while the window or another command writes here."""
        from app.errors import DatabaseReadOnlyError
        from app.services import store

        reason = store.read_only_reason(self.principal, self.paths)
        if reason is not None:
            raise DatabaseReadOnlyError(
                f"{reason}, so this command cannot change the records. They can still be "
                "listed, exported and backed up (with -o somewhere writable) and verified."
            )
        self._writer = store.hold_writer_lock(self.principal, self.paths, "an ownwork command")

    @cached_property
    def store(self) -> Database:
        from app.services import connect

        return connect(self.database_url or self.paths, principal=self.principal)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
        if self._writer is not None:
            self._writer.release()
