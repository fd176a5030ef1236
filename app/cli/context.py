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
        # Who runs this command on this computer: the personal store's one principal (every
        # role), named after the signed-in account.  IT's server commands act as it; the
        # server itself decides what their login may do.
        self.caller = principal or Principal.personal()
        self._writer: WriterLock | None = None

    @property
    def principal(self) -> Principal:
        """Who the use cases act as: on the school's server the login the store was opened
        with and its roles (the server says, not this computer); otherwise the caller."""
        if self.database_url is None:
            return self.caller
        return self.store.principal

    def hold_writer_lock(self) -> None:
        """Refuse (``FolderBusyError``) while the window or another command writes here."""
        from app.errors import DatabaseReadOnlyError
        from app.services import store

        reason = store.read_only_reason(self.caller, self.paths)
        if reason is not None:
            raise DatabaseReadOnlyError(
                f"{reason}, so this command cannot change the records. They can still be "
                "listed, exported and backed up (with -o somewhere writable) and verified."
            )
        self._writer = store.hold_writer_lock(self.caller, self.paths, "an ownwork command")

    @cached_property
    def store(self) -> Database:
        from app.services import connect

        return connect(self.database_url or self.paths, principal=self.caller)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()
        if self._writer is not None:
            self._writer.release()
