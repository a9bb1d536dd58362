"""`check`: one summary per unit of what is overdue, due today, due soon and done (pure)."""

from __future__ import annotations

from tthc_cli.core.queries import OVERDUE, SOON, TODAY, Item, Selection


def unit_summaries(reg, items: list[Item], unit) -> tuple[list[tuple[str, dict[str, int]]], int]:
    """Per unit (its group tasks included, as `due` counts them): how many items are overdue, due today, due
    soon and done, units with something overdue first; and the overdue count that decides `check`'s exit code.

    A shared group's duties ("Các cơ quan, đơn vị có liên quan") are no unit's own: they get the group's own
    line. Without a unit, tasks that no commune unit leads (an outside body, a name
    missing from the registry) get a line under their lead as written, and the
    overdue count covers every item, so a script never misses one.
    """
    units = [unit] if unit is not None else reg.commune_units() + reg.shared_groups()
    selections = [(u.code, Selection(reg.codes_for(u), "lead")) for u in units]
    per: dict[str, list[Item]] = {}
    # who leads depends on the lead and support cells alone, which the items of a task share, and so do the
    # tasks read from the index with the same cells: each pair of cells is matched against the units once
    known: dict[tuple[int, int], list[str]] = {}
    for it in items:
        t = it.task
        cells = (id(t.lead), id(t.support))
        owners = known.get(cells)
        if owners is None:
            owners = known[cells] = [code for code, sel in selections if sel.matches(t, reg)]
        if not owners and unit is None:
            owners = [", ".join(r.text for r in t.lead) or "(chưa có cơ quan chủ trì)"]
        for code in owners:
            per.setdefault(code, []).append(it)
    if unit is not None:
        per.setdefault(unit.code, [])
    rows = []
    for code, mine in per.items():
        c = {"overdue": sum(i.status == OVERDUE for i in mine), "today": sum(i.status == TODAY for i in mine),
             "soon": sum(i.status == SOON for i in mine), "done": sum(i.done is not None for i in mine)}
        rows.append((code, c))
    overdue = sum(i.status == OVERDUE for i in (per.get(unit.code, []) if unit is not None else items))
    return sorted(rows, key=lambda r: (r[1]["overdue"] == 0, r[0])), overdue
