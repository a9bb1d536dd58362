"""A period report as text: terminal table (with the on-time rate as a bar),
Markdown, CSV and JSON. The xlsx is in report_xlsx.py."""

from __future__ import annotations

import csv
import io
import json

from tthc_cli.core.deadline import fmt
from tthc_cli.core.report import Report, UnitStats, gap_text
from tthc_cli.core.text import clean_text, formula_safe

HEAD = ("Mã", "Đơn vị", "Đến hạn", "Đúng hạn", "Quá hạn (đã xong)", "Quá hạn (chưa xong)", "Còn trong hạn",
        "Tỷ lệ đúng hạn")
LINE_HEAD = ("Đơn vị", "Nhiệm vụ", "Vị trí", "Nội dung", "Kỳ/mốc", "Hạn", "Hoàn thành", "Trạng thái", "Số ngày trễ",
             "Minh chứng")


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _unit_cells(u: UnitStats) -> list[str]:
    return [u.code, u.name, str(u.total), str(u.on_time), str(u.late), str(u.overdue), str(u.pending),
            pct(u.on_time_rate)]


def _line_cells(ln) -> list[str]:
    period = " · ".join(x for x in (ln.milestone, ln.occurrence) if x)
    # evidence is typed by users and kept in the progress store: no terminal controls from it
    return [ln.unit, ln.ref, ln.path, clean_text(ln.title or ""), period, fmt(ln.due), fmt(ln.done) if ln.done else "",
            ln.status, str(ln.days_late), clean_text(ln.evidence or "")]


def render(rep: Report, kind: str, csv_table: str = "units") -> str:
    if kind == "csv":
        return to_csv(rep, csv_table)
    return {"table": table, "md": markdown, "json": to_json}[kind](rep)


def _subtitle(rep: Report) -> str:
    span = "" if fmt(rep.start) in rep.period_label else f" ({fmt(rep.start)} – {fmt(rep.end)})"
    head = f"Kỳ báo cáo: {rep.period_label}{span}; số liệu tính đến ngày {fmt(rep.today)}"
    gap = gap_text(rep.left_out)
    return f"{head}\n{gap}" if gap else head


def table(rep: Report, bar_width: int = 20) -> str:
    rows = [_unit_cells(u) for u in rep.units]
    if rep.units:
        rows.append(_unit_cells(rep.totals))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(HEAD)]
    widths[1] = min(widths[1], 40)

    def cut(s, w):
        return s if len(s) <= w else s[: w - 1] + "…"

    out = [rep.title, _subtitle(rep), ""]
    if not rep.units:
        out.append("Không có nhiệm vụ nào đến hạn trong kỳ.")
        return "\n".join(out) + "\n"
    out.append("  ".join(cut(h, widths[i]).ljust(widths[i]) for i, h in enumerate(HEAD)))
    out.append("  ".join("─" * w for w in widths))
    for k, r in enumerate(rows):
        stats = rep.units[k] if k < len(rep.units) else rep.totals
        rate = stats.on_time_rate
        bar = "" if rate is None else "█" * round(rate * bar_width) + "░" * (bar_width - round(rate * bar_width))
        cells = [cut(c, widths[i]).rjust(widths[i]) if 2 <= i else cut(c, widths[i]).ljust(widths[i])
                 for i, c in enumerate(r)]
        if k == len(rep.units):
            out.append("  ".join("─" * w for w in widths))
        out.append("  ".join(cells) + "  " + bar)
    out += ["", f"Việc quá hạn và hoàn thành quá hạn ({len(rep.lines)}):"]
    for ln in rep.lines:
        c = _line_cells(ln)
        done = f", xong {c[6]}" if c[6] else ""
        ev = f" — minh chứng: {c[9]}" if c[9] else ""
        period = f" [{c[4]}]" if c[4] else ""
        out.append(f"  {c[0]}  {c[1]}{period}: {c[3][:70]} — hạn {c[5]}{done}, {c[7].lower()} {c[8]} ngày{ev}")
    if not rep.lines:
        out.append("  (không có)")
    return "\n".join(out) + "\n"


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown(rep: Report) -> str:
    out = [f"# {rep.title}", "", _subtitle(rep), ""]
    out.append("| " + " | ".join(HEAD) + " |")
    out.append("|" + "|".join(["---", "---"] + ["---:"] * (len(HEAD) - 2)) + "|")
    for u in (*rep.units, rep.totals):
        out.append("| " + " | ".join(_md_escape(c) for c in _unit_cells(u)) + " |")
    out += ["", f"## Việc quá hạn và hoàn thành quá hạn ({len(rep.lines)})", ""]
    if rep.lines:
        out.append("| " + " | ".join(LINE_HEAD) + " |")
        out.append("|" + "|".join(["---"] * len(LINE_HEAD)) + "|")
        for ln in rep.lines:
            out.append("| " + " | ".join(_md_escape(c) for c in _line_cells(ln)) + " |")
    else:
        out.append("Không có.")
    return "\n".join(out) + "\n"


def to_csv(rep: Report, which: str = "units") -> str:
    """One table of the report as CSV (pandas and Excel read one table a file): "units", a row per unit and the
    total, the rate as the terminal shows it ("11,1%"); or "lines", the late and overdue items. After a
    byte-order mark for Excel; text that a spreadsheet would run as a formula is kept as text."""
    from tthc_cli.outputs.items import CSV_BOM

    buf = io.StringIO()
    buf.write(CSV_BOM)
    w = _SafeWriter(csv.writer(buf, lineterminator="\n"))
    if which == "units":
        w.writerow(HEAD)
        for u in (*rep.units, rep.totals):
            w.writerow(_unit_cells(u))
        return buf.getvalue()
    w.writerow(LINE_HEAD)
    for ln in rep.lines:
        c = _line_cells(ln)
        c[5], c[6] = ln.due.isoformat(), ln.done.isoformat() if ln.done else ""
        w.writerow(c)
    return buf.getvalue()


class _SafeWriter:
    """A csv writer whose every field goes through `formula_safe`."""

    def __init__(self, writer):
        self._w = writer

    def writerow(self, row) -> None:
        self._w.writerow([formula_safe(v) for v in row])


def to_json(rep: Report) -> str:
    def unit(u: UnitStats) -> dict:
        return {"code": u.code, "name": u.name, "total": u.total, "on_time": u.on_time, "late": u.late,
                "overdue": u.overdue, "pending": u.pending, "on_time_rate": u.on_time_rate}

    data = {
        "title": rep.title, "period": rep.period_label, "start": rep.start.isoformat(), "end": rep.end.isoformat(),
        "left_out": [{"file": file, "why": why} for file, why in rep.left_out],
        "today": rep.today.isoformat(), "units": [unit(u) for u in rep.units], "totals": unit(rep.totals),
        "lines": [{"unit": ln.unit, "plan": ln.plan, "ref": ln.ref, "path": ln.path, "title": ln.title,
                   "occurrence": ln.occurrence, "milestone": ln.milestone, "due": ln.due.isoformat(),
                   "done": ln.done.isoformat() if ln.done else None, "status": ln.status,
                   "days_late": ln.days_late, "evidence": ln.evidence} for ln in rep.lines],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
