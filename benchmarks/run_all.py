"""Run every benchmark and print one Markdown table; write it into docs/performance.md.

Each benchmark runs in its own process (start-up is timed per process, memory per process).
``bench_seed.py`` goes first: it times ``ownwork seed-demo`` and leaves the whole-school data
set in the cache for the others.  The PDF and import benchmarks print Markdown tables of their
own, which are read by their column headings.

The table replaces the "## Summary table" section of docs/performance.md (created at the top
if missing), with the machine, its load and the date; every other section is left as it is.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/run_all.py [--skip-seed] [--no-write]
        [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from harness import HEADER, ROOT, Result, dataset_dir, machine, offscreen_env

HERE = Path(__file__).resolve().parent
DOC = ROOT / "docs" / "performance.md"
SECTION = "## Summary table"

# Ours write --json; the other two print Markdown tables read by ``_from_markdown``.
OWN = (
    "bench_seed.py",
    "bench_startup.py",
    "bench_filter.py",
    "bench_autosave.py",
    "bench_gui_thread.py",
)
# On a local PostgreSQL server each starts itself; ``--quick`` gives them a smoke run (10 s of
# concurrent staff instead of 60, one pass of the keystrokes).
SERVER = ("bench_server_concurrency.py", "bench_server_filter.py")
PDF, IMPORT = "bench_referral_pdf.py", "bench_import.py"


def _run(script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    print(f"running {script} …", file=sys.stderr, flush=True)
    return subprocess.run(
        [sys.executable, str(HERE / script), *extra],
        env=offscreen_env(),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def _failed(script: str, done: subprocess.CompletedProcess[str]) -> Result:
    last = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return Result(benchmark=f"`{script}`", measured=f"did not finish: {last[:120]}", ok=False)


def own(script: str, *extra: str) -> list[Result]:
    with tempfile.TemporaryDirectory() as temp:
        rows = Path(temp) / "rows.json"
        done = _run(script, "--json", str(rows), *extra)
        if not rows.exists():
            return [_failed(script, done)]
        return [Result(**row) for row in json.loads(rows.read_text(encoding="utf-8"))]


def _tables(text: str) -> list[list[dict[str, str]]]:
    """Markdown tables in ``text``, as rows keyed by lower-cased heading."""
    tables: list[list[dict[str, str]]] = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines[:-1]):
        if line.startswith("|") and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[number + 1]):
            heads = [cell.strip().lower() for cell in line.strip("|").split("|")]
            rows = []
            for row in lines[number + 2 :]:
                if not row.startswith("|"):
                    break
                cells = [cell.strip() for cell in row.strip("|").split("|")]
                rows.append(dict(zip(heads, cells, strict=False)))
            tables.append(rows)
    return tables


def _cell(row: dict[str, str], *words: str) -> str:
    """The cell whose heading contains the first of ``words`` found in any heading."""
    for word in words:
        for head, value in row.items():
            if word in head:
                return value
    return ""


def _from_markdown(script: str, build: Callable[[dict[str, str]], Result]) -> list[Result]:
    done = _run(script)
    tables = _tables(done.stdout)
    if not tables or not tables[-1]:
        return [_failed(script, done)]
    try:
        return [build(row) for row in tables[-1]]
    except (KeyError, ValueError) as error:
        return [Result(benchmark=f"`{script}`", measured=f"unreadable output ({error})", ok=False)]


def _pdf_row(row: dict[str, str]) -> Result:
    ratio = float(re.findall(r"[\d.]+", _cell(row, "ratio"))[0])
    ours = _cell(row, "ownwork")
    bare = _cell(row, "bare")
    return Result(
        benchmark=f"Referral PDF: {_cell(row, 'document')} ({_cell(row, 'pages')} pages)",
        measured=f"{ours} ms" + (" (wall / CPU)" if "/" in ours else ""),
        floor=f"{bare} ms (bare reportlab)",
        ratio=ratio,
        budget="≤ 1.5×, ≤ 150 ms",
        ok=_cell(row, "budget").lower().startswith("yes"),
    )


def _import_row(row: dict[str, str]) -> Result:
    cpu = _cell(row, "cpu")
    rss = _cell(row, "rss").strip("— ")
    return Result(
        benchmark=f"MIS import: {_cell(row, 'case')}",
        measured=_cell(row, "median")
        + (f" (CPU {cpu})" if cpu else "")
        + (f", peak RSS {rss}" if rss else ""),
        floor=_cell(row, "floor") or "—",
        budget=_cell(row, "budget"),
        ok=_cell(row, "result").lower() == "pass",
    )


def write_section(table: str, when: dt.datetime, notes: str) -> None:
    """Replace the summary section of docs/performance.md, keeping everything else."""
    info = machine()
    body = (
        f"{SECTION}\n\n"
        "Written by `make bench` (`benchmarks/run_all.py`); rerunning replaces this section only.\n"
        f"Measured {when:%Y-%m-%d %H:%M} UTC on {info['cores']} cores ({info['cpu']}), "
        f"{info['ram']} RAM, {info['os']}, Python {info['python']}; load average at the end "
        f"{info['load']}.\n\n{table}\n" + (f"Notes on the rows:\n\n{notes}" if notes else "")
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: body + "\n", text, count=1)
    else:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{body}\n{rest.lstrip(chr(10))}"
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-seed",
        action="store_true",
        help="reuse the cached data set instead of timing seed-demo (if the cache exists)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave the docs")
    parser.add_argument(
        "--quick", action="store_true", help="smoke runs of the server benchmarks (see SERVER)"
    )
    args = parser.parse_args()
    results: list[Result] = []
    for script in OWN:
        if script == "bench_seed.py" and args.skip_seed and dataset_dir().exists():
            continue
        results += own(script)
    for script in SERVER:
        results += own(script, *(["--quick"] if args.quick else []))
    results += _from_markdown(PDF, _pdf_row)
    results += _from_markdown(IMPORT, _import_row)
    table = "\n".join([HEADER, *(result.markdown() for result in results)])
    notes = "".join(f"- {r.benchmark}: {r.note}\n" for r in results if r.note)
    print(table)
    if notes:
        print("\n" + notes, end="")
    if not args.no_write:
        write_section(table + "\n", dt.datetime.now(dt.UTC), notes)
        print(f"\n(written to {DOC.relative_to(ROOT)})", file=sys.stderr)
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
