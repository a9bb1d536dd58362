"""A period report as text: terminal table (with the on-time rate as a bar),
Markdown, CSV and JSON. The xlsx is in report_xlsx.py."""

from __future__ import annotations

import csv
import io
import json

from tthc_cli.core.deadline import fmt
from tthc_cli.core.report import Report, UnitStats, gap_text
from tthc_cli.core.text import clean_text, formula_safe, shorten

HEAD = ("Mã", "Đơn vị", "Đến hạn", "Đúng hạn", "Quá hạn (đã xong)", "Quá hạn (chưa xong)", "Còn trong hạn",
        "Đang thực hiện", "Chưa triển khai", "Đã gia hạn", "Tỷ lệ đúng hạn")
NUMBERS = len(HEAD) - 2
"""The count columns (right-aligned): all but the code and the name."""
EXTENDED_HEAD = ("Đơn vị", "Nhiệm vụ", "Vị trí", "Nội dung", "Kỳ/mốc", "Hạn theo kế hoạch", "Hạn gia hạn",
                 "Văn bản gia hạn", "Hoàn thành", "Trạng thái")
LINE_HEAD = ("Đơn vị", "Nhiệm vụ", "Vị trí", "Nội dung", "Kỳ/mốc", "Hạn", "Hoàn thành", "Trạng thái", "Số ngày trễ",
             "Minh chứng")


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _unit_cells(u: UnitStats, split: bool = False) -> list[str]:
    """A row's cells; a unit of a commune has the commune in its code cell ("Xuân Trường · TTPVHCC"), or with
    `split` (CSV, Markdown) in a first cell of its own."""
    counts = [u.name, str(u.total), str(u.on_time), str(u.late), str(u.overdue), str(u.pending), str(u.in_progress),
              str(u.not_started), str(u.extended), pct(u.on_time_rate)]
    if split:
        return [u.commune or "", u.code, *counts]
    return [f"{u.commune} · {u.code}" if u.commune else u.code, *counts]


def heads(rep: Report, head=HEAD, split: bool = False) -> tuple:
    """The headings of the rows `rep.by` makes: a commune's ("Xã", "Cơ quan ban hành"), or a unit's, with the
    commune first by commune and unit."""
    if rep.by == "commune":
        return ("Xã", "Cơ quan ban hành", *head[2:])
    if rep.by == "commune,unit":
        return ("Xã", *head) if split else (f"Xã · {head[0]}", *head[1:])
    return head


def _line_cells(ln) -> list[str]:
    period = " · ".join(x for x in (ln.milestone, ln.occurrence) if x)
    # evidence is typed by users and kept in the progress store: no terminal controls from it
    return [f"{ln.commune} · {ln.unit}" if ln.commune else ln.unit, ln.ref, ln.path, clean_text(ln.title or ""), period, fmt(ln.due), fmt(ln.done) if ln.done else "",
            ln.status, str(ln.days_late), clean_text(ln.evidence or "")]


def render(rep: Report, kind: str, csv_table: str = "units", width: int = 120) -> str:
    if kind == "csv":
        return to_csv(rep, csv_table)
    if kind == "table":
        return table(rep, width)
    return {"md": markdown, "json": to_json}[kind](rep)


def _subtitle(rep: Report) -> str:
    span = "" if fmt(rep.start) in rep.period_label else f" ({fmt(rep.start)} – {fmt(rep.end)})"
    head = f"Kỳ báo cáo: {rep.period_label}{span}; số liệu tính đến ngày {fmt(rep.today)}"
    gap = gap_text(rep.left_out)
    return f"{head}\n{gap}" if gap else head


SHORT_HEAD = ("Mã", "Đơn vị", "Đến hạn", "Đúng hạn", "Trễ", "Quá hạn", "Còn hạn", "Đang làm", "Chưa làm", "Gia hạn",
              "Tỷ lệ")
SHORT_LEGEND = ("Trễ: hoàn thành quá hạn; Quá hạn: quá hạn, chưa xong; Còn hạn: chưa xong, còn trong hạn; "
                "Đang làm, Chưa làm: việc chưa xong có, chưa có báo cáo tiến độ; Gia hạn: đã gia hạn (tính theo "
                "hạn mới); Tỷ lệ: tỷ lệ đúng hạn.")
SHORT_LEGEND_NARROW = ("Trễ: hoàn thành quá hạn; Quá hạn: quá hạn, chưa xong; Còn hạn: chưa xong, còn trong hạn; "
                       "Tỷ lệ: tỷ lệ đúng hạn. Việc đang làm, chưa làm, đã gia hạn: xem ở màn hình rộng hơn hoặc "
                       "--format csv.")
_NAME_MAX, _BAR_MAX, _BAR_MIN = 40, 20, 10


def table(rep: Report, width: int = 120) -> str:
    """The report for a terminal `width` columns wide: the unit table with the on-time rate as a bar (the full
    headings when they fit, else short ones with a legend; then the bar, then the names give way), and the late
    and overdue items, each wrapped under its unit."""
    from tthc_cli.outputs.items import hanging

    out = [*hanging(rep.title, width, 0), *(x for line in _subtitle(rep).split("\n") for x in hanging(line, width)), ""]
    if not rep.units:
        out.append("Không có nhiệm vụ nào đến hạn trong kỳ.")
        return "\n".join(out) + "\n"
    rows = [_unit_cells(u) for u in (*rep.units, rep.totals)]
    stats = [*rep.units, rep.totals]
    full, short = heads(rep, HEAD), heads(rep, SHORT_HEAD)
    layout = _layout(rows, full, width) or _layout(rows, short, width) or _layout(rows, short, width, True)
    head, widths, bar_width = layout
    if head is short:
        legend = SHORT_LEGEND if widths[WORK_COLUMNS[0]] else SHORT_LEGEND_NARROW
        out.extend(hanging(legend, width))
    shown = [i for i, w in enumerate(widths) if w]

    def line(cells, right=True):  # a name too long is cut at a word
        return "  ".join(cells[i].rjust(widths[i]) if right and i >= 2 else shorten(cells[i], widths[i]).ljust(widths[i])
                         for i in shown)

    out.append(line(head, right=False).rstrip())
    rule = "  ".join("─" * widths[i] for i in shown)
    out.append(rule)
    for k, (cells, st) in enumerate(zip(rows, stats)):
        if k == len(rep.units):
            out.append(rule)
        rate = st.on_time_rate
        filled = 0 if rate is None else round(rate * bar_width)
        bar = "" if rate is None or not bar_width else "█" * filled + "░" * (bar_width - filled)
        out.append(f"{line(cells)}  {bar}".rstrip())
    out += ["", f"Việc quá hạn và hoàn thành quá hạn ({len(rep.lines)}):"]
    for ln in rep.lines:
        c = _line_cells(ln)
        done = f", xong {c[6]}" if c[6] else ""
        ev = f" — minh chứng: {c[9]}" if c[9] else ""
        period = f" [{c[4]}]" if c[4] else ""
        text = f"{c[0]}  {c[1]}{period}: {shorten(c[3], 70)} — hạn {c[5]}{done}, {c[7].lower()} {c[8]} ngày{ev}"
        out.extend("  " + x for x in hanging(text, width - 2))
    if not rep.lines:
        out.append("  (không có)")
    if rep.extended:
        out += ["", f"Việc đã gia hạn ({len(rep.extended)}):"]
        for ln in rep.extended:
            c = _extended_cells(ln)
            period = f" [{c[4]}]" if c[4] else ""
            done = f", xong {c[8]}" if c[8] else ""
            text = (f"{c[0]}  {c[1]}{period}: {shorten(c[3], 70)} — hạn {c[5]} → {c[6]} theo {c[7] or '(không ghi)'}"
                    f"{done}, {c[9].lower()}")
            out.extend("  " + x for x in hanging(text, width - 2))
    return "\n".join(out) + "\n"


def _extended_cells(ln) -> list[str]:
    period = " · ".join(x for x in (ln.milestone, ln.occurrence) if x)
    return [f"{ln.commune} · {ln.unit}" if ln.commune else ln.unit, ln.ref, ln.path, clean_text(ln.title or ""),
            period, fmt(ln.extended_from) if ln.extended_from else "", fmt(ln.due), clean_text(ln.extension or ""),
            fmt(ln.done) if ln.done else "", ln.status]


WORK_COLUMNS = (7, 8, 9)
"""Đang thực hiện, Chưa triển khai, Đã gia hạn: the last to give way on a narrow terminal (JSON, CSV, Markdown and
xlsx keep them)."""


def _layout(rows, head, width: int, narrow: bool = False, skip=()):
    """(headings, column widths, bar width) when the table fits `width` with these headings: the name column
    (at most 40) and a bar of 10–20 first; `narrow`, the bar and then the name column left out (a width of 0);
    the columns in `skip` left out too."""
    widths = [0 if i in skip else max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    name = min(widths[1], _NAME_MAX)
    fixed = sum(widths) - widths[1] + 2 * (len(head) - 1 - len(skip))
    room = width - fixed - name
    if room >= _BAR_MIN + 2:
        return head, [*widths[:1], name, *widths[2:]], min(_BAR_MAX, room - 2)
    if not narrow:
        return None
    if width - fixed >= 12:  # no bar; the names as they fit
        return head, [*widths[:1], min(name, width - fixed), *widths[2:]], 0
    if not skip and width - fixed < 0:  # still too wide without the names: the work columns give way
        return _layout(rows, head, width, True, WORK_COLUMNS)
    return head, [*widths[:1], 0, *widths[2:]], 0


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown(rep: Report) -> str:
    out = [f"# {rep.title}", "", _subtitle(rep), ""]
    split = rep.by == "commune,unit"
    head = heads(rep, HEAD, split)
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] * (len(head) - NUMBERS) + ["---:"] * NUMBERS) + "|")
    for u in (*rep.units, rep.totals):
        out.append("| " + " | ".join(_md_escape(c) for c in _unit_cells(u, split)) + " |")
    out += ["", f"## Việc quá hạn và hoàn thành quá hạn ({len(rep.lines)})", ""]
    if rep.lines:
        out.append("| " + " | ".join(_line_head(rep)) + " |")
        out.append("|" + "|".join(["---"] * len(_line_head(rep))) + "|")
        for ln in rep.lines:
            out.append("| " + " | ".join(_md_escape(c) for c in _split_line(rep, ln)) + " |")
    else:
        out.append("Không có.")
    if rep.extended:
        out += ["", f"## Việc đã gia hạn ({len(rep.extended)})", "",
                "| " + " | ".join(EXTENDED_HEAD) + " |", "|" + "|".join(["---"] * len(EXTENDED_HEAD)) + "|"]
        out += ["| " + " | ".join(_md_escape(c) for c in _extended_cells(ln)) + " |" for ln in rep.extended]
    return "\n".join(out) + "\n"


def to_csv(rep: Report, which: str = "units") -> str:
    """One table of the report as CSV (pandas and Excel read one table a file): "units", a row per unit and the
    total, the rate as the terminal shows it ("11,1%"); or "lines", the late and overdue items. After a
    byte-order mark for Excel; text that a spreadsheet would run as a formula is kept as text."""
    from tthc_cli.outputs.items import CSV_BOM

    buf = io.StringIO()
    buf.write(CSV_BOM)
    w = _SafeWriter(csv.writer(buf, lineterminator="\n"))
    split = rep.by == "commune,unit"
    if which == "units":
        w.writerow(heads(rep, HEAD, split))
        for u in (*rep.units, rep.totals):
            w.writerow(_unit_cells(u, split))
        return buf.getvalue()
    if which == "extended":
        w.writerow(EXTENDED_HEAD)
        for ln in rep.extended:
            c = _extended_cells(ln)
            c[5], c[6] = ln.extended_from.isoformat() if ln.extended_from else "", ln.due.isoformat()
            c[8] = ln.done.isoformat() if ln.done else ""
            w.writerow(c)
        return buf.getvalue()
    w.writerow(_line_head(rep))
    for ln in rep.lines:
        c = _line_cells(ln)
        c[5], c[6] = ln.due.isoformat(), ln.done.isoformat() if ln.done else ""
        w.writerow(_split_line(rep, ln, c))
    return buf.getvalue()


def _line_head(rep: Report) -> tuple:
    return LINE_HEAD if rep.by == "unit" else ("Xã", *LINE_HEAD)


def _split_line(rep: Report, ln, cells=None) -> list[str]:
    """A late item's cells with its commune in a cell of its own (CSV, Markdown)."""
    cells = list(cells if cells is not None else _line_cells(ln))
    if rep.by == "unit":
        return cells
    cells[0] = ln.unit
    return [ln.commune or "", *cells]


class _SafeWriter:
    """A csv writer whose every field goes through `formula_safe`."""

    def __init__(self, writer):
        self._w = writer

    def writerow(self, row) -> None:
        self._w.writerow([formula_safe(v) for v in row])


def to_json(rep: Report) -> str:
    def unit(u: UnitStats) -> dict:
        return {"commune": (u.commune if rep.by == "commune,unit" else u.code if rep.by == "commune" else None) or None,
                "code": u.code, "name": u.name, "total": u.total, "in_progress": u.in_progress,
                "not_started": u.not_started, "extended": u.extended, "on_time": u.on_time, "late": u.late,
                "overdue": u.overdue, "pending": u.pending, "on_time_rate": u.on_time_rate}

    data = {
        "title": rep.title, "by": rep.by, "period": rep.period_label, "start": rep.start.isoformat(), "end": rep.end.isoformat(),
        "left_out": [{"file": file, "why": why} for file, why in rep.left_out],
        "today": rep.today.isoformat(), "units": [unit(u) for u in rep.units], "totals": unit(rep.totals),
        "lines": [{"commune": ln.commune, "unit": ln.unit, "plan": ln.plan, "ref": ln.ref, "path": ln.path, "title": ln.title,
                   "occurrence": ln.occurrence, "milestone": ln.milestone, "due": ln.due.isoformat(),
                   "done": ln.done.isoformat() if ln.done else None, "status": ln.status,
                   "days_late": ln.days_late, "evidence": ln.evidence,
                   "extended_from": ln.extended_from.isoformat() if ln.extended_from else None,
                   "extension_evidence": ln.extension} for ln in rep.lines],
        "extended": [{"commune": ln.commune, "unit": ln.unit, "plan": ln.plan, "ref": ln.ref, "path": ln.path,
                      "title": ln.title, "occurrence": ln.occurrence, "milestone": ln.milestone,
                      "extended_from": ln.extended_from.isoformat() if ln.extended_from else None,
                      "extended_to": ln.due.isoformat(), "extension_evidence": ln.extension,
                      "done": ln.done.isoformat() if ln.done else None, "status": ln.status}
                     for ln in rep.extended],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
