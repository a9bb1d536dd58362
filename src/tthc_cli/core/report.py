"""Period compliance reports: per unit, over the items due in a period, how many
were finished on time, late, are overdue, or are still within their deadline
(pure; rendering is in report_render.py and report_xlsx.py)."""

from __future__ import annotations

from datetime import date

from tthc_cli.core.value import Value


class UnitStats(Value):
    """One unit's counts over the items due in the period."""

    __slots__ = ("code", "name", "total", "on_time", "late", "overdue", "pending", "commune", "in_progress",
                 "not_started", "extended")

    def __init__(self, code: str, name: str, total: int = 0, on_time: int = 0, late: int = 0, overdue: int = 0,
                 pending: int = 0, commune: str | None = None, in_progress: int = 0, not_started: int = 0,
                 extended: int = 0):
        self.in_progress = in_progress  # not done, with a progress record (đang thực hiện): of overdue + pending
        self.not_started = not_started  # not done, no progress record (chưa triển khai): the rest of them
        self.extended = extended  # items whose deadline was extended (đã gia hạn), counted on the new date
        self.code = code  # the unit's code; by commune, the commune's short name ("Xuân Trường")
        self.name = name  # the unit's name; by commune, "UBND xã Xuân Trường"
        self.commune = commune  # by commune and unit: the commune's short name
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
                 "days_late", "evidence", "commune", "extended_from", "extension")

    def __init__(self, unit: str, plan: str, ref: str, path: str, title: str, occurrence: str | None,
                 milestone: str | None, due: date, done: date | None, status: str, days_late: int,
                 evidence: str | None, commune: str | None = None, extended_from: date | None = None,
                 extension: str | None = None):
        self.extended_from = extended_from  # the plan's due date, when an extension moved it to `due`
        self.extension = extension  # the decision that extended it ("Quyết định số 45/QĐ-UBND …")
        self.commune = commune  # the short name of the plan's commune ("Xuân Trường"); None: no issuer
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

    __slots__ = ("title", "period_label", "start", "end", "today", "units", "lines", "left_out", "by", "extended")

    def __init__(self, title: str, period_label: str, start: date, end: date, today: date,
                 units: tuple[UnitStats, ...], lines: tuple[ReportLine, ...],
                 left_out: tuple[tuple[str, str], ...] = (), by: str = "unit", extended: tuple = ()):
        self.extended = extended  # ReportLine of each item of the period whose deadline was extended
        self.by = by  # what a row is: "unit", "commune", or "commune,unit" (see BY)
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
            t.in_progress += u.in_progress
            t.not_started += u.not_started
            t.extended += u.extended
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


BY = ("unit", "commune", "commune,unit")
"""What a report's rows are: a lead unit (of every commune together), a commune, or a unit of a commune."""


def report_by(text: str | None, communes: int) -> str:
    """The rows `--by` asks for ("unit", "commune", "commune,unit"; "unit,commune" is the last); without it, a
    unit of each commune when the items come from several communes (a TTPVHCC is its commune's), else units.
    Raises ValueError (Vietnamese)."""
    if text is None:
        return "commune,unit" if communes > 1 else "unit"
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    vi = {"don vi": "unit", "đơn vị": "unit", "xa": "commune", "xã": "commune"}
    parts = [vi.get(p, p) for p in parts]
    if not parts or any(p not in ("unit", "commune") for p in parts) or len(set(parts)) != len(parts):
        raise ValueError(f'--by: "{text}" không hợp lệ (dùng unit, commune, hoặc commune,unit)')
    return "commune,unit" if len(parts) == 2 else parts[0]


def build_report(items, label: str, start: date, end: date, today: date, unit_filter=None, by: str = "unit",
                 communes=()) -> Report:
    """Count the items due in [start, end] per lead unit (`by` "unit"), per commune ("commune") or per unit of
    each commune ("commune,unit").

    An item counts for each unit that leads its task as written: a unit by
    its code, a group ("Các phòng chuyên môn") or an outside body as itself;
    by commune, a commune's row is the sum of its units' rows, so the rows of
    every `by` add up to the same totals. `unit_filter(ref) -> bool` keeps only
    some leads (`--unit`). Communes are ranked by their on-time rate, lowest
    first: who is behind comes first; each of `communes` (those whose plans were
    read) has its row, with nothing due in the period too.
    """
    from tthc_cli.core.queries import DONE_LATE, DONE_ON_TIME, OVERDUE

    stats: dict[tuple, UnitStats] = {}
    if by == "commune":
        for commune in communes:
            stats[(commune,)] = _commune_row(commune)
    lines: list[ReportLine] = []
    extended: list[ReportLine] = []
    for it in items:
        if it.due is None or not (start <= it.due <= end):
            continue
        t = it.task
        commune = t.plan.commune
        where = commune.short if commune else None
        for ref in t.lead or ():
            if unit_filter is not None and not unit_filter(ref):
                continue
            code = ref.unit.code if ref.unit else ref.text
            if by == "commune":
                key = (commune,)
                s = stats.get(key) or stats.setdefault(key, _commune_row(commune))
            else:
                key = (commune, code) if by == "commune,unit" else (code,)
                s = stats.get(key)
                if s is None:
                    s = stats[key] = UnitStats(code, ref.unit.name if ref.unit else ref.text,
                                               commune=where if by == "commune,unit" else None)
            s.total += 1
            if it.status == DONE_ON_TIME:
                s.on_time += 1
            elif it.status == DONE_LATE:
                s.late += 1
            elif it.status == OVERDUE:
                s.overdue += 1
            else:
                s.pending += 1
            if it.done is None:
                if it.progress is not None:
                    s.in_progress += 1
                else:
                    s.not_started += 1
            ext = it.extension
            if ext is not None:
                s.extended += 1
            if it.status in (DONE_LATE, OVERDUE) or ext is not None:
                late_by = ((it.done or today) - it.due).days
                line = ReportLine(code, t.plan.id, t.ref, t.path_ids, t.title or t.product or "", it.occurrence,
                                  it.milestone, it.due, it.done, it.status, late_by, it.evidence,
                                  where if by != "unit" else None, it.extended_from,
                                  ext.evidence if ext is not None else None)
                if it.status in (DONE_LATE, OVERDUE):
                    lines.append(line)
                if ext is not None:
                    extended.append(line)
    if by == "commune":
        units = tuple(sorted(stats.values(), key=lambda u: (u.on_time_rate is None, u.on_time_rate or 0.0,
                                                             _folded(u.code))))
    else:
        units = tuple(sorted(stats.values(), key=lambda u: (_folded(u.commune or ""), u.code not in _ORDER,
                                                            _ORDER.get(u.code, 99), u.code)))
    lines.sort(key=lambda ln: (_folded(ln.commune or ""), ln.unit, ln.due, ln.ref))
    extended.sort(key=lambda ln: (_folded(ln.commune or ""), ln.unit, ln.due, ln.ref))
    return Report(f"Báo cáo kết quả thực hiện nhiệm vụ {label}", label, start, end, today, units, tuple(lines),
                  by=by, extended=tuple(extended))


def _commune_row(commune) -> UnitStats:
    if commune is None:
        return UnitStats("—", "Kế hoạch không ghi cơ quan ban hành")
    return UnitStats(commune.short, commune.body)


def _folded(name: str) -> str:
    from tthc_cli.core.text import fold_diacritics

    return fold_diacritics(name).lower()


_ORDER = {c: i for i, c in enumerate(("UBND", "VP", "PKT", "VHXH", "TTPVHCC", "TTDVSNC", "TTCUDVC", "CTTDT",
                                        "TTVHTTTT", "CA", "BHXH", "BUUDIEN", "MTTQ", "PCM", "PCMLQ", "DVSNCL", "ALL",
                                        "DIABAN", "LQ"))}
