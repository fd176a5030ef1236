"""Every window and dialog fits the screen it opens on: a 1366×768 laptop, and a 1920×1080
screen at 150 % (1280×720 logical pixels), where fixed sizes put buttons off the screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

# Every window and dialog the child opens (tests/window_fit_child.py): a window missing from
# its output would be a window not checked.
WINDOWS = 22


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(1366, 768, "1"), (1920, 1080, "1.5")], ids=["laptop", "150%"]
)
def test_every_window_and_dialog_fits_the_available_screen(
    tmp_path: Path, width: int, height: int, scale: str
) -> None:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "windowFrameMargins": True,
                "screens": [{"name": "screen", "x": 0, "y": 0, "width": width, "height": height}],
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["QT_SCALE_FACTOR"] = scale
    done = subprocess.run(
        [sys.executable, "-m", "tests.window_fit_child", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(seen) == WINDOWS, [window["name"] for window in seen]
    logical = (round(width / float(scale)), round(height / float(scale)))
    too_big = []
    for window in seen:
        x, y, w, h = window["frame"]
        ax, ay, aw, ah = window["area"]
        assert (aw, ah) == logical
        if not (ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah):
            too_big.append(window)
    assert not too_big, too_big
    # The walk-through's pages scroll down where needed, but never sideways: a teacher typing
    # during a conversation must not lose the end of a line off the screen.
    sideways = {w["name"]: w["sideways"] for w in seen if w["name"].startswith("walk-through")}
    assert len(sideways) == 3
    assert not any(sideways.values()), sideways


def test_a_window_shown_larger_than_the_screen_is_shrunk_to_fit(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QApplication, QDialog

    from ui.window_size import install_screen_fitter, room_for

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    fitter = install_screen_fitter(app)
    try:
        dialog = QDialog()
        qtbot.addWidget(dialog)
        dialog.resize(5000, 4000)  # as a message box with a very long text might ask
        dialog.show()
        qtbot.waitExposed(dialog)
        width, height = room_for(dialog)
        assert dialog.width() <= width and dialog.height() <= height
        area = dialog.screen().availableGeometry()
        assert area.contains(dialog.frameGeometry())
    finally:
        app.removeEventFilter(fitter)
        fitter.deleteLater()
