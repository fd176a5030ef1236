"""OwnWork's Qt-free core: domain, storage, documents and the command line.

Nothing under ``app`` may import Qt; the GUI lives in ``ui`` and calls in here.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # ``app.__version__`` is read on first use: see app/version.py for why.
    if name == "__version__":
        from app.version import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
