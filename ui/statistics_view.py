"""The statistics page: counts per qualification, for a senior leader (and the exams officer
and head of centre), read on a reading thread.  No names and no conversation appear here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.operation import Runner

if TYPE_CHECKING:
    from app.domain.statistics import QualificationCounts
    from app.services import Database


class StatisticsView(QWidget):
    def __init__(self, store: Callable[[], Database], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.domain.statistics import COUNT_NAMES

        self._store = store
        self._names = COUNT_NAMES
        self.setAccessibleName(self.tr("Statistics"))
        self.heading = QLabel(
            self.tr(
                "How many students, submissions and conversations each qualification has. "
                "Counts only: no names and nothing said in a conversation."
            ),
            self,
        )
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, 1 + len(COUNT_NAMES), self)
        self.table.setAccessibleName(self.tr("Counts per qualification"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Qualification"), *(self._title(name) for name in COUNT_NAMES)]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The last column takes what is left, so the table has no empty band on its right.
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.refresh_button = QPushButton(self.tr("&Read the counts again"), self)
        self.refresh_button.setAccessibleName(self.tr("Read the counts again"))
        self.refresh_button.clicked.connect(self.reload)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _title(self, name: str) -> str:
        titles = {
            "students": self.tr("Students"),
            "submissions": self.tr("Submissions"),
            "conversations": self.tr("Conversations"),
            "preparing": self.tr("Being prepared"),
            "in_progress": self.tr("In progress"),
            "concluded": self.tr("Concluded"),
            "satisfied": self.tr("Satisfied"),
            "concerns_remain": self.tr("Concerns remain"),
            "acknowledged": self.tr("Acknowledged"),
            "finalised": self.tr("Finalised"),
            "referrals": self.tr("Referrals"),
            "waiting": self.tr("Waiting with the exams officer"),
        }
        return titles.get(name, name)

    def activate(self) -> None:
        """Shown: the counts are read afresh (they change as the school works)."""
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        from app.services.statistics import statistics
        from ui.errors import report

        database = self._store()
        Runner.instance().read(
            lambda: statistics(database.principal, database),
            success=self._fill,
            failure=lambda error: report(self, error),
            owner=self,
        )

    def _fill(self, counts: list[QualificationCounts]) -> None:
        self.table.setRowCount(len(counts))
        for row, line in enumerate(counts):
            self.table.setItem(row, 0, QTableWidgetItem(line.qualification))
            for column, name in enumerate(self._names, start=1):
                self.table.setItem(row, column, QTableWidgetItem(str(getattr(line, name))))
