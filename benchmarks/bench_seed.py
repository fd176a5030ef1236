"""Benchmark: ``ownwork seed-demo`` making the whole-school data set (budget: well under a minute).

Seeds 5,000 students and 100,000 conversations (with their answers, excerpts and signs of
concern) into a fresh folder, as a teacher would run it.  The floor is SQLite itself writing the
same rows into the same empty schema (tables, indexes, triggers, WAL, synchronous=NORMAL) with
``INSERT … SELECT`` from the seeded file: what storing them costs with no Python at all.  The
fresh set then becomes the cached data set that the other benchmarks read.

    .venv/bin/python benchmarks/bench_seed.py [--runs N] [--json PATH]
"""

from __future__ import annotations

import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from harness import (
    CONVERSATIONS,
    STUDENTS,
    Result,
    arguments,
    dataset_dir,
    median,
    offscreen_env,
    report,
    seed_command,
)

# "Well under a minute"; the ratio to SQLite alone shows how much is Python making the rows up.
BUDGET_S = 60.0


def seed(folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``ownwork seed-demo`` run into ``folder``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(seed_command(folder), check=True, env=offscreen_env(), stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def sqlite_floor(seeded: Path, scratch: Path) -> float:
    """Seconds for SQLite to write the seeded rows into an empty copy of the schema."""
    target = scratch / "floor.sqlite3"
    with closing(sqlite3.connect(seeded)) as source:
        schema = source.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    tables = [name for kind, name, _ in schema if kind == "table"]
    with closing(sqlite3.connect(target, isolation_level=None)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        for kind in ("table", "index", "trigger"):
            for this_kind, _, sql in schema:
                if this_kind == kind:
                    db.execute(sql)
        db.execute("ATTACH DATABASE ? AS seeded", (str(seeded),))
        start = time.perf_counter()
        db.execute("BEGIN")
        # Parents before children, as the seed writes them (the foreign keys are checked).
        for table in _parents_first(db, tables):
            db.execute(f'INSERT INTO main."{table}" SELECT * FROM seeded."{table}"')
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return time.perf_counter() - start


def _parents_first(db: sqlite3.Connection, tables: list[str]) -> list[str]:
    parents = {
        table: {row[2] for row in db.execute(f'PRAGMA foreign_key_list("{table}")')} - {table}
        for table in tables
    }
    ordered: list[str] = []
    while len(ordered) < len(tables):
        for table in tables:
            if table not in ordered and parents[table] <= set(ordered):
                ordered.append(table)
    return ordered


def main() -> int:
    parser = arguments(__doc__.splitlines()[0], runs=1)
    args = parser.parse_args()
    walls: list[float] = []
    cpus: list[float] = []
    floors: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ownwork-seed-") as temp:
        fresh = Path(temp) / "seeded"
        for run in range(args.runs):
            shutil.rmtree(fresh, ignore_errors=True)
            wall, cpu = seed(fresh)
            walls.append(wall)
            cpus.append(cpu)
            scratch = Path(temp) / f"floor-{run}"
            scratch.mkdir()
            floors.append(sqlite_floor(fresh / "ownwork.sqlite3", scratch))
            shutil.rmtree(scratch)
        cached = dataset_dir()
        shutil.rmtree(cached, ignore_errors=True)
        shutil.move(str(fresh), cached)
    wall, cpu, floor = median(walls), median(cpus), median(floors)
    result = Result(
        benchmark=f"`seed-demo`: {STUDENTS:,} students, {CONVERSATIONS:,} conversations",
        measured=f"{wall:.1f} s (CPU {cpu:.1f} s)",
        floor=f"{floor:.1f} s (SQLite alone)",
        ratio=wall / floor,
        budget=f"< {BUDGET_S:g} s",
        ok=wall < BUDGET_S,
        note=f"median of {args.runs}; the floor copies the seeded rows with INSERT … SELECT",
    )
    return report([result], args.json)


if __name__ == "__main__":
    sys.exit(main())
