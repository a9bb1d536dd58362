"""What is due: items, their status as of a day, and the selections commands show.

Pure: `today` is always a parameter.
"""

from __future__ import annotations

from datetime import date

from tthc_cli.core.deadline import Occurrence, fmt
from tthc_cli.core.model import Plan, Task
from tthc_cli.core.progress import EMPTY, Progress
from tthc_cli.core.units import SHARED, Registry
from tthc_cli.core.value import Value

# Status words as Vietnamese task-tracking reports use them (domain.md).
NOT_YET = "Chưa đến hạn"
SOON = "Sắp đến hạn"
TODAY = "Đến hạn hôm nay"
OVERDUE = "Quá hạn"
DONE_ON_TIME = "Hoàn thành đúng hạn"
DONE_LATE = "Hoàn thành quá hạn"
IN_PROGRESS = "Đang thực hiện"
IN_PROGRESS_LATE = "Đang thực hiện, quá hạn"
ONGOING = "Thường xuyên"
WAITING = "Chờ điều kiện"
UNRESOLVED = "Chưa xác định"
STATUSES = (OVERDUE, TODAY, SOON, NOT_YET, DONE_ON_TIME, DONE_LATE, ONGOING, WAITING, UNRESOLVED)
STATES = (IN_PROGRESS, IN_PROGRESS_LATE)
"""Where open work stands beside its deadline status: a progress record and not done (Item.state)."""
UNDATED = (ONGOING, WAITING, UNRESOLVED)
ROLES = ("lead", "support", "any")


class Item(Value):
    """One thing that falls due: a task, one of its milestones, or one occurrence."""

    __slots__ = ("task", "due", "status", "occurrence", "milestone", "deadline_text", "done", "evidence",
                 "extended_from", "extension", "progress", "revision")

    def __init__(self, task: Task, due: date | None, status: str, occurrence: str | None = None,
                 milestone: str | None = None, deadline_text: str | None = None, done: date | None = None,
                 evidence: str | None = None, extended_from: date | None = None, extension=None, progress=None,
                 revision: int = 0):
        self.task = task
        self.due = due
        self.status = status
        self.occurrence = occurrence  # "Quý II/2026"
        self.milestone = milestone  # "Kế hoạch kiểm tra"
        self.deadline_text = deadline_text  # the words this item's date comes from
        self.done = done  # the day it was finished, from the progress store
        self.evidence = evidence  # the document that proves it
        self.extended_from = extended_from  # the plan's due date, when an extension (gia hạn) moved it to `due`
        self.extension = extension  # the extension event in force: its decision (evidence), day, note
        self.progress = progress  # the newest progress record (percent, note) of an open item
        self.revision = revision  # how many times its deadline was moved (a calendar event's SEQUENCE)

    @property
    def state(self) -> str | None:
        """"Đang thực hiện" (", quá hạn" past the deadline) for open work with a progress record, else None."""
        if self.progress is None or self.done is not None:
            return None
        return IN_PROGRESS_LATE if self.status == OVERDUE else IN_PROGRESS

    @property
    def is_open(self) -> bool:
        return self.done is None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """How progress events name this item: (plan, task, milestone, occurrence)."""
        return (self.task.plan.id, self.task.id, self.milestone or "", self.occurrence or "")

    @property
    def plan(self) -> Plan:
        return self.task.plan

    def days(self, today: date) -> int | None:
        return (self.due - today).days if self.due else None


def dated_status(due: date, today: date, warn_days: int, done: date | None = None) -> str:
    """The status of an item with a due date, done on `done` (None: not done)."""
    if done is not None:
        return DONE_ON_TIME if done <= due else DONE_LATE
    if due < today:
        return OVERDUE
    if due == today:
        return TODAY
    if (due - today).days <= warn_days:
        return SOON
    return NOT_YET


def item_parts(task: Task) -> list[tuple]:
    """What a leaf task falls due as, before any progress or day: (kind, occurrences, milestone, deadline
    text) per part, a part per milestone. Static, so the query index keeps them (io/index.py)."""
    res = task.resolution
    if res is None:
        return [("unknown", (), None, None)]
    if res.kind == "milestones":
        return [(m.resolution.kind, m.resolution.occurrences, m.label, m.resolution.text) for m in res.milestones]
    return [(res.kind, res.occurrences, None, res.text)]


def items_of(task: Task, today: date, warn_days: int = 7, progress: Progress = EMPTY, days=None,
             until: date | None = None) -> list[Item]:
    """Every item of a leaf task, each with its status as of `today`.

    `progress` supplies what was recorded as done and which awaited events
    happened; `days` (a WorkCalendar with `roll_forward` on) moves the end of a
    period that falls on a day off to the next working day. A task read back from
    the query index carries its parts (`item_parts`) already. With `until`, the
    occurrences dated after it are left out (see `collect`).
    """
    ctx = (task, today, warn_days, progress, days, until)
    parts = getattr(task, "item_parts", None) or item_parts(task)
    if len(parts) == 1:
        return _items(ctx, *parts[0])
    out = []
    for part in parts:
        out.extend(_items(ctx, *part))
    return out


def _items(ctx, kind, occs: tuple[Occurrence, ...], milestone, text) -> list[Item]:
    """The items of one part of a task (see item_parts), with their status."""
    task, today, warn_days, progress, days, until = ctx
    plan = task.plan.id
    if not occs and kind == "event":
        trig = progress.trigger(plan, task.id, milestone)
        if trig is not None and trig.due is not None and (trig.day is None or trig.day <= today
                                                          or trig.due < trig.day):
            # (a due date before the event, "30 ngày trước ngày bầu cử", counts as soon as it is recorded)
            # the awaited event happened: now it is due
            occs = (Occurrence(trig.due),)
    if occs:
        multiple = len(occs) > 1
        out = []
        # the store's look-ups (Progress.done_event and the rest) made here directly, with one key per item:
        # four method calls an item were a tenth of a warm `due`
        done_of, ext_of, work_of, revs = progress.done, progress.extensions, progress.progress, progress.revisions
        tid, part = task.id, milestone or ""
        for o in occs:
            # several dates are told apart by their label: a named period's ("Quý II/2026") or, for days the plan
            # names without one ("ngày 15/3 và ngày 15/6/2026", `due:` lists), the day itself ("15/03/2026")
            due = o.due
            if until is not None and due > until:
                continue
            label = (o.label or fmt(due)) if multiple else o.label if o.freq else None
            if days is not None and not o.named_day and days.is_day_off(due):
                due = days.roll_forward(due)  # a period (not a named day) ending on a day off
            key = (plan, tid, part, label or "")
            ev = _as_of(done_of.get(key), today) if done_of else None
            done = ev.day if ev is not None else None
            ext = _in_force(ext_of[key], today) if key in ext_of else None
            planned = None
            if ext is not None:
                planned, due = due, ext.due
            work = _as_of(work_of.get(key), today) if done is None and work_of else None
            out.append(Item(task, due, dated_status(due, today, warn_days, done), label, milestone, text, done,
                            ev.evidence if ev is not None else None, planned, ext, work, revs.get(key, 0)))
        return out
    if kind == "recurring":  # no occurrence inside the period: nothing falls due
        return []
    ev = _as_of(progress.done_event(plan, task.id, milestone, None), today)
    if ev is not None and kind != "ongoing":
        return [Item(task, None, DONE_ON_TIME, None, milestone, text, ev.day, ev.evidence)]
    status = {"ongoing": ONGOING, "event": WAITING}.get(kind, UNRESOLVED)
    work = _as_of(progress.progress_event(plan, task.id, milestone, None), today)
    return [Item(task, None, status, None, milestone, text, progress=work)]


def _in_force(chain, today: date):
    """The newest extension decided by `today` (one decided later had not been made yet)."""
    for e in reversed(chain):
        if e.day is None or e.day <= today:
            return e
    return None


def _as_of(event, today: date):
    """A completion dated after `today` has not happened yet as of `today`."""
    if event is not None and event.day is not None and event.day > today:
        return None
    return event


class Selection(Value):
    """Which tasks a command looks at."""

    __slots__ = ("unit_codes", "role", "communes")

    def __init__(self, unit_codes: frozenset[str] | None = None, role: str = "lead",
                 communes: frozenset | None = None):
        self.unit_codes = unit_codes  # None: every unit
        self.role = role
        self.communes = communes  # core.communes.Commune values; None: every commune's plans

    def takes(self, plan) -> bool:
        """Whether the plan belongs to a selected commune (a unit is a unit of its commune)."""
        return self.communes is None or plan.commune in self.communes

    def matches(self, task: Task, registry: Registry) -> bool:
        """Whether the selected unit has the role in the task, by name or through a group.

        A group ("Các cơ quan, đơn vị …") stands for a unit only when the task
        does not name that unit in the other role: a task led by "the
        relevant units" with TTPVHCC as cooperator is TTPVHCC's to support,
        not to lead.
        """
        if self.unit_codes is None:
            return True
        if self.role in ("lead", "any") and self._in(task.lead, task.support, registry):
            return True
        return self.role in ("support", "any") and self._in(task.support, task.lead, registry)

    def _in(self, refs, other, registry: Registry) -> bool:
        return not self.reach(refs, other, registry).isdisjoint(self.unit_codes)

    @staticmethod
    def reach(refs, other, registry: Registry) -> set[str]:
        """The unit codes a selection matches through `refs` (lead or support) of a task whose other role names
        `other`: each unit named, and the members of each group named, less the units named in the other role."""
        named_elsewhere = {r.unit.code for r in other if r.unit is not None}
        out: set[str] = set()
        for ref in refs:
            if ref.unit is not None:
                out.add(ref.unit.code)
                out |= registry.members(ref.unit) - named_elsewhere
        return out


def collect(plans: list[Plan], registry: Registry, selection: Selection, today: date,
            warn_days: int = 7, progress: Progress = EMPTY, days=None, closed: bool = True,
            selected: bool = False, due_by: date | None = None) -> list[Item]:
    """Every item of the selected leaf tasks, in plan order; without `closed`, none of a closed plan's. With
    `selected`, the plans hold only leaf tasks the selection matches (the query index reads them so).

    `due_by` (`due` and `overdue`, which show nothing dated later): the dates after it are left out, except in
    plans whose period ended before `today` (`ended_and_open` counts all their open items). An item's date is
    its occurrence's or, rolled forward, later; the caller passes none when an extension may bring a date
    earlier (as for the index's narrowing, IndexedWorkspace.plans_for)."""
    out: list[Item] = []
    for plan in plans:
        if plan.closed and not closed or not selection.takes(plan):
            continue
        ended = plan.period is not None and plan.period.end < today
        until = None if ended else due_by
        for task in plan.tasks:
            if selected or task.is_leaf and selection.matches(task, registry):
                out.extend(items_of(task, today, warn_days, progress, days, until))
    return out


def is_shared(task) -> bool:
    """Whether only shared groups lead the task ("Các cơ quan, đơn vị có liên quan"): a duty of nobody in
    particular, shown apart as "việc chung" and followed by the coordinating unit."""
    return bool(task.lead) and all(r.unit is not None and r.unit.kind == SHARED for r in task.lead)


def due_window(items: list[Item], horizon: date) -> list[Item]:
    """Open items that are overdue, due today, or due by `horizon`."""
    return [i for i in items if i.due is not None and i.is_open and i.due <= horizon]


def due_items(items: list[Item], horizon: date, include_undated: bool = False, wanted=frozenset()) -> list[Item]:
    """What `due` shows: open items due by `horizon` (overdue included), with `include_undated` also the open
    items with no single due date; only the statuses in `wanted` when it names any."""
    shown = due_window(items, horizon)
    if include_undated:
        shown += [i for i in items if i.due is None and i.is_open]
    return [i for i in shown if i.status in wanted or i.state in wanted] if wanted else shown


def overdue_items(items: list[Item], include_undated: bool = False) -> list[Item]:
    """What `overdue` shows: the overdue items, with `include_undated` also the open undated ones."""
    shown = [i for i in items if i.status == OVERDUE]
    if include_undated:
        shown += [i for i in items if i.due is None and i.is_open]
    return shown


def listed_items(items: list[Item], include_undated: bool = False, wanted=frozenset()) -> list[Item]:
    """What `list` shows: every dated item, done or not; undated ones too with `include_undated` or when a
    status is asked for (an undated status such as "Thường xuyên" must find its items)."""
    return [i for i in items if (include_undated or i.due is not None or wanted)
            and (not wanted or i.status in wanted or i.state in wanted)]


def statuses_named(values, known=STATUSES + STATES) -> set[str]:
    """The statuses a user typed (--status, accents and case optional); an unknown one is refused."""
    from tthc_cli.core.text import fold_diacritics
    from tthc_cli.errors import UsageError

    out = set()
    folded = {fold_diacritics(s).lower(): s for s in known}
    for v in values or []:
        s = folded.get(fold_diacritics(v.strip()).lower())
        if s is None:
            raise UsageError(f'--status: không có trạng thái "{v}" (có: {", ".join(known)})')
        out.add(s)
    return out


def sort_key(item: Item):
    task = item.task
    natural = _NATURAL.get(task.id)
    if natural is None:
        natural = _natural(task.id)
    return (item.due is None, item.due or date.max, task.plan.id, natural)


def _natural(task_id: str) -> tuple:
    """"1.10" after "1.9": the parts of a task id, numbers as numbers (kept, since ids repeat across plans)."""
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in task_id.replace("›", ".").split("."))
    if len(_NATURAL) < 100_000:
        _NATURAL[task_id] = key
    return key


_NATURAL: dict[str, tuple] = {}


def ended_and_open(items: list[Item], today: date) -> dict[str, int]:
    """Per plan whose period ended before `today` and that is not closed: how many of its items are still open
    (they keep a list red until someone records them done or closes the plan)."""
    out: dict[str, int] = {}
    for i in items:
        p = i.task.plan
        if i.is_open and not p.closed and p.period is not None and p.period.end < today:
            out[p.id] = out.get(p.id, 0) + 1
    return out


def count_undated(items: list[Item]) -> dict[str, int]:
    """Open items without a due date, by status (ongoing, waiting, unresolved)."""
    counts = {s: 0 for s in UNDATED}
    for i in items:
        if i.due is None and i.status in counts:
            counts[i.status] += 1
    return counts
