"""The layers keep to their places (docs/architecture.md).

- the core (``app``) never imports Qt, the window (``ui``) or the composition root (``ownwork``):
  the CLI, tests and benchmarks run without a display;
- only ``app.storage.database.connect`` (through ``open_store``/``open_url``) creates an engine;
- the window reaches the records through ``app.services`` only.  The window modules that still
  import ``app.storage`` or ``sqlalchemy``, or open transactions themselves, are listed below;
  the list may only shrink: a module converted to the services must leave it (the test fails
  while it is still listed), and no module may join it.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import app

ROOT = Path(__file__).resolve().parent.parent

# Window modules that still import app.storage or sqlalchemy (each a conversion still to do).
STILL_REACHING_INTO_STORAGE: frozenset[str] = frozenset()


def _sources(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> set[str]:
    """Every module an import statement names, at the top or inside a function alike."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _names(path: Path, wanted: str) -> bool:
    """Whether the module calls or refers to ``wanted`` (a function or method name)."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == wanted:
            return True
        if isinstance(node, ast.Name) and node.id == wanted:
            return True
    return False


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _under(name: str, *packages: str) -> bool:
    return any(name == package or name.startswith(f"{package}.") for package in packages)


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


def test_the_core_never_imports_the_window_qt_or_the_composition_root() -> None:
    offending = {
        _relative(path): sorted(
            name for name in _imports(path) if _under(name, "ui", "PySide6", "ownwork")
        )
        for path in _sources("app")
    }
    assert {path: names for path, names in offending.items() if names} == {}


# Command modules that still call the core past the services (each a conversion still to do).
CLI_STILL_PAST_THE_SERVICES: frozenset[str] = frozenset()


def _past_the_services(path: Path) -> bool:
    """Opens a transaction, or calls the storage layer or a use case's own module directly."""
    reaching = ("app.storage", "app.integrity.verify", "app.integrity.case_bundle")
    return _names(path, "transaction") or any(_under(n, *reaching) for n in _imports(path))


def test_the_command_line_reaches_the_records_through_the_services_only() -> None:
    """Each command parses and calls a use case in app/services; none opens a transaction."""
    past = {
        _relative(path) for path in (ROOT / "app" / "cli").glob("*.py") if _past_the_services(path)
    }
    assert past == CLI_STILL_PAST_THE_SERVICES


def test_only_connect_creates_an_engine() -> None:
    creating = {
        _relative(path)
        for package in ("app", "ui", "ownwork")
        for path in _sources(package)
        if _names(path, "create_engine")
    }
    assert creating == {"app/storage/database.py"}


def test_window_modules_reaching_into_storage_are_only_those_still_to_convert() -> None:
    reaching = {
        _relative(path)
        for path in _sources("ui")
        if any(_under(name, "app.storage", "sqlalchemy") for name in _imports(path))
    }
    joined = reaching - STILL_REACHING_INTO_STORAGE
    assert not joined, f"use app.services instead of app.storage/sqlalchemy in {sorted(joined)}"
    converted = STILL_REACHING_INTO_STORAGE - reaching
    assert not converted, f"converted: remove {sorted(converted)} from the list"


def test_only_listed_window_modules_open_transactions() -> None:
    opening = {_relative(path) for path in _sources("ui") if _names(path, "transaction")}
    assert opening <= STILL_REACHING_INTO_STORAGE, sorted(opening - STILL_REACHING_INTO_STORAGE)


def test_the_composition_root_is_outside_the_core_and_registers_the_window() -> None:
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '[project.entry-points."ownwork.gui"]' in text
    assert 'window = "ownwork.desktop:open_window"' in text
    assert "ui.application" in _imports(ROOT / "ownwork" / "desktop.py")
