"""A teacher typing into the walk-through until the process is killed (run by a test).

Usage: python -m tests.interview_crash_child DATA_DIR CONVERSATION_ID [DATABASE_URL]
Types ``TEXT`` into the notes, one key every 15 ms, and prints "<time> <characters typed>"
after each key, so the test can tell what had been typed a second before it killed us.
With ``DATABASE_URL`` the store is that server's, and DATA_DIR holds the local journal.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.domain.principal import Principal
from app.paths import resolve_paths
from app.services import connect
from app.storage.database import open_store
from ui.interview import InterviewWindow

TEXT = "the quick brown fox jumps over the lazy dog " * 20


def spawn(data_dir: Path, conversation_id: int, url: str | None = None) -> subprocess.Popen[str]:
    """This child, typing into conversation ``conversation_id`` of ``data_dir``'s store (or of
    the server at ``url``); each key it types is a line "TIME COUNT" on its standard output."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.interview_crash_child",
            str(data_dir),
            str(conversation_id),
            *([url] if url is not None else []),
        ],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    app = QApplication([])
    data_dir = Path(sys.argv[1])
    if len(sys.argv) > 3:
        store = connect(sys.argv[3], principal=Principal.personal("crash test"))
    else:
        store = open_store(resolve_paths(data_dir), actor="crash test")
    window = InterviewWindow(store, int(sys.argv[2]), None, data_dir=data_dir)
    window.show()
    window.activateWindow()
    typed = 0

    def type_one() -> None:
        nonlocal typed
        widget = QApplication.focusWidget()
        if widget is None or typed >= len(TEXT):
            return
        QTest.keyClicks(widget, TEXT[typed])
        typed += 1
        print(f"{time.time():.3f} {typed}", flush=True)

    timer = QTimer()
    timer.setInterval(15)
    timer.timeout.connect(type_one)
    timer.start()
    app.exec()


if __name__ == "__main__":
    main()
