"""Reading a PDF with a text layer (a Word file exported, often signed) into the document model.

Word's PDF keeps no table structure, only words with positions and the ruling
lines of the cell borders. Each page is rebuilt: pdfplumber finds the cell
grid from the ruling lines; each cell gets the words whose centre lies in it,
grouped into lines and the lines into paragraphs (a line is a new paragraph
when it starts with a bullet, or when its first word would have fitted on the
line above, so the line above must have ended by choice, not by wrapping).
Rows keep one entry per grid column as the .docx reader gives them: a merged
cell's text once, in its first column, "" for the columns and rows it covers.

A table that goes on over a page break is one table: the header row Word
repeats at the top of each page is dropped, and the first row on the new page
is marked `after_break`, so the table extractor joins a row split by the page
break to the row above, as it does for a text export. Text outside tables
becomes paragraphs; a page number alone on its line is left out.

Each row says where it is on paper: "trang 3, hàng 7" is the 7th table row
seen on page 3 (a repeated header counted); "trang 1, dòng 5" the 5th line of
text outside tables on page 1. Text is NFC: a PDF whose text layer has
combining marks ("a" + U+0301) gives the same words as one with "á".

Before any page is parsed, the file is bounded: its bytes, its page count
(the page tree's own count, then the pages walked), and what each stream it
would decompress unpacks to (inflated with a limit, so a decompression bomb
costs at most that much). pdfplumber (with pdfminer.six) is imported here
only, when a PDF is imported.
"""

from __future__ import annotations

import io
import itertools
import pathlib
import re
import time
import unicodedata
import zlib
from dataclasses import dataclass

from tthc_cli.core.text import fold_diacritics
from tthc_cli.importer.document import Document, ImportError_, Paragraph, Row, Table
from tthc_cli.importer.pdfcolumns import BULLETS as _BULLETS

MAX_BYTES = 30 * 1024 * 1024
"""The largest PDF read (a signed plan of 30 pages is under 2 MB; a scan is bigger, and unreadable anyway)."""
MAX_PAGES = 300
"""Pages read; a commune's plan has a few dozen."""
MAX_STREAM = 32 * 1024 * 1024
"""What one stream (a page's content, a font) may unpack to."""
MAX_CONTENT = 32 * 1024 * 1024
"""What the page contents (the drawing instructions: text and lines) may unpack to together."""
MAX_UNPACKED = 128 * 1024 * 1024
"""What every stream read may unpack to together."""
MAX_SECONDS = 90
"""A document whose pages take longer than this to lay out is refused rather than left running."""

_SAVE_AS = "hãy dùng tệp Word gốc (.docx), hoặc xuất lại PDF từ Word"
_LABEL = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|[IVX]{1,4}\.)\s")  # "3. ", "2.5. ", "b) ", "IV. "
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?-?\s*\d{1,3}\s*-?(?:\s*/\s*\d{1,3})?$", re.I)


def read_pdf(path: pathlib.Path) -> Document:
    """The paragraphs and tables of the PDF at `path`, in reading order.

    Raises `ImportError_` with a Vietnamese message saying what to do for a
    PDF that cannot be read: damaged, password-protected, beyond the limits,
    a scan (no text layer) or text in fonts without a Unicode map.
    """
    path = pathlib.Path(path)
    data = _read_bytes(path)
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise ImportError_(f"{path.name}: không phải tệp PDF (thiếu phần đầu %PDF); {_SAVE_AS}")
    try:
        import pdfplumber  # noqa: PLC0415 - big import, only needed for a PDF
    except ImportError:
        raise ImportError_(f"{path.name}: cần gói pdfplumber để đọc tệp PDF (pip install pdfplumber); "
                           f"hoặc {_SAVE_AS}") from None
    import logging  # noqa: PLC0415

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings about fonts are not the user's business
    pdf = _open(pdfplumber, data, path.name)
    try:
        n = _check_limits(pdf.doc, path.name)
        return _Reader(pdf, str(path), path.name, n).read()
    except ImportError_:
        raise
    except RecursionError:
        raise ImportError_(f"{path.name}: tệp PDF lồng nhau quá sâu (có thể là tệp độc hại); {_SAVE_AS}") from None
    except Exception as e:  # pdfminer raises many kinds on a broken file
        raise ImportError_(_damaged(path.name, e)) from None
    finally:
        pdf.close()


def _read_bytes(path: pathlib.Path) -> bytes:
    from tthc_cli.io.files import FileError, read_regular

    try:
        return read_regular(path, MAX_BYTES, "tệp PDF")
    except FileError as e:
        raise ImportError_(e.message) from None


def _damaged(name: str, e: Exception) -> str:
    detail = f" ({type(e).__name__}: {str(e)[:200]})" if str(e) else f" ({type(e).__name__})"
    return f"{name}: tệp PDF bị hỏng, không đọc được{detail}; hãy lấy lại tệp gốc, hoặc {_SAVE_AS}"


def _open(pdfplumber, data: bytes, name: str):
    """pdfplumber's PDF over `data`; only the cross-reference table and the catalog are read here."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect  # noqa: PLC0415

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as e:
        cause = getattr(e, "args", [None])[0] if type(e).__name__ == "PdfminerException" else e
        if isinstance(cause, PDFPasswordIncorrect):
            raise ImportError_(f"{name}: tệp PDF có mật khẩu mở tệp; hãy bỏ mật khẩu (in ra PDF không đặt mật khẩu) "
                               f"hoặc {_SAVE_AS}") from None
        if isinstance(cause, PDFEncryptionError) or "encrypt" in type(cause).__name__.lower():
            raise ImportError_(f"{name}: tệp PDF được mã hóa theo cách không đọc được ({cause}); {_SAVE_AS}") from None
        raise ImportError_(_damaged(name, cause if isinstance(cause, Exception) else e)) from None


def _too_big(name: str, what: str) -> ImportError_:
    return ImportError_(f"{name}: {what}: có thể là tệp độc hại hoặc bị hỏng, không đọc; {_SAVE_AS}")


def _check_limits(doc, name: str) -> int:
    """The page count, after checking it and every stream the pages would unpack; before any page is parsed."""
    from pdfminer.pdfpage import PDFPage  # noqa: PLC0415
    from pdfminer.pdftypes import resolve1  # noqa: PLC0415

    try:
        declared = resolve1(resolve1(doc.catalog.get("Pages")).get("Count"))
    except Exception:
        declared = None
    if isinstance(declared, int) and declared > MAX_PAGES:
        raise _too_big(name, f"tệp PDF khai báo {declared:,} trang (tối đa {MAX_PAGES})".replace(",", "."))
    pages = list(itertools.islice(PDFPage.create_pages(doc), MAX_PAGES + 1))
    if len(pages) > MAX_PAGES:
        raise _too_big(name, f"tệp PDF có hơn {MAX_PAGES} trang")
    if not pages:
        raise ImportError_(f"{name}: tệp PDF không có trang nào; hãy lấy lại tệp gốc, hoặc {_SAVE_AS}")
    budget = _Budget(name)
    for page in pages:
        for stream in _list(page.contents):
            budget.unpack(stream, content=True)
        _check_resources(page.resources, budget, depth=0)
    return len(pages)


class _Budget:
    """Unpacks streams with limits, once each; the result is left in the stream for pdfminer to use."""

    def __init__(self, name: str):
        self.name = name
        self.total = 0
        self.content = 0
        self.seen: set[int] = set()

    def unpack(self, stream, content: bool = False) -> None:
        from pdfminer.pdftypes import PDFStream, resolve1  # noqa: PLC0415

        stream = resolve1(stream)
        if not isinstance(stream, PDFStream) or id(stream) in self.seen:
            return
        self.seen.add(id(stream))
        if stream.data is None:
            data = _bounded_decode(stream, self.name)
            if data is None:
                return  # an image codec pdfminer does not decode for text
            stream.data, stream.rawdata = data, None
        size = len(stream.data)
        self.total += size
        if content:
            self.content += size
        if self.content > MAX_CONTENT:
            raise _too_big(self.name, f"nội dung các trang giải nén ra hơn {MAX_CONTENT // 1048576} MB")
        if self.total > MAX_UNPACKED:
            raise _too_big(self.name, f"các luồng dữ liệu giải nén ra hơn {MAX_UNPACKED // 1048576} MB")


def _bounded_decode(stream, name: str) -> bytes | None:
    """What pdfminer's `PDFStream.decode` would give, but refused past MAX_STREAM; None for image codecs."""
    from pdfminer import pdftypes as t  # noqa: PLC0415
    from pdfminer.ascii85 import ascii85decode, asciihexdecode  # noqa: PLC0415
    from pdfminer.lzw import LZWDecoder  # noqa: PLC0415

    data = stream.rawdata
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    bomb = _too_big(name, f"một luồng dữ liệu giải nén ra hơn {MAX_STREAM // 1048576} MB")
    for f, _params in stream.get_filters():
        if f in t.LITERALS_FLATE_DECODE:
            d = zlib.decompressobj()
            try:
                out = d.decompress(data, MAX_STREAM + 1)
            except zlib.error:
                out = _inflate_damaged(data)
            if len(out) > MAX_STREAM:
                raise bomb
            data = out
        elif f in t.LITERALS_LZW_DECODE:
            parts, size = [], 0
            for part in LZWDecoder(io.BytesIO(data)).run():
                size += len(part)
                if size > MAX_STREAM:
                    raise bomb
                parts.append(part)
            data = b"".join(parts)
        elif f in t.LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)
        elif f in t.LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
        elif f in t.LITERALS_RUNLENGTH_DECODE:
            if len(data) * 128 > MAX_STREAM:
                raise bomb
            data = t.rldecode(data)
        else:
            return None  # DCT, JPX, CCITT, JBIG2, Crypt: images, left to pdfminer (it does not unpack them)
    # predictors only reorder bytes; pdfminer applies them in decode(): leave such a stream to it
    params = [p for _f, p in stream.get_filters() if isinstance(p, dict) and p.get("Predictor", 1) != 1]
    return None if params else data


def _inflate_damaged(data: bytes) -> bytes:
    """Inflate what can be inflated of a damaged stream, as pdfminer does, bounded."""
    d = zlib.decompressobj()
    out = bytearray()
    for i in range(0, len(data), 4096):
        try:
            out += d.decompress(data[i:i + 4096], MAX_STREAM + 1 - len(out))
        except zlib.error:
            break
        if len(out) > MAX_STREAM:
            break
    return bytes(out)


def _check_resources(resources, budget: _Budget, depth: int) -> None:
    """Fonts and form XObjects of a page (and of forms inside it): the streams pdfminer will unpack."""
    from pdfminer.pdftypes import PDFStream, resolve1  # noqa: PLC0415
    from pdfminer.psparser import LIT  # noqa: PLC0415

    resources = resolve1(resources)
    if not isinstance(resources, dict) or depth > 12:
        return
    fonts = resolve1(resources.get("Font"))
    for font in (fonts.values() if isinstance(fonts, dict) else ()):
        font = resolve1(font)
        if not isinstance(font, dict):
            continue
        budget.unpack(font.get("ToUnicode"))
        budget.unpack(font.get("Encoding"))
        for f in [font] + [resolve1(x) for x in _list(font.get("DescendantFonts"))]:
            desc = resolve1(f.get("FontDescriptor")) if isinstance(f, dict) else None
            if isinstance(desc, dict):
                for key in ("FontFile", "FontFile2", "FontFile3"):
                    budget.unpack(desc.get(key))
    xobjects = resolve1(resources.get("XObject"))
    for x in (xobjects.values() if isinstance(xobjects, dict) else ()):
        x = resolve1(x)
        if isinstance(x, PDFStream) and x.get("Subtype") is LIT("Form"):
            budget.unpack(x, content=True)
            _check_resources(x.get("Resources"), budget, depth + 1)


def _list(value) -> list:
    from pdfminer.pdftypes import resolve1  # noqa: PLC0415

    value = resolve1(value)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# -- layout ------------------------------------------------------------------------------------------


@dataclass
class _Line:
    words: list[dict]

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]

    @property
    def top(self) -> float:
        return min(w["top"] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def space(self) -> float:
        """About a space's width at this line's size."""
        return 0.25 * max(w["bottom"] - w["top"] for w in self.words)


def _lines(words: list[dict]) -> list[_Line]:
    """Words grouped into lines (tops within a third of the word height), each in x order."""
    out: list[_Line] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if out:
            last = out[-1]
            height = w["bottom"] - w["top"]
            if abs(w["top"] - last.words[0]["top"]) <= max(1.5, height / 3):
                last.words.append(w)
                continue
        out.append(_Line([w]))
    for line in out:
        line.words.sort(key=lambda w: w["x0"])
    return out


def _split_gaps(line: _Line) -> list[_Line]:
    """A line cut where words stand far apart (two blocks side by side, as the head of an official letter)."""
    parts = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:]):
        if b["x0"] - a["x1"] > 8 * line.space:
            parts.append([b])
        else:
            parts[-1].append(b)
    return [_Line(p) for p in parts]


def _paragraphs(lines: list[_Line], left: float, right: float) -> list[tuple[str, int]]:
    """Lines joined into paragraphs, with the index of each paragraph's first line.

    A line starts a paragraph when it starts with a bullet (written "- …", as the text export and the
    .docx reader write list items), or when its first word would have fitted at the end of the line
    above within `right` (the line above ended there by choice). A line goes on the line above with a
    space, or without one where Word broke a word: after a hyphen or slash inside it ("HĐND-" / "UBND"),
    or in the middle of a word too long for the width from `left` to `right` ("15/01/202" / "6")."""
    out: list[tuple[str, int]] = []
    prev: _Line | None = None
    for i, line in enumerate(lines):
        text = line.text
        bullet = text[:1] in _BULLETS
        if bullet:
            text = "- " + text[1:].lstrip()
        first = line.words[0]
        fits = prev is not None and prev.x1 + prev.space + (first["x1"] - first["x0"]) < right - 0.5
        dash = text.startswith(("- ", "– ", "+ ")) and text[2:3].isupper()
        label = prev is not None and bool(_LABEL.match(text)) and prev.text.rstrip()[-1:] in ".:;"
        if prev is None or bullet or fits or dash or label:
            out.append((text, i))
        else:
            last = prev.words[-1]
            core = prev.words[1:] if prev.words[0]["text"] in _BULLETS else prev.words
            start = core[0]["x0"] if core else left  # after a bullet's hanging indent
            alone = len(core) == 1 and last["x1"] > right - 3 * prev.space  # a word filling its line
            broken = (len(last["text"]) > 1 and last["text"][-1] in "-/") or \
                (alone and (last["x1"] - last["x0"]) + (first["x1"] - first["x0"]) > right - start - 0.5
                 and _mid_word(last["text"], first["text"]))
            glued = broken or first["text"] in (".", ",", ";", ":", ")")  # a stop Word carried over alone
            out[-1] = (out[-1][0] + ("" if glued else " ") + text, out[-1][1])
        prev = line
    return out


def _goes_on(text: str) -> bool:
    """Text at the top of a page that goes on with the paragraph before: it starts in lower case (not "a) …")."""
    return text[:1].islower() and not _LABEL.match(text)


def _split_row(cells: list[str]) -> bool:
    """The first row on a page is the rest of a row Word split at the page break: no number, and a cell
    going on in the middle of a sentence (it starts in lower case)."""
    if not cells or cells[0].strip():
        return False
    return any(c.strip() and c.lstrip(" -–•(\"“")[:1].islower() for c in cells[1:])


def _join_cells(above: str, below: str) -> str:
    """A cell split by a page break, joined: the same paragraph goes on unless the part below starts one."""
    if not above or not below:
        return above or below
    starts_new = below.startswith("- ") or below[:1].isupper()
    if starts_new:
        return above + "\n" + below
    tail, head = above.split()[-1], below.split()[0]
    cut = any(p.isalpha() and p.islower() and not _VOWELS.search(fold_diacritics(p))
              for p in (re.split(r"[^\w]", tail)[-1], re.split(r"[^\w]", head)[0]))
    return above + ("" if cut else " ") + below  # "Chươn" / "g trình": a word cut by the page end


def _mid_word(before: str, after: str) -> bool:
    """Whether Word cut one token in two here rather than wrapping at a space. Vietnamese syllables are
    short and spaced, so only a long token is cut: a number ("15/01/202" "6"), an abbreviation ("HĐND&U"
    "BND"), or a cut that leaves letters with no vowel ("thôn/kh" "u")."""
    a, b = before[-1:], after[:1]
    if (a.isdigit() and b.isdigit()) or (a.isupper() and b.isupper()) or "&" in (a, b):
        return True
    tail = re.split(r"[^\w]", before)[-1]
    head = re.split(r"[^\w]", after)[0]
    return any(part.isalpha() and part.islower() and not _VOWELS.search(fold_diacritics(part)) for part in (tail, head))


_VOWELS = re.compile("[aeiouy]")


def _words(page) -> list[dict]:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False)
    for w in words:
        w["text"] = unicodedata.normalize("NFC", w["text"])
    return [w for w in words if w["text"].strip()]


def _inside(w: dict, box) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return box[0] - 0.5 <= cx <= box[2] + 0.5 and box[1] - 0.5 <= cy <= box[3] + 0.5


def _cell_text(words: list[dict], box) -> str:
    """The paragraphs of a cell, "\\n" between them (as the .docx reader gives a cell)."""
    if not words:
        return ""
    lines = _lines(words)
    pad = min(max(min(line.x0 for line in lines) - box[0], 1.0), 6.0)
    return "\n".join(text for text, _ in _paragraphs(lines, box[0] + pad, box[2] - pad))


@dataclass
class _PageTable:
    top: float
    columns: list[float]  # the x of each grid column's left edge
    rows: list[Row]
    header: list[str] | None  # the first row's cells
    ruled: bool = True  # False: rebuilt from where the words stand (pdfcolumns)
    # per column, the row whose cell covers the last row there (itself, or a row above when merged down)
    owners: list[Row] | None = None


class _Reader:
    def __init__(self, pdf, source: str, name: str, pages: int):
        self.pdf, self.name, self.pages = pdf, name, pages
        self.doc = Document(source)
        self.chars = 0
        self.cid = 0
        self.images = 0

    def read(self) -> Document:
        start = time.monotonic()
        last_table: tuple[Table, _PageTable] | None = None
        for pno, page in enumerate(self.pdf.pages, start=1):
            if time.monotonic() - start > MAX_SECONDS:
                raise ImportError_(f"{self.name}: đọc tệp PDF quá lâu (hơn {MAX_SECONDS} giây ở trang {pno}); "
                                   f"{_SAVE_AS}")
            blocks = self._page(page, pno)
            for k, block in enumerate(blocks):
                if isinstance(block, _PageTable):
                    if k == 0 and last_table is not None and self._continues(last_table[1], block):
                        self._continue(last_table, block)
                        continue
                    table = Table(rows=block.rows)
                    self.doc.blocks.append(table)
                    last_table = (table, block)
                else:
                    if k == 0 and self.doc.blocks and isinstance(self.doc.blocks[-1], Paragraph) and \
                            _goes_on(block.text):
                        self.doc.blocks[-1].text += " " + block.text  # a paragraph over the page break
                        continue
                    self.doc.blocks.append(block)
                    last_table = None
            page.flush_cache()  # keep memory flat over long documents
        self._check_text()
        return self.doc

    def _check_text(self) -> None:
        if self.chars == 0:
            if self.images:
                raise ImportError_(
                    f"{self.name}: tệp PDF là bản quét (chỉ có ảnh, không có lớp chữ), tthc không đọc được chữ trong "
                    f"ảnh; {_SAVE_AS}, hoặc chạy lại với --ocr để nhận dạng chữ (cần tesseract, rồi phải rà soát kỹ)")
            raise ImportError_(f"{self.name}: tệp PDF không có chữ nào; {_SAVE_AS}")
        if self.cid > self.chars // 5:
            raise ImportError_(
                f"{self.name}: chữ trong tệp PDF dùng phông không có bảng mã Unicode (đọc ra dạng (cid:…)); {_SAVE_AS}")

    @staticmethod
    def _continues(prev: _PageTable, new: _PageTable) -> bool:
        """A table at the top of a page with the same columns as the one that ended the page before."""
        if len(prev.columns) != len(new.columns):
            return False
        if not (prev.ruled or new.ruled):  # edges found from the words: the same header is the same table
            return prev.header == new.header or all(abs(a - b) <= 6 for a, b in zip(prev.columns, new.columns))
        return all(abs(a - b) <= 2 for a, b in zip(prev.columns, new.columns))

    @staticmethod
    def _continue(last: tuple[Table, _PageTable], new: _PageTable) -> None:
        table, first = last
        rows = new.rows
        if rows and first.header is not None and [" ".join(c.split()) for c in rows[0].cells] == first.header:
            rows = rows[1:]  # the header Word repeats on each page
        owners = new.owners
        if rows and table.rows and _split_row(rows[0].cells):
            above, part = table.rows[-1], rows[0]
            # a cell merged down from a row above, cut by the page end, goes on in that row's cell
            into = first.owners if first.owners and len(first.owners) == len(above.cells) else [above] * len(above.cells)
            for k, below in enumerate(part.cells):
                if k < len(into):
                    into[k].cells[k] = _join_cells(into[k].cells[k], below)
                else:
                    above.cells.append(below)
            if owners:
                owners = [into[k] if o is part and k < len(into) else o for k, o in enumerate(owners)]
            rows = rows[1:]
        elif rows:
            rows[0].after_break = True
        if rows or owners:
            first.owners = owners
        table.rows.extend(rows)

    def _page(self, page, pno: int) -> list:
        try:
            page = page.dedupe_chars()  # bold faked by printing a character twice
        except Exception:
            pass
        chars = page.chars
        self.chars += sum(1 for c in chars if c.get("text", "").strip())
        self.cid += sum(1 for c in chars if c.get("text", "").startswith("(cid:"))
        self.images += len(page.images)
        words = _words(page)
        found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
        blocks: list[tuple[float, object]] = []
        used: set[int] = set()
        row_no = 0
        for t in found:
            cols = sorted({round(c[0], 1) for r in t.rows for c in r.cells if c is not None})
            columns: list[float] = []
            for x in cols:
                if not columns or x - columns[-1] > 1:
                    columns.append(x)
            if len(columns) < 2:
                continue  # a box around text, not a table: its words stay paragraphs
            in_table = [i for i, w in enumerate(words) if _inside(w, t.bbox)]
            used.update(in_table)
            rows = []
            owners: list[Row | None] = [None] * len(columns)
            for r in t.rows:
                row_no += 1
                cells = [""] * len(columns)
                row = Row(cells, f"trang {pno}, hàng {row_no}")
                for c in r.cells:
                    if c is None:
                        continue
                    col = min(range(len(columns)), key=lambda k: abs(columns[k] - c[0]))
                    for k in range(len(columns)):
                        if k == col or c[0] + 1 < columns[k] < c[2] - 1:
                            owners[k] = row
                    text = _cell_text([words[i] for i in in_table if _inside(words[i], c)], c)
                    cells[col] = f"{cells[col]}\n{text}".strip("\n") if cells[col] else text
                rows.append(row)
            header = [" ".join(c.split()) for c in rows[0].cells] if rows else None
            blocks.append((t.bbox[1], _PageTable(t.bbox[1], columns, rows, header,
                                                 owners=[o or rows[-1] for o in owners] if rows else None)))
        rest = [w for i, w in enumerate(words) if i not in used]
        tables, rest = _grid_tables(rest, pno, row_no)
        blocks += tables
        blocks += _text_blocks(rest, pno)
        blocks.sort(key=lambda b: b[0])
        return [b for _, b in blocks]


def _grid_tables(words: list[dict], pno: int, row_no: int) -> tuple[list[tuple[float, "_PageTable"]], list[dict]]:
    """Tables without ruling lines among `words` (pdfcolumns), and the words left for paragraphs."""
    from tthc_cli.importer.pdfcolumns import find_grids

    out = []
    used: set[int] = set()
    for grid in find_grids(words, _lines):
        used |= grid.used
        ncol = len(grid.edges) - 1
        lefts = [min((w["x0"] for row in grid.rows for w in row[j]), default=grid.edges[j]) for j in range(ncol)]
        rights = [max((w["x1"] for r, row in enumerate(grid.rows) if not grid.spans[r] for w in row[j]),
                      default=grid.edges[j + 1]) + 1 for j in range(ncol)]
        rows = []
        for r, cells in enumerate(grid.rows):
            row_no += 1
            texts = []
            for j, cell in enumerate(cells):
                if not cell:
                    texts.append("")
                    continue
                right = grid.edges[-1] if grid.spans[r] else rights[j]
                texts.append("\n".join(t for t, _ in _paragraphs(_lines(cell), lefts[j], right)))
            rows.append(Row(texts, f"trang {pno}, hàng {row_no}"))
        header = [" ".join(c.split()) for c in rows[0].cells]
        out.append((grid.top, _PageTable(grid.top, grid.edges[:-1], rows, header, ruled=False)))
    return out, [w for i, w in enumerate(words) if i not in used]


def _text_blocks(rest: list[dict], pno: int) -> list[tuple[float, Paragraph]]:
    """Words outside tables as paragraphs, with their top."""
    blocks: list[tuple[float, Paragraph]] = []
    # paragraphs run down one column of text: segments side by side (the two blocks at the head of
    # an official letter) are apart; each segment joins the group whose last segment is just above it
    groups: list[list[tuple[int, _Line]]] = []
    for no, line in enumerate(_lines(rest), start=1):
        for seg in _split_gaps(line):
            if _PAGE_NUMBER.match(seg.text):
                continue
            for g in reversed(groups):
                above = g[-1][1]
                if abs(seg.x0 - above.x0) < 40 and 0 < seg.top - above.top < 2.5 * 4 * seg.space:
                    g.append((no, seg))
                    break
            else:
                groups.append([(no, seg)])
    for g in groups:
        lines = [seg for _, seg in g]
        for text, i in _paragraphs(lines, min(s.x0 for s in lines), max(s.x1 for s in lines)):
            blocks.append((lines[i].top, Paragraph(text, f"trang {pno}, dòng {g[i][0]}")))
    return blocks

