"""Where OwnWork keeps its files.  Nothing else in the code base builds these paths.

By default everything follows the platform's conventions (``platformdirs``).  When a data folder
is given (``--data-dir`` or ``OWNWORK_DATA_DIR``) everything the app writes lives under it, so
that one folder is one self-contained store: IT staff can move it and tests stay isolated.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "OwnWork"
DATA_DIR_ENV = "OWNWORK_DATA_DIR"
# The school's server to use instead of the data folder's own database (app/storage/server.py).
DATABASE_URL_ENV = "OWNWORK_DATABASE_URL"
DATABASE_FILE = "ownwork.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path
    config_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_FILE

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "ownwork.log"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.ini"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"


# Records about children: every file OwnWork writes is readable by its owner only (0600), and
# every folder it makes is the owner's alone (0700), on Linux and macOS.
OWNER_ONLY_UMASK = 0o077


def keep_private() -> None:
    """New files and folders of this process are the owner's only, whatever umask it was
    started with (a desktop session's 022 would make them readable by every account)."""
    if os.name == "posix":
        os.umask(OWNER_ONLY_UMASK)


def tighten(paths: AppPaths) -> None:
    """Take group and other permissions off the folders OwnWork keeps (wherever they live) and
    off the files in its backups, log and settings folders, left looser by earlier versions.
    Best effort: a file that cannot be changed is left as it is."""
    if os.name != "posix":
        return
    folders = (paths.data_dir, paths.backups_dir, paths.evidence_dir, paths.log_dir)
    for folder in (*folders, paths.config_dir):
        try:
            if not folder.is_dir():
                continue
            _remove_group_and_other(folder)
            if folder in (paths.backups_dir, paths.log_dir, paths.config_dir):
                for item in folder.iterdir():
                    if item.is_file() and not item.is_symlink():
                        _remove_group_and_other(item)
        except OSError:
            continue


def _remove_group_and_other(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path.chmod(mode & 0o700)


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> AppPaths:
    """The paths for this run: an explicit folder wins over the environment, then the default."""
    env = os.environ if environ is None else environ
    chosen = data_dir if data_dir is not None else env.get(DATA_DIR_ENV) or None
    if chosen is not None:
        root = Path(chosen).expanduser().absolute()
        return AppPaths(data_dir=root, log_dir=root / "logs", config_dir=root / "config")
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
    )
