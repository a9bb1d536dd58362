"""Reading a Word file (.docx) of a plan into the document model.

The body is walked in order, so paragraphs and tables interleave as in the
document. Table rows keep one entry per grid column, the way the text export
writes them: a horizontally merged cell gives its text once, in the first
column it covers, and "" for the others; a cell continuing a vertical merge
gives "". List items (numbering or a "List …" style) are written "- …", as the
text export writes bullets. Paragraphs are counted as Word counts them, empty
ones too ("đoạn 5" is the fifth paragraph of the body), but only non-empty
ones are kept. A table that follows another one with only a page break
between them (a table "continued on the next page" by copy and paste) has
`after_break` on its first row, like a row after a blank line in a text export.

python-docx is imported inside `read_docx`: it is slow to import, and only an
import of a .docx needs it.
"""

from __future__ import annotations

import io
import pathlib
import zipfile

from tthc_cli.importer.document import Document, ImportError_, Paragraph, Row, Table

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _R = _q("p"), _q("tbl"), _q("tr"), _q("tc"), _q("r")
_SDT, _SDT_CONTENT, _CUSTOM_XML = _q("sdt"), _q("sdtContent"), _q("customXml")
# Containers whose runs are part of a paragraph's text (tracked insertions,
# hyperlinks, smart tags, fields, content controls …). Deleted and moved-away
# text (w:del, w:moveFrom) is not.
_INLINE_CONTAINERS = {
    _q(t) for t in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "sdt", "sdtContent",
                    "customXml", "dir", "bdo")
}
_ALTERNATE_CONTENT = f"{{{_MC}}}AlternateContent"
_MC_CHOICE = f"{{{_MC}}}Choice"

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SAVE_AS_DOCX = "hãy mở bằng Word và lưu lại dạng .docx"


def read_docx(path: pathlib.Path) -> Document:
    """The paragraphs and tables of the Word file at `path`, in document order.

    Raises `ImportError_` (with a Vietnamese message saying what to do) for a
    file that is not a readable .docx: an old .doc or a password-protected
    .docx (both OLE2 files), a PDF, a damaged zip, a zip that is not a Word file.
    """
    path = pathlib.Path(path)
    data = _read_bytes(path)
    names = _check_format(path, data)
    try:
        import docx  # noqa: PLC0415 - slow import, only needed here
    except ImportError:
        raise ImportError_(
            f"{path.name}: cần gói python-docx để đọc tệp .docx (pip install python-docx), "
            "hoặc dùng bản xuất văn bản (.txt)"
        ) from None
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx, zipfile and lxml raise many kinds
        raise ImportError_(_not_word(path, e, names)) from None
    try:
        return _Reader(word, str(path)).read()
    except ImportError_:
        raise
    except Exception as e:
        raise ImportError_(_damaged(path, e)) from None


MAX_BYTES = 20 * 1024 * 1024
"""The largest .docx read, as for plan files."""
MAX_UNPACKED = 150 * 1024 * 1024
"""What all parts of a .docx may unpack to together: python-docx holds every part in memory."""
MAX_XML_PART = 16 * 1024 * 1024
"""What one XML part may unpack to: lxml's tree takes several times the text."""


def _read_bytes(path: pathlib.Path) -> bytes:
    from tthc_cli.io.files import FileError, read_regular

    try:
        return read_regular(path, MAX_BYTES, "tệp .docx")
    except FileError as e:
        raise ImportError_(e.message) from None


def _check_size(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb before anything is unpacked: declared sizes bound what zipfile will inflate."""
    total = sum(i.file_size for i in infos)
    biggest = max((i for i in infos if i.filename.endswith((".xml", ".rels"))), key=lambda i: i.file_size,
                  default=None)
    if total > MAX_UNPACKED or (biggest is not None and biggest.file_size > MAX_XML_PART):
        raise ImportError_(
            f"{name}: tệp .docx giải nén ra quá lớn ({total / 1048576:.0f} MB; tối đa {MAX_UNPACKED // 1048576} MB, "
            f"mỗi phần XML tối đa {MAX_XML_PART // 1048576} MB): có thể là tệp độc hại hoặc bị hỏng"
        )


def _check_format(path: pathlib.Path, data: bytes) -> set[str]:
    """Recognise what the file is before python-docx sees it; the names in the zip."""
    name = path.name
    if data.startswith(_OLE2_MAGIC):
        raise ImportError_(
            f"{name}: tệp .doc (Word 97-2003) hoặc .docx có mật khẩu: hãy mở bằng Word, bỏ mật khẩu nếu có, "
            "và lưu lại dạng .docx"
        )
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        raise ImportError_(f"{name}: tệp PDF không nhập được; hãy dùng tệp Word gốc (.docx)")
    if head.startswith(b"{\\rtf"):
        raise ImportError_(f"{name}: tệp RTF, không phải .docx; {_SAVE_AS_DOCX} (Word Document)")
    if not data:
        raise ImportError_(f"{name}: tệp .docx bị hỏng (tệp rỗng); {_SAVE_AS_DOCX}")
    if not data.startswith(b"PK"):
        raise ImportError_(
            f"{name}: không phải tệp Word .docx; {_SAVE_AS_DOCX} (Word Document), "
            "hoặc dùng bản xuất văn bản (.txt)"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = set(z.namelist())
    except Exception:  # BadZipFile, truncated central directory, …
        raise ImportError_(
            f"{name}: tệp .docx bị hỏng (không giải nén được, có thể tải về chưa hết); "
            f"hãy lấy lại tệp gốc, hoặc {_SAVE_AS_DOCX}"
        ) from None
    _check_size(name, infos)
    return names


def _not_word(path: pathlib.Path, e: Exception, names: set[str]) -> str:
    """What to tell about a zip python-docx could not open as a Word document."""
    name, msg = path.name, str(e)
    if "content type" in msg:  # python-docx: "file … is not a Word file, content type is '…'"
        kind = msg.rsplit("content type is", 1)[-1].strip(" '\"")
        if "spreadsheetml" in kind:
            return f"{name}: tệp Excel, không phải văn bản Word; tthc nhập kế hoạch từ tệp Word (.docx) hoặc văn bản (.txt)"
        if "presentationml" in kind:
            return f"{name}: tệp PowerPoint, không phải văn bản Word; hãy dùng tệp Word gốc (.docx)"
        if "macroEnabled" in kind:
            return f"{name}: tệp Word có macro (.docm); {_SAVE_AS_DOCX} (Word Document)"
        if "template" in kind:
            return f"{name}: tệp mẫu Word (.dotx); {_SAVE_AS_DOCX} (Word Document)"
        return f"{name}: không phải văn bản Word .docx (loại nội dung {kind}); {_SAVE_AS_DOCX} (Word Document)"
    if "word/document.xml" not in names:
        return (f"{name}: tệp .docx bị hỏng hoặc không phải văn bản Word (không có word/document.xml); "
                f"hãy lấy lại tệp gốc, hoặc {_SAVE_AS_DOCX}")
    return _damaged(path, e)


def _damaged(path: pathlib.Path, e: Exception) -> str:
    if "Excessive depth" in str(e) or "huge" in str(e).lower():
        return (f"{path.name}: văn bản lồng nhau quá sâu hoặc quá lớn để đọc (có thể là tệp độc hại); "
                f"hãy lấy lại tệp gốc, hoặc {_SAVE_AS_DOCX}")
    detail = f" ({type(e).__name__}: {e})" if str(e) else f" ({type(e).__name__})"
    return f"{path.name}: tệp .docx bị hỏng, không đọc được nội dung{detail}; hãy lấy lại tệp gốc, hoặc {_SAVE_AS_DOCX}"


class _Reader:
    def __init__(self, word, source: str):
        self.body = word.element.body
        self.doc = Document(source)
        self.paragraph_no = 0
        self.table_no = 0
        self.page_break = False  # a page break since the last table or text
        self.styles = _Styles(word)

    def read(self) -> Document:
        self._blocks(self.body)
        return self.doc

    def _blocks(self, parent) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _P:
                self.paragraph_no += 1
                text = self._paragraph_text(child)
                if text:
                    self.doc.blocks.append(Paragraph(text, f"đoạn {self.paragraph_no}"))
                    self.page_break = False
                elif _breaks_page(child):
                    self.page_break = True
            elif tag == _TBL:
                self.table_no += 1
                # a table right after another one and a page break: the
                # table "continued on the next page" of a copy-pasted plan
                continued = self.page_break and bool(self.doc.blocks) and isinstance(self.doc.blocks[-1], Table)
                self.doc.blocks.append(self._table(child, continued))
                self.page_break = False
            elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
                self._blocks(child)

    def _table(self, tbl, continued: bool) -> Table:
        table = Table()
        for r, tr in enumerate(_rows(tbl), start=1):
            table.rows.append(Row(self._row_cells(tr), f"bảng {self.table_no}, hàng {r}",
                                  after_break=continued and r == 1))
        return table

    def _row_cells(self, tr) -> list[str]:
        cells: list[str] = []
        trPr = tr.find(_q("trPr"))
        cells += [""] * _int_val(trPr, "gridBefore")
        for tc in _cells(tr):
            span = max(1, _int_val(tc.find(_q("tcPr")), "gridSpan") or 1)
            text = "" if _continues_vmerge(tc) else self._cell_text(tc)
            cells.append(text)
            cells += [""] * (span - 1)
        cells += [""] * _int_val(trPr, "gridAfter")
        return cells

    def _cell_text(self, tc) -> str:
        lines: list[str] = []
        self._cell_lines(tc, lines)
        return "\n".join(lines)

    def _cell_lines(self, parent, lines: list[str]) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == _P:
                text = self._paragraph_text(child)
                if text:
                    lines.append(text)
            elif tag == _TBL:  # a nested table: its text, cell by cell
                for tr in _rows(child):
                    for tc in _cells(tr):
                        if not _continues_vmerge(tc):
                            self._cell_lines(tc, lines)
            elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
                self._cell_lines(child, lines)

    def _paragraph_text(self, p) -> str:
        text = "".join(_run_texts(p)).strip()
        if not text or not self._is_list_item(p):
            return text
        if text[0] in "•·\uf0b7\uf0a7":
            return "- " + text[1:].lstrip()
        if text[0] in "-–+*":
            return text
        return "- " + text

    def _is_list_item(self, p) -> bool:
        pPr = p.find(_q("pPr"))
        if pPr is not None:
            numPr = pPr.find(_q("numPr"))
            if numPr is not None:
                return _numbered(numPr)
            pStyle = pPr.find(_q("pStyle"))
            if pStyle is not None:
                return self.styles.is_list(pStyle.get(_q("val")))
        return False


class _Styles:
    """Which paragraph styles make list items: a name containing "List", or
    numbering in the style (or a style it is based on), headings excepted."""

    def __init__(self, word):
        self.by_id: dict[str, object] = {}
        self.cache: dict[str, bool] = {}
        try:
            styles = word.styles.element
        except Exception:
            return
        for s in styles.iterchildren(_q("style")):
            sid = s.get(_q("styleId"))
            if sid:
                self.by_id[sid] = s

    def is_list(self, style_id: str | None) -> bool:
        if not style_id or style_id not in self.by_id:
            return False
        if style_id not in self.cache:
            self.cache[style_id] = self._is_list(style_id)
        return self.cache[style_id]

    def _is_list(self, style_id: str) -> bool:
        name = _val(self.by_id[style_id].find(_q("name"))) or style_id
        if "list" in name.lower():
            return True
        if name.lower().startswith(("heading", "title", "toc")):
            return False
        seen: set[str] = set()
        sid: str | None = style_id
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            s = self.by_id[sid]
            pPr = s.find(_q("pPr"))
            numPr = pPr.find(_q("numPr")) if pPr is not None else None
            if numPr is not None:
                return _numbered(numPr)
            sid = _val(s.find(_q("basedOn")))
        return False


def _rows(container):
    """The w:tr of a table, including rows wrapped in content controls."""
    for child in container.iterchildren():
        if child.tag == _TR:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _rows(child)


def _cells(tr):
    """The w:tc of a row, including cells wrapped in content controls."""
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _cells(child)


def _breaks_page(p) -> bool:
    """An (empty) paragraph that holds a page break or a section break."""
    for el in p.iter(_q("br"), _q("pageBreakBefore"), _q("sectPr")):
        if el.tag == _q("br"):
            if el.get(_q("type")) == "page":
                return True
        elif el.tag == _q("pageBreakBefore"):
            if el.get(_q("val"), "true") not in ("0", "false", "off"):
                return True
        else:
            kind = el.find(_q("type"))
            if _val(kind) in (None, "nextPage", "evenPage", "oddPage"):
                return True
    return False


def _continues_vmerge(tc) -> bool:
    tcPr = tc.find(_q("tcPr"))
    if tcPr is None:
        return False
    vMerge = tcPr.find(_q("vMerge"))
    if vMerge is None:
        return False
    return vMerge.get(_q("val"), "continue") == "continue"


def _run_texts(parent):
    """Text of the runs of a paragraph, in order, through hyperlinks, tracked
    insertions, fields and content controls; text boxes and deleted text left out."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == _R:
            yield _run_text(child)
        elif tag in _INLINE_CONTAINERS:
            yield from _run_texts(child)
        elif tag == _ALTERNATE_CONTENT:
            choice = child.find(_MC_CHOICE)
            if choice is not None:
                yield from _run_texts(choice)


_T, _TAB, _BR, _CR, _NB_HYPHEN = _q("t"), _q("tab"), _q("br"), _q("cr"), _q("noBreakHyphen")


def _run_text(r) -> str:
    """A run's text: w:t, tabs, line breaks (not page or column breaks),
    non-breaking hyphens. XML comments and everything else give nothing."""
    out = []
    for e in r.iterchildren():
        tag = e.tag
        if tag == _T:
            out.append(e.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag == _BR:
            if e.get(_q("type")) in (None, "textWrapping"):
                out.append("\n")
        elif tag == _CR:
            out.append("\n")
        elif tag == _NB_HYPHEN:
            out.append("-")
    return "".join(out)


def _numbered(numPr) -> bool:
    """numPr with numId 0 switches numbering off."""
    return _val(numPr.find(_q("numId"))) != "0"


def _val(el) -> str | None:
    return None if el is None else el.get(_q("val"))


MAX_SPAN = 63
"""Word's own limit on the columns of a table: a span or skip beyond it is a forged file, not a plan."""


def _int_val(parent, tag: str) -> int:
    """A count attribute (gridSpan, gridBefore, gridAfter), within 0..MAX_SPAN whatever the file says."""
    if parent is None:
        return 0
    v = _val(parent.find(_q(tag)))
    try:
        return min(max(int(v), 0), MAX_SPAN) if v is not None else 0
    except (ValueError, OverflowError):
        return 0
