"""The deadline grammar: Vietnamese deadline phrases resolved to dates.

Pure: no I/O, no clock. `resolve(text, period)` never raises and prefers
kind "unknown" over a guess, because a wrong date is worse than none. Every
pattern is matched against the whole phrase (never searched inside it), so an
article number ("Điều 7, 8, 9") or a count of days ("105 ngày") can never turn
into a date.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from tthc_cli.text import clean
from tthc_cli.value import Value

KINDS = ("due", "range", "ongoing", "recurring", "event", "milestones", "unknown")
KIND_VI = {  # how text output names each kind; JSON keeps the English values (a public contract)
    "due": "hạn cụ thể", "range": "khoảng thời gian", "ongoing": "thường xuyên", "recurring": "định kỳ",
    "event": "chờ sự kiện", "milestones": "nhiều mốc", "unknown": "chưa xác định",
}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}
FREQS = ("monthly", "quarterly", "half-yearly", "yearly")


class Period(Value):
    """The span a plan covers: a calendar year or explicit start/end dates."""

    __slots__ = ("start", "end")

    def __init__(self, start: date, end: date):
        self.start = start
        self.end = end

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
    """One date a task falls due, with the name officials give it ("Quý II/2026")."""

    __slots__ = ("due", "label", "freq", "named_day")

    def __init__(self, due: date, label: str | None = None, freq: str | None = None, named_day: bool = False):
        self.due = due
        self.label = label
        self.freq = freq
        # a day the plan names ("trước ngày 05/01 hằng năm"), not the end of a period: never rolled forward
        self.named_day = named_day or label is None


class Milestone(Value):
    """A labelled part of a deadline cell ("Kế hoạch kiểm tra: quý I/2026")."""

    __slots__ = ("label", "resolution")

    def __init__(self, label: str | None, resolution: "Resolution"):
        self.label = label
        self.resolution = resolution


class Resolution(Value):
    """What a deadline phrase means as dates."""

    __slots__ = ("text", "kind", "occurrences", "start", "end", "recurrence", "milestones", "warnings", "note",
                 "due_dates")

    def __init__(self, text: str, kind: str, occurrences: tuple[Occurrence, ...] = (), start: date | None = None,
                 end: date | None = None, recurrence: tuple[str, ...] = (), milestones: tuple[Milestone, ...] = (),
                 warnings: tuple[str, ...] = (), note: str | None = None):
        self.text = text
        self.kind = kind
        self.occurrences = occurrences
        self.start = start
        self.end = end
        self.recurrence = recurrence
        self.milestones = milestones
        self.warnings = warnings
        self.note = note
        self.due_dates = tuple(sorted({o.due for o in occurrences}))

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
        }
        for m in self.milestones:
            sub = m.resolution.to_json()
            del sub["milestones"]
            out["milestones"].append({"label": m.label, **sub})
        return out


def fmt(day: date) -> str:
    """A date as Vietnamese readers write it: 15/06/2026."""
    return day.strftime("%d/%m/%Y")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_label(year: int, q: int) -> str:
    return f"Quý {ROMAN_OUT[q]}/{year}"


# --- normalisation ---------------------------------------------------------

_BULLET = re.compile(r"^[\-–—•+*·]+\s*")
_HANG = re.compile(r"\bhàng\s+(năm|quý|tháng|tuần|ngày)")
_SPLIT = re.compile(r"(?:^|(?<=[.;]))\s*[\-–•+]\s+")
_LABEL = re.compile(r"^(?P<label>[^:]{2,160}?)\s*:\s+(?P<rest>.+)$")


def normalise(text: str) -> str:
    """NFC, no HTML, single spaces, no leading bullet or trailing full stop."""
    s = clean(text)
    s = _BULLET.sub("", s)
    return s.rstrip(" .;,").strip()


def _low(s: str) -> str:
    return _HANG.sub(r"hằng \1", s.lower())


# --- the grammar -------------------------------------------------------------


class _Lazy:
    """A pattern compiled on first use: most runs resolve phrases from the cache
    and never pay the ~15 ms these Unicode patterns take to compile."""

    __slots__ = ("pattern", "_re")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._re = None

    def match(self, text: str):
        if self._re is None:
            self._re = re.compile(self.pattern)
        return self._re.match(text)


_DMY = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})(?:\s*[/.\-]\s*(?P<y>\d{4}))?"
_DMY_WORDS = r"(?P<dw>\d{1,2})\s+tháng\s+(?P<mw>\d{1,2})(?:\s+năm\s+(?P<yw>\d{4}))?"
_LEAD = (
    r"(?:(?:hoàn thành|thực hiện|hạn chót|thời hạn|hạn|chậm nhất(?: là)?|xong)\s+)?"
    r"(?:(?:trong|vào)\s+)?(?P<before>trước\s+)?(?:(?:trong|vào)\s+)?"
)
_YEAR = r"(?:\s*/\s*|\s+năm\s+|\s+)(?P<y>\d{4})"
_QLIST = r"(?P<qs>(?:i{1,3}|iv|[1-4])(?:\s*(?:,|và|-)\s*(?:i{1,3}|iv|[1-4]))*)"

RE_DATE = _Lazy(rf"^{_LEAD}(?:ngày\s+)?(?:{_DMY}|{_DMY_WORDS})$")
RE_MONTH = _Lazy(rf"^{_LEAD}tháng\s+(?P<m>\d{{1,2}})(?:{_YEAR})?$")
RE_QUARTER = _Lazy(rf"^{_LEAD}quý\s+{_QLIST}(?:{_YEAR})?$")
RE_YEAR = _Lazy(rf"^{_LEAD}(?:cả\s+)?năm\s+(?P<y>\d{{4}})$")
RE_HALF = _Lazy(rf"^{_LEAD}6 tháng (?P<half>đầu|cuối)(?: năm)?(?:{_YEAR})?$")
RE_FROM_DATE = _Lazy(rf"^(?:bắt đầu\s+)?từ\s+ngày\s+{_DMY}$")
RE_DATE_RANGE = _Lazy(
    r"^(?:bắt đầu\s+)?từ\s+ngày\s+(?P<d1>\d{1,2})/(?P<m1>\d{1,2})(?:/(?P<y1>\d{4}))?"
    r"\s+(?:đến|tới)\s+(?:hết\s+)?ngày\s+(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})$"
)
RE_MONTH_RANGE = _Lazy(
    r"^(?:bắt đầu\s+)?từ\s+tháng\s+(?P<m1>\d{1,2})(?:/(?P<y1>\d{4}))?"
    r"\s+(?:đến|tới)\s+(?:hết\s+)?tháng\s+(?P<m2>\d{1,2})(?:/(?P<y2>\d{4}))?$"
)
RE_ONGOING = _Lazy(r"^thường xuyên(?P<rest>.*)$")
RE_ONGOING_YEAR = _Lazy(r"^,?\s*(?:trong|cả)\s+năm\s+(?P<y>\d{4})$")
RE_RECUR = _Lazy(
    r"^(?:định kỳ\s+)?(?:hằng|mỗi)\s+(?P<list>(?:tháng|quý|năm|6 tháng|1 năm|sáu tháng|nửa năm)"
    r"(?:\s*(?:,|và|/)\s*(?:hằng\s+)?(?:tháng|quý|năm|6 tháng|1 năm|sáu tháng|nửa năm))*)$"
)
RE_RECUR_PERIODIC = _Lazy(r"^định kỳ\s+(?P<list>6 tháng|quý|tháng|năm)$")
RE_YEARLY_ON = _Lazy(
    rf"^{_LEAD}(?:ngày\s+)?(?P<d>\d{{1,2}})\s*/\s*(?P<m>\d{{1,2}})\s+(?:hằng|mỗi)\s+năm$"
)
RE_QUARTERLY_ON = _Lazy(
    rf"^(?:.*?\s)?{_LEAD}ngày\s+(?P<d>\d{{1,2}})\s+(?:của\s+)?tháng\s+cuối\s+"
    r"(?:của\s+)?(?:mỗi\s+|hằng\s+|các\s+)?quý$"
)
RE_MONTHLY_ON = _Lazy(rf"^{_LEAD}ngày\s+(?P<d>\d{{1,2}})\s+(?:hằng|mỗi)\s+tháng$")
RE_SUFFIX_YEARLY = _Lazy(r"^(?P<head>.+?)[.,;]?\s+(?:hằng|mỗi)\s+năm$")
RE_TAIL_NOTE = _Lazy(r"^(?P<head>.+?),?\s+(?P<note>hoặc\s+(?:đột xuất|theo|khi)\b.*)$")
RE_EVENT = _Lazy(
    r"^(?:khi\s|sau khi\s|ngay sau khi\s|ngay khi\s|theo\s+(?:yêu cầu|hướng dẫn|lộ trình|kế hoạch|"
    r"các quyết định|quyết định|chỉ đạo|văn bản|thông báo|đề nghị|tiến độ|thời gian)|"
    r"khi có|phát sinh|đột xuất|tùy theo|tuỳ theo)"
)
RE_TRAILING_RECUR = _Lazy(
    r"^(?P<head>.+?)\s+(?P<phrase>(?:định kỳ\s+)?(?:hằng|mỗi)\s+(?:tháng|quý|năm)(?:\s*,\s*(?:6 tháng|năm|1 năm|quý))*)$"
)

_FREQ_WORDS = {
    "tháng": "monthly", "quý": "quarterly", "năm": "yearly", "1 năm": "yearly",
    "6 tháng": "half-yearly", "sáu tháng": "half-yearly", "nửa năm": "half-yearly",
}


def _ymd(y: int, m: int, d: int, text: str) -> tuple[date | None, list[str]]:
    """A calendar date; an impossible day of month is clamped with a warning."""
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
        return None, []
    last = calendar.monthrange(y, m)[1]
    if d > last:
        return date(y, m, last), [
            f"ngày {d:02d}/{m:02d}/{y} không tồn tại; dùng ngày {fmt(date(y, m, last))}"
        ]
    return date(y, m, d), []


def _year_for(y: str | None, period: Period | None) -> int | None:
    if y:
        return int(y)
    return period.single_year if period else None


def _unknown(text: str, warnings=()) -> Resolution:
    return Resolution(text, "unknown", warnings=tuple(warnings))


def _period_warnings(occs, period: Period | None) -> list[str]:
    if period is None:
        return []
    out = []
    for o in occs:
        if o.due < period.start:
            out.append(f"hạn {fmt(o.due)} trước thời gian của kế hoạch ({period.label()})")
        elif o.due > period.end:
            out.append(f"hạn {fmt(o.due)} sau thời gian của kế hoạch ({period.label()})")
    return out


def _series(freq: str, period: Period | None, day: tuple[int, int] | None = None,
            offset: int | None = None) -> list[Occurrence]:
    """The occurrences of a recurring duty inside the plan period.

    `day` pins a yearly series to (month, day); `offset` pins monthly and
    quarterly series to a day of the month (quarterly: of the quarter's last month).
    """
    if period is None:
        return []
    out: list[Occurrence] = []
    for y in period.years():
        if freq == "yearly":
            if day:
                d, _ = _ymd(y, day[0], day[1], "")
                cands = [(d, f"Năm {y}")] if d else []
            else:
                cands = [(date(y, 12, 31), f"Năm {y}")]
        elif freq == "half-yearly":
            cands = [(date(y, 6, 30), f"6 tháng đầu năm {y}"), (date(y, 12, 31), f"6 tháng cuối năm {y}")]
        elif freq == "quarterly":
            cands = []
            for q in range(1, 5):
                m = 3 * q
                d = min(offset, calendar.monthrange(y, m)[1]) if offset else None
                cands.append((date(y, m, d) if d else month_end(y, m), quarter_label(y, q)))
        else:
            cands = []
            for m in range(1, 13):
                d = min(offset, calendar.monthrange(y, m)[1]) if offset else None
                cands.append((date(y, m, d) if d else month_end(y, m), f"Tháng {m}/{y}"))
        out.extend(Occurrence(d, label, freq, named_day=bool(day or offset)) for d, label in cands if d in period)
    return out


def _recurring(text: str, freqs: list[str], period: Period | None, note=None, **pin) -> Resolution:
    occs: list[Occurrence] = []
    uniq: list[str] = []
    for f in freqs:
        if f not in uniq:
            uniq.append(f)
            occs.extend(_series(f, period, **pin))
    warnings = () if period else ("cần thời gian của kế hoạch để tính các kỳ",)
    occs.sort(key=lambda o: (o.due, FREQS.index(o.freq)))
    return Resolution(text, "recurring", tuple(occs), recurrence=tuple(uniq), note=note,
                      warnings=warnings)


def _single(text: str, low: str, period: Period | None) -> Resolution:
    """Resolve one phrase (no milestones)."""
    if not low:
        return _unknown(text)

    m = RE_ONGOING.match(low)
    if m:
        rest = m.group("rest").strip(" ,.;")
        ry = RE_ONGOING_YEAR.match(" " + rest) if rest else None
        if ry:
            y = int(ry.group("y"))
            return Resolution(text, "ongoing", start=date(y, 1, 1), end=date(y, 12, 31))
        note = text[len(text) - len(m.group("rest")):].strip(" ,.;") if rest else None
        return Resolution(text, "ongoing", note=note or None)

    if RE_EVENT.match(low):
        return Resolution(text, "event", note=text)

    m = RE_TAIL_NOTE.match(low)
    if m and not RE_EVENT.match(m.group("head")):
        head = m.group("head")
        inner = _single(text[: len(head)], head, period)
        if inner.kind != "unknown":
            return _with(inner, text=text, note=text[len(head):].strip(" ,"))

    m = RE_DATE.match(low)
    if m:
        g = {k: m.group(k) or m.group(k + "w") for k in ("d", "m", "y")}
        y = _year_for(g["y"], period)
        if y is None:
            return _unknown(text, ["cần năm của kế hoạch để tính ngày"])
        d, w = _ymd(y, int(g["m"]), int(g["d"]), text)
        if d is None:
            return _unknown(text, ["ngày không hợp lệ"])
        if m.group("before") and not w:
            # "Trước ngày 31/11" is already clamped to 30/11, the day before 01/12.
            d -= timedelta(days=1)
        occ = (Occurrence(d),)
        return Resolution(text, "due", occ, warnings=tuple(w + _period_warnings(occ, period)))

    m = RE_MONTH.match(low)
    if m:
        y = _year_for(m.group("y"), period)
        mo = int(m.group("m"))
        if y is None or not 1 <= mo <= 12:
            return _unknown(text)
        d = month_end(y, mo)
        if m.group("before"):
            d = date(y, mo, 1) - timedelta(days=1)
        occ = (Occurrence(d, f"Tháng {mo}/{y}"),)
        return Resolution(text, "due", occ, warnings=tuple(_period_warnings(occ, period)))

    m = RE_QUARTER.match(low)
    if m:
        y = _year_for(m.group("y"), period)
        if y is None:
            return _unknown(text, ["cần năm của kế hoạch để tính quý"])
        qs = [ROMAN[q] for q in re.split(r"\s*(?:,|và|-)\s*", m.group("qs"))]
        if m.group("before"):
            occs = tuple(Occurrence(date(y, 3 * q - 2, 1) - timedelta(days=1), quarter_label(y, q)) for q in qs)
        else:
            occs = tuple(Occurrence(month_end(y, 3 * q), quarter_label(y, q)) for q in dict.fromkeys(qs))
        return Resolution(text, "due", occs, warnings=tuple(_period_warnings(occs, period)))

    m = RE_HALF.match(low)
    if m:
        y = _year_for(m.group("y"), period)
        if y is None:
            return _unknown(text)
        first = m.group("half") == "đầu"
        occ = (Occurrence(date(y, 6, 30) if first else date(y, 12, 31),
                          f"6 tháng {'đầu' if first else 'cuối'} năm {y}"),)
        return Resolution(text, "due", occ, warnings=tuple(_period_warnings(occ, period)))

    m = RE_YEAR.match(low)
    if m:
        y = int(m.group("y"))
        if m.group("before"):
            occ = (Occurrence(date(y - 1, 12, 31), f"Năm {y - 1}"),)
        else:
            occ = (Occurrence(date(y, 12, 31), f"Năm {y}"),)
        return Resolution(text, "due", occ, warnings=tuple(_period_warnings(occ, period)))

    m = RE_FROM_DATE.match(low)
    if m:
        y = _year_for(m.group("y"), period)
        d, w = _ymd(y, int(m.group("m")), int(m.group("d")), text) if y else (None, [])
        if d is None:
            return _unknown(text)
        return Resolution(text, "ongoing", start=d, warnings=tuple(w))

    m = RE_DATE_RANGE.match(low)
    if m:
        y2 = int(m.group("y2"))
        y1 = int(m.group("y1")) if m.group("y1") else y2
        start, w1 = _ymd(y1, int(m.group("m1")), int(m.group("d1")), text)
        end, w2 = _ymd(y2, int(m.group("m2")), int(m.group("d2")), text)
        if start is None or end is None or end < start:
            return _unknown(text, ["khoảng thời gian không hợp lệ"])
        occ = (Occurrence(end),)
        return Resolution(text, "range", occ, start=start, end=end,
                          warnings=tuple(w1 + w2 + _period_warnings(occ, period)))

    m = RE_MONTH_RANGE.match(low)
    if m:
        y2 = _year_for(m.group("y2"), period)
        y1 = int(m.group("y1")) if m.group("y1") else y2
        m1, m2 = int(m.group("m1")), int(m.group("m2"))
        if y1 is None or y2 is None or not (1 <= m1 <= 12 and 1 <= m2 <= 12):
            return _unknown(text)
        start, end = date(y1, m1, 1), month_end(y2, m2)
        if end < start:
            return _unknown(text, ["khoảng thời gian không hợp lệ"])
        occ = (Occurrence(end),)
        return Resolution(text, "range", occ, start=start, end=end,
                          warnings=tuple(_period_warnings(occ, period)))

    m = RE_RECUR.match(low) or RE_RECUR_PERIODIC.match(low)
    if m:
        words = re.split(r"\s*(?:,|và|/)\s*(?:hằng\s+)?", m.group("list"))
        return _recurring(text, [_FREQ_WORDS[w] for w in words], period)

    m = RE_YEARLY_ON.match(low)
    if m:
        mo, d = int(m.group("m")), int(m.group("d"))
        probe, _ = _ymd(2024, mo, d, text)  # a leap year accepts 29/02
        if probe is None:
            return _unknown(text, ["ngày không hợp lệ"])
        if m.group("before"):
            probe -= timedelta(days=1)
        return _recurring(text, ["yearly"], period, day=(probe.month, probe.day))

    m = RE_QUARTERLY_ON.match(low)
    if m:
        d = int(m.group("d")) - (1 if m.group("before") else 0)
        if not 1 <= d <= 31:
            return _unknown(text)
        return _recurring(text, ["quarterly"], period, offset=d)

    m = RE_MONTHLY_ON.match(low)
    if m:
        d = int(m.group("d")) - (1 if m.group("before") else 0)
        if not 1 <= d <= 31:
            return _unknown(text)
        return _recurring(text, ["monthly"], period, offset=d)

    m = RE_SUFFIX_YEARLY.match(low)
    if m:
        head = m.group("head")
        inner = _single(text[: len(head)], head, period)
        if inner.kind == "due" and len(inner.due) == 1:
            first = inner.due[0]
            res = _recurring(text, ["yearly"], period, day=(first.month, first.day))
            return _with(res, warnings=inner.warnings)
        return _unknown(text)

    return _unknown(text)


def _with(res: Resolution, **changes) -> Resolution:
    return res.replace(**changes)


def _segment(seg: str, period: Period | None) -> Milestone:
    """One bullet of a deadline cell: "label: phrase", or a bare phrase."""
    low = _low(seg)
    res = _single(seg, low, period)
    if res.kind != "unknown":
        return Milestone(None, res)
    m = _LABEL.match(seg)
    if m:
        rest = m.group("rest").rstrip(" .;,")
        inner = _single(rest, _low(rest), period)
        if inner.kind != "unknown" or not _looks_like_phrase(m.group("label")):
            return Milestone(m.group("label").strip(), _with(inner, text=rest))
    t = RE_TRAILING_RECUR.match(low)
    if t:
        head_len = len(t.group("head"))
        phrase = seg[head_len:].strip()
        inner = _single(phrase, _low(phrase), period)
        if inner.kind == "recurring":
            return Milestone(seg[:head_len].strip(), inner)
    return Milestone(None, res)


def _looks_like_phrase(label: str) -> bool:
    return bool(re.search(r"\d", label))


@lru_cache(maxsize=4096)
def resolve(text: str, period: Period | None = None) -> Resolution:
    """Resolve a deadline cell as written in a plan; never raises."""
    try:
        return _resolve(text, period)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; unknown is safe
        return _unknown(text if isinstance(text, str) else str(text), ["không đọc được thời hạn"])


def _resolve(text: str, period: Period | None) -> Resolution:
    raw_lines = [ln for ln in str(text).replace("\r", "\n").split("\n")]
    segments: list[str] = []
    for line in raw_lines:
        line = clean(line)
        if not line:
            continue
        segments.extend(p for p in (normalise(x) for x in _SPLIT.split(line)) if p)
    shown = clean(str(text))
    if not segments:
        return _unknown(shown)
    if len(segments) == 1:
        ms = _segment(segments[0], period)
        if ms.label is None:
            return _with(ms.resolution, text=shown)
        parts = [ms]
    else:
        parts = [_segment(s, period) for s in segments]
    occs: list[Occurrence] = []
    warnings: list[str] = []
    for p in parts:
        occs.extend(p.resolution.occurrences)
        warnings.extend(f"{p.label}: {w}" if p.label else w for w in p.resolution.warnings)
    if all(p.resolution.kind == "unknown" for p in parts):
        return _unknown(shown, warnings)
    return Resolution(shown, "milestones", tuple(occs), milestones=tuple(parts),
                      warnings=tuple(warnings))


def parse_period(value) -> Period:
    """A plan period from `2026`, "2026", "2025-07-01..2025-12-31" or {start, end}.

    Raises ValueError with a Vietnamese message.
    """
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if 1900 <= value <= 2200:
            return Period.year(value)
        raise ValueError(f"năm {value} không hợp lệ")
    if isinstance(value, dict):
        start, end = value.get("start"), value.get("end")
        start = iso_date(start)
        end = iso_date(end)
        if end < start:
            raise ValueError("ngày kết thúc trước ngày bắt đầu")
        return Period(start, end)
    if isinstance(value, str):
        v = value.strip()
        if re.fullmatch(r"\d{4}", v):
            return parse_period(int(v))
        m = re.fullmatch(r"(\S+)\s*(?:\.\.|–|—|/)\s*(\S+)", v)
        if m and "-" in m.group(1):
            return parse_period({"start": m.group(1), "end": m.group(2)})
        res = _PERIOD_WORDS.match(_low(normalise(v)))
        if res:
            y = int(res.group("y"))
            half = res.group("half")
            if half == "đầu":
                return Period(date(y, 1, 1), date(y, 6, 30))
            if half == "cuối":
                return Period(date(y, 7, 1), date(y, 12, 31))
            return Period.year(y)
    raise ValueError(f"không hiểu thời gian kế hoạch {value!r} (ví dụ: 2026 hoặc 2025-07-01..2025-12-31)")


_PERIOD_WORDS = re.compile(r"^(?:6 tháng (?P<half>đầu|cuối) )?năm (?P<y>\d{4})$")


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
