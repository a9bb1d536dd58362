"""Deadlines counted from an event: the lag in `tthc resolve --format json`, and `tthc trigger`
computing the due date from it (working days from the real holiday calendar, lags before an event
counted back), through the real CLI and a real SQLite store. Also: the "trước" labels, and progress
recorded under the labels an earlier grammar gave."""

from __future__ import annotations

import json

import pytest

from tthc_cli.io.store import Store
from tthc_cli.errors import UsageError

PLAN = """\
plan: {id: p, period: 2026}
tasks:
  - {id: "1", title: Trả lời văn bản, lead: VP, deadline: Trong thời hạn 10 ngày làm việc kể từ ngày nhận được văn bản}
  - {id: "2", title: Niêm yết danh sách, lead: VP, deadline: Chậm nhất 30 ngày trước ngày bầu cử}
  - {id: "3", title: Báo cáo, lead: VP, deadline: "Thường xuyên; báo cáo trong 05 ngày làm việc kể từ ngày có yêu cầu"}
  - {id: "4", title: Khi có hướng dẫn, lead: VP, deadline: Khi có hướng dẫn của tỉnh}
  - {id: "5", title: Kiểm tra, lead: VP, deadline: "Trước quý III, IV/2026"}
"""


@pytest.fixture
def ws(tmp_path, tthc):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "p.yaml").write_text(PLAN, encoding="utf-8")

    def run(*args, today="2026-04-20"):
        return tthc(*args, "--plans", plans, cwd=tmp_path, env={"TTHC_TODAY": today, "TTHC_USER": "Lan"})

    run.db = tmp_path / ".tthc" / "progress.db"
    return run


def test_resolve_gives_the_lag(tthc):
    r = tthc("resolve", "--period", "2026", "--format", "json",
             "Trong thời hạn 10 ngày làm việc kể từ ngày nhận được văn bản", "Chậm nhất 30 ngày trước ngày bầu cử",
             "Khi có hướng dẫn của tỉnh")
    assert r.code == 0, r.err
    a, b, c = (json.loads(x) for x in r.out.splitlines())
    assert (a["kind"], a["due"]) == ("event", [])
    assert a["lag"] == {"amount": 10, "unit": "working_day", "direction": "after",
                        "anchor": "ngày nhận được văn bản"}
    assert b["lag"] == {"amount": 30, "unit": "day", "direction": "before", "anchor": "ngày bầu cử"}
    assert (c["kind"], c["lag"]) == ("event", None)


def test_show_says_how_the_due_date_will_be_counted(ws):
    r = ws("show", "p:1")
    assert r.code == 0, r.err
    assert "hạn tính từ sự kiện: 10 ngày làm việc kể từ ngày nhận được văn bản" in r.out


def test_trigger_counts_working_days_from_the_lag(ws):
    # day one is the next working day; 30/04 and 01/05 are public holidays, 02–03/05 a weekend
    r = ws("trigger", "p:1", "--date", "2026-04-28")
    assert r.code == 0, r.err
    assert "hạn 14/05/2026 (10 ngày làm việc kể từ ngày nhận được văn bản)" in r.out
    rows = {x["task"]: x for x in ws("due", "--format", "json", today="2026-05-10").json()}
    assert (rows["1"]["due"], rows["1"]["status"]) == ("2026-05-14", "Sắp đến hạn")


def test_a_lag_before_the_event_counts_back_and_is_due_at_once(ws):
    r = ws("trigger", "p:2", "--date", "2026-03-15")
    assert r.code == 0, r.err
    assert "hạn 13/02/2026" in r.out
    rows = {x["task"]: x for x in ws("list", "--format", "json", today="2026-02-01").json()}
    assert (rows["2"]["due"], rows["2"]["status"]) == ("2026-02-13", "Chưa đến hạn")


def test_due_in_and_due_still_override_the_lag(ws):
    assert "hạn 08/05/2026" in ws("trigger", "p:1", "--date", "2026-04-28", "--due", "2026-05-08").out
    assert "hạn 03/05/2026" in ws("trigger", "p:1", "--date", "2026-04-28", "--due-in", "5d").out
    r = ws("trigger", "p:1", "--date", "2026-04-28", "--due", "2026-05-08", "--due-in", "5d")
    assert r.code == UsageError.exit_code and "một trong hai" in r.err


def test_an_event_without_a_lag_still_needs_due_in(ws):
    r = ws("trigger", "p:4", "--date", "2026-04-28")
    assert r.code == UsageError.exit_code
    assert "--due-in" in r.err and "Traceback" not in r.err


def test_the_lag_of_a_milestone(ws):
    r = ws("trigger", "p:3", "--date", "2026-04-28")
    assert r.code == 0, r.err
    assert "hạn 07/05/2026" in r.out  # 29/04, 04/05, 05/05, 06/05, 07/05


def test_a_lag_past_the_plan_years_uses_that_year_holidays(ws):
    # the plan covers 2026 (holidays known 2025-2027); 03/01/2028 is a day off in lieu of New Year's Day
    r = ws("trigger", "p:1", "--date", "2027-12-29", "--due-in", "5wd")
    assert r.code == 0, r.err
    assert "hạn 06/01/2028" in r.out  # --due-in counts working days with the 2028 calendar too
    r = ws("trigger", "p:3", "--date", "2027-12-29")
    assert r.code == 0, r.err
    assert "hạn 06/01/2028" in r.out


def test_before_a_span_is_labelled_by_the_span_that_ends_then(ws):
    rows = [x for x in ws("list", "--format", "json", today="2026-01-10").json() if x["task"] == "5"]
    assert [(x["due"], x["occurrence"]) for x in rows] == [("2026-06-30", "Quý II/2026"),
                                                          ("2026-09-30", "Quý III/2026")]
    r = ws("done", "p:5", "--occurrence", "Quý II/2026", "--date", "2026-06-20", today="2026-07-01")
    assert r.code == 0, r.err
    assert "Hoàn thành đúng hạn" in r.out


def _old_store(db, events):
    """A progress store as tthc left it before deadline grammar 2 (schema 3), with `events`."""
    import sqlite3

    from tthc_cli.io.store import MIGRATIONS

    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for version, name, sql in MIGRATIONS[:3]:
        conn.executescript(sql)
        conn.execute("INSERT INTO migrations VALUES (?, ?, '2026-01-01T00:00:00+00:00')", (version, name))
    for occurrence, day in events:
        conn.execute("INSERT INTO events (kind, plan, task, occurrence, day, who, recorded_at) "
                     "VALUES ('done', 'p', '5', ?, ?, 'Lan', ?)", (occurrence, day, day + "T09:00:00+00:00"))
    conn.execute("PRAGMA user_version = 3")
    conn.close()


def test_progress_under_the_old_labels_still_counts(ws):
    """Before this grammar, "Trước quý III, IV/2026" labelled its 30/06 occurrence "Quý III/2026" and its 30/09
    one "Quý IV/2026". Records made then are read under the labels of now, each for the occurrence it meant
    (although "Quý III/2026" is the other occurrence's label now); the store is upgraded, not rewritten."""
    _old_store(ws.db, [("Quý III/2026", "2026-06-25"), ("Quý IV/2026", "2026-10-02")])
    rows = [x for x in ws("list", "--all", "--format", "json", today="2026-10-05").json() if x["task"] == "5"]
    got = {x["occurrence"]: (x["status"], x["done"]) for x in rows}
    assert got == {"Quý II/2026": ("Hoàn thành đúng hạn", "2026-06-25"),
                   "Quý III/2026": ("Hoàn thành quá hạn", "2026-10-02")}
    # what is recorded now uses the labels of now
    assert ws("undo", "p:5", "--occurrence", "Quý III/2026", today="2026-10-05").code == 0
    rows = [x for x in ws("list", "--all", "--format", "json", today="2026-10-05").json() if x["task"] == "5"]
    assert {x["occurrence"]: x["status"] for x in rows} == {"Quý II/2026": "Hoàn thành đúng hạn",
                                                            "Quý III/2026": "Quá hạn"}
    with Store.open(ws.db) as store:
        assert [e.occurrence for e in store.events()][:2] == ["Quý III/2026", "Quý IV/2026"]  # as recorded


def test_replace_derives_the_due_dates_again():
    """Resolution.due is derived from its occurrences: a copy with other occurrences has their dates (issue 10)."""
    from datetime import date

    from tthc_cli.core.deadline import resolve

    from tthc_cli.core.deadline import parse_period

    res = resolve("Quý II/2026", parse_period(2026))
    assert res.due == (date(2026, 6, 30),)
    later = res.replace(occurrences=tuple(o.replace(due=date(2026, 7, 15)) for o in res.occurrences))
    assert later.due == (date(2026, 7, 15),)
    assert res.replace(occurrences=()).due == ()
