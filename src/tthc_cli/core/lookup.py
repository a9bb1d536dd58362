"""Finding what a user names: one task from an id or words, and how many tasks each unit leads and supports."""

from __future__ import annotations

import re

from tthc_cli.core.model import Plan, Task
from tthc_cli.core.text import clean, fold_diacritics
from tthc_cli.errors import TaskNotFoundError


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


def leaves(task: Task):
    """The items of a task tree: its nodes with no children, in order."""
    for c in task.children:
        if c.is_leaf:
            yield c
        else:
            yield from leaves(c)



def unit_counts(plans, reg) -> list[dict]:
    """Per unit: leaf tasks it leads and supports by name, and through groups.

    `lead`/`support` count tasks that name the unit (or group, or outside
    body) itself; `lead_total`/`support_total` add, for a unit, the tasks of
    groups it belongs to, which is what `tthc due --unit` shows.
    """
    tasks = [t for p in plans for t in p.tasks if t.is_leaf]
    direct: dict[str, list[int]] = {}
    total: dict[str, list[int]] = {}
    unknown: dict[str, list[int]] = {}
    for t in tasks:
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
