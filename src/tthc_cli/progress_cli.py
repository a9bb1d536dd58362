"""Use cases behind `done`, `undo`, `trigger`, `history` and `check`: which
item a command is about, and the lines they print. No store access here:
the CLI passes what the session read."""

from __future__ import annotations

from datetime import date

from tthc_cli.core.deadline import fmt
from tthc_cli.errors import TaskNotFoundError, UsageError
from tthc_cli.core.model import Task
from tthc_cli.core.queries import OVERDUE, SOON, TODAY, Item, items_of
from tthc_cli.core.text import fold_diacritics


def _fold(s: str | None) -> str:
    """Lower case, no accents, single spaces, quarters in roman numerals ("Quý 2/2026" = "quy ii/2026")."""
    import re

    out = " ".join(fold_diacritics((s or "").lower()).split())
    return re.sub(r"\bquy\s*([1-4])\b", lambda m: "quy " + ("i", "ii", "iii", "iv")[int(m.group(1)) - 1], out)


def describe(task: Task, item: Item) -> str:
    parts = [task.ref]
    if item.milestone:
        parts.append(f'mốc "{item.milestone}"')
    if item.occurrence:
        parts.append(f"kỳ {item.occurrence}")
    return ", ".join(parts)


def pick_item(task: Task, milestone: str | None, occurrence: str | None, today: date, progress,
              want_open: bool | None, *, warn_days: int = 7, days=None) -> Item:
    """The one item of `task` that --milestone/--occurrence name; several → list them and refuse.

    With neither option, a task with one item means that item. `want_open`
    narrows the candidates (open items for `done`, done items for `undo`)
    when that leaves exactly one.
    """
    if not task.is_leaf:
        kids = ", ".join(c.id for c in task.children)
        raise TaskNotFoundError(f"{task.ref} là nhóm nhiệm vụ; hãy chọn một nhiệm vụ con: {kids}")
    items = items_of(task, today, warn_days, progress, days)  # the same items `due` and `list` show
    if milestone:
        want = _fold(milestone)
        exact = [i for i in items if _fold(i.milestone) == want]
        labels_here = {i.milestone for i in items if i.milestone and _fold(i.milestone).startswith(want)}
        items = exact or ([i for i in items if i.milestone in labels_here] if len(labels_here) == 1 else [])
        if not items:
            labels = sorted({i.milestone for i in items_of(task, today, 7, progress) if i.milestone})
            raise UsageError(f'{task.ref} không có mốc "{milestone}"' +
                             (f" (có: {'; '.join(labels)})" if labels else " (nhiệm vụ không chia mốc)"))
    if occurrence:
        occ = occurrence.strip()
        try:
            on = date.fromisoformat(occ)
        except ValueError:
            on = None
        matched = [i for i in items if (on is not None and i.due == on) or _fold(i.occurrence) == _fold(occ)]
        if not matched:
            labels = [i.occurrence or fmt(i.due) for i in items if i.due]
            raise UsageError(f'{task.ref} không có kỳ "{occurrence}"' +
                             (f" (có: {'; '.join(labels)})" if labels else ""))
        items = matched
    if len(items) > 1 and want_open is not None:
        narrowed = [i for i in items if i.is_open == want_open]
        if len(narrowed) == 1:
            items = narrowed
    if len(items) == 1:
        item = items[0]
        if want_open is True and not item.is_open:
            raise UsageError(f"{describe(task, item)} đã được ghi hoàn thành ngày {fmt(item.done)}"
                             f"{f' (minh chứng: {item.evidence})' if item.evidence else ''}; muốn sửa thì "
                             f"`tthc undo` trước rồi ghi lại")
        if want_open is False and item.is_open:
            raise UsageError(f"{describe(task, item)} chưa được ghi hoàn thành: không có gì để bỏ")
        return item
    if not items:
        raise UsageError(f"{task.ref}: không có kỳ hạn nào để ghi nhận")
    lines = "\n".join(f"  {_item_hint(i)}" for i in items[:24])
    raise UsageError(f"{task.ref} có {len(items)} kỳ hạn/mốc; hãy chỉ rõ bằng --occurrence hoặc --milestone:\n{lines}")


def _item_hint(i: Item) -> str:
    bits = []
    if i.milestone:
        bits.append(f'--milestone "{i.milestone}"')
    if i.occurrence:
        bits.append(f'--occurrence "{i.occurrence}"')
    when = fmt(i.due) if i.due else "không có hạn"
    return f"{' '.join(bits) or '(cả nhiệm vụ)'}  — hạn {when}, {i.status}"


def event_lag(task: Task, label: str):
    """The lag the deadline gives from the awaited event ("10 ngày làm việc kể từ …"), or None."""
    res = task.resolution
    if res is None:
        return None
    if res.kind == "event":
        return res.lag
    for m in res.milestones:
        if (m.label or "") == label and m.resolution.kind == "event":
            return m.resolution.lag
    return None


def event_milestone(task: Task, milestone: str | None) -> str:
    """The milestone a trigger is for: the task's one awaited event, or the one named."""
    res = task.resolution
    if res is None:
        raise UsageError(f"{task.ref} không có thời hạn")
    if res.kind == "event":
        return ""
    if res.kind == "milestones":
        events = [m.label or "" for m in res.milestones if m.resolution.kind == "event"]
        if milestone:
            for label in events:
                if _fold(label) == _fold(milestone):
                    return label
            raise UsageError(f'{task.ref} không có mốc chờ sự kiện "{milestone}"')
        if len(events) == 1:
            return events[0]
    raise UsageError(f'{task.ref} không chờ sự kiện nào (thời hạn: "{task.deadline}"); `tthc trigger` dành cho '
                     f'nhiệm vụ như "Khi có hướng dẫn …"')


KIND_VI = {"done": "hoàn thành", "undone": "bỏ hoàn thành", "trigger": "sự kiện xảy ra", "note": "ghi chú"}


def history_rows(session, ws, task_query: str | None, unit: str | None) -> list[dict]:
    """Events as rows, newest first, for one task, one unit's tasks, or all."""
    from tthc_cli.show import find_task

    progress = session.progress
    tasks = {(p.id, t.id): t for p in ws.plans for t in p.tasks}
    keep = None
    if task_query:
        t = find_task(ws.plans, task_query)
        keep = {(t.plan.id, t.id)}
    elif unit is not None:
        from tthc_cli.core.queries import Selection

        sel = Selection(ws.registry.codes_for(ws.registry.require(unit)), "any")  # as `due --role any` sees it
        keep = {k for k, t in tasks.items() if sel.matches(t, ws.registry)}
    rows = []
    for (plan, tid), events in progress.by_task.items():
        if keep is not None and (plan, tid) not in keep:
            continue
        t = tasks.get((plan, tid))
        for e in events:
            rows.append({
                "id": e.id, "recorded_at": e.recorded_at.isoformat() if e.recorded_at else None, "who": e.who,
                "plan": plan, "task": tid,
                "kind": e.kind, "ref": f"{plan}:{tid}", "title": (t.title or t.product) if t else None,
                "milestone": e.milestone or None, "occurrence": e.occurrence or None,
                "day": e.day.isoformat() if e.day else None, "due": e.due.isoformat() if e.due else None,
                "evidence": e.evidence, "note": e.note, "orphan": t is None,
            })
    rows.sort(key=lambda r: r["id"] or 0, reverse=True)
    return rows


def print_history(rows: list[dict]) -> None:
    import sys

    for r in rows:
        what = KIND_VI.get(r["kind"], r["kind"])
        day = date.fromisoformat(r["day"]).strftime("%d/%m/%Y") if r["day"] else ""
        when = ""
        if r["recorded_at"]:
            from datetime import datetime

            when = datetime.fromisoformat(r["recorded_at"]).astimezone().strftime("%d/%m/%Y %H:%M")
        bits = [f"#{r['id']}", when, r["who"], r["ref"]]
        if r["milestone"]:
            bits.append(f"mốc {r['milestone']}")
        if r["occurrence"]:
            bits.append(f"kỳ {r['occurrence']}")
        line = " · ".join(bits) + f": {what} {day}".rstrip()
        if r["due"]:
            line += f", hạn {date.fromisoformat(r['due']).strftime('%d/%m/%Y')}"
        if r["evidence"]:
            line += f" — minh chứng: {r['evidence']}"
        if r["note"]:
            line += f" — {r['note']}"
        if r["orphan"]:
            line += " [nhiệm vụ không còn trong kế hoạch]"
        sys.stdout.write(line + "\n")


def check_lines(ws, items: list[Item], unit, today: date) -> tuple[list[str], int]:
    """One summary line per unit (its group tasks included, as `due` counts them) and the overdue count.

    Without a unit, tasks that no commune unit leads (an outside body, a name
    missing from the registry) get a line under their lead as written, and the
    overdue count covers every item, so a script never misses one.
    """
    from tthc_cli.core.queries import Selection

    reg = ws.registry
    units = [unit] if unit is not None else reg.commune_units()
    selections = [(u.code, Selection(reg.codes_for(u), "lead")) for u in units]
    per: dict[str, list[Item]] = {}
    for it in items:
        owners = [code for code, sel in selections if sel.matches(it.task, reg)]
        if not owners and unit is None:
            owners = [", ".join(r.text for r in it.task.lead) or "(chưa có cơ quan chủ trì)"]
        for code in owners:
            per.setdefault(code, []).append(it)
    if unit is not None:
        per.setdefault(unit.code, [])
    rows = []
    for code, mine in per.items():
        c = {"overdue": sum(i.status == OVERDUE for i in mine), "today": sum(i.status == TODAY for i in mine),
             "soon": sum(i.status == SOON for i in mine), "done": sum(i.done is not None for i in mine)}
        rows.append((code, c))
    lines = []
    for code, c in sorted(rows, key=lambda r: (r[1]["overdue"] == 0, r[0])):
        mark = "QUÁ HẠN" if c["overdue"] else ("CẦN LÀM" if c["today"] or c["soon"] else "ỔN")
        lines.append(f"{code}: {mark} — {c['overdue']} quá hạn, {c['today']} đến hạn hôm nay, "
                     f"{c['soon']} sắp đến hạn, {c['done']} đã hoàn thành ({fmt(today)})")
    if not lines:
        lines.append(f"Không có việc có hạn nào ({fmt(today)}).")
    overdue = sum(i.status == OVERDUE for i in (per.get(unit.code, []) if unit is not None else items))
    return lines, overdue
