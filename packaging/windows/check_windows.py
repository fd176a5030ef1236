"""Install the Windows MSI under wine as school IT would, and use the installed OwnWork.

    .venv/bin/python packaging/windows/check_windows.py      (`make bundle-windows-check`)

In a new wine prefix (a fresh "computer") whose signed-in teacher is called Siobhán Ní Bhriain,
so that every per-user path has a space and letters outside ASCII:

1. the MSI's tables: per-machine, the fixed upgrade code, same-version upgrades, the Start-menu
   shortcut with its icon, and no test-only stand-in among its files;
2. ``msiexec /i … /qn`` installs into Program Files\\OwnWork with the Start-menu entry, and both
   executables declare themselves long-path aware;
3. the installed ``ownwork-cli.exe``: ``--version``, ``--smoke=listed``, ``seed-demo``,
   ``scripts list``, ``list conversations --json``, ``export record`` and ``export referral``
   into a folder with a space and accents (the PDFs are read back with pypdf here), ``verify``
   and ``backup``, all on the data folder platformdirs gives (%LOCALAPPDATA%\\OwnWork), then
   once more with ``OWNWORK_DATA_DIR``;
4. while the windowed ``OwnWork.exe`` is open, a second start is refused; once it has died,
   its lock is taken over; ``OwnWork.exe`` opens its window with Qt's ``windows`` platform
   plugin on wine's display; ``icacls`` on the data folder is shown (wine's does nothing);
5. a newer MSI of the same bundle replaces the installed one (one entry in Apps) and leaves the
   records exactly as they were; so does a rebuilt MSI of the same version; the older MSI is
   then refused;
6. ``msiexec /x … /qn`` removes the program and its shortcut and leaves the records untouched;
7. the installed size is within the budget.

The stand-ins for Windows' icuuc.dll, bcryptprimitives.dll and mscms.dll (stand_ins.py) go
into the prefix's system32 only, like Windows' own; the check fails if one is in the MSI or the
installed program.  Prints the time of each step.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))
import stand_ins  # noqa: E402
from make_msi import BUNDLE, build_msi, msi_name  # noqa: E402
from make_version_info import project_version, version_numbers  # noqa: E402
from school_ca import make_ca_certificate  # noqa: E402
from wine import Wine, virtual_display, windows_path  # noqa: E402

BUDGET_BYTES = 150 * 2**20  # installed size, as for the Linux bundle
TEACHER = "Siobhán Ní Bhriain"
PROFILE = f"C:\\users\\{TEACHER}"
DATA = f"{PROFILE}\\AppData\\Local\\OwnWork"  # platformdirs' user_data_dir on Windows
EXPORTS = f"{PROFILE}\\Documents\\Exports für Prüfung"
BACKUPS = f"{PROFILE}\\Documents\\Sauvegardes été"
INSTALLED = "C:\\Program Files\\OwnWork"
CLI = f"{INSTALLED}\\ownwork-cli.exe"
UPGRADE_CODE = "{6454A201-7639-46AC-BA00-219C61CD5391}"
TIMEOUT = 240


class CheckFailed(Exception):
    pass


def msi_table(msi: Path, table: str) -> list[list[str]]:
    """Rows of one MSI table (msiinfo's export, without its three header lines)."""
    exported = subprocess.run(
        ["msiinfo", "export", str(msi), table], capture_output=True, text=True, check=True
    ).stdout
    return [line.split("\t") for line in exported.replace("\r\n", "\n").splitlines()[3:]]


def check_msi_tables(msi: Path) -> None:
    properties = {row[0]: row[1] for row in msi_table(msi, "Property")}
    expected = {"ALLUSERS": "1", "UpgradeCode": UPGRADE_CODE, "ProductName": "OwnWork"}
    for name, value in expected.items():
        if properties.get(name) != value:
            raise CheckFailed(f"MSI property {name} is {properties.get(name)!r}, not {value!r}")
    upgrades = {row[6]: row for row in msi_table(msi, "Upgrade")}
    found = upgrades.get("WIX_UPGRADE_DETECTED")
    if found is None or found[0] != UPGRADE_CODE or int(found[4]) & 512 == 0:
        raise CheckFailed(f"MSI upgrade row does not cover this version: {found}")
    directories = {row[0]: row for row in msi_table(msi, "Directory")}
    if directories["INSTALLDIR"][1:] != ["ProgramFiles64Folder", "OwnWork"]:
        raise CheckFailed(f"MSI installs to {directories['INSTALLDIR']}")
    shortcuts = msi_table(msi, "Shortcut")
    if not any(
        row[4] == "[INSTALLDIR]OwnWork.exe" and row[8] == "OwnWork.ico" for row in shortcuts
    ):
        raise CheckFailed(f"MSI has no Start-menu shortcut with the icon: {shortcuts}")
    files = [row[2].split("|")[-1].lower() for row in msi_table(msi, "File")]
    carried = sorted(set(files) & set(stand_ins.NAMES))
    if carried:
        raise CheckFailed(f"the MSI contains {carried}: test-only stand-ins")
    for needed in ("ownwork.exe", "ownwork-cli.exe"):
        if needed not in files:
            raise CheckFailed(f"the MSI has no {needed}")
    print(f"check: MSI tables: per-machine, upgrade code, shortcut and {len(files)} files")


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def tree_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class WindowsCheck:
    def __init__(self, wine: Wine, scratch: Path, version: str, msi: Path) -> None:
        self.wine = wine
        self.scratch = scratch
        self.version = version
        self.msi = msi
        self.started = time.monotonic()
        self.last = self.started

    def step(self, message: str) -> None:
        now = time.monotonic()
        print(f"check: {message} ({now - self.last:.1f} s)", flush=True)
        self.last = now

    def run(
        self,
        args: Sequence[str],
        *,
        expect: int | None = 0,
        env: dict[str, str] | None = None,
        program: str = CLI,
    ) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = self.wine.run([program, *args], timeout=TIMEOUT, env=env)
        shown = " ".join([program.rsplit("\\", 1)[-1], *args])
        print(f"check: {shown}  -> {result.returncode} ({time.monotonic() - started:.1f} s)")
        if expect is not None and result.returncode != expect:
            raise CheckFailed(
                f"{shown} exited {result.returncode}, expected {expect}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
            )
        return result

    def msiexec(self, *args: str) -> None:
        log = self.scratch / f"msiexec-{time.monotonic_ns()}.log"
        result = self.wine.run(
            ["msiexec", *args, "/qn", "/l*v", windows_path(log)], timeout=TIMEOUT
        )
        self.wine.wait()
        if result.returncode != 0:
            tail = log.read_text("utf-16", "replace")[-3000:] if log.exists() else ""
            raise CheckFailed(f"msiexec {' '.join(args)} exited {result.returncode}\n{tail}")

    # -- the steps -------------------------------------------------------------------------

    def prepare(self) -> None:
        self.wine.boot()
        stand_ins.install(
            BUNDLE / "_internal" / "PySide6" / "Qt6Core.dll",
            self.scratch / "stand-ins",
            self.wine.system32,
        )
        # Qt draws offscreen; wine itself still wants the X display for its message windows.
        self.wine.set_environment("QT_QPA_PLATFORM", "offscreen")
        self.step(f"new wine prefix for {TEACHER}")

    def install(self) -> Path:
        self.msiexec("/i", windows_path(self.msi))
        installed = self.wine.unix_path(INSTALLED)
        for program in ("OwnWork.exe", "ownwork-cli.exe"):
            if not (installed / program).is_file():
                raise CheckFailed(f"msiexec /i did not install {program}")
        if not self.shortcuts():
            raise CheckFailed("msiexec /i made no Start-menu entry")
        for program in ("OwnWork.exe", "ownwork-cli.exe"):
            # Paths over 260 characters (deep OWNWORK_DATA_DIR folders) need the executable to
            # declare itself long-path aware in its manifest; wine has no such limit to test.
            manifest = re.search(
                rb"<longPathAware[^>]*>\s*true\s*<", (installed / program).read_bytes()
            )
            if manifest is None:
                raise CheckFailed(f"{program} does not declare longPathAware in its manifest")
        found = stand_ins.stand_ins_in(installed)
        if found:
            raise CheckFailed(f"test-only stand-in installed: {found}")
        self.step(f"msiexec /i {self.msi.name} /qn: installed, Start-menu entry, long paths")
        return installed

    def shortcuts(self) -> list[Path]:
        # Windows puts a per-machine shortcut in ProgramData's Start menu; wine 8 puts it in
        # the installing user's.  Either way it must point at OwnWork.exe.
        places = [
            "C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\OwnWork.lnk",
            f"{PROFILE}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\OwnWork.lnk",
        ]
        found = [self.wine.unix_path(place) for place in places]
        return [
            path
            for path in found
            if path.is_file() and "OwnWork.exe".encode("utf-16-le") in path.read_bytes()
        ]

    def use(self) -> Path:
        """The everyday commands on the default per-user data folder; returns that folder."""
        printed = self.run(["--version"]).stdout.strip()
        if printed != f"OwnWork {self.version}":
            raise CheckFailed(f"--version printed {printed!r}")
        self.run(["--smoke=listed"])
        data = self.wine.unix_path(DATA)
        if not (data / "ownwork.sqlite3").is_file():
            raise CheckFailed(f"--smoke=listed made no database in {DATA}")
        self.run(["seed-demo", "--students", "12", "--conversations", "6"])
        # The interview scripts are checked against their schema (jsonschema, rpds-py).
        if not json.loads(self.run(["scripts", "list", "--json"]).stdout):
            raise CheckFailed("scripts list found no interview scripts")
        rows = json.loads(self.run(["list", "conversations", "--json"]).stdout)
        if not rows or not any(not row["student_name"].isascii() for row in rows):
            raise CheckFailed("the listed demo records have no names outside ASCII")
        # Teachers save into folders that exist (OwnWork does not make them).
        for folder in (EXPORTS, BACKUPS):
            self.wine.unix_path(folder).mkdir(parents=True)
        self.export_record(rows[0])
        self.export_referral(rows)
        # A signed case bundle: PyNaCl and its cffi backend are in the bundle, and the key is
        # kept in Credential Manager or, where wine has none, in the data folder.
        case = f"{EXPORTS}\\case {rows[0]['id']}.ownwork-case"
        self.run(["export-case", str(rows[0]["id"]), "-o", case])
        if not self.wine.unix_path(case).is_file():
            raise CheckFailed("export-case wrote no bundle")
        print(f"check: signing key {self.run(['keys', 'show']).stdout.strip()[:80]}")
        report = json.loads(self.run(["verify", "--json"]).stdout)
        print(f"check: verify: {json.dumps(report)[:160]}")
        copy = f"{BACKUPS}\\ownwork copy.sqlite3"
        self.run(["backup", "-o", copy])
        if not self.wine.unix_path(copy).read_bytes().startswith(b"SQLite format 3\0"):
            raise CheckFailed("backup did not write a SQLite database")
        self.step(f"the installed program used the data folder {DATA}")
        return data

    def server_connection(self) -> None:
        """The driver and TLS are in the Windows bundle: a server elsewhere without a CA file
        is refused by the network rules before any packet; with one (made here) the TLS
        context is built and the driver tries the address, where nothing listens."""
        refused = self.run(
            ["list", "students", "--database-url", "postgresql://t:p@db.school.example/o"],
            expect=1,
        )
        if "only over TLS" not in refused.stderr:
            raise CheckFailed(f"no TLS-required refusal: {refused.stderr!r}")
        ca = make_ca_certificate(self.scratch)
        url = f"postgresql://t:p@127.0.0.1:1/o?sslrootcert={windows_path(ca)}"
        tried = self.run(["list", "students", "--database-url", url], expect=1)
        if "Nothing answered at 127.0.0.1:1" not in tried.stderr:
            raise CheckFailed(f"the driver did not try the server over TLS: {tried.stderr!r}")
        self.step("the driver and TLS are in the bundle")

    def export_record(self, row: dict[str, object]) -> None:
        target = f"{EXPORTS}\\record {row['id']} – ñ.pdf"
        self.run(["export", "record", str(row["id"]), "-o", target])
        self.read_pdf(target, str(row["student_name"]))

    def export_referral(self, rows: list[dict[str, object]]) -> None:
        """The referral of a conversation that concluded with concerns.  One that is not ready
        (no signed declaration, steps not recorded) is refused with exit 1 and the reasons on
        one line; then it is saved with ``--draft``, marked as a draft on every page."""
        concerns = [row for row in rows if row.get("conclusion") == "concerns_remain"]
        if not concerns:
            raise CheckFailed("the demo records have no conversation that ended in concerns")
        for row in concerns:
            target = f"{EXPORTS}\\referral {row['id']}.pdf"
            result = self.run(["export", "referral", str(row["id"]), "-o", target], expect=None)
            if result.returncode == 0:
                self.read_pdf(target, str(row["student_name"]))
                return
            message = result.stderr.strip()
            if result.returncode != 1 or "\n" in message or "not ready" not in message:
                raise CheckFailed(f"export referral refused badly ({result.returncode}): {message}")
        row = concerns[0]
        target = f"{EXPORTS}\\referral {row['id']} (draft).pdf"
        self.run(["export", "referral", str(row["id"]), "--draft", "-o", target])
        self.read_pdf(target, str(row["student_name"]), "DRAFT")

    def read_pdf(self, target: str, student: str, marked: str = "") -> None:
        path = self.wine.unix_path(target)
        reader = PdfReader(path)
        text = "".join(page.extract_text() or "" for page in reader.pages)
        creator = reader.metadata.creator if reader.metadata else None
        if creator != f"OwnWork {self.version}":
            raise CheckFailed(f"{path.name}: made by {creator!r}")
        if student not in text or marked not in text:
            raise CheckFailed(f"{path.name} does not name {student} {marked}".rstrip())
        print(f"check: {path.name}: {len(reader.pages)} pages naming {student}")

    def chosen_folder(self) -> None:
        folder = f"{PROFILE}\\OwnWork records (année 2026)"
        env = {"OWNWORK_DATA_DIR": folder}
        self.run(["seed-demo", "--students", "4", "--conversations", "2"], env=env)
        rows = json.loads(self.run(["list", "conversations", "--json"], env=env).stdout)
        if len(rows) != 2 or not (self.wine.unix_path(folder) / "ownwork.sqlite3").is_file():
            raise CheckFailed(f"OWNWORK_DATA_DIR={folder} was not used")
        self.step("OWNWORK_DATA_DIR with a space and accents")

    def single_instance(self, data: Path) -> None:
        """While the windowed OwnWork.exe has the data folder open, a second start is refused
        with the holder named; after the first copy dies, its lock is taken over."""
        window = subprocess.Popen(
            ["wine", f"{INSTALLED}\\OwnWork.exe"],
            env=self.wine.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            lock = data / ".ownwork.lock"
            deadline = time.monotonic() + TIMEOUT
            while not lock.exists() and window.poll() is None and time.monotonic() < deadline:
                time.sleep(0.5)
            if not lock.exists():
                raise CheckFailed(f"OwnWork.exe did not take the lock (exit {window.poll()})")
            refused = self.run(["--smoke"], expect=None)
            if refused.returncode == 0 or "already open" not in refused.stderr:
                raise CheckFailed(
                    f"a second start was not refused ({refused.returncode}): {refused.stderr}"
                )
        finally:
            # As if it crashed: wine runs the Windows program in this very process, so killing
            # it ends OwnWork without unlocking.
            window.kill()
            window.wait(timeout=60)
        self.run(["--smoke"])
        self.step("single instance: a second start refused, a dead copy's lock taken over")

    def native_window(self) -> None:
        """OwnWork.exe with Qt's own Windows platform plugin, the one teachers get, on wine's
        display: the window opens, the records are listed, the program ends by itself."""
        override = stand_ins.install_colour(
            BUNDLE / "_internal" / "PySide6" / "plugins" / "platforms" / "qwindows.dll",
            self.scratch / "stand-ins",
            self.wine.system32,
        )
        overrides = {"WINEDLLOVERRIDES": f"{self.wine.env['WINEDLLOVERRIDES']};{override}"}
        self.wine.set_environment("QT_QPA_PLATFORM", "windows")
        # Qt logs to the debugger, not to a piped stderr, unless told to.
        debug = {"QT_DEBUG_PLUGINS": "1", "QT_FORCE_STDERR_LOGGING": "1"}
        for name, value in debug.items():
            self.wine.set_environment(name, value)
        try:
            # The console twin says which platform plugin Qt loaded; the windowed program,
            # which has nowhere to say it, then opens the same way.
            loaded = self.run(["--smoke=listed"], env=overrides).stderr
            if not re.search(r'qwindows\.dll" loaded library', loaded, re.IGNORECASE):
                raise CheckFailed(f"Qt did not load its windows platform plugin:\n{loaded[-2000:]}")
            for name in debug:
                self.wine.unset_environment(name)
            self.run(["--smoke=listed"], program=f"{INSTALLED}\\OwnWork.exe", env=overrides)
        finally:
            self.wine.set_environment("QT_QPA_PLATFORM", "offscreen")
        self.step("OwnWork.exe with the windows platform plugin: window shown, records listed")

    def permissions(self, data: Path) -> None:
        """The data folder's ACL as Windows' icacls reports it, where wine has icacls."""
        result = self.wine.run(["icacls", DATA], timeout=60)
        shown = (result.stdout + result.stderr).strip().replace("\r", "")
        print(f"check: icacls {DATA} -> {result.returncode}: {shown[:300] or '(no output)'}")

    def installed_products(self) -> list[str]:
        """The DisplayVersion of every OwnWork entry in Apps (the uninstall registry)."""
        result = self.wine.run(
            [
                "reg",
                "query",
                "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
                "/s",
            ],
            timeout=60,
        )
        versions = []
        entry: dict[str, str] = {}
        for line in [*result.stdout.replace("\r", "").splitlines(), ""]:
            if line.startswith("HKEY_"):
                entry = {}
            parts = line.split(None, 2)
            if len(parts) == 3 and parts[1].startswith("REG_"):
                entry[parts[0]] = parts[2]
                if entry.get("DisplayName") == "OwnWork" and parts[0] == "DisplayVersion":
                    versions.append(parts[2])
        return versions

    def upgrade(self, data: Path) -> Path:
        before = tree_digest(data)
        numbers = version_numbers(self.version)
        newer = f"{numbers[0]}.{numbers[1]}.{numbers[2] + 1}"
        newer_msi = build_msi(
            BUNDLE, version=newer, output=self.scratch / msi_name(newer), work=self.scratch
        )
        self.step(f"built {newer_msi.name} from the same bundle")
        self.msiexec("/i", windows_path(newer_msi))
        products = self.installed_products()
        if products != [newer]:
            raise CheckFailed(f"after the upgrade Apps lists OwnWork {products}, not [{newer}]")
        if tree_digest(data) != before:
            raise CheckFailed("installing the newer MSI changed the records")
        self.run(["list", "conversations", "--json"])
        self.step(f"msiexec /i {newer_msi.name}: replaced {self.version}, records unchanged")
        self.msiexec("/i", windows_path(newer_msi))
        if self.installed_products() != [newer]:
            raise CheckFailed("reinstalling the same version added a second entry to Apps")
        self.step("the same version again: still one entry in Apps")
        older = self.wine.run(
            ["msiexec", "/i", windows_path(self.msi), "/qn"], timeout=TIMEOUT
        ).returncode
        self.wine.wait()
        if older == 0 or self.installed_products() != [newer]:
            raise CheckFailed(f"the older MSI installed over {newer} (exit {older})")
        self.step(f"the older MSI refused over {newer} (exit {older})")
        return newer_msi

    def uninstall(self, msi: Path, data: Path) -> None:
        before = tree_digest(data)
        self.msiexec("/x", windows_path(msi))
        installed = self.wine.unix_path(INSTALLED)
        if installed.exists() and any(installed.iterdir()):
            raise CheckFailed(f"msiexec /x left {sorted(p.name for p in installed.iterdir())}")
        if self.shortcuts():
            raise CheckFailed("msiexec /x left the Start-menu entry")
        if self.installed_products():
            raise CheckFailed("msiexec /x left OwnWork in Apps")
        if tree_digest(data) != before or not (data / "ownwork.sqlite3").is_file():
            raise CheckFailed("msiexec /x changed or removed the records")
        self.step(f"msiexec /x /qn: removed; the {len(before)} files in the data folder remain")


def main() -> int:
    version = project_version()
    msi = ROOT / "dist" / msi_name(version)
    if not msi.is_file():
        print(
            f"check: {msi.relative_to(ROOT)} is missing: run `make bundle-windows`", file=sys.stderr
        )
        return 1
    started = time.monotonic()
    try:
        check_msi_tables(msi)
        with (
            tempfile.TemporaryDirectory(prefix="ownwork-windows-") as temp,
            virtual_display() as display,
        ):
            scratch = Path(temp)
            wine = Wine(scratch / "wine", user=TEACHER, display=display)
            (scratch / "home").mkdir()
            wine.env["HOME"] = str(scratch / "home")
            check = WindowsCheck(wine, scratch, version, msi)
            try:
                check.prepare()
                installed = check.install()
                size = tree_size(installed)
                data = check.use()
                check.server_connection()
                check.chosen_folder()
                check.single_instance(data)
                check.native_window()
                check.permissions(data)
                newer_msi = check.upgrade(data)
                check.uninstall(newer_msi, data)
            finally:
                wine.shut_down()
    except (CheckFailed, subprocess.SubprocessError, OSError) as error:
        print(f"check: FAILED: {error}", file=sys.stderr)
        return 1
    print(
        f"check: installed size {size / 2**20:.1f} MiB (budget {BUDGET_BYTES / 2**20:.0f} MiB); "
        f"MSI {msi.stat().st_size / 2**20:.1f} MiB; checks took {time.monotonic() - started:.0f} s"
    )
    if size > BUDGET_BYTES:
        print("check: FAILED: the installed program is over its size budget", file=sys.stderr)
        return 1
    print("check: Windows MSI OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
