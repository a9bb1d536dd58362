"""The period report as an Excel workbook (report_xlsx.xlsx_bytes)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pathlib import Path

openpyxl = pytest.importorskip("openpyxl")

from tthc_cli.core.report import Report, ReportLine, UnitStats  # noqa: E402
from tthc_cli.io.files import write_file  # noqa: E402
from tthc_cli.outputs.report_xlsx import xlsx_bytes  # noqa: E402

EVIDENCE = "Báo cáo số 45/BC-UBND ngày 20/6/2026"


def _report() -> Report:
    units = (
        UnitStats("VP", "Văn phòng HĐND và UBND", total=4, on_time=2, late=1, overdue=1, pending=0),
        UnitStats("VHXH", "Phòng Văn hóa - Xã hội", total=5, on_time=4, late=0, overdue=0, pending=1),
        UnitStats("TTPVHCC", "Trung tâm Phục vụ hành chính công", total=0),
    )
    lines = (
        ReportLine("VP", "kh-cchc-2026", "kh-cchc-2026:3.2", "III › 2", "Báo cáo công tác CCHC quý",
                   "Quý II/2026", None, date(2026, 6, 15), date(2026, 6, 20), "Hoàn thành quá hạn", 5, EVIDENCE),
        ReportLine("VP", "kh-cchc-2026", "kh-cchc-2026:4.1", "IV › 1", "Rà soát thủ tục hành chính",
                   "Quý II/2026", "Gửi dự thảo", date(2026, 6, 25), None, "Quá hạn", 5, None),
    )
    return Report("Báo cáo kết quả thực hiện nhiệm vụ Quý II/2026", "Quý II/2026", date(2026, 4, 1),
                  date(2026, 6, 30), date(2026, 6, 30), units, lines)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    path = folder / "bao-cao.xlsx"
    write_file(path, xlsx_bytes(_report()), force=False)
    return folder, path, openpyxl.load_workbook(path)


def test_sheets_properties_and_no_temporary_file(book):
    folder, path, wb = book
    assert wb.sheetnames == ["Tổng hợp", "Quá hạn, trễ hạn"]
    assert wb.properties.title == "Báo cáo kết quả thực hiện nhiệm vụ Quý II/2026"
    assert wb.properties.creator == "tthc"
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_summary_title_period_and_header(book):
    ws = book[2]["Tổng hợp"]
    assert ws["A1"].value == "Báo cáo kết quả thực hiện nhiệm vụ Quý II/2026"
    assert ws["A1"].font.bold
    assert "A1:M1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == ("Kỳ báo cáo: Quý II/2026 (01/04/2026 – 30/06/2026); "
                              "số liệu tính đến ngày 30/06/2026")
    assert ws["A3"].value is None
    assert [c.value for c in ws[4]] == [
        "Mã đơn vị", "Đơn vị", "Tổng số nhiệm vụ đến hạn", "Hoàn thành đúng hạn", "Tỷ lệ đúng hạn",
        "Hoàn thành quá hạn", "Tỷ lệ", "Quá hạn (chưa hoàn thành)", "Tỷ lệ", "Còn trong hạn",
        "Đang thực hiện", "Chưa triển khai", "Đã gia hạn"]
    assert all(c.font.bold and c.fill.fill_type == "solid" for c in ws[4])
    assert ws["A4"].border.left.style == "thin"
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:M7"


def test_summary_unit_rows(book):
    ws = book[2]["Tổng hợp"]
    vp = [c.value for c in ws[5]]
    assert vp[:4] == ["VP", "Văn phòng HĐND và UBND", 4, 2]
    assert vp[4] == pytest.approx(0.5) and vp[6] == pytest.approx(0.25) and vp[8] == pytest.approx(0.25)
    assert [vp[5], vp[7], vp[9]] == [1, 1, 0]
    assert all(type(v) is int for v in (vp[2], vp[3], vp[5], vp[7], vp[9]))
    assert all(isinstance(v, float) for v in (vp[4], vp[6], vp[8]))
    assert {ws.cell(5, col).number_format for col in (5, 7, 9)} == {"0.0%"}

    vhxh = [c.value for c in ws[6]]
    assert vhxh[0] == "VHXH" and vhxh[2:4] == [5, 4] and vhxh[4] == pytest.approx(0.8) and vhxh[9] == 1

    empty = [c.value for c in ws[7]]
    assert empty[:3] == ["TTPVHCC", "Trung tâm Phục vụ hành chính công", 0]
    assert empty[4] is None and empty[6] is None and empty[8] is None
    assert ws["E7"].number_format == "0.0%"


def test_summary_totals_row(book):
    ws = book[2]["Tổng hợp"]
    total = [c.value for c in ws[8]]
    assert total[1] == "Tổng cộng"
    assert total[2:4] == [9, 6] and total[5] == 1 and total[7] == 1 and total[9] == 1
    assert total[4] == pytest.approx(6 / 9)
    assert ws["E8"].number_format == "0.0%"
    assert ws["B8"].font.bold and ws["C8"].font.bold
    assert ws.max_row == 8


def test_summary_column_widths(book):
    ws = book[2]["Tổng hợp"]
    assert ws.column_dimensions["B"].width > 30  # openpyxl's default is 13
    assert ws.column_dimensions["B"].width > ws.column_dimensions["C"].width > 8.43


def test_summary_chart(book):
    from openpyxl.chart import BarChart

    ws = book[2]["Tổng hợp"]
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    assert isinstance(chart, BarChart)
    assert chart.legend is None
    (series,) = chart.series
    assert series.val.numRef.f == "'Tổng hợp'!$E$5:$E$7"
    assert series.cat.strRef.f == "'Tổng hợp'!$A$5:$A$7"
    assert chart.y_axis.scaling.min == 0 and chart.y_axis.scaling.max == 1
    assert "%" in chart.y_axis.numFmt.formatCode
    # issue 12: LibreOffice drew "VP; Column E; 0,0%" on every bar: the series is named, and its labels show the
    # value and say no to every other part
    assert series.tx.v == "Tỷ lệ đúng hạn"
    labels = series.dLbls
    assert labels.showVal is True
    assert (labels.showSerName, labels.showCatName, labels.showLegendKey, labels.showPercent) == (False,) * 4


def test_detail_rows_are_tall_enough_for_their_wrapped_text(tmp_path):
    long_title = "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã " * 3
    rep = _report()
    rep = rep.replace(lines=(rep.lines[0].replace(title=long_title, plan="xuan-truong-kiem-soat-tthc-2026",
                                                  ref="xuan-truong-kiem-soat-tthc-2026:III.4.2"), rep.lines[1]))
    path = tmp_path / "b.xlsx"
    write_file(path, xlsx_bytes(rep), force=False)
    ws = openpyxl.load_workbook(path)["Quá hạn, trễ hạn"]
    width = ws.column_dimensions["E"].width
    assert ws.row_dimensions[2].height >= 15 * (len(long_title) / width)  # every line of the title shows
    assert ws.row_dimensions[3].height == 15  # a short row stays one line
    assert ws.column_dimensions["B"].width >= len("xuan-truong-kiem-soat-tthc-2026")
    assert ws.column_dimensions["C"].width >= len("xuan-truong-kiem-soat-tthc-2026:III.4.2")


def test_overdue_sheet(book):
    ws = book[2]["Quá hạn, trễ hạn"]
    assert [c.value for c in ws[1]] == [
        "Đơn vị", "Kế hoạch", "Nhiệm vụ", "Vị trí", "Nội dung", "Kỳ", "Mốc", "Hạn", "Ngày hoàn thành",
        "Trạng thái", "Số ngày trễ", "Minh chứng"]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 3

    late = [c.value for c in ws[2]]
    assert late[:3] == ["Văn phòng HĐND và UBND", "kh-cchc-2026", "kh-cchc-2026:3.2"]
    assert isinstance(late[7], (date, datetime)) and late[7].date() == date(2026, 6, 15)
    assert isinstance(late[8], datetime) and late[8].date() == date(2026, 6, 20)
    assert ws["H2"].number_format == "dd/mm/yyyy" and ws["I2"].number_format == "dd/mm/yyyy"
    assert late[9:] == ["Hoàn thành quá hạn", 5, EVIDENCE]
    assert ws["E2"].alignment.wrap_text and ws["L2"].alignment.wrap_text

    still_open = [c.value for c in ws[3]]
    assert still_open[6] == "Gửi dự thảo" and still_open[7].date() == date(2026, 6, 25)
    assert ws["H3"].number_format == "dd/mm/yyyy"
    assert still_open[8] is None and still_open[9] == "Quá hạn" and still_open[11] is None
    assert ws.column_dimensions["E"].width > ws.column_dimensions["D"].width


def test_replaces_an_existing_file_and_handles_an_empty_report(tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(b"old")
    empty = _report().replace(units=(), lines=())
    write_file(path, xlsx_bytes(empty), force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.xlsx"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Tổng hợp"]
    assert ws["B5"].value == "Tổng cộng" and ws["C5"].value == 0 and ws["E5"].value is None
    assert ws._charts == []
    assert wb["Quá hạn, trễ hạn"].max_row == 2  # header and a "nothing late" note


def test_a_failed_build_leaves_nothing_behind(tmp_path, monkeypatch):
    """The workbook is built in memory and written by the one writer (files.write_file): a build that fails
    half way writes no file and leaves the old one as it was."""
    def half_save(self, filename):  # openpyxl fails half way through (out of memory, a bug)
        filename.write(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    old = tmp_path / "cu.xlsx"
    old.write_bytes(b"the old report")
    monkeypatch.setattr("openpyxl.Workbook.save", half_save)
    for target, force in ((tmp_path / "bao-cao.xlsx", False), (old, True)):
        with pytest.raises(OSError):
            write_file(target, xlsx_bytes(_report()), force=force)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cu.xlsx"] and old.read_bytes() == b"the old report"


FORMULAS = ('=HYPERLINK("http://x","y")', "-Rà soát thủ tục", "+84 912 345 678", "@SUM(A1:A9)", "\tthụt lề",
            "=1+1")


def _hostile_report() -> Report:
    units = (UnitStats("VP", "=cmd|' /C calc'!A0", total=1, late=1),)
    lines = tuple(
        ReportLine("VP", "kh-cchc-2026", f"kh-cchc-2026:{i}", str(i), text, "Quý II/2026", None, date(2026, 6, 15),
                   date(2026, 6, 20), "Hoàn thành quá hạn", 5, FORMULAS[-1 - i])
        for i, text in enumerate(FORMULAS))
    odd = ReportLine("VP", "kh-cchc-2026", "kh-cchc-2026:9", "9", "Tiêu đề \x1b[31mđỏ\x1b[0m\x07", None, None,
                     date(2026, 6, 15), None, "Quá hạn", 15, "x" * 40000)
    return Report("=Báo cáo", "Quý II/2026", date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 30), units,
                  lines + (odd,))


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    """Issue 9: evidence `=HYPERLINK(…)` became a live formula; every such cell is now stored as text."""
    import zipfile

    path = tmp_path / "bao-cao.xlsx"
    write_file(path, xlsx_bytes(_hostile_report()), force=False)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 2
    assert not any("<f>" in x or "<f " in x for x in sheets)  # no formula anywhere
    wb = openpyxl.load_workbook(path)
    lines = wb["Quá hạn, trễ hạn"]
    for row, text in enumerate(FORMULAS, 2):
        for cell, value in ((lines.cell(row, 5), text), (lines.cell(row, 12), FORMULAS[-1 - (row - 2)])):
            assert cell.value == value and cell.data_type == "s", (cell.coordinate, cell.value)
            assert cell.quotePrefix  # Excel keeps it text when someone re-enters the cell
    summary = wb["Tổng hợp"]
    assert summary["A1"].value == "=Báo cáo" and summary["A1"].data_type == "s"
    assert summary["B5"].value == "=cmd|' /C calc'!A0" and summary["B5"].data_type == "s"
    assert summary["A5"].value == "VP" and not summary["A5"].quotePrefix  # ordinary text is left alone
    odd = lines.cell(2 + len(FORMULAS), 5)
    assert odd.value == "Tiêu đề đỏ"  # control characters would make openpyxl refuse the whole file
    evidence = lines.cell(2 + len(FORMULAS), 12).value
    assert len(evidence) == 32767 and evidence.endswith("…")  # Excel's limit for one cell
    assert lines.cell(2, 11).value == 5 and lines.cell(2, 11).data_type == "n"  # numbers stay numbers


def test_the_chart_is_anchored_and_declared_as_gnumeric_reads_it(book):
    """Gnumeric dropped the chart ("Dropping missing object"): it wants a two-cell anchor and the drawing's
    namespaces declared on its root element, as Excel writes them."""
    import re
    import zipfile

    folder, path, wb = book
    xml = zipfile.ZipFile(path).read("xl/drawings/drawing1.xml").decode()
    root = xml[:xml.index(">")]
    assert 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"' in root
    assert 'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"' in root
    assert len(re.findall(r"xmlns:a=", xml)) == 1  # declared once, at the root
    assert "<twoCellAnchor>" in xml and "oneCellAnchor" not in xml
    assert wb["Tổng hợp"]._charts  # openpyxl still reads the chart back


def test_gnumeric_keeps_the_chart(book, tmp_path):
    import shutil
    import subprocess

    if shutil.which("ssconvert") is None:
        pytest.skip("Gnumeric's ssconvert is not installed")
    folder, path, wb = book
    r = subprocess.run(["ssconvert", str(path), str(tmp_path / "out.csv")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and "Dropping missing object" not in r.stderr
