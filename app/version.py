"""The application's version, read from the installed package metadata (set in pyproject.toml).

``importlib.metadata`` costs tens of milliseconds to import (it brings in ``email`` and
``zipfile``), a noticeable share of start-up, so the version is read on first use:
``from app.version import __version__`` still works (through the module's ``__getattr__``), but
modules on the start-up path call ``version()`` when they need it instead.
"""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("ownwork")
    except PackageNotFoundError:
        # Running from a source tree that was never installed: say so rather than guess.
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
