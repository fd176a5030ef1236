"""The pages of the school's roles that are not lists of records: tabs after the lists, each
shown to the principals whose ``Uses`` (app/domain/access.py) say so, with a View entry and a
shortcut (Ctrl+Alt+<place>).  A new one is one entry in ``ROLE_PAGES``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.domain.access import Uses
from app.i18n import N_

if TYPE_CHECKING:
    from app.services import Database


@dataclass(frozen=True)
class RolePage:
    """A page of one of the school's roles, a tab after the lists: the statistics, a subject
    access request, or (for IT) what the window is not for."""

    key: str
    tab: str
    shortcut: str  # View › <tab>
    shown: Callable[[Uses], bool]
    # Made given the store's source and the window; its ``activate()`` runs when shown.
    make: Callable[[Callable[[], Database], QWidget], QWidget]


def _statistics_page(store: Callable[[], Database], parent: QWidget) -> QWidget:
    from ui.statistics_view import StatisticsView

    return StatisticsView(store, parent)


def _subject_access_page(store: Callable[[], Database], parent: QWidget) -> QWidget:
    from ui.subject_access_view import SubjectAccessView

    return SubjectAccessView(store, parent)


def _store_care_page(_store: Callable[[], Database], parent: QWidget) -> QWidget:
    from ui.store_care_view import StoreCareView

    return StoreCareView(parent)


ROLE_PAGES: tuple[RolePage, ...] = (
    RolePage(
        key="statistics",
        tab=N_("S&tatistics"),
        shortcut="Ctrl+Alt+1",
        shown=attrgetter("statistics"),
        make=_statistics_page,
    ),
    RolePage(
        key="subject_access",
        tab=N_("Subject &access"),
        shortcut="Ctrl+Alt+2",
        shown=attrgetter("subject_access"),
        make=_subject_access_page,
    ),
    # IT looks after the store from the command line and sees no record: a sentence says so.
    RolePage(
        key="store_care",
        tab=N_("&Looking after the records"),
        shortcut="Ctrl+Alt+3",
        shown=lambda uses: uses.looks_after_store and not uses.record_lists,
        make=_store_care_page,
    ),
)
