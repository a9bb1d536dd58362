"""`check` as lines: one per unit, with a mark a reader sees at a glance."""

from __future__ import annotations

from datetime import date

from tthc_cli.core.deadline import fmt


def check_lines(rows, today: date) -> list[str]:
    """The lines `check` prints for the summaries of core.summary.unit_summaries."""
    lines = []
    for code, c in rows:
        mark = "QUÁ HẠN" if c["overdue"] else ("CẦN LÀM" if c["today"] or c["soon"] else "ỔN")
        lines.append(f"{code}: {mark} — {c['overdue']} quá hạn, {c['today']} đến hạn hôm nay, "
                     f"{c['soon']} sắp đến hạn, {c['done']} đã hoàn thành ({fmt(today)})")
    if not lines:
        lines.append(f"Không có việc có hạn nào ({fmt(today)}).")
    return lines
