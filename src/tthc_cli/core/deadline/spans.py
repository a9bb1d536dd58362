"""Named spans, the one reader behind plan periods (`parse_period`) and report periods (`report_period`):
"Quý II/2026", "6 tháng đầu năm 2026", "Năm 2026", "Tháng 5/2026", ISO ranges."""

from __future__ import annotations

import calendar
import re
from datetime import date

from tthc_cli.core.deadline.lexer import lower, normalise
from tthc_cli.core.deadline.model import fmt, iso_date, quarter_label
from tthc_cli.core.text import fold_diacritics


MIN_SPAN_YEAR, MAX_SPAN_YEAR = 1900, 2200
"""The years a plan or report period may name."""

_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—|/)\s*(\d{4}-\d{2}-\d{2})")
_SPAN = re.compile(r"""
    quy \s+ (?P<q>i{1,3}|iv|[1-4]) \s* (?:/|nam) \s* (?P<qy>\d{4})
  | (?P<n>6|9) \s+ thang \s+ dau \s+ nam \s+ (?P<hy>\d{4})
  | 6 \s+ thang \s+ cuoi \s+ nam \s+ (?P<cy>\d{4})
  | thang \s+ (?P<m>\d{1,2}) \s* (?:/|nam) \s* (?P<my>\d{4})
  | (?:(?:ca \s+)? nam \s+)? (?P<y>\d{4})
""", re.X)


def parse_span(text: str):
    """The span a period's name covers, as (label, first day, last day); None when `text` names no span.

    "Quý II/2026" (also "Quý 2 năm 2026", "Q2/2026", "quy ii/2026"), "6 tháng đầu năm 2026", "9 tháng đầu
    năm 2026", "6 tháng cuối năm 2026", "Năm 2026" ("2026", "cả năm 2026"), "Tháng 5/2026", or two ISO days
    joined by "..", "–", "—" or "/". Accents and case are optional. ValueError (Vietnamese) for a span that
    cannot be: 2026-02-30, an end before its start, month 13, a year beyond 1900–2200."""
    m = _RANGE.fullmatch(text.strip())
    if m:
        a, b = iso_date(m.group(1)), iso_date(m.group(2))
        if b < a:
            raise ValueError("ngày kết thúc trước ngày bắt đầu")
        return f"{fmt(a)}–{fmt(b)}", a, b
    m = _SPAN.fullmatch(" ".join(fold_diacritics(lower(normalise(text))).split()))
    if m is None:
        return None
    y = int(next(v for k, v in m.groupdict().items() if k.endswith("y") and v))
    if not MIN_SPAN_YEAR <= y <= MAX_SPAN_YEAR:
        raise ValueError(f"năm {y} không hợp lệ")
    if m.group("q"):
        q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(m.group("q")) or int(m.group("q"))
        return quarter_label(y, q), date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
    if m.group("n"):
        n = int(m.group("n"))
        return f"{n} tháng đầu năm {y}", date(y, 1, 1), date(y, n, calendar.monthrange(y, n)[1])
    if m.group("cy"):
        return f"6 tháng cuối năm {y}", date(y, 7, 1), date(y, 12, 31)
    if m.group("m"):
        mo = int(m.group("m"))
        if not 1 <= mo <= 12:
            raise ValueError(f"không có tháng {mo}")
        return f"Tháng {mo}/{y}", date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
    return f"Năm {y}", date(y, 1, 1), date(y, 12, 31)
