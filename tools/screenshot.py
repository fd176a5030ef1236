"""Save a screenshot of the main window (for the README and for looking at layouts).

xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshot.py OUT.png [TAB|opening]

``opening`` shows the window as start-up paints it, before the store is open.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer

from app.paths import resolve_paths
from ui.application import make_application
from ui.main_window import MainWindow
from ui.startup import open_interactively


def main() -> int:
    out = sys.argv[1]
    opening = sys.argv[2:3] == ["opening"]
    tab = int(sys.argv[2]) if len(sys.argv) > 2 and not opening else 0
    app = make_application()
    opened = open_interactively(resolve_paths(), interactive=False)
    if opened is None:
        return 1
    store, paths = opened
    window = MainWindow(None if opening else store, paths)
    window.resize(1366, 740)
    window.show()
    window.tabs.setCurrentIndex(tab)
    pane = window.current_pane()
    pane.table.selectRow(0)

    def shoot() -> None:
        window.grab().save(out)
        app.quit()

    QTimer.singleShot(600, shoot)
    app.exec()
    store.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
