"""The fast YAML path (io/fastyaml.py) against PyYAML, the reference: the same objects, or it declines.

Same objects means equal, of the same types (True is not 1, 1.0 is not 1), with the keys in the same
order, all the way down. The fast path may decline anything; it may never give an object for a text
PyYAML refuses, nor a different one."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PLANS, ROOT
from fuzzing import SCALARS, mutate
from tthc_cli.io import fastyaml, loader

pytestmark = pytest.mark.skipif(not fastyaml.available(), reason="rapidyaml is not installed")

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
MUTANTS = int(os.environ.get("TTHC_FASTYAML_MUTANTS", "600"))
"""Fuzzed mutants per run; `TTHC_FASTYAML_MUTANTS=20000 pytest tests/test_fastyaml.py` for a long run."""


def same(a, b) -> bool:
    """Equal, of the same types and key order, recursively (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def reference(text: str):
    """PyYAML's reading as tthc configures it: (True, data) or (False, the message)."""
    raw = loader._parse_pyyaml(text, "x.yaml")
    return (True, raw.data) if raw.ok else (False, raw.problems[0].message)


def agrees(text: str) -> bool:
    """Assert the fast path gives PyYAML's objects or declines; whether it gave them."""
    fast = fastyaml.load(text, loader.safe_loader())
    if fast is None:
        return False
    ok, ref = reference(text)
    assert ok, f"fast path read a text PyYAML refuses ({ref}):\n{text[:2000]}"
    assert same(fast, ref), f"fast path differs from PyYAML:\n{text[:2000]}"
    return True


def workload(tmp_path, files=6, tasks=120, seed=3) -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_workload import make_workload

    info = make_workload(tmp_path / f"w{seed}", files, tasks, seed)
    return [p.read_text(encoding="utf-8") for p in sorted(Path(info["dir"]).glob("*.yaml"))]


def imported_seeds() -> list[str]:
    from tthc_cli.importer.build import import_document
    from tthc_cli.importer.textsource import read_text

    return [import_document(read_text(p.read_text(encoding="utf-8"), p.name), source_name=p.name).yaml
            for p in sorted(SEEDS.glob("*.txt"))]


def bundled() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(PLANS.glob("*.yaml"))]


def test_bundled_plans_units_and_imported_seeds_read_the_same():
    texts = bundled() + imported_seeds() + [(ROOT / "src/tthc_cli/data/units.yaml").read_text(encoding="utf-8")]
    taken = [agrees(t) for t in texts]
    # not vacuous: the plans without a " & " or the like, every imported seed and the unit table go the fast way
    assert sum(taken) >= len(texts) - 2, taken


def test_generated_workloads_read_the_same_and_all_go_the_fast_way(tmp_path):
    for seed in (1, 2, 3):
        for text in workload(tmp_path, seed=seed):
            assert agrees(text)


def test_windows_line_ends_read_the_same(tmp_path):
    texts = bundled() + workload(tmp_path, files=2)
    assert all(agrees(t.replace("\n", "\r\n")) for t in texts[-2:])
    for t in texts:
        agrees(t.replace("\n", "\r\n"))


TRICKY = SCALARS + [
    "yes", "Yes", "YES", "No", "ON", "off", "Off", "y", "Y", "n", "true", "True", "TRUE", "false", "FALSE",
    "~", "null", "Null", "NULL", "nULL", "", "0", "00", "017", "0o17", "0x1F", "0b101", "0b2", "1_000", "1__0",
    "+1", "-1", "-0", "+0", "1:30", "190:20:30", "1:60", ".5", "5.", "1.5", "1e3", "1.0e3", "1.0e+3", "1.0E-3",
    "-.inf", ".Inf", ".NaN", ".nan", "1,000", "2026", "2026-06-01", "2026-06-01T10:00:00", "12:30", "=", "<<",
    "Quý II/2026", "Thường xuyên", "HĐND&UBND", "a # b", "a#b", "a: b", "a:b", "x -", "- x", "-x", "?x", ":x",
    ",x", "a, b", "a ,b", "100%", "'", "''", "it's", "say \"hi\"", "é", "ệ", "Đ", "𝔸", "\u00a0x", "x\u00a0",
    "\u2013", "…", "tab\there", "a\\nb", "\\", "%x", "x%", "@", "x@y", "`", "x`", "!", "x!", "*", "x*", "&", "x&",
    "|", "x|", ">", "x>", "[x", "x]", "{x", "x}",
]


def _contexts(s: str) -> list[str]:
    squo = "'" + s.replace("'", "''") + "'"
    dquo = '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return [
        f"k: {s}\n", f"k: {s} # comment\n", f"k:\n  - {s}\n  - x\n", f"k: {squo}\n", f"k: {dquo}\n",
        f"{s}: v\n", f"{squo}: v\n", f"k: x\n  {s}\n", f"k: {s}\n  {s}\n\n  {s}\n", f"a:\n  k: {s}\nb: 1\n",
        f"k: {s}\nk2:\nk3: ''\n", f"k: {s}   \n", f"k:    {s}\n",
    ]


def test_tricky_scalars_read_the_same_in_every_context():
    taken = 0
    for s in TRICKY:
        for text in _contexts(s):
            taken += agrees(text)
    assert taken > len(TRICKY) * 4  # most of these go the fast way


@pytest.mark.parametrize("text, value", [
    ("k: yes\n", True), ("k: No\n", False), ("k: ON\n", True), ("k: ~\n", None), ("k:\n", None),
    ("k: null\n", None), ("k: 017\n", 15), ("k: 0x1F\n", 31), ("k: 1_000\n", 1000), ("k: 1:30\n", 90),
    ("k: 2026\n", 2026), ("k: 1.5\n", 1.5), ("k: 1e3\n", "1e3"), ("k: 'yes'\n", "yes"), ('k: "017"\n', "017"),
    ("k: ''\n", ""), ("k: 2026-06-01\n", "2026-06-01"), ("k: -0\n", 0), ("k: x\n  y\n\n  z\n", "x y\nz"),
    ("k: \"esc\u00e9\"\n", "escé"), ("k: 'it''s'\n", "it's"),
])
def test_the_fast_path_itself_reads_yaml_1_1_scalars(text, value):
    """Not only "declined or equal": these the fast path reads itself, as YAML 1.1 does."""
    got = fastyaml.load(text, loader.safe_loader())
    assert got is not None
    assert same(got, {"k": value})
    assert same(got, reference(text)[1])


@pytest.mark.parametrize("text", [
    "a: x\na: y\n", "a: 1\n'a': 2\n", "yes: 1\n", "1: x\n", "<<: {a: 1}\n", "k: =\n", "k: &a x\nl: *a\n",
    "k: !!str 1\n", "k: [a, b]\n", "k: {a: 1}\n", "k: |\n  x\n", "k: >\n  x\n", "---\nk: x\n", "k: x\n---\nk: y\n",
    "%YAML 1.1\n---\nk: x\n", "? k\n: x\n", "k: @x\n", "k: `x\n", "k: x\r", "k:\tx\n", "k: \"a\\tb\"\n",
    "k: x\u2028y\n", "k: x\x85y\n", "k: \ufeffx\n", "k: \x07\n", "- a\n- b\n", "just text\n", "k: +1\n", "k: .5\n",
    "a: b: c\n", "k: 'unterminated\n", "a:\n  b: 1\n c: 2\n", "k: " + "[" * 3 + "\n",
])
def test_outside_the_subset_the_fast_path_declines(text):
    assert fastyaml.load(text, loader.safe_loader()) is None


def test_a_deep_file_is_declined():
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(fastyaml.MAX_DEPTH + 5)) + "  " * (fastyaml.MAX_DEPTH + 5) + "x\n"
    assert fastyaml.load(text, loader.safe_loader()) is None


def test_fuzzed_mutants_read_the_same_or_are_declined(tmp_path):
    """The mutants of tests/fuzzing.py (lines deleted, swapped, re-indented, scalars, tags, aliases, unicode)
    of the bundled plans and a generated one: never read differently, never read when PyYAML refuses."""
    rng = random.Random(11)
    texts = bundled() + workload(tmp_path, files=1, tasks=40)
    taken = 0
    for _ in range(MUTANTS):
        taken += agrees(mutate(rng.choice(texts), rng))
    assert taken > MUTANTS // 5  # a good part of them go the fast way, so the comparison means something


CHARS = " \n:-#'\",.?&*!|>[]{}%@`\\\t\rxy0179_eE+~nNoOtTfF\u00e9\u1ec7\u2028\x85\ufeff"


def _poke(text: str, rng: random.Random) -> str:
    """1–3 characters inserted, deleted or replaced where YAML is most fragile: near indicators and line starts."""
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text) + 1)
        op = rng.randrange(3)
        c = rng.choice(CHARS) * rng.choice((1, 1, 1, 2, 3))
        text = text[:i] + c + text[i:] if op == 0 else text[:i] + text[i + 1:] if op == 1 else text[:i] + c + text[i + 1:]
    return text


def test_poked_texts_read_the_same_or_are_declined():
    """Character-level edits of the plans: indicators, quotes, spaces, breaks, scalars of YAML 1.1."""
    rng = random.Random(12)
    texts = bundled() + [
        "plan:\n  id: p\n  period: 2026\ntasks:\n  - id: '1'\n    title: Báo cáo, quý\n    lead: VP\n"
        "    deadline: Quý II/2026\n    review: yes\n    after:\n      - I.2\n    notes: a\n      b\n"]
    taken = 0
    for _ in range(MUTANTS):
        taken += agrees(_poke(rng.choice(texts), rng))
    assert taken > MUTANTS // 5


def test_a_refusal_of_rapidyaml_prints_nothing_on_stderr(capfd):
    """rapidyaml prints its own refusal on fd 2 before raising; PyYAML gives the message, in Vietnamese."""
    assert fastyaml.load("a: b: c\n", loader.safe_loader()) is None
    print("after", file=sys.stderr)
    assert capfd.readouterr().err == "after\n"  # nothing from rapidyaml, and stderr is back


def test_parse_bytes_takes_the_fast_path_and_pyyaml_explains(monkeypatch):
    raw = (PLANS / "xuan-truong-cchc-2026.yaml").read_bytes()
    expected = loader._parse_pyyaml(raw.decode("utf-8"), "x").data

    def refuse(text, name):
        raise AssertionError("PyYAML was asked")

    with monkeypatch.context() as m:
        m.setattr(loader, "FAST_YAML_AFTER", 0)
        m.setattr(loader, "_parse_pyyaml", refuse)
        assert same(loader.parse_bytes(b"\xef\xbb\xbf" + raw, "x").data, expected)  # a BOM as well
    broken = loader.parse_bytes(b"plan:\n  id: a\n  id: b\n", "x.yaml")
    assert not broken.ok
    assert broken.problems[0].message == 'YAML không dùng được: khóa "id" viết hai lần trong cùng một bảng'
    assert broken.problems[0].line == 3


def test_a_small_run_does_not_import_rapidyaml():
    """Below FAST_YAML_AFTER bytes PyYAML reads the plans, and rapidyaml (10-15 ms to import) is left alone."""
    code = ("import sys\nfrom pathlib import Path\nfrom tthc_cli.io import loader\n"
            f"plans = sorted(Path({str(PLANS)!r}).glob('*.yaml'))\n"
            "assert sum(p.stat().st_size for p in plans) < loader.FAST_YAML_AFTER\n"
            "assert all(loader.parse_bytes(p.read_bytes(), str(p)).ok for p in plans)\n"
            "print('ryml' in sys.modules)\n"
            "big = b''.join(p.read_bytes() for p in plans) * 2\n"
            "loader.parse_bytes(big, 'x'); loader.parse_bytes(plans[0].read_bytes(), 'y')\n"
            "print('ryml' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_without_rapidyaml_pyyaml_reads_everything(monkeypatch, tthc):
    normal = tthc("list", "--all", "--format", "json", "--today", "2026-06-01", "--no-cache")
    monkeypatch.setattr(fastyaml, "_ryml", None)
    assert not fastyaml.available()
    assert fastyaml.load("k: x\n", loader.safe_loader()) is None
    asked = []
    real = loader._parse_pyyaml
    monkeypatch.setattr(loader, "_parse_pyyaml", lambda text, name: asked.append(name) or real(text, name))
    without = tthc("list", "--all", "--format", "json", "--today", "2026-06-01", "--no-cache")
    assert {Path(name).name for name in asked} >= {p.name for p in PLANS.glob("*.yaml")}  # every plan
    assert (without.code, without.out, without.err) == (normal.code, normal.out, normal.err)
    assert normal.code == 0 and normal.out.startswith("[")
