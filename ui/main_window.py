"""The main window: students, submissions and conversations, with filters and details."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from app.domain.records import Conversation, Student, Submission
from app.paths import AppPaths
from app.storage import case_files, conversations, submissions
from app.storage.database import Database
from app.storage.listing import ListQuery
from app.version import __version__
from ui.detail_view import conversation_html, student_html, submission_html
from ui.dialogs.conversation_dialog import ConversationDialog
from ui.dialogs.student_dialog import StudentDialog
from ui.dialogs.submission_dialog import SubmissionDialog
from ui.errors import report
from ui.models.record_models import conversation_model, student_model, submission_model
from ui.records_pane import RecordsPane
from ui.settings import Settings, WindowState

STUDENTS, SUBMISSIONS, CONVERSATIONS = range(3)


class MainWindow(QMainWindow):
    firstPainted = Signal()

    def __init__(self, store: Database, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.paths = paths
        self.settings = Settings(paths)
        self._state = WindowState(self.settings, "main")
        self._painted = False
        self.setWindowTitle(self.tr("OwnWork"))
        self.setAccessibleName(self.tr("OwnWork main window"))
        self.students = RecordsPane(
            self.tr("students"), student_model(store, self), self._describe_student, self
        )
        self.submissions = RecordsPane(
            self.tr("submissions"), submission_model(store, self), self._describe_submission, self
        )
        self.conversations = RecordsPane(
            self.tr("conversations"),
            conversation_model(store, self),
            self._describe_conversation,
            self,
            initial_sort=(0, Qt.SortOrder.DescendingOrder),
        )
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Record lists"))
        self.tabs.addTab(self.students, self.tr("&Students"))
        self.tabs.addTab(self.submissions, self.tr("Su&bmissions"))
        self.tabs.addTab(self.conversations, self.tr("&Conversations"))
        self.setCentralWidget(self.tabs)
        self.students.activated.connect(self.edit_student)
        self.submissions.activated.connect(self.edit_submission)
        self.conversations.activated.connect(self.open_conversation)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._build_menus()
        folder = QLabel(self.tr("Data folder: {0}").format(paths.data_dir), self)
        folder.setAccessibleName(self.tr("Data folder"))
        self.statusBar().addPermanentWidget(folder)
        self.resize(1280, 720)
        self._state.restore(self, self._splitters())
        # Each table loaded its first window when sorting was enabled; size columns to it.
        for pane in self.panes():
            pane.fit_columns()
        self.installEventFilter(self)

    # --- structure ----------------------------------------------------------------------
    def panes(self) -> list[RecordsPane]:
        return [self.students, self.submissions, self.conversations]

    def _splitters(self) -> dict[str, Any]:
        return {
            "students": self.students.splitter,
            "submissions": self.submissions.splitter,
            "conversations": self.conversations.splitter,
        }

    def _action(
        self,
        menu: Any,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self._action(file_menu, self.tr("&Back up the database…"), self.backup, "Ctrl+Shift+B")
        self._action(file_menu, self.tr("&Restore from a backup…"), self.restore)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("Centre and &staff…"), self.edit_centre)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)

        records = bar.addMenu(self.tr("&Records"))
        self.new_action = self._action(
            records, self.tr("&New…"), self.new_record, QKeySequence.StandardKey.New
        )
        self._action(records, self.tr("New &student…"), self.new_student, "Ctrl+Shift+1")
        self._action(records, self.tr("New su&bmission…"), self.new_submission, "Ctrl+Shift+2")
        self._action(records, self.tr("New &conversation…"), self.new_conversation, "Ctrl+Shift+3")
        records.addSeparator()
        self._action(records, self.tr("&Edit selected…"), self.edit_current, "Ctrl+E")
        self._action(records, self.tr("&Find"), self.focus_search, QKeySequence.StandardKey.Find)
        self._action(
            records, self.tr("&Refresh"), self.reload_all, QKeySequence.StandardKey.Refresh
        )

        view = bar.addMenu(self.tr("&View"))
        for index, label in enumerate(
            (self.tr("&Students"), self.tr("Su&bmissions"), self.tr("&Conversations"))
        ):
            self._action(
                view, label, lambda _=False, i=index: self.show_tab(i), f"Ctrl+{index + 1}"
            )

        help_menu = bar.addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("Open the &data folder"), self.open_data_folder)
        self._action(help_menu, self.tr("&About OwnWork"), self.about)

    # --- painting and closing -----------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.firstPainted.emit()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._state.save(self, self._splitters())
        super().closeEvent(event)

    # --- navigation ---------------------------------------------------------------------
    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.focus_search()

    def focus_search(self) -> None:
        pane = self.current_pane()
        pane.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        pane.search.selectAll()

    def current_pane(self) -> RecordsPane:
        return self.panes()[self.tabs.currentIndex()]

    def _tab_changed(self, index: int) -> None:
        self.panes()[index].search.setFocus()

    def reload_all(self) -> None:
        for pane in self.panes():
            pane.reload()

    # --- details ------------------------------------------------------------------------
    def _describe_student(self, student: Student) -> str:
        with self.store.transaction() as session:
            subs = submissions.page(session, ListQuery(limit=20), student_id=student.id)
        return student_html(student, subs)

    def _describe_submission(self, submission: Submission) -> str:
        with self.store.transaction() as session:
            convs = conversations.page(session, ListQuery(limit=20), submission_id=submission.id)
        return submission_html(submission, convs)

    def _describe_conversation(self, conversation: Conversation) -> str:
        with self.store.transaction() as session:
            content = case_files.load_content(session, conversation.id)
        return conversation_html(content)

    # --- records ------------------------------------------------------------------------
    def new_record(self) -> None:
        [self.new_student, self.new_submission, self.new_conversation][self.tabs.currentIndex()]()

    def edit_current(self) -> None:
        record = self.current_pane().current_record()
        if record is None:
            QMessageBox.information(
                self, self.tr("OwnWork"), self.tr("Select a record in the list first.")
            )
            return
        self.current_pane().activated.emit(record)

    def _after_save(self, pane: RecordsPane, record: Any) -> None:
        self.reload_all()
        self.tabs.setCurrentWidget(pane)
        pane.select_where(lambda r: r.id == record.id)
        pane.table.setFocus()

    def new_student(self) -> None:
        dialog = StudentDialog(self.store, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.students, dialog.saved)

    def edit_student(self, student: Student) -> None:
        dialog = StudentDialog(self.store, student, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.students, dialog.saved)

    def new_submission(self) -> None:
        student = self.students.current_record() if self.tabs.currentIndex() == STUDENTS else None
        dialog = SubmissionDialog(
            self.store, student_id=student.id if student else None, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.submissions, dialog.saved)

    def edit_submission(self, submission: Submission) -> None:
        dialog = SubmissionDialog(self.store, submission, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.submissions, dialog.saved)

    def new_conversation(self) -> None:
        submission = (
            self.submissions.current_record() if self.tabs.currentIndex() == SUBMISSIONS else None
        )
        dialog = ConversationDialog(
            self.store, submission_id=submission.id if submission else None, parent=self
        )
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.conversations, dialog.saved)

    def open_conversation(self, conversation: Conversation) -> None:
        dialog = ConversationDialog(self.store, conversation, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self._after_save(self.conversations, dialog.saved)

    # --- file ---------------------------------------------------------------------------
    def edit_centre(self) -> None:
        from ui.dialogs.centre_dialog import CentreDialog

        if CentreDialog(self.store, parent=self).exec():
            self.reload_all()

    def backup(self) -> None:
        from pathlib import Path

        from app.storage.backups import backup_to

        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Back up the database"),
            str(self.paths.backups_dir / "ownwork-backup.sqlite3"),
            self.tr("OwnWork backups (*.sqlite3)"),
        )
        if not name:
            return
        try:
            written = backup_to(self.paths, Path(name))
        except Exception as error:
            report(self, error)
            return
        QMessageBox.information(
            self,
            self.tr("Backup written"),
            self.tr("The backup was written to {0}.").format(written),
        )

    def restore(self) -> None:
        from pathlib import Path

        from app.storage.backups import restore_from
        from app.storage.database import open_store

        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Restore from a backup"),
            str(self.paths.backups_dir),
            self.tr("OwnWork backups (*.sqlite3);;All files (*)"),
        )
        if not name:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Restore from a backup"),
            self.tr(
                "Replace the records on this computer with the backup {0}?\n\n"
                "The current records are kept in the backups folder first, so this can "
                "be undone."
            ).format(Path(name).name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.dispose()
            kept = restore_from(self.paths, Path(name))
            self.store.adopt(open_store(self.paths, actor=self.store.actor))
        except Exception as error:
            report(self, error)
            return
        self.reload_all()
        QMessageBox.information(
            self,
            self.tr("Backup restored"),
            self.tr("The backup was restored. The records it replaced were kept as {0}.").format(
                kept if kept else self.tr("(there were none)")
            ),
        )

    def open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.data_dir)))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About OwnWork"),
            self.tr(
                "<h3>OwnWork {0}</h3><p>Records of coursework authenticity conversations.</p>"
                "<p>Your records stay on this computer, in:<br><code>{1}</code></p>"
            ).format(__version__, self.paths.data_dir),
        )
