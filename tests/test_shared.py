"""Issue 12: duties given to "các cơ quan, đơn vị có liên quan" name nobody in particular. They are no unit's own
overdue: they appear apart as "việc chung", on the shared group's own `check` line and report row, and the
coordinating unit (config `coordinator:`, VHXH by default) sees them in its `due` and digest."""

from __future__ import annotations

import email
import email.policy

from conftest import write
from tthc_cli.errors import ConfigError, EXIT_OVERDUE

PLAN = """\
plan: {id: p, title: Kế hoạch CCHC, issuer: UBND xã Xuân Trường, period: 2026}
tasks:
  - {id: "1", title: Báo cáo chung, lead: "Các phòng, cơ quan, đơn vị có liên quan", deadline: Chậm nhất ngày 15/05/2026}
  - {id: "2", title: Việc của các cơ quan thuộc UBND, lead: "Các cơ quan, đơn vị thuộc UBND xã",
     deadline: Chậm nhất ngày 20/05/2026}
  - {id: "3", title: Việc của toàn xã, lead: "Các cơ quan, đơn vị trên địa bàn xã", deadline: Chậm nhất ngày 25/05/2026}
  - {id: "4", title: Việc của Công an, lead: Công an xã, deadline: Chậm nhất ngày 30/06/2026}
"""
DAY = ("--today", "2026-06-01")


def _tasks(rows):
    return sorted({r["task"] for r in rows})


def test_a_shared_duty_is_nobodys_own_overdue(tthc, plan_dir):
    write(plan_dir / "p.yaml", PLAN)
    for unit, want in (("CA", ["3", "4"]), ("BHXH", ["3"]), ("MTTQ", ["3"]), ("TTPVHCC", ["2", "3"]),
                       ("VP", ["2", "3"])):
        rows = tthc("list", "--unit", unit, *DAY, "--plans", plan_dir, "--format", "json").json()
        assert _tasks(rows) == want, unit
    lines = tthc("check", *DAY, "--plans", plan_dir).out.splitlines()
    assert any(line.startswith("LQ: QUÁ HẠN — 1 quá hạn") for line in lines)
    assert any(line.startswith("CA: QUÁ HẠN — 1 quá hạn") for line in lines)  # 3 only: 4 is not due yet
    assert any(line.startswith("BHXH: QUÁ HẠN — 1 quá hạn") for line in lines)
    ca = tthc("check", "--unit", "CA", "--today", "2026-05-22", "--plans", plan_dir)
    assert ca.code == 0 and ca.out.startswith("CA: CẦN LÀM — 0 quá hạn")  # 1 and 2 are overdue, not Công an's


def test_the_coordinating_unit_sees_shared_duties_apart(tthc, plan_dir, tmp_path):
    write(plan_dir / "p.yaml", PLAN)
    rows = tthc("due", "--unit", "VHXH", *DAY, "--plans", plan_dir, "--format", "json").json()
    assert {r["task"]: r["group"] for r in rows} == {"1": "shared", "2": "overdue", "3": "overdue"}
    table = tthc("due", "--unit", "VHXH", *DAY, "--plans", plan_dir).out
    assert table.index("QUÁ HẠN (2)") < table.index("VIỆC CHUNG — các cơ quan, đơn vị có liên quan (1)")
    assert "Báo cáo chung" in table.split("VIỆC CHUNG")[1]
    vhxh = tthc("check", "--unit", "VHXH", *DAY, "--plans", plan_dir)
    assert vhxh.code == EXIT_OVERDUE and "2 quá hạn" in vhxh.out  # its own two, not the shared one

    config = write(tmp_path / "tthc.yaml", "coordinator: Trung tâm Phục vụ hành chính công xã\n")
    moved = tthc("--config", config, "due", "--unit", "TTPVHCC", *DAY, "--plans", plan_dir, "--format", "json")
    assert _tasks(moved.json()) == ["1", "2", "3"]
    left = tthc("--config", config, "due", "--unit", "VHXH", *DAY, "--plans", plan_dir, "--format", "json")
    assert _tasks(left.json()) == ["2", "3"]

    out = tmp_path / "thu"
    assert tthc("digest", "--unit", "VHXH", "--out", out, *DAY, "--plans", plan_dir).code == 0
    msg = email.message_from_bytes(next(out.glob("*.eml")).read_bytes(), policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    shared = text.split("VIỆC CHUNG — CÁC CƠ QUAN, ĐƠN VỊ CÓ LIÊN QUAN, ĐƠN VỊ THEO DÕI (1)")[1]
    assert "Báo cáo chung" in shared and "Báo cáo chung" not in text.split("VIỆC CHUNG")[0]


def test_the_report_counts_a_shared_duty_on_its_own_row(tthc, plan_dir):
    write(plan_dir / "p.yaml", PLAN)
    report = tthc("report", "--period", "Quý II/2026", "--today", "2026-07-01", "--plans", plan_dir,
                  "--format", "json").json()
    units = {u["code"]: u for u in report["units"]}
    assert units["LQ"]["total"] == 1 and units["LQ"]["overdue"] == 1
    assert set(units) == {"LQ", "ALL", "DIABAN", "CA"}


def test_an_unknown_coordinator_is_a_config_error(tthc, plan_dir, tmp_path):
    write(plan_dir / "p.yaml", PLAN)
    config = write(tmp_path / "tthc.yaml", "coordinator: Phòng Không Có\n")
    r = tthc("--config", config, "due", "--unit", "VP", *DAY, "--plans", plan_dir)
    assert r.code == ConfigError.exit_code and 'coordinator: không có đơn vị "Phòng Không Có"' in r.err
    check = tthc("--config", config, "config", "check", "--plans", plan_dir)
    assert check.code == ConfigError.exit_code and 'coordinator: không có đơn vị "Phòng Không Có"' in check.out
