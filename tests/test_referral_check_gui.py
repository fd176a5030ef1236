"""Asking for a referral the record does not support: the list of what is missing, a way to record
each step of telling the candidate, and a draft marked as not ready to send."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.domain import rights
from app.integrity import amendments
from app.storage.database import Database
from tests.document_support import reader
from tests.gui_helpers import on_next_dialog, type_text
from tests.integrity_support import centre_for_referrals, conclude
from ui.documents.actions import open_document_preview
from ui.documents.preview import DocumentPreview
from ui.documents.referral_check import ReferralCheckDialog

LEFT = Qt.MouseButton.LeftButton
NEEDED = [item for item in rights.RIGHTS if item.before_referral]


def _listed(dialog: ReferralCheckDialog) -> str:
    return dialog.listing.text()


def test_each_missing_step_is_recorded_then_the_referral_is_made(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    centre_for_referrals(store)
    conclude(store, conversation_id)
    seen: list[str] = []

    def record_each(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralCheckDialog)
        seen.append(_listed(dialog))
        assert not dialog.ready_button.isEnabled()
        # Without saying how the candidate was told, nothing is recorded.
        qtbot.mouseClick(dialog.record_buttons[NEEDED[0].key], LEFT)
        assert "how and when" in dialog.message.text()
        dialog.how.setFocus()
        type_text(dialog.how, "Letter given by hand on 9 October; parent copy posted.")
        for item in NEEDED:
            qtbot.mouseClick(dialog.record_buttons[item.key], LEFT)
        assert dialog.ready_button.isEnabled()
        qtbot.mouseClick(dialog.ready_button, LEFT)

    errors = on_next_dialog(record_each)
    preview = open_document_preview(None, store, conversation_id, "referral")
    assert not errors
    for item in NEEDED:
        assert f"{item.label[0].lower()}{item.label[1:]}" in seen[0]
    assert isinstance(preview, DocumentPreview)
    qtbot.addWidget(preview)
    pages = [page.extract_text() for page in reader(preview.pdf_bytes).pages]
    assert not any("DRAFT" in page for page in pages)
    assert "Letter given by hand on 9 October" in " ".join(pages)
    with store.transaction() as session:
        made = amendments.list_for(session, conversation_id)
    assert sorted(a.path for a in made) == sorted(f"preparation.rights.{i.key}" for i in NEEDED)
    assert {a.new_value for a in made} == {"yes"}


def test_a_draft_is_made_when_the_teacher_chooses_it(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    centre_for_referrals(store)
    conclude(store, conversation_id)

    def choose_draft(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralCheckDialog)
        qtbot.mouseClick(dialog.draft_button, LEFT)

    errors = on_next_dialog(choose_draft)
    preview = open_document_preview(None, store, conversation_id, "referral")
    assert not errors
    assert isinstance(preview, DocumentPreview)
    qtbot.addWidget(preview)
    pages = [page.extract_text() for page in reader(preview.pdf_bytes).pages]
    assert all("DRAFT — not ready to send" in page for page in pages)
    assert preview.file_name.startswith("Draft referral")
    with store.transaction() as session:
        assert amendments.list_for(session, conversation_id) == []


def test_giving_the_written_notice_from_the_list_records_the_rights_it_states(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    centre_for_referrals(store)
    conclude(store, conversation_id)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "notice.pdf"), "")
    )
    states: list[bool] = []

    def give_notice(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralCheckDialog)
        assert dialog.notice_button.isVisible() and not dialog.ready_button.isEnabled()
        qtbot.mouseClick(dialog.notice_button, LEFT)
        preview = dialog.notice
        assert isinstance(preview, DocumentPreview)
        qtbot.mouseClick(preview.save_button, LEFT)
        preview.close()
        qtbot.waitUntil(lambda: dialog.ready_button.isEnabled(), timeout=5_000)
        states.append(dialog.notice_button.isVisible())
        qtbot.mouseClick(dialog.ready_button, LEFT)

    errors = on_next_dialog(give_notice)
    preview = open_document_preview(None, store, conversation_id, "referral")
    assert not errors and states == [False]
    assert (tmp_path / "notice.pdf").exists()
    assert isinstance(preview, DocumentPreview)
    qtbot.addWidget(preview)
    text = " ".join(page.extract_text() for page in reader(preview.pdf_bytes).pages)
    assert "DRAFT" not in text
    assert "The written notice was given to the candidate on" in text
