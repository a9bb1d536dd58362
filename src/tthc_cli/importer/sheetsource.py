"""Reading a spreadsheet annex (.xlsx; .ods and .xls through LibreOffice) into the document model.

Annexes ("Phụ lục") are often sent as workbooks. Every sheet with a row that reads as a task table's
header (the same test the table extractor applies) gives a table, from that row down; the rows above
it with text (the annex's title, "Phụ lục 01: …", "năm 2026") give paragraphs, so the plan details
and sections come out as from a Word file. Other sheets (notes, lists of units) are left out.

Merged cells give their text once, in their first row and column, and "" for the cells they cover,
as the .docx reader gives merged Word cells. Numbers written as numbers come out as written ("1",
not "1.0"); a date cell as Vietnamese write one ("15/03/2026"). Each row says where it is:
"trang tính Phụ lục 1, hàng 7" (the sheet's name and its row number, as Excel shows them).
openpyxl (already used for the xlsx report) is imported only here.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path

from tthc_cli.importer.document import Document, ImportError_, Paragraph, Row, Table

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 150 * 1024 * 1024
"""What all parts of the workbook may unpack to together (openpyxl holds every sheet in memory)."""
MAX_ROWS = 20_000
MAX_COLUMNS = 60
HEADER_ROWS = 40
"""How far down a sheet its task table's header is looked for."""


def read_workbook(path: Path, *, source: str | None = None, name: str | None = None) -> Document:
    """The task tables of the workbook at `path` (and the lines above each); ImportError_ if it has none."""
    name = name or path.name
    data = _read_bytes(path)
    _check_zip(name, data)
    import openpyxl  # noqa: PLC0415 - slow import, only needed here

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl, zipfile and lxml raise many kinds
        detail = f" ({type(e).__name__}: {str(e)[:200]})" if str(e) else ""
        raise ImportError_(f"{name}: tệp bảng tính bị hỏng, không đọc được{detail}; hãy lấy lại tệp gốc") from None
    from tthc_cli.importer.tables import header_roles  # the extractor's own test of a header

    doc = Document(source or str(path))
    seen = []
    for ws in wb.worksheets:
        seen.append(ws.title)
        rows = _sheet_rows(ws)
        start = next((i for i, (_, cells) in enumerate(rows[:HEADER_ROWS]) if header_roles(cells) is not None), None)
        if start is None:
            continue
        for r, cells in rows[:start]:
            text = " ".join(c for c in cells if c)
            if text:
                doc.blocks.append(Paragraph(text, f"trang tính {ws.title}, hàng {r}"))
        doc.blocks.append(Table([Row(cells, f"trang tính {ws.title}, hàng {r}") for r, cells in rows[start:]]))
    if not doc.tables():
        raise ImportError_(
            f"{name}: không trang tính nào có bảng nhiệm vụ (hàng tiêu đề STT / Nội dung / Cơ quan chủ trì / "
            f"Thời hạn …) trong {HEADER_ROWS} hàng đầu; các trang tính: {', '.join(seen) or 'không có'}")
    return doc


def _read_bytes(path: Path) -> bytes:
    from tthc_cli.io.files import FileError, read_regular

    try:
        return read_regular(path, MAX_BYTES, "tệp bảng tính")
    except FileError as e:
        raise ImportError_(e.message) from None


def _check_zip(name: str, data: bytes) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportError_(f"{name}: bảng tính có mật khẩu hoặc dạng Excel 97-2003; hãy bỏ mật khẩu và lưu lại "
                           f"dạng .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except Exception:
        raise ImportError_(f"{name}: tệp .xlsx bị hỏng (không giải nén được); hãy lấy lại tệp gốc") from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise ImportError_(f"{name}: bảng tính giải nén ra quá lớn ({total / 1048576:.0f} MB; tối đa "
                           f"{MAX_UNPACKED // 1048576} MB): có thể là tệp độc hại hoặc bị hỏng")


def _sheet_rows(ws) -> list[tuple[int, list[str]]]:
    """(row number, cell texts) of the sheet's rows with any text, merged cells given once."""
    max_row, max_col = ws.max_row or 0, min(ws.max_column or 0, MAX_COLUMNS)
    if max_row > MAX_ROWS * 5:
        max_row = MAX_ROWS * 5  # formatting alone can stretch a sheet to a million rows; text that far is not a plan
    covered = set()
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, min(rng.max_row, max_row) + 1):
            for c in range(rng.min_col, min(rng.max_col, max_col) + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    out = []
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True), start=1):
        cells = ["" if (r, c) in covered else _text(v) for c, v in enumerate(row, start=1)]
        if any(cells):
            out.append((r, cells))
            if len(out) > MAX_ROWS:
                raise ImportError_(f"trang tính {ws.title}: hơn {MAX_ROWS:,} hàng có chữ; không phải một kế hoạch "
                                   f"(hãy tách tệp)".replace(",", "."))
    return out


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "Có" if v else "Không"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return f"{v.day:02d}/{v.month:02d}/{v.year}"
    return unicodedata.normalize("NFC", str(v)).replace("\r\n", "\n").strip()
