"""OwnWork's Qt-free core: domain, storage, documents and the command line.

Nothing under ``app`` may import Qt; the GUI lives in ``ui`` and calls in here.
"""

from app.version import __version__

__all__ = ["__version__"]
