#!/usr/bin/env python3
"""Time `tthc due` as a whole process, with a cold and a warm plan cache.

For each workload it runs, as a separate process::

    tthc due --unit TTPVHCC --today 2026-06-01 --plans DIR

and measures the wall time of the whole process (``time.perf_counter`` around
``subprocess.run``, stdout to /dev/null), in two cases:

* cold: every run gets a fresh, empty cache folder (``TTHC_CACHE_DIR`` set to a
  new ``tempfile.mkdtemp()``), so every plan file is read and parsed;
* warm: all runs share one cache folder, filled by one untimed warm-up run.

Workloads, by default: the bundled plans (the repository's ``plans/`` folder)
and a generated 20,000-task workload (200 files x 100 tasks, written by
``make_workload.py`` into a temporary folder and removed afterwards).  With
``--tasks-dir DIR`` that folder is timed instead of the generated workload.

The command is ``python -m tthc_cli`` with the running interpreter by default,
so it works in any venv where tthc is installed; ``--cmd "tthc"`` (split with
shlex) times another command.  The environment of the runs: TTHC_TODAY and
TTHC_PLANS unset, NO_COLOR=1, COLUMNS=160; runs start in an empty temporary
folder.  Every run's exit code must be 0; otherwise its stderr is shown and
the script exits with status 1.

Prints a table of median, min and max (milliseconds) to stdout, or JSON with
``--json``; progress goes to stderr.  Standard library only (PyYAML, when
installed, is used to count tasks; without it the task column shows "?").

Examples::

    python benchmarks/bench_due.py
    python benchmarks/bench_due.py --runs 11 --json
    python benchmarks/bench_due.py --tasks-dir /tmp/tthc-bench --cmd tthc
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.util import find_spec
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUNDLED = REPO / "plans"
PLAN_SUFFIXES = (".yaml", ".yml")

UNIT = "TTPVHCC"
TODAY = "2026-06-01"


class BenchError(Exception):
    """A run failed; the message says which and shows its stderr."""


def plan_files(folder: Path) -> list[Path]:
    """Plan files under `folder` the way tthc finds them: recursive, hidden parts skipped."""
    return sorted(
        f for f in folder.rglob("*")
        if f.suffix.lower() in PLAN_SUFFIXES and f.is_file()
        and not any(part.startswith(".") for part in f.relative_to(folder).parts)
    )


def count_tasks(folder: Path) -> int | None:
    """Leaf tasks in all plan files under `folder` (None without PyYAML)."""
    try:
        import yaml
    except ImportError:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def leaves(nodes) -> int:
        n = 0
        for node in nodes or []:
            if not isinstance(node, dict):
                continue
            children = node.get("tasks")
            n += leaves(children) if isinstance(children, list) and children else 1
        return n

    total = 0
    for f in plan_files(folder):
        with f.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=loader)
        if isinstance(doc, dict):
            total += leaves(doc.get("tasks"))
    return total


def base_env(cmd_is_default: bool) -> dict[str, str]:
    env = dict(os.environ)
    # PYTHONDONTWRITEBYTECODE would make every run recompile tthc's modules from source (~40 ms);
    # an installed tthc has its bytecode written once, so time it that way.
    for name in ("TTHC_TODAY", "TTHC_PLANS", "TTHC_CACHE_DIR", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "160"
    # `python -m tthc_cli` from a checkout where the package is not installed: use src/.
    if cmd_is_default and find_spec("tthc_cli") is None and (REPO / "src" / "tthc_cli").is_dir():
        src = str(REPO / "src")
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        print(f"note: tthc_cli is not installed; using {src}", file=sys.stderr)
    return env


def run_once(argv: list[str], env: dict[str, str], cwd: str, what: str) -> float:
    """Wall time in ms of one whole process; BenchError if it fails."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    except OSError as exc:
        raise BenchError(f"{what}: cannot run {shlex.join(argv)}: {exc}") from None
    elapsed = (time.perf_counter() - start) * 1000.0
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").rstrip()
        raise BenchError(f"{what}: {shlex.join(argv)} exited with status {proc.returncode}\n{stderr}")
    return elapsed


def summary(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "runs_ms": [round(t, 1) for t in times],
    }


def bench_workload(cmd: list[str], folder: Path, runs: int, env: dict[str, str], cwd: str, name: str) -> dict:
    argv = cmd + ["due", "--unit", UNIT, "--today", TODAY, "--plans", str(folder)]

    cold: list[float] = []
    for i in range(runs):
        cache = tempfile.mkdtemp(prefix="tthc-bench-cache-")
        try:
            cold.append(run_once(argv, {**env, "TTHC_CACHE_DIR": cache}, cwd, f"{name}, cold run {i + 1}"))
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    warm: list[float] = []
    cache = tempfile.mkdtemp(prefix="tthc-bench-cache-")
    try:
        warm_env = {**env, "TTHC_CACHE_DIR": cache}
        run_once(argv, warm_env, cwd, f"{name}, warm-up run")
        for i in range(runs):
            warm.append(run_once(argv, warm_env, cwd, f"{name}, warm run {i + 1}"))
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    return {
        "workload": name,
        "dir": str(folder),
        "files": len(plan_files(folder)),
        "tasks": count_tasks(folder),
        "cold": summary(cold),
        "warm": summary(warm),
    }


def table(results: list[dict]) -> str:
    head = f"{'workload':<20} {'files':>6} {'tasks':>7} {'cold median':>12} {'warm median':>12}   (min–max cold; warm)"
    lines = [head]
    for r in results:
        c, w = r["cold"], r["warm"]
        tasks = "?" if r["tasks"] is None else str(r["tasks"])
        lines.append(
            f"{r['workload']:<20} {r['files']:>6} {tasks:>7} {c['median_ms']:>9.0f} ms {w['median_ms']:>9.0f} ms"
            f"   ({c['min_ms']:.0f}–{c['max_ms']:.0f}; {w['min_ms']:.0f}–{w['max_ms']:.0f})"
        )
    return "\n".join(lines)


# --- --compare: sizes, the four cases, Taskwarrior side by side, peak memory ------------------------------------

GNU_TIME = "/usr/bin/time"


def run_measured(argv: list[str], env: dict[str, str], cwd: str, what: str) -> tuple[float, int]:
    """Wall time in ms and peak resident memory in KiB of one whole process; BenchError if it fails.

    Linux keeps a process's peak RSS across exec, so a child forked from this script (which holds a generated
    workload) would report this script's size: the peak is read through GNU time, a small process, when it is
    installed (its own few MiB are what the figure may be high by), else from wait4."""
    start = time.perf_counter()
    peak_file = None
    if os.access(GNU_TIME, os.X_OK):
        fd, peak_file = tempfile.mkstemp(prefix="tthc-bench-peak-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", peak_file, *argv]
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    except OSError as exc:
        raise BenchError(f"{what}: cannot run {shlex.join(argv)}: {exc}") from None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000.0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    peak = usage.ru_maxrss
    if peak_file is not None:
        try:
            with open(peak_file, encoding="ascii") as fh:
                peak = int(fh.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        finally:
            os.unlink(peak_file)
    if code not in (0, 3):
        raise BenchError(f"{what}: {shlex.join(argv)} exited with status {code}\n{stderr.decode('utf-8', 'replace')}")
    return elapsed, peak


def taskwarrior_setup(folder: Path, tthc: list[str], env: dict[str, str], cwd: str, home: Path) -> dict | None:
    """A Taskwarrior database holding the workload's tasks (one per tthc task with a due date: its first due date,
    its lead unit as the project), or None when `task` is not installed."""
    task = shutil.which("task")
    if task is None:
        return None
    rows = json.loads(subprocess.run(tthc + ["list", "--all", "--format", "json", "--today", TODAY, "--plans",
                                             str(folder), "--no-cache"], capture_output=True, env=env, cwd=cwd,
                                            check=True).stdout)
    first: dict[str, dict] = {}
    for r in rows:
        if r["due"] and r["ref"] not in first:
            first[r["ref"]] = r
    items = [{"description": (r["title"] or "")[:200] or r["ref"], "status": "pending",
              "project": next((c for c in r["lead_codes"] if c), "NONE"), "entry": "20260101T000000Z",
              "due": r["due"].replace("-", "") + "T000000Z"} for r in first.values()]
    home.mkdir(parents=True, exist_ok=True)
    rc = home / "taskrc"
    rc.write_text(f"data.location={home / 'data'}\nconfirmation=off\nverbose=nothing\nrecurrence=off\n"
                  "hooks=off\ngc=off\n", encoding="utf-8")
    tw_env = {**env, "TASKRC": str(rc), "TASKDATA": str(home / "data")}
    (home / "data").mkdir(exist_ok=True)
    src = home / "import.json"
    src.write_text(json.dumps(items), encoding="utf-8")
    subprocess.run([task, "import", str(src)], capture_output=True, env=tw_env, check=True)
    return {"argv": [task, f"project:{UNIT}", "due.before:2026-06-16", "list"], "env": tw_env, "tasks": len(items)}


def compare(cmd: list[str], sizes: list[int], runs: int, env: dict[str, str], scratch: Path) -> list[dict]:
    sys.path.insert(0, str(HERE))
    from make_workload import make_workload

    cwd = str(scratch)
    out = []
    for size in sizes:
        files = 200 if size >= 10_000 else max(1, size // 100)
        info = make_workload(scratch / f"w{size}", files, size // files, 1)
        folder = Path(info["dir"])
        argv = cmd + ["due", "--unit", UNIT, "--today", TODAY, "--plans", str(folder)]
        print(f"{size:,} tasks: {info['files']} files; setting up Taskwarrior", file=sys.stderr)
        tw = taskwarrior_setup(folder, cmd, env, cwd, scratch / f"tw{size}")
        cases: dict[str, list] = {"warm": [], "cold": [], "touched": [], "edited": [], "no-cache": [],
                                  "taskwarrior": []}
        warm_env = {**env, "TTHC_CACHE_DIR": str(scratch / f"cache{size}")}
        run_measured(argv, warm_env, cwd, "warm-up")
        touched = plan_files(folder)[len(plan_files(folder)) // 2]
        original = touched.read_bytes()
        for i in range(runs):  # interleaved, so a busy moment of the machine hits every case alike
            cases["warm"].append(run_measured(argv, warm_env, cwd, "warm"))
            if tw is not None:
                cases["taskwarrior"].append(run_measured(tw["argv"], tw["env"], cwd, "taskwarrior"))
            os.utime(touched)  # its mtime, not its bytes (a file saved unchanged, a sync tool)
            cases["touched"].append(run_measured(argv, warm_env, cwd, "one file touched"))
            run_measured(argv, warm_env, cwd, "warm again")
            touched.write_bytes(original + f"# sửa lần {i + 1}\n".encode())  # its bytes: the file is read again
            cases["edited"].append(run_measured(argv, warm_env, cwd, "one file edited"))
            run_measured(argv, warm_env, cwd, "warm again")
            cold = tempfile.mkdtemp(prefix="tthc-bench-cache-")
            try:
                cases["cold"].append(run_measured(argv, {**env, "TTHC_CACHE_DIR": cold}, cwd, "cold"))
            finally:
                shutil.rmtree(cold, ignore_errors=True)
            cases["no-cache"].append(run_measured(argv + ["--no-cache"], env, cwd, "no cache"))
        touched.write_bytes(original)
        row = {"tasks": size, "files": info["files"], "taskwarrior_tasks": tw["tasks"] if tw else None}
        for name, got in cases.items():
            if got:
                row[name] = {**summary([t for t, _ in got]), "peak_mib": round(max(m for _, m in got) / 1024, 1)}
        out.append(row)
        print(compare_table([row]).splitlines()[-1], file=sys.stderr)
    return out


def bundled_vs_bare(cmd: list[str], runs: int, env: dict[str, str], scratch: Path) -> dict:
    """Warm `due` on the bundled plans beside a bare start of the interpreter tthc runs on (`python -c pass`:
    the script's `#!` interpreter for a console script, else the command's own), 3 runs each per timed run,
    interleaved."""
    python = cmd[0]
    try:
        with open(cmd[0], "rb") as fh:
            first = fh.readline()
        if first.startswith(b"#!"):
            python = first[2:].decode().strip().split()[0]
    except OSError:
        pass
    warm_env = {**env, "TTHC_CACHE_DIR": str(scratch / "cache-bundled")}
    argv = cmd + ["due", "--unit", UNIT, "--today", TODAY, "--plans", str(BUNDLED)]
    cwd = str(scratch)
    run_measured(argv, warm_env, cwd, "bundled warm-up")
    tthc, bare = [], []
    for _ in range(runs * 3):
        tthc.append(run_measured(argv, warm_env, cwd, "bundled warm")[0])
        bare.append(run_measured([python, "-c", "pass"], env, cwd, "bare interpreter")[0])
    return {"bundled_warm": summary(tthc), "bare_python": summary(bare), "python": python}


def compare_table(rows: list[dict]) -> str:
    head = (f"{'tasks':>7}  {'Taskwarrior':>11}  {'warm':>14}  {'one touched':>14}  {'one edited':>14}  {'cold':>14}"
            f"  {'--no-cache':>10}  {'MiB warm':>8}  {'MiB peak':>8}")
    lines = [head]
    for r in rows:
        tw = r.get("taskwarrior", {}).get("median_ms")

        def cell(name):
            m = r[name]["median_ms"]
            return f"{m:>6.0f} ms" + (f" {m / tw:>4.2f}×" if tw else "      ")

        peak = max(r[k]["peak_mib"] for k in ("warm", "touched", "edited", "cold", "no-cache"))  # of every case
        lines.append(f"{r['tasks']:>7,}  {(f'{tw:.0f} ms' if tw else '—'):>11}  {cell('warm'):>14}  "
                     f"{cell('touched'):>14}  {cell('edited'):>14}  {cell('cold'):>14}  "
                     f"{r['no-cache']['median_ms']:>7.0f} ms  "
                     f"{r['warm']['peak_mib']:>8.1f}  {peak:>8.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=f"Time `tthc due --unit {UNIT} --today {TODAY} --plans DIR` as a whole process, "
                    "with a cold (fresh) and a warm (shared) TTHC_CACHE_DIR.")
    parser.add_argument("--tasks-dir", metavar="DIR", type=Path,
                        help="plan folder to time instead of a generated 20,000-task workload")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--cmd", metavar="CMD",
                        help='the tthc command, split with shlex, e.g. "tthc" '
                             '(default: this Python with -m tthc_cli)')
    parser.add_argument("--no-bundled", action="store_true", help="skip the bundled plans/ folder")
    parser.add_argument("--files", type=int, default=200, help="files in the generated workload (default 200)")
    parser.add_argument("--tasks-per-file", type=int, default=100,
                        help="tasks per file in the generated workload (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated workload (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    parser.add_argument("--compare", metavar="SIZES", help="e.g. 1000,10000,20000,50000: generated workloads of "
                        "these many tasks; warm, one file touched (its mtime), one file edited (its bytes), cold and "
                        "--no-cache runs interleaved with Taskwarrior's `task project:X due.before:D list` on the "
                        "same tasks (when installed), with the ratio and peak memory; then warm on the bundled "
                        "plans beside a bare `python -c pass` (unless --no-bundled)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.tasks_dir is not None and not args.tasks_dir.is_dir():
        parser.error(f"--tasks-dir {args.tasks_dir}: not a folder")

    cmd = shlex.split(args.cmd) if args.cmd else [sys.executable, "-m", "tthc_cli"]
    if not cmd:
        parser.error("--cmd is empty")
    env = base_env(cmd_is_default=not args.cmd)

    if args.compare:
        scratch = Path(tempfile.mkdtemp(prefix="tthc-bench-"))
        try:
            rows = compare(cmd, [int(x) for x in args.compare.split(",")], args.runs, env, scratch)
            bundled = None if args.no_bundled else bundled_vs_bare(cmd, args.runs, env, scratch)
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if args.json:
            print(json.dumps({"sizes": rows, "bundled": bundled}, indent=2))
        else:
            print(compare_table(rows))
            if bundled is not None:
                b, p = bundled["bundled_warm"]["median_ms"], bundled["bare_python"]["median_ms"]
                print(f"bundled plans, warm: {b:.1f} ms; bare `python -c pass`: {p:.1f} ms ({b / p:.2f}×), "
                      f"median of {args.runs * 3} interleaved")
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="tthc-bench-"))
    try:
        cwd = scratch / "cwd"
        cwd.mkdir()
        workloads: list[tuple[str, Path]] = []
        if not args.no_bundled:
            workloads.append(("bundled plans/", BUNDLED))
        if args.tasks_dir is not None:
            workloads.append((args.tasks_dir.name or str(args.tasks_dir), args.tasks_dir.resolve()))
        else:
            sys.path.insert(0, str(HERE))
            from make_workload import make_workload

            info = make_workload(scratch / "workload", args.files, args.tasks_per_file, args.seed)
            print(f"generated {info['files']} files, {info['tasks']} tasks, {info['bytes']} bytes "
                  f"in {info['dir']}", file=sys.stderr)
            workloads.append((f"{info['tasks']:,} tasks", Path(info["dir"])))

        results = []
        for name, folder in workloads:
            print(f"timing {name} ({folder}): {args.runs} cold + 1 warm-up + {args.runs} warm runs",
                  file=sys.stderr)
            results.append(bench_workload(cmd, folder, args.runs, env, str(cwd), name))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    if args.json:
        print(json.dumps({
            "command": shlex.join(cmd) + f" due --unit {UNIT} --today {TODAY} --plans DIR",
            "runs": args.runs,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "results": results,
        }, ensure_ascii=False, indent=2))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
