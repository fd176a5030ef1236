"""What the benchmark scripts share: results, the whole-school data set, statistics, the machine.

Each ``bench_*.py`` script prints its own Markdown rows and, given ``--json PATH``, writes its
``Result`` rows there for ``run_all.py`` to gather into one table.

The data set (5,000 students, 100,000 conversations) is made once with ``ownwork seed-demo`` into
a cache folder (``$OWNWORK_BENCH_CACHE``, else ``~/.cache/ownwork-bench``), one per schema
revision, and reused; benchmarks that write work on a copy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The whole-school set; OWNWORK_BENCH_STUDENTS / OWNWORK_BENCH_CONVERSATIONS give a smaller one
# (issue 18 states its start-up figure at 20,000 conversations).
STUDENTS = int(os.environ.get("OWNWORK_BENCH_STUDENTS", "5000"))
CONVERSATIONS = int(os.environ.get("OWNWORK_BENCH_CONVERSATIONS", "100000"))


@dataclasses.dataclass(frozen=True)
class Result:
    """One row of the summary table.  ``ok`` is None for rows given for information only."""

    benchmark: str
    measured: str
    floor: str = "—"
    ratio: float | None = None
    budget: str = "—"
    ok: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: "info"}[self.ok]

    def markdown(self) -> str:
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×"
        cells = (self.benchmark, self.measured, self.floor, ratio, self.budget, self.verdict)
        return "| " + " | ".join(cells) + " |"


HEADER = "| Benchmark | Measured | Floor | Ratio | Budget | Verdict |\n|---|---|---|---|---|---|"


def arguments(description: str, runs: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=runs, help=f"repetitions (default {runs})")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the rows here")
    return parser


def report(results: Sequence[Result], json_path: Path | None) -> int:
    """Print the rows; write them as JSON if asked.  Exit status 1 if a budget was missed."""
    print(HEADER)
    for result in results:
        print(result.markdown())
        if result.note:
            print(f"<!-- {result.benchmark}: {result.note} -->")
    if json_path is not None:
        json_path.write_text(
            json.dumps([dataclasses.asdict(r) for r in results], indent=1), encoding="utf-8"
        )
    return 1 if any(r.ok is False for r in results) else 0


def exit_without_teardown(code: int) -> NoReturn:
    """End a benchmark that ran a Qt window.  Interpreter finalisation is skipped: PySide6 6.x
    can crash while tearing down its wrappers at exit (a refcount error in bool_dealloc), which
    would turn a finished run into a failure."""
    sys.stdout.flush()
    os._exit(code)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of values at or
    below it (p95 of 40 values is the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(round(fraction * len(ordered), 9)))
    return ordered[rank - 1]


def ownwork_command() -> list[str]:
    """The installed ``ownwork`` console script beside this interpreter, as a teacher runs it."""
    script = Path(sys.executable).with_name("ownwork")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli.main"]


def offscreen_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.update(extra)
    return env


def cache_dir() -> Path:
    configured = os.environ.get("OWNWORK_BENCH_CACHE")
    folder = Path(configured) if configured else Path.home() / ".cache" / "ownwork-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dataset_dir() -> Path:
    """Where the whole-school data set for this schema revision lives (it may not exist yet)."""
    from app.storage.migrate import HEAD_REVISION

    return cache_dir() / f"school-s{STUDENTS}-c{CONVERSATIONS}-r{HEAD_REVISION}"


def seed_command(folder: Path) -> list[str]:
    return [
        *ownwork_command(),
        "--data-dir",
        str(folder),
        "seed-demo",
        "--students",
        str(STUDENTS),
        "--conversations",
        str(CONVERSATIONS),
    ]


def dataset() -> Path:
    """The data folder of the whole-school set, seeding it first if it is not cached yet."""
    folder = dataset_dir()
    if (folder / "ownwork.sqlite3").exists():
        return folder
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"(seeding the benchmark data set into {folder}; this takes a minute)", file=sys.stderr)
    subprocess.run(
        seed_command(partial), check=True, env=offscreen_env(), stdout=subprocess.DEVNULL
    )
    partial.rename(folder)
    return folder


def copy_of_dataset(destination: Path) -> Path:
    """A private copy of the data set's folder for a benchmark that writes."""
    source = dataset()
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "ownwork.sqlite3", destination / "ownwork.sqlite3")
    return destination


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM and Python: written beside the figures they explain."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load": load,
    }
