"""Item models for the walk-through: the excerpts to ask about and the summary of answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.domain.interview import Answer, Excerpt
from ui.labels import rating_label

RecordRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_PREVIEW = 120


def _tr(text: str) -> str:
    return QCoreApplication.translate("interview", text)


def preview(text: str, length: int = _PREVIEW) -> str:
    """One line of a long text, for a table cell."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


class ExcerptListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._excerpts: list[Excerpt] = []

    def set_excerpts(self, excerpts: Sequence[Excerpt]) -> None:
        self.beginResetModel()
        self._excerpts = list(excerpts)
        self.endResetModel()

    def excerpt(self, row: int) -> Excerpt | None:
        return self._excerpts[row] if 0 <= row < len(self._excerpts) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._excerpts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        excerpt = self.excerpt(index.row()) if index.isValid() else None
        if excerpt is None:
            return None
        label = f"{index.row() + 1}. {excerpt.location or _tr('(no location)')}"
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{label}: {preview(excerpt.text, 80)}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{label}: {preview(excerpt.text, 400)}"
        if role == RecordRole:
            return excerpt
        return None


class AnswerSummaryModel(QAbstractTableModel):
    """One row per question: number, question, rating, the student's words, observations."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._answers: list[Answer] = []
        self._headers = (
            _tr("No."),
            _tr("Question"),
            _tr("Rating"),
            _tr("Student said"),
            _tr("I observed"),
        )

    def set_answers(self, answers: Sequence[Answer]) -> None:
        self.beginResetModel()
        self._answers = list(answers)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._answers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def _cell(self, answer: Answer, column: int) -> str:
        if column == 0:
            return str(answer.position + 1)
        if column == 1:
            mark = _tr(" (own question)") if answer.unscripted else ""
            return preview(answer.question_text) + mark
        if column == 2:
            if answer.skipped:
                return _tr("Skipped")
            return rating_label(answer.rating) or _tr("Not rated")
        return preview(answer.student_words if column == 3 else answer.observations)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._answers):
            return None
        answer = self._answers[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(answer, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            full = (answer.question_text, "", "", answer.student_words, answer.observations)
            return preview(full[column], 1000) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._headers[column]}: {self._cell(answer, column)}"
        if role == RecordRole:
            return answer
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None
