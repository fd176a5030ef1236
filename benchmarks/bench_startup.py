"""Benchmark: start-up, ``ownwork --smoke`` against a bare PySide6 window (budget: at most 1.3×).

``--smoke`` runs the quick store checks (standard library only), builds the main window and
exits after its first paint; the store itself is opened behind the painted window.  The floor,
``floor_window.py``, shows an empty QMainWindow of the same size and exits after its first paint.
Runs alternate so that a busy machine slows all alike; each process is timed from launch to
exit; medians are compared.

For context, in the same rounds:

- ``--smoke=listed`` on the same data: until the store is open and the first rows are listed,
  which is when the teacher can pick a record;
- the floor touching ``Qt``'s namespace once (``floor_window.py --qt-namespace``): PySide6
  builds all of the namespace's enums on first use, a cost any window with a table, a splitter
  or a sort order pays before it can paint;
- Python importing the storage layer alone (SQLAlchemy, the ORM models and the repositories,
  no Qt), less Python doing nothing.

    .venv/bin/python benchmarks/bench_startup.py [--runs N] [--json PATH]
"""

from __future__ import annotations

import subprocess
import sys
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
    commands = {
        "floor": [sys.executable, str(FLOOR)],
        "floor_qt": [sys.executable, str(FLOOR), "--qt-namespace"],
        "painted": [*ownwork_command(), "--data-dir", str(school), "--smoke"],
        "listed": [*ownwork_command(), "--data-dir", str(school), "--smoke=listed"],
        "storage": [sys.executable, "-c", "from app.storage import preload"],
        "python": [sys.executable, "-c", "pass"],
    }
    for command in commands.values():  # warm the file cache
        timed(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command))
    ms = {name: median(values) * 1000 for name, values in times.items()}
    floor = ms["floor"]
    floor_text = f"{floor:.0f} ms (bare window)"
    runs = f"median of {args.runs} launches each, interleaved"
    results = [
        Result(
            benchmark=f"Start-up `ownwork --smoke` (window painted), {CONVERSATIONS:,} "
            "conversations",
            measured=f"{ms['painted']:.0f} ms",
            floor=floor_text,
            ratio=ms["painted"] / floor,
            budget=f"≤ {BUDGET_RATIO}×",
            ok=ms["painted"] / floor <= BUDGET_RATIO,
            note=runs,
        ),
        Result(
            benchmark=f"Start-up `ownwork --smoke=listed` (records listed), {CONVERSATIONS:,} "
            "conversations",
            measured=f"{ms['listed']:.0f} ms",
            floor=floor_text,
            ratio=ms["listed"] / floor,
            note="the store opened in a worker thread after the first paint, then the first "
            "rows of the list on screen read",
        ),
        Result(
            benchmark="Bare window that also touches `Qt`'s namespace",
            measured=f"{ms['floor_qt']:.0f} ms",
            floor=floor_text,
            ratio=ms["floor_qt"] / floor,
            note="PySide6 builds every enum of the Qt namespace on first use: part of any "
            "real window's start-up that the floor leaves out",
        ),
        Result(
            benchmark="Importing the storage layer alone (SQLAlchemy + models, no Qt)",
            measured=f"{ms['storage'] - ms['python']:.0f} ms",
            floor=floor_text,
            ratio=(ms["storage"] - ms["python"]) / floor,
            note=f"a Python process importing app.storage.preload ({ms['storage']:.0f} ms) "
            f"less an empty one ({ms['python']:.0f} ms): paid behind the painted window",
        ),
    ]
    return report(results, args.json)


if __name__ == "__main__":
    sys.exit(main())
