"""The iCalendar export on the bundled plan of xã Xuân Trường, parsed back with icalendar."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest
from conftest import PLANS

from tthc_cli import __version__
from tthc_cli.io import workspace
from tthc_cli.outputs.ics import calendar_bytes, description_of, uid_of
from tthc_cli.core.queries import DONE_ON_TIME, Selection, collect

icalendar = pytest.importorskip("icalendar")  # imported once for the whole module

PLAN = str(PLANS / "xuan-truong-cchc-2026.yaml")
TODAY = date(2026, 6, 1)
STAMP = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)


def _items(unit: str | None = "TTPVHCC"):
    ws = workspace.load([PLAN], use_cache=False)  # no cache: nothing written outside the test
    assert not ws.errors
    if unit is None:
        sel = Selection(None, "lead")
    else:
        u = ws.registry.match(unit)
        sel = Selection(frozenset(ws.registry.members(u) | {u.code}), "lead")
    return ws, collect(ws.plans, ws.registry, sel, TODAY)


@pytest.fixture(scope="module")
def loaded():
    return _items()


@pytest.fixture(scope="module")
def items(loaded):
    return loaded[1]


@pytest.fixture(scope="module")
def raw(items):
    return calendar_bytes(items, name="Việc của TTPVHCC", stamp=STAMP)


@pytest.fixture(scope="module")
def cal(raw):
    return icalendar.Calendar.from_ical(raw)


def _events(cal):
    return [c for c in cal.walk() if c.name == "VEVENT"]


def _dated(items):
    return [i for i in items if i.due is not None]


def test_calendar_properties(cal):
    assert str(cal["PRODID"]) == f"-//tthc//tthc {__version__}//VI"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Việc của TTPVHCC"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"


def test_one_all_day_event_per_dated_item(items, cal):
    dated = _dated(items)
    assert len(items) > len(dated) > 0  # the selection has undated items too, and they are skipped
    events = _events(cal)
    assert len(events) == len(dated) == 23
    for item, ev in zip(dated, events):
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert type(start) is date and start == item.due
        assert end == item.due + timedelta(days=1)
        assert ev["DTSTART"].params.get("VALUE") == "DATE"
        assert ev.decoded("DTSTAMP") == STAMP
        assert str(ev["STATUS"]) == "CONFIRMED" and str(ev["TRANSP"]) == "TRANSPARENT"
        assert str(ev["UID"]) == uid_of(item)


def test_summaries_are_vietnamese_nfc_and_short(items, cal):
    events = _events(cal)
    summaries = [str(ev["SUMMARY"]) for ev in events]
    for s in summaries:
        assert s == unicodedata.normalize("NFC", s)
        assert s.startswith("[Xuân Trường] ")
        assert len(s) <= 120
    # I.6, Quý III/2025: the first item of seed 002 for TTPVHCC
    assert summaries[0] == ("[Xuân Trường] Tích cực đề xuất các sáng kiến, mô hình, giải pháp CCHC"
                            " — Quý III/2025")
    assert all(s.endswith(" — " + i.occurrence) for s, i in zip(summaries, _dated(items)) if i.occurrence)


def test_description_and_categories(items, cal):
    for item, ev in zip(_dated(items), _events(cal)):
        desc = str(ev["DESCRIPTION"])
        assert desc == description_of(item)
        assert f"Thời hạn: {item.deadline_text or item.task.deadline}" in desc
        assert "(xuan-truong-cchc-2026)" in desc and f"Nhiệm vụ: {item.task.path_ids}" in desc
        assert f"Tình trạng: {item.status}" in desc
        codes = [r.unit.code for r in item.task.lead if r.unit is not None]
        assert list(ev["CATEGORIES"].cats) == list(dict.fromkeys(codes))
    iii4 = next(ev for item, ev in zip(_dated(items), _events(cal)) if item.task.id == "III.4")
    desc = str(iii4["DESCRIPTION"])
    assert "Nhiệm vụ: III › 4" in desc and "Chủ trì: " in desc and "Sản phẩm: " in desc
    assert list(iii4["CATEGORIES"].cats) == ["TTPVHCC"]
    i6 = _events(cal)[0]
    assert "Thời hạn: Quý III, IV/2025" in str(i6["DESCRIPTION"])
    assert "Phối hợp: Phòng Văn hóa - Xã hội" in str(i6["DESCRIPTION"])


def test_alarm(cal, items):
    for ev in _events(cal):
        alarms = [c for c in ev.subcomponents if c.name == "VALARM"]
        assert len(alarms) == 1
        a = alarms[0]
        assert str(a["ACTION"]) == "DISPLAY"
        assert a.decoded("TRIGGER") == timedelta(days=-3)
        assert a["TRIGGER"].params.get("RELATED", "START") == "START"
        assert str(a["DESCRIPTION"]) == str(ev["SUMMARY"])
    week = icalendar.Calendar.from_ical(calendar_bytes(items, name="x", alarm_days=7, stamp=STAMP))
    assert {c.decoded("TRIGGER") for c in week.walk("VALARM")} == {timedelta(days=-7)}
    none = calendar_bytes(items, name="x", alarm_days=None, stamp=STAMP)
    assert b"BEGIN:VALARM" not in none
    assert len(_events(icalendar.Calendar.from_ical(none))) == len(_dated(items))
    with pytest.raises(ValueError):
        calendar_bytes(items, name="x", alarm_days=-1, stamp=STAMP)


def test_lines_are_folded_and_parse_back(raw, cal):
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long descriptions were folded …
    for line in lines:
        line.decode("utf-8")  # … between characters, never inside one
    # … and unfold to the full text
    desc = str(_events(cal)[0]["DESCRIPTION"])
    assert len(desc.encode("utf-8")) > 75
    assert "Kế hoạch: Nhiệm vụ cụ thể triển khai thực hiện công tác cải cách hành chính năm 2026" in desc


def test_uids_unique_and_stable():
    ws, items = _items(None)  # every task of the plan
    first = icalendar.Calendar.from_ical(calendar_bytes(items, name="a", stamp=STAMP))
    uids = [str(ev["UID"]) for ev in _events(first)]
    assert len(uids) == len(_dated(items)) and len(set(uids)) == len(uids)
    assert all(u.endswith("@tthc") for u in uids)

    # another day, another stamp, edited titles (even in NFD) and deadline words: the same UIDs
    for task in ws.plans[0].tasks:
        task.title = unicodedata.normalize("NFD", (task.title or "") + " (sửa)")
        task.deadline = (task.deadline or "") + " (sửa)"
    later = collect(ws.plans, ws.registry, Selection(None, "lead"), date(2026, 12, 31))
    second = icalendar.Calendar.from_ical(
        calendar_bytes(later, name="b", stamp=datetime(2026, 12, 31, 23, 59, tzinfo=timezone.utc)))
    events = _events(second)
    assert [str(ev["UID"]) for ev in events] == uids
    assert all(str(ev["SUMMARY"]) == unicodedata.normalize("NFC", str(ev["SUMMARY"])) for ev in events)
    assert "(sửa)" in str(events[0]["SUMMARY"])


def test_same_input_same_bytes_and_naive_stamp_is_utc(items, raw):
    assert calendar_bytes(items, name="Việc của TTPVHCC", stamp=STAMP) == raw
    naive = calendar_bytes(items, name="Việc của TTPVHCC", stamp=STAMP.replace(tzinfo=None))
    assert naive == raw
    hanoi = STAMP.astimezone(timezone(timedelta(hours=7)))
    assert calendar_bytes(items, name="Việc của TTPVHCC", stamp=hanoi) == raw


def test_done_items_are_kept_marked_and_silent(items):
    dated = _dated(items)
    done = dated[0].replace(done=date(2025, 9, 20), status=DONE_ON_TIME, evidence="Quyết định số 12/QĐ-UBND")
    cal = icalendar.Calendar.from_ical(calendar_bytes([done, dated[1]], name="x", stamp=STAMP))
    ev_done, ev_open = _events(cal)
    assert str(ev_done["SUMMARY"]).startswith("✓ [Xuân Trường] ")
    assert not str(ev_open["SUMMARY"]).startswith("✓")
    assert str(ev_done["STATUS"]) == "CONFIRMED"
    assert str(ev_done["UID"]) == uid_of(dated[0])  # marking done updates the same event
    desc = str(ev_done["DESCRIPTION"])
    assert "Hoàn thành: 20/09/2025" in desc and "Minh chứng: Quyết định số 12/QĐ-UBND" in desc
    assert not [c for c in ev_done.subcomponents if c.name == "VALARM"]
    assert [c for c in ev_open.subcomponents if c.name == "VALARM"]


def test_long_titles_are_shortened():
    ws, _ = _items()
    task = ws.plans[0].by_id["III.4"]
    task.title = "Rà soát " * 40 + "kết thúc"
    items = [i for i in collect(ws.plans, ws.registry, Selection(None, "lead"), TODAY) if i.task is task]
    cal = icalendar.Calendar.from_ical(calendar_bytes(items, name="x", stamp=STAMP))
    for item, ev in zip(items, _events(cal)):
        s = str(ev["SUMMARY"])
        assert len(s) <= 120 and "…" in s and s.endswith(" — " + item.occurrence)


def test_empty_selection_is_a_valid_calendar():
    cal = icalendar.Calendar.from_ical(calendar_bytes([], name="rỗng", stamp=STAMP))
    assert _events(cal) == [] and str(cal["X-WR-CALNAME"]) == "rỗng"


def test_cli_calendar_holds_the_bundled_plans_dated_items(tthc, tmp_path):
    out = tmp_path / "ttpvhcc.ics"
    r = tthc("ics", "--unit", "TTPVHCC", "-o", out, "--today", "2026-11-22")
    assert r.code == 0, r.err
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    rows = tthc("list", "--unit", "TTPVHCC", "--today", "2026-11-22", "--format", "json").json()
    assert len(events) == len(rows) > 0
    assert sorted(e.decoded("DTSTART").isoformat() for e in events) == sorted(r["due"] for r in rows)
    assert len({r["plan"] for r in rows}) >= 4  # every commune's plan is in the calendar
    again = tthc("ics", "--unit", "TTPVHCC", "--today", "2026-11-23")
    assert sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(again.out.encode() if isinstance(again.out, str)
                                                                     else again.out).walk("VEVENT")) == \
        sorted(str(e["UID"]) for e in events)
