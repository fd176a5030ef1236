"""Check the built bundle as a teacher's computer would run it.  `make bundle-check` runs it.

    .venv/bin/python packaging/check_bundle.py

On Linux the tarball is unpacked into a temporary folder and checked there, so what is checked
is what IT staff receive.  The bundled program is run with a temporary home and data folder,
outside the source tree and without the development environment's variables:

- ``--version`` prints the version in pyproject.toml;
- ``--smoke`` opens the main window offscreen on a new, empty data folder, and
  ``--smoke=listed`` then opens the store behind it (created and migrated there);
- ``seed-demo``, ``list conversations --json`` and ``export record ID -o FILE`` make records
  and a PDF (whose metadata must carry the version), which exercises the database migrations,
  the fonts and the lazily imported modules that a missing hidden import would break;
- every bundled library and Qt plugin finds the libraries it links to, which covers modules
  that no command loads, such as the PDF preview and printing;
- a missing and a damaged font make start-up fail with a message naming the file (once
  ui/application.py runs the resource check);
- install.sh installs into the temporary home, the installed program runs, and uninstalling
  removes it;
- the unpacked size is within the budget.

Exits non-zero on the first failure, with the command and its output.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bundle import APP_ID, BUNDLE, DIST, ROOT, archive_name, project_version, tree_size
from bundle_filter import HOST_LIBRARIES, elf_needed
from school_ca import make_ca_certificate

BUDGET_BYTES = 150 * 2**20  # 150 MB unpacked, in du's megabytes (MiB)
TIMEOUT = 180
FONT = "DejaVuSans-Bold.ttf"
# Besides what PyInstaller itself leaves to the system: the dynamic loader, and our own choice.
_FROM_THE_SYSTEM = ("ld-linux*.so*", "ld64.so*", *HOST_LIBRARIES)


class CheckFailed(Exception):
    pass


class Checker:
    def __init__(self, bundle: Path, scratch: Path) -> None:
        self.bundle = bundle
        self.program = bundle / "ownwork"
        self.scratch = scratch
        self.home = scratch / "home"
        self.home.mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "OWNWORK_", "VIRTUAL_ENV", "QT_"))
        }
        self.env.update(HOME=str(self.home), QT_QPA_PLATFORM="offscreen", LC_ALL="C.UTF-8")
        self.env.pop("XDG_DATA_HOME", None)

    def run(
        self, args: Sequence[str], *, expect: int | None = 0, program: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = [str(program or self.program), *args]
        started = time.monotonic()
        result = subprocess.run(
            command,
            cwd=self.scratch,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        shown = " ".join(command).replace(str(self.scratch), "$TMP")
        print(f"check: {shown}  -> {result.returncode} ({time.monotonic() - started:.1f} s)")
        if expect is not None and result.returncode != expect:
            raise CheckFailed(
                f"{shown} exited {result.returncode}, expected {expect}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result

    def data(self, name: str) -> list[str]:
        return ["--data-dir", str(self.scratch / name)]

    def version(self, version: str) -> None:
        printed = self.run(["--version"]).stdout.strip()
        if printed != f"OwnWork {version}":
            raise CheckFailed(f"--version printed {printed!r}, expected 'OwnWork {version}'")

    def smoke(self) -> None:
        self.run([*self.data("fresh"), "--smoke"])
        # The store is opened by a worker thread after the first paint: its imports (SQLAlchemy's
        # dialect, the migrations) must be in the bundle too.
        self.run([*self.data("fresh"), "--smoke=listed"])
        if not (self.scratch / "fresh" / "ownwork.sqlite3").exists():
            raise CheckFailed("--smoke=listed did not create the database")

    def records_and_pdf(self, version: str) -> None:
        data = self.data("demo")
        self.run([*data, "seed-demo", "--students", "12", "--conversations", "6"])
        rows = json.loads(self.run([*data, "list", "conversations", "--json"]).stdout)
        if not rows:
            raise CheckFailed("seed-demo made no conversations")
        if "export" not in self.run(["--help"]).stdout:
            print("check: note: no `export` command in this build; PDF export not checked")
            return
        pdf = self.scratch / "record.pdf"
        self.run([*data, "export", "record", str(rows[0]["id"]), "-o", str(pdf)])
        content = pdf.read_bytes() if pdf.exists() else b""
        if not content.startswith(b"%PDF-"):
            raise CheckFailed("export record did not write a PDF")
        if f"OwnWork {version}".encode() not in content:
            raise CheckFailed(f"the PDF's metadata does not name OwnWork {version}")
        # A signed case bundle: the signing library is in the bundle, and without the keyring
        # backends left out (bundle_filter.py) the key is kept in the data folder instead.
        case = self.scratch / "case.ownwork-case"
        self.run([*data, "export-case", str(rows[0]["id"]), "-o", str(case)])
        shown = self.run([*data, "keys", "show"]).stdout
        key_file = self.scratch / "demo" / "keys" / "signing-key"
        if not case.is_file() or not key_file.is_file() or "-" not in shown:
            raise CheckFailed("export-case did not sign the bundle with a key in keys/")

    def server_connection(self) -> None:
        """The driver and TLS are in the bundle: a server elsewhere without a CA file is
        refused by the network rules before any packet; with a CA file (made here) the TLS
        context is built and the driver tries the address, where nothing listens."""
        data = self.data("server")
        refused = self.run(
            [*data, "list", "students", "--database-url", "postgresql://t:p@db.school.example/o"],
            expect=1,
        )
        if "only over TLS" not in refused.stderr:
            raise CheckFailed(f"no TLS-required refusal: {refused.stderr!r}")
        ca = make_ca_certificate(self.scratch)
        url = f"postgresql://t:p@127.0.0.1:1/o?sslrootcert={ca}"
        tried = self.run([*data, "list", "students", "--database-url", url], expect=1)
        if "Nothing answered at 127.0.0.1:1" not in tried.stderr:
            raise CheckFailed(f"the driver did not try the server over TLS: {tried.stderr!r}")

    def linked_libraries(self) -> None:
        """Every bundled library and plugin finds each library it links to in the bundle,
        unless PyInstaller leaves that one to the system (glibc, OpenGL, libxcb) or so do we
        (the dynamic loader, HOST_LIBRARIES).  Read from the files, so the result does not
        depend on what the build machine has installed; covers modules no command loads."""
        if not sys.platform.startswith("linux"):
            return
        from PyInstaller.depend.dylib import include_library

        internal = self.bundle / "_internal"
        files = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
        present = {p.name for p in internal.rglob("*.so*")}
        missing = [
            f"{path.relative_to(internal)} needs {name}"
            for path in files
            for name in elf_needed(str(path))
            if name not in present
            and include_library(name)
            and not any(fnmatch.fnmatch(name, pattern) for pattern in _FROM_THE_SYSTEM)
        ]
        if missing:
            raise CheckFailed("libraries missing from the bundle:\n" + "\n".join(missing))
        print(f"check: all {len(files)} libraries and plugins find what they link to")

    def damaged_resources(self) -> None:
        if "check_resources" not in (ROOT / "ui" / "application.py").read_text("utf-8"):
            print("check: note: ui/application.py does not run the resource check yet; skipped")
            return
        font = self.bundle / "_internal" / "resources" / "fonts" / FONT
        kept = self.scratch / FONT
        shutil.move(font, kept)
        try:
            self._expect_refusal("missing")
            font.write_bytes(kept.read_bytes()[:4096])
            self._expect_refusal("damaged")
        finally:
            font.unlink(missing_ok=True)
            shutil.move(kept, font)

    def _expect_refusal(self, how: str) -> None:
        result = self.run([*self.data(f"font-{how}"), "--smoke"], expect=None)
        if result.returncode == 0 or FONT not in result.stderr:
            raise CheckFailed(
                f"with a {how} font the bundle started anyway or did not name the file "
                f"(exit {result.returncode})\n--- stderr\n{result.stderr}"
            )

    def install(self, version: str) -> None:
        installer = self.bundle / "install.sh"
        if not installer.exists():
            return
        self.run([], program=installer)
        installed = self.home / ".local" / "bin" / "ownwork"
        printed = self.run(["--version"], program=installed).stdout.strip()
        if printed != f"OwnWork {version}":
            raise CheckFailed(f"the installed program printed {printed!r}")
        entry = self.home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
        if not entry.is_file():
            raise CheckFailed("install.sh did not write the desktop entry")
        # tools/sysdeps.sh installs the validator; only a hand-made machine may lack it, and
        # under CI that is a missing install step, not a reason to check less.
        if shutil.which("desktop-file-validate"):
            subprocess.run(["desktop-file-validate", str(entry)], check=True)
        elif os.environ.get("CI"):
            raise CheckFailed("desktop-file-validate is missing: run tools/sysdeps.sh")
        self.run(["--uninstall"], program=installer)
        if installed.exists() or entry.exists():
            raise CheckFailed("install.sh --uninstall left the program or its menu entry")


def unpack(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as archive:
        # Extraction filters arrived in Python 3.11.4; Debian 12 ships 3.11.2.  The tarball is
        # the one this build just made, so the plain extraction is safe there.
        if hasattr(tarfile, "tar_filter"):
            archive.extractall(into, filter="tar")
        else:
            archive.extractall(into)
    return into / tarball.name.removesuffix(".tar.gz")


def main() -> int:
    version = project_version()
    tarball = DIST / f"{archive_name(version)}.tar.gz"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ownwork-bundle-") as temp:
        scratch = Path(temp)
        if sys.platform.startswith("linux"):
            if not tarball.exists():
                print(f"check: {tarball} is missing; run `make bundle` first", file=sys.stderr)
                return 1
            bundle = unpack(tarball, scratch / "unpacked")
        else:
            bundle = BUNDLE
        size = tree_size(bundle / "_internal") + (bundle / "ownwork").stat().st_size
        checker = Checker(bundle, scratch)
        try:
            checker.version(version)
            checker.smoke()
            checker.records_and_pdf(version)
            checker.server_connection()
            checker.linked_libraries()
            checker.damaged_resources()
            checker.install(version)
        except (CheckFailed, subprocess.SubprocessError) as error:
            print(f"check: FAILED: {error}", file=sys.stderr)
            return 1
    print(
        f"check: bundle size {size / 2**20:.1f} MiB unpacked ({size / 1e6:.1f} MB; budget "
        f"{BUDGET_BYTES / 2**20:.0f} MiB); "
        f"checks took {time.monotonic() - started:.0f} s"
    )
    if size > BUDGET_BYTES:
        print("check: FAILED: the bundle is over its size budget", file=sys.stderr)
        return 1
    print("check: bundle OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
