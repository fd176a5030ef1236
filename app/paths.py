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
