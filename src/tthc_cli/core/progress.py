"""Progress events: what units recorded about tasks (pure; the SQLite store is `store.py`).

Records are append-only. An event is about a task, one labelled milestone of
a task, or one occurrence of a recurring task (the "Quý II/2026" report).
"""

from __future__ import annotations

from datetime import date, datetime

from tthc_cli.core.value import Value

DONE, UNDONE, TRIGGER, NOTE, EXTEND, PROGRESS = "done", "undone", "trigger", "note", "extend", "progress"
KINDS = (DONE, UNDONE, TRIGGER, NOTE, EXTEND, PROGRESS)


class Event(Value):
    """One record in the progress store.

    `plan`/`task` name the task (`task` is the task id inside the plan);
    `milestone` is a milestone label or ""; `occurrence` is an occurrence label
    ("Quý II/2026") or "" for the task as a whole. `day` is the day the thing
    happened (done on, event happened on, extension decided on, progress reported
    on); `due` is, for a trigger, the due date it sets, for an extension the new due
    date, and for an `undone` that withdraws an extension the date withdrawn.
    `percent` is a progress record's share done (0–100, or None with a note only).
    `recorded_at` is when it was written (UTC, ISO seconds).
    """

    __slots__ = ("id", "kind", "plan", "task", "milestone", "occurrence", "day", "due", "evidence", "note", "who",
                 "recorded_at", "percent")

    def __init__(self, kind: str, plan: str, task: str, *, milestone: str = "", occurrence: str = "",
                 day: date | None = None, due: date | None = None, evidence: str | None = None,
                 note: str | None = None, who: str = "", recorded_at: datetime | None = None, id: int | None = None,
                 percent: int | None = None):
        self.id = id
        self.percent = percent
        self.kind = kind
        self.plan = plan
        self.task = task
        self.milestone = milestone
        self.occurrence = occurrence
        self.day = day
        self.due = due
        self.evidence = evidence
        self.note = note
        self.who = who
        self.recorded_at = recorded_at

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What the event is about: (plan, task, milestone, occurrence)."""
        return (self.plan, self.task, self.milestone, self.occurrence)


class Progress:
    """The state the events add up to: what is done (and when), which events happened, which deadlines were
    extended (gia hạn) and how far work has come.

    Later events win: an `undone` cancels the `done` before it (or, when it names a date in `due`, withdraws
    the item's last extension); a second `done` replaces the first (a corrected date or evidence). Extensions
    of one item chain: the newest is the deadline. The newest progress record is where the work stands.
    """

    def __init__(self, events: list[Event] | tuple[Event, ...] = ()):
        self.done: dict[tuple[str, str, str, str], Event] = {}
        self.triggers: dict[tuple[str, str, str], Event] = {}
        self.extensions: dict[tuple[str, str, str, str], list[Event]] = {}
        self.progress: dict[tuple[str, str, str, str], Event] = {}
        self.revisions: dict[tuple[str, str, str, str], int] = {}  # extensions made and withdrawn, per item: how
        # many times its deadline moved (a calendar's SEQUENCE; queries._items reads it by the item's key)
        self.by_task: dict[tuple[str, str], list[Event]] = {}
        for e in sorted(events, key=lambda e: (e.id or 0)):
            self.by_task.setdefault((e.plan, e.task), []).append(e)
            if e.kind == DONE:
                self.done[e.key] = e
            elif e.kind == UNDONE and e.due is not None:  # an extension withdrawn
                self.revisions[e.key] = self.revisions.get(e.key, 0) + 1
                chain = self.extensions.get(e.key)
                if chain:
                    chain.pop()
            elif e.kind == UNDONE:
                self.done.pop(e.key, None)
            elif e.kind == TRIGGER:
                self.triggers[(e.plan, e.task, e.milestone)] = e
            elif e.kind == EXTEND:
                self.revisions[e.key] = self.revisions.get(e.key, 0) + 1
                self.extensions.setdefault(e.key, []).append(e)
            elif e.kind == PROGRESS:
                self.progress[e.key] = e

    def done_event(self, plan: str, task: str, milestone: str | None, occurrence: str | None) -> Event | None:
        return self.done.get((plan, task, milestone or "", occurrence or ""))

    def trigger(self, plan: str, task: str, milestone: str | None) -> Event | None:
        return self.triggers.get((plan, task, milestone or "")) or self.triggers.get((plan, task, ""))

    def extension_chain(self, plan: str, task: str, milestone: str | None, occurrence: str | None) -> list[Event]:
        """The item's extensions in force, oldest first (the last is its deadline)."""
        return self.extensions.get((plan, task, milestone or "", occurrence or ""), [])

    def progress_event(self, plan: str, task: str, milestone: str | None, occurrence: str | None) -> Event | None:
        return self.progress.get((plan, task, milestone or "", occurrence or ""))


EMPTY = Progress()
