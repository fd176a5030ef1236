"""Running ``ownwork`` as a separate process that file permissions bind: as the unprivileged
user "nobody" when the tests run as root (``setpriv``, as tests/pg_server.py runs PostgreSQL),
in a folder that user owns (pytest's own tmp_path is root's alone)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run as another user when root"
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def ownwork(*args: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``ownwork --data-dir folder args`` as a separate process, as the unprivileged user."""
    env = {**os.environ, "HOME": str(folder.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("OWNWORK_DATA_DIR", None)
    return subprocess.run(
        [*_as_user(), sys.executable, "-m", "app.cli.main", "--data-dir", str(folder), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@contextmanager
def owned_place() -> Iterator[Path]:
    """A folder the unprivileged user owns, removed afterwards."""
    where = Path(tempfile.mkdtemp(prefix="ownwork-ro-"))
    if os.geteuid() == 0:
        os.chown(where, NOBODY, NOBODY)
    try:
        yield where
    finally:
        for path in [where, *where.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(where)


def seeded(place: Path) -> Path:
    folder = place / "data"
    done = ownwork("seed-demo", "--students", "6", "--conversations", "4", folder=folder)
    assert done.returncode == 0, done.stderr
    return folder
