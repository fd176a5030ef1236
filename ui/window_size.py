"""Sizing windows to the screen they open on.

A laptop at 1366×768 with a taskbar, or a 1920×1080 screen at 150 % (1280×720 logical pixels),
leaves less room than a fixed size assumes: the buttons at the foot of a 1000-pixel-high preview
were off the screen.  Every window asks for the size it would like and gets at most what the
screen's available area holds once the title bar and borders are counted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

# Before the window manager has framed a window its frame is unknown (and 0 offscreen): reserve
# room for a typical title bar and borders so the frame, not just the inside, fits.
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)


def available_area(window: QWidget) -> QRect:
    """The part of the window's screen not taken by taskbars and docks."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def _known_frame(window: QWidget) -> QMargins:
    handle = window.windowHandle()
    return handle.frameMargins() if handle is not None else QMargins()


def _frame(window: QWidget) -> QMargins:
    known = _known_frame(window)
    return QMargins(
        max(known.left(), FRAME_ALLOWANCE.left()),
        max(known.top(), FRAME_ALLOWANCE.top()),
        max(known.right(), FRAME_ALLOWANCE.right()),
        max(known.bottom(), FRAME_ALLOWANCE.bottom()),
    )


def room_for(window: QWidget) -> tuple[int, int]:
    """The largest inside size whose frame still fits the available area."""
    area = available_area(window)
    frame = _frame(window)
    return (
        area.width() - frame.left() - frame.right(),
        area.height() - frame.top() - frame.bottom(),
    )


def fit_to_screen(window: QWidget, width: int | None = None, height: int | None = None) -> None:
    """Resize ``window`` to ``width``×``height`` (default: its size now), no larger than the
    screen allows, and move it so that its frame lies inside the available area."""
    room_width, room_height = room_for(window)
    wanted_width = window.width() if width is None else width
    wanted_height = window.height() if height is None else height
    window.resize(max(1, min(wanted_width, room_width)), max(1, min(wanted_height, room_height)))
    if window.isVisible():
        keep_inside(window)


def keep_inside(window: QWidget) -> None:
    """Move a shown window so that its frame is inside the available area (as far as it can)."""
    area = available_area(window)
    frame = _known_frame(window)
    inside = window.geometry()
    outer_width = inside.width() + frame.left() + frame.right()
    outer_height = inside.height() + frame.top() + frame.bottom()
    x = max(area.left(), min(inside.left() - frame.left(), area.right() + 1 - outer_width))
    y = max(area.top(), min(inside.top() - frame.top(), area.bottom() + 1 - outer_height))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)  # a window's position is that of its frame


class _ScreenFitter(QObject):
    """Shrinks any window or dialog shown larger than its screen (a message box with a long
    text, Qt's own file dialogs): the windows OwnWork sizes itself already fit."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
        ):
            room_width, room_height = room_for(watched)
            if watched.width() > room_width or watched.height() > room_height:
                fit_to_screen(watched)
        return False


def install_screen_fitter(app: QApplication) -> QObject:
    """Watch every window the application shows; returns the watcher (owned by ``app``)."""
    fitter = _ScreenFitter(app)
    app.installEventFilter(fitter)
    return fitter
