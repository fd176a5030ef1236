"""The start-up floor: a bare PySide6 program that shows an empty QMainWindow (the size of
OwnWork's) and exits after its first paint.  ``bench_startup.py`` times it against
``ownwork --smoke``.

With ``--qt-namespace`` it also touches ``Qt``'s namespace once before showing the window, as
every window that uses one of its enums must: shown beside the floor, not instead of it.
"""

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv[:1])
if "--qt-namespace" in sys.argv:
    from PySide6.QtCore import Qt

    Qt.SortOrder.AscendingOrder  # noqa: B018 - the first use is what is measured
window = QMainWindow()
watcher = FirstPaint()
window.installEventFilter(watcher)
window.resize(1280, 720)
window.show()
sys.exit(app.exec())
