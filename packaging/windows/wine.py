"""Running Windows programs under wine, for the Windows build and its check (Linux only).

Facts this module encodes (Debian 12, wine 8):
- a Windows program's standard streams must be pipes, not files or a closed stdin, or Python
  fails with "can't initialize sys standard streams": stdin is /dev/null, output is captured;
- wine drops environment variables beginning with ``QT_`` on the way in, so ``QT_QPA_PLATFORM``
  is set in the prefix's registry (HKCU\\Environment) instead, where Windows keeps them too;
- the profile folder (``C:\\users\\<name>``) is named after ``USER``, so a test can run as a
  teacher whose name has spaces and accents;
- arguments and environment are decoded as UTF-8 only under a UTF-8 locale;
- no Mono or Gecko: their download prompts would wait for a click nobody gives; and no
  winemenubuilder, which would copy Start-menu entries into the Linux desktop's menus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PureWindowsPath

# What the build machine's environment must not leak into a Windows program.
_DROPPED_PREFIXES = ("PYTHON", "VIRTUAL_ENV", "QT_", "OWNWORK_", "WINE", "XDG_", "LD_")


def windows_path(path: Path) -> str:
    """A Linux path as the Windows programs see it: wine maps drive Z: to /."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


class Wine:
    def __init__(self, prefix: Path, *, user: str | None = None, display: str | None = None):
        self.prefix = prefix
        self.user = user
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(_DROPPED_PREFIXES) and key != "DISPLAY"
        }
        self.env.update(
            WINEPREFIX=str(prefix),
            WINEARCH="win64",
            WINEDEBUG="-all",
            WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d",
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
        )
        if user is not None:
            self.env.update(USER=user, LOGNAME=user)
        if display is not None:
            self.env["DISPLAY"] = display

    @property
    def drive_c(self) -> Path:
        return self.prefix / "drive_c"

    @property
    def system32(self) -> Path:
        return self.drive_c / "windows" / "system32"

    def unix_path(self, path: str) -> Path:
        """Where a C:\\ path of this prefix is on Linux (wine's folders keep their case)."""
        windows = PureWindowsPath(path)
        if windows.drive.upper() != "C:":
            raise ValueError(f"not on drive C: {path}")
        found = self.drive_c
        for part in windows.parts[1:]:
            matches = (
                [child for child in found.iterdir() if child.name.lower() == part.lower()]
                if found.is_dir()
                else []
            )
            found = matches[0] if matches else found / part
        return found

    def initialised(self) -> bool:
        return (self.prefix / "system.reg").is_file()

    def boot(self) -> None:
        """Create the prefix (about 15 s the first time).

        wineboot has been seen to return after 3 s on a busy machine, leaving a prefix without
        its programs (msiexec then exits 53): the prefix is checked, and made once more from
        scratch if it is incomplete, saying so; a second failure is raised with wineboot's
        own words."""
        for attempt in (1, 2):
            self.prefix.mkdir(parents=True, exist_ok=True)
            booted = self.run(["wineboot", "--init"], timeout=300, program_is_windows=False)
            self.wait()
            missing = self.missing_programs()
            if booted.returncode == 0 and not missing:
                return
            said = (booted.stderr or booted.stdout).strip()[-2000:]
            if attempt == 2:
                raise OSError(
                    f"wineboot --init exited {booted.returncode}; the prefix lacks "
                    f"{', '.join(missing) or 'nothing'}\n{said}"
                )
            print(
                f"wine: wineboot --init exited {booted.returncode} and the prefix lacks "
                f"{', '.join(missing) or 'nothing'}: making it again",
                flush=True,
            )
            self.shut_down()
            shutil.rmtree(self.prefix, ignore_errors=True)

    def missing_programs(self) -> list[str]:
        """What a finished prefix has and this one does not."""
        wanted = [self.prefix / "system.reg", self.system32 / "msiexec.exe"]
        return [path.name for path in wanted if not path.is_file()]

    def set_environment(self, name: str, value: str) -> None:
        """A user environment variable every Windows program of this prefix sees."""
        self.run(
            ["reg", "add", "HKCU\\Environment", "/v", name, "/d", value, "/f"],
            timeout=120,
        )

    def unset_environment(self, name: str) -> None:
        self.run(["reg", "delete", "HKCU\\Environment", "/v", name, "/f"], timeout=120)

    def run(
        self,
        args: Sequence[str],
        *,
        timeout: float,
        env: dict[str, str] | None = None,
        program_is_windows: bool = True,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a Windows program (``wine PROGRAM ARGS``) and capture what it prints."""
        command = ["wine", *args] if program_is_windows else list(args)
        return subprocess.run(
            command,
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
            cwd=cwd,
        )

    def stream(
        self, args: Sequence[str], show: Callable[[str], None], *, cwd: Path | None = None
    ) -> int:
        """Run a Windows program, passing each line it prints to ``show``; its exit status."""
        with subprocess.Popen(
            ["wine", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            cwd=cwd,
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                show(line.rstrip("\n"))
            return process.wait()

    def wait(self) -> None:
        """Wait until every program of this prefix has ended (files are then complete)."""
        subprocess.run(["wineserver", "-w"], env=self.env, check=False, timeout=300)

    def shut_down(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, check=False, timeout=60)


@contextmanager
def virtual_display() -> Iterator[str]:
    """An Xvfb display for wine's own windows; Qt itself draws offscreen."""
    read, write = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
        if not number.strip():
            raise RuntimeError("Xvfb did not start")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read)
        process.terminate()
        process.wait(timeout=30)
