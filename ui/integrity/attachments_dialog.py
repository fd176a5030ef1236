"""Evidence files of a conversation or a submission: list them, add one, open one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import OwnWorkError
from app.integrity.evidence import Attachment, AttachmentKind
from app.integrity.timeline import human_size
from app.paths import AppPaths
from app.services import Database, integrity
from ui.errors import report
from ui.integrity.labels import kind_label, local_time
from ui.models.record_table import RecordRole
from ui.models.rows_model import RowsTableModel
from ui.operation import Operation, load
from ui.rows_view import single_row_table
from ui.window_size import fit_to_screen

AttachmentRole = RecordRole
Index = QModelIndex | QPersistentModelIndex


class AttachmentsDialog(QDialog):
    """Attachments of ``conversation_id`` (with its work's) or of ``submission_id``."""

    attached = Signal(object)  # the new Attachment

    def __init__(
        self,
        store: Database,
        paths: AppPaths,
        *,
        conversation_id: int | None = None,
        submission_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (conversation_id is None) == (submission_id is None):
            raise ValueError("give a conversation or a submission")
        self._store, self._paths = store, paths
        self._conversation_id, self._submission_id = conversation_id, submission_id
        # Replaceable in tests: a file dialog and the system viewer cannot be driven there.
        self.choose_file: Callable[[], str] = self._choose_file
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self._operation: Operation | None = None
        title = (
            self.tr("Evidence for conversation {0}").format(conversation_id)
            if conversation_id is not None
            else self.tr("Evidence for submission {0}").format(submission_id)
        )
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        fit_to_screen(self, 1000, 460)
        self.model: RowsTableModel[Attachment] = RowsTableModel(
            [
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Size"),
                self.tr("Added"),
                self.tr("By"),
                self.tr("SHA-256"),
            ],
            lambda a: (
                a.name,
                kind_label(a.kind),
                human_size(a.size),
                local_time(a.added_at),
                a.added_by,
                a.sha256,
            ),
            tooltip=lambda a: a.note or a.name,
            right_aligned=frozenset({2}),
            parent=self,
        )
        self.table = single_row_table(self.model, self.tr("Attached files"), fitted=5)
        self.table.doubleClicked.connect(self.open_selected)
        self.kind = QComboBox()
        for kind in AttachmentKind:
            self.kind.addItem(kind_label(kind), kind.value)
        self.kind.setAccessibleName(self.tr("Kind of evidence"))
        self.note = QLineEdit()
        self.note.setAccessibleName(self.tr("Note about the file"))
        self.note.setPlaceholderText(self.tr("optional, e.g. where the file came from"))
        form = QFormLayout()
        kind_caption = QLabel(self.tr("&Kind of evidence"))
        kind_caption.setBuddy(self.kind)
        note_caption = QLabel(self.tr("N&ote"))
        note_caption.setBuddy(self.note)
        form.addRow(kind_caption, self.kind)
        form.addRow(note_caption, self.note)
        self.add_button = QPushButton(self.tr("&Add file…"))
        self.add_button.setAccessibleName(self.tr("Add a file"))
        self.add_button.clicked.connect(self.add_file)
        self.open_button = QPushButton(self.tr("O&pen"))
        self.open_button.setAccessibleName(self.tr("Open the selected file"))
        self.open_button.clicked.connect(self.open_selected)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Status"))
        hint = QLabel(
            self.tr(
                "Files are copied into the data folder and checked by Verify records. At most "
                "200 MB each. An AI-detector report is one input only: it is never evidence on "
                "its own."
            )
        )
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.refresh()

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Read the files attached on a reading thread and show them (``loading`` until
        then); ``then()`` runs once they are shown."""
        principal, store = self._store.principal, self._store
        conversation_id, submission_id = self._conversation_id, self._submission_id
        self.loading = True

        def read() -> list[Attachment]:
            return integrity.attachments(
                principal, store, conversation_id=conversation_id, submission_id=submission_id
            )

        def show(rows: list[Attachment]) -> None:
            self.model.set_rows(rows)
            self.loading = False
            self._update()
            if then is not None:
                then()

        load(self, read, show)

    def _update(self) -> None:
        busy = self._operation is not None and self._operation.running
        self.add_button.setEnabled(not busy)
        self.open_button.setEnabled(self.table.currentIndex().isValid())

    def _choose_file(self) -> str:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the file to attach"),
            "",
            self.tr("Evidence (*.pdf *.png *.jpg *.jpeg *.docx *.odt *.txt);;All files (*)"),
        )
        return name

    def add_file(self) -> None:
        chosen = self.choose_file()
        if not chosen:
            return
        source = Path(chosen)
        kind = str(self.kind.currentData())
        note = self.note.text()
        store, paths = self._store, self._paths
        conversation_id, submission_id = self._conversation_id, self._submission_id

        def work(_progress: Callable[[str], None]) -> Attachment:
            return integrity.attach(
                store.principal,
                store,
                paths,
                source,
                kind=kind,
                note=note,
                conversation_id=conversation_id,
                submission_id=submission_id,
            ).value

        self.status.setStyleSheet("")
        self.status.setText(self.tr("Copying {0}…").format(source.name))
        self._operation = Operation(work, self)
        self._operation.finished.connect(self._update)
        self._operation.succeeded.connect(self._added)
        self._operation.failed.connect(self._failed)
        self._operation.start()
        self._update()

    def _added(self, item: Attachment) -> None:
        self.status.setText(
            self.tr("Attached {0} ({1}); SHA-256 {2}").format(
                item.name, human_size(item.size), item.sha256
            )
        )
        self.note.clear()

        def shown() -> None:
            self.table.selectRow(self.model.rowCount() - 1)
            self.attached.emit(item)

        self.refresh(then=shown)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, OwnWorkError):
            # Shown beside the button that caused it, in the teacher's words.
            self.status.setText(str(error))
            self.status.setStyleSheet("color: #b00020; font-weight: 600;")
            return
        self.status.clear()
        report(self, error)

    def selected(self) -> Attachment | None:
        item = self.model.data(self.table.currentIndex(), AttachmentRole)
        return item if isinstance(item, Attachment) else None

    def open_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        try:
            copy = integrity.viewing_copy(self._store.principal, self._store, self._paths, item)
        except Exception as error:
            report(self, error)
            return
        self.open_url(QUrl.fromLocalFile(str(copy)))
