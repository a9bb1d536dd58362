#!/usr/bin/env python3
"""Score the deadline grammar on the phrase corpus: right / unresolved / wrong per family.

    python benchmarks/resolver_corpus.py            # the tuning part and the held-out part, apart
    python benchmarks/resolver_corpus.py --show     # also list the tuning rows that are not right
    python benchmarks/resolver_corpus.py --time     # also time cold resolution of every phrase

"wrong" is a date (or a kind) that differs from the expected one: a silent wrong date.
"unresolved" is a phrase that should resolve but came out "Chưa xác định".
The held-out rows (a fifth, chosen by a hash of the phrase) are never listed by --show:
they are the honest figure. Exit status 1 if any row is wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus import RIGHT, UNRESOLVED, WRONG, rows  # noqa: E402

from tthc_cli.core.deadline import parse_period, resolve  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="list the tuning rows that are not right")
    ap.add_argument("--show-held-out", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--time", action="store_true", help="time cold resolution of the corpus")
    args = ap.parse_args()
    from corpus import judge

    table: dict[str, dict[str, Counter]] = {"tuning": defaultdict(Counter), "held-out": defaultdict(Counter)}
    bad = 0
    for row in rows():
        got = resolve(row.phrase, parse_period(row.period)).to_json()
        verdict, why = judge(row, got)
        part = "held-out" if row.held_out else "tuning"
        table[part][row.family][verdict] += 1
        table[part]["ALL"][verdict] += 1
        bad += verdict == WRONG
        if verdict != RIGHT and ((args.show and not row.held_out) or (args.show_held_out and row.held_out)):
            print(f"{verdict:10} {row.family:16} {row.phrase!r} [{row.period}] {why}")
    for part, fams in table.items():
        total = sum(fams["ALL"].values())
        print(f"\n{part}: {total} phrases")
        print(f"{'family':18} {'n':>4} {'right':>6} {'unres.':>6} {'wrong':>6}")
        for fam in sorted(fams, key=lambda f: (f == "ALL", f)):
            c = fams[fam]
            n = sum(c.values())
            print(f"{fam:18} {n:4} {c[RIGHT]:6} {c[UNRESOLVED]:6} {c[WRONG]:6}")
        c = fams["ALL"]
        if total:
            print(f"right {100 * c[RIGHT] / total:.1f} %, unresolved {100 * c[UNRESOLVED] / total:.1f} %, "
                  f"wrong {100 * c[WRONG] / total:.1f} %")
    if args.time:
        # every corpus phrase against 20 plan years: about 10,000 resolutions, none from the cache
        pairs = [(r.phrase, parse_period(y)) for y in range(2020, 2040) for r in rows()]
        resolve.cache_clear()
        t0 = time.perf_counter()
        for phrase, period in pairs:
            resolve.__wrapped__(phrase, period)
        ms = 1000 * (time.perf_counter() - t0)
        words = sum(len(p.split()) for p, _ in pairs) / len(pairs)
        print(f"\ncold resolution: {len(pairs)} (phrase, plan year) pairs of the corpus (mean {words:.1f} words) in "
              f"{ms:.0f} ms, one process, the grammar compiled on first use")
        # the cells of the bundled plans, written for 20 years: distinct texts, as a province's plans would be
        cells = sorted({line.split("deadline:", 1)[1].strip().strip('"')
                        for f in (ROOT / "plans").glob("*.yaml") for line in f.read_text(encoding="utf-8").splitlines()
                        if line.strip().startswith("deadline:")})
        texts = [(c.replace("2026", str(y)).replace("2025", str(y - 1)), parse_period(y))
                 for y in range(2000, 2160) for c in cells]
        resolve.cache_clear()
        t0 = time.perf_counter()
        for phrase, period in texts:
            resolve.__wrapped__(phrase, period)
        ms = 1000 * (time.perf_counter() - t0)
        print(f"cold resolution: {len(texts)} distinct deadline cells (the bundled plans' cells for 160 years) in "
              f"{ms:.0f} ms")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
