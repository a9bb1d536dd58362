"""Building real Word files from a seed's text export, for the .docx reader's tests.

The text export of a plan carries the oddities of its conversion: the table
header repeated after each page break, a cell's text split across the break
into a row of its own, HTML fragments, bullets written inline as " - ". The
Word file it came from had none of these: one table (or several, where people
pasted a table "continued" on the next page), merged section rows, list items
as numbered paragraphs, a task's cells merged down over its product rows.
`docx_from_text` writes such a Word file from the text, so a test can import
both and compare.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from tthc_cli.importer.document import Table
from tthc_cli.importer.textsource import read_text

ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.?$")
_TAG = re.compile(r"<[^>]*>")
_WS = re.compile(r"\s+")
# " - " between two words that is a hyphen, not a bullet: keep these together.
_NOT_BULLETS = ("Văn hóa - Xã hội", "Văn hoá - Xã hội")
_GLUE = "\u2060-\u2060"  # stands in for the hyphen of a kept phrase while splitting


def strip_html(text: str) -> str:
    """Cell text without HTML tags and entities, whitespace collapsed."""
    return _WS.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def is_header(cells: list[str]) -> bool:
    """A task table's header row: "STT/TT … Thời hạn/Thời gian …"."""
    first = strip_html(cells[0]).rstrip(".").upper() if cells else ""
    return first in ("STT", "TT") and any("Thời" in c for c in cells)


def is_continuation(cells: list[str]) -> bool:
    """A row the text export made of a cell split across a page break: no
    number, and its first text continues a sentence (lower case) or a list
    (a lone "- …" cell)."""
    texts = [strip_html(c) for c in cells]
    if not texts or texts[0]:
        return False
    filled = [t for t in texts if t]
    if not filled:
        return False
    first = filled[0]
    return first[0].islower() or (len(filled) == 1 and first.startswith("- "))


def split_bullets(text: str) -> list[tuple[bool, str]]:
    """(is_list_item, text) paragraphs of a cell written with inline bullets:
    "Intro: - A; - B" -> [(False, "Intro:"), (True, "A;"), (True, "B")]. A " - "
    is a bullet when an upper-case letter or a digit follows and no digit
    precedes it ("2026 - 2030" and "kinh tế - xã hội" are not lists)."""
    s = text
    for phrase in _NOT_BULLETS:
        s = s.replace(phrase, phrase.replace(" - ", _GLUE))
    cuts = [0]
    for m in re.finditer(r"(?:^|\s)-\s+", s):
        start, end = m.start(), m.end()
        before = s[:start].rstrip()
        after = s[end:end + 1]
        if start == 0 or (after and (after.isupper() or after.isdigit()) and before and not before[-1].isdigit()):
            cuts.append(start)
    cuts.append(len(s))
    out: list[tuple[bool, str]] = []
    for a, b in zip(cuts, cuts[1:]):
        part = s[a:b].strip()
        item = part.startswith("-")
        if item:
            part = part[1:].strip()
        part = part.replace(_GLUE, " - ")
        if part:
            out.append((item, part))
    return out


@dataclass
class _Chunk:
    """One Word table: its rows (cell texts), bold rows, and merges."""

    rows: list[list[str]] = field(default_factory=list)
    bold: list[bool] = field(default_factory=list)
    hspans: list[tuple[int, int, int]] = field(default_factory=list)  # row, first col, last col
    vspans: list[tuple[int, int, int]] = field(default_factory=list)  # col, first row, last row


def clean_rows(table: Table) -> tuple[list[str] | None, list[list[str]]]:
    """(header, body rows) of a text table, the oddities of the export undone:
    header repeats dropped, continuation rows after a page break (a repeated
    header or a blank line) joined to the row above. Cells keep their HTML."""
    rows = table.rows
    header = rows[0].cells if rows and is_header(rows[0].cells) else None
    body: list[list[str]] = []
    after_break = False
    for i, row in enumerate(rows):
        after_break = after_break or row.after_break  # a blank line: a page break in the export
        if header is not None and (i == 0 or [strip_html(c) for c in row.cells] == [strip_html(c) for c in header]):
            after_break = i > 0
            continue
        if after_break and body and is_continuation(row.cells):
            above = body[-1]
            for c, text in enumerate(row.cells):
                if strip_html(text):
                    if c < len(above):
                        above[c] = f"{above[c]} {text}" if strip_html(above[c]) else text
                    else:
                        above.append(text)
        else:
            body.append(list(row.cells))
        after_break = False
    return header, body


def table_rows_from_seed(seed_text: str) -> list[list[str]]:
    """Every body row of every table of a seed, cleaned as in the Word file
    (see `clean_rows`), cell text without HTML."""
    out = []
    for table in read_text(seed_text, "seed").tables():
        _, body = clean_rows(table)
        out += [[strip_html(c) for c in row] for row in body]
    return out


def _chunks(header, body, *, merge_product_rows: bool, page_break_every: int | None) -> list[_Chunk]:
    ncols = max([len(header or [])] + [len(r) for r in body] + [1])
    rows = [[strip_html(c) for c in r] + [""] * (ncols - len(r)) for r in body]
    bold_rows = [any("<b>" in c.lower() for c in r) for r in body]
    size = page_break_every if page_break_every and page_break_every > 0 else max(len(rows), 1)
    chunks = []
    for start in range(0, max(len(rows), 1), size):
        part = rows[start:start + size]
        chunk = _Chunk()
        if header is not None:
            chunk.rows.append([strip_html(c) for c in header] + [""] * (ncols - len(header)))
            chunk.bold.append(True)
        first_body = len(chunk.rows)
        for k, cells in enumerate(part):
            r = len(chunk.rows)
            chunk.rows.append(cells)
            filled = {c for c, t in enumerate(cells) if t}
            bold = bold_rows[start + k]
            if ncols > 1 and filled == {0}:
                chunk.hspans.append((r, 0, ncols - 1))  # a section row across the table
                bold = True
            elif ncols > 2 and filled and filled <= {0, 1} and 1 in filled:
                chunk.hspans.append((r, 1, ncols - 1))  # "I" | title across the rest
                bold = bold or bool(ROMAN.match(cells[0]))
            chunk.bold.append(bold)
        if merge_product_rows:
            _product_merges(chunk, first_body, ncols)
        chunks.append(chunk)
    return chunks


def _product_merges(chunk: _Chunk, first_body: int, ncols: int) -> None:
    """Merge a task's cells down over its product rows: a product row has no
    number and no task text, only its own product (and maybe its own lead,
    deadline …); every cell it leaves empty is merged with the one above."""
    spanned = {r for r, _, _ in chunk.hspans}
    rows = chunk.rows
    r = first_body
    while r < len(rows):
        task = r
        end = r
        while (end + 1 < len(rows) and end + 1 not in spanned and task not in spanned
               and not rows[end + 1][0] and not rows[end + 1][1] and any(rows[end + 1][2:])
               and rows[task][1]):
            end += 1
        if end > task:
            for c in range(ncols):
                top = task
                for rr in range(task + 1, end + 2):
                    if rr > end or rows[rr][c]:
                        if rr - 1 > top:
                            chunk.vspans.append((c, top, rr - 1))
                        top = rr
        r = end + 1


def _write_cell(cell, text: str, *, bold: bool, bullets: str | None) -> None:
    """The cell's text; with `bullets` (the id of the "List Bullet" style),
    inline bullets as list paragraphs."""
    parts = split_bullets(text) if bullets else [(False, text)]
    for i, (item, part) in enumerate(parts):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if item:
            p._p.get_or_add_pPr().style = bullets  # by id: python-docx's lookup by name is slow
        run = p.add_run(part)
        if bold:
            run.bold = True


_BOOKMARK = re.compile(r"^\[bookmark: ([^\]]+)\]\t?")


def _bookmarks_out(text: str) -> tuple[str, dict[int, str]]:
    """The export writes Word's bookmarks as "[bookmark: _Hlk…]" at the start
    of a line (with a tab after it, a line that read_text would take for a
    table row): the text without them, and the bookmark of each line."""
    lines, marks = [], {}
    for n, line in enumerate(text.split("\n")):
        m = _BOOKMARK.match(line)
        if m:
            marks[n + 1] = m.group(1)
            line = line[m.end():]
        lines.append(line)
    return "\n".join(lines), marks


def _add_bookmark(paragraph, name: str, ident: int) -> None:
    from docx.oxml import parse_xml  # noqa: PLC0415
    from docx.oxml.ns import nsdecls  # noqa: PLC0415

    w = nsdecls("w")
    p = paragraph._p
    p.insert(1 if p.pPr is not None else 0, parse_xml(f'<w:bookmarkStart {w} w:id="{ident}" w:name="{name}"/>'))
    p.append(parse_xml(f'<w:bookmarkEnd {w} w:id="{ident}"/>'))


def _write_paragraph(doc, text: str, state: dict) -> None:
    """A text-export paragraph, its markdown emphasis (** and *) as bold and italic runs."""
    p = doc.add_paragraph()
    for token in re.split(r"(\*\*|\*)", text):
        if token == "**":
            state["bold"] = not state["bold"]
        elif token == "*":
            state["italic"] = not state["italic"]
        elif token:
            run = p.add_run(token)
            run.bold = state["bold"] or None
            run.italic = state["italic"] or None
    return p


def docx_from_text(text: str, path, *, merge_product_rows: bool = True, bullets: bool = True,
                   page_break_every: int | None = 12) -> Path:
    """Write the Word file a seed's text export came from (see the module doc)
    to `path`; return the path.

    Paragraphs stay paragraphs (markdown emphasis as bold/italic runs,
    "[bookmark: …]" markers as Word bookmarks; a "table" of one or two
    columns, such as a tab-indented line, is paragraphs too). Each
    text table becomes a Word table, one column per cell, with: section rows
    merged across the table (or across all but the number column) in bold;
    HTML stripped; inline " - " bullets as "List Bullet" paragraphs
    (`bullets`); product rows' empty cells merged with the task's cells above
    (`merge_product_rows`); the export's header repeats dropped and its split
    cells joined; and, with `page_break_every`, the table cut every that many
    rows into a new table after a page break, its header repeated.
    """
    import docx  # noqa: PLC0415
    from docx.enum.text import WD_BREAK  # noqa: PLC0415
    from docx.table import _Cell  # noqa: PLC0415

    path = Path(path)
    doc = docx.Document()
    text, bookmarks = _bookmarks_out(text)
    source = read_text(text, path.name)
    list_style = doc.styles["List Bullet"].style_id if bullets else None
    emphasis = {"bold": False, "italic": False}
    for block in source.blocks:
        if not isinstance(block, Table):
            p = _write_paragraph(doc, block.text, emphasis)
            line = int(block.where.split()[-1])
            if line in bookmarks:
                _add_bookmark(p, bookmarks[line], line)
            continue
        emphasis = {"bold": False, "italic": False}
        if all(len(row.cells) <= 2 for row in block.rows):
            # not a table: a line indented with a tab, "[bookmark…]<tab>text" …
            for row in block.rows:
                _write_paragraph(doc, " ".join(c.strip() for c in row.cells if c.strip()), emphasis)
            continue
        header, body = clean_rows(block)
        chunks = _chunks(header, body, merge_product_rows=merge_product_rows, page_break_every=page_break_every)
        for k, chunk in enumerate(chunks):
            if k:
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            ncols = len(chunk.rows[0]) if chunk.rows else 1
            table = doc.add_table(rows=len(chunk.rows), cols=ncols)
            table.style = "Table Grid"
            # Write each cell's text, then merge: the cells merged into another
            # are empty, so the merged cell keeps the text of its first cell.
            covered = {(r, c) for r, c0, c1 in chunk.hspans for c in range(c0 + 1, c1 + 1)}
            covered |= {(r, c) for c, r0, r1 in chunk.vspans for r in range(r0 + 1, r1 + 1)}
            for r, (row, cells) in enumerate(zip(table.rows, chunk.rows)):
                word_cells = row.cells
                for c, cell_text in enumerate(cells):
                    if cell_text and (r, c) not in covered:
                        _write_cell(word_cells[c], cell_text, bold=chunk.bold[r], bullets=list_style)
            # Corners taken before any merge (a row still has one w:tc per
            # column then): python-docx's table.cell() is slow on long tables.
            tcs = [tr.tc_lst for tr in table._tbl.tr_lst]
            merges = [(tcs[r][c0], tcs[r][c1]) for r, c0, c1 in chunk.hspans]
            merges += [(tcs[r0][c], tcs[r1][c]) for c, r0, r1 in chunk.vspans]
            for a, b in merges:
                _Cell(a, table).merge(_Cell(b, table))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
