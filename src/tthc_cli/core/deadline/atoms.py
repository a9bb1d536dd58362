"""Atoms of the deadline grammar: every way a phrase names one span of time.

An atom is read at a position of the lexeme list and yields one `Atom` (or a
list of them, for "tháng 3, 6 và 9/2026" and "Quý I, II/2026", which share the
word and the trailing year). An atom knows its span only once it has a year:
the phrase reader fills in a year shared along a list, or the plan's.
"""

from __future__ import annotations

from datetime import date, timedelta

from tthc_cli.core.deadline.lexer import DM, DMY, ISO, MY, NUM, PUNCT, WORD, YSPAN, Lexeme
from tthc_cli.core.deadline.model import fmt, month_end, quarter_label

ROMAN_WORDS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "bốn": 2, "năm": 3, "sáu": 4, "bảy": 5}
WEEKDAY_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
NUMBER_WORDS = frozenset(
    "một hai ba bốn tư năm lăm sáu bảy tám chín mười mươi mốt linh lẻ không trăm nghìn ngàn".split())
CAN = ("giáp", "ất", "bính", "đinh", "mậu", "kỷ", "canh", "tân", "nhâm", "quý")
CHI = ("tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi", "thân", "dậu", "tuất", "hợi")
_CHI_ALT = {"tí": "tý", "mẹo": "mão", "tị": "tỵ"}
# holidays by name: (key, words) — fixed solar days, and the lunar ones the `holidays` package computes
SOLAR_HOLIDAYS = {"tết dương lịch": (1, 1), "quốc khánh": (9, 2), "giải phóng miền nam": (4, 30),
                  "thống nhất đất nước": (4, 30), "quốc tế lao động": (5, 1)}
LUNAR_HOLIDAYS = {"tết nguyên đán": "Lunar New Year", "tết âm lịch": "Lunar New Year", "tết cổ truyền": "Lunar New Year",
                  "giỗ tổ hùng vương": "Hung Kings' Commemoration Day", "giỗ tổ": "Hung Kings' Commemoration Day",
                  "lễ hội đền hùng": "Hung Kings' Commemoration Day", "hội đền hùng": "Hung Kings' Commemoration Day"}
def _lunar_tet_follows(toks, k) -> bool:
    """Whether the word after "Tết" keeps it Tết Nguyên đán: nothing, punctuation, a year, a sexagenary name,
    or a word that is not part of another festival's name."""
    w = word(toks, k)
    if w is None:
        return True
    if w in CAN or w in _TET_JOINS:
        return True
    return False


_TET_JOINS = frozenset(("năm", "và", "hoặc", "của", "này", "tới", "sắp", "đến", "để", "cho", "các", "về", "trong",
                        "nguyên", "âm", "cổ", "xuân", "ta", "ất", "tại", "trên", "ở", "với", "sẽ", "đã", "thì", "phải",
                        "ngày", "hằng", "mỗi", "từ", "trước", "sau"))
HOLIDAY_VI = {"Lunar New Year": "Tết Nguyên đán", "Hung Kings' Commemoration Day": "Giỗ Tổ Hùng Vương"}


class Unresolvable(Exception):
    """An atom that names no real span (month 13, quarter V, a year it cannot know)."""


class Atom:
    """One span as written: a unit ("day", "month", "quarter", …), its numbers and
    its year (None until known; `rel` +1 for "năm sau"); `pos` is "đầu", "giữa" or
    "cuối" for a part of the span; `i`/`j` the lexemes it took."""

    __slots__ = ("unit", "a", "b", "year", "rel", "pos", "i", "j", "text", "mods")

    def __init__(self, unit: str, a=None, b=None, year: int | None = None, i: int = 0, j: int = 0, rel: int = 0):
        self.unit = unit
        self.a = a
        self.b = b
        self.year = year
        self.rel = rel
        self.pos = None
        self.mods: frozenset = frozenset()  # the modifiers written before it ("trước", "chậm nhất" …)
        self.i = i
        self.j = j
        self.text = ""

    def __repr__(self) -> str:
        return f"Atom({self.unit}, {self.a}, {self.b}, y={self.year}, rel={self.rel}, pos={self.pos})"

    def span(self) -> tuple[date, date, str | None, list[str]]:
        """(first day, last day, label, warnings); Unresolvable if it names no real span."""
        y = self.year
        if y is None and self.unit not in ("yearspan", "schoolyear"):
            raise Unresolvable("cần năm của kế hoạch")
        u, a, b = self.unit, self.a, self.b
        if u == "day":
            d, w = real_day(y, b, a)
            start = end = d
            label = None
        elif u == "month":
            if not 1 <= a <= 12:
                raise Unresolvable(f"tháng {a} không có")
            start, end, label = date(y, a, 1), month_end(y, a), f"Tháng {a}/{y}"
        elif u == "quarter":
            if a not in (1, 2, 3, 4):
                raise Unresolvable("quý không hợp lệ")
            start, end, label = date(y, 3 * a - 2, 1), month_end(y, 3 * a), quarter_label(y, a)
        elif u == "half":
            start, end = (date(y, 1, 1), date(y, 6, 30)) if a == 1 else (date(y, 7, 1), date(y, 12, 31))
            label = f"6 tháng {'đầu' if a == 1 else 'cuối'} năm {y}"
        elif u == "cumul":
            start, end, label = date(y, 1, 1), month_end(y, a), f"{a} tháng đầu năm {y}"
        elif u == "year":
            start, end, label = date(y, 1, 1), date(y, 12, 31), f"Năm {y}"
        elif u == "schoolyear":
            start, end, label = date(a, 9, 5), date(a + 1, 5, 31), f"Năm học {a}-{a + 1}"
        elif u == "yearspan":
            start, end, label = date(a, 1, 1), date(b, 12, 31), f"Giai đoạn {a}-{b}"
        elif u == "holiday":
            start = end = holiday(a, y)
            label = None
        else:
            raise Unresolvable(f"không tính được ({u})")
        warnings = w if u == "day" else []
        if self.pos:
            start, end, label = self._part(start, end, label)
        return start, end, label, warnings

    def _part(self, start: date, end: date, label):
        """đầu / giữa / cuối of the span (Bộ luật Dân sự, Điều 146)."""
        if self.pos == "cuối":
            return end, end, label
        if self.pos == "đầu":
            return start, start, None
        if self.unit == "month":
            mid = start.replace(day=15)
        elif self.unit == "year":
            mid = date(start.year, 6, 30)
        else:
            raise Unresolvable(f"“giữa” {self.unit} không có ngày xác định")
        return mid, mid, None

    def before(self) -> tuple[date, str | None]:
        """"Trước <span>": the day before it starts, and the label of the span that ends then."""
        start, _, _, _ = self.span()
        day = start - timedelta(days=1)
        if self.pos or self.unit in ("day", "holiday", "schoolyear", "yearspan"):
            return day, None
        prev = self.prev()
        return day, prev.span()[2] if prev else None

    def prev(self) -> "Atom | None":
        """The span of the same kind just before this one."""
        u, a, y = self.unit, self.a, self.year
        if u == "month":
            return Atom("month", 12, year=y - 1) if a == 1 else Atom("month", a - 1, year=y)
        if u == "quarter":
            return Atom("quarter", 4, year=y - 1) if a == 1 else Atom("quarter", a - 1, year=y)
        if u == "half":
            return Atom("half", 2, year=y - 1) if a == 1 else Atom("half", 1, year=y)
        if u == "year":
            return Atom("year", year=y - 1)
        return None


def real_day(y: int, m: int, d: int) -> tuple[date, list[str]]:
    """A calendar date; an impossible day of month is clamped with a warning."""
    import calendar

    if not (1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
        raise Unresolvable(f"ngày {d}/{m}/{y} không hợp lệ")
    last = calendar.monthrange(y, m)[1]
    if d > last:
        return date(y, m, last), [f"ngày {d:02d}/{m:02d}/{y} không tồn tại; dùng ngày {fmt(date(y, m, last))}"]
    return date(y, m, d), []


def holiday(key, year: int) -> date:
    """The first day of a public holiday in `year` (lunar ones from the `holidays` package)."""
    if isinstance(key, tuple) and isinstance(key[0], str):  # ("Lunar New Year", 6): mùng 6 Tết
        return holiday(key[0], year) + timedelta(days=key[1] - 1)
    if isinstance(key, tuple):
        return date(year, key[0], key[1])
    import holidays

    days = holidays.country_holidays("VN", years=year, language="en_US")
    for day, name in sorted(days.items()):
        if name == key:
            return day
    raise Unresolvable(f"không tìm được {HOLIDAY_VI.get(key, key)} năm {year}")


def can_chi_year(can: str, chi: str, near: int) -> int | None:
    """The year named by a sexagenary name ("Bính Ngọ") nearest to `near`."""
    chi = _CHI_ALT.get(chi, chi)
    if can not in CAN or chi not in CHI:
        return None
    ci, zi = CAN.index(can), CHI.index(chi)
    for delta in sorted(range(-40, 41), key=abs):
        y = near + delta
        if (y - 4) % 10 == ci and (y - 4) % 12 == zi:
            return y
    return None


# --- reading atoms ------------------------------------------------------------------


def word(toks: list[Lexeme], i: int) -> str | None:
    return toks[i].text if i < len(toks) and toks[i].kind == WORD else None


def words_at(toks: list[Lexeme], i: int, phrase: str) -> int | None:
    """The index after `phrase` (space-separated words) if it stands at `i`."""
    for w in phrase.split():
        if i >= len(toks) or toks[i].key != w:
            return None
        i += 1
    return i


_INDEX: dict[int, tuple] = {}  # id(phrases) -> (phrases, {first word: [(words, phrase), … longest first]})


def any_words(toks, i, phrases) -> tuple[str, int] | None:
    """The longest of `phrases` standing at `i`, and the index after it.

    `phrases` must be a constant collection (a module-level tuple, dict or set): it is indexed
    by first word once and kept, so that this look-up costs one dict access per lexeme."""
    if i >= len(toks):
        return None
    entry = _INDEX.get(id(phrases))
    if entry is None or entry[0] is not phrases:
        table: dict[str, list] = {}
        for p in phrases:
            words = tuple(p.split())
            table.setdefault(words[0], []).append((words, p))
        for cands in table.values():
            cands.sort(key=lambda c: -len(c[0]))
        entry = _INDEX[id(phrases)] = (phrases, table)
    cands = entry[1].get(toks[i].key)
    if not cands:
        return None
    n = len(toks)
    for words, p in cands:
        j = i + 1
        for w in words[1:]:
            if j >= n or toks[j].key != w:
                break
            j += 1
        else:
            return p, j
    return None


def punct(toks, i, chars: str) -> bool:
    return i < len(toks) and toks[i].kind == PUNCT and toks[i].text in chars


def _year_suffix(toks, i) -> tuple[int | None, int, int]:
    """A year written after a span: "/2026", "năm 2026", " 2026", "năm sau", "của năm liền kề năm báo cáo"
    → (year, rel, next index)."""
    if punct(toks, i, ",") and word(toks, i + 1) == "năm" and i + 2 < len(toks) and toks[i + 2].kind == NUM \
            and _is_year(toks[i + 2].num):
        return toks[i + 2].num, 0, i + 3  # "ngày 15 tháng 8, năm 2026"
    if word(toks, i) == "của" and word(toks, i + 1) == "năm":
        got = _year_suffix(toks, i + 1)
        if got[2] > i + 1:
            return got
    if punct(toks, i, "/-") and i + 1 < len(toks) and toks[i + 1].kind == NUM and _is_year(toks[i + 1].num):
        return toks[i + 1].num, 0, i + 2
    if word(toks, i) == "năm":
        if i + 1 < len(toks) and toks[i + 1].kind == NUM and _is_year(toks[i + 1].num):
            return toks[i + 1].num, 0, i + 2
        rel = _relative_year(toks, i + 1)
        if rel is not None:
            k = rel[1]
            tail = any_words(toks, k, ("năm báo cáo", "của năm báo cáo", "năm thực hiện"))
            return None, rel[0], tail[1] if tail else k
    if i < len(toks) and toks[i].kind == NUM and _is_year(toks[i].num):
        return toks[i].num, 0, i + 1
    return None, 0, i


_REL_YEAR = {"sau": 1, "tiếp theo": 1, "liền kề": 1, "kế tiếp": 1, "tới": 1, "sau liền kề": 1, "báo cáo": 0,
             "nay": 0, "hiện hành": 0, "thực hiện": 0, "trước": -1, "liền trước": -1}


def _relative_year(toks, i) -> tuple[int, int] | None:
    """ "sau", "liền kề", "báo cáo" … after the word "năm": (years from the plan's year, next index)."""
    hit = any_words(toks, i, _REL_YEAR)
    if hit is None:
        return None
    # "năm trước" is also "the year before <span>" in "trước năm …"; only take it at the end or before punctuation
    if hit[0] in ("trước", "liền trước") and hit[1] < len(toks) and toks[hit[1]].kind != PUNCT:
        return None
    return _REL_YEAR[hit[0]], hit[1]


def _is_year(n: int | None) -> bool:
    return n is not None and 1900 <= n <= 2200


def read_atom(toks: list[Lexeme], i: int) -> tuple[list[Atom], int] | None:
    """The atom (or list of atoms sharing a word and a year) standing at `i`."""
    for reader in (_day, _month, _quarter, _cumulative, _half, _year_words, _part_of, _holiday, _bare):
        got = reader(toks, i)
        if got is not None:
            atoms, j = got
            for a in atoms:
                a.i, a.j = (a.i or i), (a.j or j)
            return atoms, j
    return None


def _number_words_in_parens(toks, i) -> int:
    """ "(mười lăm)" after a number, as some documents write it: skipped."""
    if punct(toks, i, "("):
        j = i + 1
        while word(toks, j) in NUMBER_WORDS:
            j += 1
        if j > i + 1 and punct(toks, j, ")"):
            return j + 1
    return i


def _day(toks, i):
    j = i
    if word(toks, j) == "ngày" and word(toks, j + 1) in ("đầu", "giữa", "cuối") and word(toks, j + 2) != "tiên":
        part = _part_of(toks, j + 1)
        if part is not None:
            return part
    last = any_words(toks, j, ("ngày cuối cùng", "ngày làm việc cuối cùng"))
    if last is not None and last[0] == "ngày cuối cùng":
        return [Atom("dom", 31)], last[1]  # the month's last day, clamped per month
    lead = any_words(toks, j, ("ngày thứ", "ngày", "ngày mùng", "ngày mồng", "mùng", "mồng"))
    if lead is not None and lead[0] == "ngày thứ" and not (lead[1] < len(toks) and toks[lead[1]].kind == NUM):
        return None  # "ngày thứ Hai": a weekday
    if lead:
        j = lead[1]
    if j >= len(toks):
        return None
    t = toks[j]
    if t.kind == DMY:
        d, m, y = t.nums
        return [Atom("day", d, m, y)], j + 1
    if t.kind == ISO:  # "2026-12-01", as spreadsheets write a date
        y, m, d = t.nums
        return [Atom("day", d, m, y)], j + 1
    if t.kind == DM:
        d, m = t.nums
        if not (1 <= d <= 31 and 1 <= m <= 12):
            return None
        if _count_follows(toks, j + 1):
            return None  # "1-2 ngày", "1-2 cuộc", "2/3 tháng": a count, not a day
        y, rel, k = _year_suffix(toks, j + 1) if word(toks, j + 1) in ("năm", "của") else (None, 0, j + 1)
        a = Atom("day", d, m, y)
        _share_year([a], y, rel)
        return [a], k
    if t.kind == NUM and lead is not None and 1 <= t.num <= 31:
        if word(toks, j + 1) == "tết":
            return None  # "mùng 6 Tết": a day of the lunar New Year, for _holiday
        k = _number_words_in_parens(toks, j + 1)
        if word(toks, k) == "tháng" and k + 1 < len(toks) and toks[k + 1].kind in (NUM, MY):
            mt = toks[k + 1]
            if mt.kind == MY:
                m, y = mt.nums
                return [Atom("day", t.num, m, y)], k + 2
            k2 = _number_words_in_parens(toks, k + 2)
            y, rel, k3 = _year_suffix(toks, k2)
            a = Atom("day", t.num, mt.num, y)
            _share_year([a], y, rel)
            return [a], k3
        month = _first_month(toks, k + 1 if word(toks, k) == "của" else k)
        if month is not None:
            a = Atom("day", t.num, 1, rel=month[0])
            return [a], month[1]
        # "ngày 20" alone: a day of some month, for "ngày 20 hằng tháng", "ngày 25 tháng cuối quý"
        return [Atom("dom", t.num)], k
    if t.kind == NUM and lead is None and j + 2 < len(toks) and word(toks, j + 1) == "tháng" \
            and toks[j + 2].kind in (NUM, MY) and 1 <= t.num <= 31 and not _is_year(t.num):
        # "15 tháng 8 năm 2026" without the word "ngày"
        mt = toks[j + 2]
        if mt.kind == MY:
            m, y = mt.nums
            return [Atom("day", t.num, m, y)], j + 3
        if word(toks, j + 3) == "năm" and j + 4 < len(toks) and toks[j + 4].kind == NUM and _is_year(toks[j + 4].num):
            return [Atom("day", t.num, mt.num, toks[j + 4].num)], j + 5
        if 1 <= mt.num <= 12 and word(toks, j + 3) not in ("năm", "ngày", "tuần", "tháng"):
            return [Atom("day", t.num, mt.num)], j + 3  # "15 tháng 8"
    return None


_UNIT_WORDS = frozenset(("ngày", "tuần", "tháng", "giờ", "phút", "lần", "người", "lớp", "cấp", "đợt", "triệu", "tỷ",
                         "cuộc", "mô", "điểm", "lượt"))


def _count_follows(toks, k) -> bool:
    """Whether a unit of counting follows ("1-2 ngày", "1.5 năm"): then the number before is a count."""
    if word(toks, k) in _UNIT_WORDS or punct(toks, k, "%"):
        return True
    return word(toks, k) == "năm" and _year_suffix(toks, k)[2] == k


def _first_month(toks, k) -> tuple[int, int] | None:
    """ "tháng đầu tiên (của) năm sau": January of the year after (rel 1), and the index after it."""
    hit = any_words(toks, k, ("tháng đầu tiên của năm", "tháng đầu tiên năm", "tháng đầu của năm", "tháng đầu năm"))
    if hit is None:
        return None
    rel = _relative_year(toks, hit[1])
    if rel is None or rel[0] != 1:
        return None
    return 1, rel[1]


def _list_items(toks, j, item):
    """Elliptic list items after the first: ", 6 và 9/2026" → [(value, year-or-None)], next index."""
    out = []
    while True:
        k = j
        if punct(toks, k, ",&;/+") or word(toks, k) == "và":
            k += 1
            if word(toks, k) == "và":
                k += 1
        else:
            break
        got = item(toks, k)
        if got is None:
            break
        out.append(got[0])
        j = got[1]
    return out, j


def _month(toks, i):
    if word(toks, i) != "tháng":
        return None
    j = i + 1
    if j >= len(toks):
        return None
    t = toks[j]

    def item(toks, k):
        if k < len(toks) and toks[k].kind == MY and 1 <= toks[k].nums[0] <= 12:
            return (toks[k].nums[0], toks[k].nums[1]), k + 1
        if k < len(toks) and toks[k].kind == NUM and 1 <= toks[k].num <= 12 and word(toks, k + 1) not in (
                "ngày", "tháng", "tuần"):
            return (toks[k].num, None), k + 1
        return None

    first = item(toks, j)
    if first is None:
        if t.kind == NUM and t.num > 12 and not _is_year(t.num) and word(toks, j + 1) != "ngày":
            y, rel, k = _year_suffix(toks, j + 1)
            return [Atom("month", t.num, year=y)], k  # "tháng 13/2026": an atom that will not resolve
        return None
    rest, k = _list_items(toks, first[1], item)
    values = [first[0], *rest]
    y, rel, k = _year_suffix(toks, k) if values[-1][1] is None else (None, 0, k)
    atoms = [Atom("month", m, year=yy) for m, yy in values]
    _share_year(atoms, y, rel)
    return atoms, k


def _share_year(atoms: list[Atom], year, rel) -> None:
    """The year (or "năm sau") written after the last item of a list: see `share_backwards`."""
    last = atoms[-1]
    if last.year is None and not last.rel:
        if year is not None:
            last.year = year
        elif rel:
            last.rel = rel
    share_backwards(atoms)


def share_backwards(atoms: list[Atom]) -> None:
    """A year written once at the end of a list belongs to the items before it ("tháng 5 và quý II năm 2026",
    "tháng 1, tháng 2 năm sau") as far back as the list runs forward in time; an item later in the year than
    the one after it belongs to the year before ("tháng 11, 12 và 1/2027": 11 and 12 of 2026)."""
    if len(atoms) < 2:
        return
    trailing, trailing_rel, after = None, 0, None
    for a in reversed(atoms):
        when = _month_day(a)
        if a.year is not None:
            trailing, trailing_rel = a.year, 0
        elif a.rel:
            trailing, trailing_rel = None, a.rel
        elif trailing is not None or trailing_rel:
            # the list wraps into the next year where an item starts after the next one ends
            wraps = when is not None and after is not None and when[0] > after[1]
            if trailing is not None:
                trailing -= 1 if wraps else 0
                a.year = trailing
            else:
                trailing_rel -= 1 if wraps else 0
                a.rel = trailing_rel
        after = when
    leading, before = None, None
    for a in atoms:  # and forward: "tháng 11/2026, 12 và 1", "Quý IV/2026 và quý I"
        when = _month_day(a)
        if a.year is not None:
            leading = a.year
        elif leading is not None and not a.rel and when is not None:
            if before is not None and before[0] > when[1]:
                leading += 1  # January of the year after
            a.year = leading
        before = when if when is not None else before


def probe(atom: Atom, year: int = 2024) -> tuple[date, date] | None:
    """The first and last day of an atom in `year` (by default a leap year, where 29/02 exists), or None."""
    copy = Atom(atom.unit, atom.a, atom.b, year=year)
    copy.pos = atom.pos
    try:
        start, end = copy.span()[:2]
    except Unresolvable:
        return None
    return start, end


def _month_day(atom: Atom) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Where in a year an atom starts and ends, as ((month, day), (month, day)), or None when it is not a part
    of one year."""
    if atom.unit not in ("day", "month", "quarter", "half", "cumul"):
        return None
    span = probe(atom)
    if span is None:
        return None
    start, end = span
    return (start.month, start.day), (end.month, end.day)


def _quarter(toks, i):
    if word(toks, i) != "quý":
        return None

    def item(toks, k):
        w = word(toks, k)
        if w in ROMAN_WORDS:
            return (ROMAN_WORDS[w], None), k + 1
        if k < len(toks) and toks[k].kind == NUM and toks[k].num in (1, 2, 3, 4) and word(toks, k + 1) not in (
                "ngày", "tháng"):
            return (toks[k].num, None), k + 1
        if k < len(toks) and toks[k].kind == MY and toks[k].nums[0] in (1, 2, 3, 4):
            return (toks[k].nums[0], toks[k].nums[1]), k + 1
        return None

    first = item(toks, i + 1)
    if first is None:
        w = word(toks, i + 1)
        if w in ("v", "vi", "vii") or (i + 1 < len(toks) and toks[i + 1].kind == NUM and not _is_year(toks[i + 1].num)):
            y, rel, k = _year_suffix(toks, i + 2)
            return [Atom("quarter", 0, year=y)], k  # "Quý V/2026": will not resolve
        return None
    rest, k = _list_items(toks, first[1], item)
    values = [first[0], *rest]
    y, rel, k = _year_suffix(toks, k) if values[-1][1] is None else (None, 0, k)
    atoms = [Atom("quarter", q, year=yy) for q, yy in values]
    for a in atoms:
        if not 1 <= a.a <= 4:
            a.a = 0
    _share_year(atoms, y, rel)
    return atoms, k


def _cumulative(toks, i):
    """ "6 tháng đầu năm", "9 tháng đầu năm 2026", "6 tháng cuối năm", "sáu tháng đầu năm"."""
    t = toks[i] if i < len(toks) else None
    n = t.num if t is not None and t.kind == NUM else {"sáu": 6, "ba": 3, "chín": 9}.get(word(toks, i) or "")
    if n is None or not 1 <= n <= 11 or word(toks, i + 1) != "tháng":
        return None
    hit = any_words(toks, i + 2, ("đầu năm", "cuối năm", "đầu", "cuối"))
    if hit is None:
        y, rel, k = _year_suffix(toks, i + 2)
        if y is None or n not in (3, 6, 9):
            return None
        atom = Atom("half", 1, year=y) if n == 6 else Atom("cumul", n, year=y)
        return [atom], k
    first = hit[0].startswith("đầu")
    if not first and n != 6:
        return None
    y, rel, k = _year_suffix(toks, hit[1])
    if y is None and not rel and hit[0].endswith("năm") and _relative_year(toks, hit[1]) is not None:
        rel, k = _relative_year(toks, hit[1])  # "6 tháng đầu năm sau"
    if hit[0] in ("đầu", "cuối") and y is None and not rel:
        return None  # "6 tháng đầu" of what?
    unit, a = ("half", 1 if first else 2) if n == 6 else ("cumul", n)
    atom = Atom(unit, a, year=y)
    _share_year([atom], y, rel)
    return [atom], k


def _year_words(toks, i):
    """ "năm 2026", "cả năm", "năm học 2025-2026", "giai đoạn 2026-2030", "năm sau"."""
    j = i
    if word(toks, j) == "cả" and word(toks, j + 1) == "năm":
        j += 1
    hit = any_words(toks, j, ("năm học mới", "năm học", "nh", "giai đoạn", "năm ngân sách", "năm tài chính", "năm"))
    if hit is None:
        return None
    kind, k = hit
    kind = {"năm học mới": "năm học", "nh": "năm học", "năm ngân sách": "năm", "năm tài chính": "năm"}.get(kind, kind)
    if kind == "năm" and hit[0] != "năm" and not (k < len(toks) and toks[k].kind == NUM and _is_year(toks[k].num)):
        return None  # "năm ngân sách" without its year: a name
    if kind in ("năm học", "giai đoạn"):
        span = _year_span(toks, k)
        if span is None:
            return None
        (a, b), k2 = span
        if kind == "năm học":
            if b != a + 1:
                return None
            years = [Atom("schoolyear", a)]
            while (punct(toks, k2, ",;&") or word(toks, k2) == "và") and _year_span(toks, k2 + 1):
                (a, b), k3 = _year_span(toks, k2 + 1)  # "năm học 2025-2026 và 2026-2027"
                if b != a + 1:
                    break
                years.append(Atom("schoolyear", a))
                k2 = k3
            return years, k2
        return [Atom("yearspan", a, b)], k2
    if k < len(toks) and toks[k].kind == NUM and _is_year(toks[k].num):
        return [Atom("year", year=toks[k].num)], k + 1
    if k < len(toks) and toks[k].kind == YSPAN:
        a, b = toks[k].nums
        return ([Atom("yearspan", a, b)], k + 1) if b > a else None
    rel = _relative_year(toks, k)
    if rel is not None:
        if word(toks, i - 1) in ("các", "những", "mọi") and i > 0:
            return None  # "các năm tiếp theo": every year after, not one year
        return [Atom("year", rel=rel[0])], rel[1]
    if j > i:  # "cả năm": the plan's year
        return [Atom("year")], k
    if kind == "năm" and word(toks, i - 1) in ("trong", "hết", "suốt", "cả") and i > 0 and \
            (k >= len(toks) or toks[k].kind == PUNCT or word(toks, k) in ("và", "hoặc")):
        return [Atom("year")], k  # "trong năm", "đến hết năm": the plan's year
    return None


def _year_span(toks, k):
    if k + 2 < len(toks) and toks[k].kind == NUM and _is_year(toks[k].num) and punct(toks, k + 1, "/") \
            and toks[k + 2].kind == NUM and toks[k + 2].num == toks[k].num + 1:
        return (toks[k].num, toks[k + 2].num), k + 3  # "năm học 2026/2027"
    if k < len(toks) and toks[k].kind == YSPAN:
        a, b = toks[k].nums
        return ((a, b), k + 1) if b > a else None
    if k + 2 < len(toks) and toks[k].kind == NUM and _is_year(toks[k].num) and punct(toks, k + 1, "-–—") \
            and toks[k + 2].kind == NUM and _is_year(toks[k + 2].num):
        return (toks[k].num, toks[k + 2].num), k + 3
    return None


def _part_of(toks, i):
    """ "đầu / giữa / cuối" of a month, quarter or year: "cuối tháng 6", "đầu năm 2026", "cuối năm"."""
    pos = word(toks, i)
    if pos not in ("đầu", "giữa", "cuối"):
        return None
    j = i + 1
    if word(toks, j) == "tháng" and word(toks, j + 1) in ("cuối", "đầu"):
        return None  # "cuối tháng cuối quý": for the recurrence reader
    inner = _month(toks, j) or _quarter(toks, j) or _year_words(toks, j)
    if inner is None:
        if word(toks, j) == "năm" and word(toks, j + 1) not in ("học", "nay", "tài", "ngân", "kế"):
            atom = Atom("year")
            atom.pos = pos
            return [atom], j + 1
        return None
    atoms, k = inner
    for a in atoms:
        a.pos = pos  # "đầu tháng 6 và 7/2026": the start of each
    return atoms, k


def _half(toks, i):
    """ "nửa đầu năm 2026", "nửa cuối năm": the half-years."""
    hit = any_words(toks, i, ("nửa đầu năm", "nửa cuối năm", "nửa năm đầu", "nửa năm cuối"))
    if hit is None:
        return None
    y, rel, k = _year_suffix(toks, hit[1])
    if y is None and not rel and _relative_year(toks, hit[1]) is not None:
        rel, k = _relative_year(toks, hit[1])
    atom = Atom("half", 1 if "đầu" in hit[0] else 2, year=y)
    _share_year([atom], y, rel)
    return [atom], k


def _holiday(toks, i):
    j = i
    if word(toks, j) in ("ngày", "lễ"):
        j += 1
    solar = any_words(toks, j, SOLAR_HOLIDAYS)
    if solar:
        name, k = solar
        md = SOLAR_HOLIDAYS[name]
        # "Quốc khánh 2/9" and "(2/9)" repeat the day: consume it when it agrees
        k2 = k + 1 if punct(toks, k, "(") else k
        if k2 < len(toks) and toks[k2].kind == DM and toks[k2].nums == (md[1], md[0]):
            k = k2 + 1 + (1 if k2 > k and punct(toks, k2 + 1, ")") else 0)
        y, rel, k = _year_suffix(toks, k)
        atom = Atom("holiday", md, year=y)
        _share_year([atom], y, rel)
        return [atom], k
    lunar_day = None
    if word(toks, j) in ("mùng", "mồng") and j + 2 < len(toks) and toks[j + 1].kind == NUM and word(toks, j + 2) == "tết" \
            and 1 <= toks[j + 1].num <= 10:
        lunar_day, j = toks[j + 1].num, j + 2
    if word(toks, j) == "tết" and words_at(toks, j, "tết dương lịch") is None:
        lunar = any_words(toks, j, LUNAR_HOLIDAYS)
        key, k = (LUNAR_HOLIDAYS[lunar[0]], lunar[1]) if lunar else ("Lunar New Year", j + 1)
        if lunar is None and not _lunar_tet_follows(toks, k):
            return None  # "Tết Trung thu", "Tết Khmer", "Tết trồng cây": not lunar New Year
    else:
        lunar = any_words(toks, j, LUNAR_HOLIDAYS)
        if lunar is None:
            return None
        key, k = LUNAR_HOLIDAYS[lunar[0]], lunar[1]
    if any_words(toks, k, ("dân tộc", "của đồng bào", "của dân tộc", "đồng bào")) is not None:
        return None  # "Tết cổ truyền dân tộc Khmer": another people's New Year
    if lunar_day is not None and key != "Lunar New Year":
        return None
    lunar_md = {"Lunar New Year": (1, 1), "Hung Kings' Commemoration Day": (10, 3)}.get(key)
    if punct(toks, k, "(") and k + 1 < len(toks) and toks[k + 1].kind == DM and toks[k + 1].nums == lunar_md \
            and any_words(toks, k + 2, ("âm lịch", "al", "âl")):
        k = any_words(toks, k + 2, ("âm lịch", "al", "âl"))[1]
        k += 1 if punct(toks, k, ")") else 0
    atom = Atom("holiday", key if lunar_day is None else (key, lunar_day))
    can, chi = word(toks, k), word(toks, k + 1)
    if can in CAN and (chi in CHI or chi in _CHI_ALT):
        atom.b = (can, chi)  # resolved against the plan's year
        k += 2
    y, rel, k = _year_suffix(toks, k)
    _share_year([atom], y, rel)
    return [atom], k


def _bare(toks, i):
    """A numeric date, month/year, year span or year standing alone: "15/8/2026", "8/2026", "2026-2030", "2026"."""
    if i >= len(toks):
        return None
    t = toks[i]
    if t.kind == MY and 1 <= t.nums[0] <= 12:
        return [Atom("month", t.nums[0], year=t.nums[1])], i + 1
    if t.kind == YSPAN:
        a, b = t.nums
        return ([Atom("yearspan", a, b)], i + 1) if b > a else None
    if t.kind == NUM and _is_year(t.num):
        return [Atom("year", year=t.num)], i + 1
    return None


def weekday_at(toks, i) -> tuple[int, int] | None:
    """ "thứ Hai" … "thứ Bảy", "thứ 2" … "thứ 7", "Chủ nhật": (weekday 0–6, next index)."""
    if word(toks, i) == "ngày" and (word(toks, i + 1) == "thứ" or word(toks, i + 1) == "chủ"):
        got = weekday_at(toks, i + 1)
        return got
    if word(toks, i) == "chủ" and word(toks, i + 1) == "nhật":
        return 6, i + 2
    if word(toks, i) != "thứ":
        return None
    w = word(toks, i + 1)
    if w in WEEKDAYS:
        return WEEKDAYS[w], i + 2
    if i + 1 < len(toks) and toks[i + 1].kind == NUM and 2 <= toks[i + 1].num <= 7:
        return toks[i + 1].num - 2, i + 2
    return None
