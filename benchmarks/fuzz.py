"""The long fuzz run: thousands of plan mutants and command lines through the real CLI (tests/fuzzing.py).

    python benchmarks/fuzz.py [--plans 5000] [--argv 5000] [--seed 1] [--jobs 2]

Each batch of 500 cases runs in its own worker process (memory limit 2 GB, an alarm of 20 s a case).
Prints the totals: cases, exit codes, failures (traceback, crash, undocumented exit) and hangs, and the
first failing cases; the mutants that failed are kept in the batch folders it prints."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 500


def batch(mode: str, seed: int, n: int, folder: Path) -> dict:
    p = subprocess.run([sys.executable, str(ROOT / "tests" / "fuzzing.py"), mode, str(seed), str(n), str(folder)],
                       capture_output=True, text=True, encoding="utf-8", timeout=3600)
    if p.returncode != 0:
        return {"mode": mode, "seed": seed, "cases": 0, "codes": {}, "failures": [{"case": f"worker {seed}",
                "problem": p.stderr[-2000:]}], "failed": 1, "hangs": 0, "seconds": 0}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plans", type=int, default=5000)
    ap.add_argument("--argv", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="tthc-fuzz-"))
    jobs = []
    for mode, total in (("plans", args.plans), ("argv", args.argv)):
        for k in range(0, total, BATCH):
            seed = args.seed * 100_000 + len(jobs)
            jobs.append((mode, seed, min(BATCH, total - k), base / f"{mode}-{seed}"))
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda j: batch(*j), jobs))
    for mode in ("plans", "argv"):
        rs = [r for r in results if r["mode"] == mode]
        codes: dict[str, int] = {}
        for r in rs:
            for c, n in r["codes"].items():
                codes[c] = codes.get(c, 0) + n
        print(f"{mode}: {sum(r['cases'] for r in rs)} cases, exit codes {dict(sorted(codes.items()))}, "
              f"{sum(r['failed'] for r in rs)} failures, {sum(r['hangs'] for r in rs)} hangs, "
              f"{sum(r['seconds'] for r in rs):.0f} s of runs, slowest case "
              f"{max((r['slowest']['seconds'] for r in rs if r.get('slowest')), default=0):.2f} s")
        for r in rs:
            for f in r["failures"][:3]:
                print(f"  {f['case']}: {str(f.get('argv', ''))[:120]} → {f['problem'][:300]}")
    print(f"folders: {base}")


if __name__ == "__main__":
    main()
