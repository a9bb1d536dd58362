"""Issue 13: the commune (the plan's issuer) as a dimension of every view. The bundled plans are five
communes' (Xuân Trường, Phú Thái, Hoàng Sơn, Khúc Thừa Dụ, Quyết Thắng); each has its own TTPVHCC."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import shutil

import pytest

from conftest import PLANS, write
from smtp_server import smtp_server  # noqa: F401  (the fixture)
from tthc_cli.core.communes import commune_of, find, suggest
from tthc_cli.errors import ConfigError, UsageError

DAY = ("--today", "2026-06-01")
FIVE = {"xã Xuân Trường", "xã Phú Thái", "xã Hoàng Sơn", "xã Khúc Thừa Dụ", "xã Quyết Thắng"}
OTHERS = ("Phú Thái", "Hoàng Sơn", "Khúc Thừa Dụ", "Quyết Thắng")


# --- one key for every spelling of one commune ---------------------------------------------------------

@pytest.mark.parametrize("issuer", [
    "UBND xã Xuân Trường",
    "Ủy ban nhân dân xã Xuân Trường",
    "Uỷ ban nhân dân xã Xuân Trường",
    "UỶ BAN NHÂN DÂN XÃ XUÂN TRƯỜNG",  # a Word header, in capitals
    "UBND xã Xuân Trường, huyện Xuân Trường, tỉnh Nam Định",
    "UBND xã Xuân Trường (tỉnh Ninh Bình)",
    "UBND xã Xuân Trường - tỉnh Ninh Bình",
    "  UBND   xã\nXuân  Trường ",
    "Đảng ủy xã Xuân Trường",
    "xã Xuân Trường",
])
def test_every_spelling_of_an_issuer_is_one_commune(issuer):
    c = commune_of(issuer)
    assert c == commune_of("UBND xã Xuân Trường")
    assert (c.level, c.name, c.label, c.short, c.body) == (
        "xã", "Xuân Trường", "xã Xuân Trường", "Xuân Trường", "UBND xã Xuân Trường")


def test_places_that_differ_are_not_merged():
    assert commune_of("UBND xã Tân Phong") != commune_of("UBND phường Tân Phong")  # two levels, two places
    assert commune_of("UBND xã Hòa Bình") != commune_of("UBND xã Hóa Bình")  # a tone mark is a letter
    assert commune_of("UBND xã Hoà Bình") == commune_of("UBND xã Hòa Bình")  # old and new tone placement
    assert commune_of("UBND thị xã Sơn Tây") != commune_of("UBND xã Sơn Tây")  # "thị xã" is its own level
    assert commune_of("UBND thị xã Sơn Tây").level == "thị xã"
    assert commune_of("UBND TP. Hà Nội").label == "thành phố Hà Nội"
    assert commune_of("UBND phường 12").short == "Phường 12"  # a numbered ward keeps its level in a table
    assert commune_of("Sở Nội vụ").label == "Sở Nội vụ"  # no level: the issuer as written
    assert commune_of(None) is None and commune_of("  ") is None


def test_a_name_typed_in_haste_finds_its_commune_and_says_when_it_is_ambiguous():
    known = [commune_of(x) for x in ("UBND xã Xuân Trường", "UBND xã Hòa Bình", "UBND xã Hóa Bình",
                                     "UBND phường Tân Phong", "UBND xã Tân Phong")]
    xt = commune_of("UBND xã Xuân Trường")
    for typed in ("Xuân Trường", "xuan truong", "XUAN TRUONG", "xa xuan truong", "UBND xa Xuan Truong",
                  "Ủy ban nhân dân xã Xuân Trường", "uy ban nhan dan xa xuan truong"):
        assert find(typed, known) == [xt], typed
    assert find("Hòa Bình", known) == [commune_of("UBND xã Hòa Bình")]  # with accents: exactly that one
    assert set(find("hoa binh", known)) == {commune_of("UBND xã Hòa Bình"), commune_of("UBND xã Hóa Bình")}
    assert len(find("Tân Phong", known)) == 2 and find("phường Tân Phong", known) == [known[3]]
    assert find("Xuan Truongg", known) == [] and suggest("Xuan Truongg", known) == ["xã Xuân Trường"]


# --- the commands --------------------------------------------------------------------------------------

def test_due_for_one_communes_unit_lists_only_that_communes_tasks(tthc):
    """Done when: `due --unit TTPVHCC --commune "Xuân Trường"` lists only Xuân Trường's tasks."""
    every = tthc("due", "--unit", "TTPVHCC", *DAY, "--format", "json").json()
    assert {r["commune"] for r in every} == {"xã Xuân Trường", "xã Hoàng Sơn"}  # five TTPVHCCs, two with items due
    mine = tthc("due", "--unit", "TTPVHCC", "--commune", "Xuân Trường", *DAY, "--format", "json").json()
    assert mine == [r for r in every if r["commune"] == "xã Xuân Trường"] and len(mine) == 9
    assert {r["plan"] for r in mine} == {"xuan-truong-cchc-2026"}
    table = tthc("due", "--unit", "TTPVHCC", "--commune", "Xuân Trường", *DAY).out
    assert table.splitlines()[0] == ("Việc cần làm — TTPVHCC (Trung tâm Phục vụ hành chính công xã) — xã Xuân Trường "
                                     "— ngày 01/06/2026")
    assert "══" not in table and "QUÁ HẠN (9)" in table and "Hoàng Sơn" not in table
    for typed in ("xa xuan truong", "UBND xã Xuân Trường", "Ủy ban nhân dân xã Xuân Trường", "XUÂN TRƯỜNG"):
        assert tthc("due", "--unit", "TTPVHCC", "--commune", typed, *DAY).out == table, typed


def test_without_a_filter_the_table_has_a_table_per_commune(tthc):
    out = tthc("due", "--unit", "TTPVHCC", *DAY).out
    headings = [ln for ln in out.splitlines() if ln.startswith("══ ")]
    assert headings == ["══ UBND xã Hoàng Sơn (1 việc)", "══ UBND xã Xuân Trường (9 việc)"]
    hoang_son = out[out.index(headings[0]):out.index(headings[1])]
    assert "VB › 1" in hoang_son and "I › 6" not in hoang_son  # each task under its own commune
    rows = list(csv.DictReader(io.StringIO(tthc("list", "--all", *DAY, "--format", "csv").out.lstrip("\ufeff"))))
    assert {r["commune"] for r in rows} == FIVE


def test_the_index_and_the_full_load_agree_per_commune(tthc, tmp_path):
    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder)
    for args in (("due", "--unit", "VHXH"), ("list", "--all"), ("check",), ("overdue",)):
        cmd = (*args, "--commune", "Phú Thái", *DAY, "--plans", folder)
        tthc(*cmd)  # writes the index
        assert tthc(*cmd).out == tthc(*cmd, "--no-cache").out, args
    assert "VIỆC CHUNG" in tthc("due", "--unit", "VHXH", "--commune", "Phú Thái", *DAY, "--plans", folder).out


def test_an_unknown_or_ambiguous_commune_is_refused_in_vietnamese(tthc, tmp_path):
    r = tthc("due", "--unit", "TTPVHCC", "--commune", "Xuan Truongg", *DAY)
    assert r.code == UsageError.exit_code and r.out == ""
    assert 'không có kế hoạch nào của "Xuan Truongg". Có phải: "xã Xuân Trường"?' in r.err
    assert "Traceback" not in r.err and "xã Quyết Thắng" in r.err  # the communes there are
    folder = tmp_path / "plans"
    folder.mkdir()
    for n, issuer in enumerate(("UBND xã Tân Phong", "UBND phường Tân Phong")):
        text = (PLANS / "xuan-truong-cchc-2026.yaml").read_text(encoding="utf-8")
        text = text.replace("issuer: UBND xã Xuân Trường", f"issuer: {issuer}")
        write(folder / f"p{n}.yaml", text.replace("id: xuan-truong-cchc-2026", f"id: p{n}", 1))
    r = tthc("due", "--commune", "Tân Phong", *DAY, "--plans", folder)
    assert r.code == UsageError.exit_code
    assert '"Tân Phong" có thể là xã Tân Phong hoặc phường Tân Phong' in r.err
    assert tthc("due", "--commune", "phuong tan phong", *DAY, "--plans", folder, "-f", "json").json()[0]["commune"] \
        == "phường Tân Phong"


def test_the_config_commune_is_the_default_and_tat_ca_lifts_it(tthc, tmp_path):
    write(tmp_path / "tthc.yaml", f"plans: {PLANS}\ncommune: Ủy ban nhân dân xã Quyết Thắng\n")
    listed = tthc("list", "--all", *DAY, "--format", "json", cwd=tmp_path).json()
    assert listed and {r["commune"] for r in listed} == {"xã Quyết Thắng"}
    assert {r["commune"] for r in tthc("list", "--all", *DAY, "--format", "json", "--commune", "tất cả",
                                       cwd=tmp_path).json()} == FIVE
    write(tmp_path / "tthc.yaml", f"plans: {PLANS}\ncommune: UBND xã Hải Hậu\n")
    r = tthc("due", *DAY, cwd=tmp_path)
    assert r.code == ConfigError.exit_code and 'commune (tệp cấu hình): không có kế hoạch nào của "UBND xã Hải Hậu"' in r.err


def test_a_plan_without_issuer_belongs_to_the_config_commune(tthc, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    text = (PLANS / "xuan-truong-cchc-2026.yaml").read_text(encoding="utf-8")
    write(folder / "xt.yaml", text.replace("  issuer: UBND xã Xuân Trường\n", ""))
    shutil.copy(PLANS / "quyet-thang-ksthc-2026.yaml", folder)
    write(tmp_path / "tthc.yaml", "plans: plans\ncommune: UBND xã Xuân Trường\n")
    rows = tthc("due", "--unit", "TTPVHCC", *DAY, "-f", "json", cwd=tmp_path).json()
    assert len(rows) == 9 and {r["commune"] for r in rows} == {"xã Xuân Trường"}
    write(tmp_path / "tthc.yaml", "plans: plans\n")
    rows = tthc("due", "--unit", "TTPVHCC", *DAY, "-f", "json", cwd=tmp_path).json()
    assert len(rows) == 9 and {r["commune"] for r in rows} == {None}
    heads = [ln for ln in tthc("list", *DAY, cwd=tmp_path).out.splitlines() if ln.startswith("══ ")]
    assert [h.split(" (")[0] for h in heads] == ["══ UBND xã Quyết Thắng", "══ Kế hoạch không ghi cơ quan ban hành"]


def test_check_has_a_block_per_commune(tthc):
    out = tthc("check", *DAY)
    assert out.code == 3
    heads = [ln for ln in out.out.splitlines() if ln.startswith("══ ")]
    assert heads == ["══ UBND xã Hoàng Sơn", "══ UBND xã Khúc Thừa Dụ", "══ UBND xã Phú Thái",
                     "══ UBND xã Quyết Thắng", "══ UBND xã Xuân Trường"]
    xt = out.out[out.out.index("══ UBND xã Xuân Trường"):]
    assert "TTPVHCC: QUÁ HẠN — 9 quá hạn" in xt
    alone = tthc("check", "--commune", "Khúc Thừa Dụ", *DAY)
    assert alone.code == 0 and "══" not in alone.out and "TTPVHCC: ỔN" in alone.out


# --- the province's report -----------------------------------------------------------------------------

COUNTS = ("total", "on_time", "late", "overdue", "pending")


def test_report_by_commune_has_a_row_per_commune_adding_up_to_the_totals(tthc):
    """Done when: `report --by commune --format json` has one row per commune of the bundled plans, with counts
    that add up to the unfiltered totals."""
    q2 = ("report", "--period", "Quý II/2026", "--today", "2026-07-15", "--format", "json")
    by_unit = tthc(*q2, "--by", "unit").json()
    by_commune = tthc(*q2, "--by", "commune").json()
    both = tthc(*q2, "--by", "commune,unit").json()
    assert by_commune["by"] == "commune" and {r["name"] for r in by_commune["units"]} == \
        {f"UBND {c}" for c in FIVE}
    assert by_unit["totals"]["total"] == 21
    for k in COUNTS:
        assert sum(r[k] for r in by_commune["units"]) == by_unit["totals"][k] == by_commune["totals"][k], k
        assert sum(r[k] for r in both["units"]) == by_unit["totals"][k], k
        for row in by_commune["units"]:  # a commune's row is the sum of its units' rows
            assert row[k] == sum(r[k] for r in both["units"] if r["commune"] == row["code"]), (k, row["code"])
    rates = [r["on_time_rate"] for r in by_commune["units"] if r["on_time_rate"] is not None]
    assert rates == sorted(rates)  # ranked: who is behind first
    rows = [ln for ln in tthc(*q2[:-2]).out.splitlines() if ln.startswith("Xuân Trường · TTPVHCC ")]
    assert len(rows) == 1  # several communes: a unit of each commune is a row by default
    assert {ln["commune"] for ln in both["lines"]} == {"Hoàng Sơn", "Khúc Thừa Dụ", "Xuân Trường"}
    csv = tthc(*q2[:-2], "--by", "commune,unit", "--format", "csv").out.splitlines()
    assert csv[0].lstrip("\ufeff").startswith("Xã,Mã,Đơn vị,") and csv[1].startswith("Hoàng Sơn,")
    bad = tthc(*q2, "--by", "xa,ward")
    assert bad.code == UsageError.exit_code and '--by: "xa,ward" không hợp lệ' in bad.err


def test_report_by_commune_as_xlsx(tthc, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "tinh.xlsx"
    r = tthc("report", "--period", "Quý II/2026", "--today", "2026-07-15", "--by", "commune", "-f", "xlsx", "-o", out)
    assert r.code == 0, r.err
    ws = openpyxl.load_workbook(out).worksheets[0]
    header = [c.value for c in ws[4]]
    assert header[:3] == ["Xã", "Cơ quan ban hành", "Tổng số nhiệm vụ đến hạn"]
    names = [ws.cell(row, 2).value for row in range(5, 10)]
    assert set(names) == {f"UBND {c}" for c in FIVE}


# --- the digest: each commune's unit, and only its tasks -------------------------------------------------

def _mail(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_the_digest_of_xuan_truongs_ttpvhcc_lists_no_other_communes_task(tthc, tmp_path):
    """Done when: the digest for Xuân Trường's TTPVHCC lists no other commune's task."""
    r = tthc("digest", "--unit", "TTPVHCC", "--commune", "Xuân Trường", "--out", tmp_path / "thu", *DAY)
    assert r.code == 0, r.err
    (eml,) = (tmp_path / "thu").iterdir()
    msg = _mail(eml)
    assert msg["Subject"] == "[tthc] Xuân Trường/TTPVHCC: 9 quá hạn, 0 sắp đến hạn (01/06/2026)"
    text = msg.get_body(("plain",)).get_content() + msg.get_body(("html",)).get_content()
    assert "UBND xã Xuân Trường" in text and "QUÁ HẠN (9)" in text
    for other in OTHERS:
        assert other not in text, other
    every = tthc("digest", "--unit", "TTPVHCC", "--out", tmp_path / "moi", *DAY)
    assert sorted(p.name for p in (tmp_path / "moi").iterdir()) == ["2026-06-01-Hoàng_Sơn_TTPVHCC.eml",
                                                                  "2026-06-01-Xuân_Trường_TTPVHCC.eml"]
    assert "Phú Thái/TTPVHCC: bỏ qua" in every.out


def _province(tmp_path, recipients: str, port: int = 25):
    write(tmp_path / "tthc.yaml", f"""\
plans: {PLANS}
db: progress.db
{recipients}
smtp:
  host: 127.0.0.1
  port: {port}
  security: none
  sender: "Sở Nội vụ <snv@tinh.gov.vn>"
  retry_delays: [0]
""")


def test_the_config_gives_each_commune_its_recipients(tthc, tmp_path, smtp_server):
    _province(tmp_path, """\
communes:
  Xuân Trường: {recipients: {TTPVHCC: motcua@tinh.gov.vn}}
  xa hoang son: {recipients: {"Trung tâm PV hành chính công": motcua@tinh.gov.vn, VHXH: vhxh@hoangson.gov.vn}}
""", smtp_server.port)
    r = tthc("digest", "--all", "--send", *DAY, cwd=tmp_path)
    assert r.code == 0, r.err
    got = sorted(str(m.message["Subject"]).split(":")[0] for m in smtp_server.messages)
    # one address for two communes' TTPVHCC: two mails, each recorded apart (neither is "sent today" for the other)
    assert got == ["[tthc] Hoàng Sơn/TTPVHCC", "[tthc] Hoàng Sơn/VHXH", "[tthc] Xuân Trường/TTPVHCC"]
    for m in smtp_server.messages:
        where = str(m.message["Subject"]).split("]")[1].split("/")[0].strip()
        body = m.message.get_body(("plain",)).get_content()
        assert f"UBND xã {where}" in body and not any(o in body for o in (*OTHERS, "Xuân Trường") if o != where)
    again = tthc("digest", "--all", "--send", *DAY, cwd=tmp_path)
    assert again.code == 0 and len(smtp_server.messages) == 3 and again.out.count("đã gửi hôm nay") == 3
    only = tthc("digest", "--all", "--out", tmp_path / "hs", "--commune", "Hoàng Sơn", *DAY, cwd=tmp_path)
    assert only.code == 0 and sorted(p.name for p in (tmp_path / "hs").iterdir()) == [
        "2026-06-01-Hoàng_Sơn_TTPVHCC.eml", "2026-06-01-Hoàng_Sơn_VHXH.eml"]


@pytest.mark.parametrize("recipients, message", [
    ("recipients: {TTPVHCC: a@x.vn}", "recipients: có kế hoạch của 5 xã"),
    ("communes:\n  Hải Hậu: {recipients: {TTPVHCC: a@x.vn}}", 'communes: "Hải Hậu" không phải xã nào có kế hoạch'),
    ("communes:\n  Xuân Trường: {recipients: {PTP: a@x.vn}}", 'communes.Xuân Trường.recipients: không có đơn vị "PTP"'),
    ("communes:\n  Xuân Trường: {to: a@x.vn}", "communes.Xuân Trường: khóa không hợp lệ to (dùng recipients)"),
    ("commune: Xuân Trường\nrecipients: {TTPVHCC: a@x.vn}\ncommunes:\n  xa xuan truong: {recipients: {TTPVHCC: b@x.vn}}",
     "người nhận của TTPVHCC (xã Xuân Trường) đã ghi ở mục khác"),
])
def test_recipients_that_could_reach_the_wrong_commune_are_refused(tthc, tmp_path, recipients, message):
    _province(tmp_path, recipients)
    r = tthc("digest", "--all", "--out", tmp_path / "thu", *DAY, cwd=tmp_path)
    assert r.code == ConfigError.exit_code and message in r.err, r.err
    assert not (tmp_path / "thu").exists()


def test_config_check_names_communes_the_plans_do_not_have(tthc, tmp_path):
    _province(tmp_path, "commune: Xuân Trường\ncommunes:\n  Hải Hậu: {recipients: {PTP: a@x.vn}}\n"
                        "  Quyết Thắng: {recipients: {TTPVHCC: b@x.vn}}")
    r = tthc("config", "check", cwd=tmp_path)
    assert r.code == ConfigError.exit_code
    assert 'communes.Hải Hậu.recipients: không có đơn vị "PTP"' in r.out
    assert 'communes: "Hải Hậu" không phải xã nào có kế hoạch' in r.out
    assert "Quyết Thắng" not in r.out.split("(có:")[0] and "commune:" not in r.out
    _province(tmp_path, "commune: Xuân Trường\ncommunes:\n  Quyết Thắng: {recipients: {TTPVHCC: b@x.vn}}")
    ok = tthc("config", "check", cwd=tmp_path)
    assert ok.code == 0 and "cấu hình hợp lệ" in ok.out


def test_history_of_one_commune(tthc, tmp_path):
    store = tmp_path / "p.db"
    for ref in ("xuan-truong-cchc-2026:III.1", "quyet-thang-ksthc-2026:II.2.3"):
        assert tthc("done", ref, "--occurrence", "Quý I/2026" if "III.1" in ref else "09/09/2026", "--date",
                    "2026-03-20", "--db", store, *DAY).code == 0
    every = tthc("history", "--db", store, "--format", "json").json()
    assert [r["commune"] for r in every] == ["xã Quyết Thắng", "xã Xuân Trường"]
    mine = tthc("history", "--db", store, "--format", "json", "--commune", "xuan truong").json()
    assert mine == every[1:]
