"""``ownwork`` without a command opens the window that the composition root registers, and
says so in one line when no window is installed (the commands still work)."""

from __future__ import annotations

import pytest

from app.cli import window
from app.cli.main import main


def test_the_registered_window_is_the_composition_roots() -> None:
    from ownwork.desktop import open_window

    assert window.window_opener() is open_window


def test_an_entry_point_is_read_from_its_group_only() -> None:
    text = (
        "[console_scripts]\nwindow = wrong:one\n\n"
        "# comment\n[ownwork.gui]\n  window =  pkg.mod:Thing.run  \nother = x:y\n"
    )
    assert window.read_entry_point(text, "ownwork.gui", "window") == "pkg.mod:Thing.run"
    assert window.read_entry_point(text, "ownwork.gui", "missing") is None
    assert window.read_entry_point("", "ownwork.gui", "window") is None


def test_without_a_window_installed_the_command_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(window, "_registered", lambda: None)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ownwork: The application window is not installed")
