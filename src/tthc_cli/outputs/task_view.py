"""One task, in full: as JSON data (`show --format json`) and as terminal text (`show`)."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from tthc_cli.core.deadline import fmt
from tthc_cli.core.lookup import leaves
from tthc_cli.core.model import Task
from tthc_cli.core.progress import EMPTY
from tthc_cli.core.queries import items_of
from tthc_cli.outputs.history import kind_vi
from tthc_cli.outputs.items import days_text, due_text, extension_text, progress_text


def show_json(task: Task, today: date, progress=EMPTY, days=None, warn_days: int = 7, roll=None) -> dict:
    """The task, its items with their status as of `today`, and its progress records, as JSON data."""
    res = task.resolution
    return {
        "ref": task.ref,
        "plan": task.plan.id,
        "plan_title": task.plan.title,
        "commune": task.plan.commune.label if task.plan.commune else None,
        "file": task.plan.file,
        "task": task.id,
        "path": task.path_ids,
        "breadcrumb": [t.title or t.product for t in task.ancestors()],
        "title": task.title,
        "product": task.product,
        "lead": [{"text": r.text, "code": r.unit.code if r.unit else None,
                  "kind": r.unit.kind if r.unit else "unknown"} for r in task.lead],
        "support": [{"text": r.text, "code": r.unit.code if r.unit else None,
                     "kind": r.unit.kind if r.unit else "unknown"} for r in task.support],
        "deadline": task.deadline,
        "resolution": res.to_json() if res else None,
        "notes": task.notes,
        "after": list(task.after),
        "children": [c.id for c in task.children],
        "items": [
            {"task": c.id, "due": i.due.isoformat() if i.due else None, "status": i.status,
             "occurrence": i.occurrence, "milestone": i.milestone, "days": i.days(today),
             "done": i.done.isoformat() if i.done else None, "evidence": i.evidence,
             "extended_from": i.extended_from.isoformat() if i.extended_from else None,
             "extension_evidence": i.extension.evidence if i.extension is not None else None, "state": i.state,
             "progress": i.progress.percent if i.progress is not None else None,
             "progress_note": i.progress.note if i.progress is not None else None,
             "day_off": days.reason(i.due) if days is not None and i.due and days.is_day_off(i.due) else None}
            for c in ([task] if task.is_leaf else leaves(task)) for i in items_of(c, today, warn_days, progress, roll)
        ],
        "history": [
            {"id": e.id, "kind": e.kind, "task": e.task, "milestone": e.milestone or None,
             "occurrence": e.occurrence or None, "day": e.day.isoformat() if e.day else None,
             "due": e.due.isoformat() if e.due else None, "evidence": e.evidence, "note": e.note, "who": e.who,
             "percent": e.percent,
             "recorded_at": e.recorded_at.isoformat() if e.recorded_at else None}
            for c in ([task] if task.is_leaf else leaves(task))
            for e in reversed(progress.by_task.get((task.plan.id, c.id), []))
        ],
    }


def show_text(task: Task, today: date, progress=EMPTY, days=None, warn_days: int = 7, roll=None, *,
              width: int = 120, colour: bool = False) -> str:
    """The task as the terminal shows it: where it sits, units, deadline, each occurrence with its status, history."""
    con = Console(file=io.StringIO(), highlight=False, width=width, force_terminal=colour, no_color=not colour,
                  color_system="standard" if colour else None)
    p = task.plan
    con.print(f"[bold]{task.ref}[/bold]  {task.path_ids}")
    for anc in task.ancestors():
        con.print(f"  {anc.local_id} {anc.title or anc.product}", style="dim")
    if task.title:
        con.print(f"[bold]Nhiệm vụ:[/bold] {task.title}")
    if task.product:
        con.print(f"[bold]Sản phẩm:[/bold] {task.product}")
    con.print(f"[bold]Kế hoạch:[/bold] {p.title} ({p.document or p.id}; {p.file})")
    if p.commune is not None:
        con.print(f"[bold]Xã:[/bold] {p.commune.body}")
    names = lambda refs: ", ".join(r.text + (f" [{r.unit.code}]" if r.unit else " [?]") for r in refs) or "—"  # noqa: E731
    con.print(f"[bold]Chủ trì:[/bold] {names(task.lead)}")
    con.print(f"[bold]Phối hợp:[/bold] {names(task.support)}")
    con.print(f"[bold]Thời hạn:[/bold] {task.deadline or '—'}")
    if task.notes:
        con.print(f"[bold]Ghi chú:[/bold] {task.notes}")
    if task.after:
        con.print(f"[bold]Làm sau:[/bold] {', '.join(task.after)}")
    res = task.resolution
    if res is not None:
        for lag in (r.lag for r in (res, *(m.resolution for m in res.milestones)) if r.lag is not None):
            con.print(f"  hạn tính từ sự kiện: {lag.describe()} (`tthc trigger` tính hạn khi ghi nhận sự kiện)",
                      markup=False)
    if res and res.warnings:
        for w in res.warnings:
            con.print(f"  cảnh báo: {w}", style="yellow")
    nodes = [task] if task.is_leaf else list(leaves(task))
    con.print(f"[bold]Kỳ hạn (ngày {fmt(today)}):[/bold]")
    for leaf in nodes:
        for i in items_of(leaf, today, warn_days, progress, roll):
            what = " · ".join(x for x in (leaf.id if leaf is not task else "", i.milestone, i.occurrence) if x)
            left = days_text(i.days(today)) if i.is_open else f"xong {i.done.strftime('%d/%m/%Y')}" if i.done else ""
            ev = f" — minh chứng: {i.evidence}" if i.evidence else ""
            con.print(f"  {due_text(i.due, days) or '—':<22} {i.status:<20} {left:<16} {what}{ev}", markup=False)
            for extra in (extension_text(i) if i.extension is not None else None, progress_text(i)):
                if extra:
                    con.print(f"  {'':<22} {extra}", markup=False)
    events = [e for leaf in nodes for e in progress.by_task.get((task.plan.id, leaf.id), [])]
    if events:
        con.print("[bold]Lịch sử:[/bold]")
        for e in sorted(events, key=lambda e: e.id or 0, reverse=True):
            bits = " · ".join(x for x in (e.milestone, e.occurrence) if x)
            day = e.day.strftime("%d/%m/%Y") if e.day else ""
            what = kind_vi(e.kind, e.due) + (f" {e.percent}%" if e.percent is not None else "")
            to = f" đến {e.due.strftime('%d/%m/%Y')}" if e.due and e.kind in ("extend", "undone") else ""
            note = "".join(f" — {x}" for x in (e.evidence, e.note) if x)
            con.print(f"  #{e.id} {what} {day}{to} {bits} ({e.who}){note}".rstrip(), markup=False)
    return con.file.getvalue()
