"""A finalised record says so wherever conversations are listed: lists, details, the CLI."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.cli.main import main
from app.domain.records import ConversationStatus
from app.paths import AppPaths
from app.storage import conversations
from app.storage.database import Database
from tests.gui_helpers import wait_listed
from tests.integrity_support import conclude, finalised, plan_conversation
from ui.main_window import MainWindow


@pytest.fixture
def three(store: Database) -> dict[str, int]:
    """Three conversations: one planned, one concluded, one concluded and finalised."""
    ids = {
        "planned": plan_conversation(store, "0001"),
        "concluded": plan_conversation(store, "0002"),
        "finalised": plan_conversation(store, "0003"),
    }
    conclude(store, ids["concluded"])
    finalised(store, ids["finalised"])
    return ids


def test_the_repository_tells_when_a_record_was_finalised(
    store: Database, three: dict[str, int]
) -> None:
    with store.transaction() as session:
        done = conversations.get(session, three["finalised"])
        open_ = conversations.get(session, three["concluded"])
    assert done.finalised_at is not None and done.status is ConversationStatus.CONCLUDED
    assert open_.finalised_at is None and open_.status is ConversationStatus.CONCLUDED


def test_the_list_command_shows_finalised(
    three: dict[str, int], paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(paths.data_dir), "list", "conversations"]) == 0
    lines = capsys.readouterr().out.splitlines()
    statuses = {line.split()[0]: line for line in lines[1:]}
    assert "finalised" in statuses[str(three["finalised"])]
    assert "finalised" not in statuses[str(three["concluded"])]
    assert main(["--data-dir", str(paths.data_dir), "list", "conversations", "--json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[three["finalised"]]["finalised_at"] is not None
    assert rows[three["concluded"]]["finalised_at"] is None


def test_the_main_window_shows_finalised_in_the_list_and_the_details(
    qtbot: QtBot, store: Database, paths: AppPaths, three: dict[str, int]
) -> None:
    window = MainWindow(store, paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_tab(2)
    wait_listed(qtbot, window)
    pane = window.conversations
    headers = [
        pane.model.headerData(c, Qt.Orientation.Horizontal) for c in range(pane.model.columnCount())
    ]
    status = headers.index("Status")
    shown = {
        pane.model.record(row).id: pane.model.index(row, status).data()  # type: ignore[union-attr]
        for row in range(pane.model.rowCount())
    }
    assert shown == {
        three["planned"]: "Preparing",
        three["concluded"]: "Concluded",
        three["finalised"]: "Finalised",
    }
    pane.select_where(lambda record: record.id == three["finalised"])
    pane.table.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: "Finalised " in pane.detail.toPlainText())
    details = pane.detail.toPlainText()
    assert "Finalised " in details and "Concluded" not in details
