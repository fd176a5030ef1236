"""Opening a conversation's document: checks first, then the preview.

``open_document_preview`` is what the main window calls.  It loads the case as the documents
print it (``app.integrity.printed``); when the referral is not ready it lists what is missing,
with a way to record each step of telling the candidate and the choice of a draft
(``referral_check``); when the font cannot draw some characters it says so; then it renders
the PDF and shows it.  What the steps read from the store, the font check and the rendering run
on the runner's threads (``Runner.wait_for``: the window goes on painting behind a busy cursor
meanwhile), and the records of a document saved or printed are written on its writing thread.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

from app.documents.coverage import check_case
from app.documents.kinds import TITLES, DocumentKind, file_name, render
from app.documents.output import write_pdf
from app.documents.readiness import printed_problems
from app.services import Database, documents
from ui.errors import report, show_error
from ui.operation import Runner

if TYPE_CHECKING:
    from app.documents.state import PrintedCase


# The runner's lane for checking fonts and rendering (a reading thread of its own).
_DOCUMENTS = "documents"


def _tr(text: str) -> str:
    return QApplication.translate("documents", text)


def _problems_box(parent: QWidget | None, title: str, intro: str, problems: list[str]) -> bool:
    """List ``problems`` under ``intro``; True if the teacher chose to go on regardless."""
    items = "".join(f"<li>{escape(problem)}</li>" for problem in problems)
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, "", QMessageBox.StandardButton.NoButton, parent
    )
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<p>{escape(intro)}</p><ul>{items}</ul>")
    box.setAccessibleName(title)
    go_on = box.addButton(_tr("&Continue anyway"), QMessageBox.ButtonRole.AcceptRole)
    go_on.setAccessibleName(_tr("Continue anyway"))
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    box.exec()
    return box.clickedButton() is go_on


def _save_without_preview(
    parent: QWidget | None, store: Database, conversation_id: int, kind: DocumentKind, data: bytes
) -> None:
    show_error(
        parent,
        _tr(TITLES[kind]),
        _tr(
            "Preview and printing need the PySide6-Pdf package, which is not installed. "
            "You can save the document as a PDF and print it from another program."
        ),
    )
    path, _filter = QFileDialog.getSaveFileName(
        parent, _tr("Save as PDF"), "", _tr("PDF files (*.pdf)")
    )
    if path:
        try:
            saved = write_pdf(path, data)
            principal = store.principal
            Runner.instance().wait_for(
                lambda: documents.document_saved(
                    principal, store, conversation_id, kind.value, saved
                ),
                write=True,
            )
        except Exception as error:
            report(parent, error)


def open_document_preview(
    parent: QWidget | None, store: Database, conversation_id: int, kind: DocumentKind | str
) -> QWidget | None:
    """Show the preview of one of the conversation's documents; returns the dialog, or None
    if the document cannot be made (the reasons have been shown to the teacher)."""
    kind = DocumentKind(kind)
    title = _tr(TITLES[kind])
    runner = Runner.instance()
    principal = store.principal

    def read_printed() -> PrintedCase:
        case: PrintedCase = runner.wait_for(
            lambda: documents.printed(principal, store, conversation_id)
        )
        return case

    try:
        printed = read_printed()
    except Exception as error:
        report(parent, error)
        return None
    draft = False
    if kind is DocumentKind.REFERRAL and printed.current.centre.missing_for_referral():
        from ui.documents.centre_details import ask_centre_details

        if not ask_centre_details(store, parent):
            return None
        printed = read_printed()
    if kind is DocumentKind.REFERRAL and printed_problems(printed):
        from ui.documents.referral_check import ReferralCheckDialog

        check = ReferralCheckDialog(store, conversation_id, parent)
        if check.exec() != QDialog.DialogCode.Accepted.value:
            return None
        draft = check.draft
        try:
            printed = read_printed()
        except Exception as error:
            report(parent, error)
            return None
    case = printed.case
    # Checking the fonts and rendering are the core's work, Qt-free: off the GUI thread too
    # (the first check loads the fonts, a good part of a second).
    coverage = runner.wait_for(lambda: check_case(case), lane=_DOCUMENTS)
    if not coverage.ok:
        problems = [
            _tr("{0} in {1}").format(r.description, ", ".join(r.places)) for r in coverage.missing
        ]
        intro = _tr(
            "No font on this computer can print these characters; they would appear as empty "
            "boxes on paper. You can change them (for example, add the name in Latin letters) "
            "or continue and write them in by hand:"
        )
        if not _problems_box(parent, title, intro, problems):
            return None
    try:
        data: bytes = runner.wait_for(lambda: render(printed, kind, draft=draft), lane=_DOCUMENTS)
    except Exception as error:
        report(parent, error)
        return None
    try:
        from ui.documents.preview import DocumentPreview
    except ImportError:  # PySide6-Pdf is not installed: no preview or printing, but saving works
        _save_without_preview(parent, store, conversation_id, kind, data)
        return None

    notes = []
    if not coverage.ok:
        notes.append(_tr("some characters print as empty boxes"))

    # Written before the preview goes on (a referral check waits for the notice's date).
    def saved(path: Path) -> None:
        runner.wait_for(
            lambda: documents.document_saved(principal, store, conversation_id, kind.value, path),
            write=True,
        )

    def sent_to_printer() -> None:
        runner.wait_for(
            lambda: documents.document_printed(principal, store, conversation_id, kind.value),
            write=True,
        )

    preview = DocumentPreview(
        data,
        title,
        parent,
        file_name=file_name(case, kind, draft=draft),
        note=" · ".join(notes),
        on_saved=saved,
        on_printed=sent_to_printer,
    )
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.show()
    return preview
