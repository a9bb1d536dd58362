#!/usr/bin/env python3
"""Boundary mutation testing of the pure core (``src/tthc_cli/core``), issue 10.

Each mutant below changes one boundary of the core: ``<=`` against ``<`` on a
due date, the horizon, the warning window, a trigger day, the ends of a
report period, the 1990–2100 years, the 10-year cap, an off-by-one in a count
of days.  For each mutant the script

1. copies the project once per worker into a temporary folder (``src/``,
   ``tests/``, ``plans/``, ``pyproject.toml``; no ``__pycache__``);
2. applies the mutation to the copy (the original snippet must occur exactly
   once in its file, or the script stops before running anything);
3. runs a fast subset of the tests against the copy, as
   ``python -m pytest -x -q -n 0 -p no:cacheprovider -o addopts= TESTS`` with
   ``PYTHONPATH=<copy>/src`` first (the venv's editable install points at the
   working tree; the script checks in a subprocess that ``tthc_cli`` is
   imported from the copy, and runs a sanity mutant that must be killed) and
   ``PYTHONDONTWRITEBYTECODE=1`` (a stale .pyc of a same-size mutant cannot be
   reused);
4. restores the file.

A mutant is killed when the tests fail.  Before any mutant, the unmutated copy
must pass the subset (otherwise every mutant would look killed).

Prints one line per mutant (``killed`` / ``SURVIVED``, file, description),
then the score; exits 1 when a mutant survived, 2 on a setup problem.

Examples::

    .venv/bin/python benchmarks/mutate_core.py
    .venv/bin/python benchmarks/mutate_core.py --jobs 1 --only queries,report
    .venv/bin/python benchmarks/mutate_core.py --tests tests/test_progress.py   # existing tests only
    .venv/bin/python benchmarks/mutate_core.py --list
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = Path("src/tthc_cli/core")

# The new unit tests first: with -x, most mutants die there in a second or two.
DEFAULT_TESTS = [
    "tests/test_core_boundaries.py",
    "tests/test_deadline.py",
    "tests/test_spans.py",
    "tests/test_workdays.py",
    "tests/test_lags.py",
    "tests/test_commands.py",
    "tests/test_validate.py",
    "tests/test_progress.py",
]


@dataclass(frozen=True)
class Mutant:
    file: str  # relative to src/tthc_cli/core
    original: str  # exact snippet, must occur once
    replacement: str
    description: str


M = Mutant
MUTANTS: list[Mutant] = [
    # --- queries.py: statuses, horizon, triggers, completions as of a day
    M("queries.py", "DONE_ON_TIME if done <= due else", "DONE_ON_TIME if done < due else",
      "done on the due day is late (<= -> <)"),
    M("queries.py", "    if due < today:\n        return OVERDUE", "    if due <= today:\n        return OVERDUE",
      "due today is overdue (< -> <=)"),
    M("queries.py", "if (due - today).days <= warn_days:", "if (due - today).days < warn_days:",
      "last day of the warning window not 'soon' (<= -> <)"),
    M("queries.py", "if (due - today).days <= warn_days:", "if (due - today).days <= warn_days + 1:",
      "warning window one day too long (+ 1)"),
    M("queries.py", "trig.day <= today", "trig.day < today",
      "a trigger recorded for today does not count yet (<= -> <)"),
    M("queries.py", "or trig.due < trig.day)", "or trig.due <= trig.day)",
      "a future event whose due is its own day counts at once (< -> <=)"),
    M("queries.py", "event.day > today:", "event.day >= today:",
      "a completion dated today does not count as of today (> -> >=)"),
    M("queries.py", "i.is_open and i.due <= horizon]", "i.is_open and i.due < horizon]",
      "the horizon day is left out of `due` (<= -> <)"),
    M("queries.py", "if days is not None and not o.named_day and days.is_day_off(due):",
      "if days is not None and o.named_day and days.is_day_off(due):",
      "named days rolled forward, period ends not (roll-forward rule inverted)"),
    M("queries.py", "multiple = len(occs) > 1", "multiple = len(occs) >= 1",
      "a single dated occurrence gets an occurrence label (> 1 -> >= 1)"),
    # --- recording.py: what done/trigger may record
    M("recording.py", "if when > today:", "if when >= today:",
      "a done dated today is refused (> -> >=)"),
    M("recording.py", "if deadline < when and not", "if deadline <= when and not",
      "a due date on the event day is refused (< -> <=)"),
    M("recording.py", 'backwards.direction == "before"', 'backwards.direction == "after"',
      "a lag counted back from the event no longer allows a due before it"),
    M("recording.py", "(e.day, e.due) == (when, deadline)", "e.day == when",
      "a trigger with the same day but another due date is refused as repeated"),
    # --- summary.py: `check`
    M("summary.py", 'key=lambda r: (r[1]["overdue"] == 0, r[0])', 'key=lambda r: (r[1]["overdue"] > 1, r[0])',
      "units with exactly one overdue item not sorted first (== 0 -> > 1)"),
    # --- report.py: period ends, which items fall in a period, on time / late / overdue
    M("report.py", "not (start <= it.due <= end)", "not (start < it.due <= end)",
      "report leaves out the period's first day (<= -> <)"),
    M("report.py", "not (start <= it.due <= end)", "not (start <= it.due < end)",
      "report leaves out the period's last day (<= -> <)"),
    M("report.py", "late_by = ((it.done or today) - it.due).days", "late_by = ((it.done or today) - it.due).days + 1",
      "days late off by one (+ 1)"),
    # --- deadline/spans.py: report and plan periods by name (report_period, parse_period)
    M("deadline/spans.py", "if b < a:", "if b <= a:", "a one-day ISO period refused (< -> <=)"),
    M("deadline/spans.py", "if not 1 <= mo <= 12:", "if not 1 <= mo < 12:",
      "'Tháng 12/2026' is refused (<= 12 -> < 12)"),
    M("deadline/spans.py", "if not MIN_SPAN_YEAR <= y <= MAX_SPAN_YEAR:", "if not MIN_SPAN_YEAR < y <= MAX_SPAN_YEAR:",
      "a period in 1900 refused (<= -> <)"),
    M("deadline/spans.py", "if not MIN_SPAN_YEAR <= y <= MAX_SPAN_YEAR:", "if not MIN_SPAN_YEAR <= y < MAX_SPAN_YEAR:",
      "a period in 2200 refused (<= -> <)"),
    M("deadline/spans.py", "date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])",
      "date(y, 3 * q, calendar.monthrange(y, 3 * q)[1] - 1)", "quarter ends a day early (- 1)"),
    M("deadline/spans.py", "date(y, 3 * q - 2, 1)", "date(y, 3 * q - 2, 2)", "quarter starts a day late (+ 1)"),
    M("deadline/spans.py", "date(y, n, calendar.monthrange(y, n)[1])", "date(y, n, calendar.monthrange(y, n)[1] - 1)",
      "'6/9 tháng đầu năm' ends a day early (- 1)"),
    M("deadline/spans.py", "date(y, 7, 1), date(y, 12, 31)", "date(y, 7, 2), date(y, 12, 31)",
      "'6 tháng cuối năm' starts a day late (+ 1)"),
    M("deadline/spans.py", "date(y, mo, calendar.monthrange(y, mo)[1])",
      "date(y, mo, calendar.monthrange(y, mo)[1] - 1)", "a month period ends a day early (- 1)"),
    M("deadline/spans.py", 'f"Năm {y}", date(y, 1, 1), date(y, 12, 31)', 'f"Năm {y}", date(y, 1, 1), date(y, 12, 30)',
      "a year period ends on 30/12 (- 1)"),
    # --- checks.py: validate warnings
    M("checks.py", "o.freq is None and o.due.weekday() >= 5", "o.freq is None and o.due.weekday() > 5",
      "a due date on Saturday is not warned (>= 5 -> > 5)"),
    M("checks.py", "o.freq is None and o.due.weekday() >= 5", "o.due.weekday() >= 5",
      "every weekend occurrence of a series is warned"),
    M("checks.py", 'len(task.lead) > 1:', 'len(task.lead) >= 1:',
      "one lead is warned as 'more than one' (> 1 -> >= 1)"),
    M("checks.py", "            if any(p.id == plan for p in plans):", "            if True:",
      "records of a plan not loaded are reported as orphans"),
    M("checks.py", 'not in keys and e.occurrence == "":', 'not in keys:',
      "a record naming an occurrence the task no longer has is reported as taking no occurrence"),
    # --- graph.py: inheritance and after-cycles
    M("graph.py", "cycle = trail[trail.index(nxt):] + [nxt]", "cycle = trail[trail.index(nxt) + 1:] + [nxt]",
      "cycle message drops its first task (+ 1)"),
    M("graph.py", "if task.deadline is None and not task.due_override and (parent.deadline or parent.due_override):",
      "if task.deadline is None and (parent.deadline or parent.due_override):",
      "a task with its own due: still inherits the parent's deadline"),
    # --- planfile.py: size limits of a plan file
    M("planfile.py", "if len(values) > MAX_DUE_DATES:", "if len(values) >= MAX_DUE_DATES:",
      "a task with exactly 400 due dates refused (> -> >=)"),
    M("planfile.py", "if _count_tasks(tasks) > MAX_TASKS:", "if _count_tasks(tasks) >= MAX_TASKS:",
      "a file with exactly 20,000 tasks refused (> -> >=)"),
    M("planfile.py", "while stack and count <= MAX_TASKS:", "while stack and count < MAX_TASKS:",
      "counting stops at 20,000: a 20,001st task in a sub-list is let through (<= -> <)"),
    # --- dates.py: days and windows typed by the user
    M("dates.py", "if not MIN_YEAR <= day.year <= MAX_YEAR:", "if not MIN_YEAR < day.year <= MAX_YEAR:",
      "year 1990 refused (<= -> <)"),
    M("dates.py", "if not MIN_YEAR <= day.year <= MAX_YEAR:", "if not MIN_YEAR <= day.year < MAX_YEAR:",
      "year 2100 refused (<= -> <)"),
    M("dates.py", "> 3660:", ">= 3660:", "a window of exactly 3660 days refused (> -> >=)"),
    M("dates.py", '(31 if unit in ("m", "tháng")', '(30 if unit in ("m", "tháng")',
      "10-year cap counts a month as 30 days"),
    M("dates.py", 'else 7 if unit in ("w", "tuần") else 1)', 'else 6 if unit in ("w", "tuần") else 1)',
      "10-year cap counts a week as 6 days"),
    M("dates.py", "return today + timedelta(days=self.n)", "return today + timedelta(days=self.n - 1)",
      "calendar-day horizon one day short (- 1)"),
    M("dates.py", ".add_working_days(today, self.n)", ".add_working_days(today, self.n - 1)",
      "working-day horizon one day short (- 1)"),
    M("dates.py", "return Window(((today + relativedelta(months=n)) - today).days, False)",
      "return Window(((today + relativedelta(months=n)) - today).days + 1, False)",
      "month window one day long (+ 1)"),
    M("dates.py", 'return Window(n * 7 if unit in ("w", "tuần") else n, False)',
      'return Window(n * 7 - 1 if unit in ("w", "tuần") else n, False)',
      "week window one day short (- 1)"),
    # --- workdays.py: the working-day calendar
    M("workdays.py", "return d.weekday() >= 5 or d in self.public", "return d.weekday() > 5 or d in self.public",
      "Saturday is a working day (>= 5 -> > 5)"),
    M("workdays.py", "off, weekend = self.is_day_off(d), d.weekday() >= 5",
      "off, weekend = self.is_day_off(d), d.weekday() > 5",
      "a worked Saturday counted twice in working_days_between (>= 5 -> > 5)"),
    M("workdays.py", "(n >= 0; n = 0 gives `d` itself).\"\"\"\n        if n < 0:",
      "(n >= 0; n = 0 gives `d` itself).\"\"\"\n        if n <= 0:",
      "add_working_days(d, 0) refused (< -> <=)"),
    M("workdays.py", "for a span counted back from an event.\"\"\"\n        if n < 0:",
      "for a span counted back from an event.\"\"\"\n        if n <= 0:",
      "back_working_days(d, 0) refused (< -> <=)"),
    M("workdays.py", "weekdays = n // 7 * 5 + min(n % 7, 5)", "weekdays = n // 7 * 5 + min(n % 7, 6)",
      "_rank counts Saturday as a weekday (5 -> 6)"),
    M("workdays.py", "self._ex_prefix[bisect_right(self._ex_ords, n)]",
      "self._ex_prefix[bisect_left(self._ex_ords, n)]",
      "working_days_between ignores a holiday on its last day ((a, b] -> (a, b))"),
    M("workdays.py", "while self.is_day_off(d):\n            d += timedelta(days=1)",
      "if self.is_day_off(d):\n            d += timedelta(days=1)",
      "roll_forward moves one day only (Saturday -> Sunday)"),
    # --- deadline grammar: period ends and "trước"
    M("deadline/phrase.py", "day = a.a - (1 if before else 0)", "day = a.a - (0 if before else 0)",
      "'trước ngày N hằng tháng' gives N, not N-1"),
    M("deadline/phrase.py", "if not 1 <= day <= 31:", "if not 0 <= day <= 31:",
      "'trước ngày 01 hằng tháng' not refused with its reason (1 -> 0)"),
    M("deadline/phrase.py", "weekdays = [(wd - 1) % 7 for wd in weekdays]", "weekdays = [wd % 7 for wd in weekdays]",
      "'trước thứ Sáu hằng tuần' gives Friday, not Thursday"),
    M("deadline/atoms.py", "day = start - timedelta(days=1)", "day = start - timedelta(days=0)",
      "'trước <span>' gives the span's first day, not the day before"),
    M("deadline/series.py", "while d <= period.end:", "while d < period.end:",
      "a weekly occurrence on the period's last day left out (<= -> <)"),
    M("deadline/series.py", "for last in range(step, 13, step):", "for last in range(step, 12, step):",
      "the December period of a series left out (13 -> 12)"),
    M("deadline/model.py", "return self.start <= day <= self.end", "return self.start < day <= self.end",
      "the plan period's first day is outside it (<= -> <)"),
    M("deadline/model.py", "return self.start <= day <= self.end", "return self.start <= day < self.end",
      "the plan period's last day is outside it (<= -> <)"),
    M("deadline/model.py", "return day + timedelta(days=days if after else -days)",
      "return day + timedelta(days=days - 1 if after else -days)",
      "a lag in days counts the event day as day one (- 1)"),
    M("deadline/__init__.py", "if end < start:", "if end <= start:",
      "a one-day plan period {start, end} refused (< -> <=)"),
]

SANITY = M("queries.py", 'OVERDUE = "Quá hạn"', 'OVERDUE = "mutate_core sanity"',
           "sanity: the copy is what the tests import")


def copy_project(dest: Path) -> Path:
    """src/, tests/, plans/ and pyproject.toml into dest/main, without bytecode."""
    main = dest / "main"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")
    for name in ("src", "tests", "plans"):
        shutil.copytree(ROOT / name, main / name, ignore=skip)
    shutil.copy2(ROOT / "pyproject.toml", main / "pyproject.toml")
    return main


def environment(copy: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_tests(copy: Path, tests: list[str], timeout: int) -> tuple[bool, str]:
    """(passed, tail of the output)."""
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", "-o", "addopts=",
           *tests]
    try:
        p = subprocess.run(cmd, cwd=copy, env=environment(copy), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    return p.returncode == 0, (p.stdout + p.stderr)[-2000:]


class Applied:
    """A mutation applied to the copy while inside the `with`; the file is put back after it."""

    def __init__(self, copy: Path, mutant: Mutant):
        self.path = copy / CORE / mutant.file
        self.mutant = mutant

    def __enter__(self):
        self.text = self.path.read_text(encoding="utf-8")
        self.path.write_text(self.text.replace(self.mutant.original, self.mutant.replacement, 1), encoding="utf-8")
        return self

    def __exit__(self, *exc):
        self.path.write_text(self.text, encoding="utf-8")


def check_snippets(mutants: list[Mutant]) -> list[str]:
    problems = []
    for m in mutants:
        path = ROOT / CORE / m.file
        if not path.is_file():
            problems.append(f"{m.file}: no such file")
            continue
        n = path.read_text(encoding="utf-8").count(m.original)
        if n != 1:
            problems.append(f"{m.file}: snippet occurs {n} times (must be once): {m.original!r}")
        if m.original == m.replacement:
            problems.append(f"{m.file}: replacement equals original: {m.original!r}")
    return problems


def imported_from(copy: Path) -> str:
    p = subprocess.run([sys.executable, "-c", "import tthc_cli.core.queries as q; print(q.__file__)"],
                       cwd=copy, env=environment(copy), capture_output=True, text=True, timeout=60)
    return p.stdout.strip() or p.stderr.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tests", nargs="+", default=None, help="test files to run against each mutant")
    ap.add_argument("--jobs", type=int, default=2, help="mutants run at once, each in its own copy (default 2)")
    ap.add_argument("--only", default="", help="comma-separated file name parts: only the mutants of those files")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per test run")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the test output of survivors")
    args = ap.parse_args()

    mutants = [m for m in MUTANTS if not args.only or any(part in m.file for part in args.only.split(","))]
    if not mutants:
        sys.exit(f"mutate_core: no mutant of a file named like {args.only!r}")
    if args.list:
        for i, m in enumerate(mutants, 1):
            print(f"{i:3} {m.file:22} {m.description}")
        return 0
    problems = check_snippets(mutants + [SANITY])
    if problems:
        print("mutate_core: snippets do not match the source:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    tests = args.tests or [t for t in DEFAULT_TESTS if (ROOT / t).exists()]
    missing = [t for t in tests if not (ROOT / t).exists()]
    if missing:
        print(f"mutate_core: no such test file: {', '.join(missing)}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="tthc-mutate-"))
    try:
        jobs = max(1, min(args.jobs, len(mutants)))
        copies = [copy_project(tmp / f"w{i}") for i in range(jobs)]
        for copy in copies:
            where = imported_from(copy)
            if not where.startswith(str(copy / "src")):
                print(f"mutate_core: tthc_cli is imported from {where}, not from the copy {copy}", file=sys.stderr)
                return 2
        print(f"{len(mutants)} mutants, {jobs} job(s), tests: {' '.join(tests)}", flush=True)
        ok, out = run_tests(copies[0], tests, args.timeout)
        if not ok:
            print("mutate_core: the tests fail on the unmutated copy:\n" + out, file=sys.stderr)
            return 2
        with Applied(copies[0], SANITY):
            killed, _ = run_tests(copies[0], tests, args.timeout)
            killed = not killed
        if not killed:
            print("mutate_core: the sanity mutant survived: the tests do not run the copy", file=sys.stderr)
            return 2

        results: dict[int, tuple[bool, float, str]] = {}
        todo: queue.Queue = queue.Queue()
        for i in range(len(mutants)):
            todo.put(i)
        lock = threading.Lock()

        def worker(copy: Path) -> None:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                m = mutants[i]
                t0 = time.perf_counter()
                with Applied(copy, m):
                    passed, out = run_tests(copy, tests, args.timeout)
                dt = time.perf_counter() - t0
                with lock:
                    results[i] = (not passed, dt, out)
                    print(f"{'killed  ' if not passed else 'SURVIVED'}  {m.file:22} {m.description}  ({dt:.1f} s)",
                          flush=True)
                    if passed and args.verbose:
                        print("    " + out.strip().splitlines()[-1])

        threads = [threading.Thread(target=worker, args=(c,)) for c in copies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    survivors = [mutants[i] for i, (killed, _, _) in sorted(results.items()) if not killed]
    n_killed = len(mutants) - len(survivors)
    print(f"\nscore: {n_killed}/{len(mutants)} killed ({100 * n_killed / len(mutants):.0f}%), "
          f"{len(survivors)} survived, {time.perf_counter() - started:.0f} s")
    for m in survivors:
        print(f"  survived: {m.file}: {m.description}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
