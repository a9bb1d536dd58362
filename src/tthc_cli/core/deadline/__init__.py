"""The deadline grammar: Vietnamese deadline phrases resolved to dates.

Pure: no I/O, no clock. `resolve(text, period)` never raises and prefers kind
"unknown" over a guess, because a wrong date is worse than none.

Modules, from the bottom up:
- `model`: the plan period and what a phrase resolves to (occurrences, lags, milestones);
- `lexer`: numbers, numeric dates, citations, clock times, words;
- `atoms`: every way a phrase names one span (a day, month, quarter, half-year, year,
  school year, span of years, part of a period, a public holiday);
- `series`: the occurrences of a recurring duty;
- `phrase`: one duty read from its pieces (modifiers, lists, ranges, recurrence,
  events with a lag), with coverage: nothing date-like may be left unread;
- `cells`: a whole cell, split into duties (milestones).
"""

from __future__ import annotations

from functools import lru_cache

from tthc_cli.core.deadline.model import iso_date  # noqa: F401 (part of the package's interface)
from tthc_cli.core.deadline.model import (FREQS, KIND_VI, KINDS, LAG_UNITS, ROMAN, Lag, Milestone, Occurrence, Period,
                                     Resolution, fmt, month_end, quarter_label)

__all__ = ["FREQS", "KIND_VI", "KINDS", "LAG_UNITS", "ROMAN", "Lag", "Milestone", "Occurrence", "Period",
           "Resolution", "fmt", "month_end", "quarter_label", "normalise", "resolve", "parse_period", "iso_date"]


def normalise(text: str) -> str:
    """NFC, no HTML, single spaces, no leading bullet or trailing full stop."""
    from tthc_cli.core.deadline.lexer import normalise as _normalise

    return _normalise(text)


@lru_cache(maxsize=4096)
def resolve(text: str, period: Period | None = None) -> Resolution:
    """Resolve a deadline cell as written in a plan; never raises."""
    from tthc_cli.core.deadline.cells import resolve_cell

    shown = text if isinstance(text, str) else str(text)
    if len(shown) > 4000:  # no real deadline cell is this long; reading it would only cost time
        return Resolution(shown[:200], "unknown", warnings=("ô thời hạn quá dài",))
    try:
        return resolve_cell(shown, period)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; unknown is safe
        return Resolution(shown, "unknown", warnings=("không đọc được thời hạn",))


def parse_period(value) -> Period:
    """A plan period from `2026`, {start, end}, or a span's name (core.dates.parse_span): "2026",
    "2025-07-01..2025-12-31", "6 tháng cuối năm 2025", "Quý II/2026" …

    Raises ValueError with a Vietnamese message.
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if 1900 <= value <= 2200:
            return Period.year(value)
        raise ValueError(f"năm {value} không hợp lệ")
    if isinstance(value, dict):
        start, end = value.get("start"), value.get("end")
        start = iso_date(start)
        end = iso_date(end)
        if end < start:
            raise ValueError("ngày kết thúc trước ngày bắt đầu")
        return Period(start, end)
    if isinstance(value, str):
        from tthc_cli.core.deadline.spans import parse_span  # the one reader of named spans

        span = parse_span(value)
        if span is not None:
            return Period(span[1], span[2])
    raise ValueError(f"không hiểu thời gian kế hoạch {value!r} (ví dụ: 2026 hoặc 2025-07-01..2025-12-31)")
