"""`check` as lines: one per unit, with a mark a reader sees at a glance."""

from __future__ import annotations

from datetime import date

from tthc_cli.core.deadline import fmt
from tthc_cli.core.text import shorten


def check_lines(rows, today: date, width: int = 80) -> list[str]:
    """The lines `check` prints for the summaries of core.summary.unit_summaries, one per unit, each within
    `width` where it can be: a long name as written is shortened at a word ("…"), then the date left out."""
    lines = []
    for code, c in rows:
        mark = "QUÁ HẠN" if c["overdue"] else ("CẦN LÀM" if c["today"] or c["soon"] else "ỔN")
        counts = f"{c['overdue']} quá hạn, {c['today']} hôm nay, {c['soon']} sắp đến hạn, {c['done']} đã xong"
        day = f" ({fmt(today)})"
        room = width - len(f": {mark} — {counts}{day}")
        if len(code) > room:
            code = shorten(code, max(room, 12))
        line = f"{code}: {mark} — {counts}{day}"
        lines.append(line if len(line) <= width else line[:-len(day)])
    if not lines:
        lines.append(f"Không có việc có hạn nào ({fmt(today)}).")
    return lines

