"""The core never imports Qt: the CLI, tests and benchmarks run without a display."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import app


def test_no_app_module_imports_qt() -> None:
    names = [
        m.name for m in pkgutil.walk_packages(app.__path__, "app.") if ".migrations" not in m.name
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert len(names) > 20
    assert result.stdout.strip() == "[]"
