"""Rows for output: items as dicts (JSON, CSV) and as a terminal table.

Building rows is separate from writing them; `rich` is imported only when a
table is drawn, so `--format json` and `csv` start faster.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from tthc_cli.deadline import fmt
from tthc_cli.queries import OVERDUE, TODAY, Item

GROUPS = (("overdue", "QUÁ HẠN"), ("today", "ĐẾN HẠN HÔM NAY"), ("upcoming", "SẮP TỚI"), ("later", "CHƯA ĐẾN HẠN"),
          ("undated", "KHÔNG CÓ HẠN CỤ THỂ"))
WEEKEND_MARK = {5: "T7", 6: "CN"}
CSV_FIELDS = ("group", "status", "plan", "task", "path", "title", "product", "milestone", "occurrence",
              "deadline", "due", "days", "lead", "support")


def group_of(item: Item, today: date, horizon: date | None) -> str:
    if item.due is None:
        return "undated"
    if item.status == OVERDUE:
        return "overdue"
    if item.status == TODAY:
        return "today"
    if horizon is None or item.due <= horizon:
        return "upcoming"
    return "later"


def item_row(item: Item, today: date, horizon: date | None = None) -> dict:
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
        "lead": [r.text for r in t.lead],
        "lead_codes": [r.unit.code if r.unit else None for r in t.lead],
        "support": [r.text for r in t.support],
        "file": t.plan.file,
    }


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        flat = dict(r)
        for k in ("lead", "support"):
            flat[k] = "; ".join(r[k])
        w.writerow(flat)
    return buf.getvalue()


def days_text(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"quá {-days} ngày"
    if days == 0:
        return "hôm nay"
    return f"còn {days} ngày"


def due_text(day: date | None) -> str:
    if day is None:
        return ""
    mark = WEEKEND_MARK.get(day.weekday())
    return fmt(day) + (f" ({mark})" if mark else "")


def deadline_cell(item: Item) -> str:
    text = item.deadline_text or item.task.deadline or ""
    if item.milestone:
        text = f"{item.milestone}: {text}"
    if item.occurrence:
        text = f"{text} — {item.occurrence}"
    return text


def title_cell(item: Item) -> str:
    t = item.task
    if t.title:
        return t.title
    parent = t.parent.title if t.parent and t.parent.title else ""
    return f"{parent} — {t.product}" if parent else (t.product or "")


def print_table(items: list[Item], today: date, horizon: date | None, caption: str | None,
                footer: str | None, title: str | None) -> None:
    """Items grouped (overdue, today, upcoming …) in a rich table on stdout."""
    from rich.console import Console
    from rich.table import Table
    from rich import box

    console = Console(highlight=False)
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=False, expand=False, title_justify="left",
                  caption=caption, caption_justify="left")
    several_plans = len({it.task.plan.id for it in items}) > 1
    table.add_column("Vị trí", no_wrap=True, min_width=6)
    table.add_column("Nhiệm vụ", ratio=5, min_width=20)
    table.add_column("Chủ trì", ratio=1, min_width=8)
    table.add_column("Thời hạn", ratio=2, min_width=12)
    table.add_column("Hạn", no_wrap=True, min_width=10)
    table.add_column("Còn/quá", no_wrap=True, min_width=11)
    if several_plans:
        table.add_column("Kế hoạch", ratio=1, min_width=10, overflow="fold")
    styles = {"overdue": "bold red", "today": "bold yellow", "upcoming": "cyan", "later": "", "undated": "dim"}
    buckets: dict[str, list[Item]] = {}
    for it in items:
        buckets.setdefault(group_of(it, today, horizon), []).append(it)
    for key, heading in GROUPS:
        rows = buckets.get(key)
        if not rows:
            continue
        label = heading
        if key == "upcoming" and horizon is not None:
            label = f"{heading} (đến {fmt(horizon)})"
        table.add_row(f"[{styles[key]}]{label} ({len(rows)})[/]" if styles[key] else f"{label} ({len(rows)})",
                      end_section=False)
        for it in rows:
            t = it.task
            table.add_row(
                t.path_ids,
                title_cell(it),
                ", ".join(r.display for r in t.lead),
                deadline_cell(it) if it.due else f"{deadline_cell(it)} ({it.status})",
                due_text(it.due),
                days_text(it.days(today)),
                *((t.plan.id,) if several_plans else ()),
            )
        table.add_section()
    if items and not several_plans:
        plan = items[0].task.plan
        console.print(f"Kế hoạch: {plan.title} ({plan.document or plan.id})", style="dim")
    if not items:
        console.print(title or "")
        console.print("Không có nhiệm vụ nào trong khoảng này.")
    else:
        console.print(table)
    if footer:
        console.print(footer)
