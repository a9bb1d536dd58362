"""`tthc import` of PDF tables printed without ruling lines, or with only the lines between rows: the
columns are rebuilt from the header's words and the gaps no word crosses, the rows from the first
column's numbering and the line spacing (importer/pdfcolumns.py). The PDFs are written by
tests/pdf_build.py with the lines left out, so these tests always run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pdf_build import Page, pdf_bytes, table_pdf
from test_import import _leaves, _list
from test_import_formats import HEAD, HEADER, ROWS, WIDTHS, _text_export
from tthc_cli.importer.build import import_document
from tthc_cli.importer.pdfsource import read_pdf
from tthc_cli.importer.textsource import read_text

AFTER = ["Ủy ban nhân dân xã giao các cơ quan, đơn vị căn cứ kế hoạch này tổ chức thực hiện nghiêm túc và báo cáo "
         "kết quả về Văn phòng HĐND và UBND xã."]


def _tasks(yaml_text: str) -> list[dict]:
    data = yaml.safe_load(yaml_text)
    out = []

    def walk(nodes):
        for n in nodes:
            if n.get("tasks"):
                walk(n["tasks"])
            else:
                out.append(n)
    walk(data["tasks"])
    return out


@pytest.mark.parametrize("ruled", ["none", "h"])
def test_a_table_without_column_lines_over_three_pages(tthc, tmp_path, ruled):
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(table_pdf(HEAD, HEADER, ROWS, WIDTHS, page_height=300, ruled=ruled, after=AFTER))
    import pdfplumber

    with pdfplumber.open(pdf) as raw:  # really no grid: pdfplumber finds no table
        assert len(raw.pages) >= 3 and all(not page.find_tables() for page in raw.pages)
        assert all(page.extract_text().count("STT") == 1 for page in raw.pages[:-1])  # the header on each page
    doc = read_pdf(pdf)
    assert len(doc.tables()) == 1  # one table over the pages, the repeated headers dropped
    rows = doc.tables()[0].rows
    assert rows[0].cells == HEADER
    assert [r.cells for r in rows[1:]] == [row + [""] * (len(HEADER) - len(row)) for row in ROWS]
    assert len({r.where.split(",")[0] for r in rows}) >= 3
    assert doc.paragraphs()[-1].text == AFTER[0]  # the paragraph after the table stays a paragraph

    out = tmp_path / "plan.yaml"
    r = tthc("import", pdf, "-o", out)
    assert r.code == 0, r.err
    assert "Đã nhập 8 nhiệm vụ/dòng sản phẩm từ 1 bảng" in r.err
    text = out.read_text(encoding="utf-8")
    tasks = _tasks(text)
    assert [t["id"] for t in tasks] == [f"I.{i}" for i in range(1, 9)]
    for t, row in zip(tasks, ROWS[1:]):
        assert (t["title"], _list(t["lead"]), _list(t["support"]), t["deadline"]) == \
            (row[1], _list(row[2]), _list(row[3]), row[4])
    expected = import_document(read_text(_text_export(), "ke-hoach.txt"), source_name=str(pdf))
    assert _leaves(text) == _leaves(expected.yaml)
    assert tthc("validate", out).code == 0


HEADER2 = ["TT", "Nhiệm vụ", "Sản phẩm", "Đơn vị chủ trì", "Phối hợp", "Thời gian hoàn thành"]
WIDTHS2 = [34, 150, 80, 80, 70, 80]
ROWS2 = [
    ["I. CÔNG TÁC KIỂM SOÁT THỦ TỤC HÀNH CHÍNH"],
    ["1", "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của xã", "Báo cáo rà soát",
     "Văn phòng HĐND và UBND", "Các ban ngành", "Trước ngày 30/6/2026"],
    ["1.1", "Rà soát nhóm thủ tục lĩnh vực hộ tịch", "Danh mục thủ tục", "Công chức Tư pháp - Hộ tịch", "",
     "Quý II/2026"],
    ["1.2", "Rà soát nhóm thủ tục lĩnh vực đất đai, xây dựng và môi trường", "Danh mục thủ tục",
     "Công chức Địa chính", "", "Quý III/2026"],
    ["2", "Công khai thủ tục hành chính tại Bộ phận Một cửa và trên Cổng thông tin điện tử của xã",
     "Thông báo công khai", "Bộ phận Một cửa", "Công an xã", "Thường xuyên"],
    ["II. CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN"],
    ["1", "Tuyên truyền về cải cách thủ tục hành chính trên hệ thống truyền thanh xã", "Tin, bài",
     "Đài truyền thanh xã", "Các thôn", "Hằng quý"],
    ["2", "Tổ chức hội nghị đối thoại với người dân về giải quyết thủ tục hành chính", "Hội nghị",
     "Văn phòng HĐND và UBND", "Mặt trận Tổ quốc xã", "Tháng 10/2026"],
]


def test_another_header_wording_with_numbered_sub_rows(tthc, tmp_path):
    pdf = tmp_path / "ksthc.pdf"
    pdf.write_bytes(table_pdf(HEAD, HEADER2, ROWS2, WIDTHS2, ruled="none", after=AFTER))
    rows = read_pdf(pdf).tables()[0].rows
    assert [r.cells for r in rows] == [HEADER2] + [row + [""] * (len(HEADER2) - len(row)) for row in ROWS2]
    r = tthc("import", pdf)
    assert r.code == 0, r.err
    export = "\n".join(HEAD + ["\t".join(HEADER2)] + ["\t".join(row + [""] * (len(HEADER2) - len(row))) for row in ROWS2]) + "\n"
    expected = import_document(read_text(export, "ksthc.txt"), source_name=str(pdf))
    assert _leaves(r.out) == _leaves(expected.yaml)
    ids = [t["id"] for t in _tasks(r.out)]
    assert ids == ["I.1.1", "I.1.2", "I.2", "II.1", "II.2"]  # "1.2" under "1", not under "1.1"


def test_text_without_a_table_is_not_made_into_one(tthc, tmp_path):
    lines = HEAD + ["Nội dung công việc và thời gian hoàn thành do các cơ quan chủ trì đề xuất,"] + AFTER
    pdf = tmp_path / "van-ban.pdf"
    pdf.write_bytes(pdf_bytes([Page(texts=[(50, 50 + 14 * i, t, 9) for i, t in enumerate(lines)])]))
    assert read_pdf(pdf).tables() == []
    r = tthc("import", pdf)
    assert r.code != 0 and "không tìm thấy bảng nhiệm vụ" in r.err and "Traceback" not in r.err
