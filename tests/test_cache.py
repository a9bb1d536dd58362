"""The parse cache: an edited plan is read again; a broken cache is ignored."""

import pytest

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
    files = list(cache.glob("*.cache")) + list(cache.glob("index-*.sqlite"))
    assert len(files) >= 4  # plan, unit table, resolutions, holidays; the query index
    for c in files:
        c.write_bytes(b"not a cache file")
    assert _due(tthc, f) == ["2026-03-31"]


def test_cache_can_be_turned_off(tthc, plan_dir, tmp_path):
    f = write(plan_dir / "a.yaml", PLAN.replace("{deadline}", "Quý I/2026"))
    cache = tmp_path / "cache"
    assert _due(tthc, f, env={"TTHC_CACHE_DIR": ""}) == ["2026-03-31"]
    r = tthc("due", "--plans", f, "--no-cache", "--today", "2026-01-01")
    assert r.code == 0
    assert not cache.exists()


def test_a_pickle_planted_as_a_cache_file_is_never_loaded(tthc, plan_dir, tmp_path):
    """Cache files only ever build data (io/cachecodec.py): a pickle that would run code when loaded is a miss."""
    import pickle

    f = write(plan_dir / "a.yaml", PLAN.replace("{deadline}", "Quý I/2026"))
    assert _due(tthc, f) == ["2026-03-31"]
    cache = tmp_path / "cache"
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(ran), "w"))

    for c in cache.glob("*.cache"):
        c.write_bytes(pickle.dumps(Payload()))
    assert _due(tthc, f) == ["2026-03-31"]
    assert not ran.exists()


def test_the_cache_codec_keeps_resolutions_exactly_and_builds_nothing_else():
    import marshal
    from datetime import date

    from tthc_cli.core.deadline import Period, resolve
    from tthc_cli.io import cachecodec

    period = Period.year(2026)
    phrases = ["Quý II/2026", "Định kỳ hằng quý, 6 tháng, 1 năm", "- Kế hoạch kiểm tra: quý I/2026. - Báo cáo: tháng "
               "11/2026.", "Trong thời hạn 10 ngày làm việc kể từ ngày nhận được hướng dẫn", "Thường xuyên"]
    memo = {(p, period): resolve(p, period) for p in phrases}
    holidays = {("holidays-vn", 2026): {date(2026, 4, 30): "Ngày Chiến thắng"}, ("w", 2026): frozenset({date(2026, 1, 3)})}
    for value in (memo, holidays):
        back = cachecodec.loads(cachecodec.dumps(value))
        assert back == value and [type(v) for v in back.values()] == [type(v) for v in value.values()]
    for forged in [("\x1fv", "Popen", "ls"), ("\x1fx",), (1, 2), ("\x1fd", "x")]:
        with pytest.raises(cachecodec.Undecodable):
            cachecodec.loads(marshal.dumps(forged))
