"""What menus call: each function opens its dialog without blocking and returns it (or None
after reporting why it could not open).  Dialogs delete themselves when closed; connect to
their signals (``finalised``, ``amended``, ``attached``, ``imported``, ``restored``) to refresh
views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from app.paths import AppPaths
from app.services import Database
from ui.errors import report
from ui.integrity.attachments_dialog import AttachmentsDialog
from ui.integrity.backups_dialog import RestoreDialog
from ui.integrity.case_dialogs import ExportCaseDialog, ImportCaseDialog
from ui.integrity.finalise_dialog import AmendDialog, FinaliseDialog
from ui.integrity.timeline_dialog import TimelineDialog
from ui.integrity.verify_dialog import VerifyDialog

D = TypeVar("D", bound=QDialog)


def _open(parent: QWidget | None, make: Callable[[], D]) -> D | None:
    try:
        dialog = make()
    except Exception as error:  # e.g. the record no longer exists, or is not concluded
        report(parent, error)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def run_verify(parent: QWidget | None, store: Database, paths: AppPaths) -> VerifyDialog | None:
    """Help › Verify records."""
    return _open(parent, lambda: VerifyDialog(store, paths, parent))


def show_timeline(
    parent: QWidget | None,
    store: Database,
    paths: AppPaths,
    *,
    student_id: int | None = None,
    conversation_id: int | None = None,
) -> TimelineDialog | None:
    return _open(
        parent,
        lambda: TimelineDialog(
            store, paths, student_id=student_id, conversation_id=conversation_id, parent=parent
        ),
    )


def show_attachments(
    parent: QWidget | None,
    store: Database,
    paths: AppPaths,
    *,
    conversation_id: int | None = None,
    submission_id: int | None = None,
) -> AttachmentsDialog | None:
    return _open(
        parent,
        lambda: AttachmentsDialog(
            store,
            paths,
            conversation_id=conversation_id,
            submission_id=submission_id,
            parent=parent,
        ),
    )


def finalise_conversation(
    parent: QWidget | None, store: Database, conversation_id: int
) -> FinaliseDialog | None:
    return _open(parent, lambda: FinaliseDialog(store, conversation_id, parent))


def amend_conversation(
    parent: QWidget | None, store: Database, conversation_id: int
) -> AmendDialog | None:
    return _open(parent, lambda: AmendDialog(store, conversation_id, parent))


def export_case(
    parent: QWidget | None, store: Database, paths: AppPaths, conversation_id: int
) -> ExportCaseDialog | None:
    return _open(parent, lambda: ExportCaseDialog(store, paths, conversation_id, parent))


def import_case(
    parent: QWidget | None, store: Database, paths: AppPaths
) -> ImportCaseDialog | None:
    return _open(parent, lambda: ImportCaseDialog(store, paths, parent))


def restore_backup(
    parent: QWidget | None, store: Database, paths: AppPaths
) -> RestoreDialog | None:
    return _open(parent, lambda: RestoreDialog(store, paths, parent))
