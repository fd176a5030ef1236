"""The document preview: the actual PDF pages, with Print… and Save as PDF….

The pages shown are the PDF that will be printed or saved, rendered by QtPdf (``QPdfView``), not
a second layout.  Without QtPdfWidgets the pages are rendered to images in a scroll area.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.documents.output import write_pdf
from ui.documents.printing import LoadedPdf, print_with_dialog
from ui.errors import report
from ui.window_size import fit_to_screen

log = logging.getLogger(__name__)

# The image fallback renders pages at this width in pixels (about 96 dpi for A4).
_IMAGE_WIDTH = 794


class DocumentPreview(QDialog):
    def __init__(
        self,
        pdf_bytes: bytes,
        title: str,
        parent: QWidget | None = None,
        *,
        file_name: str = "",
        note: str = "",
        on_saved: Callable[[Path], None] | None = None,
        on_printed: Callable[[], None] | None = None,
    ) -> None:
        """``on_saved`` and ``on_printed`` are told when a copy leaves the app (for the audit
        log); the preview itself knows only the PDF's bytes."""
        super().__init__(parent)
        self.pdf_bytes = pdf_bytes
        self.title = title
        self.file_name = file_name or f"{title}.pdf"
        self._on_saved = on_saved
        self._on_printed = on_printed
        self.pdf = LoadedPdf(pdf_bytes)
        self.setWindowTitle(self.tr("Preview: {0}").format(title))
        self.setAccessibleName(self.tr("Document preview"))
        fit_to_screen(self, 900, 1000)

        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text(note), self)
        self.summary.setAccessibleName(self.tr("Document and page count"))
        layout.addWidget(self.summary)
        self.pages = self._page_view()
        layout.addWidget(self.pages, 1)

        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(self.tr("&Print…"), self)
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setAccessibleName(self.tr("Print"))
        self.print_button.setToolTip(self.tr("Print on paper or to a file (Ctrl+P)"))
        self.save_button = QPushButton(self.tr("&Save as PDF…"), self)
        self.save_button.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_button.setAccessibleName(self.tr("Save as PDF"))
        self.save_button.setToolTip(self.tr("Save this document as a PDF file (Ctrl+Shift+S)"))
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close preview"))
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        layout.addWidget(buttons)
        self.pages.setFocus()

    def _summary_text(self, note: str) -> str:
        count = self.pdf.page_count
        pages = self.tr("1 page") if count == 1 else self.tr("{0} pages").format(count)
        extra = f" · {escape(note)}" if note else ""
        return f"<b>{escape(self.title)}</b> · {pages}{extra}"

    def _page_view(self) -> QWidget:
        try:
            from PySide6.QtPdfWidgets import QPdfView
        except ImportError:
            log.info("QtPdfWidgets not available: preview shows page images")
            return self._image_view()
        view = QPdfView(self)
        view.setDocument(self.pdf.document)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setAccessibleName(self.tr("Pages of the document"))
        return view

    def _image_view(self) -> QWidget:
        area = QScrollArea(self)
        area.setAccessibleName(self.tr("Pages of the document"))
        holder = QWidget(area)
        column = QVBoxLayout(holder)
        document = self.pdf.document
        for index in range(self.pdf.page_count):
            points = document.pagePointSize(index)
            height = round(_IMAGE_WIDTH * points.height() / points.width())
            label = QLabel(holder)
            label.setPixmap(QPixmap.fromImage(document.render(index, QSize(_IMAGE_WIDTH, height))))
            label.setAccessibleName(self.tr("Page {0}").format(index + 1))
            column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        area.setWidget(holder)
        area.setWidgetResizable(True)
        return area

    def print_document(self) -> None:
        try:
            if print_with_dialog(self, self.pdf_bytes, self.title) and self._on_printed:
                self._on_printed()
        except Exception as error:
            report(self, error)

    def save_document(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save as PDF"),
            str(Path(folder) / self.file_name),
            self.tr("PDF files (*.pdf)"),
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            saved = write_pdf(path, self.pdf_bytes)
            if self._on_saved:
                self._on_saved(saved)
        except Exception as error:
            report(self, error)
