"""The parse cache: an edited plan is read again; a broken cache is ignored."""

from conftest import write

PLAN = """\
plan: {id: p, period: 2026}
tasks:
  - id: "1"
    title: Báo cáo
    lead: VP
    deadline: {deadline}
"""


def _due(tthc, f, env=None):
    r = tthc("list", "--plans", f, "--today", "2026-01-01", "--format", "json", env=env)
    assert r.code == 0, r.err
    return [x["due"] for x in r.json()]


def test_an_edited_plan_is_read_again(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", PLAN.replace("{deadline}", "Quý I/2026"))
    assert _due(tthc, f) == ["2026-03-31"]
    f.write_text(PLAN.replace("{deadline}", "Quý III/2026 hoặc quý IV/2026"), encoding="utf-8")
    assert _due(tthc, f) == []  # now unresolved: not the cached Quý I
    f.write_text(PLAN.replace("{deadline}", "Quý II/2026"), encoding="utf-8")
    assert _due(tthc, f) == ["2026-06-30"]


def test_a_broken_cache_is_ignored(tthc, plan_dir, tmp_path):
    f = write(plan_dir / "a.yaml", PLAN.replace("{deadline}", "Quý I/2026"))
    assert _due(tthc, f) == ["2026-03-31"]
    cache = tmp_path / "cache"
    files = list(cache.glob("*.pickle"))
    assert files  # plan, unit table and resolutions
    for c in files:
        c.write_bytes(b"not a pickle")
    assert _due(tthc, f) == ["2026-03-31"]


def test_cache_can_be_turned_off(tthc, plan_dir, tmp_path):
    f = write(plan_dir / "a.yaml", PLAN.replace("{deadline}", "Quý I/2026"))
    cache = tmp_path / "cache"
    assert _due(tthc, f, env={"TTHC_CACHE_DIR": ""}) == ["2026-03-31"]
    r = tthc("due", "--plans", f, "--no-cache", "--today", "2026-01-01")
    assert r.code == 0
    assert not cache.exists()
