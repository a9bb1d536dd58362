"""The .docx reader: real Word files built in tmp_path, read back into the document model.

A hand-built file checks the exact Document (merged cells, bullets, paragraphs,
a table continued after a page break); each seed with tables is written as the
Word file it came from (tests/docx_build.py) and read back, and must give the
same rows as its text export once the export's oddities are undone; bad files
give ImportError_ with advice, never another exception.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.enum.text import WD_BREAK  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402
from lxml import etree  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from docx_build import docx_from_text, split_bullets  # noqa: E402

from tthc_cli.importer.document import Document, ImportError_, Paragraph, Row, Table  # noqa: E402
from tthc_cli.importer.docxsource import read_docx  # noqa: E402
from tthc_cli.importer.textsource import read_text  # noqa: E402

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
TABLE_SEEDS = ["000_7dd52f51993c390f", "001_a68239bbb8dfc748", "002_733c5d3c7c7b8732", "004_d94acb5e5da1ddce"]


def seed(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


# --- a hand-built file: the exact Document ------------------------------------------------

def _numbered(paragraph, num_id: int = 1) -> None:
    numPr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numPr.get_or_add_ilvl().val = 0
    numPr.get_or_add_numId().val = num_id


def _small_plan(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")                                  # đoạn 1
    d.add_paragraph("")                                          # đoạn 2 (empty: skipped, still counted)
    d.add_paragraph("Phụ lục 01: Cải cách thể chế")              # đoạn 3
    t = d.add_table(rows=4, cols=4)
    for c, text in enumerate(["TT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"]):
        t.cell(0, c).text = text
    t.cell(1, 0).text = "I CÔNG TÁC CHỈ ĐẠO"
    t.cell(1, 0).merge(t.cell(1, 3))                             # a section row across the table
    t.cell(2, 0).text = "1"
    content = t.cell(2, 1)
    content.paragraphs[0].add_run("Theo dõi các nhiệm vụ về:")
    content.add_paragraph("Công tác cải cách;", style="List Bullet")
    content.add_paragraph("  ")                                  # an empty paragraph in a cell: dropped
    content.add_paragraph("Giải quyết TTHC trên môi trường điện tử.", style="List Bullet")
    t.cell(2, 2).text = "Phòng Văn hóa - Xã hội"
    t.cell(2, 3).text = "Quý I/2026"
    numbered = t.cell(3, 1).paragraphs[0]
    numbered.add_run("Báo cáo kết quả")
    _numbered(numbered)                                          # a list item by numbering, not style
    t.cell(3, 3).text = "Quý II/2026"
    t.cell(2, 2).merge(t.cell(3, 2))                             # the lead spans the product row
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)         # đoạn 4: the page break
    t2 = d.add_table(rows=2, cols=4)                             # the table "continued" on page 2
    for c, text in enumerate(["TT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"]):
        t2.cell(0, c).text = text
    for c, text in enumerate(["2", "Tổ chức kiểm tra", "Văn phòng HĐND&UBND", "Thường xuyên"]):
        t2.cell(1, c).text = text
    d.add_paragraph("Nơi nhận:")                                 # đoạn 5
    d.save(str(path))
    return path


def test_small_plan_reads_exactly(tmp_path):
    path = _small_plan(tmp_path / "kh.docx")
    header = ["TT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"]
    expected = Document(str(path), [
        Paragraph("KẾ HOẠCH", "đoạn 1"),
        Paragraph("Phụ lục 01: Cải cách thể chế", "đoạn 3"),
        Table([
            Row(header, "bảng 1, hàng 1"),
            Row(["I CÔNG TÁC CHỈ ĐẠO", "", "", ""], "bảng 1, hàng 2"),
            Row(["1", "Theo dõi các nhiệm vụ về:\n- Công tác cải cách;\n- Giải quyết TTHC trên môi trường điện tử.",
                 "Phòng Văn hóa - Xã hội", "Quý I/2026"], "bảng 1, hàng 3"),
            Row(["", "- Báo cáo kết quả", "", "Quý II/2026"], "bảng 1, hàng 4"),
        ]),
        Table([
            Row(header, "bảng 2, hàng 1", after_break=True),
            Row(["2", "Tổ chức kiểm tra", "Văn phòng HĐND&UBND", "Thường xuyên"], "bảng 2, hàng 2"),
        ]),
        Paragraph("Nơi nhận:", "đoạn 5"),
    ])
    assert read_docx(path) == expected


def test_python_docx_is_imported_only_when_reading():
    code = "import sys, tthc_cli.importer.docxsource; print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def _append_xml(paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


def test_word_details(tmp_path):
    """Tracked changes, hyperlinks, XML comments, soft breaks, numbering switched
    off, typed bullets, grid columns before a row, nested tables, a vMerge without val."""
    d = docx.Document()
    p = d.add_paragraph("Giữ ")
    p.runs[0]._r.append(etree.Comment(" chú thích XML "))       # comments are not text
    w = nsdecls("w")
    _append_xml(p, f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>chữ thêm</w:t></w:r></w:ins>')
    _append_xml(p, f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>chữ xoá</w:delText></w:r></w:del>')
    _append_xml(p, f'<w:hyperlink {w}><w:r><w:t xml:space="preserve"> liên kết</w:t></w:r></w:hyperlink>')
    soft = d.add_paragraph("dòng một")
    soft.runs[0].add_break()
    soft.add_run("dòng hai")
    t = d.add_table(rows=3, cols=3)
    off = t.cell(0, 0).paragraphs[0]
    off.add_run("Không phải mục")
    _numbered(off, num_id=0)                                     # numId 0: numbering switched off
    t.cell(0, 1).add_paragraph("- Đã gõ gạch đầu dòng", style="List Bullet")
    t.cell(0, 2).add_paragraph("• Ký hiệu dán vào", style="List Paragraph")
    nested = t.cell(1, 0).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "trong"
    nested.cell(0, 1).text = "bảng con"
    t.cell(1, 1).text = "trên"
    t.cell(2, 1).text = "không đọc"
    t.cell(1, 1)._tc.get_or_add_tcPr().append(parse_xml(f'<w:vMerge {w} w:val="restart"/>'))
    t.cell(2, 1)._tc.get_or_add_tcPr().append(parse_xml(f"<w:vMerge {w}/>"))   # no val: "continue"
    tr = t.rows[2]._tr
    tr.remove(tr.tc_lst[0])                                      # the row starts one grid column in
    tr.insert(0, parse_xml(f'<w:trPr {w}><w:gridBefore w:val="1"/></w:trPr>'))
    path = tmp_path / "chi-tiet.docx"
    d.save(str(path))

    doc = read_docx(path)
    assert [b.text for b in doc.paragraphs()] == ["Giữ chữ thêm liên kết", "dòng một\ndòng hai"]
    rows = [r.cells for r in doc.tables()[0].rows]
    assert rows[0] == ["Không phải mục", "- Đã gõ gạch đầu dòng", "- Ký hiệu dán vào"]
    assert rows[1] == ["trong\nbảng con", "trên", ""]
    assert rows[2] == ["", "", ""]


# --- the seeds: the Word file read back gives the rows of the text export -----------------

def _norm(text: str) -> str:
    """Cell text for comparison: no HTML, whitespace (and so "\\n") collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())


def _header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].rstrip(".").upper() in ("STT", "TT") and any("Thời" in c for c in cells)


def _text_rows(doc: Document) -> tuple[list[list[str]], int]:
    """Non-header rows of a text export, the cells it split across a page break
    joined back (a row after a break, no number, that goes on in lower case or
    only continues a list); and how many rows were joined."""
    out: list[list[str]] = []
    joined = 0
    for table in doc.tables():
        header = [_norm(c) for c in table.rows[0].cells] if _header([_norm(c) for c in table.rows[0].cells]) else None
        broke = False
        for row in table.rows:
            cells = [_norm(c) for c in row.cells]
            broke = broke or row.after_break
            if header is not None and cells == header:
                broke = True
                continue
            filled = [c for c in cells if c]
            continues = filled and not cells[0] and (
                filled[0][0].islower() or (len(filled) == 1 and filled[0].startswith("- ")))
            if broke and out and continues:
                out[-1] = [f"{a} {b}".strip() for a, b in zip(out[-1], cells)]
                joined += 1
            else:
                out.append(cells)
            broke = False
    return out, joined


def _docx_rows(doc: Document) -> list[list[str]]:
    out = []
    for table in doc.tables():
        header = [_norm(c) for c in table.rows[0].cells]
        for row in table.rows:
            cells = [_norm(c) for c in row.cells]
            if not (_header(header) and cells == header):
                out.append(cells)
    return out


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory):
    """Each table seed's Word file, built once with the default options."""
    folder = tmp_path_factory.mktemp("seeds")
    return {name: docx_from_text(seed(name), folder / f"{name}.docx") for name in TABLE_SEEDS}


@pytest.mark.parametrize("name", TABLE_SEEDS)
def test_seed_docx_gives_the_rows_of_its_text_export(seed_docx, name):
    text = seed(name)
    from_docx = read_docx(seed_docx[name])
    from_text = read_text(text, name)

    want, joined = _text_rows(from_text)
    got = _docx_rows(from_docx)
    assert len(got) == len(want)
    for n, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"row {n}"
    # the paragraphs too (the builder writes markdown emphasis as bold/italic runs)
    assert [_norm(p.text) for p in from_docx.paragraphs()] == \
        [_norm(p.text.replace("*", "")) for p in from_text.paragraphs() if _norm(p.text.replace("*", ""))]
    # the Word file is the clean one: no header repeats inside a table, no split cells
    for table in from_docx.tables():
        assert not any(_norm(c) == "" for c in table.rows[0].cells[:1])
        assert all([_norm(c) for c in r.cells] != [_norm(c) for c in table.rows[0].cells] for r in table.rows[1:])
    if name in ("000_7dd52f51993c390f", "001_a68239bbb8dfc748", "004_d94acb5e5da1ddce"):
        assert joined > 0


def test_seed_003_bookmarks_are_word_bookmarks(tmp_path):
    """Seed 003 has no table; its "[bookmark: _Hlk…]" markers (one with a tab
    after it) are Word bookmarks in the .docx, not text and not a table, and
    its tab-indented line a paragraph."""
    text = seed("003_d171992c76d70bad")
    path = docx_from_text(text, tmp_path / "003.docx")
    doc = read_docx(path)
    assert doc.tables() == []
    paragraphs = [p.text for p in doc.paragraphs()]
    assert "6. Cải cách tài chính công" in paragraphs
    assert not any("bookmark" in p for p in paragraphs)
    unmarked = re.sub(r"^\[bookmark: [^\]]+\]\t?", "", text, flags=re.M).replace("\t", " ")
    assert [_norm(p) for p in paragraphs] == \
        [_norm(p.text.replace("*", "")) for p in read_text(unmarked, "003").paragraphs() if _norm(p.text.replace("*", ""))]
    with zipfile.ZipFile(path) as z:
        assert z.read("word/document.xml").count(b"w:bookmarkStart") == 2


SEED_FACTS = {  # rows compared, text rows joined back, Word tables (12 rows a page)
    "000_7dd52f51993c390f": (41, 6, 4),
    "001_a68239bbb8dfc748": (36, 5, 3),
    "002_733c5d3c7c7b8732": (54, 0, 5),
    "004_d94acb5e5da1ddce": (54, 1, 8),
}


@pytest.mark.parametrize("name", TABLE_SEEDS)
def test_seed_counts(seed_docx, name):
    text = seed(name)
    doc = read_docx(seed_docx[name])
    rows, joined = _text_rows(read_text(text, name))
    assert (len(rows), joined, len(doc.tables())) == SEED_FACTS[name]


def test_seed_002_product_rows_are_merged_cells(tmp_path):
    """Task I.4's second product shares the task's number, text, lead and
    deadline cells: in Word they are merged down, and read back as ""."""
    path = docx_from_text(seed("002_733c5d3c7c7b8732"), tmp_path / "002.docx", page_break_every=None)
    word = docx.Document(str(path))
    tr = word.tables[0]._tbl.tr_lst
    i = next(k for k, row in enumerate(word.tables[0].rows) if row.cells[0].text == "4")
    assert [tc.vMerge for tc in tr[i].tc_lst] == ["restart", "restart", None, "restart", "restart", "restart"]
    assert [tc.vMerge for tc in tr[i + 1].tc_lst] == ["continue", "continue", None, "continue", "continue", "continue"]
    assert word.tables[0].cell(i, 3).text == "Phòng Văn hóa - Xã hội"   # the top cell's text only
    row = read_docx(path).tables()[0].rows[i + 1]
    assert row.cells == ["", "", "Báo cáo kết quả thực hiện (lồng ghép trong báo cáo CCHC định kỳ)", "", "", ""]


@pytest.mark.parametrize("options", [
    {"page_break_every": None},
    {"merge_product_rows": False, "bullets": False, "page_break_every": 5},
])
def test_builder_options_give_the_same_rows(tmp_path, options):
    for name in ("001_a68239bbb8dfc748", "002_733c5d3c7c7b8732"):
        text = seed(name)
        doc = read_docx(docx_from_text(text, tmp_path / f"{name}.docx", **options))
        assert _docx_rows(doc) == _text_rows(read_text(text, name))[0]
        if options.get("page_break_every") is None:
            assert len(doc.tables()) == len(read_text(text, name).tables())


def test_split_bullets():
    assert split_bullets("Theo dõi: - Công tác A; - Giải quyết B") == \
        [(False, "Theo dõi:"), (True, "Công tác A;"), (True, "Giải quyết B")]
    assert split_bullets("- Phòng Văn hóa - Xã hội; - TTPVHCC - Cơ quan liên quan.") == \
        [(True, "Phòng Văn hóa - Xã hội;"), (True, "TTPVHCC"), (True, "Cơ quan liên quan.")]
    for plain in ("Phòng Văn hóa - Xã hội", "giai đoạn 2026 - 2030", "phát triển kinh tế - xã hội"):
        assert split_bullets(plain) == [(False, plain)]


# --- bad input: ImportError_ with advice, nothing else ------------------------------------

def _real_docx_bytes() -> bytes:
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Kế hoạch")
    d.save(buf)
    return buf.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files[name] = content
    return _zip(files)


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8


@pytest.mark.parametrize("name, data, message", [
    ("cu.doc", OLE2, "tệp .doc (Word 97-2003) hoặc .docx có mật khẩu: hãy mở bằng Word, bỏ mật khẩu nếu có, "
                     "và lưu lại dạng .docx"),
    ("co-mat-khau.docx", OLE2, "hoặc .docx có mật khẩu"),
    ("kh.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj junk", "tệp PDF không nhập được; hãy dùng tệp Word gốc (.docx)"),
    ("khac.docx", _zip({"hello.txt": b"xin chao", "[Content_Types].xml": b"<Types/>"}), "tệp .docx bị hỏng"),
    ("cut.docx", _real_docx_bytes()[:200], "tệp .docx bị hỏng"),
    ("rong.docx", b"", "tệp .docx bị hỏng"),
    ("hong-xml.docx", _with_part(_real_docx_bytes(), "word/document.xml", b"<w:document><w:body"), "tệp .docx bị hỏng"),
    ("van-ban.docx", "Kế hoạch\tnăm 2026".encode(), "không phải tệp Word .docx"),
    ("kh.rtf", b"{\\rtf1\\ansi junk}", "tệp RTF"),
])
def test_bad_files_raise_import_error_with_advice(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportError_) as e:
        read_docx(path)
    assert message in str(e.value)
    assert "lưu lại dạng .docx" in str(e.value) or "tệp Word gốc" in str(e.value)


@pytest.mark.parametrize("name, content_type, message", [
    ("macro.docm", b"ms-word.document.macroEnabled.main+xml", "(.docm)"),
    ("mau.dotx", b"wordprocessingml.template.main+xml", "(.dotx)"),
    ("bang.docx", b"spreadsheetml.sheet.main+xml", "tệp Excel"),
])
def test_other_office_files_say_what_they_are(tmp_path, name, content_type, message):
    data = _real_docx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    assert b"wordprocessingml.document.main+xml" in types
    path = tmp_path / name
    path.write_bytes(_with_part(data, "[Content_Types].xml",
                                types.replace(b"wordprocessingml.document.main+xml", content_type)))
    with pytest.raises(ImportError_) as e:
        read_docx(path)
    assert message in str(e.value)


def test_main_part_under_another_name_is_read(tmp_path):
    """Some tools write word/document2.xml; the package relationships say where it is."""
    with zipfile.ZipFile(io.BytesIO(_real_docx_bytes())) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["word/document2.xml"] = files.pop("word/document.xml")
    for part in ("[Content_Types].xml", "_rels/.rels"):
        files[part] = files[part].replace(b"word/document.xml", b"word/document2.xml")
    files["word/_rels/document2.xml.rels"] = files.pop("word/_rels/document.xml.rels")
    path = tmp_path / "kh.docx"
    path.write_bytes(_zip(files))
    assert [p.text for p in read_docx(path).paragraphs()] == ["Kế hoạch"]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ImportError_, match="không tìm thấy"):
        read_docx(tmp_path / "khong-co.docx")
    with pytest.raises(ImportError_, match="thư mục"):
        read_docx(tmp_path)
