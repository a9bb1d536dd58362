"""Loading and validating plan files: every problem with file, line and key path;
bad input gets a Vietnamese message and a non-zero exit, never a traceback."""

from __future__ import annotations

import json

import pytest

from conftest import PLANS, write
from tthc_cli.errors import EXIT_PARTIAL, FileError, PlanError, UsageError

GOOD = """\
plan:
  id: thu-nghiem-2026
  title: Kế hoạch thử nghiệm
  period: 2026
tasks:
  - id: I
    title: Công tác chỉ đạo
    tasks:
      - id: I.1
        title: Ban hành kế hoạch
        lead: Phòng Văn hóa - Xã hội
        support: [Trung tâm PVHCC]
        deadline: Trước ngày 15/01/2026
      - id: I.2
        title: Báo cáo quý
        lead: TTPVHCC
        deadline: Định kỳ hằng quý
        after: [I.1]
"""


def _no_traceback(r):
    assert "Traceback" not in r.err and "Traceback" not in r.out


def test_bundled_plans_validate_clean(tthc):
    r = tthc("validate", PLANS)
    assert r.code == 0, r.out + r.err
    assert "0 lỗi" in r.out


def test_bundled_plan_warnings_are_the_documents_own(tthc):
    """Each warning on seed 002 points at something odd in the document itself."""
    r = tthc("validate", PLANS / "xuan-truong-cchc-2026.yaml", "--format", "json")
    problems = r.json()["problems"]
    texts = [p["message"] for p in problems]
    assert all(p["severity"] == "warning" for p in problems)
    assert all(p["line"] for p in problems)
    assert sum("trước thời gian của kế hoạch" in t for t in texts) == 5  # Quý III, IV/2025 twice; Quý IV/2025
    assert sum("cơ quan chủ trì cũng được ghi là cơ quan phối hợp" in t for t in texts) == 2  # IV.1, IV.3
    assert sum("thứ Bảy" in t for t in texts) == 1  # Tháng 01/2026 ends on a Saturday
    assert not any("Chủ nhật" in t for t in texts)
    assert len(problems) == 8
    strict = tthc("validate", PLANS / "xuan-truong-cchc-2026.yaml", "--strict")
    assert strict.code == PlanError.exit_code


def test_unknown_key_did_you_mean_with_line(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", GOOD.replace("        deadline: Định kỳ hằng quý", "        deadlin: Định kỳ hằng quý"))
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code
    assert f'{f}:17: tasks[0].tasks[1].deadlin: lỗi: khóa "deadlin" không có trong định dạng kế hoạch; có phải "deadline"?' in r.out


def test_unknown_unit_is_a_warning_naming_the_unit(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", GOOD.replace("lead: TTPVHCC", "lead: Phòng Tư pháp"))
    r = tthc("validate", f)
    assert r.code == 0
    assert f'{f}:16: tasks[0].tasks[1].lead: cảnh báo: không có đơn vị "Phòng Tư pháp" trong danh mục' in r.out
    assert tthc("validate", f, "--strict").code == PlanError.exit_code


def test_plan_local_units_make_a_name_known(tthc, plan_dir):
    text = GOOD.replace("lead: TTPVHCC", "lead: Phòng Tư pháp").replace(
        "tasks:\n  - id: I\n", "units:\n  - code: TP\n    name: Phòng Tư pháp\ntasks:\n  - id: I\n", 1)
    f = write(plan_dir / "a.yaml", text)
    r = tthc("validate", f, "--strict")
    assert r.code == 0, r.out
    due = tthc("due", "--plans", f, "--unit", "TP", "--today", "2026-03-25", "--format", "json")
    assert [row["task"] for row in due.json()] == ["I.2"]


def test_errors_duplicate_ids_unknown_after_and_cycles(tthc, plan_dir):
    text = GOOD + """\
      - id: I.1
        title: Trùng mã
        lead: VP
        deadline: Quý I/2026
      - id: I.3
        title: A
        lead: VP
        deadline: Quý II/2026
        after: [I.4, I.9]
      - id: I.4
        title: B
        lead: VP
        deadline: Quý II/2026
        after: [I.3]
"""
    f = write(plan_dir / "a.yaml", text)
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code
    assert f'{f}:19: tasks[0].tasks[2].id: lỗi: mã nhiệm vụ "I.1" trùng với tasks[0].tasks[0]' in r.unwrapped
    assert 'after: không có nhiệm vụ "I.9"' in r.unwrapped
    assert "vòng lặp phụ thuộc (after): thu-nghiem-2026:I.3 → thu-nghiem-2026:I.4 → thu-nghiem-2026:I.3" in r.unwrapped
    assert "3 lỗi" in r.out  # all problems listed, not just the first


def test_after_across_plans(tthc, plan_dir):
    write(plan_dir / "a.yaml", GOOD)
    other = GOOD.replace("thu-nghiem-2026", "khac-2026").replace("after: [I.1]", "after: [thu-nghiem-2026:I.2]")
    write(plan_dir / "b.yaml", other)
    assert tthc("validate", plan_dir).code == 0
    broken = other.replace("thu-nghiem-2026:I.2", "thu-nghiem-2026:I.7")
    write(plan_dir / "b.yaml", broken)
    r = tthc("validate", plan_dir)
    assert r.code == PlanError.exit_code and 'after: không có nhiệm vụ "thu-nghiem-2026:I.7"' in r.out


def test_wrong_types(tthc, plan_dir):
    text = GOOD.replace("support: [Trung tâm PVHCC]", "support: {a: 1}").replace("deadline: Trước ngày 15/01/2026", "deadline: [1, 2]")
    f = write(plan_dir / "a.yaml", text)
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code
    assert "tasks[0].tasks[0].support: lỗi: support phải là chuỗi hoặc danh sách, không phải bảng khóa–giá trị" in r.out
    assert "tasks[0].tasks[0].deadline: lỗi: deadline phải là chuỗi" in r.out


def test_float_like_id_is_explained(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", GOOD.replace("id: I.2", "id: 1.10"))
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code and 'hãy đặt trong dấu nháy' in r.out


def test_malformed_yaml_names_the_line(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", GOOD.replace("        title: Báo cáo quý", "        title: Báo cáo: quý"))
    for cmd in (("validate", f), ("due", "--plans", f, "--today", "2026-01-01")):
        r = tthc(*cmd)
        assert r.code != 0
        _no_traceback(r)
        out = r.out + r.err
        assert f"{f}:15:" in out and "YAML sai cú pháp" in out


def test_empty_binary_huge_and_missing_files(tthc, plan_dir, tmp_path):
    empty = write(plan_dir / "empty.yaml", "   \n")
    r = tthc("validate", empty)
    assert r.code == PlanError.exit_code and "tệp rỗng" in r.out
    binary = plan_dir / "bin.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    r = tthc("validate", binary)
    assert r.code == PlanError.exit_code and "tệp nhị phân" in r.out
    latin = plan_dir / "latin.yaml"
    latin.write_bytes("plan: {id: x, title: 'Kế hoạch'}".encode("cp1258", errors="replace") + b"\xff")
    r = tthc("validate", latin)
    assert r.code == PlanError.exit_code and "UTF-8" in r.out
    huge = plan_dir / "huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    r = tthc("validate", huge)
    assert r.code == PlanError.exit_code and "tệp quá lớn" in r.out
    r = tthc("validate", tmp_path / "khong-co.yaml")
    assert r.code == UsageError.exit_code and "không tìm thấy" in r.err
    for res in (r,):
        _no_traceback(res)


def test_not_a_mapping_and_missing_parts(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", "- 1\n- 2\n")
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code and "phải là một bảng khóa–giá trị" in r.out
    f = write(plan_dir / "a.yaml", "plan:\n  title: x\ntasks: []\n")
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code and "thiếu mã kế hoạch" in r.out
    f = write(plan_dir / "a.yaml", "plan:\n  id: x\ntasks: []\n")
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code and "plan.period" in r.out


def test_a_broken_file_does_not_hide_the_others(tthc, plan_dir):
    write(plan_dir / "a.yaml", GOOD)
    write(plan_dir / "b.yaml", "plan: [\n")
    r = tthc("due", "--plans", plan_dir, "--today", "2026-03-25", "--format", "json")
    assert r.code == EXIT_PARTIAL  # the rest is shown, but the answer is incomplete: cron must notice
    assert [row["task"] for row in r.json()] == ["I.1", "I.2"]
    assert "1 tệp kế hoạch không đọc được và bị BỎ QUA" in r.err
    assert f"{plan_dir / 'b.yaml'}: dòng 2: YAML sai cú pháp" in r.err


def test_unknown_unit_option_suggests(tthc):
    r = tthc("due", "--unit", "Trung tam PVHC", "--today", "2026-06-01")
    assert r.code == UsageError.exit_code
    assert 'không có đơn vị "Trung tam PVHC"' in r.err and "Có phải" in r.err
    _no_traceback(r)


def test_bad_options(tthc):
    for args, needle in ((("due", "--today", "hôm kia nữa"), "--today"), (("due", "--within", "abc"), "--within"),
                         (("due", "--frmat", "json"), "không có tùy chọn --frmat"),
                         (("due", "--format", "xml"), "--format"), (("khong-co-lenh",), "không có lệnh"),
                         (("due", "--today", "31/02/2026"), "không tồn tại")):
        r = tthc(*args)
        assert r.code == UsageError.exit_code, (args, r.err)
        assert needle in r.err, (args, r.err)
        _no_traceback(r)


def test_no_plans_folder(tthc, tmp_path):
    r = tthc("due", cwd=tmp_path)
    assert r.code == UsageError.exit_code and "./plans" in r.err


def test_validate_json_shape(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", GOOD)
    r = tthc("validate", f, "--format", "json")
    data = json.loads(r.out)
    assert data["tasks"] == 2 and data["errors"] == 0 and data["plans"] == 1


def test_an_impossible_date_value_is_a_message_not_a_traceback(tthc, plan_dir):
    f = write(plan_dir / "a.yaml", GOOD.replace("        deadline: Định kỳ hằng quý", "        due: 2026-02-30"))
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code
    assert "tasks[0].tasks[1].due: lỗi: due phải là ngày dạng YYYY-MM-DD, không phải '2026-02-30'" in r.out
    _no_traceback(r)


def test_messages_for_command_line_mistakes_are_vietnamese(tthc, tmp_path):
    cases = [
        (("due", "--today", "2026-13-01"), 'ngày "2026-13-01" không tồn tại'),
        (("due", "--format", "xml"), 'giá trị "xml" không hợp lệ cho --format'),
        (("due", "--unit"), "tùy chọn --unit cần một giá trị"),
        (("show",), "thiếu TASK"),
        (("report", "--period", "Quý", "II/2026"), 'ví dụ --period "Quý II/2026"'),
        (("trigger", "xuan-truong-cchc-2026:IV.2", "--date", "2026-07-01", "--due-in", "abc"), "--due-in: không hiểu"),
    ]
    for args, needle in cases:
        r = tthc(*args)
        assert r.code == UsageError.exit_code, (args, r.err)
        assert needle in r.err, (args, r.err)
        assert "Traceback" not in r.err


def test_output_paths_that_cannot_be_written(tthc, tmp_path):
    r = tthc("ics", "--unit", "TTPVHCC", "-o", tmp_path, "--today", "2026-06-01")
    assert r.code == FileError.exit_code and "là thư mục" in r.err and "Traceback" not in r.err
    afile = tmp_path / "x.txt"
    afile.write_text("x")
    r = tthc("digest", "--unit", "VP", "--out", afile, "--today", "2026-06-01")
    assert r.code == FileError.exit_code and "không ghi được" in r.err and "Traceback" not in r.err
    r = tthc("report", "--period", "Quý II/2026", "--format", "xlsx", "-o", tmp_path)
    assert r.code == FileError.exit_code and "là thư mục" in r.err  # as every writer says it: exit 1, whatever the format
    assert not list(tmp_path.glob(".*.tmp")) and not list(tmp_path.glob(".*.tthc-tmp"))


BAD_UNITS = """\
units:
  - {code: TP, name: Phòng Tư pháp, members: 5}
  - {code: 12, name: Tổ 12}
  - {code: OK1, name: [a, b]}
  - {code: OK2, name: Tổ 2, aliases: {a: 1}}
  - {code: OK3, name: Tổ 3, aliases: [Tổ ba, 3]}
  - {code: OK4, name: Tổ 4, external: "yes"}
  - {code: OK5, name: Tổ 5, short: 7}
  - {code: OK6, name: Tổ 6, members: [VP, {a: 1}]}
  - {code: null, name: Tổ 7}
  - {code: true, name: Tổ 8}
  - {code: OK9, name: null}
  - {code: OK10, name: Tổ 10, aliases: null}
  - 5
  - {code: "A/B", name: Tổ AB}
  - {code: "X\\r\\nY", name: Tổ XY}
  - {code: "Q\\u2028", name: Tổ Q}
  - {code: "N\\x85", name: Tổ N}
  - {code: "Tổ 1", name: Tổ một}
  - {code: "\\e[31mRED", name: Tổ đỏ}
  - {code: Đội-1.a_b, name: Đội một}
"""


def test_wrong_types_in_a_plans_units_are_problems_not_tracebacks(tthc, plan_dir, tmp_path):
    """Issue 9: `units[0].members: 5` gave a traceback; every wrong type is an error at its key path."""
    text = GOOD.replace("lead: TTPVHCC", "lead: [TTPVHCC, Đội một, Tổ AB]").replace(
        "tasks:\n  - id: I\n", BAD_UNITS + "tasks:\n  - id: I\n", 1)
    f = write(plan_dir / "a.yaml", text)
    r = tthc("validate", f)
    _no_traceback(r)
    assert r.code == PlanError.exit_code
    expected = [
        "units[0].members: lỗi: members phải là danh sách mã đơn vị (hoặc all), không phải số",
        'units[1].code: lỗi: code phải là chuỗi, không phải số; hãy đặt trong dấu nháy, ví dụ code: "12"',
        "units[2].name: lỗi: name phải là chuỗi, không phải danh sách",
        "units[3].aliases: lỗi: aliases phải là danh sách, không phải bảng khóa–giá trị",
        "units[4].aliases[1]: lỗi: mỗi cách viết trong aliases phải là chuỗi, không phải số",
        "units[5].external: lỗi: external phải là true hoặc false, không phải chuỗi",
        "units[6].short: lỗi: short phải là chuỗi, không phải số",
        "units[7].members[1]: lỗi: mã đơn vị trong members phải là chuỗi, không phải bảng khóa–giá trị",
        "units[8]: lỗi: đơn vị cần có code và name",
        "units[9].code: lỗi: code phải là chuỗi, không phải true/false",
        "units[10]: lỗi: đơn vị cần có code và name",
        "units[11].aliases: lỗi: aliases phải là danh sách, không phải rỗng",
        "units[12]: lỗi: mỗi đơn vị là một bảng khóa–giá trị (code, name, aliases), không phải số",
        'units[13].code: lỗi: mã đơn vị "A/B" có ký tự không được dùng: "/"',
        'units[14].code: lỗi: mã đơn vị "X\\r\\nY" có ký tự không được dùng: \\r',
        'units[15].code: lỗi: mã đơn vị "Q\\u2028" có ký tự không được dùng: \\u2028',
        'units[16].code: lỗi: mã đơn vị "N\\x85" có ký tự không được dùng: \\x85',
        'units[17].code: lỗi: mã đơn vị "Tổ 1" có ký tự không được dùng: dấu cách',
        'units[18].code: lỗi: mã đơn vị "\\x1b[31mRED" có ký tự không được dùng: \\x1b',
    ]
    for needle in expected:
        assert needle in r.out, needle
    assert "units[19]" not in r.out  # a safe code with Vietnamese letters, "-", "." and "_"
    assert "\x1b" not in r.out and "\r" not in r.out and "\u2028" not in r.out and "\x85" not in r.out
    assert f"{f}:6: units[0].members:" in r.out  # with its line
    assert 'không có đơn vị "Tổ AB"' in r.out  # a refused unit is not added
    assert 'không có đơn vị "Đội một"' not in r.out
    # the other commands still run, and the bad codes never name a file
    due = tthc("due", "--plans", f, "--today", "2026-03-25", "--format", "json")
    _no_traceback(due)
    assert due.code == 0 and [row["task"] for row in due.json()] == ["I.1", "I.2"]
    _no_traceback(tthc("units", "--plans", f))
    out = tmp_path / "thu"
    # (an ASCII code here: digest.py puts the code into the Message-ID as it is)
    f = write(plan_dir / "a.yaml", text.replace("code: Đội-1.a_b", "code: DOI-1.a_b"))
    digest = tthc("digest", "--unit", "DOI-1.a_b", "--plans", f, "--out", out, "--today", "2026-03-25", "--always")
    _no_traceback(digest)
    assert digest.code == 0, digest.err
    files = [p.relative_to(out) for p in out.rglob("*")]
    assert files and all(len(p.parts) == 1 and p.suffix == ".eml" for p in files), files


def test_a_null_key_in_a_plan_is_named_as_written(tthc, plan_dir):
    f = plan_dir / "a.yaml"
    f.write_text("plan: {id: x, title: T, period: 2026}\n~: 1\ntasks: []\n", encoding="utf-8")
    r = tthc("validate", f)
    assert r.code == PlanError.exit_code and "khóa rỗng (~ hoặc null) không có trong định dạng kế hoạch" in r.out
    assert "None" not in r.out


@pytest.mark.parametrize("args, where", [(("due", "--config", "x.yaml"), "tthc --config … due …"),
                                         (("report", "--config=x.yaml", "--period", "2026"), "tthc --config … report …"),
                                         (("list", "--version"), "tthc --version … list …")])
def test_a_global_option_after_the_command_is_explained(tthc, args, where):
    r = tthc(*args)
    assert r.code == UsageError.exit_code and "tùy chọn chung, đặt trước tên lệnh" in r.err and where in r.err


@pytest.mark.parametrize("args", [("--table", "lines"), ("--format", "csv", "--table", "units,lines"),
                                  ("--format", "md", "--table", "units")])
def test_report_table_is_for_csv_and_names_one_table(tthc, args):
    r = tthc("report", "--period", "Quý II/2026", *args, "--plans", PLANS, "--today", "2026-06-01")
    assert r.code == UsageError.exit_code and "--table chỉ dùng với --format csv" in r.err and r.out == ""
