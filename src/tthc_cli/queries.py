"""What is due: items, their status as of a day, and the selections commands show.

Pure: `today` is always a parameter.
"""

from __future__ import annotations

from datetime import date, timedelta

from tthc_cli.deadline import Occurrence
from tthc_cli.model import Plan, Task
from tthc_cli.units import Registry
from tthc_cli.value import Value

# Status words as Vietnamese task-tracking reports use them (domain.md).
NOT_YET = "Chưa đến hạn"
SOON = "Sắp đến hạn"
TODAY = "Đến hạn hôm nay"
OVERDUE = "Quá hạn"
DONE_ON_TIME = "Hoàn thành đúng hạn"
DONE_LATE = "Hoàn thành quá hạn"
ONGOING = "Thường xuyên"
WAITING = "Chờ điều kiện"
UNRESOLVED = "Chưa xác định"
STATUSES = (OVERDUE, TODAY, SOON, NOT_YET, DONE_ON_TIME, DONE_LATE, ONGOING, WAITING, UNRESOLVED)
UNDATED = (ONGOING, WAITING, UNRESOLVED)
ROLES = ("lead", "support", "any")


class Item(Value):
    """One thing that falls due: a task, one of its milestones, or one occurrence."""

    __slots__ = ("task", "due", "status", "occurrence", "milestone", "deadline_text")

    def __init__(self, task: Task, due: date | None, status: str, occurrence: str | None = None,
                 milestone: str | None = None, deadline_text: str | None = None):
        self.task = task
        self.due = due
        self.status = status
        self.occurrence = occurrence  # "Quý II/2026"
        self.milestone = milestone  # "Kế hoạch kiểm tra"
        self.deadline_text = deadline_text  # the words this item's date comes from

    @property
    def plan(self) -> Plan:
        return self.task.plan

    def days(self, today: date) -> int | None:
        return (self.due - today).days if self.due else None


def dated_status(due: date, today: date, warn_days: int) -> str:
    """Status of a not-done item with a due date."""
    if due < today:
        return OVERDUE
    if due == today:
        return TODAY
    if (due - today).days <= warn_days:
        return SOON
    return NOT_YET


def items_of(task: Task, today: date, warn_days: int = 7) -> list[Item]:
    """Every item of a leaf task, each with its status as of `today`."""
    res = task.resolution
    if res is None:
        return [Item(task, None, UNRESOLVED)]
    if res.kind == "milestones":
        out = []
        for m in res.milestones:
            sub = m.resolution
            out.extend(_items(task, sub.kind, sub.occurrences, today, warn_days, m.label, sub.text))
        return out
    return _items(task, res.kind, res.occurrences, today, warn_days, None, res.text)


def _items(task, kind, occs: tuple[Occurrence, ...], today, warn_days, milestone, text) -> list[Item]:
    if occs:
        multiple = len(occs) > 1
        return [
            Item(task, o.due, dated_status(o.due, today, warn_days),
                 o.label if (multiple or o.freq) else None, milestone, text)
            for o in occs
        ]
    status = {"ongoing": ONGOING, "event": WAITING}.get(kind, UNRESOLVED)
    if kind == "recurring":  # no occurrence inside the period: nothing falls due
        return []
    return [Item(task, None, status, None, milestone, text)]


class Selection(Value):
    """Which tasks a command looks at."""

    __slots__ = ("unit_codes", "role")

    def __init__(self, unit_codes: frozenset[str] | None = None, role: str = "lead"):
        self.unit_codes = unit_codes  # None: every unit
        self.role = role

    def matches(self, task: Task, registry: Registry) -> bool:
        if self.unit_codes is None:
            return True
        refs = ()
        if self.role in ("lead", "any"):
            refs += task.lead
        if self.role in ("support", "any"):
            refs += task.support
        for ref in refs:
            if ref.unit is not None and not registry.members(ref.unit).isdisjoint(self.unit_codes):
                return True
        return False


def collect(plans: list[Plan], registry: Registry, selection: Selection, today: date,
            warn_days: int = 7) -> list[Item]:
    """Every item of the selected leaf tasks, in plan order."""
    out: list[Item] = []
    for plan in plans:
        for task in plan.tasks:
            if task.is_leaf and selection.matches(task, registry):
                out.extend(items_of(task, today, warn_days))
    return out


def due_window(items: list[Item], today: date, within_days: int) -> list[Item]:
    """Overdue items, items due today, and items due within the window."""
    horizon = today + timedelta(days=within_days)
    return [i for i in items if i.due is not None and i.due <= horizon]


def sort_key(item: Item):
    return (item.due is None, item.due or date.max, item.plan.id, _natural(item.task.id))


def _natural(task_id: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in task_id.replace("›", ".").split(".")]


def count_undated(items: list[Item]) -> dict[str, int]:
    counts = {s: 0 for s in UNDATED}
    for i in items:
        if i.due is None:
            counts[i.status] += 1
    return counts
