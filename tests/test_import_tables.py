"""Task tables of the five seeds: every row with a deadline becomes exactly one
task or product row: none lost, none doubled."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tthc_cli.importer.tables import header_roles, read_tables
from tthc_cli.importer.textsource import read_text

FIXTURES = Path(__file__).parent / "fixtures" / "seeds"

# Counted by hand from the documents. Seed 000 has 35 lines with a deadline cell, but line 133
# ("của Văn phòng UBND thành phố …") is the rest of line 130's cell, split by a page break.
# Seed 002 has two product rows without a deadline of their own (I.4.2, III.8.2).
EXPECTED = {  # seed: (task tables, rows with a deadline, leaves)
    "000": (1, 34, 34),
    "001": (1, 29, 29),
    "002": (1, 44, 46),
    "003": (0, 0, 0),
    "004": (7, 54, 54),
}


def _seed(prefix: str):
    path = next(FIXTURES.glob(f"{prefix}_*.txt"))
    return read_text(path.read_text(encoding="utf-8"), path.name)


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_every_deadline_row_is_exactly_one_task(seed):
    result = read_tables(_seed(seed))
    tables, with_deadline, leaves = EXPECTED[seed]
    nodes = [leaf for root in result.roots for leaf in root.leaves() if leaf.kind != "section"]
    assert result.tables == tables
    assert len(result.rows_with_deadline) == with_deadline
    assert len(nodes) == leaves
    origins = Counter(n.where[0] for n in nodes)
    for where in result.rows_with_deadline:
        assert origins[where] == 1, where  # none lost, none doubled
    assert not result.problems


def test_seed_000_page_breaks_and_unnumbered_tasks():
    roots = read_tables(_seed("000")).roots
    by_id = {n.id: n for root in roots for n in _walk(root)}
    # a heading row "2 Tổ chức thực hiện các nhiệm vụ kiểm soát TTHC:" holds the unnumbered tasks under it
    assert by_id["II.2"].heading and [c.id for c in by_id["II.2"].children] == [f"II.2.{i}" for i in range(1, 8)]
    # line 78 continues line 75's cell across the page break
    assert by_id["II.1"].where == ["dòng 75", "dòng 78"]
    assert "thực hiện TTHC phi địa giới hành chính" in by_id["II.1"].title
    # line 133 continues line 130: the lead and the deadline are joined back
    v6 = by_id["V.6"]
    assert v6.deadline == "Thường xuyên hoặc theo lộ trình của Văn phòng UBND thành phố và các Sở, ngành có liên quan"
    assert v6.lead.endswith("Các phòng chuyên môn thuộc UBND xã.")
    # HTML fragments are gone, bullets stay as the export writes them
    assert "<" not in by_id["II.3.1"].title and by_id["II.3.1"].title.startswith("- Cập nhật")


def test_seed_002_sections_and_product_rows():
    roots = read_tables(_seed("002")).roots
    assert [r.id for r in roots] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert roots[0].title == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"
    by_id = {n.id: n for root in roots for n in _walk(root)}
    i4 = by_id["I.4"]
    assert (i4.lead, i4.deadline, i4.product) == ("Phòng Văn hóa - Xã hội", "Thường xuyên", "")
    assert [(c.id, c.product[:20], c.deadline) for c in i4.children] == [
        ("I.4.1", "Các tin, bài, trên T", ""), ("I.4.2", "Báo cáo kết quả thực", "")]
    vi1 = by_id["VI.1"]
    assert [c.deadline for c in vi1.children] == ["", "Quý IV/2026", "Quý IV/2026", "Quý IV/2026"]
    assert vi1.deadline == "Quý I, IV/2026"  # the first product row's own cells stay on the task


def test_seed_004_appendices_are_sections():
    roots = read_tables(_seed("004")).roots
    assert [r.id for r in roots] == [f"PL0{i}" for i in range(1, 8)]
    assert roots[1].title == "Cải cách thủ tục hành chính"
    assert [len(r.children) for r in roots] == [4, 10, 7, 5, 8, 14, 6]


@pytest.mark.parametrize("cells,roles", [
    (["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành",
      "Sản phẩm dự kiến hoàn thành"], ["id", "title", "lead", "support", "deadline", "product"]),
    (["TT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
     ["id", "title", "product", "lead", "support", "deadline"]),
    (["TT", "Nội dung thực hiện", "Sản phẩm/Kết quả", "Cơ quan (đơn vị) chủ trì", "Đơn vị phối hợp",
      "Thời gian hoàn thành"], ["id", "title", "product", "lead", "support", "deadline"]),
    (["Nơi nhận", "Ghi chú"], None),
])
def test_header_recognition(cells, roles):
    assert header_roles(cells) == roles


def _walk(node):
    yield node
    for c in node.children:
        yield from _walk(c)
