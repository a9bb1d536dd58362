"""Every day and span a user types on the command line or in the config: one strict reader for each.

Days: ISO (2026-06-01), Vietnamese order (01/06/2026) or words ("hôm qua"); windows: "14d", "2w", "1m",
"10wd". Named spans ("Quý II/2026", "6 tháng đầu năm 2026") have one reader too, beside the grammar's
lexer: `core.deadline.spans.parse_span`, behind plan periods and report periods. Pure: today is a parameter.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tthc_cli.core.text import visible, lazy_re
from tthc_cli.errors import UsageError

MIN_YEAR, MAX_YEAR = 1990, 2100
"""The years a day given on the command line may fall in: beyond them it is a typing slip, not a plan."""


def parse_day(value: str, what: str = "--today") -> date:
    """A day from ISO (2026-06-01), Vietnamese order (01/06/2026) or words ("hôm qua").

    Strict: an impossible day or month is an error, never a guess. Only a value with
    letters goes to dateparser, which would read "15/13" as 15/12/2013."""
    v = value.strip()
    shown = visible(value)[:80]
    day = None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", v)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", v)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m:
        try:
            day = date(y, mo, d)
        except ValueError:
            raise UsageError(f'{what}: ngày "{shown}" không tồn tại') from None
    elif not re.search(r"[^\W\d_]", v):  # digits and punctuation only, in no form above
        raise UsageError(f'{what}: không hiểu ngày "{shown}"; hãy viết đủ ngày, tháng, năm: 2026-06-01 hoặc 01/06/2026')
    elif not _DAY_WORDS.search(v) or _TIME_WORDS.search(v) or not v.isprintable():
        # dateparser reads "31m" as 31 minutes ago and "3d" as three days ago: only words that name a day go to it
        raise UsageError(f'{what}: không hiểu ngày "{shown}" (dạng 2026-06-01, 01/06/2026 hoặc "hôm qua")')
    else:
        import dateparser  # free-form words ("hôm qua", "22 tháng 11 năm 2026"): costs ~60 ms, so only here

        try:
            parsed = dateparser.parse(v, languages=["vi", "en"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True})
        except Exception:  # noqa: BLE001 - dateparser raises many kinds on odd text
            parsed = None
        if parsed is None:
            raise UsageError(f'{what}: không hiểu ngày "{shown}" (dạng 2026-06-01 hoặc 01/06/2026)')
        day = parsed.date()
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UsageError(f'{what}: năm {day.year} nằm ngoài khoảng tthc tính được ({MIN_YEAR}–{MAX_YEAR})')
    return day


_DAY_WORDS = lazy_re(r"[^\W\d_]{2,}")
"""A value for dateparser needs a word of two letters or more ("hôm qua", "tháng", "yesterday")."""
_TIME_WORDS = lazy_re(r"\b(?:giờ|phút|giây|hours?|minutes?|mins?|seconds?|secs?)\b", re.IGNORECASE)
"""Times of day are not days: "2 giờ trước" would be today or yesterday depending on the clock."""


class Window:
    """A "due soon" window: calendar days, or working days ("10wd")."""

    def __init__(self, n: int, working: bool):
        self.n, self.working = n, working

    def horizon(self, today: date, calendar_covering) -> date:
        """The last day of the window; `calendar_covering(a, b)` gives a working-day calendar for a..b."""
        if self.working:  # a calendar that knows the holidays of every year the count may reach
            return calendar_covering(today, today + timedelta(days=2 * self.n + 31)).add_working_days(today, self.n)
        return today + timedelta(days=self.n)


def parse_within(value: str, today: date, what: str = "--within") -> Window:
    """A window from "14d", "14", "2w", "1m" (calendar months) or "10wd" (working days)."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*(d|ngày|w|tuần|m|tháng|wd|nlv)?\s*", value)
    if not m:
        raise UsageError(f'{what}: không hiểu "{value}" (ví dụ: 14d, 2w, 1m, 10wd)')
    n, unit = int(m.group(1)), m.group(2)
    if n * (31 if unit in ("m", "tháng") else 7 if unit in ("w", "tuần") else 1) > 3660:
        raise UsageError(f'{what}: "{value}" dài quá 10 năm')
    if unit in ("wd", "nlv"):
        return Window(n, True)
    if unit in ("m", "tháng"):
        from dateutil.relativedelta import relativedelta  # 31/01 + 1 month = 28/02, as people count

        return Window(((today + relativedelta(months=n)) - today).days, False)
    return Window(n * 7 if unit in ("w", "tuần") else n, False)

