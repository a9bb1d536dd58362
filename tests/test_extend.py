"""Issue 15: extensions decided by a document (gia hạn), work in progress (đang thực hiện) and its notes."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PLANS
from tthc_cli.errors import TaskNotFoundError, UsageError

SEED = "xuan-truong-cchc-2026"
TASK = f"{SEED}:III.1"  # "Quý I,II, III, IV/2026": Quý II/2026 is due 30/06/2026
Q2 = ("--occurrence", "Quý II/2026")
DECISION = "Quyết định số 45/QĐ-UBND ngày 25/6/2026"


@pytest.fixture
def site(tmp_path, tthc):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", plans)

    def run(*args, today="2026-06-25", env=None):
        return tthc(*args, "--plans", plans, cwd=tmp_path,
                    env={"TTHC_TODAY": today, "TTHC_USER": "Trần Văn Bình", **(env or {})})

    run.dir = tmp_path
    return run


def _item(site, today, *args):
    rows = site("list", "--unit", "TTPVHCC", "--format", "json", *args, today=today).json()
    (row,) = [r for r in rows if r["ref"] == TASK and r["occurrence"] == "Quý II/2026"]
    return row


def test_an_extended_item_is_due_on_its_new_date_everywhere(site):
    """Done when: due 30/06 extended to 31/07 on 25/06: not overdue on 10/07, overdue on 01/08; done on 20/07
    counts as on time (extended) in the Q3 report with its decision; the .ics event keeps its UID."""
    ics_before = site("ics", "--unit", "TTPVHCC").out
    r = site("extend", TASK, *Q2, "--to", "31/07/2026", "--evidence", DECISION)
    assert r.code == 0, r.err
    assert r.out.startswith(f"Đã ghi: gia hạn {TASK}, kỳ Quý II/2026 từ 30/06/2026 đến 31/07/2026 theo {DECISION}")
    row = _item(site, "2026-07-10")
    assert (row["due"], row["status"], row["extended_to"], row["extended_from"], row["extension_evidence"]) == (
        "2026-07-31", "Chưa đến hạn", "2026-07-31", "2026-06-30", DECISION)
    assert _item(site, "2026-08-01")["status"] == "Quá hạn"
    assert _item(site, "2026-06-24")["due"] == "2026-06-30"  # before the decision, the plan's date held
    due = site("due", "--unit", "TTPVHCC", "--within", "30d", today="2026-07-10").out
    assert "gia hạn đến 31/07/2026" in due and "Quyết định số" in due
    check = site("check", "--unit", "TTPVHCC", today="2026-07-10").out
    assert "0 quá hạn" not in check  # Quý I and the monthly items are still late; III.1 Quý II is not one of them
    assert site("overdue", "--unit", "TTPVHCC", "-f", "json", today="2026-07-10").json() == [
        r for r in site("overdue", "--unit", "TTPVHCC", "-f", "json", today="2026-07-10").json()
        if not (r["ref"] == TASK and r["occurrence"] == "Quý II/2026")]
    # the calendar: the same event (UID), on the new date, a new version
    ics_after = site("ics", "--unit", "TTPVHCC").out

    def event(text):
        for block in text.split("BEGIN:VEVENT")[1:]:
            if "III › 1" in block and "Quý II/2026" in block:
                return block
        raise AssertionError("no event for III.1 Quý II/2026")

    before, after = event(ics_before), event(ics_after)
    uid = [ln for ln in before.splitlines() if ln.startswith("UID:")]
    assert uid and uid == [ln for ln in after.splitlines() if ln.startswith("UID:")]
    assert "DTSTART;VALUE=DATE:20260630" in before and "DTSTART;VALUE=DATE:20260731" in after
    assert "SEQUENCE" not in before and "SEQUENCE:1" in after
    # done on 20/07: on time against the extended date, in Q3 (its new date), with the decision
    assert site("done", TASK, *Q2, "--date", "2026-07-20", today="2026-07-20").code == 0
    q3 = site("report", "--period", "Quý III/2026", "--unit", "TTPVHCC", "-f", "json", today="2026-10-05").json()
    (unit,) = q3["units"]
    assert unit["extended"] == 1 and unit["on_time"] >= 1
    (ext,) = q3["extended"]
    assert (ext["ref"], ext["extended_from"], ext["extended_to"], ext["extension_evidence"], ext["status"]) == (
        TASK, "2026-06-30", "2026-07-31", DECISION, "Hoàn thành đúng hạn")
    q2 = site("report", "--period", "Quý II/2026", "--unit", "TTPVHCC", "-f", "json", today="2026-10-05").json()
    assert TASK not in {ln["ref"] for ln in q2["lines"]} | {ln["ref"] for ln in q2["extended"]}
    text = site("report", "--period", "Quý III/2026", "--unit", "TTPVHCC", today="2026-10-05",
                env={"COLUMNS": "120"}).unwrapped
    assert "Việc đã gia hạn (1):" in text and f"hạn 30/06/2026 → 31/07/2026 theo {DECISION}" in text


def test_extensions_chain_and_undo_withdraws_the_last(site):
    assert site("extend", TASK, *Q2, "--to", "2026-07-31", "-e", DECISION).code == 0
    again = site("extend", TASK, *Q2, "--to", "2026-08-15", "-e", "Quyết định số 60/QĐ-UBND", today="2026-07-30")
    assert again.code == 0 and "từ 31/07/2026 đến 15/08/2026" in again.out
    assert _item(site, "2026-08-01")["due"] == "2026-08-15"
    back = site("undo", TASK, *Q2, "--extension", today="2026-08-01")
    assert back.code == 0 and "bỏ gia hạn đến 15/08/2026" in back.out and "hạn lại là 31/07/2026" in back.out
    assert _item(site, "2026-08-01")["due"] == "2026-07-31"
    assert site("undo", TASK, *Q2, "--extension", today="2026-08-01").code == 0
    assert _item(site, "2026-08-01")["extended_to"] is None
    none = site("undo", TASK, *Q2, "--extension", today="2026-08-01")
    assert none.code == UsageError.exit_code and "chưa được gia hạn" in none.err
    hist = site("history", TASK, "--format", "json").json()
    assert [h["kind"] for h in hist] == ["undone", "undone", "extend", "extend"]
    lines = site("history", TASK).out
    assert "bỏ gia hạn" in lines and "gia hạn 25/06/2026, đến 31/07/2026" in lines


@pytest.mark.parametrize("args, message", [
    (("--to", "2026-06-20"), "hạn mới 20/06/2026 sớm hơn hạn hiện tại 30/06/2026"),
    (("--to", "30/06/2026"), "đã có hạn 30/06/2026: không có gì thay đổi"),
    (("--to", "31/02/2026"), 'ngày "31/02/2026" không tồn tại'),
    (("--to", "sang năm"), "không hiểu ngày"),
    (("--to", "2026-07-31", "--date", "2026-06-30"), "ngày quyết định 30/06/2026 sau hôm nay"),
])
def test_bad_extensions_are_refused_in_vietnamese(site, args, message):
    r = site("extend", TASK, *Q2, *args, "-e", DECISION)
    assert r.code == UsageError.exit_code and message in r.err, r.err
    assert "Traceback" not in r.err and not (site.dir / ".tthc" / "progress.db").exists()


def test_an_earlier_deadline_needs_earlier_and_an_unknown_item_is_named(site):
    r = site("extend", TASK, *Q2, "--to", "2026-06-20", "-e", DECISION, "--earlier")
    assert r.code == 0 and _item(site, "2026-06-25")["due"] == "2026-06-20"
    assert _item(site, "2026-06-25")["status"] == "Quá hạn"
    gone = site("extend", f"{SEED}:IX.9", "--to", "2026-07-31", "-e", DECISION)
    assert gone.code == TaskNotFoundError.exit_code and "IX.9" in gone.err
    undated = site("extend", f"{SEED}:I.4.1", "--to", "2026-07-31", "-e", DECISION)
    assert undated.code == UsageError.exit_code and "không có hạn cụ thể" in undated.err
    empty = site("extend", TASK, *Q2, "--to", "2026-07-31", "-e", "  ")
    assert empty.code == UsageError.exit_code and "--evidence" in empty.err
    done = site("done", TASK, *Q2)
    assert done.code == 0
    late = site("extend", TASK, *Q2, "--to", "2026-07-31", "-e", DECISION)
    assert late.code == UsageError.exit_code and "đã được ghi hoàn thành" in late.err


def test_concurrent_extensions_of_one_item_record_one(site):
    """Ten processes extend the same item to the same date at once: one record, nine refusals."""
    cmd = [sys.executable, "-m", "tthc_cli", "extend", TASK, *Q2, "--to", "2026-07-31", "-e", DECISION,
           "--plans", str(site.dir / "plans")]
    env = {**os.environ, "TTHC_TODAY": "2026-06-25", "TTHC_USER": "x", "TTHC_CACHE_DIR": str(site.dir / "cache")}
    procs = [subprocess.Popen(cmd, cwd=site.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(10)]
    codes = [p.wait(timeout=120) for p in procs]
    assert sorted(codes) == [0] + [UsageError.exit_code] * 9
    hist = site("history", TASK, "--format", "json").json()
    assert [h["kind"] for h in hist] == ["extend"]


def test_progress_shows_dang_thuc_hien_and_splits_the_report(site):
    """Done when: a task with a progress record shows "Đang thực hiện" in `due`, and the report splits the
    counts."""
    r = site("progress", TASK, *Q2, "--percent", "60", "--note", "Đã xây dựng dự thảo", today="2026-06-20")
    assert r.code == 0 and "đang thực hiện 60%" in r.out
    row = _item(site, "2026-06-25")
    assert (row["state"], row["progress"], row["progress_note"], row["status"]) == (
        "Đang thực hiện", 60, "Đã xây dựng dự thảo", "Sắp đến hạn")
    assert _item(site, "2026-07-02")["state"] == "Đang thực hiện, quá hạn"
    due = site("due", "--unit", "TTPVHCC").unwrapped
    assert "đang thực hiện 60%" in due
    only = site("list", "--unit", "TTPVHCC", "--status", "dang thuc hien", "-f", "json").json()
    assert [(x["ref"], x["occurrence"]) for x in only] == [(TASK, "Quý II/2026")]
    rep = site("report", "--period", "Quý II/2026", "--unit", "TTPVHCC", "-f", "json", today="2026-07-02").json()
    (unit,) = rep["units"]
    assert unit["in_progress"] == 1 and unit["not_started"] == unit["overdue"] + unit["pending"] - 1
    # the digest shows the last note
    out = site.dir / "thu"
    assert site("digest", "--unit", "TTPVHCC", "--out", out, today="2026-06-25").code == 0
    (eml,) = out.iterdir()
    body = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    assert "Tiến độ: đang thực hiện 60% — Đã xây dựng dự thảo (20/06/2026)" in body
    # done: no longer in progress
    assert site("done", TASK, *Q2, today="2026-06-26").code == 0
    assert _item(site, "2026-06-27")["state"] is None


@pytest.mark.parametrize("args, message", [
    ((), "cần --percent (0–100) hoặc --note"),
    (("--percent", "101"), "--percent: 101 không hợp lệ"),
    (("--percent", "-5"), "--percent: -5 không hợp lệ"),
    (("--percent", "sáu mươi"), "sáu mươi"),
])
def test_bad_progress_records_are_refused(site, args, message):
    r = site("progress", TASK, *Q2, *args)
    assert r.code == UsageError.exit_code and message in r.err, r.err


def test_a_deadline_brought_forward_shows_in_due_through_the_index(site):
    """The query index leaves out tasks whose plan dates all fall after the window (VI.1.2: 31/12/2026 only);
    one brought forward into it by `extend --earlier` must still be shown."""
    late = f"{SEED}:VI.1.2"
    assert site("due", "--unit", "PKT", today="2026-07-01").code == 0  # writes the index
    r = site("extend", late, "--to", "2026-07-10", "-e", DECISION, "--earlier", today="2026-07-01")
    assert r.code == 0, r.err
    rows = site("due", "--unit", "PKT", "-f", "json", today="2026-07-01").json()
    assert [(x["due"], x["extended_from"]) for x in rows if x["ref"] == late] == [("2026-07-10", "2026-12-31")]


def test_show_lists_the_extension_and_the_progress(site):
    site("extend", TASK, *Q2, "--to", "2026-07-31", "-e", DECISION)
    site("progress", TASK, *Q2, "--percent", "40", "--note", "Đã có dự thảo")
    text = site("show", TASK, env={"COLUMNS": "140"}).out
    assert f"gia hạn đến 31/07/2026 ({DECISION})" in text and "đang thực hiện 40% — Đã có dự thảo (25/06/2026)" in text
    assert "tiến độ 40% 25/06/2026 Quý II/2026" in text and "gia hạn 25/06/2026 đến 31/07/2026" in text
    data = site("show", TASK, "--format", "json").json()
    (q2,) = [i for i in data["items"] if i["occurrence"] == "Quý II/2026"]
    assert (q2["due"], q2["extended_from"], q2["state"], q2["progress"]) == ("2026-07-31", "2026-06-30",
                                                                            "Đang thực hiện", 40)
    assert [h["percent"] for h in data["history"]] == [40, None]
