"""Working days in Vietnam: weekends, public holidays, days off from the config.

A deadline on a Saturday, Sunday or public holiday is shown with a mark
(`reason`); where a *period* ends on a day off, the civil-law rule (Bộ luật
Dân sự 2015, Điều 148) moves its end to the next working day (`roll_forward`).

The public holidays are passed in (`io.holidays.load_calendar` reads them from the
`holidays` package through a cache). Pure: no clock, no files, no package lookups.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

WEEKEND_VI = {5: "Thứ Bảy", 6: "Chủ nhật"}



class WorkCalendar:
    """Which days are worked: Monday to Friday, except public holidays and extra
    days off; plus make-up working days (a Saturday worked in exchange for a bridge day).

    The user's `extra_working_days` win over weekends and public holidays (a way to
    correct the package); a date both in `extra_days_off` and `extra_working_days`
    is a ValueError. Dates outside `years` know only weekends and the user's days.
    """

    __slots__ = ("years", "public", "extra_days_off", "working", "_ex_ords", "_ex_prefix")

    def __init__(self, public_holidays: dict[date, str] | None = None, extra_days_off: dict[date, str] | None = None,
                 extra_working_days=(), official_working_days=(), years=()):
        self.years = frozenset(years)
        self.public = dict(public_holidays or {})
        self.extra_days_off = dict(extra_days_off or {})
        clash = self.extra_days_off.keys() & set(extra_working_days)
        if clash:
            listed = ", ".join(d.strftime("%d/%m/%Y") for d in sorted(clash))
            raise ValueError(f"ngày vừa là ngày nghỉ vừa là ngày làm việc bù: {listed}")
        self.working = frozenset(official_working_days) | frozenset(extra_working_days)
        # Dates where the plain Monday-to-Friday rule is wrong, with the correction
        # (+1 a worked weekend day, -1 a weekday off), for O(log n) counting.
        exceptions = []
        for d in sorted(self.public.keys() | self.extra_days_off.keys() | self.working):
            off, weekend = self.is_day_off(d), d.weekday() >= 5
            if off != weekend:
                exceptions.append((d.toordinal(), -1 if off else 1))
        self._ex_ords = [o for o, _ in exceptions]
        self._ex_prefix = [0]
        for _, delta in exceptions:
            self._ex_prefix.append(self._ex_prefix[-1] + delta)

    def covers(self, d: date) -> bool:
        """Whether public holidays are known for the year of `d`."""
        return d.year in self.years

    def is_day_off(self, d: date) -> bool:
        if d in self.extra_days_off:
            return True
        if d in self.working:
            return False
        return d.weekday() >= 5 or d in self.public

    def reason(self, d: date) -> str | None:
        """Why `d` is a day off, in Vietnamese ("Thứ Bảy", "Tết Nguyên Đán"); None for a working day."""
        if not self.is_day_off(d):
            return None
        return self.extra_days_off.get(d) or self.public.get(d) or WEEKEND_VI[d.weekday()]

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        while self.is_day_off(d):
            d += timedelta(days=1)
        return d

    def roll_forward(self, d: date) -> date:
        """Bộ luật Dân sự 2015, Điều 148: a period whose last day is a day off ends
        at the end of the next working day."""
        return self.next_working_day(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (n >= 0; n = 0 gives `d` itself)."""
        if n < 0:
            raise ValueError("n phải >= 0")
        one = timedelta(days=1)
        while n:
            d += one
            if not self.is_day_off(d):
                n -= 1
        return d

    def back_working_days(self, d: date, n: int) -> date:
        """The n-th working day before `d` (n >= 0), for a span counted back from an event."""
        if n < 0:
            raise ValueError("n phải >= 0")
        one = timedelta(days=1)
        while n:
            d -= one
            if not self.is_day_off(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative (minus those in (b, a]) when b is before a."""
        return self._rank(b) - self._rank(a)

    def _rank(self, d: date) -> int:
        """Working days from 0001-01-01 (a Monday, ordinal 1) to `d` inclusive."""
        n = d.toordinal()
        weekdays = n // 7 * 5 + min(n % 7, 5)
        return weekdays + self._ex_prefix[bisect_right(self._ex_ords, n)]


def period_years(periods) -> set[int]:
    """The years a working-day calendar must know for plans with these (start, end) periods: each period's
    years, and one either side."""
    years: set[int] = set()
    for start, end in periods:
        years.update(range(start.year - 1, end.year + 2))
    return years
