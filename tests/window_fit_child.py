"""Opens every top-level window and dialog of OwnWork on the screen the environment describes
and prints, per window, its frame and the screen's available area as JSON lines.

Run as ``python -m tests.window_fit_child DATA_DIR [SHOTS_DIR]`` by ``test_window_fit.py`` under
an offscreen screen of a given size and scale factor (the screen is fixed before Qt starts, so
each size needs its own process).  With SHOTS_DIR, each window is also saved as a PNG to look at.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from app.documents.kinds import DocumentKind, render
from app.documents.samples import demo_case
from app.paths import resolve_paths
from app.scripts.library import ScriptLibrary
from app.scripts.model import from_snapshot
from app.storage.database import open_store
from tests.integrity_support import conclude, plan_conversation
from tests.interview_support import snapshot


def windows(data_dir: Path) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    from ui.about_dialog import AboutDialog
    from ui.dialogs.centre_dialog import CentreDialog
    from ui.dialogs.conversation_dialog import ConversationDialog
    from ui.dialogs.student_dialog import StudentDialog
    from ui.dialogs.submission_dialog import SubmissionDialog
    from ui.documents.preview import DocumentPreview
    from ui.import_dialog import ImportStudentsDialog
    from ui.integrity.attachments_dialog import AttachmentsDialog
    from ui.integrity.backups_dialog import RestoreDialog
    from ui.integrity.case_dialogs import ExportCaseDialog, ImportCaseDialog
    from ui.integrity.finalise_dialog import AmendDialog, FinaliseDialog
    from ui.integrity.timeline_dialog import TimelineDialog
    from ui.integrity.verify_dialog import VerifyDialog
    from ui.interview import InterviewWindow
    from ui.interview.excerpt_dialog import ExcerptDialog
    from ui.interview.window import CONCLUDE, CONVERSE, PREPARE
    from ui.keyboard_map import KeyboardMapDialog
    from ui.main_window import MainWindow
    from ui.script_editor import ScriptEditor

    paths = resolve_paths(data_dir)
    store = open_store(paths, actor="window check")
    planned = plan_conversation(store, "0001")
    concluded = plan_conversation(store, "0002")
    conclude(store, concluded)
    library = ScriptLibrary(paths)
    library.save(from_snapshot(snapshot()))
    main = MainWindow(store, paths)

    def walk_through(conversation_id: int, step: int) -> QWidget:
        window = InterviewWindow(store, conversation_id, library)
        # The conversation is read off the GUI thread: wait for the pages.
        while not window.is_open():
            QApplication.processEvents()
        window.show_step(step)
        return window

    yield "main window", lambda: main
    yield "new student", lambda: StudentDialog(store)
    yield "new submission", lambda: SubmissionDialog(store)
    yield "new conversation", lambda: ConversationDialog(store)
    yield "centre and staff", lambda: CentreDialog(store)
    yield "import students", lambda: ImportStudentsDialog(store)
    yield "restore", lambda: RestoreDialog(store, paths)
    yield "verify", lambda: VerifyDialog(store, paths)
    yield "timeline", lambda: TimelineDialog(store, paths, conversation_id=concluded)
    yield "evidence", lambda: AttachmentsDialog(store, paths, conversation_id=concluded)
    yield "finalise", lambda: FinaliseDialog(store, concluded)
    yield "amend", lambda: AmendDialog(store, concluded)
    yield "export case", lambda: ExportCaseDialog(store, paths, concluded)
    yield "import case", lambda: ImportCaseDialog(store, paths)
    yield "script editor", lambda: ScriptEditor(library)
    yield "about", lambda: AboutDialog(paths)
    yield "keyboard map", lambda: KeyboardMapDialog(main)
    yield "print preview", lambda: DocumentPreview(render(demo_case(), DocumentKind.RECORD), "R")
    yield "add excerpt", lambda: ExcerptDialog(None)
    yield "walk-through: prepare", lambda: walk_through(planned, PREPARE)
    yield "walk-through: converse", lambda: walk_through(concluded, CONVERSE)
    yield "walk-through: conclude", lambda: walk_through(concluded, CONCLUDE)


def main() -> int:
    from ui.operation import Runner

    app = QApplication(sys.argv[:1])
    data_dir = Path(sys.argv[1])
    shots = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    for name, make in windows(data_dir):
        window = make()
        window.show()
        for _ in range(5):
            app.processEvents()
        # What a window shows is read on the runner's threads: measure it filled.
        deadline = time.monotonic() + 10
        while (Runner.instance().busy or getattr(window, "loading", False)) and (
            time.monotonic() < deadline
        ):
            app.processEvents()
        frame = window.frameGeometry()
        area = window.screen().availableGeometry()
        # Scroll areas (not lists or tables) that scroll sideways: a page too wide for the screen.
        sideways = [
            area_widget.objectName() or type(area_widget.widget()).__name__
            for area_widget in window.findChildren(QScrollArea)
            if area_widget.horizontalScrollBar().isVisible()
        ]
        print(
            json.dumps(
                {
                    "name": name,
                    "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                    "area": [area.x(), area.y(), area.width(), area.height()],
                    "sideways": sideways,
                }
            ),
            flush=True,
        )
        if shots is not None:
            window.grab().save(str(shots / f"{name.replace(':', '').replace(' ', '-')}.png"))
        if name != "main window":
            window.close()
            window.deleteLater()
    return 0


if __name__ == "__main__":
    sys.exit(main())
