"""The main window: students, submissions and conversations, with filters and details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from app.domain.access import Uses, uses
from app.domain.list_query import ListQuery
from app.domain.principal import Principal
from app.i18n import N_
from app.paths import AppPaths
from app.services.base import CONVERSATION, REFERRAL, STAFF, STUDENT, SUBMISSION, Changes
from ui.errors import report
from ui.models.record_models import (
    conversation_model,
    student_model,
    submission_model,
    waiting_model,
)
from ui.models.record_table import RecordTableModel
from ui.operation import Runner
from ui.records_pane import RecordsPane
from ui.role_pages import ROLE_PAGES
from ui.settings import Settings, WindowState
from ui.window_size import fit_to_screen

if TYPE_CHECKING:
    from app.domain.interview import InterviewContent
    from app.domain.records import Conversation, Student, Submission
    from app.domain.sharing import Share
    from app.services import Database


class MainWindow(QMainWindow):
    """The records window.  Made with ``store=None`` it shows at once, empty, with the actions
    that need records disabled, and ``attach_store`` fills it once the store is open: start-up
    paints the window before the storage layer is even imported (see ui/application.py)."""

    firstPainted = Signal()
    storeAttached = Signal()

    def __init__(
        self, store: Database | None, paths: AppPaths, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        # Each action with whether it needs the store and which principals use it.
        self._actions: list[tuple[QAction, bool, Callable[[Uses], bool]]] = []
        self.paths = paths
        self.settings = Settings(paths)
        self._state = WindowState(self.settings, "main")
        self._painted = False
        self._interviews: dict[int, QMainWindow] = {}
        self.setWindowTitle(self.tr("OwnWork"))
        self.setAccessibleName(self.tr("OwnWork main window"))
        # One pane per kind of record the principal uses, in the order of RECORD_KINDS (below
        # the class): its tab, its list, its details, what opens a record, and the changes it
        # follows; then the pages of the other roles (ROLE_PAGES).  Which ones: app/domain/
        # access.uses, from the principal of the store (until it is open, the personal one).
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Record lists"))
        self.uses = uses(store.principal if store is not None else Principal.personal())
        self.kinds: list[RecordKind] = []
        self._panes: list[RecordsPane] = []
        self._pages: list[Any] = []
        self._show_parts()
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._build_menus()
        self._refresh_actions()
        folder = QLabel(self.tr("Data folder: {0}").format(paths.data_dir), self)
        folder.setAccessibleName(self.tr("Data folder"))
        self.statusBar().addPermanentWidget(folder)
        fit_to_screen(self, 1280, 720)
        if self._state.restore(self, self._splitters()):
            fit_to_screen(self)  # saved on a larger screen than this one
        self.installEventFilter(self)
        if store is None:
            self.statusBar().showMessage(self.tr("Opening the records…"))
        else:
            self.attach_store(store)

    # --- the store ----------------------------------------------------------------------
    @property
    def store(self) -> Database:
        """The open store; the actions that use it are disabled until it is attached."""
        if self._store is None:
            raise RuntimeError("the records are not open yet")
        return self._store

    def _get_store(self) -> Database:
        return self.store

    @property
    def has_store(self) -> bool:
        return self._store is not None

    def attach_store(self, store: Database) -> None:
        """Show the records of ``store``: the list on screen is read now, the others when
        their tab is first shown."""
        self._store = store
        self.uses = uses(store.principal)
        self._show_parts()
        self._refresh_actions()
        self.statusBar().clearMessage()
        self._tab_changed(self.tabs.currentIndex())
        self.storeAttached.emit()

    def connect_to_server(self) -> None:
        """File › Connect to the school's server… (ui/server_dialog.py)."""
        from ui.server_dialog import connect_window

        connect_window(self, self.paths)

    def when_listed(self, then: Callable[[], None]) -> None:
        """Call ``then`` once the list on screen shows its first rows (read on a reading
        thread after ``attach_store``): what ``--smoke=listed`` waits for."""
        pane = self.current_pane()
        if pane is None:  # a role's page, not a list
            then()
            return
        model = pane.model
        if model.active and not model.loading:
            then()
            return

        def arrived() -> None:
            model.rowsLoaded.disconnect(arrived)
            then()

        model.rowsLoaded.connect(arrived)

    def _refresh_actions(self) -> None:
        """Each action shown to the principals who use it, enabled once it can act."""
        for action, needs_store, used in self._actions:
            shown = used(self.uses)
            action.setVisible(shown)
            action.setEnabled(shown and (self.has_store or not needs_store))
        for menu in getattr(self, "_menus", []):
            menu.menuAction().setVisible(
                any(a.isVisible() and not a.isSeparator() for a in menu.actions())
            )

    # --- structure ----------------------------------------------------------------------
    def _show_parts(self) -> None:
        """The tabs for what the principal uses: their kinds of record, then their pages."""
        kinds = [kind for kind in RECORD_KINDS if kind.shown(self.uses)]
        pages = [page for page in ROLE_PAGES if page.shown(self.uses)]
        if kinds == self.kinds and pages == [page for page, _ in self._pages]:
            return
        self.tabs.blockSignals(True)
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self.kinds, self._panes, self._pages = [], [], []
        applied = Runner.instance().changes_applied
        for kind in kinds:
            pane = RecordsPane(
                _tr(kind.name),
                kind.model(self._get_store, self),
                kind.describe,
                self,
                initial_sort=kind.initial_sort,
                read_details=partial(self._read_details, kind),
            )
            # Each list reads itself again when a use case reports a change to what it shows.
            pane.follow(applied, kind.follows)
            pane.activated.connect(partial(self._open_record, kind))
            self.tabs.addTab(pane, _tr(kind.tab))
            self.kinds.append(kind)
            self._panes.append(pane)
        for page in pages:
            widget = page.make(self._get_store, self)
            self.tabs.addTab(widget, _tr(page.tab))
            self._pages.append((page, widget))
        self.tabs.blockSignals(False)

    def panes(self) -> list[RecordsPane]:
        return list(self._panes)

    def pane_of(self, key: str) -> RecordsPane:
        """The list of kind ``key`` (a KeyError when this principal does not use it)."""
        for kind, pane in zip(self.kinds, self._panes, strict=True):
            if kind.key == key:
                return pane
        raise KeyError(key)

    def page_of(self, key: str) -> Any:
        """The role page ``key`` (ROLE_PAGES; a KeyError when this principal does not use it)."""
        for page, widget in self._pages:
            if page.key == key:
                return widget
        raise KeyError(key)

    @property
    def students(self) -> RecordsPane:
        return self.pane_of("students")

    @property
    def submissions(self) -> RecordsPane:
        return self.pane_of("submissions")

    @property
    def conversations(self) -> RecordsPane:
        return self.pane_of("conversations")

    def _splitters(self) -> dict[str, Any]:
        return {kind.key: pane.splitter for kind, pane in zip(self.kinds, self._panes, strict=True)}

    def _action(
        self,
        menu: Any,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        needs_store: bool = True,
        used: Callable[[Uses], bool] = lambda _uses: True,
    ) -> QAction:
        """A menu item; ``used``: which principals it is shown to (app/domain/access.Uses)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self._actions.append((action, needs_store, used))
        return action

    def _build_menus(self) -> None:
        lists, writes = attrgetter("record_lists"), attrgetter("writes_records")
        store_care, centre = attrgetter("looks_after_store"), attrgetter("centre_details")
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self._action(
            file_menu,
            self.tr("&Import students from CSV…"),
            self.import_students,
            "Ctrl+I",
            used=lambda uses: uses.looks_after_store and uses.record_lists,
        )
        self._action(
            file_menu,
            self.tr("Connect to the school's ser&ver…"),
            self.connect_to_server,
            needs_store=False,
        )
        file_menu.addSeparator()
        self._action(
            file_menu,
            self.tr("&Back up the database…"),
            self.backup,
            "Ctrl+Shift+B",
            used=store_care,
        )
        self._action(file_menu, self.tr("&Restore from a backup…"), self.restore, used=store_care)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("Centre and &staff…"), self.edit_centre, used=centre)
        file_menu.addSeparator()
        self._action(
            file_menu,
            self.tr("&Quit"),
            self.close,
            QKeySequence.StandardKey.Quit,
            needs_store=False,
        )

        records = bar.addMenu(self.tr("&Records"))
        self.new_action = self._action(
            records, self.tr("&New…"), self.new_record, QKeySequence.StandardKey.New, used=writes
        )
        for number, kind in enumerate(RECORD_KINDS, start=1):
            if kind.new is None or kind.new_title is None:
                continue
            self._action(
                records,
                _tr(kind.new_title),
                partial(self._new_of, kind.new),
                f"Ctrl+Shift+{number}",
                used=partial(_shown_to_writers, kind),
            )
        records.addSeparator()
        documents = bar.addMenu(self.tr("&Documents"))
        self._action(
            documents,
            self.tr("Conversation &record…"),
            lambda: self.preview_document("record"),
            QKeySequence.StandardKey.Print,
            used=lists,
        )
        self._action(
            documents,
            self.tr("&Student's copy…"),
            lambda: self.preview_document("student_copy"),
            "Ctrl+Shift+P",
            used=lists,
        )
        self._action(
            documents,
            self.tr("&Referral pack for form M1…"),
            lambda: self.preview_document("referral"),
            "Ctrl+Alt+R",
            used=lists,
        )
        self._action(
            documents,
            self.tr("Form M&1 answers…"),
            self.open_m1_answers,
            "Ctrl+Alt+M",
            used=lists,
        )
        documents.addSeparator()
        self._action(
            documents,
            self.tr("Written &notice to the candidate…"),
            lambda: self.preview_document("notice"),
            "Ctrl+Alt+N",
            used=lists,
        )
        self._action(
            documents,
            self.tr("Form for the candidate's s&tatement…"),
            lambda: self.preview_document("statement_form"),
            used=lists,
        )
        self._action(
            records,
            self.tr("&Open conversation"),
            self.open_current_conversation,
            "Ctrl+O",
            used=writes,
        )
        self._action(records, self.tr("&Edit details…"), self.edit_current, "Ctrl+E", used=writes)
        self._action(
            records,
            self.tr("&Find"),
            self.focus_search,
            QKeySequence.StandardKey.Find,
            needs_store=False,
            used=lists,
        )
        self._action(
            records,
            self.tr("&Refresh"),
            self.reload_all,
            QKeySequence.StandardKey.Refresh,
            used=lists,
        )

        view = bar.addMenu(self.tr("&View"))
        for number, kind in enumerate(RECORD_KINDS, start=1):
            self._action(
                view,
                _tr(kind.tab),
                lambda _=False, key=kind.key: self.show_kind(key),
                f"Ctrl+{number}",
                needs_store=False,
                used=kind.shown,
            )
        for page in ROLE_PAGES:
            self._action(
                view,
                _tr(page.tab),
                lambda _=False, key=page.key: self.show_page(key),
                page.shortcut,
                needs_store=False,
                used=page.shown,
            )

        view.addSeparator()
        # Sorting from the keyboard (the column headers answer only to the mouse): the entries
        # are the current list's columns, made when the menu opens.
        self.sort_menu = view.addMenu(self.tr("S&ort the list by"))
        self.sort_menu.aboutToShow.connect(self._fill_sort_menu)
        self._actions.append((self.sort_menu.menuAction(), False, lists))

        case = bar.addMenu(self.tr("C&ase"))
        self._action(
            case,
            self.tr("&Evidence attached…"),
            self.show_attachments,
            "Ctrl+Shift+E",
            used=lists,
        )
        self._action(case, self.tr("&Timeline…"), self.show_timeline, "Ctrl+T", used=lists)
        case.addSeparator()
        self._action(
            case, self.tr("&Finalise the record…"), self.finalise, "Ctrl+Shift+F", used=writes
        )
        self._action(case, self.tr("&Amend a finalised record…"), self.amend, used=writes)
        case.addSeparator()
        self._action(
            case,
            self.tr("&Pass on to the exams officer…"),
            self.pass_on,
            "Ctrl+Alt+P",
            used=attrgetter("hands_on"),
        )
        self._action(
            case,
            self.tr("S&hare with a colleague…"),
            self.share,
            "Ctrl+Alt+H",
            used=attrgetter("hands_on"),
        )
        self._action(
            case,
            self.tr("&Write a review note…"),
            self.write_review_note,
            "Ctrl+Alt+W",
            used=attrgetter("review_notes"),
        )
        case.addSeparator()
        self._action(
            case, self.tr("E&xport case bundle…"), self.export_case, "Ctrl+Shift+X", used=lists
        )
        self._action(case, self.tr("&Import case bundle…"), self.import_case, used=centre)

        tools = bar.addMenu(self.tr("&Tools"))
        self._action(
            tools,
            self.tr("Interview &scripts…"),
            self.edit_scripts,
            "Ctrl+Shift+K",
            needs_store=False,
            used=writes,
        )

        help_menu = bar.addMenu(self.tr("&Help"))
        self._action(
            help_menu, self.tr("&Keyboard map"), self.keyboard_map, "F1", needs_store=False
        )
        self._action(
            help_menu,
            self.tr("&Verify records…"),
            self.verify,
            used=lambda uses: uses.record_lists or uses.looks_after_store,
        )
        self._action(help_menu, self.tr("&About OwnWork"), self.about, needs_store=False)
        self._menus = [file_menu, records, documents, view, case, tools, help_menu]

    # --- painting and closing -----------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.firstPainted.emit()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Open conversations save their last keystrokes first; one that cannot keeps us open.
        for window in list(self._interviews.values()):
            if not window.close():
                event.ignore()
                return
        self._state.save(self, self._splitters())
        super().closeEvent(event)

    # --- navigation ---------------------------------------------------------------------
    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.focus_search()

    def show_kind(self, key: str) -> None:
        """View › <a kind's list> (Ctrl+<its place in RECORD_KINDS>)."""
        self.show_tab(self._panes.index(self.pane_of(key)))

    def show_page(self, key: str) -> None:
        """View › <a role's page> (its own shortcut, ROLE_PAGES)."""
        self.tabs.setCurrentWidget(self.page_of(key))

    def focus_search(self) -> None:
        pane = self.current_pane()
        if pane is None:
            self.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        pane.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        pane.search.selectAll()

    def _fill_sort_menu(self) -> None:
        self.sort_menu.clear()
        pane = self.current_pane()
        if pane is None:
            return
        header = pane.table.horizontalHeader()
        model = pane.model
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            if not model.can_sort(column):
                continue
            label = f"&{column + 1}  {title}" if column < 9 else title
            if header.sortIndicatorSection() == column:
                ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                label += self.tr(
                    "  (now A→Z: choose again for Z→A)" if ascending else "  (now Z→A)"
                )
            action = self.sort_menu.addAction(label)
            action.triggered.connect(lambda _=False, c=column: pane.sort_by(c))

    def current_pane(self) -> RecordsPane | None:
        """The list on screen (None: a role's page is, or no tab at all)."""
        index = self.tabs.currentIndex()
        return self._panes[index] if 0 <= index < len(self._panes) else None

    def _tab_changed(self, index: int) -> None:
        pane = self.current_pane()
        if pane is not None:
            if self.has_store:
                pane.activate()
            pane.search.setFocus()
        elif 0 <= index - len(self._panes) < len(self._pages):
            _page, widget = self._pages[index - len(self._panes)]
            if self.has_store:
                widget.activate()

    def reload_all(self) -> None:
        for pane in self.panes():
            pane.reload()

    # --- details ------------------------------------------------------------------------
    def _read_details(self, kind: RecordKind, record: Any) -> Any:
        """On a reading thread (the pane shows the details when they arrive)."""
        return kind.details(self.store, record)

    # --- records ------------------------------------------------------------------------
    def new_record(self) -> None:
        kind = self.current_kind()
        if kind is not None and kind.new is not None:
            kind.new(self)
            return
        self._say_select([_tr(k.singular) for k in self.kinds if k.new is not None])

    def _new_of(self, new: Callable[[MainWindow], None], _checked: bool = False) -> None:
        new(self)

    def _open_record(self, kind: RecordKind, record: Any) -> None:
        """Enter or a double-click on a record: open it for those who change records; for those
        who only read them its details (beside the list) are what there is to see."""
        if self.uses.writes_records and kind.open is not None:
            kind.open(self, record)
            return
        pane = self.current_pane()
        if pane is not None:
            pane.detail.setFocus()

    def open_current_conversation(self) -> None:
        record = self._selected_for_documents()
        if record is not None:
            self.open_conversation(record)

    def preview_document(self, kind: str) -> None:
        record = self._selected_for_documents()
        if record is None:
            return
        from ui.documents.actions import open_document_preview

        open_document_preview(self, self.store, record.id, kind)

    def open_m1_answers(self) -> None:
        record = self._selected_for_documents()
        if record is not None:
            from ui.documents.m1_answers import open_m1_answers

            open_m1_answers(self.store, record.id, self)

    def current_kind(self) -> RecordKind | None:
        index = self.tabs.currentIndex()
        return self.kinds[index] if 0 <= index < len(self.kinds) else None

    def _current_record(self) -> Any:
        pane = self.current_pane()
        return pane.current_record() if pane is not None else None

    def _current_of(self, key: str) -> Any:
        """The record selected in the list of kind ``key`` if that list is on screen."""
        kind = self.current_kind()
        return self._current_record() if kind is not None and kind.key == key else None

    def _selected_for_documents(self) -> Any:
        """The selected record of a kind that has documents (a case: the Documents and Case
        menus), or None after saying where to select one."""
        kind, record = self.current_kind(), self._current_record()
        if kind is not None and kind.documents and record is not None:
            return record
        places = [
            _tr("{0} in the {1} list").format(_tr(kind.singular), _tr(kind.tab).replace("&", ""))
            for kind in self.kinds
            if kind.documents
        ]
        self._say_select(places)
        return None

    def _say_select(self, what: list[str]) -> None:
        QMessageBox.information(
            self,
            self.tr("OwnWork"),
            _tr("Select {0} first.").format(_tr(" or ").join(what)),
        )

    def _open_for_current(self, feature: Callable[[RecordKind], str | None], show: Any) -> None:
        """Call ``show(self, store, paths, <the kind's keyword>=id)`` for the selected record
        if its kind has ``feature`` (the keyword), else say which kinds have it."""
        kind, record = self.current_kind(), self._current_record()
        keyword = feature(kind) if kind is not None else None
        if keyword and record is not None:
            show(self, self.store, self.paths, **{keyword: record.id})
            return
        self._say_select([_tr(k.singular) for k in self.kinds if feature(k)])

    def show_attachments(self) -> None:
        from ui.integrity.actions import show_attachments

        self._open_for_current(lambda kind: kind.evidence, show_attachments)

    def show_timeline(self) -> None:
        from ui.integrity.actions import show_timeline

        self._open_for_current(lambda kind: kind.timeline, show_timeline)

    def finalise(self) -> None:
        from ui.integrity.actions import finalise_conversation

        record = self._selected_for_documents()
        if record is not None:
            # The dialog announces what it changed; the lists follow (ui/operation.py).
            finalise_conversation(self, self.store, record.id)

    def amend(self) -> None:
        from ui.integrity.actions import amend_conversation

        record = self._selected_for_documents()
        if record is not None:
            amend_conversation(self, self.store, record.id)

    def export_case(self) -> None:
        from ui.integrity.actions import export_case

        record = self._selected_for_documents()
        if record is not None:
            export_case(self, self.store, self.paths, record.id)

    def import_case(self) -> None:
        from ui.integrity.actions import import_case

        # The dialog announces what the import added; the lists follow.
        import_case(self, self.store, self.paths)

    def verify(self) -> None:
        from ui.integrity.actions import run_verify

        run_verify(self, self.store, self.paths)

    def edit_current(self) -> None:
        kind, record = self.current_kind(), self._current_record()
        if kind is None or kind.edit is None or record is None:
            QMessageBox.information(
                self, self.tr("OwnWork"), self.tr("Select a record in the list first.")
            )
            return
        kind.edit(self, record)

    # --- handing a case on (app/services/sharing.py) ------------------------------------
    def pass_on(self) -> None:
        """Case › Pass on to the exams officer… (Ctrl+Alt+P)."""
        from app.services import sharing

        self._ask_and_hand_on(
            dict(
                title=self.tr("Pass on to the exams officer"),
                question=self.tr(
                    "A note for the exams officer, if there is anything they should know "
                    "(you may leave it empty):"
                ),
                accept_text=self.tr("&Pass on"),
                field_name=self.tr("Note for the exams officer"),
            ),
            lambda principal, store, case, note: sharing.pass_on(principal, store, case, note=note),
            self.tr("The conversation was passed to the exams officer."),
        )

    def share(self) -> None:
        """Case › Share with a colleague… (Ctrl+Alt+H)."""
        from app.services import sharing

        self._ask_and_hand_on(
            dict(
                title=self.tr("Share with a colleague"),
                question=self.tr(
                    "The login your colleague signs in to the school's server with "
                    "(for example h.jones):"
                ),
                accept_text=self.tr("&Share"),
                field_name=self.tr("Colleague's login"),
                required=True,
            ),
            lambda principal, store, case, login: sharing.share(
                principal, store, case, with_login=login
            ),
            self.tr("The conversation is shared with {0}."),
        )

    def write_review_note(self) -> None:
        """Case › Write a review note… (Ctrl+Alt+W)."""
        from app.services import sharing

        self._ask_and_hand_on(
            dict(
                title=self.tr("Write a review note"),
                question=self.tr(
                    "Your review of how this conversation was held. It is kept with the case, "
                    "with your name and the time, for everyone who may read the case:"
                ),
                accept_text=self.tr("&Keep the note"),
                field_name=self.tr("Review note"),
                lines=True,
                required=True,
            ),
            sharing.write_review_note,
            self.tr("Your review note was kept."),
        )

    def _ask_and_hand_on(
        self,
        wording: dict[str, Any],
        work: Callable[[Principal, Database, int, str], Any],
        done: str,
    ) -> None:
        """Ask for the step's one text about the selected case (``wording``: the
        ``HandOnDialog``'s), then run the step on the writing thread; ``done`` (``{0}``: the
        text) goes to the status bar."""
        from ui.hand_on_dialog import HandOnDialog

        record = self._selected_for_documents()
        if record is None:
            return
        answer = HandOnDialog(self, case=record, **wording).answer()
        if answer is None:
            return
        store = self.store
        Runner.instance().write(
            lambda: work(store.principal, store, record.id, answer),
            success=lambda _outcome: self.statusBar().showMessage(
                done.format(answer.strip()), 10_000
            ),
            failure=lambda error: report(self, error),
            owner=self,
        )

    def _after_save(self, pane: RecordsPane, record: Any) -> None:
        # The lists are reading the change (the form's save announced it): show the record
        # once its list has it.
        self.tabs.setCurrentWidget(pane)
        pane.show_record(record.id)
        pane.table.setFocus()

    def new_student(self) -> None:
        from ui.dialogs.student_dialog import StudentDialog

        dialog = StudentDialog(self.store, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.students, dialog.saved)

    def edit_student(self, student: Student) -> None:
        from ui.dialogs.student_dialog import StudentDialog

        dialog = StudentDialog(self.store, student, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.students, dialog.saved)

    def new_submission(self) -> None:
        from ui.dialogs.submission_dialog import SubmissionDialog

        student = self._current_of("students")
        dialog = SubmissionDialog(
            self.store, student_id=student.id if student else None, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.submissions, dialog.saved)

    def edit_submission(self, submission: Submission) -> None:
        from ui.dialogs.submission_dialog import SubmissionDialog

        dialog = SubmissionDialog(self.store, submission, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.submissions, dialog.saved)

    def new_conversation(self) -> None:
        from ui.dialogs.conversation_dialog import ConversationDialog

        submission = self._current_of("submissions")
        dialog = ConversationDialog(
            self.store, submission_id=submission.id if submission else None, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.conversations, dialog.saved)
            # A new conversation starts with its preparation.
            self.open_conversation(dialog.saved)

    def edit_conversation(self, conversation: Conversation) -> None:
        from ui.dialogs.conversation_dialog import ConversationDialog

        dialog = ConversationDialog(self.store, conversation, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.conversations, dialog.saved)

    def open_conversation(self, conversation: Conversation) -> None:
        """The walk-through: one window per conversation, brought to the front if open."""
        window = self._interviews.get(conversation.id)
        if window is None:
            from app.scripts.library import ScriptLibrary
            from ui.interview.window import InterviewWindow

            try:
                window = InterviewWindow(
                    self.store, conversation.id, ScriptLibrary(self.paths), self
                )
            except Exception as error:
                report(self, error)
                return
            # Closing frees the window, so reopening always starts from what is stored.
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.conversation_changed.connect(self._conversation_changed)
            window.destroyed.connect(
                lambda _=None, key=conversation.id: self._interviews.pop(key, None)
            )
            self._interviews[conversation.id] = window
        window.show()
        window.raise_()
        window.activateWindow()

    def _conversation_changed(self, conversation_id: int) -> None:
        # The walk-through saves through its own writer (ui/interview/autosave.py).
        Runner.instance().announce(Changes.of(CONVERSATION, conversation_id))

    # --- file ---------------------------------------------------------------------------
    def import_students(self) -> None:
        from ui.import_dialog import ImportStudentsDialog

        dialog = ImportStudentsDialog(self.store, self)
        dialog.exec()

    def edit_scripts(self) -> None:
        from app.scripts.library import ScriptLibrary
        from ui.script_editor import ScriptEditor

        ScriptEditor(ScriptLibrary(self.paths), self).exec()

    def edit_centre(self) -> None:
        from ui.dialogs.centre_dialog import CentreDialog

        CentreDialog(self.store, parent=self).exec()

    def _on_the_server(self) -> bool:
        """Say, and return True, when the records open are the school's server's: its backups
        and restores are IT's (pg_dump and the server's own tools), not a file on this
        computer, as the command line's backup and restore also say."""
        if not self.has_store or self.store.server is None:
            return False
        QMessageBox.information(
            self,
            self.tr("Records on the school's server"),
            self.tr(
                "These records are kept on the school's server, which IT backs up with the "
                "server's own tools (pg_dump and base backups) and restores from them. Nothing "
                "on this computer was changed."
            ),
        )
        return True

    def backup(self) -> None:
        from pathlib import Path

        from app.services import store as store_services

        if self._on_the_server():
            return

        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Back up the database"),
            str(self.paths.backups_dir / "ownwork-backup.sqlite3"),
            self.tr("OwnWork backups (*.sqlite3)"),
        )
        if not name:
            return
        # Copied on the runner's "backup" lane, as the daily backup is: the window goes on.
        principal, paths = self.store.principal, self.paths
        self.statusBar().showMessage(self.tr("Writing the backup…"))

        def written(path: Path) -> None:
            self.statusBar().clearMessage()
            QMessageBox.information(
                self,
                self.tr("Backup written"),
                self.tr("The backup was written to {0}.").format(path),
            )

        def failed(error: BaseException) -> None:
            self.statusBar().clearMessage()
            report(self, error)

        Runner.instance().read(
            lambda: store_services.backup(principal, paths, Path(name)),
            success=written,
            failure=failed,
            owner=self,
            lane="backup",
        )

    def restore(self) -> None:
        from ui.integrity.actions import restore_backup

        if self._on_the_server():
            return

        # Open walk-throughs hold edits for the records about to be replaced.
        for window in list(self._interviews.values()):
            if not window.close():
                return
        dialog = restore_backup(self, self.store, self.paths)
        if dialog is not None:
            dialog.restored.connect(lambda _kept: self.reload_all())

    def about(self) -> None:
        from ui.about_dialog import AboutDialog

        AboutDialog(self.paths, self).exec()

    def keyboard_map(self) -> None:
        from ui.keyboard_map import show_keyboard_map

        show_keyboard_map(self)


def _shown_to_writers(kind: RecordKind, uses: Uses) -> bool:
    return kind.shown(uses) and uses.writes_records


def _tr(text: str) -> str:
    """The window's own translation context, for the texts of RECORD_KINDS."""
    return QCoreApplication.translate("MainWindow", text)


# The details of each kind: the reads run on a reading thread; the HTML (ui/detail_view.py,
# imported when first shown, not at start-up) is made on the GUI thread.
def _student_details(store: Database, student: Student) -> list[Submission]:
    from app.services import records

    query = ListQuery(limit=20)
    return records.list_submissions(store.principal, store, query, student_id=student.id)


def _student_html(student: Student, submissions: list[Submission]) -> str:
    from ui.detail_view import student_html

    return student_html(student, submissions)


def _submission_details(store: Database, submission: Submission) -> list[Conversation]:
    from app.services import records

    query = ListQuery(limit=20)
    return records.list_conversations(store.principal, store, query, submission_id=submission.id)


def _submission_html(submission: Submission, conversations: list[Conversation]) -> str:
    from ui.detail_view import submission_html

    return submission_html(submission, conversations)


def _conversation_details(store: Database, conversation: Conversation) -> InterviewContent:
    from app.services import interviews

    return interviews.content(store.principal, store, conversation.id)


def _conversation_html(_conversation: Conversation, content: InterviewContent) -> str:
    from ui.detail_view import conversation_html

    return conversation_html(content)


def _waiting_details(
    store: Database, conversation: Conversation
) -> tuple[InterviewContent, list[Share]]:
    from app.services import sharing

    content = _conversation_details(store, conversation)
    return content, sharing.shares(store.principal, store, conversation.id)


def _waiting_html(_conversation: Conversation, read: tuple[InterviewContent, list[Share]]) -> str:
    from ui.detail_view import conversation_html, passed_on_html

    content, shares = read
    return passed_on_html(shares) + conversation_html(content)


@dataclass(frozen=True)
class RecordKind:
    """One kind of record the main window lists: a tab, a list, details and a form."""

    key: str  # settings key of the pane's splitter
    name: str  # the pane's name in accessible texts ("Filter students")
    tab: str
    # The Records menu's item, bound to Ctrl+Shift+<its place> (None: no new record here).
    new_title: str | None
    model: Callable[[Callable[[], Database], QObject], RecordTableModel[Any]]
    # What the details pane needs beyond the record, read on a reading thread (Qt-free), and
    # the details' HTML made from both on the GUI thread.
    details: Callable[[Database, Any], Any]
    describe: Callable[[Any, Any], str]
    new: Callable[[MainWindow], None] | None
    open: Callable[[MainWindow, Any], None] | None  # Enter or a double-click on the record
    edit: Callable[[MainWindow, Any], None] | None  # Records › Edit details…
    # The kinds of change (app/services/base.py) after which the list is read again.
    follows: frozenset[str]
    singular: str  # one record, as the window's messages name it ("a student")
    initial_sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
    # What the Documents and Case menus act on: a case, with its documents and finalising.
    documents: bool = False
    # The keyword that Case › Evidence attached… and Case › Timeline… are given the selected
    # record's id by (ui/integrity/actions.py), for the kinds that have them.
    evidence: str | None = None
    timeline: str | None = None
    # Which principals see this list (app/domain/access.Uses): the school's roles.
    shown: Callable[[Uses], bool] = attrgetter("record_lists")


# A new kind of record is one entry here (and its model, details and form).
RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        key="students",
        name=N_("students"),
        tab=N_("&Students"),
        new_title=N_("New &student…"),
        model=student_model,
        details=_student_details,
        describe=_student_html,
        new=MainWindow.new_student,
        open=MainWindow.edit_student,
        edit=MainWindow.edit_student,
        follows=frozenset({STUDENT}),
        singular=N_("a student"),
        timeline="student_id",
    ),
    RecordKind(
        key="submissions",
        name=N_("submissions"),
        tab=N_("Su&bmissions"),
        new_title=N_("New su&bmission…"),
        model=submission_model,
        details=_submission_details,
        describe=_submission_html,
        new=MainWindow.new_submission,
        open=MainWindow.edit_submission,
        edit=MainWindow.edit_submission,
        follows=frozenset({SUBMISSION, STUDENT, CONVERSATION}),
        singular=N_("a submission"),
        evidence="submission_id",
    ),
    RecordKind(
        key="conversations",
        name=N_("conversations"),
        tab=N_("&Conversations"),
        new_title=N_("New &conversation…"),
        model=conversation_model,
        details=_conversation_details,
        describe=_conversation_html,
        new=MainWindow.new_conversation,
        open=MainWindow.open_conversation,
        edit=MainWindow.edit_conversation,
        follows=frozenset({CONVERSATION, SUBMISSION, STUDENT, STAFF}),
        singular=N_("a conversation"),
        initial_sort=(0, Qt.SortOrder.DescendingOrder),
        documents=True,
        evidence="conversation_id",
        timeline="conversation_id",
    ),
    RecordKind(
        key="waiting",
        name=N_("cases waiting"),
        tab=N_("&Waiting"),
        new_title=None,
        model=waiting_model,
        details=_waiting_details,
        describe=_waiting_html,
        new=None,
        open=None,
        edit=None,
        # Starting a referral (its facts recorded) takes a case off the list.
        follows=frozenset({CONVERSATION, REFERRAL, SUBMISSION, STUDENT}),
        singular=N_("a case waiting"),
        documents=True,
        evidence="conversation_id",
        timeline="conversation_id",
        shown=attrgetter("waiting_list"),
    ),
)
