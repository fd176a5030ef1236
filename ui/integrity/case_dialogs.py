"""Handing a case to another machine: export a case bundle, check and import one."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.canonical import grouped
from app.errors import OwnWorkError
from app.integrity import case_bundle, signing
from app.integrity.case_bundle import BundleSummary, ExportResult, ImportResult
from app.paths import AppPaths
from app.services import Database, Outcome, integrity, records
from ui.errors import report
from ui.integrity.labels import local_time
from ui.labels import conclusion_label
from ui.operation import Operation, Runner

BUNDLE_FILTER = "OwnWork case bundles (*.ownwork.zip *.zip);;All files (*)"


def _file_row(edit: QLineEdit, browse: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


class _CaseDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(640)
        self._operation: Operation | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Result"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file = QLineEdit()
        self.browse = QPushButton(self.tr("&Browse…"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        self.buttons.rejected.connect(self.reject)

    def _run(
        self, work: Callable[[Callable[[str], None]], object], done: Callable[[Any], None]
    ) -> None:
        self.status.setStyleSheet("")
        self._operation = Operation(work, self)
        self._operation.succeeded.connect(done)
        self._operation.failed.connect(self._failed)
        self._operation.finished.connect(self._update)
        self._operation.start()
        self._update()

    @property
    def busy(self) -> bool:
        return self._operation is not None and self._operation.running

    def _update(self) -> None:
        raise NotImplementedError

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, OwnWorkError):
            self.status.setText(str(error))
            self.status.setStyleSheet("color: #b00020; font-weight: 600;")
        else:
            self.status.clear()
            report(self, error)


class ExportCaseDialog(_CaseDialog):
    exported = Signal(object)  # ExportResult

    def __init__(
        self, store: Database, paths: AppPaths, conversation_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Export case bundle"), parent)
        self._store, self._paths, self._conversation_id = store, paths, conversation_id
        principal = store.principal
        header = Runner.instance().wait_for(
            lambda: records.get_conversation(principal, store, conversation_id)
        )
        about = QLabel(
            self.tr(
                "Conversation {0} with {1}, its attachments, amendments and history, in one file "
                "for the exams officer. The file holds personal data: hand it over securely."
            ).format(conversation_id, header.student_name)
        )
        about.setWordWrap(True)
        safe = re.sub(r"[^A-Za-z0-9]+", "-", header.student_name).strip("-") or "student"
        self.file.setText(str(Path.home() / f"case-{conversation_id}-{safe}.ownwork.zip"))
        self.file.setAccessibleName(self.tr("File to write"))
        self.browse.setAccessibleName(self.tr("Choose where to save the bundle"))
        self.browse.clicked.connect(self._choose)
        caption = QLabel(self.tr("&Save as"))
        caption.setBuddy(self.file)
        self.export_button = QPushButton(self.tr("&Export"))
        self.export_button.setAccessibleName(self.tr("Export the case bundle"))
        self.export_button.setDefault(True)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export)
        self.file.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(caption)
        layout.addLayout(_file_row(self.file, self.browse))
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._update()

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the case bundle"), self.file.text(), self.tr(BUNDLE_FILTER)
        )
        if name:
            self.file.setText(name)

    def _update(self) -> None:
        self.export_button.setEnabled(bool(self.file.text().strip()) and not self.busy)

    def export(self) -> None:
        output = Path(self.file.text().strip()).expanduser()
        if output.exists():
            self._failed(
                OwnWorkError(f"{output} already exists; choose a new file name for the bundle.")
            )
            return
        store, paths, conversation_id = self._store, self._paths, self._conversation_id
        self.status.setText(self.tr("Writing the bundle…"))
        self._run(
            lambda _progress: (
                integrity.export_case(store.principal, store, paths, conversation_id, output).value
            ),
            self._done,
        )

    def _done(self, result: ExportResult) -> None:
        self.status.setText(
            self.tr(
                "Written to {0}.\nIntegrity code of the record: {1}\nSHA-256 of the file: {2}"
                "\nSigned with this computer's key {3}\nAudit anchor: {4}"
            ).format(
                result.path,
                grouped(result.content_hash),
                result.sha256,
                result.signer,
                result.anchor,
            )
        )
        self.exported.emit(result)


class ImportCaseDialog(_CaseDialog):
    imported = Signal(object)  # ImportResult

    def __init__(self, store: Database, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Import case bundle"), parent)
        self._store, self._paths = store, paths
        self._checked: Path | None = None
        self._found: BundleSummary | None = None
        about = QLabel(
            self.tr(
                "A bundle is checked completely before anything is added: an altered, cut short "
                "or malformed file is refused and nothing changes."
            )
        )
        about.setWordWrap(True)
        self.file.setAccessibleName(self.tr("Bundle to import"))
        self.file.setPlaceholderText(self.tr("the .ownwork.zip file from the other machine"))
        self.browse.setAccessibleName(self.tr("Choose the bundle"))
        self.browse.clicked.connect(self._choose)
        caption = QLabel(self.tr("&Bundle"))
        caption.setBuddy(self.file)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("What the bundle holds"))
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.check_button = QPushButton(self.tr("&Check"))
        self.check_button.setAccessibleName(self.tr("Check the bundle"))
        self.import_button = QPushButton(self.tr("&Import"))
        self.import_button.setAccessibleName(self.tr("Import the case"))
        self.buttons.addButton(self.check_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.import_checked)
        self.file.textChanged.connect(self._changed)
        self.file.returnPressed.connect(self.check)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(caption)
        layout.addLayout(_file_row(self.file, self.browse))
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._update()

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the case bundle"), "", self.tr(BUNDLE_FILTER)
        )
        if name:
            self.file.setText(name)
            self.check()

    def _changed(self) -> None:
        self._checked = None
        self.summary.clear()
        self.status.clear()
        self._update()

    def _update(self) -> None:
        has_file = bool(self.file.text().strip())
        self.check_button.setEnabled(has_file and not self.busy)
        self.import_button.setEnabled(self._checked is not None and not self.busy)

    def check(self) -> None:
        file = Path(self.file.text().strip()).expanduser()
        self.status.setText(self.tr("Checking the bundle…"))
        self._run(lambda _progress: (file, case_bundle.inspect_bundle(file)), self._checked_ok)

    def _checked_ok(self, result: tuple[Path, BundleSummary]) -> None:
        file, found = result
        self._checked = file
        self._found = found
        trusted = signing.is_trusted(self._paths, found.signer)
        rows = [
            (self.tr("Student"), f"{found.student_name} ({found.candidate_number or '—'})"),
            (self.tr("Qualification"), found.qualification),
            (self.tr("Conversation held"), local_time(found.held_at)),
            (self.tr("Conclusion"), conclusion_label(found.conclusion)),
            (self.tr("Finalised"), self.tr("yes") if found.finalised else self.tr("no")),
            (self.tr("Amendments"), str(found.amendments)),
            (self.tr("Attachments"), str(found.attachments)),
            (
                self.tr("Exported"),
                self.tr("{0} by {1}").format(local_time(found.exported_at), found.exported_by),
            ),
            (self.tr("Integrity code"), grouped(found.content_hash)),
            (
                self.tr("Signed with key"),
                found.signer
                + " "
                + (self.tr("(trusted)") if trusted else self.tr("(not trusted yet)")),
            ),
        ]
        self.summary.setText(
            "<table>"
            + "".join(
                f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )
        self.status.setText(
            self.tr("The bundle is intact. Compare the integrity code with the printed record.")
        )
        self._update()

    def import_checked(self) -> None:
        if self._checked is None:
            return
        file, store, paths = self._checked, self._store, self._paths
        found = self._found
        if found is not None and not signing.is_trusted(paths, found.signer):
            if not self._ask_trust(found):
                self.status.setText(
                    self.tr("Not imported: the key that signed the bundle is not trusted.")
                )
                return
            signing.trust(paths, found.signer, found.exported_by)
        self.status.setText(self.tr("Importing…"))
        self._run(
            lambda _progress: integrity.import_case(store.principal, store, paths, file),
            self._done,
        )

    def _ask_trust(self, found: BundleSummary) -> bool:
        """The first bundle from a key: trust it only once its fingerprint has been checked."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Trust this signing key?"))
        box.setAccessibleName(box.windowTitle())
        box.setText(
            self.tr(
                "This bundle was signed by a key this computer does not trust yet:\n\n{0}\n\n"
                "It says it was exported by {1}."
            ).format(found.signer, found.exported_by)
        )
        box.setInformativeText(
            self.tr(
                "Compare the fingerprint with the one shown in Help › About on the sender's "
                "computer (or on their export receipt). Trust it only if they are the same."
            )
        )
        trust = box.addButton(self.tr("&Trust and import"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
        box.exec()
        return box.clickedButton() is trust

    def _done(self, outcome: Outcome[ImportResult]) -> None:
        result = outcome.value
        Runner.instance().announce(outcome.changes)
        self._checked = None
        self.status.setText(
            self.tr("Imported as conversation {0}. Integrity code: {1}").format(
                result.conversation_id, grouped(result.content_hash)
            )
        )
        self._update()
        self.imported.emit(result)
