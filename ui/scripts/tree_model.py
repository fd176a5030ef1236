"""The script being edited, as a tree: the script, its sections, their questions.

The model is the editor's working copy.  Each item keeps its fields in its own roles, as the
teacher typed them; ``to_data`` turns the tree back into snapshot-shaped data for the core to
check and save.  Items are not edited in place in the tree: the form beside it does that.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel

from app.scripts.model import Script

KindRole = Qt.ItemDataRole.UserRole + 1
# One role per field; the role numbers follow KindRole.
FIELDS: dict[str, tuple[str, ...]] = {
    "script": ("id", "title", "subject", "version", "description"),
    "section": ("id", "title"),
    "question": ("id", "text", "guidance", "follow_ups", "anchor_excerpt"),
}
_ALL_FIELDS = sorted({name for names in FIELDS.values() for name in names})
FIELD_ROLE = {name: KindRole + 1 + n for n, name in enumerate(_ALL_FIELDS)}

SCRIPT, SECTION, QUESTION = "script", "section", "question"
_PATH = re.compile(r"^sections\[(\d+)\](?:\.questions\[(\d+)\])?(?:\.(\w+))?")
_TEXT_PREVIEW = 90


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScriptTreeModel", text)


class ScriptTreeModel(QStandardItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels([_tr("Sections and questions")])

    # Loading and reading back

    def load(self, script: Script) -> None:
        self.clear()
        self.setHorizontalHeaderLabels([_tr("Sections and questions")])
        root = self._item(
            SCRIPT,
            id=script.id,
            title=script.title,
            subject=script.subject,
            version=script.version,
            description=script.description,
        )
        for section in script.sections:
            section_item = self._item(SECTION, id=section.id, title=section.title)
            for question in section.questions:
                section_item.appendRow(
                    self._item(
                        QUESTION,
                        id=question.id,
                        text=question.text,
                        guidance=question.guidance,
                        follow_ups="\n".join(question.follow_ups),
                        anchor_excerpt=question.anchor_excerpt,
                    )
                )
            root.appendRow(section_item)
        self.appendRow(root)

    def to_data(self) -> dict[str, Any]:
        """The working copy in the snapshot's shape, text as typed (the core normalises it)."""
        root = self.script_item()
        if root is None:
            return {}
        data = {name: root.data(FIELD_ROLE[name]) for name in FIELDS[SCRIPT]}
        data["sections"] = []
        for section_item in _children(root):
            section = {name: section_item.data(FIELD_ROLE[name]) for name in FIELDS[SECTION]}
            section["questions"] = []
            for question_item in _children(section_item):
                question = {name: question_item.data(FIELD_ROLE[name]) for name in FIELDS[QUESTION]}
                question["follow_ups"] = [
                    line.strip() for line in question["follow_ups"].splitlines() if line.strip()
                ]
                section["questions"].append(question)
            data["sections"].append(section)
        return data

    # Reading items

    def script_item(self) -> QStandardItem | None:
        return self.item(0) if self.rowCount() else None

    @staticmethod
    def kind(index: QModelIndex) -> str:
        value = index.data(KindRole)
        return str(value) if value else ""

    @staticmethod
    def value(index: QModelIndex, name: str) -> Any:
        return index.data(FIELD_ROLE[name])

    def section_index(self, index: QModelIndex) -> QModelIndex:
        """The section an index is, or is in; invalid for the script itself."""
        kind = self.kind(index)
        if kind == QUESTION:
            return index.parent()
        return index if kind == SECTION else QModelIndex()

    def index_for_path(self, path: str) -> tuple[QModelIndex, str]:
        """The item a problem's field path points at, and the field within it."""
        root = self.index(0, 0)
        match = _PATH.match(path)
        if match is None:
            return root, path.split(".")[0].split("[")[0]
        section_row, question_row, name = match.groups()
        section = self.index(int(section_row), 0, root)
        if question_row is None:
            return (section if section.isValid() else root), name or ""
        question = self.index(int(question_row), 0, section)
        return (question if question.isValid() else section), name or ""

    def path_of(self, index: QModelIndex) -> str:
        kind = self.kind(index)
        if kind == SECTION:
            return f"sections[{index.row()}]"
        if kind == QUESTION:
            return f"sections[{index.parent().row()}].questions[{index.row()}]"
        return ""

    # Changing items

    def set_value(self, index: QModelIndex, name: str, value: Any) -> None:
        item = self.itemFromIndex(index)
        if item is None:
            return
        item.setData(value, FIELD_ROLE[name])
        _refresh_text(item)

    def add_section(self, after: QModelIndex, section_id: str) -> QModelIndex:
        root = self.script_item()
        assert root is not None
        section = self.section_index(after)
        row = section.row() + 1 if section.isValid() else root.rowCount()
        item = self._item(SECTION, id=section_id, title="")
        root.insertRow(row, [item])
        return item.index()

    def add_question(self, at: QModelIndex, question_id: str) -> QModelIndex:
        """Adds a question after the selected question, or at the end of the selected section
        (the last section when the script itself is selected)."""
        root = self.script_item()
        assert root is not None
        if self.kind(at) == QUESTION:
            section_item, row = self.itemFromIndex(at.parent()), at.row() + 1
        elif self.kind(at) == SECTION:
            section_item = self.itemFromIndex(at)
            row = section_item.rowCount()
        else:
            section_item = root.child(root.rowCount() - 1)
            if section_item is None:
                return QModelIndex()
            row = section_item.rowCount()
        item = self._item(
            QUESTION, id=question_id, text="", guidance="", follow_ups="", anchor_excerpt=False
        )
        section_item.insertRow(row, [item])
        return item.index()

    def can_move(self, index: QModelIndex, step: int) -> bool:
        kind = self.kind(index)
        if kind == SECTION:
            return 0 <= index.row() + step < self.rowCount(index.parent())
        if kind == QUESTION:
            section = index.parent()
            inside = 0 <= index.row() + step < self.rowCount(section)
            return inside or 0 <= section.row() + step < self.rowCount(section.parent())
        return False

    def move(self, index: QModelIndex, step: int) -> QModelIndex:
        """Moves a section among sections, or a question within its section and, from either
        end, into the neighbouring section.  Returns the item's new index."""
        if not self.can_move(index, step):
            return index
        parent = self.itemFromIndex(index.parent())
        row = index.row()
        if self.kind(index) == QUESTION and not 0 <= row + step < parent.rowCount():
            neighbour = parent.parent().child(parent.row() + step)
            taken = parent.takeRow(row)
            target_row = neighbour.rowCount() if step < 0 else 0
            neighbour.insertRow(target_row, taken)
            return taken[0].index()
        taken = parent.takeRow(row)
        parent.insertRow(row + step, taken)
        return taken[0].index()

    def remove(self, index: QModelIndex) -> None:
        if self.kind(index) in (SECTION, QUESTION):
            self.removeRow(index.row(), index.parent())

    def unused_id(self, parent: QModelIndex, prefix: str) -> str:
        """``prefix`` with the smallest number not already an id among ``parent``'s children."""
        taken = {
            str(self.index(row, 0, parent).data(FIELD_ROLE["id"]))
            for row in range(self.rowCount(parent))
        }
        number = 1
        while f"{prefix}{number}" in taken:
            number += 1
        return f"{prefix}{number}"

    def mark_problems(self, messages: dict[str, list[str]], icon: QIcon) -> None:
        """Shows which items have problems: ``messages`` maps ``path_of(index)`` to messages.

        The icon catches the eye; the tooltip and accessible description say what is wrong.
        """
        for item in self._all_items():
            found = messages.get(self.path_of(item.index()), [])
            text = "\n".join(found)
            if item.data(Qt.ItemDataRole.ToolTipRole) == (text or None):
                continue
            item.setData(icon if found else None, Qt.ItemDataRole.DecorationRole)
            item.setData(text or None, Qt.ItemDataRole.ToolTipRole)
            item.setData(text or None, Qt.ItemDataRole.AccessibleDescriptionRole)

    def _all_items(self) -> list[QStandardItem]:
        root = self.script_item()
        if root is None:
            return []
        items = [root]
        for section in _children(root):
            items.append(section)
            items.extend(_children(section))
        return items

    def _item(self, kind: str, **values: Any) -> QStandardItem:
        item = QStandardItem()
        item.setEditable(False)
        item.setData(kind, KindRole)
        for name, value in values.items():
            item.setData(value, FIELD_ROLE[name])
        _refresh_text(item)
        return item


def _children(item: QStandardItem) -> list[QStandardItem]:
    return [item.child(row) for row in range(item.rowCount())]


def _refresh_text(item: QStandardItem) -> None:
    kind = item.data(KindRole)
    if kind == QUESTION:
        text = " ".join(str(item.data(FIELD_ROLE["text"]) or "").split())
        if len(text) > _TEXT_PREVIEW:
            text = text[: _TEXT_PREVIEW - 1].rstrip() + "…"
        shown = text or _tr("(new question: no text yet)")
        if item.data(FIELD_ROLE["anchor_excerpt"]):
            # In front, so that a long question elided at the end still shows it.
            shown = _tr("[Excerpt] {0}").format(shown)
    elif kind == SECTION:
        shown = str(item.data(FIELD_ROLE["title"]) or "").strip() or _tr("(new section: no title)")
    else:
        shown = str(item.data(FIELD_ROLE["title"]) or "").strip() or _tr("(untitled script)")
    item.setText(shown)
