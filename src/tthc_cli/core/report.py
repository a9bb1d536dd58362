"""Period compliance reports: per unit, over the items due in a period, how many
were finished on time, late, are overdue, or are still within their deadline
(pure; rendering is in report_render.py and report_xlsx.py)."""

from __future__ import annotations

from datetime import date

from tthc_cli.core.value import Value


class UnitStats(Value):
    """One unit's counts over the items due in the period."""

    __slots__ = ("code", "name", "total", "on_time", "late", "overdue", "pending")

    def __init__(self, code: str, name: str, total: int = 0, on_time: int = 0, late: int = 0, overdue: int = 0,
                 pending: int = 0):
        self.code = code
        self.name = name
        self.total = total  # items due in the period
        self.on_time = on_time  # Hoàn thành đúng hạn
        self.late = late  # Hoàn thành quá hạn
        self.overdue = overdue  # Quá hạn (not done, due date passed)
        self.pending = pending  # not done, still within the deadline (due today or later)

    @property
    def on_time_rate(self) -> float | None:
        """Share of the items finished on time (0..1); None when the unit had nothing due."""
        return self.on_time / self.total if self.total else None

    def share(self, count: int) -> float | None:
        return count / self.total if self.total else None


class ReportLine(Value):
    """A late or overdue item, with the evidence recorded for it."""

    __slots__ = ("unit", "plan", "ref", "path", "title", "occurrence", "milestone", "due", "done", "status",
                 "days_late", "evidence")

    def __init__(self, unit: str, plan: str, ref: str, path: str, title: str, occurrence: str | None,
                 milestone: str | None, due: date, done: date | None, status: str, days_late: int,
                 evidence: str | None):
        self.unit = unit  # unit code
        self.plan = plan  # plan id
        self.ref = ref  # plan-id:task-id
        self.path = path  # "III › 4"
        self.title = title
        self.occurrence = occurrence  # "Quý II/2026"
        self.milestone = milestone
        self.due = due
        self.done = done  # the day it was done, None when still open
        self.status = status  # "Hoàn thành quá hạn" or "Quá hạn"
        self.days_late = days_late  # done - due, or today - due
        self.evidence = evidence  # "Báo cáo số 45/BC-UBND ngày 20/6/2026"


def gap_text(left_out) -> str | None:
    """One line saying which plan files a report's figures lack, or None."""
    if not left_out:
        return None
    files = "; ".join(f"{file} ({why})" for file, why in left_out)
    return f"CẢNH BÁO: số liệu THIẾU {len(left_out)} tệp kế hoạch không đọc được: {files}"


class Report(Value):
    """Everything a period report shows."""

    __slots__ = ("title", "period_label", "start", "end", "today", "units", "lines", "left_out")

    def __init__(self, title: str, period_label: str, start: date, end: date, today: date,
                 units: tuple[UnitStats, ...], lines: tuple[ReportLine, ...],
                 left_out: tuple[tuple[str, str], ...] = ()):
        self.title = title  # "Báo cáo kết quả thực hiện nhiệm vụ Quý II/2026"
        self.period_label = period_label  # "Quý II/2026"
        self.start = start
        self.end = end
        self.today = today
        self.units = units
        self.lines = lines
        self.left_out = left_out  # (file, why) of plan files the figures lack: said in the header

    @property
    def totals(self) -> UnitStats:
        t = UnitStats("", "Tổng cộng")
        for u in self.units:
            t.total += u.total
            t.on_time += u.on_time
            t.late += u.late
            t.overdue += u.overdue
            t.pending += u.pending
        return t


def led_by(registry, codes):
    """A filter of report rows: those whose lead unit is one of `codes` (a unit and the groups it belongs to)."""
    return lambda ref: ref.unit is not None and not registry.codes_for(ref.unit).isdisjoint(codes)


def report_period(text: str) -> tuple[str, date, date]:
    """The span a report covers, from the words officials use (core.dates.parse_span): "Quý II/2026",
    "6 tháng đầu năm 2026", "9 tháng đầu năm 2026", "Năm 2026", "Tháng 5/2026", "2026-04-01..2026-06-30".
    Raises ValueError (Vietnamese)."""
    from tthc_cli.core.deadline.spans import parse_span

    span = parse_span(text)
    if span is None:
        raise ValueError(f'không hiểu kỳ báo cáo "{text}" (ví dụ: "Quý II/2026", "6 tháng đầu năm 2026", '
                         f'"Năm 2026", "Tháng 5/2026", 2026-04-01..2026-06-30)')
    return span


def build_report(items, label: str, start: date, end: date, today: date, unit_filter=None) -> Report:
    """Count the items due in [start, end] per lead unit.

    An item counts for each unit that leads its task as written: a unit by
    its code, a group ("Các phòng chuyên môn") or an outside body as itself.
    `unit_filter(ref) -> bool` keeps only some leads (`--unit`).
    """
    from tthc_cli.core.queries import DONE_LATE, DONE_ON_TIME, OVERDUE

    stats: dict[str, UnitStats] = {}
    lines: list[ReportLine] = []
    for it in items:
        if it.due is None or not (start <= it.due <= end):
            continue
        t = it.task
        for ref in t.lead or ():
            if unit_filter is not None and not unit_filter(ref):
                continue
            code = ref.unit.code if ref.unit else ref.text
            name = ref.unit.name if ref.unit else ref.text
            s = stats.get(code)
            if s is None:
                s = stats[code] = UnitStats(code, name)
            s.total += 1
            if it.status == DONE_ON_TIME:
                s.on_time += 1
            elif it.status == DONE_LATE:
                s.late += 1
            elif it.status == OVERDUE:
                s.overdue += 1
            else:
                s.pending += 1
            if it.status in (DONE_LATE, OVERDUE):
                late_by = ((it.done or today) - it.due).days
                lines.append(ReportLine(code, t.plan.id, t.ref, t.path_ids, t.title or t.product or "", it.occurrence,
                                        it.milestone, it.due, it.done, it.status, late_by, it.evidence))
    units = tuple(sorted(stats.values(), key=lambda u: (u.code not in _ORDER, _ORDER.get(u.code, 99), u.code)))
    lines.sort(key=lambda ln: (ln.unit, ln.due, ln.ref))
    return Report(f"Báo cáo kết quả thực hiện nhiệm vụ {label}", label, start, end, today, units, tuple(lines))


_ORDER = {c: i for i, c in enumerate(("UBND", "VP", "PKT", "VHXH", "TTPVHCC", "TTDVSNC", "TTCUDVC", "CTTDT",
                                        "TTVHTTTT", "CA", "BHXH", "BUUDIEN", "MTTQ", "PCM", "PCMLQ", "DVSNCL", "ALL",
                                        "DIABAN", "LQ"))}
