"""The script editor, driven as a teacher would: keyboard and clicks through qtbot."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFileDialog,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.paths import AppPaths
from app.scripts.library import ScriptLibrary
from app.scripts.loader import dump_script, load_script_file
from app.scripts.model import Question, Script, Section
from ui.script_editor import ScriptEditor

W = TypeVar("W", bound=QWidget)
Button = QMessageBox.StandardButton


def own_script() -> Script:
    return Script(
        id="mine",
        title="A script of mine",
        subject="History",
        version=4,
        sections=(
            Section(
                id="opening",
                title="Opening",
                questions=(
                    Question(id="q1", text="First question?", follow_ups=("Prompt?",)),
                    Question(id="q2", text="Second question?"),
                ),
            ),
            Section(id="closing", title="Closing", questions=(Question(id="q1", text="Last?"),)),
        ),
    )


@pytest.fixture
def library(paths: AppPaths) -> ScriptLibrary:
    library = ScriptLibrary(paths)
    library.save(own_script())
    return library


def never_ask(dialog: QWidget) -> None:
    """A test that ends with unsaved changes must not leave a real (modal) prompt waiting."""
    dialog.confirm_leave = lambda: True  # type: ignore[attr-defined]


def open_editor(qtbot: QtBot, library: ScriptLibrary) -> ScriptEditor:
    dialog = ScriptEditor(library)
    qtbot.addWidget(dialog, before_close_func=never_ask)
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


@pytest.fixture
def editor(qtbot: QtBot, library: ScriptLibrary) -> ScriptEditor:
    return open_editor(qtbot, library)


class Answers:
    """Stands in for QMessageBox: answers each question in turn and records what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: Button) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.warnings: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", self._question)
        monkeypatch.setattr(QMessageBox, "warning", self._warning)

    def _question(self, parent: Any, title: str, text: str, *args: Any) -> Button:
        self.asked.append(text)
        return self.answers.pop(0)

    def _warning(self, parent: Any, title: str, text: str, *args: Any) -> Button:
        self.warnings.append(text)
        return Button.Ok


def named(root: QWidget, kind: type[W], name: str) -> W:
    found = [w for w in root.findChildren(kind) if w.accessibleName() == name and w.isVisible()]
    assert len(found) == 1, f"{len(found)} visible {kind.__name__} named {name!r}"
    return found[0]


def tree(editor: ScriptEditor) -> QTreeView:
    return named(editor, QTreeView, "Sections and questions")


def item(editor: ScriptEditor, section: int, question: int | None = None) -> QModelIndex:
    model = tree(editor).model()
    index = model.index(section, 0, model.index(0, 0))
    return index if question is None else model.index(question, 0, index)


def click_item(qtbot: QtBot, editor: ScriptEditor, index: QModelIndex) -> None:
    view = tree(editor)
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    assert view.currentIndex() == index


def click(qtbot: QtBot, editor: ScriptEditor, name: str) -> None:
    button = named(editor, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_script(qtbot: QtBot, editor: ScriptEditor, title: str) -> None:
    view = named(editor, QListView, "Scripts")
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if str(index.data()).startswith(title):
            view.scrollTo(index)
            qtbot.mouseClick(
                view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
            )
            return
    raise AssertionError(f"no script titled {title!r}")


def alt(qtbot: QtBot, editor: ScriptEditor, key: Qt.Key, button_name: str) -> None:
    """Presses a button's Alt+letter mnemonic; Qt clicks the button a moment later."""
    button = named(editor, QPushButton, button_name)
    with qtbot.waitSignal(button.clicked, timeout=2000):
        QTest.keyClick(editor, key, Qt.KeyboardModifier.AltModifier)


def replace_text(qtbot: QtBot, widget: QLineEdit | QPlainTextEdit, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def texts(editor: ScriptEditor, section: int) -> list[str]:
    model = tree(editor).model()
    parent = item(editor, section)
    return [str(model.index(row, 0, parent).data()) for row in range(model.rowCount(parent))]


def test_opens_on_the_first_script_with_its_sections(editor: ScriptEditor) -> None:
    model = tree(editor).model()
    root = model.index(0, 0)
    assert root.data() == "Art and design portfolio and annotations"
    assert model.rowCount(root) == 7
    assert named(editor, QLineEdit, "Title").text() == root.data()


def test_item_models_pass_the_qt_model_tester(editor: ScriptEditor, qtmodeltester: Any) -> None:
    qtmodeltester.check(tree(editor).model())
    qtmodeltester.check(named(editor, QListView, "Scripts").model())


def test_editing_a_question_and_saving_with_ctrl_s(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0, 1))
    replace_text(qtbot, named(editor, QPlainTextEdit, "Question"), "Where did you start?")
    follow_ups = named(editor, QPlainTextEdit, "Follow-ups")
    qtbot.keyClicks(follow_ups, "What came first?")
    QTest.keyClick(follow_ups, Qt.Key.Key_Return)
    qtbot.keyClicks(follow_ups, "  And then?  ")
    anchor = named(editor, QCheckBox, "About a passage of the work")
    anchor.setFocus()
    QTest.keyClick(anchor, Qt.Key.Key_Space)
    assert texts(editor, 0)[1] == "[Excerpt] Where did you start?"
    assert editor.windowTitle().endswith("*")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = library.get("mine")
    question = saved.sections[0].questions[1]
    assert question.text == "Where did you start?"
    assert question.follow_ups == ("What came first?", "And then?")
    assert question.anchor_excerpt is True
    assert saved.version == 5
    assert not editor.windowTitle().endswith("*")
    assert "Saved" in named(editor, QWidget, "Status").property("text")


def test_adding_a_section_and_a_question_with_the_keyboard_only(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    view = tree(editor)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex() == item(editor, 1, 0)
    alt(qtbot, editor, Qt.Key.Key_E, "Add a section")
    title = named(editor, QLineEdit, "Title")
    assert title.hasFocus()
    qtbot.keyClicks(title, "Sources")
    alt(qtbot, editor, Qt.Key.Key_A, "Add a question")
    text = named(editor, QPlainTextEdit, "Question")
    assert text.hasFocus()
    qtbot.keyClicks(text, "Where did this quotation come from?")
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = library.get("mine")
    assert [s.title for s in saved.sections] == ["Opening", "Closing", "Sources"]
    assert saved.sections[2].id == "section-1"
    assert saved.sections[2].questions == (
        Question(id="q1", text="Where did this quotation come from?"),
    )


def test_enter_on_an_item_moves_to_its_form(qtbot: QtBot, editor: ScriptEditor) -> None:
    view = tree(editor)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert named(editor, QLineEdit, "Title").hasFocus()


def test_reordering_with_ctrl_up_and_down_and_the_buttons(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0, 0))
    view = tree(editor)
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert texts(editor, 0) == ["Second question?", "First question?"]
    assert view.currentIndex() == item(editor, 0, 1)
    # From the end of a section, a question moves into the next one.
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert texts(editor, 0) == ["Second question?"]
    assert texts(editor, 1) == ["First question?", "Last?"]
    click(qtbot, editor, "Move up (Ctrl+Up)")
    assert texts(editor, 0) == ["Second question?", "First question?"]
    click_item(qtbot, editor, item(editor, 1))
    QTest.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert str(item(editor, 0).data()) == "Closing"
    assert not named(editor, QPushButton, "Move up (Ctrl+Up)").isEnabled()
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = library.get("mine")
    assert [s.id for s in saved.sections] == ["closing", "opening"]
    assert [q.id for q in saved.sections[1].questions] == ["q2", "q1"]


def test_deleting_asks_first_and_no_keeps_the_item(
    qtbot: QtBot, editor: ScriptEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0, 0))
    answers = Answers(monkeypatch, Button.No, Button.Yes)
    QTest.keyClick(tree(editor), Qt.Key.Key_Delete)
    assert answers.asked == ["Delete the question “First question?”?"]
    assert texts(editor, 0) == ["First question?", "Second question?"]
    click(qtbot, editor, "Delete the selected section or question (Delete)")
    assert texts(editor, 0) == ["Second question?"]
    assert tree(editor).currentIndex() == item(editor, 0, 0)


def test_deleting_a_section_says_how_many_questions_go_with_it(
    qtbot: QtBot, editor: ScriptEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0))
    answers = Answers(monkeypatch, Button.Yes)
    QTest.keyClick(tree(editor), Qt.Key.Key_Delete)
    assert answers.asked == ["Delete the section “Opening” and its 2 question(s)?"]
    assert str(item(editor, 0).data()) == "Closing"


def test_a_problem_shows_beside_its_field_and_blocks_saving(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0, 1))
    replace_text(qtbot, named(editor, QLineEdit, "Id"), "q1")
    problem = named(editor, QWidget, "Id: problem")
    assert problem.property("text") == "'q1' is already the id of question 1 of section 1"
    replace_text(qtbot, named(editor, QPlainTextEdit, "Question"), "   ")
    assert named(editor, QWidget, "Question: problem").property("text") == "Must not be empty"
    assert tree(editor).model().data(item(editor, 0, 1), Qt.ItemDataRole.ToolTipRole)
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "2 problems to fix" in named(editor, QWidget, "Status").property("text")
    assert library.get("mine") == own_script()
    replace_text(qtbot, named(editor, QLineEdit, "Id"), "q3")
    replace_text(qtbot, named(editor, QPlainTextEdit, "Question"), "Fixed?")
    assert not problem.isVisible()
    QTest.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert library.get("mine").sections[0].questions[1] == Question(id="q3", text="Fixed?")


def test_editing_a_built_in_script_saves_an_own_copy(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary
) -> None:
    choose_script(qtbot, editor, "General coursework conversation")
    assert "built-in script" in named(editor, QWidget, "About this script").property("text")
    click_item(qtbot, editor, item(editor, 0))
    replace_text(qtbot, named(editor, QLineEdit, "Title"), "Welcome")
    click(qtbot, editor, "Save script")
    copy = library.get("general-nea-own")
    assert copy.title == "General coursework conversation (own copy)"
    assert copy.sections[0].title == "Welcome"
    assert library.get("general-nea").sections[0].title == "Opening and purpose"
    assert tree(editor).model().index(0, 0).data() == copy.title


def test_switching_scripts_with_changes_asks_and_cancel_keeps_them(
    qtbot: QtBot, editor: ScriptEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0))
    replace_text(qtbot, named(editor, QLineEdit, "Title"), "Changed")
    answers = Answers(monkeypatch, Button.Cancel)
    choose_script(qtbot, editor, "Science investigation")
    assert answers.asked == ["Save the changes to “A script of mine”?"]
    assert tree(editor).model().index(0, 0).data() == "A script of mine"
    assert str(item(editor, 0).data()) == "Changed"
    selected = named(editor, QListView, "Scripts").currentIndex().data()
    assert selected == "A script of mine"


def test_switching_scripts_and_discarding_drops_the_changes(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0))
    replace_text(qtbot, named(editor, QLineEdit, "Title"), "Changed")
    Answers(monkeypatch, Button.Discard)
    choose_script(qtbot, editor, "Science investigation")
    assert tree(editor).model().index(0, 0).data() == "Science investigation"
    assert library.get("mine") == own_script()


def test_switching_scripts_and_saving_keeps_the_changes_and_opens_the_other(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0))
    replace_text(qtbot, named(editor, QLineEdit, "Title"), "Changed")
    Answers(monkeypatch, Button.Save)
    choose_script(qtbot, editor, "Science investigation")
    assert library.get("mine").sections[0].title == "Changed"
    assert tree(editor).model().index(0, 0).data() == "Science investigation"
    assert named(editor, QListView, "Scripts").currentIndex().data().startswith("Science")


def test_closing_with_changes_asks_save_discard_or_cancel(
    qtbot: QtBot, editor: ScriptEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_script(qtbot, editor, "A script of mine")
    click_item(qtbot, editor, item(editor, 0))
    replace_text(qtbot, named(editor, QLineEdit, "Title"), "Changed")
    answers = Answers(monkeypatch, Button.Cancel, Button.Discard)
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible()
    assert len(answers.asked) == 1
    editor.close()
    assert not editor.isVisible()
    assert len(answers.asked) == 2


def test_closing_without_changes_does_not_ask(
    qtbot: QtBot, editor: ScriptEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch)
    click(qtbot, editor, "Close the script editor")
    assert not editor.isVisible()
    assert answers.asked == []


def test_new_script_is_saved_under_a_fresh_id(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary
) -> None:
    alt(qtbot, editor, Qt.Key.Key_N, "New script")
    title = named(editor, QLineEdit, "Title")
    assert title.hasFocus()
    replace_text(qtbot, title, "Maths coursework")
    click_item(qtbot, editor, item(editor, 0, 0))
    qtbot.keyClicks(named(editor, QPlainTextEdit, "Question"), "How did you choose the data?")
    click(qtbot, editor, "Save script")
    saved = library.get("my-script")
    assert saved.title == "Maths coursework"
    assert saved.version == 1
    assert named(editor, QListView, "Scripts").currentIndex().data() == "Maths coursework"


def test_import_adds_a_file_and_refuses_a_bad_one(
    qtbot: QtBot,
    editor: ScriptEditor,
    library: ScriptLibrary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    good = tmp_path / "shared.yaml"
    good.write_text(
        dump_script(
            Script(
                id="shared",
                title="Shared script",
                sections=(Section(id="s", title="S", questions=(Question(id="q", text="Q?"),)),),
            )
        )
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: shared\ntitle: [\n")
    chosen = [str(bad), str(good)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen.pop(0), ""))
    answers = Answers(monkeypatch)
    before = sorted(p.name for p in library.folder.iterdir())
    alt(qtbot, editor, Qt.Key.Key_I, "Import a script file")
    assert "nothing was imported" in answers.warnings[0]
    assert f"{bad}:3: YAML syntax error" in answers.warnings[0]
    assert sorted(p.name for p in library.folder.iterdir()) == before
    click(qtbot, editor, "Import a script file")
    assert library.get("shared").title == "Shared script"
    assert tree(editor).model().index(0, 0).data() == "Shared script"


def test_import_with_a_clashing_id_asks_before_replacing(
    qtbot: QtBot,
    editor: ScriptEditor,
    library: ScriptLibrary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    newer = tmp_path / "newer.yaml"
    newer.write_text(dump_script(Script(id="mine", title="Newer", sections=own_script().sections)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(newer), ""))
    answers = Answers(monkeypatch, Button.No, Button.Yes)
    click(qtbot, editor, "Import a script file")
    assert library.get("mine") == own_script()
    click(qtbot, editor, "Import a script file")
    assert len(answers.asked) == 2
    assert library.get("mine").title == "Newer"


def test_export_writes_the_script_shown(
    qtbot: QtBot, editor: ScriptEditor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "exported.yaml"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    choose_script(qtbot, editor, "Science investigation")
    alt(qtbot, editor, Qt.Key.Key_X, "Export the script to a file")
    assert load_script_file(target).id == "science-investigation"


def test_deleting_an_own_script_asks_and_built_in_ones_cannot_be_deleted(
    qtbot: QtBot, editor: ScriptEditor, library: ScriptLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not named(editor, QPushButton, "Delete this script").isEnabled()
    choose_script(qtbot, editor, "A script of mine")
    answers = Answers(monkeypatch, Button.Yes)
    click(qtbot, editor, "Delete this script")
    assert "A script of mine" in answers.asked[0]
    assert [e.id for e in library.list() if not e.bundled] == []
    assert tree(editor).model().index(0, 0).data() == "Art and design portfolio and annotations"


def test_an_unusable_file_is_listed_with_its_problems(
    qtbot: QtBot, paths: AppPaths, library: ScriptLibrary
) -> None:
    (library.folder / "broken.yaml").write_text("id: broken\nsections: 3\n")
    dialog = open_editor(qtbot, library)
    choose_script(qtbot, dialog, "broken.yaml")
    problems = named(dialog, QPlainTextEdit, "Problems in the script file")
    assert "broken.yaml:2: sections: must be a list, not a number" in problems.toPlainText()
    assert not named(dialog, QPushButton, "Add a question").isEnabled()


def test_every_control_has_an_accessible_name(editor: ScriptEditor) -> None:
    def check(widgets: list[QWidget]) -> None:
        for widget in widgets:
            takes_focus = widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            if widget.isVisible() and (takes_focus or isinstance(widget, QAbstractButton)):
                assert widget.accessibleName(), f"{type(widget).__name__} has no name"

    check(editor.findChildren(QWidget))
    click_item_by_keyboard(editor)
    check(editor.findChildren(QWidget))


def click_item_by_keyboard(editor: ScriptEditor) -> None:
    view = tree(editor)
    view.setFocus()
    for _ in range(3):
        QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.model().data(view.currentIndex(), Qt.ItemDataRole.DisplayRole)


def test_tab_reaches_every_pane_in_order(editor: ScriptEditor) -> None:
    named(editor, QListView, "Scripts").setFocus()
    reached: list[str] = []
    for _ in range(40):
        QTest.keyClick(editor.focusWidget(), Qt.Key.Key_Tab)
        reached.append(editor.focusWidget().accessibleName())
    for name in ("Sections and questions", "Title", "Description", "Close the script editor"):
        assert name in reached
    assert reached.index("Sections and questions") < reached.index("Title")
