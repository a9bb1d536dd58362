"""`tthc import --ocr`: a scanned PDF read by OCR into the document model.

Each page is rendered at 300 dpi by pdfium (pypdfium2, which pdfplumber already depends on) and read by
the tesseract program with its Vietnamese data (`-l vie`, TSV output: each word with its box). The words
go through the same rebuild as a PDF printed without ruling lines (pdfcolumns): the header's words give
the columns, the numbering and the line spacing the rows; the rest is paragraphs. OCR misreads letters,
so the importer marks every task `review: true` with a note that the text must be checked on paper.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unicodedata

from tthc_cli.importer.document import Document, ImportError_

DPI = 300
MAX_OCR_PAGES = 60
"""Pages read by OCR (each takes a few seconds)."""
PAGE_SECONDS = 120
"""What tesseract may take for one page."""
REVIEW_NOTE = "Chữ nhận dạng từ bản quét (OCR): phải đối chiếu với văn bản giấy trước khi dùng"
_INSTALL = ("cần chương trình tesseract với dữ liệu tiếng Việt để nhận dạng chữ (OCR): trên Debian/Ubuntu "
            "cài bằng 'sudo apt-get install tesseract-ocr tesseract-ocr-vie', trên Windows cài Tesseract (bản của "
            "UB Mannheim) và chọn thêm tiếng Việt; hoặc dùng tệp Word gốc (.docx)")
_JUNK = set("|¦_[]{}~=\\")  # a table border or a speck read as a letter


def tesseract() -> str:
    """The tesseract program, after checking it has the Vietnamese data; ImportError_ saying what to install."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ImportError_(f"không tìm thấy tesseract: {_INSTALL}")
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise ImportError_(f"không chạy được tesseract ({e}): {_INSTALL}") from None
    if "vie" not in langs.split():
        raise ImportError_(f"tesseract chưa có dữ liệu tiếng Việt (vie): {_INSTALL}")
    return exe


def read_scan(path: pathlib.Path) -> Document:
    """The paragraphs and tables OCR reads on the pages of the PDF at `path`."""
    from tthc_cli.importer import pdfsource as ps

    path = pathlib.Path(path)
    exe = tesseract()
    data = ps._read_bytes(path)
    if b"%PDF-" not in data[:1024]:
        raise ImportError_(f"{path.name}: không phải tệp PDF (thiếu phần đầu %PDF); --ocr đọc tệp PDF quét")
    try:
        import pypdfium2 as pdfium  # noqa: PLC0415
    except ImportError:
        raise ImportError_(f"{path.name}: cần gói pypdfium2 để dựng ảnh các trang (pip install pypdfium2)") from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        text = str(e).lower()
        if "password" in text:
            raise ImportError_(f"{path.name}: tệp PDF có mật khẩu mở tệp; hãy bỏ mật khẩu rồi thử lại") from None
        raise ImportError_(ps._damaged(path.name, e)) from None
    try:
        n = len(pdf)
        if n == 0:
            raise ImportError_(f"{path.name}: tệp PDF không có trang nào")
        if n > MAX_OCR_PAGES:
            raise ImportError_(f"{path.name}: {n} trang; --ocr đọc tối đa {MAX_OCR_PAGES} trang (hãy tách tệp)")
        doc = Document(str(path))
        doc.review_note = REVIEW_NOTE
        reader = _OcrReader(doc, path.name)
        with tempfile.TemporaryDirectory(prefix="tthc-ocr-") as tmp:
            for i in range(n):
                image = _without_rules(pdf[i].render(scale=DPI / 72, grayscale=True).to_pil())
                png = os.path.join(tmp, f"trang-{i + 1}.png")
                image.save(png)
                words = _ocr(exe, png, path.name, i + 1)
                os.unlink(png)
                reader.page(words, i + 1)
        if not reader.words:
            raise ImportError_(f"{path.name}: nhận dạng chữ (OCR) không đọc được chữ nào; hãy quét lại rõ hơn "
                               f"(300 dpi, trang thẳng) hoặc dùng tệp Word gốc (.docx)")
        return doc
    finally:
        pdf.close()


_DARK = bytes(1 if v < 160 else 0 for v in range(256))


def _without_rules(image):
    """The page with its table borders whitened: a straight dark run of pixels longer than any letter's stroke
    (a ruling line, not text) is erased, so tesseract reads the cells' words rather than borders ("|", "[")."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 - Pillow comes with pypdfium2's to_pil

    gray = image.convert("L")
    draw = ImageDraw.Draw(gray)
    for y, x0, x1 in _runs(gray, DPI // 2):  # horizontal: half an inch
        draw.rectangle((x0 - 1, y - 1, x1 + 1, y + 1), fill=255)
    turned = gray.transpose(Image.Transpose.TRANSPOSE)
    for x, y0, y1 in _runs(turned, DPI * 2 // 5):  # vertical: two fifths of an inch, taller than three lines
        draw.rectangle((x - 1, y0 - 1, x + 1, y1 + 1), fill=255)
    return gray


def _runs(gray, length: int):
    """(row, start, end) of every run of at least `length` dark pixels along a row."""
    w, h = gray.size
    data = gray.tobytes().translate(_DARK)
    pattern = re.compile(b"\x01{%d,}" % length)
    for y in range(h):
        for m in pattern.finditer(data, y * w, (y + 1) * w):
            yield y, m.start() - y * w, m.end() - y * w


def _ocr(exe: str, png: str, name: str, pno: int) -> list[dict]:
    """tesseract's words on one page image, with boxes in PDF points (as pdfplumber gives them)."""
    try:
        r = subprocess.run([exe, png, "stdout", "-l", "vie", "--psm", "6", "tsv"], capture_output=True,
                           timeout=PAGE_SECONDS)
    except subprocess.TimeoutExpired:
        raise ImportError_(f"{name}: nhận dạng chữ trang {pno} quá lâu (hơn {PAGE_SECONDS} giây)") from None
    except OSError as e:
        raise ImportError_(f"không chạy được tesseract ({e}): {_INSTALL}") from None
    if r.returncode != 0:
        err = r.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise ImportError_(f"{name}: tesseract lỗi ở trang {pno} ({err[0][:200]})")
    k = 72 / DPI
    words = []
    for line in r.stdout.decode("utf-8", "replace").splitlines()[1:]:
        f = line.split("\t")
        if len(f) < 12 or f[0] != "5":
            continue
        text = unicodedata.normalize("NFC", f[11].strip())
        if not text or all(c in _JUNK for c in text):
            continue
        left, top, width, height = (int(x) for x in f[6:10])
        words.append({"text": text, "x0": left * k, "x1": (left + width) * k, "top": top * k,
                      "bottom": (top + height) * k, "line": tuple(f[1:5])})
    # a word's box is its ink ("vụ" is lower than "Nhiệm"): the words of one tesseract line get the line's
    # top and bottom, so they stay one line when laid out again
    by_line: dict[tuple, list[dict]] = {}
    for w in words:
        by_line.setdefault(w.pop("line"), []).append(w)
    for line in by_line.values():
        top, bottom = min(w["top"] for w in line), max(w["bottom"] for w in line)
        for w in line:
            w["top"], w["bottom"] = top, bottom
    return words


class _OcrReader:
    """Pages of OCR words into blocks, a table going on over pages joined as in a PDF with a text layer."""

    def __init__(self, doc: Document, name: str):
        self.doc, self.name = doc, name
        self.words = 0
        self.last = None

    def page(self, words: list[dict], pno: int) -> None:
        from tthc_cli.importer import pdfsource as ps
        from tthc_cli.importer.document import Paragraph, Table

        self.words += len(words)
        blocks, rest = ps._grid_tables(words, pno, 0)
        blocks += ps._text_blocks(rest, pno)
        blocks.sort(key=lambda b: b[0])
        for k, (_, block) in enumerate(blocks):
            if isinstance(block, ps._PageTable):
                if k == 0 and self.last is not None and ps._Reader._continues(self.last[1], block):
                    ps._Reader._continue(self.last, block)
                    continue
                table = Table(rows=block.rows)
                self.doc.blocks.append(table)
                self.last = (table, block)
            else:
                if k == 0 and self.doc.blocks and isinstance(self.doc.blocks[-1], Paragraph) and ps._goes_on(block.text):
                    self.doc.blocks[-1].text += " " + block.text
                    continue
                self.doc.blocks.append(block)
                self.last = None
