"""Vietnam's public holidays from the maintained `holidays` package (lunar Tết, Giỗ Tổ Hùng Vương, days off
in lieu, and days swapped by the government together with the Saturday worked in exchange).

Importing the package costs about 65 ms and the first year about 75 ms more, so `load_calendar` takes them
from a cache dict (a `loader.Memo`) and imports the package only on a miss. Stamp that Memo with
`holidays_version()` so an upgrade of the package (new swaps announced) refreshes it.
"""

from __future__ import annotations

from datetime import date

from tthc_cli.core.workdays import WorkCalendar

CACHE_KIND = "holidays-vn"  # cache key (CACHE_KIND, year) -> dict[date, str], the public days off
WORKDAYS_KIND = "holidays-vn-workdays"  # (WORKDAYS_KIND, year) -> frozenset[date], Saturdays/Sundays worked

# Names the package gives that are not always right. The day two before lunar
# New Year is called "29 Tết", but when the last lunar month has 29 days (2025)
# that day is 28 tháng Chạp; a neutral name is right every year.
_RENAME = {"29 Tết": "Nghỉ Tết Nguyên Đán"}


def load_calendar(years, cache: dict | None = None, extra_days_off: dict[date, str] | None = None,
                  extra_working_days=()) -> WorkCalendar:
    """Vietnam's calendar for `years`, the public holidays from `cache` where present.

    On a miss the `holidays` package is imported and the missing years computed
    and stored with `cache.put(key, value)` (or item assignment if the cache has
    no `put`). Raises ImportError if the package is not installed.
    """
    years = tuple(years)
    public: dict[date, str] = {}
    official: set[date] = set()
    missing = []
    for year in years:
        days = cache.get((CACHE_KIND, year)) if cache is not None else None
        work = cache.get((WORKDAYS_KIND, year)) if cache is not None else None
        if isinstance(days, dict) and isinstance(work, frozenset):
            public.update(days)
            official |= work
        else:
            missing.append(year)
    if missing:
        computed = compute_public_holidays(missing)
        store = None if cache is None else getattr(cache, "put", cache.__setitem__)
        for year, (days, work) in computed.items():
            public.update(days)
            official |= work
            if store is not None:
                store((CACHE_KIND, year), days)
                store((WORKDAYS_KIND, year), work)
    return WorkCalendar(public, extra_days_off, extra_working_days, official, years)


def compute_public_holidays(years) -> dict[int, tuple[dict[date, str], frozenset[date]]]:
    """year -> (public days off with Vietnamese names, weekend days worked in exchange
    for a bridge day), from the `holidays` package. Imports it: ~140 ms the first time."""
    import holidays

    out = {}
    for year in years:
        cal = holidays.Vietnam(years=year, language="vi")
        days = {d: _RENAME.get(name, name) for d, name in cal.items() if d.year == year}
        work = frozenset(d for d in getattr(cal, "weekend_workdays", ()) if d.year == year)
        out[year] = (days, work)
    return out


def holidays_version() -> str | None:
    """The installed `holidays` version, for stamping the cache, without importing it
    (`importlib.metadata` alone costs tens of ms): the name of its .dist-info folder
    next to the package that `import holidays` would find. None if not installed."""
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        if "holidays" not in names:
            continue
        for name in names:
            if name.startswith("holidays-") and name.endswith((".dist-info", ".egg-info")):
                return name[len("holidays-"):].rsplit(".", 1)[0]
        try:  # a package without metadata: its Vietnam module's size and time
            st = os.stat(os.path.join(entry or ".", "holidays", "countries", "vietnam.py"))
        except OSError:
            return "unknown"
        return f"{st.st_size}-{st.st_mtime_ns}"
    return None
