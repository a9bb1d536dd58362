"""Working days: Vietnam's public holidays (from `holidays`), weekends, days from the config, the cache."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date, timedelta

import pytest

from tthc_cli.io.loader import Memo
from tthc_cli.core.workdays import WorkCalendar
from tthc_cli.io.holidays import CACHE_KIND, WORKDAYS_KIND, compute_public_holidays, holidays_version, load_calendar

D = date
YEARS = range(2025, 2028)


@pytest.fixture(scope="module")
def filled():
    """A cache filled by one real load (the only place the package is computed)."""
    cache: dict = {}
    load_calendar(YEARS, cache)
    return cache


@pytest.fixture
def cal(filled):
    return load_calendar(YEARS, filled)


def test_known_days_off_2026(cal):
    expected = {
        D(2026, 1, 1): "Tết Dương lịch",
        D(2026, 2, 16): "Giao thừa Tết Nguyên Đán",  # 29 tháng Chạp
        D(2026, 2, 17): "Tết Nguyên Đán",
        D(2026, 2, 18): "Mùng hai Tết Nguyên Đán",
        D(2026, 2, 19): "Mùng ba Tết Nguyên Đán",
        D(2026, 2, 20): "Mùng bốn Tết Nguyên Đán",
        D(2026, 4, 26): "Ngày Giỗ Tổ Hùng Vương",  # 10/3 lunar, a Sunday ...
        D(2026, 4, 27): "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)",  # ... so Monday is off in lieu
        D(2026, 4, 30): "Ngày Chiến thắng",
        D(2026, 5, 1): "Ngày Quốc tế Lao động",
        D(2026, 8, 31): "Ngày nghỉ (thay cho ngày 22/08/2026)",  # swapped with Saturday 22/8
        D(2026, 9, 1): "Quốc khánh",
        D(2026, 9, 2): "Quốc khánh",
    }
    for day, name in expected.items():
        assert cal.is_day_off(day), day
        assert cal.reason(day) == name
    for day in (D(2026, 2, 13), D(2026, 2, 23), D(2026, 4, 28), D(2026, 9, 3)):
        assert not cal.is_day_off(day) and cal.reason(day) is None


def test_2025_swaps_and_tet_name(cal):
    assert cal.reason(D(2025, 5, 2)) == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    assert not cal.is_day_off(D(2025, 4, 26))  # the Saturday worked in exchange
    assert not cal.is_day_off(D(2026, 8, 22))
    assert [cal.is_day_off(D(2025, 1, d)) for d in range(24, 30)] == [False, True, True, True, True, True]
    assert cal.reason(D(2025, 1, 27)) == "Nghỉ Tết Nguyên Đán"  # the package says "29 Tết"; it is 28 tháng Chạp


def test_weekends(cal):
    assert cal.reason(D(2026, 3, 7)) == "Thứ Bảy"
    assert cal.reason(D(2026, 3, 8)) == "Chủ nhật"
    assert cal.reason(D(2026, 3, 9)) is None
    assert cal.reason(D(2025, 2, 1)) == "Mùng bốn Tết Nguyên Đán"  # a Saturday: the holiday name wins


def test_config_days(filled):
    cal = load_calendar(YEARS, filled, extra_days_off={D(2026, 3, 20): "Nghỉ theo quyết định của tỉnh"},
                            extra_working_days={D(2026, 3, 28), D(2026, 11, 24)})
    assert cal.is_day_off(D(2026, 3, 20)) and cal.reason(D(2026, 3, 20)) == "Nghỉ theo quyết định của tỉnh"
    assert not cal.is_day_off(D(2026, 3, 28)) and cal.reason(D(2026, 3, 28)) is None  # a make-up Saturday
    assert not cal.is_day_off(D(2026, 11, 24))  # the config may overrule the package
    assert cal.next_working_day(D(2026, 3, 28)) == D(2026, 3, 28)
    assert cal.working_days_between(D(2026, 3, 19), D(2026, 3, 30)) == 7  # 23-27, Saturday 28, 30 (20 off)
    with pytest.raises(ValueError, match="20/03/2026"):
        WorkCalendar(extra_days_off={D(2026, 3, 20): "x"}, extra_working_days={D(2026, 3, 20)})


def test_next_working_day_across_tet(cal):
    assert cal.next_working_day(D(2026, 2, 14)) == D(2026, 2, 23)
    assert cal.roll_forward(D(2026, 2, 17)) == D(2026, 2, 23)
    assert cal.roll_forward(D(2026, 2, 13)) == D(2026, 2, 13)
    assert cal.roll_forward(D(2026, 4, 25)) == D(2026, 4, 28)


def test_add_working_days(cal):
    assert cal.add_working_days(D(2026, 4, 24), 0) == D(2026, 4, 24)
    assert cal.add_working_days(D(2026, 4, 26), 0) == D(2026, 4, 26)  # n = 0 is the day itself
    assert cal.add_working_days(D(2026, 4, 24), 1) == D(2026, 4, 28)  # weekend, Giỗ Tổ, its day in lieu
    assert cal.add_working_days(D(2026, 4, 24), 3) == D(2026, 5, 4)  # 30/4, 1/5, weekend
    assert cal.add_working_days(D(2026, 2, 12), 2) == D(2026, 2, 23)  # 13, then past Tết
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 1, 1), -1)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert cal.working_days_between(D(2026, 4, 24), D(2026, 5, 4)) == 3
    assert cal.working_days_between(D(2026, 5, 4), D(2026, 5, 4)) == 0
    assert cal.working_days_between(D(2026, 5, 4), D(2026, 4, 24)) == -3


def test_counting_matches_day_by_day(filled):
    cal = load_calendar(YEARS, filled, {D(2026, 6, 5): "x", D(2026, 6, 6): "y"}, {D(2026, 6, 13)})
    start, count = D(2024, 12, 25), 0
    for i in range(1, 3 * 366 + 20):
        day = start + timedelta(days=i)
        count += not cal.is_day_off(day)
        assert cal.working_days_between(start, day) == count, day
        if i % 5 == 0 and not cal.is_day_off(day):
            assert cal.add_working_days(start, count) == day


def test_outside_loaded_years_only_weekends(cal):
    assert not cal.covers(D(2030, 9, 2)) and cal.covers(D(2026, 9, 2))
    assert not cal.is_day_off(D(2030, 9, 2))
    assert cal.reason(D(2030, 9, 1)) == "Chủ nhật"


def test_cache_holds_what_the_package_computes(filled):
    computed = compute_public_holidays(YEARS)
    for year in YEARS:
        days, work = computed[year]
        assert filled[(CACHE_KIND, year)] == days
        assert filled[(WORKDAYS_KIND, year)] == work
    assert filled[(WORKDAYS_KIND, 2026)] == frozenset({D(2026, 8, 22)})


def test_a_filled_cache_never_imports_holidays(filled, monkeypatch):
    monkeypatch.setitem(sys.modules, "holidays", None)  # any `import holidays` now fails
    cal = load_calendar(YEARS, filled)
    assert cal.reason(D(2026, 2, 17)) == "Tết Nguyên Đán"
    with pytest.raises(ImportError):
        load_calendar(range(2030, 2031), filled)  # a miss does import it


def test_memo_round_trip_in_a_fresh_process(tmp_path):
    memo = Memo(tmp_path, "holidays", holidays_version())
    load_calendar(range(2026, 2027), memo)
    assert memo.dirty
    memo.save()
    script = textwrap.dedent("""
        import sys
        from datetime import date
        from pathlib import Path
        from tthc_cli.io.loader import Memo
        from tthc_cli.io.holidays import holidays_version, load_calendar
        assert "holidays" not in sys.modules
        memo = Memo(Path(sys.argv[1]), "holidays", holidays_version())
        cal = load_calendar(range(2026, 2027), memo)
        print(cal.next_working_day(date(2026, 2, 14)), memo.dirty, "holidays" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["2026-02-23", "False", "False"]


def test_a_memo_with_keep_keeps_what_other_runs_used_within_its_bound(tmp_path):
    """Memo(keep=N): entries this run did not use stay, the used ones first, N in all; without keep they go."""
    memo = Memo(tmp_path, "kept", "v", keep=3)
    for year in range(2020, 2025):
        memo.put(("y", year), year)
    memo.save()
    memo = Memo(tmp_path, "kept", "v", keep=3)
    memo.put(("y", 2030), 2030)
    memo.save()
    again = Memo(tmp_path, "kept", "v", keep=3)
    got = {k: again.get(k) for k in [("y", y) for y in (*range(2020, 2025), 2030)]}
    assert got[("y", 2030)] == 2030  # used by the last run: kept first
    others = [y for y in range(2020, 2025) if got[("y", y)] == y]  # an earlier run's: kept while there is room
    assert len(others) == 2
    pruned = Memo(tmp_path, "kept", "v")
    assert pruned.get(("y", 2030)) == 2030
    pruned.save()
    assert Memo(tmp_path, "kept", "v").get(("y", others[0])) is None


def test_holidays_version():
    import holidays

    assert holidays_version() == holidays.__version__


def test_the_vietnam_module_is_imported_alone_and_gives_what_the_package_gives():
    """Computing a year imports holidays' Vietnam module, not every country through the package's __init__;
    the days are those `import holidays` gives, and the package imports as usual afterwards."""
    script = textwrap.dedent("""
        import sys
        from tthc_cli.io.holidays import compute_public_holidays
        alone = compute_public_holidays(range(2024, 2029))
        print(sorted(m for m in sys.modules if m.split(".")[0] == "holidays"))
        import holidays
        assert holidays.Vietnam(years=2026) and holidays.calendars
        from tthc_cli.io import holidays as ours
        ours._VIETNAM.clear()  # now through the package
        assert compute_public_holidays(range(2024, 2029)) == alone and len(alone[2026][0]) > 10
        print("same")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "same"]
