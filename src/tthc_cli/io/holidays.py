"""Vietnam's public holidays from the maintained `holidays` package (lunar Tết, Giỗ Tổ Hùng Vương, days off
in lieu, and days swapped by the government together with the Saturday worked in exchange).

Importing the package costs about 110 ms (it imports every country), its Vietnam module alone about 45 ms
(`_vietnam`), a year under 1 ms; `load_calendar` takes the years from a cache dict (a `loader.Memo`) and
imports the module only on a miss. Stamp that Memo with
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
    for a bridge day), from the `holidays` package. Imports its Vietnam module: ~45 ms the first time
    (the whole package, ~110 ms, when that cannot be done alone: see `_vietnam`)."""
    vietnam = _vietnam()
    out = {}
    for year in years:
        cal = vietnam(years=year, language="vi")
        days = {d: _RENAME.get(name, name) for d, name in cal.items() if d.year == year}
        work = frozenset(d for d in getattr(cal, "weekend_workdays", ()) if d.year == year)
        out[year] = (days, work)
    return out


def _vietnam():
    """The package's Vietnam class. `import holidays` imports every country of the package (~110 ms, of
    which computing a year takes under 1 ms); the Vietnam module needs only the base classes and the
    calendars it names, so it is imported on its own (`_vietnam_alone`). Anything unexpected on the way, or
    the package imported already: the usual import."""
    import sys

    if "holidays" not in sys.modules:
        if not _VIETNAM:
            try:
                _VIETNAM.append(_vietnam_alone(sys))
            except Exception:  # noqa: BLE001 - another layout of the package: imported whole below
                pass
        if _VIETNAM:
            return _VIETNAM[0]
    from holidays import Vietnam

    return Vietnam


_VIETNAM: list = []


def _vietnam_alone(sys):
    """holidays.countries.vietnam imported without running the package's and the countries' `__init__`:
    empty packages with their folders stand in for them meanwhile. Every `holidays` module is then taken
    out of sys.modules again (the class keeps what it needs), so a later `import holidays` imports the
    package as usual, whole."""
    import importlib.util
    import os
    import types

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("holidays")
    root = list(spec.submodule_search_locations)
    for name, path in (("holidays", root), ("holidays.countries", [os.path.join(r, "countries") for r in root])):
        module = types.ModuleType(name)
        module.__path__ = path
        sys.modules[name] = module
    try:
        from holidays.countries.vietnam import Vietnam
    finally:
        for name in [m for m in sys.modules if m == "holidays" or m.startswith("holidays.")]:
            del sys.modules[name]
    return Vietnam


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
