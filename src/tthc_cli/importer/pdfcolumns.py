"""Task tables printed without ruling lines (or with only some), and tables read by OCR from a scan.

With no cell grid, a table is rebuilt from where its words stand:

- the header: a band of up to five lines whose words, grouped into columns where they stand apart and
  where lines above and below overlap, read as a task table's header (`tables.header_roles`: TT/STT,
  Nội dung/Nhiệm vụ, chủ trì, phối hợp, Sản phẩm, Thời gian/Thời hạn …);
- the columns: between two header cells, the boundary is the widest strip that no word of the table
  crosses (the header's and the body's), or where the fewest do;
- the body: the lines below the header while none of them runs across the columns (a paragraph after
  the table does; a section row "II. …" that spans the table is kept as a row);
- the rows: a new row where the first column has a number or label (I., 1., 1.1, a), -) or where the
  gap to the line above is clearly wider than the line spacing inside a cell; a cell's lines are joined
  into paragraphs as in a ruled cell.

Pure: words in (pdfplumber's dicts: text, x0, x1, top, bottom), rows out.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from tthc_cli.core.text import fold_diacritics
from tthc_cli.importer.tables import header_roles

MAX_HEADER_LINES = 5
_NUMBERING = re.compile(r"^(?:[IVX]{1,4}[.:]?|\d{1,3}(?:\.\d{1,3})*\.?|[a-zđ][.)]|[-–+•*])$")
# the marks a list item in a PDF starts with (Word's bullets, in Symbol or Wingdings they are private-use)
BULLETS = "•·▪■□◦○●‣⁃\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf02d"
_SECTION = re.compile(r"^(?:[IVX]{1,4}[.:]?|ph[uụ]|PH[UỤ])$")  # "II." or "Phụ lục …" spanning the table


@dataclass
class Grid:
    """A table rebuilt from positions: its rows of cell words, and its column edges."""

    top: float
    edges: list[float]  # left edge of each column, then the right edge of the last
    rows: list[list[list[dict]]]  # per row, per column, the words
    spans: list[bool]  # per row: a section row across the table (all its words in the first cell)
    used: set[int]  # indices (in the words given) of the words taken into the table


def _space(lines) -> float:
    """The width of a space between words on this page: the usual gap between neighbours on a line."""
    gaps = [b["x0"] - a["x1"] for line in lines for a, b in zip(line.words, line.words[1:]) if b["x0"] - a["x1"] > 0.2]
    if len(gaps) < 5:
        return max(1.0, statistics.median([line.space for line in lines]) if lines else 2.5)
    small = sorted(gaps)[: max(5, len(gaps) * 3 // 5)]  # spaces are most gaps; cell gaps are the wide ones
    return max(1.0, statistics.median(small))


def _segments(line, gap: float) -> list[list[dict]]:
    parts = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:]):
        if b["x0"] - a["x1"] > gap:
            parts.append([b])
        else:
            parts[-1].append(b)
    return parts


def _columns(band, gap: float) -> list[list[dict]]:
    """The header band's words grouped into columns: segments of a line, joined with those above or below
    that overlap them."""
    cols: list[list[float | list]] = []  # [x0, x1, words]
    for line in band:
        for seg in _segments(line, gap):
            x0, x1 = seg[0]["x0"], seg[-1]["x1"]
            hits = [c for c in cols if x0 < c[1] and c[0] < x1]
            if not hits:
                cols.append([x0, x1, list(seg)])
                continue
            keep = hits[0]
            for other in hits[1:]:
                keep[2] += other[2]
                keep[0], keep[1] = min(keep[0], other[0]), max(keep[1], other[1])
                cols.remove(other)
            keep[2] += seg
            keep[0], keep[1] = min(keep[0], x0), max(keep[1], x1)
    cols.sort(key=lambda c: c[0])
    return [c[2] for c in cols]


def _text(words: list[dict]) -> str:
    return " ".join(w["text"] for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])))


def _header(lines, s: int, gap: float, height: float):
    """The header starting at line `s`: (number of lines, columns of words), or None."""
    best = None
    for k in range(1, MAX_HEADER_LINES + 1):
        if s + k > len(lines):
            break
        if k > 1:
            prev, line = lines[s + k - 2], lines[s + k - 1]
            if line.top - prev.top > 1.9 * height or _NUMBERING.match(line.words[0]["text"]):
                break
        cols = _columns(lines[s:s + k], gap)
        if len(cols) < 3:
            continue
        roles = header_roles([_text(c) for c in cols])
        if roles is None:
            continue
        score = sum(r is not None for r in roles)
        if best is None or score >= best[0]:
            best = (score, k, cols)
    return None if best is None else (best[1], best[2])


def _is_header_word(word: dict) -> bool:
    k = fold_diacritics(word["text"].lower()).strip(".:,")
    return k in ("stt", "tt", "noi", "nhiem", "cong", "thoi", "san", "ket", "chu", "phoi", "co", "don", "tien")


def find_grids(words: list[dict], lines_of) -> list[Grid]:
    """Every table without ruling lines among `words` (a page's words outside ruled tables)."""
    index = {id(w): i for i, w in enumerate(words)}
    lines = lines_of(words)
    if len(lines) < 3:
        return []
    space = _space(lines)
    gap = 1.6 * space
    height = statistics.median([w["bottom"] - w["top"] for w in words])
    grids: list[Grid] = []
    s = 0
    while s < len(lines) - 1:
        if not any(_is_header_word(w) for w in lines[s].words):
            s += 1
            continue
        found = _header(lines, s, gap, height)
        if found is None:
            s += 1
            continue
        k, cols = found
        grid, end = _grid(lines, s, k, cols, gap, height)
        if grid is None:
            s += 1
            continue
        grid.used = {index[id(w)] for row in grid.rows for cell in row for w in cell}
        grids.append(grid)
        s = end
    return grids


def _grid(lines, s: int, k: int, cols, gap: float, height: float):
    """The table under the header lines[s:s+k] with header columns `cols`: (Grid, index of the line after it)."""
    spans = [(min(w["x0"] for w in c), max(w["x1"] for w in c)) for c in cols]
    centres = [(a + b) / 2 for a, b in spans]
    body: list[tuple[object, bool]] = []  # (line, spans the table)
    i = s + k
    last_top = lines[s + k - 1].top
    while i < len(lines):
        line = lines[i]
        item = _list_item(line, spans)
        if line.top - last_top > 4 * height and not item:
            break  # a wide blank: the table has ended (a list item goes on in its cell, past a blank paragraph)
        segments = _segments(line, gap)
        across = any(seg[0]["x0"] < centres[j] and seg[-1]["x1"] > centres[j + 1]
                     for seg in segments for j in range(len(centres) - 1))
        first = line.words[0]["text"]
        if not across and _SECTION.match(first) and line.x0 < centres[1] and segments[0][-1]["x1"] > spans[1][0]:
            across = True  # "I CÔNG TÁC …" written on from the number column into the next: a section row
        if line.x1 < spans[0][0] - 2 * height or line.x0 > spans[-1][1] + 2 * height:
            break  # beside the table, not in it
        if not across and line.x1 < spans[1][0] and not _NUMBERING.match(first):
            break  # words only under the number column, and not a number: "Nơi nhận:" after the table
        if across:
            section = _SECTION.match(first) and line.x0 < centres[1]
            goes_on = body and body[-1][1] and line.top - body[-1][0].top < 1.6 * height
            if not (section or goes_on):
                break
        body.append((line, across))
        last_top = line.top
        i += 1
    if not body:
        return None, s + k
    # column edges: between two header cells, the strip no word of the table crosses (the widest), else the
    # strip the fewest words cross
    words = [w for line in lines[s:s + k] for w in line.words] + \
            [w for line, across in body if not across for w in line.words]
    edges = [min(min(w["x0"] for w in line.words) for line in lines[s:i]) - 1]
    for j in range(len(cols) - 1):
        lo, hi = spans[j][1], spans[j + 1][0]
        if hi <= lo:
            lo, hi = centres[j], centres[j + 1]
        edges.append(_edge(words, lo, hi))
    edges.append(max(max(w["x1"] for w in line.words) for line in lines[s:i]) + 1)

    def cells_of(line_words: list[dict]) -> list[list[dict]]:
        cells: list[list[dict]] = [[] for _ in cols]
        for w in line_words:
            cx = (w["x0"] + w["x1"]) / 2
            j = next((j for j in range(len(cols)) if cx < edges[j + 1]), len(cols) - 1)
            cells[j].append(w)
        return cells

    rows = [cells_of([w for line in lines[s:s + k] for w in line.words])]
    row_spans = [False]
    lead = _lead([line for line, _ in body], height)
    prev = lines[s + k - 1]
    for line, across in body:
        if across:
            if row_spans[-1] and line.top - prev.top < 1.6 * height:
                rows[-1][0] += line.words
            else:
                rows.append([list(line.words)] + [[] for _ in cols[1:]])
                row_spans.append(True)
            prev = line
            continue
        cells = cells_of(line.words)
        numbered = bool(cells[0]) and bool(_NUMBERING.match(min(cells[0], key=lambda w: w["x0"])["text"]))
        wide = line.top - prev.top > 1.35 * lead
        # a list item after a wide gap stays in its cell, unless the line also fills a cell the row has filled
        own = next(j for j, c in enumerate(cells) if any(w is line.words[0] for w in c))
        item = _list_item(line, spans) and not any(c and rows[-1][j] for j, c in enumerate(cells) if j != own)
        if numbered or (wide and not item) or row_spans[-1] or len(rows) == 1:
            rows.append(cells)
            row_spans.append(False)
        else:
            for j, c in enumerate(cells):
                rows[-1][j] += c
        prev = line
    return Grid(lines[s].top, edges, rows, row_spans, set()), i


def _list_item(line, spans) -> bool:
    """A line that starts with a bullet right of the number column: the next item of a list in a cell,
    however much space Word puts before a list paragraph or a blank paragraph above it."""
    first = line.words[0]
    return first["x0"] >= spans[1][0] - 1 and (first["text"][:1] in BULLETS or first["text"] in ("-", "–"))


def _lead(lines, height: float) -> float:
    """The line spacing inside a cell: the most usual small step from one line to the next."""
    steps = sorted(b.top - a.top for a, b in zip(lines, lines[1:]) if b.top - a.top > 0.5 * height)
    if not steps:
        return 1.2 * height
    return statistics.median(steps[: max(1, len(steps) // 2)])


def _edge(words: list[dict], lo: float, hi: float) -> float:
    """The middle of the widest strip in [lo, hi] that the fewest words cross."""
    if hi - lo < 1:
        return (lo + hi) / 2
    step = 0.5
    xs = [lo + step * n for n in range(int((hi - lo) / step) + 1)]
    inside = [w for w in words if w["x1"] > lo and w["x0"] < hi]
    counts = [sum(1 for w in inside if w["x0"] < x < w["x1"]) for x in xs]
    least = min(counts)
    best, run = (0, 0), None
    for n, c in enumerate(counts + [least + 1]):
        if c == least:
            run = n if run is None else run
        elif run is not None:
            if n - run > best[1] - best[0]:
                best = (run, n)
            run = None
    return (xs[best[0]] + xs[best[1] - 1]) / 2
