"""Duties written in running text (outside the tables) of the seeds."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from tthc_cli.core.deadline import parse_period, resolve
from tthc_cli.importer.prose import ProseTask, find_obligations
from tthc_cli.importer.textsource import read_text
from tthc_cli.io.workspace import base_registry

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"
IV = "IV. TỔ CHỨC THỰC HIỆN"


@pytest.fixture(scope="module")
def registry():
    return base_registry(use_cache=False)


def _found(prefix: str, period: str, registry) -> list[ProseTask]:
    path = next(FIXTURES.glob(f"{prefix}_*.txt"))
    return find_obligations(read_text(path.read_text(encoding="utf-8"), path.name), period, registry)


def _due(task: ProseTask, period: str) -> list[date]:
    res = resolve(task.deadline, parse_period(period))
    assert res.kind != "unknown", task
    return list(res.due)


QUARTER_ENDS_2026 = [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]


def test_seed_003_quarterly_report_in_prose(registry):
    # Seed 003 has no table. Its one dated duty is IV.1.d: quarterly and annual reports "gửi trước
    # ngày 06 của tháng cuối quý". Left out, on purpose: IV.2.b's "báo cáo … hàng tuần" (weekly:
    # beyond the deadline grammar) and the undated duties of IV.2 ("theo quy định", "thường xuyên").
    period = "2025-07-01..2025-12-31"
    tasks = _found("003", period, registry)
    assert [(t.lead, t.deadline) for t in tasks] == [
        ("Các phòng, cơ quan, đơn vị có liên quan", "gửi trước ngày 06 của tháng cuối quý"),
    ]
    (task,) = tasks
    assert _due(task, period) == [date(2025, 9, 5), date(2025, 12, 5)]
    assert resolve(task.deadline, parse_period(period)).recurrence == ("quarterly",)
    assert task.title == "Báo cáo kết quả tham mưu, thực hiện công tác cải cách hành chính theo định kỳ"
    assert task.where == "dòng 127"
    assert task.section == IV
    assert task.sentence.startswith("Thủ trưởng các phòng, cơ quan, đơn vị có liên quan chỉ đạo thực hiện")
    assert task.sentence.endswith("để báo cáo Sở Nội vụ thành phố theo quy định.")


def test_seed_004_section_iv_duties(registry):
    # Section IV: each numbered paragraph is headed by the unit it concerns; IV.1.c names its own
    # unit ("Giao phòng Văn hoá – Xã hội: …"). IV.1.b's "định kỳ hằng quý, 6 tháng, 9 tháng, cả năm
    # hoặc đột xuất" is cut to "định kỳ hằng quý, 6 tháng", the longest head the grammar reads: the
    # same dates (every quarter's end). IV.4.b/c ("theo quy định", "theo hướng dẫn") have no date.
    period = "2026"
    tasks = _found("004", period, registry)
    assert [(t.lead, t.deadline) for t in tasks] == [
        ("Các phòng chuyên môn, Trung tâm phục vụ hành chính công", "định kỳ hằng quý, 6 tháng"),
        ("Phòng Văn hoá – Xã hội", "định kỳ hằng quý"),
        ("Văn phòng HĐND & UBND xã", "trước ngày 30/11/2026"),
        ("Trung tâm phục vụ Hành chính công", "trước ngày 30/11/2026"),
        ("Phòng Văn hoá – Xã hội", "trước ngày 30/11/2026"),
        ("Phòng Văn hoá – Xã hội", "trước ngày 30/11/2026"),
        ("Phòng Kinh tế", "trước ngày 30/11/2026"),
        ("Trung tâm cung ứng Dịch vụ công", "trước ngày 30/11/2026"),
    ]
    assert [_due(t, period) for t in tasks] == [QUARTER_ENDS_2026] * 2 + [[date(2026, 11, 29)]] * 6
    assert [t.where for t in tasks] == [
        "dòng 151", "dòng 153", "dòng 157", "dòng 161", "dòng 165", "dòng 171", "dòng 175", "dòng 181",
    ]
    assert {t.section for t in tasks} == {IV}
    assert [t.title for t in tasks] == [
        "Báo cáo Chủ tịch UBND xã tình hình, kết quả thực hiện",
        "Báo cáo Chủ tịch UBND tỉnh kết quả thực hiện",
        "Tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND xã",
        "Tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND xã",
        "Tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND xã: "
        "cải cách tổ chức bộ máy hành chính và cải cách chế độ công vụ",
        "Tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND xã: "
        "xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
        "Báo cáo Chủ tịch UBND xã",
        "Báo cáo Chủ tịch UBND xã",
    ]
    # IV.6's last sentence runs over a line break (lines 181 and 183): joined, kept whole.
    assert tasks[-1].sentence == (
        "Được giao chủ trì và phối hợp trong thực hiện nhiệm vụ tại Phụ lục số 07 kèm theo Kế hoạch này; "
        "báo cáo Chủ tịch UBND xã (qua phòng Văn hoá – Xã hội) trước ngày 30/11/2026."
    )


def test_seed_004_leads_are_known_units(registry):
    codes = [[registry.match(n).code for n in registry.split(t.lead)] for t in _found("004", "2026", registry)]
    assert codes == [["PCM", "TTPVHCC"], ["VHXH"], ["VP"], ["TTPVHCC"], ["VHXH"], ["VHXH"], ["PKT"], ["TTCUDVC"]]


@pytest.mark.parametrize("seed", ["000", "001", "002"])
def test_seeds_000_to_002_have_no_dated_prose(seed, registry):
    # 000: the Quyết định's Điều 2 assigns duties "thường xuyên" or "định kỳ hoặc đột xuất … theo
    #      yêu cầu" (no date); every dated task is in the table.
    # 001: sections II–III give duties "theo quy định", "định kỳ hoặc đột xuất"; dates only in the
    #      Phụ lục table.
    # 002: only a heading and "(Ban hành kèm theo …)" outside the table.
    assert _found(seed, "2026", registry) == []


def _doc(text: str):
    return read_text(text, "x.txt")


def test_never_a_date_from_a_citation_article_or_count_of_days(registry):
    text = (
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Phòng Kinh tế:\n"
        "a) Thực hiện Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ.\n"
        "b) Giải quyết hồ sơ theo Điều 7, 8, 9 trong thời hạn 105 ngày kể từ ngày nhận.\n"
        "c) Báo cáo định kỳ hoặc đột xuất theo yêu cầu.\n"
        "d) Tổng hợp kết quả trong năm 2026.\n"
    )
    assert find_obligations(_doc(text), "2026", registry) == []


def test_a_dated_sentence_without_a_unit_is_left_out(registry):
    text = "II. NHIỆM VỤ\n1. Mục tiêu\n- Hoàn thành kế hoạch trước ngày 15/6/2026.\n"
    assert find_obligations(_doc(text), "2026", registry) == []


def test_unit_heading_subject_and_nfc(registry):
    nfd = unicodedata.normalize("NFD", "Phòng Văn hóa - Xã hội")
    text = (
        "IV. TỔ CHỨC THỰC HIỆN\n"
        f"1. {nfd}:\n"
        "a) Xây dựng kế hoạch kiểm tra, hoàn thành trong quý II/2026.\n"
        "2. Các nhiệm vụ khác\n"
        "Trung tâm Phục vụ hành chính công xã chủ trì tổng hợp, báo cáo chậm nhất ngày 15 tháng 8 năm 2026.\n"
        "Trên đây là Kế hoạch; đề nghị báo cáo trước ngày 01/12/2026.\n"
    )
    tasks = find_obligations(_doc(text), "2026", registry)
    assert [(t.lead, t.deadline, t.title) for t in tasks] == [
        ("Phòng Văn hóa - Xã hội", "hoàn thành trong quý II/2026", "Xây dựng kế hoạch kiểm tra"),
        ("Trung tâm Phục vụ hành chính công xã", "chậm nhất ngày 15 tháng 8 năm 2026", "Chủ trì tổng hợp, báo cáo"),
    ]
    assert [_due(t, "2026") for t in tasks] == [[date(2026, 6, 30)], [date(2026, 8, 15)]]
    assert all(unicodedata.is_normalized("NFC", t.lead + t.sentence) for t in tasks)
