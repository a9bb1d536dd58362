"""Recording progress (`done`, `undo`, `trigger`, `history`): which item a command is about, what may be
recorded, and the records as rows. Pure: the CLI passes what the session read and writes what this decides."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tthc_cli.core.deadline import fmt
from tthc_cli.core.lookup import find_task
from tthc_cli.core.model import Task
from tthc_cli.core.queries import Item, Selection, items_of
from tthc_cli.core.text import fold_diacritics
from tthc_cli.errors import TaskNotFoundError, UsageError


def _fold(s: str | None) -> str:
    """Lower case, no accents, single spaces, quarters in roman numerals ("Quý 2/2026" = "quy ii/2026")."""
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
        on = _as_day(occ)  # the due date as `list` shows it (09/09/2026) or as ISO (2026-09-09)
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


def history_rows(progress, plans, registry, task_query: str | None, unit: str | None, communes=None) -> list[dict]:
    """Events as rows, newest first, for one task, one unit's tasks, or all; with `communes`, only of the
    plans of those communes (the records of a vanished plan belong to no commune)."""
    tasks = {(p.id, t.id): t for p in plans for t in p.tasks}
    keep = None
    if task_query:
        t = find_task(plans, task_query)
        keep = {(t.plan.id, t.id)}
    elif unit is not None:
        sel = Selection(registry.codes_for(registry.require(unit)), "any")  # as `due --role any` sees it
        keep = {k for k, t in tasks.items() if sel.matches(t, registry)}
    if communes is not None:
        keep = {k for k, t in tasks.items() if t.plan.commune in communes and (keep is None or k in keep)}
    rows = []
    for (plan, tid), events in progress.by_task.items():
        if keep is not None and (plan, tid) not in keep:
            continue
        t = tasks.get((plan, tid))
        for e in events:
            rows.append({
                "id": e.id, "recorded_at": e.recorded_at.isoformat() if e.recorded_at else None, "who": e.who,
                "plan": plan, "task": tid, "commune": t.plan.commune.label if t and t.plan.commune else None,
                "kind": e.kind, "ref": f"{plan}:{tid}", "title": (t.title or t.product) if t else None,
                "milestone": e.milestone or None, "occurrence": e.occurrence or None,
                "day": e.day.isoformat() if e.day else None, "due": e.due.isoformat() if e.due else None,
                "evidence": e.evidence, "note": e.note, "percent": e.percent, "orphan": t is None,
            })
    rows.sort(key=lambda r: r["id"] or 0, reverse=True)
    return rows




def _as_day(text: str) -> date | None:
    """A day written in digits, 2026-09-09 or 09/09/2026; None for anything else (a period's label)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if m is None:
        return None
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        return None


def check_extension(task: Task, item: Item, to: date, earlier: bool) -> None:
    """Refuse an extension (gia hạn) that cannot be: of an item with no due date, to its current due date, or
    earlier than it without `earlier` (a deadline brought forward is rare, and a typo is not)."""
    if item.due is None:
        raise UsageError(f"{describe(task, item)} không có hạn cụ thể ({item.status}): không có gì để gia hạn")
    if to == item.due:
        raise UsageError(f"{describe(task, item)} đã có hạn {fmt(to)}: không có gì thay đổi")
    if to < item.due and not earlier:
        raise UsageError(f"hạn mới {fmt(to)} sớm hơn hạn hiện tại {fmt(item.due)} của {describe(task, item)}; "
                         f"nếu văn bản rút ngắn thời hạn, thêm --earlier")


def completion_day(when: date, today: date, what: str = "ngày hoàn thành") -> date:
    """The day a `done` (an extension, a progress record) records: not after today (only what has happened is
    recorded)."""
    if when > today:
        ending = "chỉ ghi việc đã xong" if what == "ngày hoàn thành" else "chỉ ghi điều đã có"
        raise UsageError(f"--date: {what} {when.strftime('%d/%m/%Y')} sau hôm nay "
                         f"({today.strftime('%d/%m/%Y')}); {ending}")
    return when


def trigger_due(task: Task, label: str, when: date, *, due: date | None = None, due_by: date | None = None,
                calendar_covering=None):
    """The due date an event recorded on `when` gives the task, and the lag it came from (or None).

    `due` (a named day) or `due_by` (the end of a --due-in window) override the deadline's own lag ("trong
    thời hạn 10 ngày làm việc kể từ …"); without either the deadline must say one. A due date before the
    event is refused, unless the deadline counts back from the event ("30 ngày trước ngày …")."""
    lag = None
    if due is not None:
        deadline = due
    elif due_by is not None:
        deadline = due_by
    else:
        lag = event_lag(task, label)
        if lag is None:
            raise UsageError(f'thời hạn "{task.deadline}" không nói hạn tính từ sự kiện bao lâu; '
                             "hãy cho --due-in (ví dụ 15d, 10wd) hoặc --due NGÀY")
        deadline = lag.apply(when, calendar_covering(when - timedelta(days=400), when + timedelta(days=400)))
    backwards = lag or event_lag(task, label)
    if deadline < when and not (backwards is not None and backwards.direction == "before"):
        raise UsageError("--due: hạn trước ngày sự kiện")
    return deadline, lag


def refuse_repeated_trigger(events, kind: str, label: str, when: date, deadline: date) -> None:
    """The same event (day and due date) recorded before, even with other records in between: once is enough."""
    same = next((e for e in reversed(events)
                 if e.kind == kind and e.milestone == label and (e.day, e.due) == (when, deadline)), None)
    if same is not None:
        raise UsageError(f"sự kiện này đã được ghi (bản ghi #{same.id}: xảy ra ngày {same.day.strftime('%d/%m/%Y')}, "
                         f"hạn {same.due.strftime('%d/%m/%Y')})")
