"""Plan metadata read from the head of each seed: issuer, document, title, period, id."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from tthc_cli.core.deadline import Period, parse_period
from tthc_cli.importer.metadata import PlanMeta, read_metadata
from tthc_cli.importer.textsource import read_text

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"


def _meta(prefix: str) -> PlanMeta:
    path = next(FIXTURES.glob(f"{prefix}_*.txt"))
    return read_metadata(read_text(path.read_text(encoding="utf-8"), path.name))


def test_seed_000_decision_wrapping_a_plan():
    # A Quyết định with a blank number and day ("Số: /QĐ-UBND", "ngày tháng 3 năm 2026")
    # issues the Kế hoạch; the title is the Kế hoạch's, bold over two lines.
    assert asdict(_meta("000")) == {
        "issuer": "UBND xã Khúc Thừa Dụ",
        "document": "Quyết định số …/QĐ-UBND ngày …/3/2026",
        "title": "Kiểm soát TTHC và thực hiện cơ chế một cửa, một cửa liên thông năm 2026 "
                 "trên địa bàn xã Khúc Thừa Dụ",
        "period": "2026",
        "period_text": "năm 2026",
        "suggested_id": "khuc-thua-du-ksthc-2026",
        "found": [
            "Cơ quan ban hành: UBND xã Khúc Thừa Dụ (dòng 11)",
            "Văn bản: Quyết định số …/QĐ-UBND ngày …/3/2026 (dòng 3)",
            "Số văn bản để trống trong tài liệu",
            "Ngày ban hành chưa ghi ngày trong tháng",
            "Tên kế hoạch: Kiểm soát TTHC và thực hiện cơ chế một cửa, một cửa liên thông năm 2026 "
            "trên địa bàn xã Khúc Thừa Dụ (dòng 65)",
            "Thời gian kế hoạch: năm 2026 (từ tên kế hoạch)",
            "Mã kế hoạch đề xuất: khuc-thua-du-ksthc-2026",
        ],
    }


def test_seed_001_plan_with_blank_number():
    # "Kế hoạch số 08/KH-UBND" cited in the opening paragraph is another plan, not this one.
    assert asdict(_meta("001")) == {
        "issuer": "UBND xã Quyết Thắng",
        "document": "Kế hoạch số …/KH-UBND ngày …/3/2026",
        "title": "Kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông năm 2026 "
                 "trên địa bàn xã Quyết Thắng",
        "period": "2026",
        "period_text": "năm 2026",
        "suggested_id": "quyet-thang-ksthc-2026",
        "found": [
            "Cơ quan ban hành: UBND xã Quyết Thắng (dòng 11)",
            "Văn bản: Kế hoạch số …/KH-UBND ngày …/3/2026 (dòng 3)",
            "Số văn bản để trống trong tài liệu",
            "Ngày ban hành chưa ghi ngày trong tháng",
            "Tên kế hoạch: Kiểm soát thủ tục hành chính và thực hiện cơ chế một cửa, một cửa liên thông "
            "năm 2026 trên địa bàn xã Quyết Thắng (dòng 9)",
            "Thời gian kế hoạch: năm 2026 (từ tên kế hoạch)",
            "Mã kế hoạch đề xuất: quyet-thang-ksthc-2026",
        ],
    }


def test_seed_002_appendix_only():
    # Only the appendix: its capitalised heading is the title, the plan is named in "(Ban hành kèm theo …)".
    assert asdict(_meta("002")) == {
        "issuer": "UBND xã Xuân Trường",
        "document": "Kế hoạch số 03/KH-UBND ngày 10/01/2026",
        "title": "Nhiệm vụ cụ thể triển khai thực hiện công tác cải cách hành chính năm 2026",
        "period": "2026",
        "period_text": "năm 2026",
        "suggested_id": "xuan-truong-cchc-2026",
        "found": [
            "Cơ quan ban hành: UBND xã Xuân Trường (dòng 5)",
            'Văn bản: Kế hoạch số 03/KH-UBND ngày 10/01/2026 (nêu ở dòng "kèm theo", dòng 5)',
            "Tên kế hoạch: Nhiệm vụ cụ thể triển khai thực hiện công tác cải cách hành chính năm 2026 (dòng 3)",
            "Thời gian kế hoạch: năm 2026 (từ tên kế hoạch)",
            "Mã kế hoạch đề xuất: xuan-truong-cchc-2026",
        ],
    }


def test_seed_003_second_half_of_2025():
    assert asdict(_meta("003")) == {
        "issuer": "UBND xã Phú Thái",
        "document": "Quyết định số 533/QĐ-UBND ngày 31/7/2025",
        "title": "Cải cách hành chính xã Phú Thái 6 tháng cuối năm 2025",
        "period": "2025-07-01..2025-12-31",
        "period_text": "6 tháng cuối năm 2025",
        "suggested_id": "phu-thai-cchc-2025h2",
        "found": [
            "Cơ quan ban hành: UBND xã Phú Thái (dòng 4)",
            'Văn bản: Quyết định số 533/QĐ-UBND ngày 31/7/2025 (nêu ở dòng "kèm theo", dòng 3)',
            "Tên kế hoạch: Cải cách hành chính xã Phú Thái 6 tháng cuối năm 2025 (dòng 2)",
            "Thời gian kế hoạch: 6 tháng cuối năm 2025 (từ tên kế hoạch)",
            "Mã kế hoạch đề xuất: phu-thai-cchc-2025h2",
        ],
    }


def test_seed_004_issued_in_2025_for_2026():
    # Issued "ngày tháng năm 2025" (day and month blank: no date kept); the plan year is the title's.
    assert asdict(_meta("004")) == {
        "issuer": "UBND xã Hoàng Sơn",
        "document": "Kế hoạch số …/KH-UBND",
        "title": "Cải cách hành chính trên địa bàn Xã Hoàng Sơn năm 2026",
        "period": "2026",
        "period_text": "năm 2026",
        "suggested_id": "hoang-son-cchc-2026",
        "found": [
            "Cơ quan ban hành: UBND xã Hoàng Sơn (dòng 11)",
            "Văn bản: Kế hoạch số …/KH-UBND (dòng 3)",
            "Số văn bản để trống trong tài liệu",
            "Ngày ban hành để trống trong tài liệu",
            "Tên kế hoạch: Cải cách hành chính trên địa bàn Xã Hoàng Sơn năm 2026 (dòng 9)",
            "Thời gian kế hoạch: năm 2026 (từ tên kế hoạch)",
            "Mã kế hoạch đề xuất: hoang-son-cchc-2026",
        ],
    }


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_period_is_accepted_by_the_deadline_grammar(seed):
    assert isinstance(parse_period(_meta(seed).period), Period)


def test_word_header_table_and_capitalised_title():
    # The usual Word header: a two-column table, the commune in capitals under "ỦY BAN NHÂN DÂN".
    text = (
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "PHƯỜNG AN BÌNH\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 12/KH-UBND\tAn Bình, ngày 05 tháng 02 năm 2026\n"
        "\n"
        "KẾ HOẠCH\n"
        "CẢI CÁCH HÀNH CHÍNH PHƯỜNG AN BÌNH\n"
        "6 THÁNG ĐẦU NĂM 2026\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n"
        "Thực hiện Kế hoạch số 99/KH-UBND ngày 01/01/2026 của UBND tỉnh.\n"
    )
    meta = read_metadata(read_text(text, "x.txt"))
    assert meta.issuer == "UBND phường An Bình"
    assert meta.document == "Kế hoạch số 12/KH-UBND ngày 05/02/2026"
    assert meta.title == "Cải cách hành chính phường An Bình 6 tháng đầu năm 2026"
    assert (meta.period, meta.period_text) == ("2026-01-01..2026-06-30", "6 tháng đầu năm 2026")
    assert meta.suggested_id == "an-binh-cchc-2026h1"


def test_nothing_found_is_said_not_guessed():
    meta = read_metadata(read_text("Một đoạn văn không có thông tin gì.\n", "x.txt"))
    assert (meta.issuer, meta.document, meta.title, meta.period, meta.suggested_id) == (None,) * 5
    assert "Không tìm thấy cơ quan ban hành (UBND xã)" in meta.found
    assert "Không tìm thấy số và ngày của văn bản" in meta.found
