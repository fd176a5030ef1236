"""The application's version, read from the installed package metadata (set in pyproject.toml)."""

from importlib.metadata import PackageNotFoundError, version


def _read_version() -> str:
    try:
        return version("ownwork")
    except PackageNotFoundError:
        # Running from a source tree that was never installed: say so rather than guess.
        return "0+unknown"


__version__ = _read_version()
