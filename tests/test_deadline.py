"""The deadline grammar: one table covering every row of domain.md and every
distinct deadline cell of the five seeds, plus properties that must hold for
any text at all."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from tthc_cli.core.deadline import Period, parse_period, resolve
from tthc_cli.errors import UsageError

Y26 = Period.year(2026)
H2_25 = parse_period("2025-07-01..2025-12-31")
Q_ENDS = ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
MONTH_ENDS = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
              "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31"]

# text, period, kind, due dates, other expectations (start, end, note, warnings count, milestones)
CASES = [
    # --- every row of domain.md -------------------------------------------------------
    ("Chậm nhất ngày 15/8/2026", Y26, "due", ["2026-08-15"], {}),
    ("Trước ngày 15/01/2026", Y26, "due", ["2026-01-14"], {}),
    ("05/12/2026", Y26, "due", ["2026-12-05"], {}),
    ("Tháng 01/2026", Y26, "due", ["2026-01-31"], {}),
    ("tháng 11/2026", Y26, "due", ["2026-11-30"], {}),
    ("Quý II/2026", Y26, "due", ["2026-06-30"], {}),
    ("Chậm nhất trong Quý I/2026", Y26, "due", ["2026-03-31"], {}),
    ("Quý II, III năm 2026", Y26, "due", ["2026-06-30", "2026-09-30"], {}),
    ("Quý I,II, III, IV/2026", Y26, "due", Q_ENDS, {}),
    ("Quý I, IV/2026", Y26, "due", ["2026-03-31", "2026-12-31"], {}),
    ("Quý III, IV/2025", Y26, "due", ["2025-09-30", "2025-12-31"], {"warnings": 2}),
    ("Năm 2026", Y26, "due", ["2026-12-31"], {}),
    ("Trước ngày 31/11/2026", Y26, "due", ["2026-11-30"], {"warnings": 1}),
    ("Bắt đầu từ tháng 4 đến tháng 11/2026", Y26, "range", ["2026-11-30"],
     {"start": "2026-04-01", "end": "2026-11-30"}),
    ("Từ ngày 15/3/2026", Y26, "ongoing", [], {"start": "2026-03-15"}),
    ("Thường xuyên", Y26, "ongoing", [], {}),
    ("Thường xuyên trong năm 2026", Y26, "ongoing", [], {"end": "2026-12-31"}),
    ("Thường xuyên hoặc theo lộ trình của Văn phòng UBND thành phố", Y26, "ongoing", [],
     {"note": "hoặc theo lộ trình của Văn phòng UBND thành phố"}),
    ("Hàng năm", Y26, "recurring", ["2026-12-31"], {}),
    ("Hằng năm", Y26, "recurring", ["2026-12-31"], {}),
    ("Định kỳ hằng quý", Y26, "recurring", Q_ENDS, {}),
    ("Định kỳ hàng Quý hoặc đột xuất theo quy định", Y26, "recurring", Q_ENDS,
     {"note": "hoặc đột xuất theo quy định"}),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", Y26, "recurring", Q_ENDS,
     {"recurrence": {"quarterly": Q_ENDS, "half-yearly": ["2026-06-30", "2026-12-31"], "yearly": ["2026-12-31"]}}),
    ("Định kỳ hằng tháng, quý, năm", Y26, "recurring", MONTH_ENDS,
     {"recurrence": {"monthly": MONTH_ENDS, "quarterly": Q_ENDS, "yearly": ["2026-12-31"]}}),
    ("Trước ngày 05/01 hằng năm", Y26, "recurring", ["2026-01-04"], {}),
    ("báo cáo hàng quý và báo cáo năm gửi trước ngày 06 của tháng cuối quý", Y26, "recurring",
     ["2026-03-05", "2026-06-05", "2026-09-05", "2026-12-05"], {}),
    ("Khi có hướng dẫn của cơ quan có thẩm quyền", Y26, "event", [], {}),
    ("Sau khi có Quyết định giao biên chế của sở Nội vụ", Y26, "event", [], {}),
    ("Theo yêu cầu của Sở Nội vụ", Y26, "event", [], {}),
    ("Theo hướng dẫn của Sở, ngành có liên quan", Y26, "event", [], {}),
    ("Theo lộ trình của Nghị quyết", Y26, "event", [], {}),
    ("Theo Kế hoạch số 101/KH-UBND tỉnh.", Y26, "event", [], {}),
    ("Theo các quyết định công bố của Trung ương, của tỉnh", Y26, "event", [], {}),
    ("Khi có phát sinh", Y26, "event", [], {}),
    ("ngay sau khi có chỉ đạo của Chính phủ", Y26, "event", [], {}),
    ("- Kế hoạch kiểm tra: quý I/2026. - Báo cáo kết quả thực hiện: tháng 11/2026.", Y26, "milestones",
     ["2026-03-31", "2026-11-30"],
     {"milestones": [("Kế hoạch kiểm tra", "due", ["2026-03-31"]),
                     ("Báo cáo kết quả thực hiện", "due", ["2026-11-30"])]}),
    ("Thường xuyên. - Báo cáo kết quả: Quý IV/2026.", Y26, "milestones", ["2026-12-31"],
     {"milestones": [(None, "ongoing", []), ("Báo cáo kết quả", "due", ["2026-12-31"])]}),
    ("- Triển khai: Quý I/2026. hàng năm.", Y26, "milestones", ["2026-03-31"],
     {"milestones": [("Triển khai", "recurring", ["2026-03-31"])]}),
    ("Điều 7, 8, 9", Y26, "unknown", [], {}),
    ("105 ngày", Y26, "unknown", [], {}),
    # --- every other distinct deadline cell of the seeds ---------------------------------
    ("- Hàng năm.", Y26, "recurring", ["2026-12-31"], {}),
    ("- Năm 2026.", Y26, "due", ["2026-12-31"], {}),
    ("Năm 2026.", Y26, "due", ["2026-12-31"], {}),
    ("- Quý I/2026.", Y26, "due", ["2026-03-31"], {}),
    ("Quý I/2026", Y26, "due", ["2026-03-31"], {}),
    ("Quý II/2026.", Y26, "due", ["2026-06-30"], {}),
    ("Quý IV/2026", Y26, "due", ["2026-12-31"], {}),
    ("Quý IV/2025", Y26, "due", ["2025-12-31"], {"warnings": 1}),
    ("Quý I, II/2026", Y26, "due", ["2026-03-31", "2026-06-30"], {}),
    ("Quý I, III/2026", Y26, "due", ["2026-03-31", "2026-09-30"], {}),
    ("Quý II, III năm 2026.", Y26, "due", ["2026-06-30", "2026-09-30"], {}),
    ("Quý II, III, IV năm 2026", Y26, "due", ["2026-06-30", "2026-09-30", "2026-12-31"], {}),
    ("Quý III, IV/2026", Y26, "due", ["2026-09-30", "2026-12-31"], {}),
    ("Chậm nhất ngày 09/9/2026", Y26, "due", ["2026-09-09"], {}),
    ("Chậm nhất ngày 12/9/2026", Y26, "due", ["2026-09-12"], {"warnings": 0}),
    ("Chậm nhất ngày 15/9/2026", Y26, "due", ["2026-09-15"], {}),
    ("- Theo hướng dẫn của Bộ Nội vụ.", Y26, "event", [], {}),
    ("Theo kế hoạch của Tỉnh ủy, UBND các cấp.", Y26, "event", [], {}),
    ("Sau khi có hướng dẫn của tỉnh", Y26, "event", [], {}),
    ("- Thường xuyên.", Y26, "ongoing", [], {}),
    ("Thường xuyên.", Y26, "ongoing", [], {}),
    ("Thường xuyên hoặc theo lộ trình", Y26, "ongoing", [], {"note": "hoặc theo lộ trình"}),
    ("Thường xuyên hoặc theo lộ trình của thành phố", Y26, "ongoing", [], {}),
    ("Thường xuyên trong năm 2026.", Y26, "ongoing", [], {"start": "2026-01-01", "end": "2026-12-31"}),
    ("Từ ngày 15/3/2026.", Y26, "ongoing", [], {"start": "2026-03-15"}),
    ("Định kỳ hàng quý.", Y26, "recurring", Q_ENDS, {}),
    ("- Kế hoạch của UBND xã: Chậm nhất trong Quý I/2026. - Báo cáo kết quả thực hiện: Tháng 11/2026.", Y26,
     "milestones", ["2026-03-31", "2026-11-30"],
     {"milestones": [("Kế hoạch của UBND xã", "due", ["2026-03-31"]),
                     ("Báo cáo kết quả thực hiện", "due", ["2026-11-30"])]}),
    ("- Kế hoạch kiểm tra, rà soát văn bản QPPL: chậm nhất trong Quý I/2026. - Báo cáo kết quả rà soát: thực hiện "
     "theo quy định về công tác thống kê, báo cáo của tỉnh.", Y26, "milestones", ["2026-03-31"],
     {"milestones": [("Kế hoạch kiểm tra, rà soát văn bản QPPL", "due", ["2026-03-31"]),
                     ("Báo cáo kết quả rà soát", "unknown", [])]}),
    ('<ul style="list-style-type: none"> - Báo cáo kết quả thực hiện: Định kỳ hàng Quý hoặc đột xuất theo quy định.',
     Y26, "milestones", Q_ENDS, {"milestones": [("Báo cáo kết quả thực hiện", "recurring", Q_ENDS)]}),
    ('<ul style="list-style-type: none"> - Báo cáo tự chấm điểm của các phòng chuyên môn, TTPVHCC: Trước ngày '
     '31/11/2026; - Báo cáo tổng hợp chỉ số cải cách hành chính toàn xã: 05/12/2026.', Y26, "milestones",
     ["2026-11-30", "2026-12-05"],
     {"warnings": 1, "milestones": [("Báo cáo tự chấm điểm của các phòng chuyên môn, TTPVHCC", "due", ["2026-11-30"]),
                                    ("Báo cáo tổng hợp chỉ số cải cách hành chính toàn xã", "due", ["2026-12-05"])]}),
    ('<ul style="list-style-type: none"> - Kế hoạch cải cách hành chính năm UBND xã: Trước ngày 05/01 hằng năm. - '
     'Báo cáo kết quả thực hiện của các cơ quan, đơn vị: Định kỳ hằng Quý hoặc đột xuất theo quy định', Y26,
     "milestones", ["2026-01-04", *Q_ENDS],
     {"milestones": [("Kế hoạch cải cách hành chính năm UBND xã", "recurring", ["2026-01-04"]),
                     ("Báo cáo kết quả thực hiện của các cơ quan, đơn vị", "recurring", Q_ENDS)]}),
    ('<ul style="list-style-type: none"> - Kế hoạch kiểm tra: quý I/2026. - Báo cáo kết quả thực hiện: tháng 11/2026.',
     Y26, "milestones", ["2026-03-31", "2026-11-30"], {}),
    ('<ul style="list-style-type: none"> - Văn bản triển khai: ngay sau khi có chỉ đạo của Chính phủ; Thủ tướng '
     'Chính phủ. - Báo cáo kết quả thực hiện cùng báo cáo CCHC định kỳ hằng quý.', Y26, "milestones", Q_ENDS,
     {"milestones": [("Văn bản triển khai", "event", []),
                     ("Báo cáo kết quả thực hiện cùng báo cáo CCHC", "recurring", Q_ENDS)]}),
    ("của Văn phòng UBND thành phố và các Sở, ngành có liên quan", Y26, "unknown", [], {}),
    ("trước ngày 30/11/2026", Y26, "due", ["2026-11-29"], {}),
    # --- a half-year plan (seed 003): series stay inside the period ----------------------
    ("Định kỳ hằng quý", H2_25, "recurring", ["2025-09-30", "2025-12-31"], {}),
    ("Hằng năm", H2_25, "recurring", ["2025-12-31"], {}),
    ("Định kỳ hằng quý, 6 tháng, 1 năm", H2_25, "recurring", ["2025-09-30", "2025-12-31"], {}),
    ("gửi trước ngày 06 của tháng cuối quý", H2_25, "recurring", ["2025-09-05", "2025-12-05"], {}),
    ("Quý IV", H2_25, "due", ["2025-12-31"], {}),
    ("Trước ngày 15/01/2026", H2_25, "due", ["2026-01-14"], {"warnings": 1}),
    # --- other phrasing a well-made tool accepts --------------------------------------
    ("ngày 15 tháng 8 năm 2026", Y26, "due", ["2026-08-15"], {}),
    ("6 tháng đầu năm 2026", Y26, "due", ["2026-06-30"], {}),
    ("Quý 2/2026", Y26, "due", ["2026-06-30"], {}),
    ("Từ ngày 01/3/2026 đến ngày 30/4/2026", Y26, "range", ["2026-04-30"], {"start": "2026-03-01"}),
    ("Chậm nhất ngày 31/02/2026", Y26, "due", ["2026-02-28"], {"warnings": 1}),
    # --- prefer unknown over a guess -------------------------------------------------
    ("Quý I hoặc quý II/2026", Y26, "unknown", [], {}),
    ("Chậm nhất ngày 45/8/2026", Y26, "unknown", [], {}),
    ("Tháng 13/2026", Y26, "unknown", [], {}),
    ("Trong vòng 15 ngày làm việc", Y26, "unknown", [], {}),
    ("Quý V/2026", Y26, "unknown", [], {}),
    ("theo Điều 12 Nghị định 63/2010/NĐ-CP", Y26, "unknown", [], {}),
    ("", Y26, "unknown", [], {}),
    ("Quý II", None, "unknown", [], {}),
]


@pytest.mark.parametrize("text,period,kind,due,extra", CASES, ids=[c[0][:50] or "empty" for c in CASES])
def test_resolve(text, period, kind, due, extra):
    _sane(resolve(text, period))
    res = resolve(text, period).to_json()
    assert res["kind"] == kind
    assert res["due"] == due
    for key in ("start", "end", "note"):
        if key in extra:
            assert res[key] == extra[key]
    if "warnings" in extra:
        assert len(res["warnings"]) == extra["warnings"], res["warnings"]
    if "recurrence" in extra:
        assert {r["freq"]: r["due"] for r in res["recurrence"]} == extra["recurrence"]
    if "milestones" in extra:
        got = [(m["label"], m["kind"], m["due"]) for m in res["milestones"]]
        assert got == extra["milestones"]


def test_occurrence_labels_name_quarters_and_half_years():
    res = resolve("Định kỳ hằng quý, 6 tháng, 1 năm", Y26)
    labels = [(o.due.isoformat(), o.label) for o in res.occurrences]
    assert ("2026-06-30", "Quý II/2026") in labels
    assert ("2026-06-30", "6 tháng đầu năm 2026") in labels
    assert ("2026-12-31", "Năm 2026") in labels
    assert len(labels) == 4 + 2 + 1


def test_every_domain_row_through_the_cli(tthc):
    """`tthc resolve --format json` reads phrases from stdin, one JSON object per line."""
    rows = [c for c in CASES[:40] if c[1] is Y26]
    stdin = "\n".join(c[0] for c in rows) + "\n"
    r = tthc("resolve", "--period", "2026", "--format", "json", stdin=stdin)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) == len(rows)
    for line, (text, _, kind, due, _) in zip(lines, rows):
        obj = json.loads(line)
        assert set(obj) >= {"text", "kind", "due", "start", "end", "milestones", "warnings"}
        assert (obj["kind"], obj["due"]) == (kind, due), text


def test_cli_period_range_and_arguments(tthc):
    r = tthc("resolve", "Định kỳ hằng quý", "Quý IV", "--period", "2025-07-01..2025-12-31", "--format", "json")
    assert r.code == 0, r.err
    a, b = (json.loads(x) for x in r.out.splitlines())
    assert a["due"] == ["2025-09-30", "2025-12-31"]
    assert b["due"] == ["2025-12-31"]


def test_cli_text_output_is_vietnamese(tthc):
    r = tthc("resolve", "Trước ngày 31/11/2026", "--period", "2026")
    assert r.code == 0
    assert "30/11/2026" in r.out and "không tồn tại" in r.out


def test_cli_bad_period(tthc):
    r = tthc("resolve", "Quý I", "--period", "năm ngoái")
    assert r.code == UsageError.exit_code
    assert "--period" in r.err and "Traceback" not in r.err


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_gives_a_sane_result(text):
    """Whatever the text: a known kind, JSON that serialises, dates in sane bounds, sorted, labelled series."""
    res = resolve(text, Y26)
    out = res.to_json()
    json.dumps(out)
    assert out["kind"] in ("due", "range", "ongoing", "recurring", "event", "milestones", "unknown")
    _sane(res)


def _sane(res):
    assert "không đọc được thời hạn" not in res.warnings  # the grammar's own error, swallowed by resolve
    out = res.to_json()
    assert out["due"] == sorted(out["due"])
    for d in res.due:
        assert 1900 <= d.year <= 2201
    if res.kind == "recurring":
        assert res.recurrence and all(o.label and o.freq in res.recurrence for o in res.occurrences)
    if res.kind == "unknown":
        assert not res.due and res.start is None
    if res.kind == "range":
        assert res.start is not None and res.end is not None and res.start <= res.end
    for m in res.milestones:
        _sane(m.resolution)


# numbers that are never dates, in the ways documents write them
_not_dates = st.sampled_from([
    "Điều 7", "Điều 7, 8, 9", "khoản 2 Điều 15", "Nghị định 30/2020/NĐ-CP", "Kế hoạch số 101/KH-UBND",
    "Quyết định số 1234/QĐ-UBND ngày 05/3/2026", "Nghị quyết 57-NQ/TW", "105 ngày", "15 ngày làm việc",
    "trong vòng 30 ngày", "100%", "8h00", "14 giờ 30", "lớp 10", "lần thứ XIII", "học kỳ II", "khóa XV",
    "Luật Đất đai năm 2024", "Bộ luật Dân sự 2015", "điểm a khoản 1 Điều 5", "02 cấp", "đợt 2"])
_filler = st.sampled_from(["thực hiện", "theo", "của", "UBND xã", "báo cáo kết quả", "các cơ quan", ",", "và",
                           "(", ")", "quy định tại", "đối với", "hồ sơ", "Sở Nội vụ"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_not_dates, _filler), min_size=1, max_size=7))
def test_no_date_from_a_number_that_is_not_a_date(words):
    """Article and decree numbers, counts of days, clock times, class and term numbers never become a date."""
    res = resolve(" ".join(words), Y26)
    assert res.due == () and res.start is None, (res.kind, res.due)
    _sane(res)


_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
_written = st.sampled_from(["{d}/{m}/{y}", "{d:02d}/{m:02d}/{y}", "{d}-{m}-{y}", "{d}.{m}.{y}",
                            "ngày {d} tháng {m} năm {y}", "ngày {d:02d}/{m}/{y}", "ngày {d}/{m}/{y}",
                            "{d} tháng {m} năm {y}", "ngày {d}-{m}-{y}"])
_modifiers = st.sampled_from([("", 0), ("Chậm nhất ", 0), ("chậm nhất là ", 0), ("Trước ", -1),
                              ("hoàn thành trước ", -1), ("Hạn chót: ", 0), ("dự kiến ", 0), ("trong ", 0),
                              ("gửi báo cáo về Sở Nội vụ trước ", -1), ("Tổ chức vào ", 0), ("đến ", 0)])
_tails = st.sampled_from(["", ".", " (theo Điều 7 Nghị định 30/2020/NĐ-CP)", " (8h00)", ";"])


@settings(max_examples=400, deadline=None)
@given(_days, _written, _modifiers, _tails)
def test_a_day_written_any_way_is_that_day(day, written, modifier, tail):
    """Every written form of a day, with a modifier in front and a citation or clock time after, gives that day
    (the day before it with "trước")."""
    prefix, shift = modifier
    text = prefix + written.format(d=day.day, m=day.month, y=day.year) + tail
    res = resolve(text, Period.year(day.year))
    assert res.kind == "due", (text, res.warnings)
    assert res.due == (day + timedelta(days=shift),), text


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(1, 4), min_size=1, max_size=4), st.integers(2020, 2030),
       st.sampled_from(["roman", "arabic"]), st.sampled_from([", ", " và ", ","]), st.sampled_from(["/", " năm "]))
def test_quarter_lists_share_their_year(quarters, year, numerals, sep, year_sep):
    names = [("I", "II", "III", "IV")[q - 1] if numerals == "roman" else str(q) for q in sorted(quarters)]
    text = "Quý " + sep.join(names) + year_sep + str(year)
    res = resolve(text, Period.year(year))
    ends = [date(year, 3 * q, 31 if q in (1, 4) else 30) for q in sorted(quarters)]
    assert res.kind == "due" and list(res.due) == ends, text
    assert [o.label for o in res.occurrences] == [f"Quý {('I', 'II', 'III', 'IV')[q - 1]}/{year}"
                                                   for q in sorted(quarters)]


def test_cli_phrases_starting_with_a_bullet(tthc):
    """Cells like "- Quý I/2026." are phrases, not options, wherever they stand."""
    r = tthc("resolve", "- Triển khai: Quý I/2026. hàng năm.", "--period", "2026", "- Hàng năm.", "-f", "json")
    assert r.code == 0, r.err
    a, b = (json.loads(x) for x in r.out.splitlines())
    assert a["milestones"][0]["label"] == "Triển khai" and b["kind"] == "recurring"
    text = tthc("resolve", "- Kế hoạch kiểm tra: quý I/2026. - Báo cáo kết quả thực hiện: tháng 11/2026.",
                "--period", "2026")
    assert "loại: nhiều mốc" in text.out and "• Kế hoạch kiểm tra: hạn cụ thể; hạn: 31/03/2026" in text.out
    assert tthc("resolve", "--bogus", "x").code == UsageError.exit_code


def test_explain_says_how_the_phrase_was_read(tthc):
    r = tthc("resolve", "--period", "2026", "--explain",
             "Gửi báo cáo về Sở Nội vụ trước ngày 15/12/2026 (theo Điều 7 Nghị định số 30/2020/NĐ-CP ngày 05/3/2020)",
             "Quý II hoặc quý III/2026")
    assert r.code == 0, r.err
    first, second = r.out.split("Quý II hoặc")
    assert "hạn: 14/12/2026" in first
    assert "bỏ qua trích dẫn: “Điều 7”" in first
    assert "bỏ qua trích dẫn: “Nghị định số 30/2020/NĐ-CP ngày 05/3/2020”" in first
    assert "“trước ngày 15/12/2026”: ngày liền trước ngày đó → 14/12/2026" in first
    assert "loại: chưa xác định" in second and "“hoặc” giữa hai thời hạn" in second
    j = json.loads(tthc("resolve", "--period", "2026", "-f", "json", "-e", "Quý II/2026").out)
    assert j["explain"] == ["“Quý II/2026”: ngày cuối của kỳ (Điều 146 Bộ luật Dân sự) → 30/06/2026"]
    assert j["lag"] is None and "explain" not in json.loads(tthc("resolve", "-f", "json", "Quý II/2026").out)


def test_a_leftover_is_named_in_the_warning():
    res = resolve("Quý II/2026 và các tháng còn lại", Y26)
    assert res.kind == "unknown" and res.warnings == ("không hiểu phần: “tháng”",)
    res = resolve("Quý II/2026 và các năm tiếp theo", Y26)  # each year by the end of its second quarter
    assert res.kind == "recurring" and [d.isoformat() for d in res.due] == ["2026-06-30"]
    res = resolve("trong các tháng mùa khô hằng năm", Y26)
    assert res.kind == "unknown" and "“tháng”" in res.warnings[0] and "“mùa khô”" in res.warnings[0]


NEW_FAMILIES = [
    # text, kind, due, start
    ("Trước quý II/2026", "due", ["2026-03-31"], None),
    ("Trước tháng 6/2026", "due", ["2026-05-31"], None),
    ("Thứ Sáu, ngày 14/8/2026", "due", ["2026-08-14"], None),
    ("ngày 15 (mười lăm) tháng 8 năm 2026", "due", ["2026-08-15"], None),
    ("8 giờ 00 ngày 15/8/2026", "due", ["2026-08-15"], None),
    ("8/2026", "due", ["2026-08-31"], None),
    ("2026", "due", ["2026-12-31"], None),
    ("9 tháng đầu năm 2026", "due", ["2026-09-30"], None),
    ("năm học 2025-2026", "range", ["2026-05-31"], "2025-09-05"),
    ("giai đoạn 2026-2030", "range", ["2030-12-31"], "2026-01-01"),
    ("cuối tháng 6/2026", "due", ["2026-06-30"], None),
    ("giữa năm 2026", "due", ["2026-06-30"], None),
    ("đầu quý III/2026", "due", ["2026-07-01"], None),
    ("tháng 01 năm sau", "due", ["2027-01-31"], None),
    ("Trước Tết Nguyên đán", "due", ["2026-02-16"], None),
    ("trước Tết Nguyên đán Đinh Mùi", "due", ["2027-02-05"], None),
    ("tháng 3, 6 và 9/2026", "due", ["2026-03-31", "2026-06-30", "2026-09-30"], None),
    ("tháng 5 và quý II năm 2026", "due", ["2026-05-31", "2026-06-30"], None),
    ("ngày 12-14/3/2026", "range", ["2026-03-14"], "2026-03-12"),
    ("(05/10 - 15/10/2026)", "range", ["2026-10-15"], "2026-10-05"),
    ("từ tháng 11/2026 đến quý I/2027", "range", ["2027-03-31"], "2026-11-01"),
    ("từ ngày 10 đến ngày 15 hằng tháng", "recurring", [f"2026-{m:02d}-15" for m in range(1, 13)], None),
    ("ngày 25 tháng cuối quý", "recurring", ["2026-03-25", "2026-06-25", "2026-09-25", "2026-12-25"], None),
    ("trước ngày 05 của tháng đầu quý sau", "recurring", ["2026-04-04", "2026-07-04", "2026-10-04", "2027-01-04"],
     None),
    ("Thứ Sáu hằng tuần", "recurring", None, None),
    ("từ tháng 4 đến tháng 10 hằng năm", "recurring", ["2026-10-31"], None),
    ("dự kiến ngày 10/6/2026 (chậm nhất ngày 20/6/2026)", "due", ["2026-06-20"], None),
    ("trong thời hạn 30 ngày kể từ ngày 01/7/2026", "due", ["2026-07-31"], None),
    ("trong 15 ngày kể từ ngày kết thúc quý", "recurring", ["2026-04-15", "2026-07-15", "2026-10-15", "2027-01-15"],
     None),
    ("Thường xuyên; báo cáo kết quả trước ngày 10/12/2026", "milestones", ["2026-12-09"], None),
    ("Luật Phổ biến, giáo dục pháp luật được áp dụng hằng năm", "unknown", [], None),
    ("15 ngày", "unknown", [], None),
]


@pytest.mark.parametrize("text,kind,due,start", NEW_FAMILIES, ids=[c[0][:40] for c in NEW_FAMILIES])
def test_new_families(text, kind, due, start):
    out = resolve(text, Y26).to_json()
    assert out["kind"] == kind, out["warnings"]
    if due is not None:
        assert out["due"] == due
    assert out["start"] == start


def test_weekly_series_and_labels():
    res = resolve("Thứ Sáu hằng tuần", Y26)
    assert res.recurrence == ("weekly",) and len(res.occurrences) == 52
    assert all(o.due.weekday() == 4 for o in res.occurrences)
    assert res.to_json()["recurrence"][0]["freq"] == "weekly"
    before = resolve("Trước quý II/2026", Y26).occurrences[0]
    assert (before.label, before.alias) == ("Quý I/2026", "Quý II/2026")


def test_a_weekday_that_disagrees_is_a_warning():
    res = resolve("Thứ Hai, ngày 14/8/2026", Y26)
    assert res.due == (date(2026, 8, 14),)
    assert res.warnings == ("Thứ Hai không khớp với ngày 14/08/2026 (Thứ Sáu)",)


# Constructed by an adversarial review (not real documents): each once gave a silent wrong date.
# None as due: the phrase must come out unknown (or an event) with no date at all.
ADVERSARIAL = [
    ("Tết Trung thu", None), ("Trước Tết Trung thu", None), ("Tết Thiếu nhi", None), ("Tết trồng cây", None),
    ("quí II/2026", ["2026-06-30"]), ("quí 2/2026", ["2026-06-30"]), ("quy II/2026", ["2026-06-30"]),
    ("QII/2026", ["2026-06-30"]), ("Q 2/2026", ["2026-06-30"]), ("quỹ II/2026", None),
    ("Quý I-II/2026", ["2026-06-30"]), ("Quý I đến II/2026", ["2026-06-30"]),
    ("đầu tháng 6 và 7/2026", ["2026-06-01", "2026-07-01"]), ("giữa tháng 6, 7", ["2026-06-15", "2026-07-15"]),
    ("nửa đầu năm 2026", ["2026-06-30"]), ("nửa đầu tháng 6", None),
    ("trước 17 giờ ngày 15/8/2026", ["2026-08-15"]), ("Trước 24h ngày 15/8/2026", ["2026-08-15"]),
    ("trước 0 giờ ngày 15/8/2026", ["2026-08-14"]),
    ("Trước Tết Nguyên đán 10 ngày", ["2026-02-07"]), ("trước ngày 15/8/2026 05 ngày", ["2026-08-10"]),
    ("Thực hiện theo mục 2.3", None), ("Chỉ tiêu 1.1", None), ("Đạt 8.5 điểm", None),
    ("Năm 2026 đạt trên 8.5 điểm", ["2026-12-31"]), ("Trực 24/7", None), ("Trước 24/7", ["2026-07-23"]),
    ("Theo Kế hoạch ngày 15/3/2026 của UBND tỉnh", None), ("Thực hiện theo Công văn ngày 05/3/2026", None),
    ("Nghị định 30/2020/NĐ-CP (05/3/2020)", None), ("Thực hiện theo Thông tư 01/2026", None),
    ("Quý II/2026 (theo Nghị định 30/2020/NĐ-CP, ngày 05/3/2020)", ["2026-06-30"]),
    ("ngày làm việc đầu tiên của tháng 6", None), ("học kỳ I năm học 2025-2026", None),
    ("năm học 2025-2026 và 2026-2027", ["2026-05-31", "2027-05-31"]), ("năm học 2026", None),
    ("Khai giảng năm học 2026-2027", None), ("Tuyển sinh lớp 10 năm học 2026-2027", None),
    ("Báo cáo tháng 6 và tháng 12", ["2026-06-30", "2026-12-31"]),
    ("Kiểm tra quý II, báo cáo trước 15/7/2026", ["2026-06-30", "2026-07-14"]),
    ("quý II, trước 15/7/2026", ["2026-06-30", "2026-07-14"]),
    ("dự kiến ngày 10/8/2026, chậm nhất ngày 15/8/2026", ["2026-08-15"]),
    ("Dự kiến tháng 6/2026, chậm nhất tháng 7/2026", ["2026-07-31"]),
    ("Quý I, trước quý III", ["2026-03-31", "2026-06-30"]), ("ngày 15/8 và trước ngày 20/8", ["2026-08-15", "2026-08-19"]),
    ("Số liệu tính đến 30/6/2026, gửi trước 05/7/2026", ["2026-07-04"]),
    ("Quý I/II/2026", ["2026-03-31", "2026-06-30"]), ("Quý II;III/2026", ["2026-06-30", "2026-09-30"]),
    ("Quý III; IV/2025", ["2025-09-30", "2025-12-31"]), ("tháng 6; 9/2027", ["2027-06-30", "2027-09-30"]),
    ("đầu mỗi tháng", None), ("giữa hằng tháng", None),
    ("Trước kỳ thi tốt nghiệp THPT năm 2026", None), ("Sau kỳ họp cuối năm 2026", None),
    ("Trước Đại hội Đảng bộ xã nhiệm kỳ 2025-2030", None),
    ("6 tháng năm 2026", ["2026-06-30"]), ("Báo cáo 9 tháng năm 2026", ["2026-09-30"]),
    ("trước 6 tháng cuối năm", ["2026-06-30"]), ("Báo cáo 6 tháng và năm 2026", None),
    ("Thường xuyên, Quý IV/2026 báo cáo", ["2026-12-31"]), ("Từ 7h30 đến 11h30 ngày 15/8/2026", ["2026-08-15"]),
    ("ngày 15/8 ÂL", None), ("Trong 48 giờ kể từ ngày 15/8/2026", None), ("72 giờ trước ngày 15/8/2026", None),
    ("15/8-2026", ["2026-08-15"]), ("ngày 15/8 - 2026", None), ("đợt 2/2026", None), ("vụ Đông Xuân 2026", None),
    ("học kỳ I/2026", None), ("Thu ngân sách tăng 5% hàng năm", None),
    ("lấy ngày 9/11 hằng năm là Ngày Pháp luật Việt Nam", None),
    ("vào ngày 22/2 (mùng 6 Tết Bính Ngọ)", ["2026-02-22"]), ("vào ngày 23/2 (mùng 6 Tết Bính Ngọ)", None),
    # second round
    ("Cuối năm học", None), ("đầu năm học", None), ("Quý IV/2026 (12/12 thôn)", ["2026-12-31"]),
    ("Năm 2026 đạt 9/9 tiêu chí", ["2026-12-31"]), ("Năm 2026, tỷ lệ 1/2", None),
    ("1-2 cuộc kiểm tra trong năm 2026", ["2026-12-31"]), ("Năm 2026: 3/5 xã; Năm 2027: 5/5 xã", ["2026-12-31", "2027-12-31"]),
    ("trước 15/8 hồ sơ gửi về", ["2026-08-14"]),
    ("Quý 2-3/2026", ["2026-09-30"]), ("quý 2 đến 3/2026", ["2026-09-30"]), ("Quý 1-2/2026", ["2026-06-30"]),
    ("Hằng năm (trước 31/01 năm sau)", ["2027-01-30"]), ("Hằng năm, trong quý I năm sau", ["2027-03-31"]),
    ("theo KH 15/KH-UBND ngày 10/01/2026", None), ("Theo QĐ 1015/QĐ-UBND ngày 15/8/2025", None),
    ("Thực hiện theo Giấy mời số 12/GM-UBND ngày 05/3/2026", None),
    ("Tết Khmer", None), ("Tết cổ truyền dân tộc Khmer", None), ("Tết Trung nguyên", None), ("Tết Mông", None),
    ("tháng 1, tháng 2 năm sau", ["2027-01-31", "2027-02-28"]),
    ("tháng 11, 12 và 1/2027", ["2026-11-30", "2026-12-31", "2027-01-31"]),
    ("ngày 30/10 và ngày 30/01 của năm sau", ["2026-10-30", "2027-01-30"]),
    ("Trung thu 2026", None), ("Vu lan 2026", None), ("Giáng sinh 2026", None), ("Giỗ Tổ 2026", ["2026-04-26"]),
    ("Mừng Đảng - Mừng Xuân 2026", None), ("Xuân Bính Ngọ 2026", None), ("Trước dịp Xuân 2026", None),
    ("Sơ kết giữa nhiệm kỳ 2026-2031", None), ("Tổng kết nhiệm kỳ 2021-2026 của HĐND xã", None),
    ("2026-12-01", ["2026-12-01"]), ("ngày 25 tháng 6 và tháng 12", None),
    ("ngày 15 tháng 6 và tháng 12 hằng năm", None),
    ("Trước kỳ họp thứ 5 HĐND xã (tháng 12/2026)", None), ("Từ thứ 2 đến thứ 6 hằng tuần", None),
    ("Xuân Trường quý II/2026", ["2026-06-30"]),
    # third round
    ("Trước ngày\n15/12/2026", ["2026-12-14"]), ("Trước ngày 20\nhằng tháng", [f"2026-{m:02d}-19" for m in range(1, 13)]),
    ("Tháng 6\nnăm 2026", ["2026-06-30"]), ("Từ ngày\n01/7/2026", []),
    ("Định kỳ hằng quý; trước ngày 20 của tháng cuối quý", ["2026-03-19", "2026-06-19", "2026-09-19", "2026-12-19"]),
    ("Hằng tháng; trước ngày 25", [f"2026-{m:02d}-24" for m in range(1, 13)]),
    ("- Kế hoạch kiểm tra: quý I/2026 - Báo cáo kết quả thực hiện: tháng 11/2026", ["2026-03-31", "2026-11-30"]),
    ("sơ kết tháng 6 - tổng kết tháng 12", None),
    ("Báo cáo quý II, gửi trước 05/7/2026", ["2026-07-04"]),
    ("Kỳ báo cáo: từ 15/12/2025 đến 14/6/2026; thời hạn gửi: 20/6/2026", ["2026-06-20"]),
    ("Số liệu chốt đến 15/6, gửi trước 20/6/2026", ["2026-06-19"]),
    ("Báo cáo quý: trước ngày 10 tháng sau", ["2026-04-09", "2026-07-09", "2026-10-09", "2027-01-09"]),
    ("Báo cáo năm: trước ngày 15 tháng sau", ["2027-01-14"]),
    ("truoc ngay 15/8/2026", None), ("tu ngay 01/7/2026", None), ("truớc ngày 15/8/2026", ["2026-08-14"]),
    ("Trứơc ngày 15/8/2026", ["2026-08-14"]),
    ("Dự kiến ngày 10/8/2026; chậm nhất ngày 15/8/2026", ["2026-08-15"]),
    ("Dự kiến: tháng 6/2026; Chậm nhất: tháng 7/2026", ["2026-07-31"]),
    ("phấn đấu hoàn thành trước 30/6/2026, nhưng không quá 31/7/2026", ["2026-07-31"]),
    ("T6, ngày 21/8/2026", ["2026-08-21"]), ("Thôn 1, ngày 10/8/2026; Thôn 2, ngày 12/8/2026", None),
    ("tháng 3; tháng 9/2027", ["2027-03-31", "2027-09-30"]), ("ngày 15/3; ngày 15/9/2027", ["2027-03-15", "2027-09-15"]),
    ("trước 30 ngày kể từ ngày 31/12/2026", None), ("05 ngày sau Tết Nguyên đán", None),
    ("trong 10 ngày sau khi kết thúc Tết", None), ("trước 3 ngày (ngày 12/8/2026)", ["2026-08-12"]),
    ("trước ngày 05, 10 và 15/6/2026", ["2026-06-04", "2026-06-09", "2026-06-14"]),
    ("6 tháng đầu năm sau", ["2027-06-30"]), ("Quý IV/2026 và quý I", ["2026-12-31", "2027-03-31"]),
    ("sớm nhất ngày 15/8/2026", None), ("Quý V/2026", None),
    ("Sau khi có hướng dẫn của tỉnh, trước ngày 30/6/2026", ["2026-06-29"]),
    # fourth round
    ("Phấn đấu hoàn thành 50% trước 30/6 và 100% trước 30/11/2026", ["2026-06-29", "2026-11-29"]),
    ("Dự kiến sơ kết 6 tháng trước ngày 15/7, tổng kết năm trước ngày 15/12/2026", ["2026-07-14", "2026-12-14"]),
    ("Dự kiến chậm nhất ngày 10/8 và chậm nhất ngày 20/8/2026", ["2026-08-10", "2026-08-20"]),
    ("hai tháng một lần", None), ("hai tuần một lần", None), ("bốn tháng một lần", None),
    ("3 tháng một lần", ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ("ngày 20 tháng cuối quý trước", None), ("ngày 20 hằng tháng trước", None),
    ("trong 10 ngày đầu của tháng tiếp theo", [f"2026-{m:02d}-10" for m in range(2, 13)] + ["2027-01-10"]),
    ("Ngày 9/11 hằng năm là Ngày Pháp luật Việt Nam", None),
    # fifth round
    ("Sơ kết 9 tháng trước ngày 15/10", ["2026-10-14"]), ("Báo cáo 9 tháng trước ngày 20/9", ["2026-09-19"]),
    ("Quý I trước 20/3; 6 tháng trước 20/6; 9 tháng trước 20/9; năm trước 20/11", None),
    ("Báo cáo năm trước 20/11", ["2026-11-19"]), ("Trước ngày 15 tháng 8, năm 2026", ["2026-08-14"]),
    ("Quý II, năm 2026", ["2026-06-30"]),
    # sixth round
    ("Trước dịp kỷ niệm 27/7/2026", ["2026-07-26"]), ("Trước dịp lễ 30/4", ["2026-04-29"]),
    ("Trước dịp nghỉ lễ 30/4", ["2026-04-29"]), ("Sau dịp kỷ niệm 30/4", None),
    ("Trước dịp nghỉ lễ 30/4 - 1/5", None), ("Trước Tết và dịp 30/4", ["2026-02-16", "2026-04-29"]),
    ("Trước dịp lễ, Tết", None), ("vào dịp 2-9", ["2026-09-02"]),
]


def test_before_a_weekday_and_a_weekday_beside_a_day_before():
    assert {o.due.weekday() for o in resolve("Trước thứ Sáu hằng tuần", Y26).occurrences} == {3}
    res = resolve("Trước ngày 30/11/2026 (thứ Hai)", Y26)  # the Monday is the 30th, the deadline the 29th
    assert res.due == (date(2026, 11, 29),) and res.warnings == ()


def test_before_a_span_in_a_plan_over_two_years():
    """A school-year plan (07/2025–06/2026): "trước tháng 7" is the end of June 2026, inside the plan."""
    per = Period(date(2025, 7, 1), date(2026, 6, 30))
    for text in ("Trước tháng 7", "trước 1/7", "trước quý III"):
        assert resolve(text, per).due == (date(2026, 6, 30),), text


@pytest.mark.parametrize("text,due", ADVERSARIAL, ids=[c[0][:40] for c in ADVERSARIAL])
def test_adversarial_phrases(text, due):
    res = resolve(text, Y26)
    _sane(res)
    if due is None:
        assert res.due == () and res.start is None, (res.kind, res.due)
    else:
        assert [d.isoformat() for d in res.due] == due, (res.kind, res.warnings)


def test_several_weekdays_each_week():
    res = resolve("thứ Hai và thứ Năm hằng tuần", Y26)
    assert {o.due.weekday() for o in res.occurrences} == {0, 3}
    assert len({o.label for o in res.occurrences}) == len(res.occurrences)  # every occurrence its own name
