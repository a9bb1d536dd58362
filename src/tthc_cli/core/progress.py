"""Progress events: what units recorded about tasks (pure; the SQLite store is `store.py`).

Records are append-only. An event is about a task, one labelled milestone of
a task, or one occurrence of a recurring task (the "Quý II/2026" report).
"""

from __future__ import annotations

from datetime import date, datetime

from tthc_cli.core.value import Value

DONE, UNDONE, TRIGGER, NOTE = "done", "undone", "trigger", "note"
KINDS = (DONE, UNDONE, TRIGGER, NOTE)


class Event(Value):
    """One record in the progress store.

    `plan`/`task` name the task (`task` is the task id inside the plan);
    `milestone` is a milestone label or ""; `occurrence` is an occurrence label
    ("Quý II/2026") or "" for the task as a whole. `day` is the day the thing
    happened (done on, event happened on); `due` is, for a trigger, the due
    date it sets. `recorded_at` is when it was written (UTC, ISO seconds).
    """

    __slots__ = ("id", "kind", "plan", "task", "milestone", "occurrence", "day", "due", "evidence", "note", "who",
                 "recorded_at")

    def __init__(self, kind: str, plan: str, task: str, *, milestone: str = "", occurrence: str = "",
                 day: date | None = None, due: date | None = None, evidence: str | None = None,
                 note: str | None = None, who: str = "", recorded_at: datetime | None = None, id: int | None = None):
        self.id = id
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
    """The state the events add up to: what is done (and when), which events happened.

    Later events win: an `undone` cancels the `done` before it; a second
    `done` replaces the first (a corrected date or evidence).
    """

    def __init__(self, events: list[Event] | tuple[Event, ...] = ()):
        self.done: dict[tuple[str, str, str, str], Event] = {}
        self.triggers: dict[tuple[str, str, str], Event] = {}
        self.by_task: dict[tuple[str, str], list[Event]] = {}
        for e in sorted(events, key=lambda e: (e.id or 0)):
            self.by_task.setdefault((e.plan, e.task), []).append(e)
            if e.kind == DONE:
                self.done[e.key] = e
            elif e.kind == UNDONE:
                self.done.pop(e.key, None)
            elif e.kind == TRIGGER:
                self.triggers[(e.plan, e.task, e.milestone)] = e

    def done_event(self, plan: str, task: str, milestone: str | None, occurrence: str | None) -> Event | None:
        return self.done.get((plan, task, milestone or "", occurrence or ""))

    def trigger(self, plan: str, task: str, milestone: str | None) -> Event | None:
        return self.triggers.get((plan, task, milestone or "")) or self.triggers.get((plan, task, ""))


EMPTY = Progress()
