"""A period report as an Excel workbook, ready to paste into the quarterly CCHC report.

Sheet "Tổng hợp": title, period, one row per unit with counts and rates, a
"Tổng cộng" row and a bar chart of the on-time rate per unit. Sheet "Quá hạn,
trễ hạn": every late or overdue item with its dates and evidence.

openpyxl is imported inside `xlsx_bytes`: it takes a few hundred milliseconds
to import and only `tthc report --xlsx` needs it.
"""

from __future__ import annotations

import re

from tthc_cli.core.report import Report, gap_text
from tthc_cli.core.text import FORMULA_START, clean_text

SUMMARY_SHEET = "Tổng hợp"
LINES_SHEET = "Quá hạn, trễ hạn"

SUMMARY_HEADERS = ("Mã đơn vị", "Đơn vị", "Tổng số nhiệm vụ đến hạn", "Hoàn thành đúng hạn", "Tỷ lệ đúng hạn",
                   "Hoàn thành quá hạn", "Tỷ lệ", "Quá hạn (chưa hoàn thành)", "Tỷ lệ", "Còn trong hạn",
                   "Đang thực hiện", "Chưa triển khai", "Đã gia hạn")
LINES_HEADERS = ("Đơn vị", "Kế hoạch", "Nhiệm vụ", "Vị trí", "Nội dung", "Kỳ", "Mốc", "Hạn", "Ngày hoàn thành",
                 "Trạng thái", "Số ngày trễ", "Minh chứng")

HEADER_ROW = 4  # on the summary sheet: title, period, blank, header
RATE_COLUMN = 5  # "Tỷ lệ đúng hạn"
PERCENT = "0.0%"
DATE = "dd/mm/yyyy"
CHART_TITLE = "Tỷ lệ hoàn thành đúng hạn theo đơn vị"

# Widths in characters; the headers wrap, so they need not fit on one line.
_SUMMARY_WIDTHS = (12, 34, 14, 13, 11, 13, 9, 15, 9, 11, 11, 11, 10)
_LINES_WIDTHS = (24, 16, 22, 10, 50, 20, 18, 12, 12, 18, 9, 40)
_HEADER_FILL = "DDEBF7"  # light blue, as in the ministry's report templates
MAX_CELL_TEXT = 32767  # Excel's limit; a longer text makes it "repair" the file


def xlsx_bytes(report: Report) -> bytes:
    """The workbook of `report` as the bytes of an .xlsx file (the CLI writes them with files.write_file)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.title = _cell_text(report.title)
    wb.properties.subject = _cell_text(report.period_label)
    wb.properties.creator = "tthc"
    wb.properties.lastModifiedBy = "tthc"
    _summary_sheet(wb.active, report)
    _lines_sheet(wb.create_sheet(LINES_SHEET), report)
    out = io.BytesIO()
    wb.save(out)
    return _drawings_for_gnumeric(out.getvalue())


_XMLNS = re.compile(r' xmlns:(\w+)="([^"]*)"')


def _drawings_for_gnumeric(data: bytes) -> bytes:
    """The workbook with each drawing's namespaces declared on its root element, as Excel writes them: openpyxl
    declares them on the elements that use them, and Gnumeric then drops the chart ("Unexpected element
    'a:graphic'… Dropping missing object"). Excel and LibreOffice read both."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/drawings/") and info.filename.endswith(".xml"):
                body = _hoist_namespaces(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def _hoist_namespaces(xml: str) -> str:
    """`xml` with every prefixed namespace declaration moved to the root element (unchanged when a prefix is
    declared with two different namespaces)."""
    found: dict[str, str] = {}
    for prefix, uri in _XMLNS.findall(xml):
        if found.setdefault(prefix, uri) != uri:
            return xml
    start = xml.find("<", xml.find("?>") + 1 if xml.startswith("<?xml") else 0)
    end = xml.find(">", start)
    root, rest = xml[start:end], _XMLNS.sub("", xml[end:])
    root = _XMLNS.sub("", root) + "".join(f' xmlns:{p}="{u}"' for p, u in found.items())
    return xml[:start] + root + rest


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")

    class S:
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        bold = Font(bold=True)
        header_fill = PatternFill(fill_type="solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
        header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        top = Alignment(vertical="top")
        top_wrap = Alignment(vertical="top", wrap_text=True)
        centre = Alignment(horizontal="center", vertical="top")

    return S


def _put(ws, row: int, col: int, value):
    """Set a cell. Text is always stored as text, never as a formula, whatever it
    starts with ("=HYPERLINK(…)" in evidence stays words); a text that a user
    re-entering it would turn into a formula gets Excel's quote prefix."""
    c = ws.cell(row, col)
    if isinstance(value, str):
        value = _cell_text(value)
        c.value = value
        c.data_type = "s"  # openpyxl makes a formula of any text starting with "="
        if value.startswith(FORMULA_START):
            c.quotePrefix = True
    else:
        c.value = value
    return c


def _cell_text(text: str) -> str:
    """Text an xlsx can hold: no control characters (openpyxl refuses them), at most Excel's length."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = clean_text(text)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def _header(ws, row: int, headers, s) -> None:
    for col, text in enumerate(headers, 1):
        c = _put(ws, row, col, text)
        c.font = s.bold
        c.fill = s.header_fill
        c.alignment = s.header_align
        c.border = s.border


def _widths(ws, widths) -> None:
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _print_setup(ws, title_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{title_row}:{title_row}"


def _summary_sheet(ws, report: Report) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from tthc_cli.core.deadline import fmt

    s = _styles()
    ws.title = SUMMARY_SHEET
    ncols = len(SUMMARY_HEADERS)
    last = get_column_letter(ncols)
    _put(ws, 1, 1, report.title)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 24
    _put(ws, 2, 1, f"Kỳ báo cáo: {report.period_label} ({fmt(report.start)} – {fmt(report.end)}); "
                   f"số liệu tính đến ngày {fmt(report.today)}")
    ws["A2"].font = Font(italic=True)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    gap = gap_text(report.left_out)
    if gap:  # the row left blank above the header says what the figures lack
        _put(ws, 3, 1, gap)
        ws["A3"].font = Font(bold=True, color="B00020")
        ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"A3:{last}3")
        ws.row_dimensions[3].height = 15 * (1 + len(gap) // 120)

    heads = {"commune": ("Xã", "Cơ quan ban hành"), "commune,unit": ("Xã · mã đơn vị", "Đơn vị")}
    _header(ws, HEADER_ROW, (*heads.get(report.by, SUMMARY_HEADERS[:2]), *SUMMARY_HEADERS[2:]), s)
    ws.row_dimensions[HEADER_ROW].height = 45

    row = HEADER_ROW
    for u in report.units:
        row += 1
        _unit_row(ws, row, u, s)
    first_unit, last_unit = HEADER_ROW + 1, row
    row += 1
    _unit_row(ws, row, report.totals, s, bold=True)

    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(last_unit, HEADER_ROW)}"  # the totals row stays out of it
    widths = list(_SUMMARY_WIDTHS)
    widths[0] = _fit(widths[0], (f"{u.commune} · {u.code}" if u.commune else u.code for u in report.units), 30)
    widths[1] = _fit(widths[1], (u.name for u in report.units), 60)
    _widths(ws, widths)
    _print_setup(ws, HEADER_ROW)

    if report.units:
        _chart(ws, first_unit, last_unit, ncols)


def _unit_row(ws, row: int, u, s, bold: bool = False) -> None:
    code = f"{u.commune} · {u.code}" if u.commune else u.code  # a unit of a commune: "Xuân Trường · TTPVHCC"
    values = (code or None, u.name, u.total, u.on_time, u.on_time_rate, u.late, u.share(u.late), u.overdue,
              u.share(u.overdue), u.pending, u.in_progress, u.not_started, u.extended)
    for col, v in enumerate(values, 1):
        c = _put(ws, row, col, v)
        c.border = s.border
        c.alignment = s.top_wrap if col == 2 else s.top
        if col in (5, 7, 9):
            c.number_format = PERCENT
        if bold:
            c.font = s.bold


def _fit(base: int, texts, cap: int) -> int:
    """`base`, or wider for the longest text, at most `cap` (longer names wrap)."""
    longest = max((len(t or "") for t in texts), default=0)
    return max(base, min(cap, longest + 2))


def _chart(ws, first: int, last: int, ncols: int) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
    from openpyxl.utils import get_column_letter

    chart = BarChart()
    chart.type = "col"
    chart.style = 10
    chart.title = CHART_TITLE
    chart.legend = None
    data = Reference(ws, min_col=RATE_COLUMN, min_row=first, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=False)
    series = chart.series[0]
    # a named series: without a name LibreOffice labels every bar "Column E"
    series.tx = SeriesLabel(v=SUMMARY_HEADERS[RATE_COLUMN - 1])
    # The unit codes are text: a string reference (set_categories would write a numeric one).
    series.cat = AxDataSource(strRef=StrRef(f=str(cats)))
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2
    chart.y_axis.number_format = "0%"
    # openpyxl >= 3.1 leaves <c:delete> out unless told, and Excel then hides both axes.
    chart.x_axis.delete = False
    chart.x_axis.axPos = "b"
    chart.y_axis.delete = False
    # the value alone on each bar, every other part said "no": LibreOffice shows what is left unsaid
    # ("VP; Column E; 0,0%" over the title), Excel does not
    series.dLbls = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                 showPercent=False, showBubbleSize=False, showLeaderLines=False)
    series.dLbls.numFmt = "0.0%"
    series.dLbls.position = "outEnd"
    chart.height = 8  # cm
    chart.width = max(16, min(32, 2.2 * (last - first + 1)))
    # anchored by two cells: Gnumeric drops a chart anchored by one ("Dropping missing object"), Excel and
    # LibreOffice read both
    anchor = TwoCellAnchor()
    anchor._from = AnchorMarker(col=ncols + 1, row=HEADER_ROW - 1)
    anchor.to = AnchorMarker(col=ncols + 1 + max(8, round(chart.width / 2)), row=HEADER_ROW - 1 + 16)
    chart.anchor = anchor
    ws.add_chart(chart)


def _lines_sheet(ws, report: Report) -> None:
    s = _styles()
    _header(ws, 1, LINES_HEADERS, s)
    ws.row_dimensions[1].height = 30
    names = {(u.commune, u.code): u.name for u in report.units}
    widths = list(_LINES_WIDTHS)  # the plan and task ids whole: they are what a reader looks up
    widths[1] = _fit(widths[1], (ln.plan for ln in report.lines), 40)
    widths[2] = _fit(widths[2], (ln.ref for ln in report.lines), 50)
    row = 1
    for ln in report.lines:
        row += 1
        unit = names.get((ln.commune if report.by == "commune,unit" else None, ln.unit), ln.unit)
        values = (f"{ln.commune} · {unit}" if ln.commune else unit, ln.plan, ln.ref, ln.path, ln.title, ln.occurrence, ln.milestone,
                  ln.due, ln.done, ln.status, ln.days_late, ln.evidence)
        for col, v in enumerate(values, 1):
            c = _put(ws, row, col, v)
            c.border = s.border
            if col in (8, 9):
                c.number_format = DATE
                c.alignment = s.centre
            elif col - 1 in _WRAPPED:
                c.alignment = s.top_wrap
            else:
                c.alignment = s.top
        ws.row_dimensions[row].height = _height(values, widths)
    if report.lines:
        ws.auto_filter.ref = f"A1:{ws.cell(row, len(LINES_HEADERS)).coordinate}"
    else:
        from openpyxl.styles import Font

        _put(ws, 2, 1, "Không có nhiệm vụ quá hạn hoặc hoàn thành trễ hạn trong kỳ.").font = Font(italic=True)
    ws.freeze_panes = "A2"
    _widths(ws, widths)
    _print_setup(ws, 1)


_WRAPPED = (0, 4, 6, 11)  # unit, title, milestone, evidence: the columns that wrap on the detail sheet
_LINE_HEIGHT = 15  # points, for Excel's default 11-point font


def _height(values, widths) -> float:
    """A row height that shows every wrapped cell whole (Excel and LibreOffice do not grow a row that openpyxl
    wrote; a row left at the default shows one line of each)."""
    lines = 1
    for col in _WRAPPED:
        text = values[col] or ""
        room = max(widths[col] - 2, 1)
        lines = max(lines, sum(-(-len(part) // room) or 1 for part in str(text).split("\n")))
    return min(lines, 27) * _LINE_HEIGHT  # 409 points is Excel's highest row
