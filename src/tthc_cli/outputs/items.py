"""Rows for output: items as dicts (JSON, CSV) and as a terminal table.

Building rows is separate from writing them; `rich` is imported only when a
table is drawn, so `--format json` and `csv` start faster.
"""

from __future__ import annotations

import re
from datetime import date

from tthc_cli.core.deadline import fmt
from tthc_cli.core.queries import OVERDUE, SOON, TODAY, Item, is_shared
from tthc_cli.core.text import formula_safe, lazy_re

GROUPS = (("overdue", "QUÁ HẠN"), ("today", "ĐẾN HẠN HÔM NAY"), ("upcoming", "SẮP TỚI"), ("later", "CHƯA ĐẾN HẠN"),
          ("undated", "KHÔNG CÓ HẠN CỤ THỂ"), ("shared", "VIỆC CHUNG — các cơ quan, đơn vị có liên quan"),
          ("done", "ĐÃ HOÀN THÀNH"))
WEEKEND_MARK = {5: "T7", 6: "CN"}
CSV_FIELDS = ("group", "status", "plan", "task", "ref", "path", "title", "parent_title", "product", "milestone",
              "occurrence", "deadline", "due", "days", "day_off", "done", "evidence", "lead", "lead_codes", "support",
              "file", "commune", "extended_to", "extended_from", "extension_evidence", "state", "progress",
              "progress_note")


def group_of(item: Item, today: date, horizon: date | None, shared: bool | None = None) -> str:
    """The group an item is shown under; `shared`: is_shared(item.task), when the caller knows it."""
    if item.done is not None:
        return "done"
    if is_shared(item.task) if shared is None else shared:  # nobody's own: apart, whatever its status
        return "shared"
    if item.due is None:
        return "undated"
    if item.status == OVERDUE:
        return "overdue"
    if item.status == TODAY:
        return "today"
    if horizon is None:  # no window (`list`): the status decides
        return "upcoming" if item.status == SOON else "later"
    return "upcoming" if item.due <= horizon else "later"


def item_row(item: Item, today: date, horizon: date | None = None, days=None) -> dict:
    """An item as the stable, documented JSON/CSV row."""
    t = item.task
    return {
        "group": group_of(item, today, horizon),
        "status": item.status,
        "plan": t.plan.id,
        "task": t.id,
        "ref": t.ref,
        "path": t.path_ids,
        "title": t.title or t.product,
        "parent_title": t.parent.title if t.parent and not t.title else None,
        "product": t.product,
        "milestone": item.milestone,
        "occurrence": item.occurrence,
        "deadline": t.deadline,
        "due": item.due.isoformat() if item.due else None,
        "days": item.days(today),
        "day_off": days.reason(item.due) if days is not None and item.due and days.is_day_off(item.due) else None,
        "done": item.done.isoformat() if item.done else None,
        "evidence": item.evidence,
        "lead": [r.text for r in t.lead],
        "lead_codes": [r.unit.code if r.unit else None for r in t.lead],
        "support": [r.text for r in t.support],
        "file": t.plan.file,
        "commune": t.plan.commune.label if t.plan.commune else None,
        "extended_to": item.due.isoformat() if item.extension is not None else None,
        "extended_from": item.extended_from.isoformat() if item.extended_from else None,
        "extension_evidence": item.extension.evidence if item.extension is not None else None,
        "state": item.state,
        "progress": item.progress.percent if item.progress is not None else None,
        "progress_note": item.progress.note if item.progress is not None else None,
    }


def to_json(rows: list[dict]) -> str:
    import json

    return json.dumps(rows, ensure_ascii=False, indent=2)


CSV_BOM = "\ufeff"
"""Every CSV starts with a byte-order mark: Excel on Windows, what offices open a .csv with by double-click,
otherwise reads UTF-8 as the local code page ("QuÃ¡ háº¡n"). pandas, LibreOffice and Python's csv module with
encoding="utf-8-sig" read it as it is."""


def dicts_to_csv(rows: list[dict], fields: list[str] | None = None) -> str:
    """Rows as CSV under `fields` (default: the first row's keys, in order; nothing at all for no rows and no
    fields), after a byte-order mark; text that a spreadsheet would run as a formula is kept as text
    (see `text.formula_safe`)."""
    import csv
    import io

    buf = io.StringIO()
    fields = fields if fields is not None else list(rows[0]) if rows else None
    if fields is not None:
        buf.write(CSV_BOM)
        w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows({k: formula_safe(v) for k, v in r.items()} for r in rows)
    return buf.getvalue()


def to_csv(rows: list[dict]) -> str:
    """Item rows as CSV: the JSON rows' columns, lists joined with "; "."""
    lists = ("lead", "support", "lead_codes")
    return dicts_to_csv([{**r, **{k: "; ".join(x or "" for x in r[k]) for k in lists}} for r in rows], CSV_FIELDS)


def undated_line(counts: dict[str, int], ending: str = ".") -> str | None:
    """One line counting the open items with no due date: "Ngoài ra: 9 nhiệm vụ thường xuyên, …"."""
    from tthc_cli.core.queries import ONGOING, UNRESOLVED, WAITING

    parts = []
    if counts[ONGOING]:
        parts.append(f"{counts[ONGOING]} thường xuyên")
    if counts[WAITING]:
        parts.append(f"{counts[WAITING]} chờ điều kiện")
    if counts[UNRESOLVED]:
        parts.append(f"{counts[UNRESOLVED]} chưa xác định thời hạn")
    return f"Ngoài ra: {sum(counts.values())} nhiệm vụ không có hạn cụ thể ({', '.join(parts)}){ending}" if parts \
        else None


def ended_line(ended: dict[str, int]) -> str | None:
    """The footer line naming the plans whose period has ended with items still open, and how to close them."""
    if not ended:
        return None
    plans = ", ".join(f"{pid} ({n})" for pid, n in sorted(ended.items()))
    return (f"Còn {sum(ended.values())} việc chưa xong của kế hoạch đã hết thời gian: {plans}. Nếu kế hoạch đã kết "
            f"thúc, ghi status: closed vào phần plan của tệp kế hoạch để bỏ các việc đó khỏi due, check và thư "
            f"tổng hợp (vẫn còn trong list, report, history).")


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"quá {-days} ngày"
    if days == 0:
        return "hôm nay"
    return f"còn {days} ngày"


def due_text(day: date | None, days=None) -> str:
    """dd/mm/yyyy, marked when it falls on a day off: (T7), (CN), (nghỉ lễ)."""
    if day is None:
        return ""
    mark = WEEKEND_MARK.get(day.weekday())
    if days is not None and days.is_day_off(day):
        mark = mark if mark and days.reason(day) in ("Thứ Bảy", "Chủ nhật") else "nghỉ lễ"
    elif days is not None:
        mark = None  # a make-up working day
    return fmt(day) + (f" ({mark})" if mark else "")


def deadline_cell(item: Item) -> str:
    text = item.deadline_text or item.task.deadline or ""
    if item.milestone:
        text = f"{item.milestone}: {text}"
    if item.occurrence:
        text = f"{text}\n· {item.occurrence}"
    if item.extension is not None:
        text = f"{text}\n{extension_text(item)}"
    return text


def extension_text(item: Item) -> str:
    """"gia hạn đến 31/07/2026 (Quyết định số 45/QĐ-UBND …)": an extended item's deadline, and its decision."""
    why = f" ({item.extension.evidence})" if item.extension.evidence else ""
    return f"gia hạn đến {fmt(item.due)}{why}"


def progress_text(item: Item) -> str | None:
    """"đang thực hiện 60% — Đã xây dựng dự thảo (01/07/2026)": the newest progress record of open work."""
    doing = state_text(item)
    if doing is None:
        return None
    p = item.progress
    note = f" — {p.note}" if p.note else ""
    return f"{doing}{note}" + (f" ({fmt(p.day)})" if p.day else "")


def state_text(item: Item) -> str | None:
    """"đang thực hiện 60%": where open work stands, when a progress record says."""
    if item.state is None:
        return None
    share = f" {item.progress.percent}%" if item.progress.percent is not None else ""
    return f"đang thực hiện{share}"


def title_cell(item: Item) -> str:
    t = item.task
    if t.title:
        return t.title
    parent = t.parent.title if t.parent and t.parent.title else ""
    return f"{parent} — {t.product}" if parent else (t.product or "")


_COMMUNE = lazy_re(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(?:xã|phường|thị trấn)\s+(.+)$", re.I)


def plan_labels(plans) -> dict[str, str]:
    """A short name per plan for tables: the commune ("Xuân Trường") when that is unambiguous, else the id."""
    names = {}
    for p in plans:
        m = _COMMUNE.match(p.issuer or "")
        names[p.id] = m.group(1).strip() if m else p.id
    counts: dict[str, int] = {}
    for v in names.values():
        counts[v] = counts.get(v, 0) + 1
    return {pid: (v if counts[v] == 1 else pid) for pid, v in names.items()}


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap of each line (runs of spaces between words become one); words longer than the width
    are cut."""
    if "\n" in text:
        return [ln for part in text.split("\n") for ln in _wrap(part, width)]
    if len(text) <= width:
        return [text]
    return _fill(" ".join(text.split()), width, width) or [""]


def hanging(text: str, width: int, indent: int = 4) -> list[str]:
    """`text` wrapped to `width`, every line after the first indented by `indent` (a reader, or grep, still
    sees where each entry starts)."""
    lines: list[str] = []
    for part in text.split("\n"):
        room = width - (indent if lines else 0)
        if len(part) <= room:
            lines.append(part)
        else:
            lines.extend(_fill(" ".join(part.split()), room, width - indent))
    return lines[:1] + [" " * indent + line for line in lines[1:]]


def _fill(rest: str, first: int, room: int) -> list[str]:
    """Words (single spaces between them) filled greedily into lines of at most `first` characters, then `room`;
    a word longer than its line is cut."""
    lines = []
    width = first
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width + 1)  # the last space that leaves the line at most `width` long
        if cut < 0:  # the first word is longer than the line: cut it
            lines.append(rest[:width])
            rest = rest[width:]
        else:
            lines.append(rest[:cut])
            rest = rest[cut + 1:]
        width = room
    if rest:
        lines.append(rest)
    return lines


_ANSI = {"overdue": "\x1b[1;31m", "today": "\x1b[1;33m", "upcoming": "\x1b[36m", "later": "", "undated": "\x1b[2m",
         "shared": "\x1b[35m", "done": "\x1b[32m"}
_RESET = "\x1b[0m"


_FULL_CAPS = {0: 16, 2: 14, 4: 15, 5: 18, 6: 18}
_COMPACT_CAPS = {0: 11, 2: 10, 4: 15}
_FLEX_MIN = 32  # the task and deadline columns together


def _layout(items, today, horizon, days, labels, several_plans: bool, compact: bool):
    """Headers, (group, cells) rows and the caps of the fixed columns. Compact, for a narrow terminal: the plan
    goes under the position, and the days left or late under the due date, so five columns remain."""
    if compact:
        headers = ["Vị trí", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hạn"]
    else:
        headers = ["Vị trí", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hạn", "Còn/quá"] + (["Kế hoạch"] if several_plans else [])
    rows: list[tuple[str, list[str]]] = []
    due_cells: dict = {}  # dates and lead cells repeat over thousands of rows: each is written once,
    lead_cells: dict = {}  # and so do the days left of open items due on one day
    left_cells: dict = {}
    for it in items:
        t = it.task
        due = it.due
        if it.done is None:  # open: the days left or late
            left = left_cells.get(due)
            if left is None:
                left = left_cells[due] = days_text(it.days(today))
        else:
            left = it.status
        if it.progress is not None:
            doing = state_text(it)
            if doing:
                left = f"{left}\n{doing}" if left else doing
        due_cell = due_cells.get(due)
        if due_cell is None:
            due_cell = due_cells[due] = due_text(due, days)
        lead = lead_cells.get(id(t.lead))
        if lead is None:  # (the text, is_shared): kept with the tuple itself, so its id stays its own
            lead = lead_cells[id(t.lead)] = (", ".join(r.display for r in t.lead), is_shared(t), t.lead)
        deadline = deadline_cell(it)
        if compact:
            cells = [f"{t.path_ids}\n{labels[t.plan.id]}" if several_plans else t.path_ids, title_cell(it),
                     lead[0], deadline if due else f"{deadline} ({it.status})",
                     f"{due_cell}\n{left}" if due_cell and left else due_cell or left]
        elif several_plans:
            cells = [t.path_ids, title_cell(it), lead[0], deadline if due else f"{deadline} ({it.status})", due_cell,
                     left, labels[t.plan.id]]
        else:
            cells = [t.path_ids, title_cell(it), lead[0], deadline if due else f"{deadline} ({it.status})", due_cell,
                     left]
        rows.append((group_of(it, today, horizon, lead[1]), cells))
    return headers, rows, _COMPACT_CAPS if compact else _FULL_CAPS


def _fixed_widths(headers, rows, caps) -> tuple[list[int], int]:
    """Each column's width from its header and its longest line, the fixed columns capped; and the width the
    fixed columns and the gaps between all columns take."""
    widths = [len(h) for h in headers]
    for i in caps:
        if i < len(headers):
            longest = max((len(part) for cell in {cells[i] for _, cells in rows} for part in cell.split("\n")),
                          default=0)
            if longest > widths[i]:
                widths[i] = min(longest, caps[i])
    return widths, sum(w for i, w in enumerate(widths) if i in caps) + 2 * (len(headers) - 1) + 1


def table_lines(items: list[Item], today: date, horizon: date | None, width: int, colour: bool = False,
                days=None, sections=None) -> list[str]:
    """Items grouped (overdue, today, upcoming …) as a plain-text table; with `sections` ((heading, items) of
    by_commune), a table per section under its heading, all with the same columns.

    Written by hand rather than with rich: rich takes seconds to lay out a few
    thousand rows, and officials run this in a meeting.
    """
    plans = {it.task.plan.id: it.task.plan for it in items}
    if sections is None:
        several_plans = len(plans) > 1
        labels = plan_labels(list(plans.values()))
    else:  # the commune is in the heading: a plan column only where a commune has several plans, by id
        several_plans = any(len({it.task.plan.id for it in mine}) > 1 for _, mine in sections)
        labels = {pid: pid for pid in plans}
    headers, rows, caps = _layout(items, today, horizon, days, labels, several_plans, compact=False)
    widths, used = _fixed_widths(headers, rows, caps)
    if used + _FLEX_MIN > width:  # the full table would be wider than the terminal
        headers, rows, caps = _layout(items, today, horizon, days, labels, several_plans, compact=True)
        widths, used = _fixed_widths(headers, rows, caps)
    free = max(width - used, _FLEX_MIN)
    longest = max((len(part) for _, c in rows for part in c[3].split("\n")), default=12)
    widths[3] = max(12, min(free // 3, longest))
    widths[1] = max(20, free - widths[3])

    # cells repeat (deadline phrases, units, dates): each column wraps and pads each text once, keeping its
    # lines with the gap before them, so that a line of a row is its columns' pieces joined
    gaps = [" "] + ["  "] * (len(widths) - 1)
    padded: list[dict] = [{} for _ in widths]
    blanks = [gap + " " * w for gap, w in zip(gaps, widths)]

    def column(i: int, text: str) -> list[str]:
        got = padded[i].get(text)
        if got is None:
            gap, w = gaps[i], widths[i]
            got = padded[i][text] = [gap + part.ljust(w) for part in _wrap(text, w)]
        return got

    def line(cells: list[str]) -> list[str]:
        cols = [got.get(text) for got, text in zip(padded, cells)]
        if None in cols:
            cols = [c if c is not None else column(i, cells[i]) for i, c in enumerate(cols)]
        height = max(map(len, cols))
        if height == 1:
            return ["".join([c[0] for c in cols]).rstrip()]
        cols = [c if len(c) == height else c + [blanks[i]] * (height - len(c)) for i, c in enumerate(cols)]
        return ["".join(parts).rstrip() for parts in zip(*cols)]

    names = dict(GROUPS)
    order = {k: n for n, (k, _) in enumerate(GROUPS)}
    head = line(headers)
    rule = "".join(gap + "─" * w for gap, w in zip(gaps, widths))

    def table(mine: list[tuple[str, list[str]]]) -> list[str]:
        out = [*head, rule]
        current = None
        counts: dict[str, int] = {}
        for g, _ in mine:
            counts[g] = counts.get(g, 0) + 1
        for g, cells in sorted(mine, key=lambda r: order[r[0]]):
            if g != current:
                current = g
                heading = names[g]
                if g == "upcoming" and horizon is not None:
                    heading = f"{heading} đến {fmt(horizon)}"
                heading = f" {heading} ({counts[g]})"
                out.append(f"{_ANSI[g]}{heading}{_RESET}" if colour and _ANSI[g] else heading)
            out.extend(line(cells))
        return out

    if sections is None:
        return table(rows)
    row_of = {id(it): row for it, row in zip(items, rows)}
    out = []
    for heading, mine in sections:
        out.extend(["", f"\x1b[1m{heading}\x1b[0m" if colour else heading])
        out.extend(table([row_of[id(it)] for it in mine]))
    return out[1:]  # the blank line before the first heading is the caller's


NO_ISSUER = "Kế hoạch không ghi cơ quan ban hành"


def by_commune(items: list[Item]) -> list[tuple[object, list[Item]]]:
    """The items of each commune (core/communes.py), communes by name, those of plans naming none last; the
    order of the items within each is kept."""
    from tthc_cli.core.text import fold_diacritics

    groups: dict = {}
    for it in items:
        groups.setdefault(it.task.plan.commune, []).append(it)
    return sorted(groups.items(), key=lambda g: (g[0] is None, fold_diacritics(g[0].name).lower() if g[0] else "",
                                                 g[0].key if g[0] else ""))


def table_text(items: list[Item], today: date, horizon: date | None, footer: str | None, title: str | None,
               days=None, *, width: int = 120, colour: bool = False) -> str:
    """The grouped item table with its title and footer, `width` columns wide."""
    out = []
    if title:
        out.extend(f"\x1b[1m{line}\x1b[0m" if colour else line for line in _wrap(title, width))
    if items and len({it.task.plan.id for it in items}) == 1:
        plan = items[0].task.plan
        out.extend(_wrap(f"Kế hoạch: {plan.title} ({plan.document or plan.id})", width))
    sections = by_commune(items)
    if len(sections) > 1:  # a province's plans: a table per commune, each unit's tasks under its own commune
        headed = [(f"══ {commune.body if commune else NO_ISSUER} ({len(mine)} việc)", mine) for commune, mine in sections]
        out.append("")
        out.extend(table_lines(items, today, horizon, width, colour, days, headed))
    elif items:
        out.append("")
        out.extend(table_lines(items, today, horizon, width, colour, days))
    else:
        out.append("Không có việc nào." if horizon is None else "Không có việc nào trong khoảng này.")
    if footer:
        out.append("")
        out.extend(_wrap(footer, width))
    return "\n".join(out) + "\n"
