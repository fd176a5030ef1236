"""Build the one-folder bundle (dist/OwnWork/) and, on Linux, its tarball.  `make bundle` runs it.

    .venv/bin/python packaging/build_bundle.py [--no-archive]

The tarball ``dist/OwnWork-<version>-linux-x86_64.tar.gz`` unpacks to one folder holding the
bundle, an ``install.sh`` for a per-user or per-machine install with a desktop menu entry, the
freedesktop entry, AppStream metadata and icons, a README for IT staff and the licences.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "OwnWork"
WORK = ROOT / "build" / "pyinstaller"
APP_ID = "uk.ownwork.OwnWork"
LINUX = ROOT / "packaging" / "linux"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def tree_size(folder: Path) -> int:
    """Bytes on disk as unpacked, counting symbolic links as links (as tar stores them)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())


def build_bundle() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(ROOT / "packaging" / "ownwork.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def archive_name(version: str) -> str:
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"OwnWork-{version}-linux-{machine}"


def _extras() -> list[tuple[Path, str]]:
    """Files added beside the bundle in the tarball: (source, path inside the archive)."""
    extras = [
        (LINUX / "install.sh", "install.sh"),
        (LINUX / "README.txt", "README.txt"),
        (ROOT / "LICENSE", "LICENSE"),
        (BUNDLE / "_internal" / "resources" / "THIRD_PARTY_NOTICES.txt", "THIRD_PARTY_NOTICES.txt"),
        (LINUX / f"{APP_ID}.desktop", f"share/applications/{APP_ID}.desktop"),
        (LINUX / f"{APP_ID}.metainfo.xml", f"share/metainfo/{APP_ID}.metainfo.xml"),
        (
            ROOT / "resources" / "icons" / "ownwork.svg",
            f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        ),
    ]
    for size in ICON_SIZES:
        extras.append(
            (
                ROOT / "resources" / "icons" / f"ownwork-{size}.png",
                f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png",
            )
        )
    return extras


def _normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Files belong to whoever unpacks them, not to the build machine's user.
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def _executable(info: tarfile.TarInfo) -> tarfile.TarInfo:
    # Runnable whatever mode the checkout gave the file.
    info = _normalised(info)
    info.mode = 0o755
    return info


def make_tarball(version: str) -> Path:
    top = archive_name(version)
    target = DIST / f"{top}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        for item in sorted(BUNDLE.iterdir()):
            archive.add(item, f"{top}/{item.name}", filter=_normalised)
        for source, name in _extras():
            chosen = _executable if name == "install.sh" else _normalised
            archive.add(source, f"{top}/{name}", filter=chosen)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-archive", action="store_true", help="skip the tarball")
    args = parser.parse_args(argv)
    version = project_version()
    if sys.platform.startswith("linux") and shutil.which("objcopy") is None:
        print("bundle: PyInstaller needs objcopy and strip: install binutils", file=sys.stderr)
        return 1
    started = time.monotonic()
    build_bundle()
    built = time.monotonic()
    print(f"bundle: built {BUNDLE} in {built - started:.0f} s")
    print(f"bundle: {tree_size(BUNDLE) / 2**20:.1f} MiB unpacked")
    if not args.no_archive and sys.platform.startswith("linux"):
        tarball = make_tarball(version)
        print(
            f"bundle: wrote {tarball.relative_to(ROOT)} "
            f"({tarball.stat().st_size / 2**20:.1f} MiB) in {time.monotonic() - built:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
