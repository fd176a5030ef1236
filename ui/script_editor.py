"""The script editor: choose a script, edit its sections and questions, save, import, export.

Left, the library's scripts; in the middle, the chosen script as a tree; right, a form for the
selected item.  Every change goes into the tree model at once and is checked by the core's
rules, so problems show beside their fields as the teacher types.  Built-in scripts can be
edited too: saving stores the teacher's own copy.  Leaving a script with unsaved changes (by
choosing another, starting a new one, importing or closing) asks Save / Discard / Cancel.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.errors import OwnWorkError
from app.scripts.library import ScriptEntry, ScriptExistsError, ScriptLibrary
from app.scripts.model import Question, Script, Section, from_snapshot
from app.scripts.problems import Problem, ScriptError
from ui.scripts import prompts
from ui.scripts.forms import ERROR_STYLE, FieldForm, QuestionForm, ScriptForm, SectionForm
from ui.scripts.list_model import EntryRole, ScriptListModel
from ui.scripts.problem_text import field_label, humane
from ui.scripts.tree_model import FIELDS, QUESTION, SCRIPT, SECTION, ScriptTreeModel
from ui.window_size import fit_to_screen


class ScriptEditor(QDialog):
    def __init__(self, library: ScriptLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._entry: ScriptEntry | None = None  # None for a script not saved yet
        self._loaded: Script | None = None
        self._saved_data: dict[str, Any] = {}
        self._problems: list[Problem] = []
        self._switching = False
        self.setWindowTitle(self.tr("Interview scripts"))
        self.setAccessibleName(self.tr("Interview scripts"))
        fit_to_screen(self, 1280, 720)

        self._list_model = ScriptListModel(self)
        self._tree_model = ScriptTreeModel(self)
        self._warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_list_pane())
        splitter.addWidget(self._build_tree_pane())
        splitter.addWidget(self._build_form_pane())
        splitter.setSizes([280, 430, 570])
        splitter.setStretchFactor(2, 1)

        self._status = QLabel(self)
        self._status.setWordWrap(True)
        self._status.setAccessibleName(self.tr("Status"))
        self._buttons = QDialogButtonBox(self)
        self._save_button = self._buttons.addButton(
            self.tr("Sa&ve"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self._save_button.setAccessibleName(self.tr("Save script"))
        self._save_button.setToolTip(self.tr("Save the script (Ctrl+S)"))
        close = self._buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close the script editor"))
        self._save_button.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self._status, 1)
        bottom.addWidget(self._buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._add_shortcuts()
        self._refresh_list(select=None)
        self._update_state()

    # Building

    def _build_list_pane(self) -> QWidget:
        pane = QWidget(self)
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("&Scripts:"), pane)
        self._list = QListView(pane)
        self._list.setModel(self._list_model)
        self._list.setAccessibleName(self.tr("Scripts"))
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._list.setWordWrap(True)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.selectionModel().currentChanged.connect(self._on_script_chosen)
        caption.setBuddy(self._list)
        column.addWidget(caption)
        column.addWidget(self._list, 1)
        row = QHBoxLayout()
        self._new_button = self._button(self.tr("&New"), self.tr("New script"), self.new_script)
        self._import_button = self._button(
            self.tr("&Import…"), self.tr("Import a script file"), self.import_file
        )
        row.addWidget(self._new_button)
        row.addWidget(self._import_button)
        column.addLayout(row)
        row = QHBoxLayout()
        self._export_button = self._button(
            self.tr("E&xport…"), self.tr("Export the script to a file"), self.export_file
        )
        self._delete_script_button = self._button(
            self.tr("Delete scrip&t…"), self.tr("Delete this script"), self.delete_script
        )
        row.addWidget(self._export_button)
        row.addWidget(self._delete_script_button)
        column.addLayout(row)
        return pane

    def _build_tree_pane(self) -> QWidget:
        pane = QWidget(self)
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("Sections and &questions:"), pane)
        self._tree = QTreeView(pane)
        self._tree.setModel(self._tree_model)
        self._tree.setHeaderHidden(True)
        self._tree.setAccessibleName(self.tr("Sections and questions"))
        self._tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._tree.setWordWrap(True)
        self._tree.selectionModel().currentChanged.connect(self._on_item_chosen)
        # Enter on an item moves to its form, so the keyboard path is: choose, then edit.
        self._tree.activated.connect(lambda _index: self._current_form().focus_field(""))
        caption.setBuddy(self._tree)
        column.addWidget(caption)
        column.addWidget(self._tree, 1)
        row = QHBoxLayout()
        self._add_section_button = self._button(
            self.tr("Add s&ection"), self.tr("Add a section"), self.add_section
        )
        self._add_question_button = self._button(
            self.tr("&Add question"), self.tr("Add a question"), self.add_question
        )
        row.addWidget(self._add_section_button)
        row.addWidget(self._add_question_button)
        column.addLayout(row)
        row = QHBoxLayout()
        self._up_button = self._button(
            self.tr("Move &up"), self.tr("Move up (Ctrl+Up)"), lambda: self.move_item(-1)
        )
        self._down_button = self._button(
            self.tr("Move do&wn"), self.tr("Move down (Ctrl+Down)"), lambda: self.move_item(1)
        )
        self._delete_button = self._button(
            self.tr("&Delete…"),
            self.tr("Delete the selected section or question (Delete)"),
            self.delete_item,
        )
        row.addWidget(self._up_button)
        row.addWidget(self._down_button)
        row.addWidget(self._delete_button)
        column.addLayout(row)
        return pane

    def _build_form_pane(self) -> QWidget:
        pane = QWidget(self)
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        self._notice = QLabel(pane)
        self._notice.setWordWrap(True)
        self._notice.setAccessibleName(self.tr("About this script"))
        self._notice.hide()
        column.addWidget(self._notice)
        self._pages = QStackedWidget(pane)
        self._empty_page = QWidget(self._pages)
        empty = QVBoxLayout(self._empty_page)
        self._empty_text = QLabel(self._empty_page)
        self._empty_text.setWordWrap(True)
        self._empty_text.setStyleSheet(ERROR_STYLE)
        self._empty_problems = QPlainTextEdit(self._empty_page)
        self._empty_problems.setReadOnly(True)
        self._empty_problems.setAccessibleName(self.tr("Problems in the script file"))
        empty.addWidget(self._empty_text)
        empty.addWidget(self._empty_problems, 1)
        self._script_form = ScriptForm(self._pages)
        self._section_form = SectionForm(self._pages)
        self._question_form = QuestionForm(self._pages)
        for page in (self._empty_page, self._script_form, self._section_form, self._question_form):
            self._pages.addWidget(page)
        for form in (self._script_form, self._section_form, self._question_form):
            form.edited.connect(self._on_edited)
        column.addWidget(self._pages, 1)
        return pane

    def _button(self, text: str, accessible: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _add_shortcuts(self) -> None:
        save = QAction(self.tr("Save"), self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.triggered.connect(self.save)
        self.addAction(save)
        # Moving and deleting act on the tree's selection, so they work while it has focus;
        # in a text field the same keys keep their usual meaning.
        for keys, slot in (
            (QKeySequence("Ctrl+Up"), lambda: self.move_item(-1)),
            (QKeySequence("Ctrl+Down"), lambda: self.move_item(1)),
            (QKeySequence(QKeySequence.StandardKey.Delete), self.delete_item),
        ):
            action = QAction(self._tree)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self._tree.addAction(action)

    # Choosing a script

    def _refresh_list(self, select: str | None) -> None:
        self._switching = True
        try:
            self._list_model.set_entries(self._library.list())
            row = self._list_model.row_of(select) if select else -1
            if select is None and self._list_model.rowCount() and self._entry is None:
                row = 0
            if row >= 0:
                self._list.setCurrentIndex(self._list_model.index(row, 0))
        finally:
            self._switching = False
        if row >= 0:
            entry = self._list_model.entry(row)
            if entry is not None:
                self._open(entry)

    def _on_script_chosen(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._switching or not current.isValid():
            return
        entry = current.data(EntryRole)
        if not isinstance(entry, ScriptEntry) or entry == self._entry:
            return
        if not self.confirm_leave():
            self._select_row(previous.row() if previous.isValid() else -1)
            return
        # Saving on the way out refreshes the list: find the chosen script in it again.
        row = self._list_model.row_matching(entry)
        chosen = self._list_model.entry(row)
        if chosen is not None:
            self._select_row(row)
            self._open(chosen)

    def _select_row(self, row: int) -> None:
        self._switching = True
        try:
            if row < 0:
                self._list.selectionModel().clear()
            else:
                self._list.selectionModel().setCurrentIndex(
                    self._list_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect,
                )
        finally:
            self._switching = False

    def _open(self, entry: ScriptEntry) -> None:
        self._entry = entry
        if entry.script is None:
            self._loaded = None
            self._tree_model.clear()
            self._saved_data = {}
            self._problems = []
            where = str(entry.path) if entry.path else entry.id
            self._empty_text.setText(
                self.tr(
                    "{0} is not a valid script, so it cannot be used or edited here. "
                    "Correct the file in a text editor, or delete it."
                ).format(where)
            )
            problems = entry.error.problems if entry.error is not None else ()
            self._empty_problems.setPlainText("\n".join(str(p) for p in problems))
            self._pages.setCurrentWidget(self._empty_page)
            self._notice.hide()
            self._update_state()
            return
        self._load(entry.script, new=False)

    def _load(self, script: Script, *, new: bool) -> None:
        self._loaded = None if new else script
        self._tree_model.load(script)
        self._tree.expandAll()
        self._saved_data = {} if new else self._tree_model.to_data()
        bundled = self._entry is not None and self._entry.bundled
        self._script_form.set_id_editable(new)
        if bundled:
            self._notice.setText(
                self.tr(
                    "This is a built-in script. You can change it: saving keeps your "
                    "version as your own copy, and the built-in script stays as it is."
                )
            )
        self._notice.setVisible(bundled)
        self._validate()
        self._tree.setCurrentIndex(self._tree_model.index(0, 0))
        self._show_form(self._tree.currentIndex())

    # Editing

    def _on_item_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_form(current)
        self._update_state()

    def _current_form(self) -> FieldForm:
        page = self._pages.currentWidget()
        return page if isinstance(page, FieldForm) else self._script_form

    def _show_form(self, index: QModelIndex) -> None:
        kind = self._tree_model.kind(index)
        forms: dict[str, FieldForm] = {
            SCRIPT: self._script_form,
            SECTION: self._section_form,
            QUESTION: self._question_form,
        }
        form = forms.get(kind)
        if form is None:
            self._pages.setCurrentWidget(self._empty_page)
            return
        names = FIELDS[kind]
        form.set_values({name: self._tree_model.value(index, name) for name in names})
        form.show_problems(self._problems_for(index))
        self._pages.setCurrentWidget(form)

    def _on_edited(self, name: str, value: object) -> None:
        index = self._tree.currentIndex()
        if not index.isValid():
            return
        self._tree_model.set_value(index, name, value)
        self._validate()
        self._current_form().show_problems(self._problems_for(index))
        self._update_state()

    def add_section(self) -> None:
        if self._tree_model.script_item() is None:
            return
        root = self._tree_model.index(0, 0)
        section_id = self._tree_model.unused_id(root, "section-")
        index = self._tree_model.add_section(self._tree.currentIndex(), section_id)
        self._after_change(index, focus="title")

    def add_question(self) -> None:
        current = self._tree.currentIndex()
        section = self._tree_model.section_index(current)
        if not section.isValid():
            root = self._tree_model.index(0, 0)
            section = self._tree_model.index(self._tree_model.rowCount(root) - 1, 0, root)
        if not section.isValid():
            self._status.setText(self.tr("Add a section first: questions belong to a section."))
            return
        question_id = self._tree_model.unused_id(section, "q")
        index = self._tree_model.add_question(current, question_id)
        self._after_change(index, focus="text")

    def move_item(self, step: int) -> None:
        index = self._tree.currentIndex()
        if not self._tree_model.can_move(index, step):
            return
        moved = self._tree_model.move(index, step)
        self._after_change(moved, focus=None)

    def delete_item(self) -> None:
        index = self._tree.currentIndex()
        kind = self._tree_model.kind(index)
        if kind == SECTION:
            count = self._tree_model.rowCount(index)
            question = self.tr("Delete the section “{0}” and its {1} question(s)?").format(
                index.data(), count
            )
        elif kind == QUESTION:
            question = self.tr("Delete the question “{0}”?").format(index.data())
        else:
            return
        if not prompts.confirm(self, self.tr("Delete"), question):
            return
        parent, row = index.parent(), index.row()
        self._tree_model.remove(index)
        rows = self._tree_model.rowCount(parent)
        after = self._tree_model.index(min(row, rows - 1), 0, parent) if rows else parent
        self._after_change(after, focus=None)
        self._tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def _after_change(self, index: QModelIndex, *, focus: str | None) -> None:
        self._tree.expandAll()
        self._validate()
        self._tree.setCurrentIndex(index)
        self._show_form(index)
        self._update_state()
        if focus is not None:
            self._current_form().focus_field(focus)

    # Checking

    def _validate(self) -> Script | None:
        data = self._tree_model.to_data()
        try:
            script = from_snapshot(data, source=self.tr("script"))
        except ScriptError as error:
            self._problems = list(error.problems)
            script = None
        else:
            self._problems = []
        by_item: dict[str, list[str]] = {}
        for problem in self._problems:
            index, name = self._tree_model.index_for_path(problem.field)
            text = f"{field_label(name)}: {humane(problem.message)}" if name else problem.message
            by_item.setdefault(self._tree_model.path_of(index), []).append(text)
        self._tree_model.mark_problems(by_item, self._warning_icon)
        return script

    def _problems_for(self, index: QModelIndex) -> dict[str, str]:
        found: dict[str, str] = {}
        for problem in self._problems:
            at, name = self._tree_model.index_for_path(problem.field)
            if at == index:
                found.setdefault(name or "item", humane(problem.message))
        return found

    def is_dirty(self) -> bool:
        if self._tree_model.script_item() is None:
            return False
        return self._loaded is None or self._tree_model.to_data() != self._saved_data

    def _update_state(self) -> None:
        has_script = self._tree_model.script_item() is not None
        index = self._tree.currentIndex()
        kind = self._tree_model.kind(index)
        dirty = self.is_dirty()
        self._save_button.setEnabled(dirty)
        self._add_section_button.setEnabled(has_script)
        self._add_question_button.setEnabled(has_script)
        self._up_button.setEnabled(self._tree_model.can_move(index, -1))
        self._down_button.setEnabled(self._tree_model.can_move(index, 1))
        self._delete_button.setEnabled(kind in (SECTION, QUESTION))
        own = self._entry is not None and self._entry.ok and not self._entry.bundled
        self._delete_script_button.setEnabled(own and self._loaded is not None)
        self._export_button.setEnabled(has_script)
        title = self.tr("Interview scripts")
        root = self._tree_model.script_item()
        if root is not None:
            title += f" — {root.text()}{' *' if dirty else ''}"
        self.setWindowTitle(title)
        if self._problems:
            self._status.setStyleSheet(ERROR_STYLE)
            count = len(self._problems)
            if count == 1:
                text = self.tr("1 problem to fix before saving; the item is marked.")
            else:
                text = self.tr(
                    "{0} problems to fix before saving; items with problems are marked."
                ).format(count)
            self._status.setText(text)
        elif dirty:
            self._status.setStyleSheet("")
            self._status.setText(self.tr("Unsaved changes."))
        elif has_script:
            self._status.setStyleSheet("")

    # Saving and leaving

    def save(self) -> bool:
        """Saves the working copy; False if it has problems or could not be written."""
        if not self.is_dirty():
            return True
        script = self._validate()
        if script is None:
            self._update_state()
            self._go_to_first_problem()
            return False
        bundled = self._entry is not None and self._entry.bundled
        original = self._loaded
        if original is not None and not bundled and script != original:
            script = dataclasses.replace(script, version=original.version + 1)
        try:
            saved = self._library.save(script, replace=original is not None)
        except ScriptExistsError as error:
            self._tree.setCurrentIndex(self._tree_model.index(0, 0))
            self._show_form(self._tree.currentIndex())
            self._script_form.show_problems({"id": str(error)})
            self._script_form.focus_field("id")
            return False
        except OwnWorkError as error:
            prompts.warn(self, self.tr("Script not saved"), str(error))
            return False
        self._entry = None
        self._refresh_list(select=saved.id)
        if bundled:
            message = self.tr("Saved as your own copy, “{0}”. The built-in script is unchanged.")
            self._status.setText(message.format(saved.title))
        else:
            message = self.tr("Saved “{0}” (version {1}).")
            self._status.setText(message.format(saved.title, saved.version))
        return True

    def _go_to_first_problem(self) -> None:
        if not self._problems:
            return
        index, name = self._tree_model.index_for_path(self._problems[0].field)
        self._tree.setCurrentIndex(index)
        self._show_form(index)
        self._current_form().focus_field(name)

    def confirm_leave(self) -> bool:
        """True when the current script may be left: saved, or the teacher chose to discard."""
        if not self.is_dirty():
            return True
        root = self._tree_model.script_item()
        name = root.text() if root is not None else ""
        answer = prompts.ask_save_changes(self, name)
        if answer == prompts.Button.Save:
            return self.save()
        return answer == prompts.Button.Discard

    def reject(self) -> None:
        if self.confirm_leave():
            super().reject()

    # Scripts as a whole

    def new_script(self) -> None:
        if not self.confirm_leave():
            return
        script = Script(
            id=self._library.new_id("my-script"),
            title=self.tr("New script"),
            version=1,
            sections=(
                Section(
                    id="opening", title=self.tr("Opening"), questions=(Question(id="q1", text=""),)
                ),
            ),
        )
        self._entry = None
        self._select_row(-1)
        self._notice.hide()
        self._load(script, new=True)
        self._script_form.focus_field("title")
        self._update_state()

    def import_file(self) -> None:
        if not self.confirm_leave():
            return
        script = prompts.import_script(self, self._library)
        if script is None:
            return
        self._entry = None
        self._refresh_list(select=script.id)
        self._status.setText(self.tr("Imported “{0}”.").format(script.title))

    def export_file(self) -> None:
        script = self._validate()
        if script is None:
            self._update_state()
            self._go_to_first_problem()
            self._status.setText(self.tr("Fix the problems marked before exporting."))
            return
        path = prompts.choose_export_path(self, f"{script.id}.yaml")
        if not path:
            return
        try:
            target = self._library.export(script, path)
        except OwnWorkError as error:
            prompts.warn(self, self.tr("Script not exported"), str(error))
            return
        self._status.setText(self.tr("Exported to {0}.").format(target))

    def delete_script(self) -> None:
        entry = self._entry
        if entry is None or entry.script is None or entry.bundled:
            return
        question = self.tr(
            "Delete your script “{0}”? Conversations that used it keep their own copy of its "
            "questions."
        ).format(entry.script.title)
        if not prompts.confirm(self, self.tr("Delete script"), question):
            return
        try:
            self._library.delete(entry.id)
        except OwnWorkError as error:
            prompts.warn(self, self.tr("Script not deleted"), str(error))
            return
        self._entry = None
        self._loaded = None
        self._tree_model.clear()
        self._refresh_list(select=None)
        self._status.setText(self.tr("Deleted “{0}”.").format(entry.script.title))
