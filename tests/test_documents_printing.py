"""Preview, print and save from the app: the pages printed are the PDF's own pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.documents.kinds import DocumentKind, render
from app.documents.samples import demo_case, long_case
from app.storage import audit
from app.storage.database import Database
from app.storage.models import StudentRow
from tests.document_support import pdf_text, reader
from tests.gui_helpers import on_next_dialog
from tests.integrity_support import centre_for_referrals
from ui.documents.actions import open_document_preview
from ui.documents.preview import DocumentPreview
from ui.documents.printing import print_to_file
from ui.documents.referral_check import ReferralCheckDialog

A4_POINTS = (595, 842)
LEFT = Qt.MouseButton.LeftButton


def _page_sizes(data: bytes) -> list[tuple[int, int]]:
    return [(round(p.mediabox.width), round(p.mediabox.height)) for p in reader(data).pages]


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_print_to_file_prints_every_page_on_a4(
    qtbot: QtBot, tmp_path: Path, kind: DocumentKind
) -> None:
    data = render(demo_case(), kind)
    target = tmp_path / "printed.pdf"
    sent = print_to_file(data, target)
    pages = len(reader(data).pages)
    assert sent == pages
    assert _page_sizes(target.read_bytes()) == [A4_POINTS] * pages


def test_long_conversation_prints_in_full(qtbot: QtBot, tmp_path: Path) -> None:
    data = render(long_case(), DocumentKind.REFERRAL)
    target = tmp_path / "printed.pdf"
    assert print_to_file(data, target) == len(reader(data).pages) > 10
    assert len(reader(target.read_bytes()).pages) == len(reader(data).pages)


def test_preview_print_button_prints_through_the_dialog(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = render(demo_case(), DocumentKind.RECORD)
    target = tmp_path / "from dialog.pdf"
    chosen: list[QPrinter] = []

    def choose_print_to_file(dialog: QPrintDialog) -> int:
        # What the teacher does in the system dialog: pick "Print to File (PDF)".
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        chosen.append(printer)
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", choose_print_to_file)
    preview = DocumentPreview(data, "Record of the conversation")
    qtbot.addWidget(preview)
    preview.show()
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert chosen and target.exists()
    assert len(reader(target.read_bytes()).pages) == len(reader(data).pages)


def test_preview_ctrl_p_can_be_cancelled(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def cancel(dialog: QPrintDialog) -> int:
        opened.append(dialog.windowTitle())
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QPrintDialog, "exec", cancel)
    preview = DocumentPreview(render(demo_case(), DocumentKind.RECORD), "Record")
    qtbot.addWidget(preview)
    preview.show()
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    QTest.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    # A button's shortcut "animates" the click, which lands a moment later.
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == ["Print Record"]


def test_preview_shows_the_pdf_and_saves_it_with_ctrl_shift_s(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = render(demo_case(), DocumentKind.STUDENT_COPY)
    target = tmp_path / "saved"
    offered: list[str] = []

    def choose(parent: object, caption: str, start: str, filters: str) -> tuple[str, str]:
        offered.append(start)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    preview = DocumentPreview(data, "Student's copy", file_name="Student copy 7 - Zoë.pdf")
    qtbot.addWidget(preview)
    preview.show()
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    assert f"{len(reader(data).pages)} pages" in preview.summary.text()
    assert preview.pages.accessibleName() == "Pages of the document"
    QTest.keyClick(
        preview,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: (tmp_path / "saved.pdf").exists())
    assert offered and offered[0].endswith("Student copy 7 - Zoë.pdf")
    assert (tmp_path / "saved.pdf").read_bytes() == data


def test_open_record_preview_from_the_store(
    qtbot: QtBot,
    store: Database,
    conversation_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    preview = open_document_preview(None, store, conversation_id, DocumentKind.RECORD)
    assert isinstance(preview, DocumentPreview)
    qtbot.addWidget(preview)
    assert "Thị Mai Nguyễn" in pdf_text(preview.pdf_bytes)
    assert preview.file_name == f"Record {conversation_id} - Thị Mai Nguyễn.pdf"

    # Saving and printing from the preview are each written to the audit log.
    def save_here(*_args: object) -> tuple[str, str]:
        return str(tmp_path / "saved.pdf"), ""

    def print_to_pdf(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFileName(str(tmp_path / "printed.pdf"))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_here)
    monkeypatch.setattr(QPrintDialog, "exec", print_to_pdf)
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "saved.pdf").exists() and (tmp_path / "printed.pdf").exists()
    with store.transaction() as session:
        entries = audit.entries_for(session, "conversation", conversation_id)
    assert [e.action for e in entries if e.action in ("export", "print")] == ["export", "print"]


def test_referral_not_ready_lists_the_problems(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    seen: list[str] = []

    def read_and_cancel(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralCheckDialog)
        seen.append(dialog.listing.text())
        assert not dialog.ready_button.isEnabled()
        # Not concluded: nothing to record by amendment yet.
        assert not any(button.isVisible() for button in dialog.record_buttons.values())
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), LEFT)

    centre_for_referrals(store)
    errors = on_next_dialog(read_and_cancel)
    result = open_document_preview(None, store, conversation_id, "referral")
    assert not errors
    assert result is None
    assert seen and "no conclusion yet" in seen[0]


def test_missing_glyphs_are_reported_before_the_preview(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    with store.transaction() as session:
        session.query(StudentRow).one().forename = "𓀀𓀁"
    seen: list[str] = []

    def continue_anyway(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        button = next(
            b for b in box.findChildren(QPushButton) if b.accessibleName() == "Continue anyway"
        )
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    errors = on_next_dialog(continue_anyway)
    preview = open_document_preview(None, store, conversation_id, DocumentKind.RECORD)
    assert not errors
    assert seen and "U+13000" in seen[0] and "student&#x27;s forename" in seen[0]
    assert isinstance(preview, DocumentPreview)
    qtbot.addWidget(preview)
    assert "empty boxes" in preview.summary.text()


def test_missing_glyphs_cancel_stops_the_export(
    qtbot: QtBot, store: Database, conversation_id: int
) -> None:
    with store.transaction() as session:
        session.query(StudentRow).one().forename = "𓀀𓀁"
    errors = on_next_dialog(lambda box: box.reject())
    assert open_document_preview(None, store, conversation_id, DocumentKind.RECORD) is None
    assert not errors


def test_preview_without_qtpdfwidgets_shows_page_images(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pdf_widgets(name: str, *args: object, **kwargs: object) -> object:
        if name == "PySide6.QtPdfWidgets":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pdf_widgets)
    data = render(demo_case(), DocumentKind.RECORD)
    preview = DocumentPreview(data, "Record")
    qtbot.addWidget(preview)
    pages = [w for w in preview.pages.findChildren(QLabel) if w.accessibleName().startswith("Page")]
    assert len(pages) == len(reader(data).pages)
    assert all(not label.pixmap().isNull() for label in pages)
