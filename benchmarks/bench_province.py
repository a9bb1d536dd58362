#!/usr/bin/env python3
"""Time the province views as whole processes: a district or the Sở Nội vụ reading every commune's plans.

Generates the workload (default 200 files of 100 communes, 100 tasks each: 20,000 tasks; see
make_workload.py), warms the query index once, then times each command RUNS times (median, min, max),
interleaved so a slow moment of the machine hits every command alike:

- `due --unit TTPVHCC --commune "Thử Nghiệm 17"`: one commune's one-stop centre (the index reads only that
  commune's plans)
- `due --unit TTPVHCC`: every commune's TTPVHCC, a table per commune
- `check`: a block of unit lines per commune
- `report --period "Quý II/2026" --by commune`: a row per commune, ranked
- `report --period "Quý II/2026" --by commune,unit --format csv`

Usage::

    python benchmarks/bench_province.py [--runs 5] [--files 200] [--communes 100] [--json]
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_due import BenchError, base_env, summary  # noqa: E402
from make_workload import make_workload  # noqa: E402

TODAY = "2026-06-01"


def commands(folder: Path, commune: str) -> list[tuple[str, list[str]]]:
    plans = ["--today", TODAY, "--plans", str(folder)]
    q2 = ["report", "--period", "Quý II/2026", *plans]
    return [
        (f'due --unit TTPVHCC --commune "{commune}"', ["due", "--unit", "TTPVHCC", "--commune", commune, *plans]),
        ("due --unit TTPVHCC (every commune)", ["due", "--unit", "TTPVHCC", *plans]),
        ("check (every commune)", ["check", *plans]),
        ("report --by commune", [*q2, "--by", "commune"]),
        ("report --by commune,unit -f csv", [*q2, "--by", "commune,unit", "--format", "csv"]),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--tasks-per-file", type=int, default=100)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--cmd", metavar="CMD", help='the tthc command (default: this Python with -m tthc_cli)')
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    cmd = shlex.split(args.cmd) if args.cmd else [sys.executable, "-m", "tthc_cli"]
    env = base_env(cmd_is_default=not args.cmd)
    scratch = Path(tempfile.mkdtemp(prefix="tthc-province-"))
    try:
        info = make_workload(scratch / "plans", args.files, args.tasks_per_file, 1, args.communes)
        env["TTHC_CACHE_DIR"] = str(scratch / "cache")
        cwd = str(scratch)
        cases = commands(Path(info["dir"]), f"Thử Nghiệm {min(17, args.communes)}")
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        for name, extra in cases:  # the first run of each writes the index (all share it): not timed
            _run(cmd + extra, env, cwd, f"{name}, warm-up")
        for i in range(args.runs):
            for name, extra in cases:
                times[name].append(_run(cmd + extra, env, cwd, f"{name}, run {i + 1}"))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = [{"command": name, **summary(t)} for name, t in times.items()]
    if args.json:
        print(json.dumps({"files": info["files"], "communes": info["communes"], "tasks": info["tasks"],
                          "runs": args.runs, "results": rows}, ensure_ascii=False, indent=2))
        return 0
    print(f"{info['tasks']:,} tasks in {info['files']} files of {info['communes']} communes; warm index; "
          f"median of {args.runs} runs (min–max), whole process")
    width = max(len(r["command"]) for r in rows)
    for r in rows:
        print(f"  {r['command']:<{width}}  {r['median_ms']:>7.0f} ms  ({r['min_ms']:.0f}–{r['max_ms']:.0f})")
    return 0


def _run(argv, env, cwd, what) -> float:
    """Wall time in ms of one whole process, as bench_due.run_once; exit status 3 (`check`: something is
    overdue) is an answer, not a failure."""
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    elapsed = (time.perf_counter() - start) * 1000.0
    if proc.returncode not in (0, 3):
        raise BenchError(f"{what}: {shlex.join(argv)} exited with status {proc.returncode}\n"
                         f"{proc.stderr.decode('utf-8', 'replace').rstrip()}")
    return elapsed


if __name__ == "__main__":
    sys.exit(main())
