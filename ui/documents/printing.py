"""Printing a finished PDF through the operating system's print system.

What goes to the printer is the PDF itself, page by page: each page is rendered by QtPdf at the
printer's resolution (capped, see ``MAX_DPI``) and painted on the printer's page.  So the paper
copy is exactly what the preview shows and what "Save as PDF" writes; nothing is laid out twice.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.errors import OwnWorkError

# Text on paper looks no better above this; a 1200 dpi A4 page would be a 500 MB image.
MAX_DPI = 300


class LoadedPdf:
    """A QPdfDocument reading from bytes held in memory, kept alive together."""

    def __init__(self, data: bytes) -> None:
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            raise OwnWorkError(
                QApplication.translate("printing", "The PDF could not be opened for printing.")
            )

    @property
    def page_count(self) -> int:
        return int(self.document.pageCount())


def _prepare(printer: QPrinter, title: str) -> None:
    # The pages carry their own margins: the printer draws edge to edge of the A4 sheet.
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )


def print_pages(pdf: LoadedPdf, printer: QPrinter) -> int:
    """Paint the PDF's pages (the range chosen in the print dialog, if any) on ``printer``.

    Returns the number of pages sent.
    """
    count = pdf.page_count
    first = printer.fromPage() or 1
    last = min(printer.toPage() or count, count)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OwnWorkError(QApplication.translate("printing", "The printer could not be started."))
    sent = 0
    try:
        for number in range(first, last + 1):
            if sent:
                printer.newPage()
            points = pdf.document.pagePointSize(number - 1)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = pdf.document.render(number - 1, size)
            target = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            painter.drawImage(target, image)
            sent += 1
    finally:
        painter.end()
    return sent


def print_to_file(data: bytes, path: Path | str, title: str = "OwnWork document") -> int:
    """Print ``data`` with Qt's "print to file" (PDF) printer; returns the pages printed."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _prepare(printer, title)
    return print_pages(LoadedPdf(data), printer)


def print_with_dialog(parent: QWidget | None, data: bytes, title: str) -> bool:
    """Ask which printer (or "print to file") and which pages, then print.  False if cancelled."""
    pdf = LoadedPdf(data)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _prepare(printer, title)
    printer.setFromTo(1, pdf.page_count)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QApplication.translate("printing", "Print {0}").format(title))
    dialog.setAccessibleName(QApplication.translate("printing", "Print"))
    dialog.setMinMax(1, pdf.page_count)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_pages(pdf, printer)
    return True
