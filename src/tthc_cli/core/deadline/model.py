"""What a deadline phrase means: the plan period, occurrences, lags, milestones, resolutions.

Pure value classes; the grammar (`tthc_cli.core.deadline.phrase`) builds them.
"""

from __future__ import annotations

from datetime import date, timedelta

from tthc_cli.core.value import Value

KINDS = ("due", "range", "ongoing", "recurring", "event", "milestones", "unknown")
KIND_VI = {  # how text output names each kind; JSON keeps the English values (a public contract)
    "due": "hạn cụ thể", "range": "khoảng thời gian", "ongoing": "thường xuyên", "recurring": "định kỳ",
    "event": "chờ sự kiện", "milestones": "nhiều mốc", "unknown": "chưa xác định",
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
FREQS = ("weekly", "monthly", "quarterly", "half-yearly", "yearly")
LAG_UNITS = ("day", "working_day", "week", "month")
LAG_UNIT_VI = {"day": "ngày", "working_day": "ngày làm việc", "week": "tuần", "month": "tháng"}


def fmt(day: date) -> str:
    """A date as Vietnamese readers write it: 15/06/2026."""
    return day.strftime("%d/%m/%Y")


def month_end(year: int, month: int) -> date:
    """The last day of a month (as calendar.monthrange gives it, without importing calendar and locale at every
    start); ValueError for a month or year that is not one."""
    if month == 12:
        return date(year, 12, 31)
    if not 1 <= month <= 11:
        raise ValueError(f"month {month} is not a month")
    return date(year, month + 1, 1) - timedelta(days=1)


def quarter_label(year: int, q: int) -> str:
    return f"Quý {ROMAN_OUT[q]}/{year}"


class Period(Value):
    """The span a plan covers: a calendar year or explicit start/end dates."""

    __slots__ = ("start", "end")

    def __init__(self, start: date, end: date):
        self.start = start
        self.end = end

    def __eq__(self, other) -> bool:  # Value's, written out: plans are linked by (deadline, period) keys
        return type(self) is type(other) and self.start == other.start and self.end == other.end

    def __hash__(self) -> int:
        return hash(("Period", (self.start, self.end)))  # what Value.__hash__ gives

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def single_year(self) -> int | None:
        return self.start.year if self.start.year == self.end.year else None

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        if self.start == date(self.start.year, 1, 1) and self.end == date(self.start.year, 12, 31):
            return f"năm {self.start.year}"
        return f"{fmt(self.start)}–{fmt(self.end)}"

    def to_json(self):
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


class Occurrence(Value):
    """One date a task falls due, with the name officials give it ("Quý II/2026").

    `alias` is the label an earlier grammar gave the same occurrence ("Trước quý II/2026"
    was labelled "Quý II/2026" before the "trước" rule was made one): progress
    recorded under it still counts.
    """

    __slots__ = ("due", "label", "freq", "named_day", "alias")

    def __init__(self, due: date, label: str | None = None, freq: str | None = None, named_day: bool = False,
                 alias: str | None = None):
        self.due = due
        self.label = label
        self.freq = freq
        # a day the plan names ("trước ngày 05/01 hằng năm"), not the end of a period: never rolled forward
        self.named_day = named_day or label is None
        self.alias = alias


class Lag(Value):
    """How long after (or before) an awaited event a duty falls due ("15 ngày làm việc kể từ …")."""

    __slots__ = ("amount", "unit", "direction", "anchor")

    def __init__(self, amount: int, unit: str, direction: str, anchor: str):
        self.amount = amount
        self.unit = unit  # one of LAG_UNITS
        self.direction = direction  # "after" | "before"
        self.anchor = anchor  # the event as written

    def describe(self) -> str:
        where = "kể từ" if self.direction == "after" else "trước"
        anchor = self.anchor
        for link in ("kể từ ", "trước "):
            if anchor.startswith(link):
                anchor = anchor[len(link):]
        return f"{self.amount} {LAG_UNIT_VI[self.unit]} {where} {anchor}".strip()

    def apply(self, day: date, calendar=None) -> date:
        """The due date for an event on `day` (Bộ luật Dân sự, Điều 147: day one is the next day, the next
        working day when counted in working days). Working days need `calendar` (a WorkCalendar)."""
        n = self.amount
        after = self.direction == "after"
        if self.unit == "working_day":
            if calendar is None:
                raise ValueError("working days need a calendar")
            return calendar.add_working_days(day, n) if after else calendar.back_working_days(day, n)
        if self.unit == "month":
            from dateutil.relativedelta import relativedelta  # 31/01 + 1 month = 28/02, as people count

            return day + relativedelta(months=n if after else -n)
        days = n * 7 if self.unit == "week" else n
        return day + timedelta(days=days if after else -days)

    def to_json(self) -> dict:
        return {"amount": self.amount, "unit": self.unit, "direction": self.direction, "anchor": self.anchor}


class Milestone(Value):
    """A labelled part of a deadline cell ("Kế hoạch kiểm tra: quý I/2026")."""

    __slots__ = ("label", "resolution")

    def __init__(self, label: str | None, resolution: "Resolution"):
        self.label = label
        self.resolution = resolution


class Resolution(Value):
    """What a deadline phrase means as dates.

    `explain` holds the Vietnamese lines `tthc resolve --explain` prints: which
    part of the phrase became which span, and what was ignored and why.
    """

    __slots__ = ("text", "kind", "occurrences", "start", "end", "recurrence", "milestones", "warnings", "note",
                 "lag", "explain", "due_dates")

    def __init__(self, text: str, kind: str, occurrences: tuple[Occurrence, ...] = (), start: date | None = None,
                 end: date | None = None, recurrence: tuple[str, ...] = (), milestones: tuple[Milestone, ...] = (),
                 warnings: tuple[str, ...] = (), note: str | None = None, lag: Lag | None = None,
                 explain: tuple[str, ...] = ()):
        self.text = text
        self.kind = kind
        self.occurrences = occurrences
        self.start = start
        self.end = end
        self.recurrence = recurrence
        self.milestones = milestones
        self.warnings = warnings
        self.note = note
        self.lag = lag
        self.explain = explain
        self._derive()

    def _derive(self) -> None:
        self.due_dates = tuple(sorted({o.due for o in self.occurrences}))

    @property
    def due(self) -> tuple[date, ...]:
        return self.due_dates

    def to_json(self) -> dict:
        """The public `tthc resolve --format json` object (see README)."""
        out = {
            "text": self.text,
            "kind": self.kind,
            "due": [d.isoformat() for d in self.due],
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "recurrence": [
                {"freq": f, "due": [o.due.isoformat() for o in self.occurrences if o.freq == f]}
                for f in self.recurrence
            ],
            "occurrences": [
                {"due": o.due.isoformat(), "label": o.label} for o in self.occurrences
            ],
            "milestones": [],
            "warnings": list(self.warnings),
            "note": self.note,
            "lag": self.lag.to_json() if self.lag else None,
        }
        for m in self.milestones:
            sub = m.resolution.to_json()
            del sub["milestones"]
            out["milestones"].append({"label": m.label, **sub})
        return out


def iso_date(value) -> date:
    """A date from a date or a "YYYY-MM-DD" string; ValueError (Vietnamese) otherwise."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"ngày {value!r} không hợp lệ (dạng YYYY-MM-DD)")
