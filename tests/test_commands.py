"""The everyday commands on the bundled plans, through the real entry point."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import PLANS, ROOT, write
from tthc_cli.errors import UsageError

SEED002 = ["--plans", PLANS / "xuan-truong-cchc-2026.yaml"]

# Hand-computed from seed 002 (Kế hoạch 03/KH-UBND, xã Xuân Trường) as of 01/06/2026:
# TTPVHCC leads III.1 (Quý I–IV/2026), III.4 (hằng tháng, quý, năm) and, through the group
# "Các cơ quan, đơn vị trên địa bàn xã", I.6 (Quý III, IV/2025). Nothing is done yet.
EXPECTED_OVERDUE = [
    ("I.6", "2025-09-30", "Quý III/2025"), ("I.6", "2025-12-31", "Quý IV/2025"),
    ("III.4", "2026-01-31", "Tháng 1/2026"), ("III.4", "2026-02-28", "Tháng 2/2026"),
    ("III.1", "2026-03-31", "Quý I/2026"), ("III.4", "2026-03-31", "Tháng 3/2026"),
    ("III.4", "2026-03-31", "Quý I/2026"), ("III.4", "2026-04-30", "Tháng 4/2026"),
    ("III.4", "2026-05-31", "Tháng 5/2026"),
]


def test_due_for_ttpvhcc_on_seed_002(tthc):
    r = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", *SEED002, "--format", "json")
    assert r.code == 0, r.err
    rows = r.json()
    assert [(x["task"], x["due"], x["occurrence"]) for x in rows] == EXPECTED_OVERDUE
    assert all(x["status"] == "Quá hạn" and x["group"] == "overdue" for x in rows)
    assert rows[0]["days"] == -244 and rows[-1]["days"] == -1
    assert rows[2]["path"] == "III › 4" and rows[2]["lead_codes"] == ["TTPVHCC"]
    assert rows[0]["lead"] == ["Các cơ quan, đơn vị trên địa bàn xã"]


def test_due_window_reaches_upcoming(tthc):
    r = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", "--within", "30d", *SEED002, "--format", "json")
    upcoming = [(x["task"], x["due"], x["occurrence"], x["status"]) for x in r.json() if x["group"] == "upcoming"]
    assert upcoming == [("III.1", "2026-06-30", "Quý II/2026", "Chưa đến hạn"),
                        ("III.4", "2026-06-30", "Tháng 6/2026", "Chưa đến hạn"),
                        ("III.4", "2026-06-30", "Quý II/2026", "Chưa đến hạn")]
    soon = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-25", *SEED002, "--format", "json").json()
    assert {x["status"] for x in soon if x["group"] == "upcoming"} == {"Sắp đến hạn"}
    today = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-30", *SEED002, "--format", "json").json()
    assert [x["task"] for x in today if x["group"] == "today"] == ["III.1", "III.4", "III.4"]
    assert {x["status"] for x in today if x["group"] == "today"} == {"Đến hạn hôm nay"}


def test_table_shows_the_same_rows(tthc):
    r = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", *SEED002)
    assert r.code == 0
    out = r.out
    assert "QUÁ HẠN (9)" in out
    assert "Việc cần làm — TTPVHCC (Trung tâm Phục vụ hành chính công xã) — ngày 01/06/2026" in out
    for _, due, occurrence in EXPECTED_OVERDUE:
        d = f"{due[8:10]}/{due[5:7]}/{due[0:4]}"
        assert d in out
    assert out.count("quá 62 ngày") == 3 and "quá 1 ngày" in out
    assert "31/05/2026 (CN)" in out  # a Sunday is marked
    assert "Ngoài ra: 11 nhiệm vụ không có hạn cụ thể (9 thường xuyên, 2 chờ điều kiện); thêm --all để xem." in out


def test_all_adds_ongoing_and_event_tasks(tthc):
    rows = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", "--all", *SEED002, "--format", "json").json()
    undated = [(x["task"], x["status"]) for x in rows if x["due"] is None]
    assert ("III.2", "Chờ điều kiện") in undated and ("III.5", "Thường xuyên") in undated
    assert len(undated) == 11


def test_csv_has_the_same_rows(tthc):
    r = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", *SEED002, "--format", "csv")
    assert r.out.startswith("\ufeffgroup,status,")  # a byte-order mark, for Excel on Windows
    rows = list(csv.DictReader(io.StringIO(r.out.removeprefix("\ufeff"))))
    assert [(x["task"], x["due"], x["occurrence"]) for x in rows] == EXPECTED_OVERDUE
    assert rows[0]["lead"] == "Các cơ quan, đơn vị trên địa bàn xã"


def test_unit_by_any_spelling_and_role(tthc):
    a = tthc("due", "--unit", "Trung tâm PV hành chính công", "--today", "2026-06-01", *SEED002, "--format", "json")
    b = tthc("due", "--unit", "ttpvhcc", "--today", "2026-06-01", *SEED002, "--format", "json")
    assert a.json() == b.json()
    sup = tthc("overdue", "--unit", "Bưu điện xã", "--role", "support", "--today", "2026-12-31", *SEED002,
               "--format", "json", "--all").json()
    assert [x["task"] for x in sup if x["task"] == "I.5.2"] == ["I.5.2"]
    assert tthc("overdue", "--unit", "Bưu điện xã", "--today", "2026-12-31", *SEED002, "--format", "json",
                "--all").json() == [x for x in tthc("overdue", "--unit", "BUUDIEN", "--today", "2026-12-31", *SEED002,
                                                    "--format", "json", "--all").json()]


def test_today_from_environment(tthc):
    a = tthc("due", "--unit", "TTPVHCC", *SEED002, "--format", "json", env={"TTHC_TODAY": "2026-06-01"})
    assert [(x["task"], x["due"], x["occurrence"]) for x in a.json()] == EXPECTED_OVERDUE
    b = tthc("due", "--unit", "TTPVHCC", "--today", "01/06/2026", *SEED002, "--format", "json")
    assert a.json() == b.json()


def test_plans_from_environment_and_default_folder(tthc, tmp_path):
    a = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", "--format", "json", cwd=tmp_path,
             env={"TTHC_PLANS": str(PLANS)})
    b = tthc("due", "--unit", "TTPVHCC", "--today", "2026-06-01", "--format", "json", cwd=ROOT)
    assert a.code == 0 and b.code == 0
    strip = lambda rows: [{k: v for k, v in r.items() if k != "file"} for r in rows]  # noqa: E731
    assert strip(a.json()) == strip(b.json()) and len(a.json()) > 9


def test_overdue_and_list(tthc):
    over = tthc("overdue", "--unit", "VHXH", "--today", "2026-02-01", *SEED002, "--format", "json").json()
    # 15/01, Quý IV/2025, Tháng 01/2026; not I.6: its group lead names VHXH as the cooperator
    assert {x["task"] for x in over} == {"I.1", "V.3", "VII.6"}
    lst = tthc("list", "--unit", "PKT", "--today", "2026-02-01", *SEED002, "--format", "json").json()
    # PKT leads VI.1.x and VI.4.x; through "Các cơ quan, đơn vị trên địa bàn xã" also I.6 (Quý III, IV/2025)
    assert [(x["task"], x["due"], x["status"]) for x in lst] == [
        ("I.6", "2025-09-30", "Quá hạn"), ("I.6", "2025-12-31", "Quá hạn"),
        ("VI.1.1", "2026-03-31", "Chưa đến hạn"), ("VI.4.1", "2026-03-31", "Chưa đến hạn"),
        ("VI.4.2", "2026-03-31", "Chưa đến hạn"), ("VI.4.1", "2026-06-30", "Chưa đến hạn"),
        ("VI.4.2", "2026-09-30", "Chưa đến hạn"), ("VI.1.1", "2026-12-31", "Chưa đến hạn"),
        ("VI.1.2", "2026-12-31", "Chưa đến hạn"), ("VI.1.3", "2026-12-31", "Chưa đến hạn"),
        ("VI.1.4", "2026-12-31", "Chưa đến hạn")]
    only = tthc("list", "--status", "Chờ điều kiện", *SEED002, "--today", "2026-02-01", "--format", "json").json()
    assert {x["task"] for x in only} == {"I.5.1", "I.5.2", "III.2", "IV.2", "IV.3", "V.1", "VI.2", "VI.3"}
    bad = tthc("list", "--status", "Xong rồi", *SEED002)
    assert bad.code == UsageError.exit_code and "không có trạng thái" in bad.err


def test_show_by_id_ref_and_words(tthc):
    r = tthc("show", "III.4", *SEED002, "--today", "2026-06-01")
    assert r.code == 0
    assert "xuan-truong-cchc-2026:III.4" in r.out and "III CẢI CÁCH THỦ TỤC HÀNH CHÍNH (TTHC)" in r.out
    assert "Tháng 5/2026" in r.out and "Quá hạn" in r.out
    j = tthc("show", "xuan-truong-cchc-2026:VI.1", *SEED002, "--format", "json", "--today", "2026-06-01").json()
    assert j["children"] == ["VI.1.1", "VI.1.2", "VI.1.3", "VI.1.4"]
    assert j["path"] == "VI › 1"
    one = tthc("show", "chu ky so", *SEED002)  # words, without diacritics
    assert one.code == 0 and "VII.3" in one.out
    many = tthc("show", "báo cáo", *SEED002)
    assert many.code == UsageError.exit_code and "hãy ghi rõ mã" in many.err
    none = tthc("show", "không có việc này", *SEED002)
    assert none.code == UsageError.exit_code and "không tìm thấy" in none.err


def test_units_counts(tthc):
    rows = {r["code"]: r for r in tthc("units", *SEED002, "--format", "json").json()}
    assert rows["TTPVHCC"]["lead"] == 10 and rows["TTPVHCC"]["lead_total"] == 14
    assert rows["PKT"]["lead"] == 8
    assert rows["ALL"]["kind"] == "group" and rows["SNV"]["kind"] == "external"


def test_schema_is_json_and_matches_the_bundled_plan(tthc):
    r = tthc("schema")
    schema = json.loads(r.out)
    assert schema["required"] == ["plan", "tasks"]
    assert set(schema["$defs"]["task"]["properties"]) == {
        "id", "title", "lead", "support", "deadline", "due", "product", "notes", "after", "tasks", "review"}


def test_due_override_beats_the_words(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", """\
plan: {id: p, period: 2026}
tasks:
  - id: "1"
    title: Việc có hạn chính xác
    lead: VP
    deadline: Khi có hướng dẫn của tỉnh
    due: 2026-05-20
""")
    rows = tthc("due", "--plans", f, "--today", "2026-05-15", "--format", "json").json()
    assert [(x["task"], x["due"], x["status"]) for x in rows] == [("1", "2026-05-20", "Sắp đến hạn")]


def test_version_and_help(tthc):
    assert tthc("--version").out.startswith("tthc ")
    h = tthc("due", "--help")
    assert h.code == 0 and "--unit" in h.out and "--within" in h.out


def test_a_group_lead_does_not_cover_a_unit_named_as_cooperator(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", """\
plan: {id: p, period: 2026}
tasks:
  - id: "1"
    title: Việc của các phòng, Trung tâm chỉ phối hợp
    lead: Các cơ quan, đơn vị thuộc UBND xã
    support: [Trung tâm PVHCC]
    deadline: Quý II/2026
  - id: "2"
    title: Việc của mọi đơn vị
    lead: Các cơ quan, đơn vị thuộc UBND xã
    deadline: Quý II/2026
""")
    lead = tthc("list", "--plans", f, "--unit", "TTPVHCC", "--today", "2026-01-01", "--format", "json").json()
    assert [r["task"] for r in lead] == ["2"]
    sup = tthc("list", "--plans", f, "--unit", "TTPVHCC", "--role", "support", "--today", "2026-01-01",
               "--format", "json").json()
    assert [r["task"] for r in sup] == ["1"]
    assert [r["task"] for r in tthc("list", "--plans", f, "--unit", "VP", "--today", "2026-01-01",
                                    "--format", "json").json()] == ["1", "2"]


def test_report_for_a_unit_counts_what_due_shows_it(tthc, tmp_path):
    """A task led by "the specialised offices" with VP named as cooperator is VP's to support: neither `due --unit VP`
    nor `report --unit VP` counts it as VP's (issue 10: report used a filter of its own)."""
    from conftest import write

    plan = write(tmp_path / "p" / "a.yaml", """\
plan: {id: kh-thu, title: Thử, period: 2026}
tasks:
  - id: "1"
    title: Việc của các phòng, Văn phòng phối hợp
    lead: Các phòng chuyên môn
    support: Văn phòng HĐND và UBND
    deadline: Quý I/2026
  - id: "2"
    title: Việc của Văn phòng
    lead: Văn phòng HĐND và UBND
    deadline: Quý I/2026
""")
    due = tthc("list", "--unit", "VP", "--plans", plan, "--today", "2026-06-01", "-f", "json")
    assert [r["task"] for r in due.json()] == ["2"]
    rep = tthc("report", "--period", "Quý I/2026", "--unit", "VP", "--plans", plan, "--today", "2026-06-01",
               "-f", "json")
    assert rep.code == 0, rep.err
    assert sum(u["total"] for u in rep.json()["units"]) == 1


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("args", [("due", "--unit", "TTPVHCC"), ("due",), ("due", "--all", "--unit", "PKT"),
                                  ("overdue", "--unit", "VHXH"), ("list", "--all"), ("list", "--unit", "VP"),
                                  ("due", "--unit", "TTPVHCC", "--within", "30d", "--today", "2026-06-20")])
def test_item_tables_fit_the_terminal(tthc, width, args):
    """Issue 12: at COLUMNS=80 `due` drew 104 columns and every row wrapped into two screen lines."""
    day = () if "--today" in args else ("--today", "2026-06-01")
    r = tthc(*args, *day, "--plans", PLANS, env={"COLUMNS": str(width)})
    assert r.code == 0 and r.out
    assert max(len(line) for line in r.out.splitlines()) <= width
