"""`tthc import` of documents as offices receive them: PDFs exported from Word, scans, .doc files,
spreadsheet annexes (.xlsx, .ods), and broken or hostile ones.

The PDFs of the layout tests are written by tests/pdf_build.py (no library, so they always run): a
table over several pages with its header repeated and a row broken by the page end, text with
combining marks. The seeds' PDFs, the .doc and the .ods are made by LibreOffice from the Word files
the other tests build, as Word's "Save as PDF" would; without LibreOffice those tests are skipped with
the reason (in CI, where .ci/run installs it, they fail instead).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
import yaml

from docx_build import docx_from_text
from pdf_build import Page, bomb_pdf, many_pages_pdf, pdf_bytes, table_pdf
from test_import import SEEDS, _leaves
from tthc_cli.errors import FileError
from tthc_cli.importer.build import import_document
from tthc_cli.importer.docxsource import read_docx
from tthc_cli.importer.pdfsource import MAX_PAGES, read_pdf
from tthc_cli.importer.textsource import read_text

HEADER = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành"]
WIDTHS = [30, 200, 100, 100, 80]
HEAD = ["ỦY BAN NHÂN DÂN XÃ XUÂN TRƯỜNG", "KẾ HOẠCH", "Kiểm soát thủ tục hành chính năm 2026"]
ROWS = [["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"]] + [
    [str(i), f"Nhiệm vụ số {i}: rà soát, công bố, công khai thủ tục hành chính thuộc thẩm quyền của xã và báo cáo "
             f"kết quả thực hiện định kỳ hằng quý cho Ủy ban nhân dân xã",
     "Trung tâm Phục vụ hành chính công xã", "Phòng Văn hóa - Xã hội", f"Trước ngày {i + 10}/3/2026"]
    for i in range(1, 9)]


def _text_export() -> str:
    """The same plan as a text export: what the PDF must import to."""
    lines = HEAD + ["\t".join(HEADER)]
    for row in ROWS:
        lines.append("\t".join(row + [""] * (len(HEADER) - len(row))))
    return "\n".join(lines) + "\n"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- PDFs with a text layer, written by pdf_build ----------------------------------------------------


def test_table_over_pages_imports_like_its_text_export(tthc, tmp_path):
    pdf = _write(tmp_path / "ke-hoach.pdf", table_pdf(HEAD, HEADER, ROWS, WIDTHS, page_height=300))
    import pdfplumber

    with pdfplumber.open(pdf) as raw:  # as printed: the header on each page, a row broken by a page end
        firsts = [page.find_tables()[0].extract()[:2] for page in raw.pages]
    assert all(f[0] == firsts[0][0] for f in firsts) and any(f[1][0] == "" for f in firsts[1:])
    doc = read_pdf(pdf)
    rows = doc.tables()[0].rows
    pages = {r.where.split(",")[0] for r in rows}
    assert len(doc.tables()) == 1 and len(pages) >= 3  # one table over three pages or more
    assert len(rows) == 1 + len(ROWS)  # repeated headers dropped, the rows broken by a page end joined
    assert [r.cells[0] for r in rows[2:]] == [str(i) for i in range(1, 9)]
    assert all(r.cells[1] == ROWS[i + 1][1] for i, r in enumerate(rows[2:]))  # every cell whole again

    out = tmp_path / "plan.yaml"
    r = tthc("import", pdf, "-o", out)
    assert r.code == 0, r.err
    assert "Đã nhập 8 nhiệm vụ/dòng sản phẩm từ 1 bảng" in r.err
    text = out.read_text(encoding="utf-8")
    expected = import_document(read_text(_text_export(), "ke-hoach.txt"), source_name=str(pdf))
    assert _leaves(text) == _leaves(expected.yaml)
    assert "# trang 1, hàng 3\n      - id: I.1" in text  # each task says its page and row
    assert any(f"# trang {p}, hàng" in text for p in (2, 3))
    assert tthc("validate", out).code == 0


def test_combining_marks_come_out_nfc(tthc, tmp_path):
    nfd = _write(tmp_path / "nfd.pdf", table_pdf(HEAD, HEADER, ROWS, WIDTHS, page_height=300,
                                                  form=lambda s: unicodedata.normalize("NFD", s)))
    import pdfplumber

    with pdfplumber.open(nfd) as pdf:  # the text layer really holds combining marks
        assert any(unicodedata.combining(c["text"]) for c in pdf.pages[0].chars)
    nfc = _write(tmp_path / "nfc.pdf", table_pdf(HEAD, HEADER, ROWS, WIDTHS, page_height=300))
    a, b = tthc("import", nfd), tthc("import", nfc)
    assert a.code == 0 and b.code == 0, a.err + b.err
    assert a.out.replace("nfd.pdf", "nfc.pdf") == b.out
    assert unicodedata.is_normalized("NFC", a.out) and "Ủy ban nhân dân xã" in a.out


def test_pdfplumber_is_imported_only_for_a_pdf():
    code = ("import sys; from pathlib import Path; from tthc_cli.importer.build import read_source; "
            f"read_source(Path({str(SEEDS['002'])!r})); print('pdfplumber' in sys.modules, 'pdfminer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


# --- PDFs that cannot be imported: a message, exit 1, no output file -----------------------------------


def _refused(tthc, tmp_path, src: Path, *needles: str, seconds: float = 20):
    out = tmp_path / "out.yaml"
    start = time.monotonic()
    r = tthc("import", src, "-o", out)
    took = time.monotonic() - start
    assert r.code == FileError.exit_code, r.err
    for needle in needles:
        assert needle in r.err
    assert "Traceback" not in r.err and r.err.startswith("Lỗi: ")
    assert not out.exists()
    assert took < seconds, f"took {took:.1f} s"
    return r


def test_a_scan_says_it_has_no_text_layer(tthc, tmp_path):
    scan = _write(tmp_path / "scan.pdf", pdf_bytes([Page(image=True), Page(image=True)]))
    _refused(tthc, tmp_path, scan, "bản quét", "không có lớp chữ", ".docx")


def test_a_password_protected_pdf(tthc, tmp_path):
    locked = _write(tmp_path / "khoa.pdf", pdf_bytes([Page(texts=[(50, 50, "KẾ HOẠCH", 12)])],
                                                     encrypt_unknown_password=True))
    _refused(tthc, tmp_path, locked, "mật khẩu")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_damaged_pdf(tthc, tmp_path, cut):
    data = table_pdf(HEAD, HEADER, ROWS, WIDTHS)
    broken = _write(tmp_path / "hong.pdf", data[:int(len(data) * cut)])
    _refused(tthc, tmp_path, broken, "hong.pdf", "PDF")


def test_a_decompression_bomb_is_refused_within_seconds(tthc, tmp_path):
    bomb = _write(tmp_path / "bom.pdf", bomb_pdf(64 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    _refused(tthc, tmp_path, bomb, "giải nén ra hơn", "độc hại", seconds=10)


@pytest.mark.parametrize("actual,declared,needle", [
    (3, 10 ** 9, "khai báo 1.000.000.000 trang"),  # the page tree's count, before walking it
    (MAX_PAGES + 1, 1, f"hơn {MAX_PAGES} trang"),  # a count that lies: the pages walked
])
def test_too_many_pages(tthc, tmp_path, actual, declared, needle):
    _refused(tthc, tmp_path, _write(tmp_path / "nhieu.pdf", many_pages_pdf(actual, declared)), needle, seconds=10)


def test_a_huge_pdf_is_not_read(tthc, tmp_path):
    huge = tmp_path / "lon.pdf"
    with open(huge, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(31 * 1024 * 1024)  # sparse: nothing to write, nothing read
    _refused(tthc, tmp_path, huge, "quá lớn", seconds=5)


def test_an_existing_output_is_not_touched_by_a_failed_import(tthc, tmp_path):
    out = _write(tmp_path / "plan.yaml", b"plan: {id: cu}\n")
    scan = _write(tmp_path / "scan.pdf", pdf_bytes([Page(image=True)]))
    r = tthc("import", scan, "-o", out, "--force")
    assert r.code == FileError.exit_code and out.read_bytes() == b"plan: {id: cu}\n"


# --- spreadsheets ---------------------------------------------------------------------------------------


def _annex_xlsx(path: Path) -> Path:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    notes = wb.active
    notes.title = "Ghi chú"
    notes.append(["Danh sách đơn vị nhận", "Trung tâm Phục vụ hành chính công xã"])
    ws = wb.create_sheet("Phụ lục 01")
    ws.append(["NHIỆM VỤ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2026"])
    ws.append(["(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/01/2026 của UBND xã Xuân Trường)"])
    ws.append([])
    ws.append(["TT", "Nội dung/Nhiệm vụ", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"])
    ws.append(["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"])
    ws.merge_cells("B5:F5")  # a section row across the table
    ws.append([1, "Ban hành kế hoạch kiểm soát TTHC năm 2026", "Kế hoạch", "Trung tâm Phục vụ hành chính công xã",
               "Phòng Văn hóa - Xã hội", dt.datetime(2026, 1, 15)])
    ws.append([2, "Rà soát, đánh giá thủ tục hành chính", "Kế hoạch rà soát", "Trung tâm Phục vụ hành chính công xã",
               "Các cơ quan, đơn vị có liên quan", "Quý I/2026"])
    ws.append([None, None, "Báo cáo kết quả rà soát", None, None, "Quý IV/2026"])
    for col in "ABDE":  # the task's cells merged down over its product rows
        ws.merge_cells(f"{col}7:{col}8")
    ws.append([3.0, "Tổ chức thực hiện cơ chế một cửa\nvà một cửa liên thông", "Báo cáo", "Văn phòng HĐND và UBND xã",
               None, "Thường xuyên"])
    wb.save(path)
    return path


def test_xlsx_annex_with_merged_cells(tthc, tmp_path):
    src = _annex_xlsx(tmp_path / "phu-luc.xlsx")
    out = tmp_path / "plan.yaml"
    r = tthc("import", src, "-o", out, "--period", "2026")
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    assert _leaves(text) == [
        ("I.1", "Ban hành kế hoạch kiểm soát TTHC năm 2026", "Kế hoạch", ("Trung tâm Phục vụ hành chính công xã",),
         ("Phòng Văn hóa - Xã hội",), "15/01/2026"),
        ("I.2.1", None, "Kế hoạch rà soát", ("Trung tâm Phục vụ hành chính công xã",),
         ("Các cơ quan, đơn vị có liên quan",), "Quý I/2026"),
        ("I.2.2", None, "Báo cáo kết quả rà soát", ("Trung tâm Phục vụ hành chính công xã",),
         ("Các cơ quan, đơn vị có liên quan",), "Quý IV/2026"),
        ("I.3", "Tổ chức thực hiện cơ chế một cửa và một cửa liên thông", "Báo cáo", ("Văn phòng HĐND và UBND xã",), (),
         "Thường xuyên"),
    ]
    assert "# trang tính Phụ lục 01, hàng 6\n      - id: I.1" in text
    data = yaml.safe_load(text)
    assert data["plan"]["period"] == 2026 and "Xuân Trường" in data["plan"]["issuer"]
    assert tthc("validate", out).code == 0


def test_xlsx_without_a_task_table(tthc, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Danh sách"
    wb.active.append(["Họ tên", "Chức vụ"])
    wb.save(tmp_path / "ds.xlsx")
    _refused(tthc, tmp_path, tmp_path / "ds.xlsx", "không trang tính nào có bảng nhiệm vụ", "Danh sách")


# --- LibreOffice: the seeds as PDFs, .doc, .ods ---------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _need_soffice():
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer-nogui")
        pytest.skip("LibreOffice (soffice) is not installed: the seeds' PDFs, .doc and .ods cannot be made here")


def _soffice(tmp: Path, target: str, paths: list[Path], out: Path) -> None:
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", target, "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=300, env=dict(os.environ, HOME=str(tmp)))


def _repeat_header(path: Path) -> None:
    """Mark each table's first row as a header Word repeats at the top of each page."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document(str(path))
    for table in d.tables:
        table._tbl.tr_lst[0].get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    d.save(str(path))


@pytest.fixture(scope="module")
def seed_pdfs(tmp_path_factory):
    """Each seed's Word file (one long table, header repeated, rows free to break across pages; and, for
    "-cut", the tables cut every 12 rows as the other tests build them) and its PDF, from one LibreOffice run."""
    _need_soffice()
    tmp = tmp_path_factory.mktemp("seed-pdfs")
    docs = {}
    for seed, path in sorted(SEEDS.items()):
        docs[seed] = docx_from_text(path.read_text(encoding="utf-8"), tmp / f"{seed}.docx", page_break_every=None)
        _repeat_header(docs[seed])
        docs[f"{seed}-cut"] = docx_from_text(path.read_text(encoding="utf-8"), tmp / f"{seed}-cut.docx")
    _soffice(tmp, "pdf", list(docs.values()), tmp)
    return {k: (v, v.with_suffix(".pdf")) for k, v in docs.items()}


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004", "000-cut", "001-cut", "002-cut", "003-cut",
                                  "004-cut"])
def test_seed_pdf_imports_to_the_same_tasks_as_its_docx(seed_pdfs, seed):
    docx, pdf = seed_pdfs[seed]
    name = f"{seed[:3]}.txt"
    from_docx = import_document(read_docx(docx), source_name=name)
    doc = read_pdf(pdf)
    from_pdf = import_document(doc, source_name=name)
    assert (from_pdf.tables, from_pdf.prose, from_pdf.plan_id, from_pdf.period) == \
        (from_docx.tables, from_docx.prose, from_docx.plan_id, from_docx.period)
    assert _leaves(from_pdf.yaml) == _leaves(from_docx.yaml)
    if from_docx.tables:
        assert len({r.where.split(",")[0] for t in doc.tables() for r in t.rows}) > 1  # tables over several pages


def test_doc_is_converted_by_libreoffice(tthc_process, tmp_path):
    _need_soffice()
    docx = docx_from_text(SEEDS["000"].read_text(encoding="utf-8"), tmp_path / "kh.docx")
    _soffice(tmp_path, "doc", [docx], tmp_path / "doc")
    doc = tmp_path / "doc" / "kh.doc"
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a real Word 97-2003 file
    out = tmp_path / "plan.yaml"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    r = tthc_process("import", doc, "-o", out, env={"TMPDIR": str(tmp)})
    assert r.code == 0, r.err
    expected = import_document(read_docx(docx), source_name="kh.docx")
    assert _leaves(out.read_text(encoding="utf-8")) == _leaves(expected.yaml)
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["plan"]["source"] == "kh.doc"
    assert list(tmp.iterdir()) == []  # its temporary folder (LibreOffice's profile too) removed


def test_ods_is_converted_by_libreoffice(tthc, tmp_path):
    _need_soffice()
    xlsx = _annex_xlsx(tmp_path / "phu-luc.xlsx")
    _soffice(tmp_path, "ods", [xlsx], tmp_path / "ods")
    a = tthc("import", tmp_path / "ods" / "phu-luc.ods", "--period", "2026")
    b = tthc("import", xlsx, "--period", "2026")
    assert a.code == 0 and b.code == 0, a.err + b.err
    assert _leaves(a.out) == _leaves(b.out) and len(_leaves(a.out)) == 4


@pytest.mark.parametrize("name,what", [("cu.doc", ".docx"), ("phu-luc.ods", ".xlsx"), ("cu.xls", ".xlsx")])
def test_without_libreoffice_the_message_says_what_to_do(tthc, tmp_path, name, what):
    src = _write(tmp_path / name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "out.yaml"
    r = tthc("import", src, "-o", out, env={"PATH": str(empty)})
    assert r.code == FileError.exit_code
    assert "cần LibreOffice" in r.err and "apt-get install libreoffice" in r.err and f"lưu lại dạng {what}" in r.err
    assert "Traceback" not in r.err and not out.exists()


def test_a_doc_libreoffice_cannot_read(tthc, tmp_path):
    _need_soffice()
    junk = _write(tmp_path / "hong.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    _refused(tthc, tmp_path, junk, "LibreOffice không chuyển được", "lưu lại dạng .docx", seconds=120)
