"""The school's server going away and coming back, as the main window sees it.

While the records are on the school's server, ``ServerWatch`` asks it a trivial question every
few seconds on a reading lane of its own (ui/operation.py), so a server that hangs holds no
other work.  When it does not answer, a banner across the top of the main window says so and
what still happens (what is typed in a conversation is kept on this computer, by the
walk-through's journal, app/services/journal.py); when it answers again the banner goes.

Whenever the server answers and journals are waiting in the data folder (a kill -9 or a power
cut while the server was away), they are replayed on the writing thread, every one of this
store, once (``replay_pending``), and the teacher is told in one sentence what was saved.  What
the record would no longer take (a conversation finalised meanwhile) is kept on this computer,
and a second banner line says where and what to do.  At start-up the first check runs as soon
as the store is open: the launcher (ui/application.py) calls ``watch_server``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar, QVBoxLayout, QWidget

from app.errors import StoreUnreachableError
from app.services import Database
from app.services import journal as journals
from app.services.journal import Kept, Replayed
from ui.operation import Runner

log = logging.getLogger(__name__)

OBJECT_NAME = "serverAwayBanner"
# How often the server is asked whether it is there (milliseconds).
CHECK_EVERY_MS = 10_000
_LANE = "server"


def _tr(text: str) -> str:
    return QCoreApplication.translate("server_away", text)


def kept_sentence(kept: Kept) -> str:
    """What the teacher needs to know about changes set aside: how many, why, where, and what
    to do about them."""
    return _tr(
        "{0} change(s) typed while the school's server was away could not be saved ({1}); "
        "they are kept on this computer in {2}: if they matter, add them to the record with "
        "Case › Amend a finalised record…"
    ).format(kept.count, kept.reason.rstrip("."), kept.path)


def replayed_sentence(replayed: Replayed) -> str:
    return _tr(
        "What was typed while the school's server was away is now saved on it: {0} change(s) "
        "in {1} conversation(s)."
    ).format(replayed.saved, len(set(replayed.conversations)))


AWAY_TEXT = (
    "The school's server cannot be reached. What you type in a conversation is kept on this "
    "computer and saved to the server when it is back; other changes cannot be saved until "
    "then. OwnWork keeps trying."
)


class _Banner(QLabel):
    """A wrapped label as tall as its lines at its width (a toolbar asks only for a size hint,
    which a wrapped label otherwise gives for a narrow guess)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        # Before the toolbar has laid it out, its width is a guess: take the window's.
        width = max(self.width(), self.window().width() - 40, 400)
        return QSize(hint.width(), self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # A wrapped label's own minimum is for a narrow guess (many lines): as tall as the hint.
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


class _Column(QWidget):
    """The banner's lines, one above the other, as tall as their lines at the window's width
    (a layout would ask its labels for the height of a narrow guess)."""

    def sizeHint(self) -> QSize:
        labels = [label for label in self.findChildren(_Banner) if not label.isHidden()]
        height = sum(label.sizeHint().height() for label in labels)
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


class ServerWatch(QObject):
    """Watches the server for ``window`` (see the module docstring)."""

    def __init__(
        self,
        window: QMainWindow,
        store: Database,
        journal_folder: Path,
        *,
        every_ms: int = CHECK_EVERY_MS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self._folder = journal_folder
        self._replaying = False
        self.away = False
        self.kept: list[Kept] = []
        self._away_label = self._label(_tr("School's server not reachable"))
        self._kept_label = self._label(_tr("Changes not saved"))
        self.bar = QToolBar(_tr("School's server"), window)
        self.bar.setObjectName(OBJECT_NAME)
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        self.bar.toggleViewAction().setEnabled(False)
        column = _Column()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._away_label)
        layout.addWidget(self._kept_label)
        self.bar.addWidget(column)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(self.check)

    @staticmethod
    def _label(name: str) -> QLabel:
        label = _Banner()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        label.setAccessibleName(name)
        label.setStyleSheet(
            "QLabel { background: #fff4ce; color: #3d2e00; border: 1px solid #c9a227;"
            " padding: 6px 10px; }"
        )
        label.hide()
        return label

    def check(self) -> None:
        """Ask the server now (and again every few seconds after the answer)."""
        self._timer.stop()
        store, folder = self._store, self._folder
        principal = store.principal

        def ask() -> bool:
            # Raises StoreUnreachableError when the server is away; True: journals to replay.
            journals.server_answers(principal, store)
            return bool(journals.pending(folder, store))

        Runner.instance().read(
            ask, success=self._answered, failure=self._not_answered, owner=self, lane=_LANE
        )

    def _answered(self, journals_waiting: bool) -> None:
        self._set_away(False)
        if journals_waiting and not self._replaying:
            self._replaying = True
            store, folder = self._store, self._folder
            Runner.instance().write(
                lambda: journals.replay_pending(store.principal, store, folder),
                success=self._replayed,
                failure=self._replay_failed,
                owner=self,
            )
            return
        self._timer.start()

    def _not_answered(self, error: BaseException) -> None:
        if isinstance(error, StoreUnreachableError):
            self._set_away(True)
        else:
            log.warning("the school's server could not be asked: %s", error)
        self._timer.start()

    def _replayed(self, replayed: Replayed) -> None:
        self._replaying = False
        if replayed.saved:
            message = replayed_sentence(replayed)
            log.info("%s", message)
            self._window.statusBar().showMessage(message)
        if replayed.kept:
            self.kept.extend(replayed.kept)
            self._kept_label.setText("\n".join(kept_sentence(kept) for kept in self.kept))
            self._kept_label.show()
            self._show_bar()
        self._timer.start()

    def _replay_failed(self, error: BaseException) -> None:
        self._replaying = False
        if isinstance(error, StoreUnreachableError):
            self._set_away(True)
        else:
            # The journals stay where they are and are tried again at the next check.
            log.error("replaying the journals failed", exc_info=error)
        self._timer.start()

    def _set_away(self, away: bool) -> None:
        if away == self.away:
            return
        self.away = away
        if away:
            self._away_label.setText(_tr(AWAY_TEXT))
            self._away_label.show()
        else:
            self._away_label.hide()
        self._show_bar()

    def _show_bar(self) -> None:
        self.bar.setVisible(self.away or bool(self.kept))

    def stop(self) -> None:
        self._timer.stop()


def watch_server(window: QMainWindow, store: Database, journal_folder: Path) -> ServerWatch:
    """Start watching (the first check at once): the launcher's one call."""
    watch = ServerWatch(window, store, journal_folder)
    watch.check()
    return watch
