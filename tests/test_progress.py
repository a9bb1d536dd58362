"""Recording progress and reporting compliance, through the real CLI and a real
SQLite file: done/undo/trigger/history, statuses, check, working days, reports."""

from __future__ import annotations

import hashlib
import email
import email.policy
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import PLANS
from tthc_cli.errors import EXIT_OVERDUE, PlanError, StoreError, UsageError

SEED = "xuan-truong-cchc-2026"


@pytest.fixture
def ws(tmp_path, tthc):
    """A folder with seed 002's plan; the progress store goes to .tthc/progress.db beside it."""
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", plans)

    def run(*args, today="2026-07-10", **kw):
        env = {"TTHC_TODAY": today, "TTHC_USER": "Nguyễn Thị Lan", **kw.pop("env", {})}
        return tthc(*args, "--plans", plans, cwd=tmp_path, env=env, **kw)

    run.plans = plans
    run.db = tmp_path / ".tthc" / "progress.db"
    return run


def _record_q2(ws):
    """The Q2/2026 story used by the report tests (all dates hand-picked)."""
    steps = [
        ("done", f"{SEED}:I.2", "-k", "Quý II/2026", "-d", "2026-06-25"),  # on time
        ("done", f"{SEED}:I.2", "-k", "6 tháng đầu năm 2026", "-d", "2026-07-05",
         "-e", "Báo cáo số 52/BC-UBND ngày 05/7/2026"),  # 5 days late
        ("done", f"{SEED}:III.1", "-k", "Quý II/2026", "-d", "2026-06-30"),  # on the day: on time
        ("done", f"{SEED}:III.4", "-k", "Tháng 4/2026", "-d", "2026-05-02"),  # 2 days late
        ("done", f"{SEED}:III.4", "-k", "Tháng 5/2026", "-d", "2026-05-29"),  # on time
        ("done", f"{SEED}:III.4", "-k", "2026-06-30", "-d", "2026-07-01"),  # ambiguous date: refused below
    ]
    for s in steps[:-1]:
        r = ws(*s)
        assert r.code == 0, (s, r.err)
    r = ws(*steps[-1])
    assert r.code == UsageError.exit_code and "--occurrence" in r.err  # 30/06 is both "Tháng 6/2026" and "Quý II/2026"
    r = ws("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01", "-e", "Báo cáo số 45/BC-UBND ngày 01/7/2026")
    assert r.code == 0, r.err


def test_done_statuses_and_the_plan_file_is_untouched(ws):
    plan_file = ws.plans / f"{SEED}.yaml"
    before = hashlib.sha256(plan_file.read_bytes()).hexdigest()
    _record_q2(ws)
    assert hashlib.sha256(plan_file.read_bytes()).hexdigest() == before  # progress never edits a plan
    rows = ws("list", "--unit", "TTPVHCC", "--format", "json").json()
    got = {(r["task"], r["occurrence"]): (r["status"], r["done"]) for r in rows}
    assert got[("III.1", "Quý I/2026")] == ("Quá hạn", None)
    assert got[("III.1", "Quý II/2026")] == ("Hoàn thành đúng hạn", "2026-06-30")
    assert got[("III.4", "Tháng 4/2026")] == ("Hoàn thành quá hạn", "2026-05-02")
    assert got[("III.4", "Tháng 5/2026")] == ("Hoàn thành đúng hạn", "2026-05-29")
    assert got[("III.4", "Tháng 6/2026")] == ("Quá hạn", None)
    assert got[("III.4", "Quý II/2026")] == ("Hoàn thành quá hạn", "2026-07-01")
    assert got[("III.4", "Tháng 7/2026")] == ("Chưa đến hạn", None)  # 31/07 is 21 days after 10/07: past the 7-day window
    # done items leave `due`; --status filters
    due = ws("due", "--unit", "TTPVHCC", "--format", "json").json()
    assert ("III.4", "Tháng 5/2026") not in {(r["task"], r["occurrence"]) for r in due}
    late = ws("list", "--unit", "TTPVHCC", "--status", "Hoàn thành quá hạn", "--format", "json").json()
    assert sorted((r["task"], r["occurrence"]) for r in late) == [("III.4", "Quý II/2026"), ("III.4", "Tháng 4/2026")]


def test_report_counts_by_hand(ws):
    _record_q2(ws)
    r = ws("report", "--period", "Quý II/2026", "--format", "json")
    assert r.code == 0, r.err
    rep = r.json()
    units = {u["code"]: (u["total"], u["on_time"], u["late"], u["overdue"], u["pending"]) for u in rep["units"]}
    # Q2/2026 items of seed 002: VHXH I.2 (quarterly + half-year) and I.3; TTPVHCC III.1 and III.4 (April,
    # May, June, Q2); PKT VI.4.1. As of 10/07/2026 with the story above:
    assert units == {"VHXH": (3, 1, 1, 1, 0), "TTPVHCC": (5, 2, 2, 1, 0), "PKT": (1, 0, 0, 1, 0)}
    assert rep["totals"]["total"] == 9 and rep["totals"]["on_time"] == 3
    assert [u["code"] for u in rep["units"]] == ["PKT", "VHXH", "TTPVHCC"]  # the units with Q2 items, as the report lists them
    lines = {(ln["ref"].split(":")[1], ln["occurrence"]): (ln["status"], ln["days_late"], ln["evidence"])
             for ln in rep["lines"]}
    assert lines == {
        ("I.2", "6 tháng đầu năm 2026"): ("Hoàn thành quá hạn", 5, "Báo cáo số 52/BC-UBND ngày 05/7/2026"),
        ("I.3", "Quý II/2026"): ("Quá hạn", 10, None),
        ("III.4", "Tháng 4/2026"): ("Hoàn thành quá hạn", 2, None),
        ("III.4", "Quý II/2026"): ("Hoàn thành quá hạn", 1, "Báo cáo số 45/BC-UBND ngày 01/7/2026"),
        ("III.4", "Tháng 6/2026"): ("Quá hạn", 10, None),
        ("VI.4.1", "Quý II/2026"): ("Quá hạn", 10, None),
    }
    # the same report as of 20/06/2026: later completions have not happened yet
    early = ws("report", "--period", "Quý II/2026", "--format", "json", today="2026-06-20").json()
    units = {u["code"]: (u["total"], u["on_time"], u["late"], u["overdue"], u["pending"]) for u in early["units"]}
    assert units == {"VHXH": (3, 0, 0, 0, 3), "TTPVHCC": (5, 1, 1, 0, 3), "PKT": (1, 0, 0, 0, 1)}
    one = ws("report", "--period", "Quý II/2026", "--unit", "Trung tâm PVHCC", "--format", "json").json()
    assert [u["code"] for u in one["units"]] == ["TTPVHCC"]


def test_report_table_md_csv_and_xlsx(ws, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    _record_q2(ws)
    table = ws("report", "--period", "Quý II/2026", env={"COLUMNS": "160"})  # room for the bar
    assert table.code == 0
    assert "Báo cáo kết quả thực hiện nhiệm vụ Quý II/2026" in table.out
    assert "TTPVHCC" in table.out and "40,0%" in table.out and "████████" in table.out
    md = ws("report", "--period", "Quý II/2026", "--format", "md").out
    assert md.startswith("# Báo cáo kết quả thực hiện nhiệm vụ Quý II/2026") and "| TTPVHCC |" in md
    csv_out = ws("report", "--period", "Quý II/2026", "--format", "csv").out
    assert csv_out.startswith("\ufeffMã,Đơn vị,") and "Minh chứng" not in csv_out  # one table a file, for Excel
    assert 'TTPVHCC,Trung tâm Phục vụ hành chính công xã,5,2,2,1,0,0,1,0,"40,0%"' in csv_out  # as the table shows it
    late = ws("report", "--period", "Quý II/2026", "--format", "csv", "--table", "lines").out
    assert late.startswith("\ufeffĐơn vị,Nhiệm vụ,") and "TTPVHCC" in late and "Tỷ lệ" not in late
    xlsx = tmp_path / "bao-cao-q2.xlsx"
    r = ws("report", "--period", "Quý II/2026", "--format", "xlsx", "-o", xlsx)
    assert r.code == 0, r.err
    wb = openpyxl.load_workbook(xlsx)
    sheet = wb["Tổng hợp"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["TTPVHCC"][2:6] == (5, 2, 0.4, 2)
    assert sheet.freeze_panes == "A5"
    assert len(sheet._charts) == 1
    late = wb["Quá hạn, trễ hạn"]
    evidence = [row[-1] for row in late.iter_rows(min_row=2, values_only=True)]
    assert "Báo cáo số 45/BC-UBND ngày 01/7/2026" in evidence
    no_out = ws("report", "--period", "Quý II/2026", "--format", "xlsx")
    assert no_out.code == UsageError.exit_code and "-o" in no_out.err
    bad = ws("report", "--period", "Quý V/2026")
    assert bad.code == UsageError.exit_code and "kỳ báo cáo" in bad.err


def test_undo_history_and_orphans(ws):
    assert ws("done", f"{SEED}:I.1", "-d", "2026-01-10").code == 0
    rows = {r["task"]: r["status"] for r in ws("list", "--format", "json").json()}
    assert rows["I.1"] == "Hoàn thành đúng hạn"
    assert ws("undo", f"{SEED}:I.1").code == 0
    rows = {r["task"]: r["status"] for r in ws("list", "--format", "json").json()}
    assert rows["I.1"] == "Quá hạn"
    hist = ws("history", f"{SEED}:I.1", "--format", "json").json()
    assert [h["kind"] for h in hist] == ["undone", "done"]  # newest first; nothing deleted
    assert hist[0]["who"] == "Nguyễn Thị Lan"
    text = ws("history").out
    assert "bỏ hoàn thành" in text and "Nguyễn Thị Lan" in text
    # the task is renamed in the plan: its history stays and validate reports it
    plan = ws.plans / f"{SEED}.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("- id: I.1\n", "- id: I.1b\n"), encoding="utf-8")
    v = ws("validate")
    assert v.code == 0
    assert f'2 bản ghi tiến độ (#1, #2) cho nhiệm vụ "{SEED}:I.1" không còn trong kế hoạch' in v.out
    assert "[nhiệm vụ không còn trong kế hoạch]" in ws("history").out


def test_trigger_makes_an_event_task_due(ws):
    rows = {r["task"]: r["status"] for r in ws("list", "--all", "--format", "json").json()}
    assert rows["IV.2"] == "Chờ điều kiện"
    r = ws("trigger", f"{SEED}:IV.2", "--date", "2026-07-01", "--due-in", "10wd")
    assert r.code == 0, r.err
    assert "hạn 15/07/2026" in r.out  # 10 working days after Wed 01/07/2026
    got = [r for r in ws("due", "--format", "json").json() if r["task"] == "IV.2"]
    assert [(r["due"], r["status"]) for r in got] == [("2026-07-15", "Sắp đến hạn")]
    assert ws("trigger", f"{SEED}:I.1", "--date", "2026-07-01", "--due", "2026-07-05").code == UsageError.exit_code  # not an event task
    assert ws("trigger", f"{SEED}:IV.3", "--date", "2026-07-01").code == UsageError.exit_code  # needs --due-in or --due


def test_working_days_marks_window_and_roll_forward(ws):
    # III.4's "Tháng 1/2026" ends on Saturday 31/01; "Tháng 5/2026" on Sunday 31/05
    rows = ws("list", "--unit", "TTPVHCC", "--format", "json", today="2026-01-05").json()
    jan = [r for r in rows if r["occurrence"] == "Tháng 1/2026"][0]
    assert (jan["due"], jan["day_off"]) == ("2026-01-31", "Thứ Bảy")
    rolled = ws("list", "--unit", "TTPVHCC", "--format", "json", "--roll-forward", today="2026-01-05").json()
    jan = [r for r in rolled if r["occurrence"] == "Tháng 1/2026"][0]
    assert jan["due"] == "2026-02-02"  # a period ending on a day off ends on the next working day
    everyone = ws("list", "--format", "json", "--roll-forward", today="2026-01-05").json()
    vii6 = [r for r in everyone if r["task"] == "VII.6"][0]
    assert vii6["due"] == "2026-02-02"  # "Tháng 01/2026" is a period too
    plan = ws.plans / f"{SEED}.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("deadline: Trước ngày 15/01/2026",
                                                             "deadline: Chậm nhất ngày 17/01/2026"), encoding="utf-8")
    named = [r for r in ws("list", "--format", "json", "--roll-forward", today="2026-01-05").json()
             if r["task"] == "I.1"][0]
    assert (named["due"], named["day_off"]) == ("2026-01-17", "Thứ Bảy")  # a named day is never moved
    # Tết 2026 (16–20/02) sits between today and the horizon of a 10-working-day window
    wd = ws("due", "--unit", "TTPVHCC", "--within", "10wd", "--format", "json", today="2026-02-12").json()
    assert "2026-02-28" in {r["due"] for r in wd}  # 12/02 + 10 working days = 05/03 (Tết skipped)
    cal = ws("due", "--unit", "TTPVHCC", "--within", "10d", "--format", "json", today="2026-02-12").json()
    assert "2026-02-28" not in {r["due"] for r in cal}
    table = ws("due", "--unit", "TTPVHCC", today="2026-05-20").out
    assert "31/05/2026 (CN)" in table


def test_check_exit_codes(ws):
    # seed 002 has 2025 deadlines in its 2026 plan (I.6, II.1, V.3): record them done first
    for ref, occ in (("I.6", "Quý III/2025"), ("I.6", "Quý IV/2025"), ("II.1", "Quý III/2025"),
                     ("II.1", "Quý IV/2025"), ("V.3", None)):
        args = ("done", f"{SEED}:{ref}", "-d", "2025-09-01") + (("-k", occ) if occ else ())
        assert ws(*args, today="2026-01-08").code == 0
    r = ws("check", today="2026-01-08")
    assert r.code == 0, r.out
    assert "VHXH: CẦN LÀM — 0 quá hạn, 0 hôm nay, 1 sắp đến hạn" in r.out  # I.1 due 14/01
    r = ws("check", "--unit", "VHXH", today="2026-07-10")
    assert r.code == EXIT_OVERDUE and r.out.startswith("VHXH: QUÁ HẠN")


def test_ambiguous_task_and_unknown_milestone(ws):
    r = ws("done", "báo cáo")
    assert r.code == UsageError.exit_code and "hãy ghi rõ mã" in r.err
    r = ws("done", f"{SEED}:III.1")
    assert r.code == UsageError.exit_code and '--occurrence "Quý I/2026"' in r.err  # several open quarters: never guess
    r = ws("done", f"{SEED}:I.1", "--milestone", "Kế hoạch")
    assert r.code == UsageError.exit_code and "không chia mốc" in r.err
    r = ws("done", f"{SEED}:VI.1")
    assert r.code == UsageError.exit_code and "nhóm nhiệm vụ" in r.err


def test_twenty_done_processes_at_once_all_land(ws, tmp_path):
    assert ws("done", f"{SEED}:I.1", "-d", "2026-01-10").code == 0  # creates the store first
    occurrences = [f"Tháng {m}/2026" for m in range(1, 13)] + [f"Quý {q}/2026" for q in ("I", "II", "III", "IV")]
    targets = [(f"{SEED}:III.4", o) for o in occurrences] + [(f"{SEED}:III.1", f"Quý {q}/2026")
                                                            for q in ("I", "II", "III", "IV")]
    assert len(targets) == 20
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_TODAY": "2026-12-31", "TTHC_USER": "test", "TTHC_CACHE_DIR": str(tmp_path / "c")})
    procs = [subprocess.Popen([sys.executable, "-m", "tthc_cli", "done", ref, "-k", occ, "-d", "2026-12-30",
                               "--plans", str(ws.plans)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for ref, occ in targets]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * 20, [p.stderr.read().decode() for p in procs]
    con = sqlite3.connect(ws.db)
    assert con.execute("select count(*) from events where kind = 'done'").fetchone()[0] == 21
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_newer_database_is_refused_and_left_alone(ws):
    ws.db.parent.mkdir()
    con = sqlite3.connect(ws.db)
    con.execute("create table events(id integer)")
    con.execute("pragma user_version = 99")
    con.commit()
    con.close()
    before = ws.db.read_bytes()
    for args in (("due",), ("done", f"{SEED}:I.1")):
        r = ws(*args)
        assert r.code == StoreError.exit_code and "phiên bản tthc mới hơn" in r.err and "Traceback" not in r.err
    assert ws.db.read_bytes() == before


def test_a_done_event_task_does_not_break_the_counts(ws):
    """A task with no due date recorded as done leaves the undated count, without an error."""
    assert ws("done", f"{SEED}:IV.2", "-d", "2026-07-01").code == 0
    r = ws("due")
    assert r.code == 0, r.err
    rows = {r["task"]: r["status"] for r in ws("list", "--all", "--format", "json").json()}
    assert rows["IV.2"] == "Hoàn thành đúng hạn"


def test_done_twice_a_future_date_and_undo_of_nothing_are_refused(ws):
    ref = f"{SEED}:III.4"
    first = ws("done", ref, "-k", "Quý II/2026", "-d", "2026-07-01", "-e", "Báo cáo số 45/BC-UBND")
    assert first.code == 0
    again = ws("done", ref, "-k", "quý ii/2026")
    assert again.code == UsageError.exit_code and "đã được ghi hoàn thành ngày 01/07/2026" in again.err and "tthc undo" in again.err
    hist = ws("history", ref, "--format", "json").json()
    assert len(hist) == 1 and hist[0]["evidence"] == "Báo cáo số 45/BC-UBND"  # the evidence is not lost
    future = ws("done", ref, "-k", "Tháng 1/2026", "-d", "2026-12-31")
    assert future.code == UsageError.exit_code and "sau hôm nay" in future.err
    nothing = ws("undo", ref, "-k", "Tháng 2/2026")
    assert nothing.code == UsageError.exit_code and "chưa được ghi hoàn thành" in nothing.err
    assert len(ws("history", "--format", "json").json()) == 1


def test_check_counts_group_tasks_under_each_unit(ws):
    r = ws("check", "--unit", "CTTDT", today="2026-07-10")
    # CTTDT leads nothing by name; through "Các cơ quan, đơn vị" it has I.6 (Quý III, IV/2025)
    assert r.code == EXIT_OVERDUE and r.out.startswith("CTTDT: QUÁ HẠN — 2 quá hạn")
    lines = ws("check", today="2026-07-10").out.splitlines()
    assert not any(line.startswith(("ALL:", "PCM:")) for line in lines)


def test_a_named_day_in_a_yearly_series_is_not_rolled_forward(tthc, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "p.yaml").write_text("plan: {id: p, period: 2026}\ntasks:\n  - id: '1'\n    title: Kế hoạch năm\n"
                                  "    lead: VHXH\n    deadline: Trước ngày 05/01 hằng năm\n", encoding="utf-8")
    rows = tthc("list", "--plans", plans, "--roll-forward", "--today", "2026-01-01", "--format", "json").json()
    assert [(r["due"], r["day_off"]) for r in rows] == [("2026-01-04", "Chủ nhật")]  # before the 5th stays before


def test_done_sees_the_same_rolled_dates_as_due(ws):
    """With roll_forward, "Tháng 5/2026" ends on Monday 01/06 (31/05 is a Sunday) for every command."""
    (ws.plans.parent / "tthc.yaml").write_text("roll_forward: true\n", encoding="utf-8")
    rows = ws("due", "--unit", "TTPVHCC", "--format", "json", today="2026-06-01").json()
    may = [r for r in rows if r["occurrence"] == "Tháng 5/2026"][0]
    assert (may["due"], may["status"]) == ("2026-06-01", "Đến hạn hôm nay")
    r = ws("done", f"{SEED}:III.4", "--occurrence", "2026-06-01", "--date", "2026-06-01", today="2026-06-01")
    assert r.code == 0, r.err
    assert "Hoàn thành đúng hạn" in r.out
    rows = ws("list", "--unit", "TTPVHCC", "--format", "json", today="2026-06-01").json()
    assert [r["status"] for r in rows if r["occurrence"] == "Tháng 5/2026"] == ["Hoàn thành đúng hạn"]


def test_check_counts_tasks_of_outside_and_unknown_leads(tthc, tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "p.yaml").write_text(
        "plan: {id: p, period: 2026}\ntasks:\n"
        "  - {id: '1', title: Việc của Sở, lead: Sở Nội vụ, deadline: Quý I/2026}\n"
        "  - {id: '2', title: Việc của phòng lạ, lead: Phòng Tư pháp, deadline: Quý I/2026}\n", encoding="utf-8")
    r = tthc("check", "--plans", tmp_path / "plans", "--today", "2026-05-01")
    assert r.code == EXIT_OVERDUE
    assert "Sở Nội vụ: QUÁ HẠN — 1 quá hạn" in r.out and "Phòng Tư pháp: QUÁ HẠN — 1 quá hạn" in r.out


def _closed_copy(tmp_path):
    """The bundled plans, the 2025 six-month plan closed (`status: closed` in its head)."""
    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder)
    f = folder / "phu-thai-cchc-2025h2.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("plan:\n", "plan:\n  status: closed\n", 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize("cache", [(), ("--no-cache",)])
def test_a_closed_plan_leaves_due_and_check_and_stays_in_report_and_list(tthc, tmp_path, cache):
    """Issue 12: the 2025 plan kept every 2026 list red; closed, its items leave due, overdue, check and the
    digest, and stay in list and report for their periods."""
    day = ("--today", "2026-06-01")
    before = {cmd: tthc(*cmd, *day, "--plans", PLANS, *cache) for cmd in
              [("due", "--format", "json"), ("list", "--all", "--format", "json"), ("check",), ("due",)]}
    folder = _closed_copy(tmp_path)
    tthc("due", *day, "--plans", folder)  # the index learns the closed plan
    due = tthc("due", "--format", "json", *day, "--plans", folder, *cache).json()
    assert {r["plan"] for r in before[("due", "--format", "json")].json()} >= {"phu-thai-cchc-2025h2"}
    assert "phu-thai-cchc-2025h2" not in {r["plan"] for r in due} and due
    listed = tthc("list", "--all", "--format", "json", *day, "--plans", folder, *cache).json()
    assert [{**r, "file": None} for r in listed] == [{**r, "file": None}
                                                     for r in before[("list", "--all", "--format", "json")].json()]
    assert "hết thời gian: phu-thai-cchc-2025h2 (2)" in before[("due",)].out
    assert "hết thời gian" not in tthc("due", *day, "--plans", folder, *cache).out
    check = tthc("check", *day, "--plans", folder, *cache)
    assert check.out != before[("check",)].out
    written = []
    for plans, out in ((PLANS, tmp_path / "truoc"), (folder, tmp_path / "sau")):
        assert tthc("digest", "--unit", "VHXH", "--out", out, *day, "--plans", plans).code == 0
        written.append(sorted(p.name for p in out.glob("*.eml")))
    # Phú Thái's VHXH (the coordinator) had the plan's shared duties; closed, that digest has nothing left
    assert "2026-06-01-Phú_Thái_VHXH.eml" in written[0]
    assert written[1] == [n for n in written[0] if n != "2026-06-01-Phú_Thái_VHXH.eml"]
    msg = email.message_from_bytes((tmp_path / "truoc" / "2026-06-01-Phú_Thái_VHXH.eml").read_bytes(),
                                   policy=email.policy.default)
    assert "[VB › 1] Báo cáo kết quả tham mưu" in msg.get_body(("plain",)).get_content()
    report = tthc("report", "--period", "Quý IV/2025", "--format", "json", *day, "--plans", folder, *cache).json()
    assert report == tthc("report", "--period", "Quý IV/2025", "--format", "json", *day, "--plans", PLANS).json()
    assert report["totals"]["total"] > 0


def test_a_plan_status_other_than_open_or_closed_is_an_error(tthc, tmp_path):
    folder = _closed_copy(tmp_path)
    f = folder / "phu-thai-cchc-2025h2.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("status: closed", "status: done"), encoding="utf-8")
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code and 'plan.status: lỗi: status là "open"' in r.out
