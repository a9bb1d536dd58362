"""Scanned PDFs for the OCR tests: a plan's table drawn into a 300 dpi page image with a real font
(DejaVu Sans, which has every Vietnamese letter), saved as an image-only PDF (no text layer)."""

from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 300
PT = DPI / 72


def _wrap(draw, font, text: str, width: float) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            cand = f"{line} {word}" if line else word
            if draw.textlength(cand, font=font) <= width or not line:
                line = cand
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def scan_pdf(path: Path, paragraphs: list[str], header: list[str], rows: list[list[str]], widths: list[float], *,
             size: float = 10, lines: bool = False, page_height: float = 842) -> Path:
    """Paragraphs and a table (a one-cell row spans it), pages of A4 width as images in one PDF."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), int(size * PT))
    lead, pad, margin = size * 1.35 * PT, 4 * PT, 50 * PT
    xs = [margin]
    for w in widths:
        xs.append(xs[-1] + w * PT)
    pages = []

    def new_page():
        img = Image.new("L", (int(595 * PT), int(page_height * PT)), 255)
        pages.append((img, ImageDraw.Draw(img)))
        return margin

    y = new_page()
    for p in paragraphs:
        for line in _wrap(pages[-1][1], font, p, xs[-1] - margin):
            pages[-1][1].text((margin, y), line, font=font, fill=0)
            y += lead
    y += lead

    def row_cells(row):
        d = pages[-1][1]
        if len(row) == 1:
            return [(xs[0], xs[-1], _wrap(d, font, row[0], xs[-1] - xs[0] - 2 * pad))]
        return [(xs[i], xs[i + 1], _wrap(d, font, c, xs[i + 1] - xs[i] - 2 * pad)) for i, c in enumerate(row)]

    def draw_row(cells, y):
        d = pages[-1][1]
        h = max(len(c[2]) for c in cells) * lead + 2 * pad
        for x0, x1, text in cells:
            for k, line in enumerate(text):
                d.text((x0 + pad, y + pad + k * lead), line, font=font, fill=0)
            if lines:
                d.rectangle((x0, y, x1, y + h), outline=0, width=3)
        return y + h

    y = draw_row(row_cells(header), y)
    for row in rows:
        cells = row_cells(row)
        h = max(len(c[2]) for c in cells) * lead + 2 * pad
        if y + h > (page_height - 50) * PT:
            y = new_page()
            y = draw_row(row_cells(header), y)
        y = draw_row(cells, y)
    images = [img.convert("RGB") for img, _ in pages]
    images[0].save(path, "PDF", resolution=DPI, save_all=True, append_images=images[1:])
    return path
