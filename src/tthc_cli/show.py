"""Finding one task by what a user types, and describing it; unit counts."""

from __future__ import annotations

import re
from datetime import date

from tthc_cli.core.deadline import fmt
from tthc_cli.errors import TaskNotFoundError
from tthc_cli.core.model import Plan, Task
from tthc_cli.core.progress import EMPTY
from tthc_cli.core.queries import items_of
from tthc_cli.core.text import clean, fold_diacritics


def find_task(plans: list[Plan], query: str) -> Task:
    """The one task `query` names: plan-id:task-id, a task id, or title words.

    Several matches are listed and refused: tthc never guesses.
    """
    q = clean(query)
    if ":" in q:
        pid, tid = (s.strip() for s in q.split(":", 1))
        for p in plans:
            if p.id == pid and tid in p.by_id:
                return p.by_id[tid]
        raise TaskNotFoundError(f'không có nhiệm vụ "{query}"')
    hits = [p.by_id[q] for p in plans if q in p.by_id]
    if not hits:
        words = _words(q)
        phrase = " ".join(words)
        for p in plans:
            for t in p.tasks:
                hay = _words(f"{t.title} {t.product or ''}")
                if words and set(words) <= set(hay):
                    hits.append(t)
        exact = [t for t in hits if f" {phrase} " in " " + " ".join(_words(f"{t.title} {t.product or ''}")) + " "]
        if len(exact) == 1:
            hits = exact
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise TaskNotFoundError(f'không tìm thấy nhiệm vụ nào khớp "{query}"')
    lines = "\n".join(f"  {t.ref}  {(t.title or t.product or '')[:80]}" for t in hits[:20])
    more = f"\n  … và {len(hits) - 20} nhiệm vụ khác" if len(hits) > 20 else ""
    raise TaskNotFoundError(f'có {len(hits)} nhiệm vụ khớp "{query}"; hãy ghi rõ mã (kế-hoạch:mã):\n{lines}{more}')


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold_diacritics(text.lower()))


def show_json(task: Task, today: date, progress=EMPTY, days=None, warn_days: int = 7, roll=None) -> dict:
    res = task.resolution
    return {
        "ref": task.ref,
        "plan": task.plan.id,
        "plan_title": task.plan.title,
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
             "day_off": days.reason(i.due) if days is not None and i.due and days.is_day_off(i.due) else None}
            for c in ([task] if task.is_leaf else _leaves(task)) for i in items_of(c, today, warn_days, progress, roll)
        ],
        "history": [
            {"id": e.id, "kind": e.kind, "task": e.task, "milestone": e.milestone or None,
             "occurrence": e.occurrence or None, "day": e.day.isoformat() if e.day else None,
             "due": e.due.isoformat() if e.due else None, "evidence": e.evidence, "note": e.note, "who": e.who,
             "recorded_at": e.recorded_at.isoformat() if e.recorded_at else None}
            for c in ([task] if task.is_leaf else _leaves(task))
            for e in reversed(progress.by_task.get((task.plan.id, c.id), []))
        ],
    }


def _leaves(task: Task):
    for c in task.children:
        if c.is_leaf:
            yield c
        else:
            yield from _leaves(c)


def show_text(task: Task, today: date, progress=EMPTY, days=None, warn_days: int = 7, roll=None) -> None:
    from rich.console import Console

    from tthc_cli.outputs.items import days_text, due_text

    con = Console(highlight=False)
    p = task.plan
    con.print(f"[bold]{task.ref}[/bold]  {task.path_ids}")
    for anc in task.ancestors():
        con.print(f"  {anc.local_id} {anc.title or anc.product}", style="dim")
    if task.title:
        con.print(f"[bold]Nhiệm vụ:[/bold] {task.title}")
    if task.product:
        con.print(f"[bold]Sản phẩm:[/bold] {task.product}")
    con.print(f"[bold]Kế hoạch:[/bold] {p.title} ({p.document or p.id}; {p.file})")
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
    leaves = [task] if task.is_leaf else list(_leaves(task))
    con.print(f"[bold]Kỳ hạn (ngày {fmt(today)}):[/bold]")
    for leaf in leaves:
        for i in items_of(leaf, today, warn_days, progress, roll):
            what = " · ".join(x for x in (leaf.id if leaf is not task else "", i.milestone, i.occurrence) if x)
            left = days_text(i.days(today)) if i.is_open else f"xong {i.done.strftime('%d/%m/%Y')}" if i.done else ""
            ev = f" — minh chứng: {i.evidence}" if i.evidence else ""
            con.print(f"  {due_text(i.due, days) or '—':<22} {i.status:<20} {left:<16} {what}{ev}", markup=False)
    events = [e for leaf in leaves for e in progress.by_task.get((task.plan.id, leaf.id), [])]
    if events:
        from tthc_cli.progress_cli import KIND_VI

        con.print("[bold]Lịch sử:[/bold]")
        for e in sorted(events, key=lambda e: e.id or 0, reverse=True):
            bits = " · ".join(x for x in (e.milestone, e.occurrence) if x)
            day = e.day.strftime("%d/%m/%Y") if e.day else ""
            con.print(f"  #{e.id} {KIND_VI.get(e.kind, e.kind)} {day} {bits} ({e.who})".rstrip(), markup=False)


def unit_counts(ws) -> list[dict]:
    """Per unit: leaf tasks it leads and supports by name, and through groups.

    `lead`/`support` count tasks that name the unit (or group, or outside
    body) itself; `lead_total`/`support_total` add, for a unit, the tasks of
    groups it belongs to, which is what `tthc due --unit` shows.
    """
    reg = ws.registry
    leaves = [t for p in ws.plans for t in p.tasks if t.is_leaf]
    direct: dict[str, list[int]] = {}
    total: dict[str, list[int]] = {}
    unknown: dict[str, list[int]] = {}
    for t in leaves:
        for i, refs in enumerate((t.lead, t.support)):
            named, reached = set(), set()
            for r in refs:
                if r.unit is None:
                    unknown.setdefault(r.text, [0, 0])[i] += 1
                    continue
                named.add(r.unit.code)
                reached |= reg.members(r.unit)
            for code in named:
                direct.setdefault(code, [0, 0])[i] += 1
            for code in reached | named:
                total.setdefault(code, [0, 0])[i] += 1
    rows = []
    for u in reg.units.values():
        d, tt = direct.get(u.code, [0, 0]), total.get(u.code, [0, 0])
        row = {"code": u.code, "name": u.name, "kind": u.kind, "lead": d[0], "support": d[1]}
        if u.kind == "unit":
            row.update(lead_total=tt[0], support_total=tt[1])
        rows.append(row)
    for name, (lead, sup) in sorted(unknown.items()):
        rows.append({"code": None, "name": name, "kind": "unknown", "lead": lead, "support": sup})
    return rows
