"""Task tables: from rows of cells to a tree of sections, tasks and product rows.

Pure. Handles what Word exports do to a plan's table (domain.md): the header
repeated after each page break, a cell split across the break into a row with
an empty first column, the column-number row, section rows, tasks without a
number under a numbered heading, several product rows under one task, HTML
fragments and bookmark markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tthc_cli.importer.document import Document, Paragraph, Row, Table
from tthc_cli.core.text import clean, fold_diacritics

ROLES = ("id", "title", "product", "lead", "support", "deadline")
_ROMAN = r"(?:I{1,3}|IV|VI{0,3}|IX|X{1,3}|XI{1,3}|XIV|XV)"
RE_SECTION_ID = re.compile(rf"^{_ROMAN}\.?$")
RE_SECTION_CELL = re.compile(rf"^(?P<id>{_ROMAN})[.:]?\s+(?P<title>\S.*)$")
RE_NUMBER = re.compile(r"^(?P<n>\d{1,3}(?:\.\d{1,3})*)\.?$")
RE_APPENDIX = re.compile(r"^ph[uụ] l[uụ]c(?:\s+số)?\s*(?P<n>\d{1,2}|[IVX]+)\s*[:.\-–]?\s*(?P<title>.*)$", re.I)


@dataclass
class Node:
    """A section, task or product row found in a table (or, later, in prose)."""

    kind: str  # "section", "task", "product"
    id: str
    title: str = ""
    product: str = ""
    lead: str = ""
    support: str = ""
    deadline: str = ""
    where: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    review: bool = False
    sentence: str | None = None  # prose obligations keep their sentence
    heading: bool = False  # a numbered row with no unit and no deadline: a heading for unnumbered rows

    def leaves(self):
        if not self.children:
            yield self
        for c in self.children:
            yield from c.leaves()


@dataclass
class TableResult:
    roots: list[Node] = field(default_factory=list)
    rows_with_deadline: list[str] = field(default_factory=list)  # where of each source row with a deadline cell
    problems: list[str] = field(default_factory=list)  # cells it could not place (also kept in notes)
    tables: int = 0


def header_roles(cells: list[str]) -> list[str | None] | None:
    """The role of each column if `cells` is a task table header, else None."""
    roles: list[str | None] = []
    for c in cells:
        k = fold_diacritics(clean(c).lower())
        if k in ("stt", "tt", "so tt", "so thu tu", "thu tu"):
            roles.append("id")
        elif "phoi hop" in k:
            roles.append("support")
        elif "chu tri" in k:
            roles.append("lead")
        elif "thoi han" in k or "thoi gian" in k or "tien do" in k:
            roles.append("deadline")
        elif "san pham" in k or "ket qua" in k:
            roles.append("product")
        elif "noi dung" in k or "nhiem vu" in k or "cong viec" in k:
            roles.append("title")
        else:
            roles.append(None)
    if "title" in roles and ("lead" in roles or "deadline" in roles) and roles.count("title") == 1:
        return roles
    return None


def _cell_text(raw: str, role: str | None) -> str:
    """One line of text for a cell; bulleted lines stay "- a. - b." as the exports write them."""
    lines = [clean(x) for x in raw.split("\n")]
    lines = [x for x in lines if x]
    if role == "deadline" and len(lines) > 1 and not all(x.startswith("-") for x in lines[1:]):
        return "\n".join(lines)  # separate paragraphs: the resolver reads each line as a part
    return " ".join(lines)


def _starts_lower(text: str) -> bool:
    t = re.sub(r"^[\s\-–•+*\"“(]+", "", text)
    return bool(t) and t[0].isalpha() and t[0].islower()


class _Builder:
    def __init__(self, result: TableResult):
        self.r = result
        self.roots = result.roots
        self.section: Node | None = None
        self.task: Node | None = None  # the last numbered or unnumbered task
        self.heading: Node | None = None  # the last numbered heading (no unit, no deadline)
        self.last: Node | None = None  # the node the last row went to
        self.ids: set[str] = set()
        self._tried: dict[str, int] = {}
        self.pending_section: Node | None = None
        self.numbers: dict[str, Node] = {}  # the numbered tasks of the current section, by their number as written

    # -- ids ------------------------------------------------------------------
    def _unique(self, wanted: str) -> str:
        """`wanted`, else `wanted-2`, `wanted-3` …: the next free one, remembered (a table repeating one
        number 12,000 times must not count up from 2 each time)."""
        cand, n = wanted, self._tried.get(wanted, 1)
        if cand in self.ids:
            while True:
                n += 1
                cand = f"{wanted}-{n}"
                if cand not in self.ids:
                    break
            self._tried[wanted] = n
        self.ids.add(cand)
        return cand

    def _child_id(self, parent: Node | None, local: str) -> str:
        return self._unique(f"{parent.id}.{local}" if parent else local)

    def _add(self, parent: Node | None, node: Node) -> Node:
        (parent.children if parent else self.roots).append(node)
        return node

    # -- sections -------------------------------------------------------------
    def open_section(self, sid: str, title: str, where: str) -> None:
        node = Node("section", self._unique(sid), title=title, where=[where])
        self._add(None, node)
        self.section, self.task, self.heading, self.last = node, None, None, node
        self.numbers = {}

    def appendix(self, para: Paragraph) -> bool:
        m = RE_APPENDIX.match(clean(para.text))
        if not m:
            return False
        n = m.group("n")
        sid = f"PL{int(n):02d}" if n.isdigit() else f"PL{n}"
        self.open_section(sid, m.group("title").strip() or clean(para.text), para.where)
        return True

    # -- rows -----------------------------------------------------------------
    def row(self, row: Row, roles: list[str | None], after_header: bool) -> None:
        cells = {role: "" for role in ROLES}
        extra: list[str] = []
        for i, raw in enumerate(row.cells):
            role = roles[i] if i < len(roles) else None
            text = _cell_text(raw, role)
            if role is None:
                if text:
                    extra.append(text)
            elif cells[role]:
                cells[role] += " " + text
            else:
                cells[role] = text
        if not any(cells.values()) and not extra:
            return
        numbers = [c for c in (clean(x) for x in row.cells) if c]
        if numbers and all(c.isdigit() for c in numbers) and [int(c) for c in numbers] == list(range(1, len(numbers) + 1)) \
                and len(numbers) >= 3:
            return  # the column-number row "1 2 3 4 5 6"
        rid = cells["id"]
        others = {k: v for k, v in cells.items() if k != "id"}
        if cells["deadline"]:
            self.r.rows_with_deadline.append(row.where)

        # a cell split across a page break: join it to the row above
        if not rid and self.last is not None and self.last.kind != "section" and (row.after_break or after_header):
            first = next((v for v in (cells["title"], cells["product"], cells["lead"], cells["support"],
                                      cells["deadline"]) if v), "")
            units_or_deadline = cells["lead"] or cells["support"] or cells["deadline"]
            if _starts_lower(first) or (not units_or_deadline and not cells["product"]) or \
                    (first.startswith("-") and not units_or_deadline):
                self._continue(self.last, cells, row.where)
                if cells["deadline"]:  # not a row of its own: its deadline text belongs to the row above
                    self.r.rows_with_deadline.remove(row.where)
                return

        # section rows: "I" + title, or "<b>I CÔNG TÁC …</b>" alone in the first cell
        only_first = [v for v in others.values() if v] == [] and rid
        m = RE_SECTION_CELL.match(rid) if only_first else None
        if RE_SECTION_ID.match(rid) and not (cells["lead"] or cells["deadline"]):
            self.open_section(rid.rstrip("."), cells["title"] or cells["product"], row.where)
            return
        if m:
            self.open_section(m.group("id"), m.group("title"), row.where)
            return
        app = RE_APPENDIX.match(rid or cells["title"]) if not (cells["lead"] or cells["deadline"]) else None
        if app:
            self.appendix(Paragraph(rid or cells["title"], row.where))
            return

        num = RE_NUMBER.match(rid)
        if num:
            self._numbered(num.group("n"), cells, row.where)
        elif rid:
            node = self._task(self.section, cells, row.where, local=rid)
            node.notes.append(f'Số thứ tự trong văn bản: "{rid}"')
        elif not cells["title"] and self.task is not None and (cells["product"] or cells["deadline"]):
            self._product_row(cells, row.where)
        elif cells["title"] or cells["product"]:
            parent = self.heading or self.section
            local = str(sum(1 for c in (parent.children if parent else self.roots) if c.kind != "section") + 1)
            self.task = self._task(parent, cells, row.where, local=local)
            self.last = self.task
        else:
            text = " | ".join(v for v in others.values() if v)
            target = self.last or (self.roots[-1] if self.roots else None)
            note = f"Ô không xếp được ({row.where}): {text}"
            if target is not None:
                target.notes.append(note)
            self.r.problems.append(note)
            if cells["deadline"]:
                self.r.rows_with_deadline.remove(row.where)
        if extra and self.last is not None:
            self.last.notes.append("Cột khác: " + " | ".join(extra))

    def _continue(self, node: Node, cells: dict, where: str) -> None:
        for role in ("title", "product", "lead", "support", "deadline"):
            if cells[role]:
                old = getattr(node, role)
                setattr(node, role, f"{old} {cells[role]}".strip() if old else cells[role])
        node.where.append(where)

    def _task(self, parent: Node | None, cells: dict, where: str, local: str) -> Node:
        node = Node("task", self._child_id(parent, local), title=cells["title"], product=cells["product"],
                    lead=cells["lead"], support=cells["support"], deadline=cells["deadline"], where=[where])
        self._add(parent, node)
        return node

    def _numbered(self, n: str, cells: dict, where: str) -> None:
        parent = self.section
        written = n
        if "." in n and n.rsplit(".", 1)[0] in self.numbers:
            parent = self.numbers[n.rsplit(".", 1)[0]]  # "1.2" under the task written "1", after "1.1"
            n = n.rsplit(".", 1)[-1]
        elif "." in n and self.task is not None and n.startswith(self.task.id.rsplit(".", 1)[-1] + "."):
            parent = self.task  # "1.1" under task "1"
            n = n.rsplit(".", 1)[-1]
        node = self._task(parent, cells, where, local=n)
        self.numbers[written] = node
        node.heading = not (cells["lead"] or cells["deadline"] or cells["product"])
        self.task = node
        self.heading = node if node.heading else None
        self.last = node

    def _product_row(self, cells: dict, where: str) -> None:
        task = self.task
        if not task.children:
            # the task's own row was its first product row: move that product into a child
            first = Node("product", self._unique(f"{task.id}.1"), product=task.product, where=[task.where[0]])
            task.product = ""
            task.children.append(first)
        node = Node("product", self._unique(f"{task.id}.{len(task.children) + 1}"), product=cells["product"],
                    lead=cells["lead"], support=cells["support"], deadline=cells["deadline"], where=[where])
        task.children.append(node)
        self.last = node


def read_tables(doc: Document) -> TableResult:
    """Every task table of the document as one tree, in document order."""
    result = TableResult()
    b = _Builder(result)
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if RE_APPENDIX.match(clean(block.text)):
                b.pending_section = Node("section", "", title=block.text, where=[block.where])
                b.pending_para = block
            continue
        if not isinstance(block, Table):
            continue
        roles = None
        seen_header = False
        for i, row in enumerate(block.rows):
            found = header_roles(row.cells)
            if found is not None:
                if roles is None and not row.after_break:  # not a table continued on the next page
                    result.tables += 1
                    if b.pending_section is not None:
                        b.appendix(b.pending_para)
                        b.pending_section = None
                roles = found
                seen_header = True
                continue
            if roles is None:
                continue  # a table that is not a task table (signatures, recipients …)
            b.row(row, roles, after_header=seen_header and _previous_was_header(block, i))
    return result


def _previous_was_header(table: Table, i: int) -> bool:
    """Whether row `i` follows a header row (by position: looking the row up by value was quadratic)."""
    return i > 1 and header_roles(table.rows[i - 1].cells) is not None
