"""Writing small PDFs for the PDF reader's tests, with no library: a text layer, ruling lines, images.

The text is drawn with a Type0 font (2-byte codes, Identity-H) whose ToUnicode map gives each code its
character, so any text, combining marks included, reaches the text layer exactly as given; no font is
embedded (a viewer shows substitute glyphs, which the reader never looks at). Every character is half
an em wide, a combining mark none, so layout is a simple count.

`table_pdf` lays out paragraphs and one bordered table the way Word prints one: cells wrapped at
spaces, rows that do not fit broken across the page (the rest on the next page), the header row
repeated at the top of each page.
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass, field

PAGE_W, PAGE_H = 595, 842
MARGIN = 50
PAD = 4


def _width(text: str, size: float) -> float:
    return sum(0 if unicodedata.combining(c) else 0.5 * size for c in text)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of `text` within `width`; "\\n" starts a new line; a word too long for a line is cut."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            cand = f"{line} {word}" if line else word
            if _width(cand, size) <= width:
                line = cand
                continue
            if line:
                lines.append(line)
            while _width(word, size) > width:
                n = int(width // (0.5 * size))
                lines.append(word[:n])
                word = word[n:]
            line = word
        lines.append(line)
    return lines


@dataclass
class Page:
    texts: list[tuple[float, float, str, float]] = field(default_factory=list)  # x, top, text, size
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top0, x1, top1
    image: bool = False


class _Font:
    def __init__(self):
        self.codes: dict[str, int] = {}

    def encode(self, text: str) -> str:
        out = []
        for c in text:
            if c not in self.codes:
                self.codes[c] = len(self.codes) + 1
            out.append(f"{self.codes[c]:04X}")
        return "".join(out)


def pdf_bytes(pages: list[Page], *, encrypt_unknown_password: bool = False, declared_count: int | None = None,
              compress: bool = True) -> bytes:
    """A PDF of `pages`. With `encrypt_unknown_password`, an /Encrypt dictionary whose user password is
    not empty (the reader cannot open it, as a protected PDF it has no password for)."""
    font = _Font()
    streams = []
    for page in pages:
        ops = []
        for x0, t0, x1, t1 in page.lines:
            ops.append(f"{x0:.2f} {PAGE_H - t0:.2f} m {x1:.2f} {PAGE_H - t1:.2f} l S")
        for x, top, text, size in page.texts:
            ops.append(f"BT /F1 {size} Tf {x:.2f} {PAGE_H - top - size * 0.8:.2f} Td <{font.encode(text)}> Tj ET")
        if page.image:
            ops.append("q 400 0 0 500 100 200 cm /Im1 Do Q")
        streams.append("\n".join(ops).encode())
    objs: dict[int, bytes] = {}
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 descendant, 5 tounicode, 6 image, then page/content pairs
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(n_pages))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {declared_count if declared_count is not None else n_pages} >>".encode()
    widths = " ".join(f"{code} [{0 if unicodedata.combining(c) else 500}]" for c, code in font.codes.items())
    objs[3] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding /Identity-H "
               b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>")
    objs[4] = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Helvetica /CIDSystemInfo << /Registry (Adobe) "
               b"/Ordering (Identity) /Supplement 0 >> /DW 500 /W [" + widths.encode() + b"] >>")
    cmap = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T1 def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    items = list(font.codes.items())
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        cmap.append(f"{len(chunk)} beginbfchar")
        cmap += [f"<{code:04X}> <{c.encode('utf-16-be').hex().upper()}>" for c, code in chunk]
        cmap.append("endbfchar")
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    objs[5] = _stream("\n".join(cmap).encode(), compress)
    objs[6] = _stream(bytes([128] * 64), False, b"/Type /XObject /Subtype /Image /Width 8 /Height 8 "
                                             b"/ColorSpace /DeviceGray /BitsPerComponent 8")
    for i, content in enumerate(streams):
        objs[7 + 2 * i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents {8 + 2 * i} 0 R "
                           f"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >> >>").encode()
        objs[8 + 2 * i] = _stream(content, compress)
    trailer_extra = b""
    if encrypt_unknown_password:
        n = max(objs) + 1
        objs[n] = (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32
                   + b"> >>")
        trailer_extra = f" /Encrypt {n} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]".encode()
    return _assemble(objs, trailer_extra)


def _stream(data: bytes, compress: bool, extra: bytes = b"") -> bytes:
    if compress:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< " + extra + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _assemble(objs: dict[int, bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += f"{n} 0 obj\n".encode() + objs[n] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for n in range(1, size):
        out += (f"{offsets[n]:010d} 00000 n \n" if n in offsets else "0000000000 65535 f \n").encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R".encode() + trailer_extra + f" >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def bomb_pdf(unpacked: int) -> bytes:
    """One page whose content stream inflates to `unpacked` bytes (spaces), from a few hundred KB."""
    z = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(z.compress(chunk) for _ in range(unpacked >> 20)) + z.flush()
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            4: f"<< /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"}
    return _assemble(objs)


def many_pages_pdf(actual: int, declared: int) -> bytes:
    """`actual` empty pages in a page tree that says it has `declared`."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(actual))
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: f"<< /Type /Pages /Kids [{kids}] /Count {declared} >>".encode()}
    for i in range(actual):
        objs[3 + i] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return _assemble(objs)


def table_pdf(paragraphs: list[str], header: list[str], rows: list[list[str]], widths: list[float], *,
              size: float = 9, page_height: float = PAGE_H, form=lambda s: s, after: list[str] = (),
              ruled: str = "all") -> bytes:
    """Paragraphs, then a bordered table over as many pages as it needs, then `after` paragraphs.

    `ruled`: "all" draws every cell border, "h" only the lines between rows (no column lines), "none" no
    line at all (the columns are only where the words stand).

    A row of one cell spans the table (a section row). `form` is applied to every text drawn (e.g. NFD).
    A row that does not fit at the bottom of a page is broken there, the rest of its lines on the next
    page under the repeated header."""
    bottom = page_height - MARGIN
    lead = size * 1.25
    pages = [Page()]
    y = MARGIN
    xs = [MARGIN]
    for w in widths:
        xs.append(xs[-1] + w)

    def text_line(t: str):
        nonlocal y
        for line in wrap(t, xs[-1] - MARGIN, size):
            pages[-1].texts.append((MARGIN, y, form(line), size))
            y += lead

    for p in paragraphs:
        text_line(p)
    y += lead

    def cells_of(row):
        if len(row) == 1:
            return [(xs[0], xs[-1], wrap(row[0], xs[-1] - xs[0] - 2 * PAD, size))]
        return [(xs[i], xs[i + 1], wrap(c, widths[i] - 2 * PAD, size)) for i, c in enumerate(row)]

    def draw(cells, nlines_from: int, nlines: int):
        nonlocal y
        h = nlines * lead + 2 * PAD
        page = pages[-1]
        if ruled in ("all", "h"):
            page.lines.append((xs[0], y, xs[-1], y))
            page.lines.append((xs[0], y + h, xs[-1], y + h))
        for x0, x1, lines in cells:
            if ruled == "all":
                page.lines.append((x0, y, x0, y + h))
                page.lines.append((x1, y, x1, y + h))
            for k, line in enumerate(lines[nlines_from:nlines_from + nlines]):
                if line:
                    page.texts.append((x0 + PAD, y + PAD + k * lead, form(line), size))
        y += h

    def new_page():
        nonlocal y
        pages.append(Page())
        y = MARGIN
        head = cells_of(header)
        draw(head, 0, max(len(c[2]) for c in head))

    head = cells_of(header)
    draw(head, 0, max(len(c[2]) for c in head))
    for row in rows:
        cells = cells_of(row)
        total = max(len(c[2]) for c in cells)
        done = 0
        while done < total:
            room = int((bottom - y - 2 * PAD) // lead)
            if room <= 0:
                new_page()
                continue
            n = min(room, total - done)
            draw(cells, done, n)
            done += n
            if done < total:
                new_page()
    y += lead
    for p in after:
        text_line(p)
    return pdf_bytes(pages)
