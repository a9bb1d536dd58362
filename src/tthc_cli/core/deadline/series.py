"""The occurrences of a recurring duty inside the plan period."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from tthc_cli.core.deadline.model import Lag, Occurrence, Period, month_end, quarter_label

_WEEKDAY_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


def _label(freq: str, year: int, last_month: int) -> str:
    if freq == "monthly":
        return f"Tháng {last_month}/{year}"
    if freq == "quarterly":
        return quarter_label(year, last_month // 3)
    if freq == "half-yearly":
        return f"6 tháng {'đầu' if last_month == 6 else 'cuối'} năm {year}"
    return f"Năm {year}"


def _day_in(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def series(freq: str, period: Period | None, *, day: tuple[int, int] | None = None, offset: int | None = None,
           month: str = "same", weekday: int | None = None, lag: Lag | None = None,
           next_year: bool = False) -> list[Occurrence]:
    """Every occurrence of `freq` whose period lies in the plan period.

    - `day` pins a yearly series to (month, day);
    - `offset` pins a series to a day of a month: `month` "same" (the period's
      own month, for monthly series) or "last" (the period's last month: "ngày
      25 tháng cuối quý"), or "next" (the month after it: "trước ngày 05 của
      tháng đầu quý sau", a report on the period that falls due after it);
    - `weekday` pins a weekly series (default Sunday, the week's last day);
    - `lag` counts a lag from each period's end ("15 ngày kể từ ngày kết thúc quý");
    - `next_year` puts a yearly `day` in the year after the one reported on ("hằng năm, trước 31/01 năm sau").
    """
    if period is None:
        return []
    if freq == "weekly":
        target = 6 if weekday is None else weekday
        d = period.start + timedelta(days=(target - period.start.weekday()) % 7)
        out = []
        while d <= period.end:
            iso = d.isocalendar()
            label = f"Tuần {iso[1]}/{iso[0]}" if weekday is None else f"{_WEEKDAY_VI[weekday]}, tuần {iso[1]}/{iso[0]}"
            out.append(Occurrence(d, label, "weekly", named_day=weekday is not None))
            d += timedelta(days=7)
        return out
    step = _PERIOD_MONTHS[freq]
    out = []
    for y in period.years():
        for last in range(step, 13, step):
            end = month_end(y, last)
            label = _label(freq, y, last)
            named = bool(day or offset or lag)
            if day is not None and next_year:
                due = _day_in(y + 1, day[0], day[1])
                inside = end in period  # the report on year y, due in the year after
            elif day is not None:
                due = _day_in(y, day[0], day[1])
                inside = due in period
            elif offset is not None and month == "next":
                ny, nm = (y + 1, 1) if last == 12 else (y, last + 1)
                due = _day_in(ny, nm, offset)
                inside = end in period  # the report on a period falls due after it: labelled by the period
            elif offset is not None:
                due = _day_in(y, last, offset)
                inside = due in period
            elif lag is not None:
                due = lag.apply(end)
                inside = end in period
            else:
                due = end
                inside = due in period
            if inside:
                out.append(Occurrence(due, label, freq, named_day=named))
    return out
