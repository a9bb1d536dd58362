"""A bounded fuzz run in every test run: a few hundred mutants of the bundled plans and random command lines
through the real CLI, in a worker process with a memory limit and an alarm on every case (tests/fuzzing.py).

The longer run is `benchmarks/fuzz.py`; its figures are in the README."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from conftest import PLANS, ROOT


def _tree_digest(folder):
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.yaml"))}


@pytest.mark.parametrize("mode, seed, cases", [("plans", 9001, 250), ("argv", 9002, 400)])
def test_fuzz_finds_no_traceback_no_hang(tmp_path, mode, seed, cases):
    before = _tree_digest(PLANS)
    p = subprocess.run([sys.executable, str(ROOT / "tests" / "fuzzing.py"), mode, str(seed), str(cases), str(tmp_path)],
                       capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    assert summary["cases"] == cases
    assert summary["failures"] == [], json.dumps(summary["failures"][:3], ensure_ascii=False, indent=1)
    assert summary["hangs"] == 0
    assert _tree_digest(PLANS) == before  # nothing outside the temporary folder was written
    assert len(summary["codes"]) >= 3  # the cases reach several outcomes, not one refusal over and over
