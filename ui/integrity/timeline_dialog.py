"""The timeline of a case or a student: every audit entry, file and correction, oldest first.

The dialog opens at once saying it is loading; the entries are read on the runner's reading
thread and shown when they arrive (a failure to read them is reported and closes it)."""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.integrity.timeline import TimelineEvent
from app.paths import AppPaths
from app.services import Database, integrity
from ui.errors import report
from ui.integrity.labels import action_label, local_time
from ui.models.record_table import RecordRole
from ui.models.rows_model import RowsTableModel
from ui.operation import load
from ui.rows_view import single_row_table
from ui.window_size import fit_to_screen

EventRole = RecordRole
Index = QModelIndex | QPersistentModelIndex


class TimelineDialog(QDialog):
    def _summary(self, event: TimelineEvent) -> str:
        if event.origin:
            return self.tr("{0} (on the machine the case came from)").format(event.summary)
        return event.summary

    def __init__(
        self,
        store: Database,
        paths: AppPaths,
        *,
        student_id: int | None = None,
        conversation_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store, self._paths = store, paths
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        principal = store.principal
        read: Callable[[], list[TimelineEvent]]
        if conversation_id is not None:
            read = partial(integrity.timeline_for_conversation, principal, store, conversation_id)
            title = self.tr("Timeline of conversation {0}").format(conversation_id)
        elif student_id is not None:
            read = partial(integrity.timeline_for_student, principal, store, student_id)
            title = self.tr("Timeline of student {0}").format(student_id)
        else:
            raise ValueError("give a student or a conversation")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        fit_to_screen(self, 1000, 600)
        self.model: RowsTableModel[TimelineEvent] = RowsTableModel(
            [self.tr("When"), self.tr("Who"), self.tr("What"), self.tr("Summary")],
            lambda e: (local_time(e.at), e.actor, action_label(e.action), self._summary(e)),
            parent=self,
        )
        self.table = single_row_table(
            self.model, self.tr("Timeline entries, oldest first"), fitted=3
        )
        self.details = QTextBrowser()
        self.details.setAccessibleName(self.tr("Details of the selected entry"))
        self.details.setOpenLinks(False)
        self.open_button = QPushButton(self.tr("&Open file"))
        self.open_button.setAccessibleName(self.tr("Open the attached file"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_file)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.details)
        lower_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([400, 200])
        self.count = count = QLabel(self.tr("Loading the timeline…"))
        count.setAccessibleName(self.tr("Number of entries"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(count)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.table.setFocus()
        self.loading = True
        load(self, read, self._fill)

    def _fill(self, events: list[TimelineEvent]) -> None:
        self.model.set_rows(events)
        self.count.setText(self.tr("%n entries", "", len(events)))
        if events:
            self.table.selectRow(len(events) - 1)
        self.loading = False

    def selected(self) -> TimelineEvent | None:
        index = self.table.currentIndex()
        event = self.model.data(index, EventRole) if index.isValid() else None
        return event if isinstance(event, TimelineEvent) else None

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = self.model.data(current, EventRole)
        if not isinstance(event, TimelineEvent):
            self.details.clear()
            self.open_button.setEnabled(False)
            return
        rows = [
            (self.tr("When"), local_time(event.at)),
            (self.tr("Who"), event.actor),
            (self.tr("What"), event.summary),
            (self.tr("Record"), event.record),
            (
                self.tr("Audit entry"),
                str(event.audit_id)
                if event.audit_id is not None
                else self.tr("from the case bundle")
                if event.origin
                else self.tr("none"),
            ),
            *event.details,
        ]
        body = "".join(
            f"<tr><th align='left' valign='top'>{html.escape(label)}</th>"
            f"<td style='white-space: pre-wrap'>{html.escape(value)}</td></tr>"
            for label, value in rows
        )
        self.details.setHtml(f"<table cellspacing='4'>{body}</table>")
        self.open_button.setEnabled(event.attachment is not None)

    def _open_file(self) -> None:
        event = self.selected()
        if event is None or event.attachment is None:
            return
        try:
            copy = integrity.viewing_copy(
                self._store.principal, self._store, self._paths, event.attachment
            )
        except Exception as error:
            report(self, error)
            return
        self.open_url(QUrl.fromLocalFile(str(copy)))
