"""The one reader of named spans (core.deadline.spans.parse_span), behind plan and report periods."""

from datetime import date as D

import pytest

from tthc_cli.core.deadline import Period, parse_period
from tthc_cli.core.deadline.spans import parse_span
from tthc_cli.core.report import report_period


@pytest.mark.parametrize("text, label, start, end", [
    ("Quý II/2026", "Quý II/2026", D(2026, 4, 1), D(2026, 6, 30)),
    ("quý iv/2025", "Quý IV/2025", D(2025, 10, 1), D(2025, 12, 31)),
    ("quy 2/2026", "Quý II/2026", D(2026, 4, 1), D(2026, 6, 30)),  # no diacritics
    ("Q2/2026", "Quý II/2026", D(2026, 4, 1), D(2026, 6, 30)),
    ("Quý 1 năm 2026", "Quý I/2026", D(2026, 1, 1), D(2026, 3, 31)),
    ("6 tháng đầu năm 2026", "6 tháng đầu năm 2026", D(2026, 1, 1), D(2026, 6, 30)),
    ("9 thang dau nam 2026", "9 tháng đầu năm 2026", D(2026, 1, 1), D(2026, 9, 30)),
    ("6 tháng cuối năm 2025", "6 tháng cuối năm 2025", D(2025, 7, 1), D(2025, 12, 31)),
    ("Năm 2026", "Năm 2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("cả năm 2026", "Năm 2026", D(2026, 1, 1), D(2026, 12, 31)),
    (" 2026 ", "Năm 2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("Tháng 2/2028", "Tháng 2/2028", D(2028, 2, 1), D(2028, 2, 29)),  # a leap year's February
    ("tháng 12 năm 2026", "Tháng 12/2026", D(2026, 12, 1), D(2026, 12, 31)),
    ("2026-04-01..2026-06-30", "01/04/2026–30/06/2026", D(2026, 4, 1), D(2026, 6, 30)),
    ("2025-07-01 – 2025-12-31", "01/07/2025–31/12/2025", D(2025, 7, 1), D(2025, 12, 31)),
    ("2026-06-01/2026-06-01", "01/06/2026–01/06/2026", D(2026, 6, 1), D(2026, 6, 1)),  # one day
])
def test_a_named_span(text, label, start, end):
    assert parse_span(text) == (label, start, end)
    assert report_period(text) == (label, start, end)
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize("text", ["Quý V/2026", "Quý 0/2026", "9 tháng cuối năm 2026", "tuần 3/2026", "x", "",
                                  "Thường xuyên", "30/2020/NĐ-CP"])
def test_not_a_span(text):
    assert parse_span(text) is None
    with pytest.raises(ValueError, match="không hiểu kỳ báo cáo"):
        report_period(text)
    with pytest.raises(ValueError, match="không hiểu thời gian kế hoạch"):
        parse_period(text)


@pytest.mark.parametrize("text, message", [
    ("Tháng 13/2026", "không có tháng 13"),
    ("2026-06-30..2026-04-01", "ngày kết thúc trước ngày bắt đầu"),
    ("2026-02-30..2026-03-31", "2026-02-30"),
    ("Năm 1899", "năm 1899 không hợp lệ"),
    ("Quý I/2201", "năm 2201 không hợp lệ"),
])
def test_a_span_that_cannot_be(text, message):
    with pytest.raises(ValueError, match=message):
        parse_span(text)
