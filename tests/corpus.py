"""The deadline-phrase corpus: real phrases from public Vietnamese documents, with the
resolution each should get (tests/data/phrases/*.tsv, columns phrase, period, kind, due,
extra, family, source; see tests/data/phrases/README.md).

A fifth of the rows, chosen by a hash of the phrase before any rule was written for them,
is held out: the grammar is never tuned on them, and their score is reported apart.
Used by tests/test_corpus.py and benchmarks/resolver_corpus.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DATA = Path(__file__).parent / "data" / "phrases"
RIGHT, UNRESOLVED, WRONG = "right", "unresolved", "wrong"


class Row:
    __slots__ = ("phrase", "period", "kind", "due", "extra", "family", "source", "file", "line")

    def __init__(self, fields: list[str], file: str, line: int):
        self.phrase = fields[0].replace("\\n", "\n")
        self.period = fields[1]
        self.kind = fields[2]
        self.due = [] if fields[3] in ("-", "") else fields[3].split()
        self.extra = {}
        if fields[4] not in ("-", ""):
            for kv in fields[4].split(";"):
                k, _, v = kv.partition("=")
                self.extra[k.strip()] = v.strip()
        self.family = fields[5]
        self.source = fields[6]
        self.file = file
        self.line = line

    @property
    def held_out(self) -> bool:
        return int(hashlib.sha1(self.phrase.encode("utf-8")).hexdigest(), 16) % 5 == 0

    def __repr__(self) -> str:
        return f"{self.file}:{self.line}: {self.phrase!r}"


def rows() -> list[Row]:
    out, seen = [], set()
    for f in sorted(DATA.glob("*.tsv")):
        lines = f.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != 7:
                raise ValueError(f"{f.name}:{n}: {len(fields)} fields")
            row = Row(fields, f.name, n)
            if row.phrase in seen:
                continue
            seen.add(row.phrase)
            out.append(row)
    return out


def judge(row: Row, got: dict) -> tuple[str, str]:
    """(right | unresolved | wrong, why) for one row against `tthc resolve --format json` output."""
    if row.kind == "unknown":
        if got["kind"] == "unknown":
            return RIGHT, ""
        if got["due"] or got["start"]:
            return WRONG, f"should be unknown, got {got['kind']} {got['due']}"
        return WRONG, f"should be unknown, got {got['kind']}"
    if got["kind"] == "unknown":
        return UNRESOLVED, "; ".join(got["warnings"])
    if row.due and not got["due"] and not got["start"]:
        # no date at all (waiting for an event, ongoing): a person still has to type it, as for unknown
        return UNRESOLVED, f"{got['kind']} without a date"
    problems = []
    if got["kind"] != row.kind:
        problems.append(f"kind {got['kind']} (want {row.kind})")
    if got["due"] != row.due:
        problems.append(f"due {got['due']} (want {row.due})")
    for key in ("start", "end"):
        if key in row.extra and got[key] != row.extra[key]:
            problems.append(f"{key} {got[key]} (want {row.extra[key]})")
    if "lag" in row.extra:
        amount, unit, direction = row.extra["lag"].split(":")
        lag = got.get("lag")
        if lag is None or (str(lag["amount"]), lag["unit"], lag["direction"]) != (amount.lstrip("0") or "0",
                                                                                  unit, direction):
            problems.append(f"lag {lag} (want {row.extra['lag']})")
    if "label" in row.extra:
        labels = [o["label"] for o in got["occurrences"]]
        if labels != [row.extra["label"]]:
            problems.append(f"labels {labels} (want {row.extra['label']})")
    return (WRONG, "; ".join(problems)) if problems else (RIGHT, "")
