"""Benchmark: start-up, ``ownwork --smoke`` against a bare PySide6 window (budget: at most 1.3×).

``--smoke`` opens the store (checks, migrations if needed), builds the main window, reads the
first window of the list on screen and exits after the first paint.  The floor,
``floor_window.py``, shows an empty QMainWindow of the same size and exits after its first paint.
Runs alternate (floor, OwnWork on the whole-school set, OwnWork on an empty folder) so that a
busy machine slows all alike; each process is timed from launch to exit; medians are compared.

To show where the difference goes, two more processes are timed in the same rounds: Python
importing the storage layer alone (SQLAlchemy, the ORM models and the repositories, no Qt), and
Python doing nothing; the difference is what the storage layer's import costs every start-up.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--json PATH]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    CONVERSATIONS,
    Result,
    arguments,
    dataset,
    median,
    offscreen_env,
    ownwork_command,
    report,
)

BUDGET_RATIO = 1.3
FLOOR = Path(__file__).with_name("floor_window.py")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=offscreen_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed


def main() -> int:
    args = arguments(__doc__.splitlines()[0], runs=10).parse_args()
    school = dataset()
    with tempfile.TemporaryDirectory(prefix="ownwork-startup-") as empty:
        commands = {
            "floor": [sys.executable, str(FLOOR)],
            "school": [*ownwork_command(), "--data-dir", str(school), "--smoke"],
            "empty": [*ownwork_command(), "--data-dir", empty, "--smoke"],
            "storage": [sys.executable, "-c", "from app.storage import preload"],
            "python": [sys.executable, "-c", "pass"],
        }
        for command in commands.values():  # warm the file cache; creates the empty store
            timed(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command))
    floor, school_s, empty_s, storage, python = (
        median(times[name]) * 1000 for name in ("floor", "school", "empty", "storage", "python")
    )
    floor_text = f"{floor:.0f} ms (bare window)"
    results = [
        Result(
            benchmark=f"Start-up `ownwork --smoke`, {CONVERSATIONS:,} conversations",
            measured=f"{school_s:.0f} ms",
            floor=floor_text,
            ratio=school_s / floor,
            budget=f"≤ {BUDGET_RATIO}×",
            ok=school_s / floor <= BUDGET_RATIO,
            note=f"median of {args.runs} launches each, interleaved",
        ),
        Result(
            benchmark="Start-up `ownwork --smoke`, empty data folder",
            measured=f"{empty_s:.0f} ms",
            floor=floor_text,
            ratio=empty_s / floor,
            note="for comparison: start-up does not grow with the records held",
        ),
        Result(
            benchmark="Importing the storage layer alone (SQLAlchemy + models, no Qt)",
            measured=f"{storage - python:.0f} ms",
            floor=floor_text,
            ratio=(storage - python) / floor,
            note=f"a Python process importing app.storage.preload ({storage:.0f} ms) less an "
            f"empty one ({python:.0f} ms): paid by every start-up before the window can list "
            "records",
        ),
    ]
    return report(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
