"""Reading one duty of a deadline cell: modifiers, lists, ranges, recurrence, events with a lag.

A duty's lexemes are first turned into pieces, left to right: spans (atoms),
keywords (modifiers such as "chậm nhất", "trước", "từ … đến"), recurrence
words, lags ("15 ngày làm việc kể từ …"), things ignored on purpose
(citations, clock times, a weekday) and plain words. Then the pieces are read
as one of the families: ongoing, event, lag, recurrence, or a time expression
(a span, a list, a range).

Coverage, never a guess: every lexeme that could carry a date (a number, a day,
month, quarter or year word, a recurrence word, a weekday) must be taken by a
rule, or by an explicit rule that ignores it. Anything left over makes the
duty unknown, with a warning naming what was not understood.
"""

from __future__ import annotations

import re
from datetime import timedelta

from tthc_cli.core.deadline import atoms as A
from tthc_cli.core.deadline.atoms import Atom, Unresolvable, any_words, punct, read_atom, weekday_at, word, words_at
from tthc_cli.core.deadline.lexer import CITE, CLOCK, DM, DMY, ISO, MY, NUM, PCT, PUNCT, WORD, YSPAN, Lexeme, lex, lower
from tthc_cli.core.deadline.model import FREQS, Lag, Occurrence, Period, Resolution, fmt
from tthc_cli.core.deadline.series import series

# piece kinds
SPAN, KW, FREQ, PIN, LAG, WEEKDAY, SEP, DASH, IGN, FILL, LEFT, EVENT, NOTE = (
    "span", "kw", "freq", "pin", "lag", "weekday", "sep", "dash", "ign", "fill", "left", "event", "note")

KEYWORDS = {
    "limit": ("chậm nhất", "chậm nhất là", "muộn nhất", "trễ nhất", "hạn chót", "hạn cuối", "không quá",
              "không muộn hơn", "không chậm hơn", "hạn", "thời hạn", "tối đa", "chậm nhất vào", "muộn nhất là"),
    "before": ("trước",),
    "from": ("từ", "kể từ", "bắt đầu từ", "tính từ", "bắt đầu", "bắt đầu vào"),
    "to": ("đến", "tới", "đến hết", "cho đến", "cho tới", "hết", "kết thúc vào", "đến hết ngày"),
    "in": ("trong", "vào", "trong vòng", "trong thời hạn", "trong thời gian", "nội trong", "ngay trong",
           "trong suốt", "ngay", "vào lúc", "lúc", "đúng", "diễn ra", "diễn ra vào",
           "diễn ra trong", "tổ chức vào", "là ngày"),
    "hedge": ("dự kiến", "phấn đấu", "khoảng", "dự kiến vào", "dự kiến trong", "ước", "tạm thời", "có thể",
              "theo dự kiến", "dự kiến sẽ"),
    "onward": ("trở đi", "trở về sau", "về sau"),
    "earliest": ("sớm nhất", "sớm nhất là", "không sớm hơn", "không trước", "muộn hơn"),
    "cutoff": ("tính đến", "tính đến ngày", "chốt số liệu", "chốt số liệu đến", "số liệu tính đến", "tính tới",
               "chốt đến", "số liệu chốt đến", "chốt ngày", "chốt số liệu ngày", "số liệu đến", "số liệu đến ngày"),
    "or": ("hoặc", "hay"),
    "after": ("sau",),
}
_KW_LOOKUP = {p: name for name, ps in KEYWORDS.items() for p in ps}
_KW_PHRASES = sorted(_KW_LOOKUP, key=lambda p: -len(p.split()))
MODIFIERS = frozenset(KEYWORDS) - {"or"}

ONGOING_WORDS = ("thường xuyên", "liên tục", "hằng ngày", "thường xuyên liên tục", "thường xuyên, liên tục",
                 "hằng ngày, thường xuyên", "trong suốt năm")
EVENT_WORDS = ("theo kh", "theo cv", "theo qđ", "theo tb", "theo hd",
               "khi", "sau khi", "ngay sau khi", "ngay khi", "khi có", "phát sinh", "đột xuất", "tùy theo",
               "tuỳ theo", "tùy thuộc", "tuỳ thuộc", "theo yêu cầu", "theo hướng dẫn", "theo lộ trình",
               "theo kế hoạch", "theo chỉ đạo", "theo các quyết định", "theo quyết định", "theo văn bản",
               "theo thông báo", "theo đề nghị", "theo tiến độ", "theo thời gian", "theo lịch", "theo chương trình",
               "theo triệu tập", "theo thực tế", "theo nhu cầu", "ngay sau", "sau thời điểm", "trước khi",
               "trước thời điểm", "sau khi có")
# "theo kế hoạch, …" / "theo kế hoạch sẽ …": an attribution before a date, not an awaited event
ATTRIBUTION_AFTER = ("sẽ", "thì", "đã")
# words that name a document: what follows them, up to its number and date, is a citation
DOC_WORDS = ("luật", "bộ luật", "nghị định", "thông tư", "thông tư liên tịch", "nghị quyết", "quyết định", "chỉ thị",
             "công văn", "văn bản", "kế hoạch", "thông báo", "hướng dẫn", "tờ trình", "báo cáo", "chương trình",
             "đề án", "kết luận", "công điện", "pháp lệnh", "hiến pháp", "giấy mời",
             # the abbreviations narrow table columns use
             "kh", "cv", "qđ", "tb", "hd", "hđ", "nq", "nđ", "tt", "ct", "gm", "tbkl", "bc", "ttr")
# documents cited by number or date; a plan or report ("kế hoạch", "báo cáo") may also be a duty
LEGAL_DOCS = frozenset(("luật", "bộ luật", "nghị định", "thông tư", "thông tư liên tịch", "nghị quyết", "quyết định",
                        "chỉ thị", "công văn", "văn bản", "thông báo", "tờ trình", "kết luận", "công điện",
                        "pháp lệnh", "kế hoạch", "đề án", "giấy mời", "kh", "cv", "qđ", "tb", "hd", "hđ", "nq",
                        "nđ", "tt", "ct", "gm", "tbkl", "ttr"))
ARTICLE_WORDS = ("điều", "khoản", "điểm", "mục", "chương", "phụ lục", "tiết", "phần")
LEGAL_SENTENCE = ("luật", "nghị định", "thông tư", "áp dụng", "quy định tại", "hiệu lực", "điều")
# a report or meeting named by its period ("báo cáo năm", "sơ kết 6 tháng đầu năm") is a name, not a date
REPORT_NOUNS = ("báo cáo", "sơ kết", "tổng kết", "giao ban", "họp", "hội nghị", "kế hoạch", "chương trình",
                "thống kê", "số liệu", "kiểm điểm", "đánh giá", "chấm điểm", "tự đánh giá", "tờ khai", "quyết toán",
                "khai thuế", "hồ sơ khai thuế")
FREQ_NOUNS = {"tuần": "weekly", "tháng": "monthly", "quý": "quarterly", "năm": "yearly", "6 tháng": "half-yearly",
              "sáu tháng": "half-yearly", "nửa năm": "half-yearly", "1 năm": "yearly", "một năm": "yearly",
              "3 tháng": "quarterly", "ba tháng": "quarterly", "12 tháng": "yearly"}
_NAME_FREQS = tuple(f for f in FREQ_NOUNS if f not in ("1 năm", "một năm")) + ("9 tháng", "chín tháng")
# things with numbers that are not dates: "lớp 10", "lần thứ XIII", "học kỳ I", "khóa XV", "đợt 2", "2 cấp"
ORDINAL_WORDS = frozenset("một hai ba bốn tư năm sáu bảy tám chín mười nhất nhì".split())
OBJECT_HEADS = ("lớp", "lần thứ", "lần", "kỳ họp thứ", "kỳ họp", "học kỳ", "kỳ", "khóa", "khoá", "đợt", "vòng",
                "giai đoạn", "phiên", "tập", "cuộc", "nhiệm kỳ", "thứ tự", "hk")
# numbered parts of a period: "học kỳ I", "đợt 2", "giai đoạn 1" (before a span, a part we cannot date)
TIME_OBJECTS = ("học kỳ", "kỳ", "đợt", "giai đoạn", "vòng", "phiên", "hk")
SEASONS = ("trung thu", "vu lan", "phật đản", "giáng sinh", "noel", "quốc tế phụ nữ", "quốc tế thiếu nhi",
           "thương binh liệt sĩ", "nhà giáo việt nam", "phụ nữ việt nam", "thầy thuốc việt nam", "thành lập đảng",
           "thành lập đoàn", "lễ hội xuân", "hội xuân", "mừng xuân", "dịp xuân", "vui xuân", "đón xuân",
           "chôl chnăm thmây", "ok om bok", "sene dolta", "katê", "kate", "ramưwan", "ramadan", "thanh minh",
           "vụ đông xuân", "vụ hè thu", "vụ thu đông", "vụ mùa", "vụ đông", "vụ chiêm", "vụ xuân", "vụ hè",
           "mùa khô", "mùa mưa", "mùa mưa bão", "mùa lũ", "mùa hè", "mùa đông", "mùa xuân", "mùa thu",
           "ngày làm việc đầu tiên", "ngày làm việc cuối cùng", "ngày làm việc thứ", "trung tuần", "thượng tuần",
           "hạ tuần", "tuần đầu", "tuần cuối", "tuần thứ", "tuần lễ")
# the grammar's words written without diacritics ("truoc ngay 15/8"): refused rather than skipped
# (only forms that are no Vietnamese word: "ngay", "trong", "sau", "nam" are words of their own)
FOLDED_WORDS = frozenset(("truoc", "cham", "nhat", "tuan", "thuong", "xuyen", "den", "dau", "cuoi", "giua", "tet",
                          "hien", "tiep", "lien", "hoc", "dip", "nhung", "sang", "chieu"))
FOLDED_PAIRS = ("tu ngay", "tu quy", "tu quý", "tu thang", "tu nam", "thang 1", "thang 2", "thang 3", "thang 4",
                "thang 5", "thang 6", "thang 7", "thang 8", "thang 9", "thang 10", "thang 11", "thang 12",
                "nam 2020", "nam 2021", "nam 2022", "nam 2023", "nam 2024", "nam 2025", "nam 2026", "nam 2027",
                "nam 2028", "nam 2029", "nam 2030", "trong nam", "nam hoc", "hang nam", "hang quy", "dinh ky", "lay ngay", "ngay thu",
                "quy i", "quy ii", "quy iii", "quy iv", "nam sau", "ke tu", "hang tuan", "moi nam", "moi quy",
                "khi co", "theo yeu")
_FOLDED_FIRST = frozenset(p.split()[0] for p in FOLDED_PAIRS)
# date-bearing words: any left unread makes the duty unknown
DATE_WORDS = frozenset(("ngày", "tháng", "quý", "năm", "tuần", "hằng", "mỗi", "kỳ", "mùa", "dịp", "tết", "mùng",
                        "mồng", "thứ", "hè", "giờ", "sáng", "chiều", "tối", "đêm", "trưa", "niên", "lần",
                        "buổi", "hôm", "âm", "âl", "al", "chạp", "giêng", "rằm", "tuần"))
# names with a date word in them that are not dates: "năm học" without its years, "năm kế hoạch"
NAME_WORDS = ("năm học mới", "năm học", "năm kế hoạch", "năm ngân sách", "tối đa", "ngày lễ",
              "ngày hội", "ngày công", "lần đầu", "kỳ thi", "kỳ họp", "nhiệm kỳ", "học kỳ", "kỳ đại hội",
              "tiền lương tháng", "lương tháng", "thuế quý", "thuế tháng", "thuế năm", "ngày làm việc",
              "kỳ báo cáo thống kê đó", "kỳ báo cáo thống kê", "kỳ báo cáo đó", "kỳ báo cáo")
DAY_PARTS = ("sáng", "chiều", "tối", "trưa", "đêm", "buổi sáng", "buổi chiều", "buổi tối", "buổi trưa")
ROMAN_LEFT = frozenset(("i", "ii", "iii", "iv"))  # not "vi" (phạm vi), not "v"
# what "N/M" counts when it is not a day: "10/10 thôn", "9/9 tiêu chí", "2/3 khối lượng"
COUNT_NOUNS = frozenset(("thôn", "xóm", "ấp", "bản", "tổ", "khu", "xã", "phường", "huyện", "tỉnh", "hộ", "tiêu",
                         "chỉ", "khối", "cuộc", "đơn", "cơ", "trường", "bài", "hồ", "thủ", "văn", "dự", "công", "mô",
                         "số", "điểm", "lượt", "người", "học", "cán", "đoàn", "đội", "chi", "nhóm", "mục", "nội",
                         "lĩnh", "ngành", "phòng", "ban", "thành", "gia", "làng", "khóm", "chợ", "doanh", "hợp"))
COUNT_UNITS = frozenset(("điểm", "người", "lần", "triệu", "tỷ", "đồng", "hộ", "xã", "đơn", "hồ", "bài", "lượt",
                         "trường", "lớp", "cơ", "đơn vị", "học", "giờ"))
LAG_UNIT_WORDS = {"ngày làm việc": "working_day", "ngày": "day", "tuần": "week", "tháng": "month", "ngày lịch": "day"}
ANCHOR_LINKS = ("kể từ ngày", "kể từ khi", "kể từ", "tính từ ngày", "tính từ", "từ ngày", "từ khi", "sau khi",
                "sau ngày", "sau", "trước ngày", "trước khi", "trước", "từ", "tính đến ngày", "tính đến",
                "so với ngày", "so với thời điểm", "so với")
NEUTRAL_LINKS = ("tính đến ngày", "tính đến", "so với ngày", "so với thời điểm", "so với")
PERIOD_END = {"quý": "quarterly", "tháng": "monthly", "năm": "yearly", "6 tháng": "half-yearly",
              "năm dương lịch": "yearly", "năm tài chính": None, "kỳ báo cáo": None, "năm học": None}
# a span named only to introduce a day: "trước ngày 10/12 (thứ Năm) tới", "vào ngày 17-6 tới"
TRAILING_NOISE = ("tới", "sắp tới", "này", "tới đây", "vừa qua")
BODY = frozenset(("span", "freq", "pin", "lag", "weekday", "event"))


class Piece:
    """A run of lexemes [i, j) and what it was read as."""

    __slots__ = ("kind", "value", "i", "j")

    def __init__(self, kind: str, value, i: int, j: int):
        self.kind = kind
        self.value = value
        self.i = i
        self.j = j

    def __repr__(self) -> str:
        return f"{self.kind}({self.value!r})"


class Duty:
    """The result of reading one duty, before it becomes a Resolution."""

    def __init__(self, text: str):
        self.text = text
        self.kind = "unknown"
        self.occurrences: tuple[Occurrence, ...] = ()
        self.start = self.end = None
        self.recurrence: tuple[str, ...] = ()
        self.warnings: list[str] = []
        self.note: str | None = None
        self.lag: Lag | None = None
        self.explain: list[str] = []
        self.prefix = ""  # the words in front of the time expression: the duty's name in a cell of several

    def resolution(self) -> Resolution:
        return Resolution(self.text, self.kind, tuple(self.occurrences), self.start, self.end, tuple(self.recurrence),
                          warnings=tuple(self.warnings), note=self.note, lag=self.lag, explain=tuple(self.explain))


class Reader:
    """Reads one duty's text against the plan period."""

    def __init__(self, text: str, period: Period | None):
        self.text = text
        self.low = lower(text)
        if len(self.low) != len(text):  # a character whose lower case is longer: keep offsets right
            self.text = self.low
        self.toks: list[Lexeme] = lex(self.low)
        self.period = period
        self.pieces: list[Piece] = []
        self.duty = Duty(text)
        self._anchor_end = len(self.toks)  # where the anchor of a lag ends (see _with_lag)
        self._named_days: list = []  # the days a time expression names, before "trước" moves its due date
        self._body_start = 0  # the first lexeme of the duty's time expression (what stands before names the duty)

    # --- helpers ---------------------------------------------------------------------------

    def src(self, i: int, j: int) -> str:
        """The original text of lexemes [i, j)."""
        if i >= j or i >= len(self.toks):
            return ""
        return self.text[self.toks[i].start:self.toks[min(j, len(self.toks)) - 1].end]

    def say(self, line: str) -> None:
        self.duty.explain.append(line)

    def fail(self, why: str) -> Duty:
        self.duty.kind = "unknown"
        self.duty.occurrences = ()
        self.duty.recurrence = ()
        self.duty.start = self.duty.end = None
        self.duty.lag = None
        if why:
            self.duty.warnings.append(why)
            self.say(f"không xác định: {why}")
        return self.duty

    @property
    def year(self) -> int | None:
        return self.period.single_year if self.period else None

    # --- pass 1: pieces ------------------------------------------------------------------------

    def scan(self) -> None:
        toks, i, out = self.toks, 0, self.pieces
        n = len(toks)
        while i < n:
            t = toks[i]
            got = self._scan_one(i)
            if got is not None:
                out.append(got)
                i = got.j
                continue
            if t.kind == WORD:
                out.append(Piece(LEFT if self._date_like(i) else FILL, t.text, i, i + 1))
            elif t.kind == PUNCT:
                if t.text in ",&":
                    out.append(Piece(SEP, t.text, i, i + 1))
                elif t.text in "-–—" and i + 1 < len(toks) and toks[i + 1].kind == PCT:
                    out.append(Piece(FILL, t.text, i, i + 1))  # "Quý II/2026 - 50%": a target, not a range
                elif t.text in "-–—":
                    out.append(Piece(DASH, t.text, i, i + 1))
                else:
                    out.append(Piece(IGN, t.text, i, i + 1))
            elif t.kind == CITE:
                out.append(Piece(IGN, "citation", i, i + 1))
            elif t.kind == CLOCK:
                # "trong vòng 24 giờ kể từ …": a duration in hours, which no rule counts
                duration = any_words(toks, i + 1, ANCHOR_LINKS) is not None and not self._starts_day(i + 1)
                out.append(Piece(LEFT if duration else IGN, "clock", i, i + 1))
            elif t.kind == PCT:
                out.append(Piece(FILL, t.text, i, i + 1))
            elif word(toks, i + 1) in COUNT_UNITS or word(toks, i + 1) in COUNT_NOUNS or punct(toks, i + 1, "%"):
                out.append(Piece(FILL, t.text, i, i + 1))  # "8.5 điểm", "100 người": a count
            elif t.text == "24/7" and not (out and out[-1].kind == KW):
                out.append(Piece(IGN, "24/7", i, i + 1))  # "trực 24/7": round the clock
            else:
                out.append(Piece(LEFT, t.text, i, i + 1))
            i += 1

    def _date_like(self, i: int) -> bool:
        """Whether a word left unread could carry a date: a date word, a roman numeral ("Quý I-II": the II),
        or "đầu / giữa / cuối / nửa" before a time word ("đầu mỗi tháng")."""
        w = self.toks[i].text
        if w in DATE_WORDS or w in ROMAN_LEFT:
            return True
        if w in ("đầu", "giữa", "cuối", "nửa"):
            nxt = word(self.toks, i + 1)
            return nxt in DATE_WORDS or nxt in ("đầu", "cuối", "các") or nxt in ROMAN_LEFT
        return False

    def _scan_one(self, i: int) -> Piece | None:
        """The piece that starts at lexeme `i`, or None (a plain word, punctuation, a number left over).

        Tries the scanner's steps in order, but only those that can start with this lexeme: `_steps`
        indexes them by first word (see `STEPS`)."""
        for step in _steps(self.toks[i]):
            got = step(self, i)
            if got is not None:
                return got
        return None

    # the steps of the scanner, in the order they are tried ----------------------------------

    def _s_citation(self, i):
        # "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020", "Điều 7, 8", "Luật Đất đai năm 2024"
        cite = self._citation(i)
        return Piece(IGN, "citation", i, cite) if cite is not None else None

    def _s_object(self, i):
        toks = self.toks
        if word(toks, i) == "xuân" and i + 1 < len(toks) and (toks[i + 1].kind == NUM or word(toks, i + 1) in A.CAN):
            return Piece(LEFT, "xuân", i, i + 1)  # "Xuân Bính Ngọ 2026": the season of Tết, not a day
        season = any_words(toks, i, SEASONS)
        if season is not None and season[0] in ("mừng xuân", "dịp xuân", "vui xuân", "đón xuân") \
                and not (season[1] < len(toks) and (toks[season[1]].kind == NUM or word(toks, season[1]) in A.CAN)):
            season = None  # "mừng Xuân" alone is a theme; "Mừng Xuân 2026" names a season
        if season is not None:
            return Piece(LEFT, season[0], i, season[1])  # "vụ Đông Xuân 2026": a season, not a day
        obj = self._object(i)
        if obj is None:
            head = any_words(toks, i, TIME_OBJECTS)
            if head is not None and (toks[head[1]].kind == MY if head[1] < len(toks) else False):
                return Piece(LEFT, self.src(i, head[1] + 1), i, head[1] + 1)  # "đợt 2/2026", "Giai đoạn 2/2026"
            return None
        if any_words(toks, i, TIME_OBJECTS) is not None and (
                self._starts_span(obj) or punct(toks, obj, "/") or word(toks, obj) in ("năm", "năm học")):
            return Piece(LEFT, self.src(i, obj), i, obj)  # "học kỳ I năm học 2025-2026", "đợt 1 năm 2026"
        return Piece(IGN, "object", i, obj)

    def _s_report(self, i):
        # a report named by its period ("báo cáo năm", "sơ kết 6 tháng đầu năm") is a name, not a date;
        # before a day of the month after the period ("… trước ngày 10 tháng sau") it says which period repeats
        toks = self.toks
        rep = any_words(toks, i, REPORT_NOUNS)
        if rep is not None:
            name = self._report_name(rep[1])
            if name is not None:
                noun = any_words(toks, rep[1], _NAME_FREQS)
                if noun is not None and any(any_words(toks, m, _NEXT_PINS) for m in range(name, len(toks))):
                    return Piece(FREQ, [FREQ_NOUNS[noun[0]]], i, name)
                return Piece(FILL, self.src(i, name), i, name)
        return None

    def _s_now(self, i):
        if any_words(self.toks, i, ("từ nay", "từ bây giờ")) and any_words(self.toks, i + 2, KEYWORDS["to"]):
            return Piece(IGN, "now", i, i + 2)  # "từ nay đến hết năm 2020": until then
        return None

    _OCCASIONS = ("dịp", "vào dịp", "trong dịp", "lễ", "dịp lễ", "kỷ niệm", "dịp kỷ niệm", "lễ kỷ niệm",
                  "ngày kỷ niệm", "nghỉ lễ", "dịp nghỉ lễ", "ngày lễ", "dịp lễ kỷ niệm")

    def _s_occasion(self, i):
        """ "Trước dịp lễ 30/4", "dịp kỷ niệm 27/7": the words that say the day is an occasion change nothing."""
        toks = self.toks
        hit = any_words(toks, i, self._OCCASIONS)
        if hit is None:
            return None
        j = hit[1]
        got = read_atom(toks, j)
        if got is not None and got[0][0].unit in ("day", "holiday") or any_words(toks, j, A.LUNAR_HOLIDAYS) \
                or any_words(toks, j, A.SOLAR_HOLIDAYS) or word(toks, j) == "tết":
            return Piece(IGN, "occasion", i, j)
        if hit[0] == "dịp" or hit[0].endswith(" dịp"):
            return Piece(IGN, "occasion", i, j)  # "dịp" before anything: the occasion of what follows
        return None

    def _s_name(self, i):
        toks = self.toks
        name = any_words(toks, i, NAME_WORDS)
        if name is not None and not (name[0].startswith("năm") and self._starts_span(i)):
            j = name[1]
            if name[0].startswith("năm") and j < len(toks) and toks[j].kind in (NUM, MY, YSPAN, DM, DMY):
                return Piece(LEFT, self.src(i, j + 1), i, j + 1)  # "năm học 2026": a school year needs two years
            return Piece(FILL, name[0], i, name[1])
        return None

    def _s_freq_by(self, i):
        freq_by = any_words(self.toks, i, _FREQ_BY)
        if freq_by is not None:
            return Piece(FREQ, [FREQ_NOUNS[freq_by[0].split()[1]]], i, freq_by[1])
        return None

    def _s_event_day(self, i):
        toks = self.toks
        if word(toks, i) == "ngày" and self.pieces and self.pieces[-1].kind == KW \
                and self.pieces[-1].value in ("limit", "in", "before", "to", "from") \
                and word(toks, i + 1) not in DATE_WORDS | {"làm", "cuối", "đầu"} \
                and word(toks, i + 1) is not None and read_atom(toks, i) is None:
            return Piece(EVENT, "ngày", i, i + 1)  # "chậm nhất là vào ngày công bố danh sách …": the day of an event
        return None

    def _s_daypart(self, i):
        toks = self.toks
        part = any_words(toks, i, DAY_PARTS)
        if part is not None:
            j = part[1]
            if self._starts_day(j) or (j < len(toks) and toks[j].kind == CLOCK) or weekday_at(toks, j) is not None:
                return Piece(IGN, "daypart", i, j)  # "sáng ngày 28/8", "chiều 12/1", "sáng thứ Hai"
            if self.pieces and self.pieces[-1].kind == SPAN and all(t.kind == PUNCT for t in toks[j:]):
                return Piece(IGN, "daypart", i, j)  # "ngày 15/8/2026 (buổi chiều)"
        return None

    def _s_noise(self, i):
        toks = self.toks
        hit = any_words(toks, i, TRAILING_NOISE)
        if hit is not None and self.pieces and self.pieces[-1].kind == SPAN \
                and all(t.kind == PUNCT for t in toks[hit[1]:]):
            return Piece(IGN, "noise", i, hit[1])
        return None

    def _s_ongoing(self, i):
        ongoing = any_words(self.toks, i, ONGOING_WORDS)
        return Piece(KW, "ongoing", i, ongoing[1]) if ongoing is not None else None

    def _s_event(self, i):
        toks = self.toks
        ev = any_words(toks, i, EVENT_WORDS)
        if ev is None:
            return None
        if ev[0] in ("ngay sau", "sau ngày", "sau thời điểm", "trước thời điểm") and read_atom(toks, ev[1]) is not None:
            return Piece(KW, "after" if ev[0] != "trước thời điểm" else "before", i, ev[1])
        if ev[0].startswith("theo ") and word(toks, ev[1]) == "ngày" and read_atom(toks, ev[1]) is not None:
            return Piece(EVENT, ev[0], i, read_atom(toks, ev[1])[1])  # "Theo Kế hoạch ngày 15/3/2026": its date
        if ev[0].startswith("theo ") and (punct(toks, ev[1], ",") or word(toks, ev[1]) in ATTRIBUTION_AFTER
                                          or any_words(toks, ev[1], _KW_PHRASES) is not None):
            return Piece(FILL, ev[0], i, ev[1])  # "Theo kế hoạch, …": says where the date comes from
        return Piece(EVENT, ev[0], i, ev[1])

    def _s_weekday(self, i):
        wd = weekday_at(self.toks, i)
        return Piece(WEEKDAY, wd[0], i, wd[1]) if wd is not None else None

    def _s_atom(self, i):
        toks = self.toks
        atom = read_atom(toks, i)
        if atom is None:
            return None
        atoms, j = atom
        t = toks[i]
        if t.kind == DM and "/" not in t.text and not self._day_context():
            return None  # "mục 2.3", "Chỉ tiêu 1.1": a number, not 02/03 (a day needs "ngày" or "trước" …)
        after_modifier = bool(self.pieces) and self.pieces[-1].kind == KW
        if t.kind == DM and not after_modifier and (word(toks, j) in COUNT_NOUNS or self._after_word()):
            return None  # "10/10 thôn", "đạt 9/9 tiêu chí", "tỷ lệ 1/2": a count or a ratio, not a day
        if t.kind == DM and t.nums == (24, 7) and not after_modifier:
            return Piece(IGN, "24/7", i, i + 1)  # "trực 24/7": round the clock, not 24 July
        if atoms[0].unit == "yearspan" and word(toks, i - 1) == "kỳ" and i > 0 and any(
                p.kind not in (IGN,) for p in self.pieces[:-1]):
            return Piece(LEFT, self.src(i, j), i, j)  # "Tổng kết nhiệm kỳ 2021-2026": the term names the event
        if atoms[0].unit in ("schoolyear",) and not self._school_year_context():
            return Piece(LEFT, self.src(i, j), i, j)  # "Tuyển sinh lớp 10 năm học …", "Khai giảng năm học …"
        if atoms[0].unit == "holiday" and not self._holiday_context():
            return Piece(FILL, self.src(i, j), i, j)  # "đón Tết", "vui Tết": a theme, not a day
        j = self._skip_number_words(j)
        for a in atoms:
            a.text = self.src(a.i, a.j) if len(atoms) > 1 else self.src(i, j)
        return Piece(SPAN, atoms, i, j)

    def _s_elliptic_quarter(self, i):
        toks = self.toks
        w = word(toks, i)
        t = toks[i]
        if w is None and t.kind in (NUM, MY) and 1 <= t.nums[0] <= 4:
            w = ("i", "ii", "iii", "iv")[t.nums[0] - 1]  # "Quý 2-3/2026"
            if t.kind == MY:
                prev = [p for p in self.pieces if not (p.kind == IGN and p.value == "(")]
                joint = len(prev) >= 2 and (prev[-1].kind in (DASH, SEP) or prev[-1].kind == KW and prev[-1].value == "to")
                if joint and prev[-2].kind == SPAN and prev[-2].value[-1].unit == "quarter":
                    atom = Atom("quarter", t.nums[0], year=t.nums[1], i=i, j=i + 1)
                    atom.text = t.text
                    return Piece(SPAN, [atom], i, i + 1)
                return None
        if w not in A.ROMAN_WORDS:
            return None
        prev = [p for p in self.pieces if not (p.kind == IGN and p.value == "(")]
        if len(prev) < 2 or prev[-1].kind not in (DASH, SEP) and not (prev[-1].kind == KW and prev[-1].value == "to"):
            return None
        if prev[-2].kind != SPAN or prev[-2].value[-1].unit != "quarter":
            return None
        y, rel, j = A._year_suffix(toks, i + 1)
        atom = Atom("quarter", A.ROMAN_WORDS[w], year=y, i=i, j=j)
        atom.rel = rel
        atom.text = self.src(i, j)
        return Piece(SPAN, [atom], i, j)

    def _s_keyword(self, i):
        kw = any_words(self.toks, i, _KW_PHRASES)
        if kw is not None:
            return Piece(KW, _KW_LOOKUP[kw[0]], i, kw[1])
        return Piece(SEP, "và", i, i + 1) if word(self.toks, i) == "và" else None

    def _elliptic_day(self, i: int) -> Piece | None:
        """A day number whose month is written later: "05 và 06/6", "12-14/3/2026", "02 đến 04/6"."""
        toks = self.toks
        if i >= len(toks) or toks[i].kind != NUM or not 1 <= toks[i].num <= 31:
            return None
        if self.pieces and self.pieces[-1].kind == FILL and self.pieces[-1].value not in ("ngày", "các", "và"):
            return None  # "Thôn 1, ngày 10/8/2026", "Tổ 3": a numbered place or group
        k = i + 1
        prev = [p for p in self.pieces if p.kind != IGN]
        if len(prev) >= 2 and prev[-1].kind in (SEP, DASH) and prev[-2].kind == SPAN \
                and prev[-2].value[-1].unit == "dom":
            return Piece(SPAN, [Atom("dom", toks[i].num, i=i, j=i + 1)], i, i + 1)
        if not (punct(toks, k, ",-–&") or word(toks, k) in ("và", "đến", "tới")):
            return None
        for step in range(k + 1, min(k + 8, len(toks))):
            t = toks[step]
            if t.kind in (DMY, DM) or (t.kind == NUM and word(toks, step + 1) == "tháng"):
                return Piece(SPAN, [Atom("dom", toks[i].num, i=i, j=i + 1)], i, i + 1)
            if t.kind not in (NUM, PUNCT) and word(toks, step) not in ("và", "đến", "tới", "ngày"):
                return None
        return None

    _RATIO_WORDS = frozenset(("đạt", "có", "lệ", "bằng", "chiếm", "trên", "dưới", "thiểu", "đa"))

    def _after_word(self) -> bool:
        """Whether the lexeme stands right after a word of quantity ("đạt 9/9", "có 3/5", "tỷ lệ 1/2"): there a
        number is a ratio."""
        p = self.pieces[-1] if self.pieces else None
        return p is not None and p.kind == FILL and p.value in self._RATIO_WORDS

    def _day_context(self) -> bool:
        """Whether a number such as "15.8" or "15-8" stands where a day is expected."""
        for p in reversed(self.pieces):
            if p.kind == IGN and p.value in ("daypart", "clock", "(", "occasion"):
                continue
            return p.kind == KW or p.kind in (DASH, SEP) and any(q.kind == SPAN for q in self.pieces) \
                or p.kind == WEEKDAY
        return True  # the cell starts with it: "15.8.2026", "29.8"

    # what happens at the start of a school year, or before it: its end is not their deadline
    _SCHOOL_YEAR_START = ("khai giảng", "tựu trường", "tuyển sinh", "chuẩn bị", "bắt đầu", "nhập học", "trước",
                          "sau", "đầu", "học kỳ", "kỳ", "lớp", "thi tuyển", "xét tuyển")

    def _school_year_context(self) -> bool:
        """A school year is the span of a duty done in it ("thực hiện trong năm học 2025-2026"), not of
        what opens it or comes before it ("Khai giảng năm học …", "Tuyển sinh lớp 10 năm học …")."""
        toks = self.toks
        start = self.pieces[-1].j if self.pieces else 0
        return not any(any_words(toks, k, self._SCHOOL_YEAR_START) for k in range(0, start)) and \
            not any(p.kind == IGN and p.value == "object" for p in self.pieces)

    def _holiday_context(self) -> bool:
        """A holiday is a date when it starts the duty or follows a modifier ("trước Tết", "dịp Tết")."""
        if self.pieces and self.pieces[-1].kind == IGN and self.pieces[-1].value == "(":
            return True  # "ngày 22/2 (mùng 6 Tết Bính Ngọ)": a restatement, checked against the day
        for p in reversed(self.pieces):
            if p.kind == IGN and p.value not in ("citation", "object"):
                continue
            return p.kind in (KW, SEP, DASH)
        return True

    def _starts_day(self, i: int) -> bool:
        got = read_atom(self.toks, i)
        return got is not None and got[0][0].unit in ("day", "dom")

    def _report_name(self, k: int) -> int | None:
        """After "báo cáo", "sơ kết" …: the period that names the report, if one stands there without a year."""
        toks = self.toks
        if word(toks, k) == "định" and word(toks, k + 1) == "kỳ":
            return None
        if word(toks, k) in ("hằng", "mỗi"):
            return None
        if read_atom(toks, k) is not None:
            return None
        noun = any_words(toks, k, _NAME_FREQS)
        if noun is not None and not self._number_follows(noun[1]) and word(toks, noun[1]) not in ("đầu", "cuối") \
                and not punct(toks, noun[1], ",;/&") and word(toks, noun[1]) not in ("và", "hoặc"):
            return noun[1]
        return None

    def _object(self, i: int) -> int | None:
        """A numbered thing that is not a date: "lớp 1, 9, 12", "lần thứ XIII", "học kỳ I", "khóa XV", "2 cấp"."""
        toks = self.toks
        if i < len(toks) and toks[i].kind == NUM and word(toks, i + 1) == "cấp":
            return i + 2
        head = any_words(toks, i, OBJECT_HEADS)
        if head is None:
            return None
        k = head[1]

        def number(k):
            w = word(toks, k)
            if w in A.ROMAN_WORDS or w in ("v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
                                           "xvi", "xvii", "xviii", "xix", "xx") or w in ORDINAL_WORDS:
                return k + 1
            if k < len(toks) and toks[k].kind == NUM and not _year(toks[k].num):
                return k + 1
            if w == "thứ" and (word(toks, k + 1) in ORDINAL_WORDS or (k + 1 < len(toks) and toks[k + 1].kind == NUM)):
                return k + 2
            return None

        j = number(k)
        if j is None:
            return None
        if head[0] == "giai đoạn" and not (word(toks, k) in A.ROMAN_WORDS or (toks[k].kind == NUM and toks[k].num < 10)):
            return None
        while (punct(toks, j, ",") or word(toks, j) == "và") and number(j + 1) is not None \
                and head[0] in ("lớp",):
            j = number(j + 1)
        return j

    def _skip_number_words(self, j: int) -> int:
        return A._number_words_in_parens(self.toks, j)

    def _starts_span(self, i: int) -> bool:
        return read_atom(self.toks, i) is not None

    def _citation(self, i: int) -> int | None:
        toks = self.toks
        art = any_words(toks, i, ARTICLE_WORDS)
        if art is not None:
            k = art[1]
            if k < len(toks) and (toks[k].kind in (NUM, CITE) or toks[k].kind == DM and art[0] in ("điều", "khoản")):
                k += 1
                while True:
                    if punct(toks, k, "(") and word(toks, k + 1) and len(word(toks, k + 1)) <= 2 \
                            and punct(toks, k + 2, ")"):
                        k += 3  # "Điều 72.2 (a)"
                    elif (punct(toks, k, ",.") or word(toks, k) == "và") and k + 1 < len(toks) \
                            and toks[k + 1].kind == NUM and not _year(toks[k + 1].num):
                        k += 2
                    else:
                        break
                return self._doc_date(k)
            return None
        doc = any_words(toks, i, DOC_WORDS)
        if doc is None:
            return None
        k = doc[1]
        if doc[0] in LEGAL_DOCS:
            if word(toks, k) == "số":
                k += 1
            if k < len(toks) and toks[k].kind in (MY, NUM) and not (toks[k].kind == NUM and _year(toks[k].num)):
                return self._doc_date(k + 1)  # "Thông tư 01/2026", "Quyết định số 12": a number, not a month
            if word(toks, k) == "ngày":
                got = read_atom(toks, k)
                if got is not None and got[0][0].unit == "day":
                    return got[1]  # "Công văn ngày 05/3/2026 của UBND tỉnh": the letter's date
        # the document's number within a few words: "Quyết định số 123/QĐ-UBND", "Nghị định 30/2020/NĐ-CP"
        for step in range(k, min(k + 12, len(toks))):
            t = toks[step]
            if t.kind == CITE:
                return self._doc_date(step + 1)
            if word(toks, step) == "số" and step + 1 < len(toks) and toks[step + 1].kind in (NUM, CITE):
                return self._doc_date(step + 2)
            if t.kind != WORD or t.text in DATE_WORDS:
                break
        if doc[0] in ("luật", "bộ luật", "pháp lệnh", "hiến pháp"):
            # "Luật Đất đai năm 2024", "Bộ luật Dân sự 2015": the year is the law's name
            for step in range(k, min(k + 10, len(toks))):
                if toks[step].kind == NUM and _year(toks[step].num):
                    return step + 1
                if word(toks, step) == "năm" and step + 1 < len(toks) and toks[step + 1].kind == NUM \
                        and _year(toks[step + 1].num):
                    return step + 2
                if toks[step].kind != WORD:
                    break
        return None

    def _doc_date(self, k: int) -> int:
        """A document's own date after its number ("ngày 05/3/2020", "ngày 19 tháng 6 năm 2015", ", ngày 05/3/2020",
        "(05/3/2020)"): part of the citation."""
        toks = self.toks
        if punct(toks, k, ",") and word(toks, k + 1) == "ngày":
            k += 1
        if punct(toks, k, "(") and k + 2 < len(toks) and toks[k + 1].kind == DMY and punct(toks, k + 2, ")"):
            return k + 3
        if word(toks, k) == "ngày":
            got = read_atom(toks, k)
            if got is not None and got[0][0].unit == "day":
                return got[1]
        if word(toks, k) == "năm" and k + 1 < len(toks) and toks[k + 1].kind == NUM and _year(toks[k + 1].num):
            return k + 2
        return k

    _YEARS_AFTER = ("các năm tiếp theo", "những năm tiếp theo", "các năm sau", "những năm sau", "các năm kế tiếp",
                    "thường niên")

    def _freq(self, i: int) -> Piece | None:
        """ "hằng tháng", "mỗi quý", "định kỳ 6 tháng", "định kỳ hằng quý, 6 tháng, 1 năm", "6 tháng/lần"."""
        toks = self.toks
        after = any_words(toks, i, self._YEARS_AFTER)
        if after is not None:
            return Piece(FREQ, ["yearly"], i, after[1])  # "Năm 2026 và các năm tiếp theo": each year from 2026
        j = i
        periodic = False
        if word(toks, j) == "định" and word(toks, j + 1) == "kỳ":
            periodic, j = True, j + 2
        freqs: list[str] = []
        while True:
            k = j
            marker = word(toks, k) in ("hằng", "mỗi")
            if marker:
                k += 1
            noun = any_words(toks, k, FREQ_NOUNS)
            if noun is None or (not (marker or periodic or freqs)):
                break
            if noun[0] in ("tháng", "quý", "năm") and self._number_follows(noun[1]):
                break  # "định kỳ tháng 6/2026"? not a frequency
            freqs.append(FREQ_NOUNS[noun[0]])
            j = noun[1]
            if punct(toks, j, ",/&") or word(toks, j) == "và":
                nxt = j + 1
                if any_words(toks, nxt + (1 if word(toks, nxt) in ("hằng", "mỗi") else 0), FREQ_NOUNS) is not None:
                    j = nxt
                    continue
            break
        if freqs and word(toks, j) == "trước" and read_atom(toks, j + 1) is None and weekday_at(toks, j + 1) is None:
            return Piece(LEFT, self.src(i, j + 1), i, j + 1)  # "ngày 20 hằng tháng trước": of the month before
        if freqs:
            once = any_words(toks, j, ("một lần", "1 lần"))  # "mỗi năm một lần"
            if once is None and punct(toks, j, "/") and word(toks, j + 1) == "lần":
                once = ("/lần", j + 2)  # "định kỳ 06 tháng/lần"
            return Piece(FREQ, freqs, i, once[1] if once else j)
        # "6 tháng/lần", "6 tháng một lần", "mỗi năm 1 lần", "1 lần/năm"
        k = j
        if (k < len(toks) and toks[k].kind == NUM and toks[k].num == 1 or word(toks, k) == "một") \
                and word(toks, k + 1) == "lần" and punct(toks, k + 2, "/"):
            noun = any_words(toks, k + 3, FREQ_NOUNS)
            if noun is not None:
                return Piece(FREQ, [FREQ_NOUNS[noun[0]]], i, noun[1])
        noun = any_words(toks, i, FREQ_NOUNS)
        if noun is not None and i > 0 and (word(toks, i - 1) in _MANY or toks[i - 1].kind == NUM and toks[i - 1].num > 1):
            return None  # "hai tháng một lần", "2 tuần/lần": every two months or weeks, which no rule counts
        if noun is not None:
            k = noun[1]
            if punct(toks, k, "/") and word(toks, k + 1) == "lần":
                return Piece(FREQ, [FREQ_NOUNS[noun[0]]], i, k + 2)
            if (word(toks, k) == "một" or (k < len(toks) and toks[k].kind == NUM and toks[k].num == 1)) \
                    and word(toks, k + 1) == "lần":
                return Piece(FREQ, [FREQ_NOUNS[noun[0]]], i, k + 2)
        if periodic:
            return Piece(FREQ, [], i, j)  # "định kỳ" alone: the frequency comes from a pin or is missing
        return None

    def _number_follows(self, k: int) -> bool:
        toks = self.toks
        return k < len(toks) and (toks[k].kind in (NUM, MY) or word(toks, k) in A.ROMAN_WORDS)

    _PINS = dict((
        ("tháng cuối của mỗi quý", ("quarterly", "last")), ("tháng cuối mỗi quý", ("quarterly", "last")),
        ("tháng cuối của quý", ("quarterly", "last")), ("tháng cuối quý", ("quarterly", "last")),
        ("tháng cuối các quý", ("quarterly", "last")), ("tháng cuối hằng quý", ("quarterly", "last")),
        ("tháng cuối kỳ báo cáo", ("report", "last")), ("tháng cuối của kỳ báo cáo", ("report", "last")),
        ("tháng cuối kỳ", ("report", "last")),
        ("tháng đầu của quý sau", ("quarterly", "next")), ("tháng đầu quý sau", ("quarterly", "next")),
        ("tháng đầu quý tiếp theo", ("quarterly", "next")), ("tháng đầu của quý tiếp theo", ("quarterly", "next")),
        ("tháng đầu tiên của quý sau", ("quarterly", "next")), ("tháng đầu quý kế tiếp", ("quarterly", "next")),
        ("tháng đầu của kỳ báo cáo tiếp theo", ("report", "next")), ("tháng đầu kỳ sau", ("report", "next")),
        ("tháng sau", ("monthly", "next")), ("tháng tiếp theo", ("monthly", "next")),
        ("tháng kế tiếp", ("monthly", "next")), ("tháng liền kề", ("monthly", "next")),
        ("tháng báo cáo", ("monthly", "same")), ("của tháng", ("monthly", "same")),
        ("tháng đầu tiên quý sau", ("quarterly", "next")), ("tháng đầu tiên của quý tiếp theo", ("quarterly", "next")),
        ("quý tiếp theo", ("quarterly", "next")), ("của quý sau", ("quarterly", "next")),
    ))
    _PIN_TAILS = ("sau kỳ báo cáo", "thuộc kỳ báo cáo", "của kỳ báo cáo", "kỳ báo cáo", "quý báo cáo", "sau quý báo cáo",
                  "liền kề quý báo cáo", "liền kề", "tháng báo cáo", "sau tháng báo cáo",
                  "tháng phát sinh nghĩa vụ thuế", "quý phát sinh nghĩa vụ thuế", "liền kề quý phát sinh nghĩa vụ thuế",
                  "tháng phát sinh", "quý phát sinh", "năm báo cáo")

    def _pin(self, i: int) -> Piece | None:
        """Where in each period a recurring duty falls: "tháng cuối quý", "tháng đầu quý sau", "tháng sau",
        "05 ngày đầu tháng"."""
        toks = self.toks
        k0 = i + 1 if word(toks, i) == "của" else i
        hit = any_words(toks, k0, self._PINS)
        if hit is not None and not self._number_follows(hit[1]):
            j = hit[1]
            tail = any_words(toks, j, self._PIN_TAILS)
            if word(toks, tail[1] if tail else j) == "trước" or any_words(toks, tail[1] if tail else j, (
                    "liền trước", "trước đó")) is not None:
                return Piece(LEFT, self.src(i, j + 1), i, j + 1)  # "tháng cuối quý trước": the previous quarter
            value = self._PINS[hit[0]]
            if value == ("monthly", "next") and tail is not None and "quý" in tail[0]:
                value = ("quarterly", "next")  # "tháng sau quý báo cáo"
            elif value == ("monthly", "next") and tail is not None and "kỳ" in tail[0]:
                value = ("report", "next")  # "tháng sau kỳ báo cáo": which period, the phrase does not say
            return Piece(PIN, value, i, tail[1] if tail else j)
        # "05 ngày đầu tháng", "5 ngày đầu mỗi tháng", "10 ngày đầu của tháng": the first N days of each month
        if i < len(toks) and toks[i].kind == NUM and word(toks, i + 1) == "ngày" and word(toks, i + 2) == "đầu":
            k = i + 3
            if word(toks, k) == "tiên":
                k += 1
            if word(toks, k) == "của":
                k += 1
            if word(toks, k) in ("mỗi", "hằng", "các"):
                k += 1
            if word(toks, k) == "tháng" and not self._number_follows(k + 1) and 1 <= toks[i].num <= 28:
                nxt = any_words(toks, k + 1, ("sau", "tiếp theo", "kế tiếp", "liền kề"))
                if nxt is not None:
                    return Piece(PIN, ("window-next", toks[i].num), i, nxt[1])
                return Piece(PIN, ("window", toks[i].num), i, k + 1)
        return None

    def _lag(self, i: int) -> Piece | None:
        """ "15 ngày (làm việc) kể từ …", "30 ngày trước ngày bầu cử", "03 tháng kể từ …": a lag and its anchor."""
        toks = self.toks
        if words_at(toks, i, "ngày thứ") and i + 2 < len(toks) and toks[i + 2].kind == NUM:
            k = A._number_words_in_parens(toks, i + 3)
            link = any_words(toks, k, ("kể từ ngày", "kể từ khi", "kể từ", "tính từ ngày", "tính từ"))
            if link is not None:
                return Piece(LAG, (toks[i + 2].num, "day", "after", link), i, len(toks))
        if i >= len(toks) or toks[i].kind != NUM or _year(toks[i].num):
            return None
        k = A._number_words_in_parens(toks, i + 1)
        unit = any_words(toks, k, LAG_UNIT_WORDS)
        if unit is None:
            return None
        amount, k = toks[i].num, unit[1]
        if unit[0] == "tháng" and k < len(toks) and (toks[k].kind == MY or toks[k].kind == NUM and 1 <= toks[k].num <= 12):
            return None  # "27 tháng 6 năm 2025": a day
        k = A._number_words_in_parens(toks, k)
        if word(toks, k) == "đầu":
            return None  # "05 ngày đầu tháng": a window, for _pin
        if unit[0] == "tháng" and (word(toks, k) == "cuối" or A._year_suffix(toks, k)[2] > k):
            return None  # "6 tháng cuối năm", "9 tháng năm 2026": the cumulative periods, for the atoms
        if (punct(toks, k, "/") and word(toks, k + 1) == "lần") or words_at(toks, k, "một lần") \
                or words_at(toks, k, "1 lần"):
            return None  # "6 tháng/lần", "6 tháng một lần": a frequency, for _freq
        k2 = k + 1 if punct(toks, k, ",(") else k
        link = any_words(toks, k2, ANCHOR_LINKS)
        if link is None:
            # a bare duration ("105 ngày", "trong vòng 15 ngày làm việc"): a lag with nothing to count from
            return Piece(LAG, (amount, LAG_UNIT_WORDS[unit[0]], None, None), i, k)
        if link[0] in NEUTRAL_LINKS:
            before = self.pieces[-1] if self.pieces else None
            if before is not None and before.kind == KW and before.value == "before":
                direction = "before"
            elif before is not None and before.kind == KW and before.value == "after":
                direction = "after"
            else:
                return Piece(LAG, (amount, LAG_UNIT_WORDS[unit[0]], None, None), i, k)
        else:
            direction = "before" if link[0].startswith("trước") else "after"
        return Piece(LAG, (amount, LAG_UNIT_WORDS[unit[0]], direction, link), i, len(toks))

    # --- pass 2: reading -----------------------------------------------------------------------

    def read(self) -> Duty:
        self.scan()
        pieces = self.pieces
        d = self.duty
        folded = [p for p in pieces if p.kind == FILL and p.value in FOLDED_WORDS]
        if any(t.key in _FOLDED_FIRST for t in self.toks):
            folded += [Piece(FILL, None, k, k + 2) for k in range(len(self.toks) - 1)
                       if any_words(self.toks, k, FOLDED_PAIRS) is not None]

        if folded:
            return self.fail("viết không dấu (" + ", ".join(f"“{self.src(p.i, p.j)}”" for p in folded[:3])
                             + "): hãy ghi thời hạn có dấu")
        if not any(p.kind in BODY or p.kind == LEFT or (p.kind == KW and p.value == "ongoing") for p in pieces):
            return self.fail("không có thời hạn" if pieces else "")
        self._explain_ignored()
        pieces = self._clock_modifiers(pieces)
        pieces = self._names_not_dates(pieces)
        # "… hoặc …": a choice between dates is unknown; a tail without one is a note
        for k, p in enumerate(pieces):
            if p.kind == KW and p.value == "or":
                tail = pieces[k + 1:]
                if self._dated(tail):
                    return self.fail(f"“{self.src(p.i, p.j)}” giữa hai thời hạn: không rõ hạn nào")
                d.note = self.src(p.i, len(self.toks))
                self.say(f"ghi chú (không phải thời hạn): “{d.note}”")
                pieces = pieces[:k]
                break
        # the body starts at the first piece about time, with the modifiers just before it;
        # what stands in front is the duty's name ("gửi báo cáo về Sở Nội vụ")
        first = next((k for k, p in enumerate(pieces)
                      if p.kind in BODY or (p.kind == KW and p.value == "ongoing")), len(pieces))
        while first > 0 and (pieces[first - 1].kind == KW and pieces[first - 1].value in MODIFIERS
                             or pieces[first - 1].kind == IGN and pieces[first - 1].value in ("daypart", "clock",
                                                                                              "now", "occasion")):
            first -= 1
        prefix = pieces[:first]
        d.prefix = self.src(pieces[0].i, pieces[first].i) if first < len(pieces) and first else ""
        self._body_start = pieces[first].i if first < len(pieces) and first else 0
        if any(p.kind == LEFT for p in prefix):
            return self._leftover(prefix)
        for k, p in enumerate(prefix if first < len(pieces) else ()):
            nxt = next((q for q in prefix[k + 1:] if not (q.kind == IGN and q.value == "occasion")), None)
            if p.kind == KW and p.value in ("before", "after") and nxt is not None and (
                    nxt.kind == FILL or nxt.kind == IGN and nxt.value == "object"):
                # the span after names the event ("Trước kỳ họp cuối năm 2026"): its own date is unknown
                d.kind = "event"
                d.note = self.duty.text
                self.say(f"“{self.src(p.i, pieces[first].j)}”: {'trước' if p.value == 'before' else 'sau'} một sự "
                         "kiện; ngày của sự kiện chưa biết, chờ ghi nhận")
                return d
        body = pieces[first:]
        if any(p.kind == KW and p.value == "hedge" for p in prefix):
            body = [Piece(KW, "hedge", body[0].i, body[0].i), *body] if body else body
        kinds = {p.kind for p in body}
        if any(p.kind == KW and p.value == "ongoing" for p in body):
            return self._ongoing(body)
        ev = next((k for k, p in enumerate(body) if p.kind == EVENT), None)
        lag = next((k for k, p in enumerate(body) if p.kind == LAG and p.value[2] is not None), None)
        if ev is not None and (lag is None or ev < lag):
            return self._event(body, ev)
        if lag is not None:
            return self._with_lag(body, lag)
        if kinds & {FREQ, PIN} and not (kinds & {SPAN} and PIN not in kinds
                                        and all(not p.value for p in body if p.kind == FREQ)):
            return self._recurring(body)
        body = [p for p in body if p.kind != FREQ]
        return self._time(body)

    def _clock_modifiers(self, pieces: list[Piece]) -> list[Piece]:
        """ "trước 17 giờ ngày 15/8", "từ 7h30 đến 11h30 ngày 15/8": the modifier binds the clock time, which
        is dropped, so the day stays the day ("trước 0 giờ ngày X" is still the day before X)."""
        def clocked(k, values):
            return pieces[k].kind == KW and pieces[k].value in values and k + 1 < len(pieces) \
                and pieces[k + 1].kind == IGN and pieces[k + 1].value == "clock"

        # "từ 7h30 đến 11h30 ngày X" is a session on X; "từ 0 giờ ngày X" alone still starts on X
        froms = [k for k in range(len(pieces)) if clocked(k, ("from",))]
        tos = [k for k in range(len(pieces)) if clocked(k, ("to",))]
        hours_range = bool(froms and tos and froms[0] < tos[0]
                           and not any(p.kind == SPAN for p in pieces[froms[0]:tos[0]]))
        out: list[Piece] = []
        for k, p in enumerate(pieces):
            nxt = pieces[k + 1] if k + 1 < len(pieces) else None
            if clocked(k, ("before", "from", "to") if hours_range else ("before",)):
                hour = self.toks[nxt.i].nums[0] if self.toks[nxt.i].nums else None
                if p.value == "before" and hour == 0:
                    out.append(p)
                    continue
                if p.value == "before":
                    out.append(Piece(KW, "limit", p.i, p.j))
                self.say(f"“{self.src(p.i, nxt.j)}”: giờ trong ngày, ngày vẫn là ngày ghi sau đó")
                continue
            out.append(p)
        return out

    def _names_not_dates(self, pieces: list[Piece]) -> list[Piece]:
        """ "Báo cáo … 6 tháng đầu năm phải nộp trước ngày 25 tháng 5", "… của năm trước": a yearless period
        that follows a plain word names what is reported; it is not the deadline when the duty has a date too."""
        spans = [k for k, p in enumerate(pieces) if p.kind == SPAN]
        if len(spans) < 2:
            return pieces
        out = list(pieces)
        for k in spans:
            atoms = pieces[k].value
            if len(atoms) != 1 or atoms[0].unit not in ("half", "cumul", "year", "quarter", "month") or atoms[0].pos:
                continue
            after_report = k > 0 and pieces[k - 1].kind == FILL and any(
                self.low[:self.toks[pieces[k - 1].j - 1].end].endswith(n) for n in REPORT_NOUNS)
            if atoms[0].year is not None and not after_report:
                continue
            if atoms[0].unit == "quarter" and not 1 <= (atoms[0].a or 0) <= 4 or \
                    atoms[0].unit == "month" and not 1 <= (atoms[0].a or 0) <= 12:
                continue  # "Quý V", "tháng 13": an error to report, never a name to skip
            followed = k + 1 < len(pieces) and pieces[k + 1].kind == FILL and any(
                q.kind == KW and q.value in ("limit", "before", "in", "to") for q in pieces[k + 2:])
            # "… tình hình tham gia bảo hiểm thất nghiệp của năm trước": the year reported on, at the end
            of_at_end = k == len(pieces) - 1 and k > 0 and pieces[k - 1].kind == FILL and pieces[k - 1].value == "của"
            if after_report:
                followed = True
            if not (followed and (k == 0 or pieces[k - 1].kind in (FILL, SEP)) or of_at_end):
                continue
            if any(q.kind == SPAN and q is not pieces[k] and not self._joined(pieces, k, j)
                   and any(a.unit in ("day", "dom") for a in q.value) for j, q in enumerate(pieces)):
                out[k] = Piece(FILL, self.src(pieces[k].i, pieces[k].j), pieces[k].i, pieces[k].j)
                self.say(f"“{self.src(pieces[k].i, pieces[k].j)}” là tên kỳ báo cáo, không phải hạn")
        return out

    def _joined(self, pieces, a: int, b: int) -> bool:
        """Whether spans a and b are one list or range (only joints between them)."""
        lo, hi = min(a, b), max(a, b)
        between = pieces[lo + 1:hi]
        return bool(between) and all(p.kind in (SEP, DASH) or p.kind == KW and p.value in ("to",) for p in between)

    def _explain_ignored(self) -> None:
        for p in self.pieces:
            if p.kind == IGN and p.value == "citation":
                self.say(f"bỏ qua trích dẫn: “{self.src(p.i, p.j)}”")
            elif p.kind == IGN and p.value == "clock":
                self.say(f"bỏ qua giờ: “{self.src(p.i, p.j)}”")
            elif p.kind == IGN and p.value == "object":
                self.say(f"“{self.src(p.i, p.j)}” là tên, không phải thời gian")

    def _dated(self, pieces) -> bool:
        return any(p.kind in (SPAN, FREQ, PIN, WEEKDAY, LEFT) for p in pieces)

    def _leftover(self, pieces) -> Duty:
        left = [self.src(p.i, p.j) for p in pieces if p.kind == LEFT]
        return self.fail("không hiểu phần: " + ", ".join(f"“{x}”" for x in left))

    # ongoing ----------------------------------------------------------------------------------

    def _ongoing(self, body) -> Duty:
        d = self.duty
        k = next(k for k, p in enumerate(body) if p.kind == KW and p.value == "ongoing")
        if any(p.kind in BODY or p.kind == LEFT for p in body[:k]):
            return self.fail("không hiểu phần trước “thường xuyên”")
        rest = [p for p in body[k + 1:] if p.kind not in (FILL, IGN)]
        while rest and rest[0].kind == SEP:
            rest = rest[1:]
        d.kind = "ongoing"
        self.say(f"“{self.src(body[k].i, body[k].j)}”: nhiệm vụ thường xuyên, không có hạn cụ thể")
        if not any(p.kind in BODY or p.kind == LEFT for p in rest):
            tail = self.src(body[k].j, len(self.toks)).strip(" ,.;") if body[k].j < len(self.toks) else ""
            if tail and d.note is None:
                d.note = tail
            return d
        # "Thường xuyên trong năm 2026", "Thường xuyên từ ngày 15/3/2026", "Thường xuyên đến hết năm 2026"
        mods, spans = self._mods_and_spans(rest)
        if spans is None or len(spans) != 1 or len(spans[0]) != 1:
            return self._leftover(rest) if any(p.kind == LEFT for p in rest) else \
                self.fail("không hiểu phần sau “thường xuyên”")
        atom = self._fill_year_safe(spans[0])
        if atom is None:
            return self.duty
        try:
            start, end, _, w = self._span(atom)
        except Unresolvable as exc:
            return self.fail(str(exc))
        d.warnings.extend(w)
        if not mods:
            return self.fail("một mốc sau “thường xuyên” mà không nói là gì của việc thường xuyên")
        if mods <= {"in", "to"}:
            d.start = start if "to" not in mods else None
            d.end = end
            self.say(f"“{atom.text}”: đến {fmt(end)}")
        elif mods == {"from"} or mods == {"from", "onward"}:
            d.start = start
            self.say(f"“{atom.text}”: bắt đầu {fmt(start)}")
        else:
            return self.fail("không hiểu phần sau “thường xuyên”")
        return d

    def _fill_year_safe(self, atoms) -> Atom | None:
        try:
            return self._fill_year(list(atoms))[0]
        except Unresolvable as exc:
            self.fail(str(exc))
            return None

    # events -------------------------------------------------------------------------------------

    def _event(self, body, k: int) -> Duty:
        d = self.duty
        before = [p for p in body[:k] if p.kind in BODY or p.kind == LEFT]
        ev = body[k]
        if before:
            # a date before the condition ("Quý II/2026, sau khi có hướng dẫn"): the date holds, the rest is a note
            if all(p.kind == SPAN for p in before):
                sub = Reader(self.text[:self.toks[ev.i].start].strip(" ,;("), self.period).read()
                if sub.kind in ("due", "range", "ongoing"):
                    sub.text = self.duty.text
                    sub.note = self.src(ev.i, len(self.toks)).strip(" ,;()")
                    sub.warnings.append(f"hạn kèm điều kiện: “{sub.note}”")
                    sub.explain.append(f"điều kiện kèm theo (ghi chú): “{sub.note}”")
                    sub.prefix = self.duty.prefix
                    return sub
            return self._leftover(before) if any(p.kind == LEFT for p in before) else \
                self.fail(f"không hiểu phần trước “{self.src(ev.i, ev.j)}”")
        # a hard limit after the condition: "Sau khi có hướng dẫn của tỉnh, chậm nhất ngày 30/6/2026"
        for m, p in enumerate(body[k + 1:], start=k + 1):
            if p.kind == KW and p.value in ("limit", "before", "in", "to") and body[m - 1].kind in (SEP, IGN) \
                    and m + 1 < len(body):
                sub = Reader(self.text[self.toks[p.i].start:], self.period).read()
                if sub.kind == "due":
                    sub.text = self.duty.text
                    sub.note = self.src(ev.i, body[m - 1].i).strip(" ,;()")
                    sub.explain.insert(0, f"điều kiện “{sub.note}”, nhưng có hạn chót")
                    sub.prefix = self.duty.prefix
                    return sub
        d.kind = "event"
        d.note = self.duty.text
        lag = next((p for p in body[k + 1:] if p.kind == LAG and p.value[2] is not None), None)
        if lag is not None:
            amount, unit, direction, (link, at) = lag.value
            words = [p for p in body[k + 1:body.index(lag)] if p.kind not in (KW, IGN, SEP, DASH)]
            anchor = self.src(ev.j, words[-1].j) if words else self.src(at, len(self.toks))
            d.lag = Lag(amount, unit, direction, anchor.strip(" ,;()"))
        else:
            d.lag = self._trailing_lag(body, k)
        self.say(f"“{self.src(ev.i, ev.j)} …”: chờ sự kiện; chưa có hạn cho đến khi ghi nhận sự kiện"
                 + (f"; hạn {d.lag.describe()}" if d.lag else ""))
        return d

    _COUNT_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
                    "mười": 10}

    def _trailing_lag(self, body, k: int) -> Lag | None:
        """ "trước ngày tiếp công dân một tuần": a lag written after the event it counts from."""
        toks = self.toks
        ev = body[k]
        if ev.value != "ngày" or k == 0 or body[k - 1].kind != KW or body[k - 1].value not in ("before", "after"):
            return None
        n = len(toks)
        unit = next((u for u in ("ngày làm việc", "tuần", "tháng", "ngày") if words_at(toks, n - len(u.split()), u)),
                    None)
        if unit is None:
            return None
        at = n - len(unit.split()) - 1
        if at <= ev.j:
            return None
        t = toks[at]
        amount = t.num if t.kind == NUM else self._COUNT_WORDS.get(word(toks, at) or "")
        if not amount:
            return None
        direction = "before" if body[k - 1].value == "before" else "after"
        return Lag(amount, LAG_UNIT_WORDS[unit], direction, self.src(ev.i, at))

    def _with_lag(self, body, k: int) -> Duty:
        d = self.duty
        lagp = body[k]
        amount, unit, direction, link = lagp.value
        mods = {p.value for p in body[:k] if p.kind == KW}
        others = [p for p in body[:k] if p.kind not in (FILL, IGN, SEP, DASH, KW)]
        if others or not mods <= {"in", "limit", "after", "hedge", "before"}:
            return self._leftover(others) if any(p.kind == LEFT for p in others) else \
                self.fail(f"không hiểu phần trước “{self.src(lagp.i, lagp.j)}”")
        link_text, anchor_at = link
        # the anchor runs to a parenthesis (a citation after it is not part of the event)
        self._anchor_end = next((m for m in range(anchor_at, len(self.toks)) if punct(self.toks, m, "(;")),
                                len(self.toks))
        anchor = self.src(anchor_at, self._anchor_end).strip(" ,.;()")
        for m in range(anchor_at, len(self.toks)):
            if word(self.toks, m) == "hoặc" and any(t.text in DATE_WORDS for t in self.toks[m + 1:]):
                return self.fail(f"“{anchor}”: hai mốc để chọn, không rõ mốc nào")
        if link_text in ("kể từ ngày", "tính từ ngày", "từ ngày", "sau ngày", "trước ngày"):
            anchor = "ngày " + anchor
        if not anchor:
            return self.fail(f"“{self.src(lagp.i, lagp.j)}”: thời hạn không có mốc tính")
        if "after" in mods and direction == "before" or "before" in mods and direction == "after":
            return self.fail("“trước” … “kể từ” (hoặc “sau” … “trước”): không rõ chiều của thời hạn")
        # the anchor may be a day or a period end we know: then the date follows
        known = self._known_anchor(anchor_at, link_text)
        lag = Lag(amount, unit, direction, anchor)
        if known == "unreadable":
            return self.fail(f"không hiểu mốc “{anchor}”")
        if known is not None and known != "unreadable" and known[0] == "day" and known[1].unit == "holiday":
            return self.fail(f"“{anchor}” kéo dài nhiều ngày: không rõ tính từ ngày nào")
        if known is not None and known != "unreadable" and unit == "month" and amount in (3, 6, 9, 12) \
                and direction == "before" and not mods:
            return self.fail(f"“{self.src(lagp.i, anchor_at)}”: kỳ báo cáo {amount} tháng, hay {amount} tháng trước "
                             "ngày đó? không rõ")
        if known is not None:
            return self._lag_from_known(lag, known)
        d.kind = "event"
        d.lag = lag
        d.note = self.duty.text
        self.say(f"“{self.src(lagp.i, len(self.toks))}”: chờ sự kiện “{anchor}”; hạn {lag.describe()}")
        return d

    def _known_anchor(self, i: int, link: str):
        """What the lag counts from, if it is a date we know: ("day", Atom), ("period", freq), or None (an event)."""
        toks = self.toks
        j = i
        if link.endswith("ngày"):
            j = i - 1  # the atom reader wants the word "ngày" in front of a day
        got = read_atom(toks, j)
        if got is not None:
            atoms, end = got
            if len(atoms) == 1 and atoms[0].unit in ("day", "holiday") and self._rest_is_empty(end):
                return ("day", atoms[0])
            if self._rest_has_date(i):
                return "unreadable"
        k = i
        if word(toks, k) == "ngày":
            k += 1
        hit = any_words(toks, k, ("kết thúc", "hết", "cuối"))
        if hit is not None:
            k = hit[1]
            if word(toks, k) in ("mỗi", "hằng", "các"):
                k += 1
            got = read_atom(toks, k)
            if got is not None and len(got[0]) == 1 and self._rest_is_empty(got[1]) and \
                    got[0][0].unit not in ("day", "holiday"):
                return ("end", got[0][0])
            if got is not None and got[0][0].unit == "holiday":
                return "unreadable"
            noun = any_words(toks, k, PERIOD_END)
            if noun is not None and self._rest_is_empty(noun[1]) and PERIOD_END[noun[0]]:
                return ("period", PERIOD_END[noun[0]])
        # an event named with its date: "ngày bầu cử 15/3/2026"
        for step in range(i, len(toks)):
            got = read_atom(toks, step)
            if got is not None:
                atoms, end = got
                if len(atoms) == 1 and atoms[0].unit == "day" and self._rest_is_empty(end) and \
                        not any(t.kind != WORD or t.text in DATE_WORDS - {"ngày"} for t in toks[i:step]):
                    return ("day", atoms[0])
                break
        if self._rest_has_date(i):
            return "unreadable"
        return None

    def _rest_is_empty(self, j: int) -> bool:
        rest = self.toks[j:self._anchor_end]
        return all(t.kind == PUNCT or (t.kind == WORD and t.text not in DATE_WORDS) for t in rest) and \
            not any(t.kind == WORD for t in rest if t.text not in ("của",))

    def _rest_has_date(self, i: int) -> bool:
        return any(t.kind in (DMY, DM, MY, YSPAN, ISO) for t in self.toks[i:self._anchor_end])

    def _lag_from_known(self, lag: Lag, known) -> Duty:
        d = self.duty
        kind, value = known
        if lag.unit == "working_day":
            return self.fail("ngày làm việc kể từ một ngày đã biết: cần lịch ngày nghỉ; hãy ghi hạn cụ thể")
        if kind == "period":
            occs = series(value, self.period, lag=lag)
            if not occs:
                return self.fail("cần thời gian của kế hoạch để tính các kỳ")
            d.kind = "recurring"
            d.recurrence = (value,)
            d.occurrences = tuple(occs)
            self.say(f"{lag.describe()}: định kỳ, mỗi kỳ hạn {lag.amount} {_UNIT_VI[lag.unit]} sau ngày kết thúc kỳ")
            return d
        try:
            atom = self._fill_year([value])[0]
            start, end, label, w = self._span(atom)
        except Unresolvable as exc:
            return self.fail(str(exc))
        base = end
        due = lag.apply(base)
        d.kind = "due"
        d.warnings.extend(w)
        d.occurrences = (Occurrence(due),)
        self.say(f"{lag.describe()}: mốc {fmt(base)} → hạn {fmt(due)} (ngày thứ nhất là ngày kế tiếp)")
        self._period_warnings()
        return d

    # recurrence ---------------------------------------------------------------------------------

    def _recurring(self, body) -> Duty:
        freqs: list[str] = []
        pin = None
        before = False
        spans: list[Atom] = []
        weekdays: list[int] = []
        rng = False
        items = [p for p in body if p.kind not in (FILL, IGN)]
        for k, p in enumerate(items):
            if p.kind == FREQ:
                freqs.extend(f for f in p.value if f not in freqs)
            elif p.kind == PIN:
                if pin is not None and pin != p.value:
                    return self.fail("hai cách tính kỳ trong một thời hạn")
                pin = p.value
            elif p.kind == SPAN:
                spans.extend(p.value)
            elif p.kind == WEEKDAY:
                weekdays.append(p.value)
            elif p.kind == KW and p.value == "before":
                before = True
            elif (p.kind == KW and p.value == "to" or p.kind == DASH) and spans and k + 1 < len(items) \
                    and items[k + 1].kind == SPAN and items[k - 1].kind == SPAN:
                rng = True
            elif p.kind == DASH:
                pass
            elif p.kind == KW and p.value in ("in", "limit", "to", "hedge", "from"):
                pass
            elif p.kind == SEP:
                pass
            elif p.kind == LEFT:
                return self._leftover([p])
            else:
                return self.fail(f"không hiểu “{self.src(p.i, p.j)}” trong thời hạn định kỳ")
        for k, p in enumerate(self.pieces):
            if p.kind == FREQ and k > 0 and self.pieces[k - 1].kind == FILL and "%" in self.pieces[k - 1].value:
                return self.fail(f"“{self.src(self.pieces[k - 1].i, p.j)}” là tỉ lệ tăng, không phải thời hạn")
        named = re.search(r"\blà\s+[Nn]gày\s+(\w)", self.text)
        if named and named.group(1).isupper():  # "… hằng năm là Ngày Pháp luật Việt Nam": names a day
            return self.fail("câu đặt tên một ngày (“… là Ngày …”), không phải thời hạn")
        if self._legal_prefix() and not spans and pin is None:
            return self.fail("“hằng …” nằm trong câu nói về văn bản pháp luật, không phải thời hạn")
        if pin is not None and not freqs:
            if pin[0] in ("report",):
                return self.fail("“kỳ báo cáo” không nói kỳ nào (hằng quý, 6 tháng …)")
            freqs = ["monthly"] if pin[0] in ("window", "window-next") else [pin[0]]
        if not freqs:
            return self.fail("“định kỳ” không nói kỳ nào")
        if weekdays:
            if any(p.kind == KW and p.value == "to" or p.kind == DASH for p in items):
                return self.fail("một khoảng các thứ trong tuần (giờ làm việc), không phải thời hạn")
            if freqs != ["weekly"] or spans:
                return self.fail("thứ trong tuần đi với kỳ không phải hằng tuần")
            if before:
                weekdays = [(wd - 1) % 7 for wd in weekdays]  # "trước thứ Sáu hằng tuần": each Thursday
            occs = [o for wd in dict.fromkeys(weekdays) for o in series("weekly", self.period, weekday=wd)]
            return self._series_done(freqs, occs, ", ".join(A.WEEKDAY_VI[wd] for wd in dict.fromkeys(weekdays))
                                     + " hằng tuần")
        if "weekly" in freqs and (spans or pin is not None or len(freqs) > 1):
            return self.fail("hằng tuần đi với một mốc không phải thứ trong tuần")
        if rng:
            if len(spans) != 2 or spans[0].unit != spans[1].unit and spans[0].unit != "dom":
                return self.fail("khoảng thời gian lặp lại không rõ")
            if spans[0].unit == "dom" and spans[1].unit == "dom" and spans[1].a < spans[0].a:
                return self.fail("khoảng ngày lặp lại không hợp lệ")
            self.say(f"khoảng “{spans[0].text} – {spans[1].text}” lặp lại: hạn là ngày cuối của khoảng")
            spans = [spans[1]]
        doms = [a for a in spans if a.unit == "dom"]
        days = [a for a in spans if a.unit != "dom"]
        if doms and days:
            return self.fail("nhiều mốc trong một thời hạn định kỳ")
        if pin is not None and pin[0] in ("window", "window-next"):
            if set(freqs) != {"monthly"} or spans:
                return self.fail("cửa sổ đầu tháng đi với kỳ không phải hằng tháng")
            following = pin[0] == "window-next"
            occs = series("monthly", self.period, offset=pin[1], month="next" if following else "same")
            return self._series_done(freqs, occs, f"{pin[1]} ngày đầu mỗi tháng{' sau' if following else ''}: "
                                                  f"hạn ngày {pin[1]:02d}")
        if doms:
            return self._day_of_month(freqs, pin, doms, before)
        if pin is not None:
            return self.fail("“tháng cuối quý / tháng sau” cần một ngày")
        if days:
            horizon = any(p.kind == KW and p.value in ("to", "from") for p in items)  # "Đến năm 2030 và những năm …"
            return self._days_of_year(freqs, days, before, horizon)
        if before:
            return self.fail("“trước” mà không có mốc")
        occs = []
        for f in freqs:
            occs.extend(series(f, self.period))
        return self._series_done(freqs, occs, "ngày cuối của mỗi kỳ")

    def _day_of_month(self, freqs, pin, doms, before: bool) -> Duty:
        """ "ngày 20 hằng tháng", "trước ngày 15 của tháng cuối quý", "trước ngày 05 tháng đầu quý sau"."""
        target = pin[1] if pin is not None else "same"
        covers = {pin[0]} if pin is not None and pin[0] != "report" else set(freqs)
        if pin == ("monthly", "next") and "monthly" not in freqs:
            covers = set(freqs)  # a quarterly report "trước ngày 10 tháng sau": the month after each quarter
        if pin is None and set(freqs) != {"monthly"}:
            return self.fail("ngày trong tháng đi với kỳ không phải hằng tháng, mà không nói tháng nào")
        if not set(freqs) <= covers | ({"monthly"} if target == "same" else set()):
            return self.fail("kỳ báo cáo không khớp với tháng của ngày hạn")
        if "weekly" in freqs:
            return self.fail("hằng tuần đi với một ngày trong tháng")
        offsets = []
        for a in doms:
            day = a.a - (1 if before else 0)
            if not 1 <= day <= 31:
                return self.fail("ngày không hợp lệ (ngày 1 không có ngày trước trong cùng tháng)")
            offsets.append(day)
        occs = []
        for f in freqs:
            for day in offsets:
                occs.extend(series(f, self.period, offset=day, month=target))
        where = {"same": "", "last": " của tháng cuối kỳ", "next": " của tháng sau kỳ"}[target]
        return self._series_done(freqs, occs, ", ".join(f"ngày {d:02d}" for d in offsets) + where)

    def _days_of_year(self, freqs, days, before: bool, horizon: bool = False) -> Duty:
        """ "trước ngày 15/12 hằng năm", "ngày 20/6 và ngày 20/12 hằng năm", "Quý I hằng năm"."""
        if freqs != ["yearly"]:
            return self.fail("một mốc đi với kỳ không phải hằng năm")
        if len(days) == 1 and days[0].unit == "year" and days[0].year is not None and not horizon:
            first = days[0].year
            occs = [o for o in series("yearly", self.period) if o.due.year >= first]
            return self._series_done(freqs, occs, f"cuối mỗi năm, từ năm {first}")
        if days[0].unit == "day" and any(a.unit == "month" for a in days[1:]):
            return self.fail("một ngày rồi một tháng trong cùng danh sách: không rõ tháng sau có cùng ngày không")
        pins = []
        rels = {atom.rel for atom in days}
        if len(rels) > 1 or rels - {0, 1} or rels == {1} and any(a.year is not None for a in days):
            return self.fail("một mốc có năm cụ thể đi với kỳ hằng năm: không rõ")
        for atom in days:
            if atom.unit not in ("day", "month", "quarter", "half", "cumul"):
                return self.fail("mốc này không lặp lại hằng năm được")
            probe = _probe(atom)
            if probe is None:
                return self.fail("ngày không hợp lệ")
            day = probe[0] - timedelta(days=1) if before else probe[1]
            pins.append(day)
        after = rels == {1}  # "hằng năm, trước ngày 15/01 năm sau": the report on each year, due the year after
        occs = []
        for day in pins:
            occs.extend(series("yearly", self.period, day=(day.month, day.day), next_year=after))
        return self._series_done(freqs, occs, ", ".join(f"ngày {d.day:02d}/{d.month:02d}" for d in pins) + " hằng năm"
                                 + (" (của năm sau)" if after else ""))

    def _series_done(self, freqs, occs, how: str) -> Duty:
        d = self.duty
        d.kind = "recurring"
        d.recurrence = tuple(freqs)
        occs = sorted(occs, key=lambda o: (o.due, FREQS.index(o.freq)))
        seen: dict = {}
        for o in occs:
            seen[o.label] = seen.get(o.label, 0) + 1
        # several days in one period ("ngày 20 và 25 hằng tháng"): each occurrence its own name
        occs = [o.replace(label=f"{o.label} (ngày {fmt(o.due)})") if seen[o.label] > 1 else o for o in occs]
        d.occurrences = tuple(occs)
        if self.period is None:
            d.warnings.append("cần thời gian của kế hoạch để tính các kỳ")
        names = ", ".join(_FREQ_VI[f] for f in freqs)
        self.say(f"định kỳ ({names}); hạn: {how}; {len(occs)} kỳ trong thời gian kế hoạch")
        return d

    def _legal_prefix(self) -> bool:
        """Whether the words in front of the time expression speak of a law or rule applying."""
        return any(any_words(self.toks, i, LEGAL_SENTENCE) is not None for i in range(self._body_start))

    # time expressions -------------------------------------------------------------------------

    def _mods_and_spans(self, items):
        """Modifiers and span groups of a flat time expression; spans None if something else stands in it."""
        mods = set()
        groups: list[list[Atom]] = []
        for p in items:
            if p.kind == KW and p.value in ("in", "to", "from", "before", "limit", "hedge", "onward"):
                mods.add(p.value)
            elif p.kind == SPAN:
                groups.append(p.value)
            elif p.kind in (SEP,):
                continue
            else:
                return mods, None
        return mods, groups

    def _time(self, body) -> Duty:
        d = self.duty
        items = [p for p in body if p.kind not in (FILL, IGN)]
        left = [p for p in items if p.kind == LEFT]
        if left:
            return self._leftover(left)
        # weekdays: checked against the day they stand beside, then dropped
        days_seen = [a for p in items if p.kind == SPAN for a in p.value]
        for p in items:
            if p.kind == WEEKDAY:
                if not any(a.unit == "day" for a in days_seen):
                    return self.fail(f"“{self.src(p.i, p.j)}” không đi với ngày nào")
        weekdays = [p.value for p in items if p.kind == WEEKDAY]
        items = [p for p in items if p.kind != WEEKDAY]
        for k, p in enumerate(items):
            if p.kind == LAG and 0 < k < len(items) - 1 and items[k - 1].kind == KW and items[k - 1].value == "before" \
                    and items[k + 1].kind == SPAN and all(a.unit == "day" for a in items[k + 1].value):
                self.say(f"“{self.src(items[k - 1].i, p.j)}” rồi một ngày: ngày đó là hạn")
                items = items[:k - 1] + items[k + 1:]
                break
        trailing = None
        for k, p in enumerate(items):
            if p.kind != LAG:
                continue
            nxt = items[k + 1] if k + 1 < len(items) else None
            if k == len(items) - 1 and k > 0 and items[k - 1].kind == SPAN:
                trailing = p  # "Trước Tết Nguyên đán 10 ngày", "trước ngày 15/8/2026 05 ngày"
            elif p.value[1] == "day" and nxt is not None and nxt.kind == SPAN and \
                    all(a.unit in ("day", "dom") for a in nxt.value):
                self.say(f"“{self.src(p.i, p.j)}”: độ dài của các ngày ghi sau, không phải mốc")
            else:
                return self.fail(f"“{self.src(p.i, p.j)}”: thời hạn không có mốc tính")
        items = [p for p in items if p.kind != LAG]
        if any(p.kind == EVENT for p in items):
            return self.fail("không hiểu thời hạn")
        groups = self._groups(items)
        if not groups:
            return self.duty if d.kind == "unknown" and d.warnings else self.fail("không hiểu cách viết thời hạn")
        if len(groups) > 1:
            chosen = self._pick_group(groups)
            if chosen is None:
                return self.fail("nhiều thời hạn trong một ô mà không rõ hạn nào")
            groups = [chosen]
        mods, atoms, rng = groups[0]
        if trailing is not None:
            return self._lag_before(trailing, mods, atoms, rng)
        result = self._resolve_group(mods, atoms, rng)
        if result is None:
            return d
        if weekdays and d.occurrences:
            named = self._named_days
            for wd in weekdays:
                day = named[0] if len(named) == 1 else None
                if day is not None and day.weekday() != wd:
                    d.warnings.append(f"{A.WEEKDAY_VI[wd]} không khớp với ngày {fmt(day)} ({A.WEEKDAY_VI[day.weekday()]})")
                elif day is not None:
                    self.say(f"“{A.WEEKDAY_VI[wd]}” khớp với ngày {fmt(day)}")
        self._period_warnings()
        return d

    def _lag_before(self, lagp: Piece, mods, atoms, rng) -> Duty:
        """ "trước ngày 15/8/2026 05 ngày": a lag written after the day it counts back from."""
        amount, unit, _, _ = lagp.value
        if "before" not in mods or rng or len(atoms) != 1 or atoms[0].unit not in ("day", "holiday") \
                or unit == "working_day":
            return self.fail(f"“{self.src(lagp.i, lagp.j)}” sau mốc: không rõ cách tính")
        try:
            atom = self._fill_year(atoms)[0]
            day = self._span(atom)[0]
        except Unresolvable as exc:
            return self.fail(str(exc))
        lag = Lag(amount, unit, "before", atom.text)
        due = lag.apply(day)
        self.duty.kind = "due"
        self.duty.occurrences = (Occurrence(due),)
        self.say(f"{lag.describe()}: {fmt(day)} lùi {amount} {_UNIT_VI[unit]} → {fmt(due)}")
        self._period_warnings()
        return self.duty

    def _groups(self, items):
        """A time expression as groups [modifiers, atoms, is_range]: spans joined by "," / "và" make a list,
        by "-" / "đến" a range; a span that follows another without a joint starts a new group. Each atom
        keeps the modifiers written before it (`Atom.mods`); an item with none takes those of the item
        before it ("trước ngày 5/3 và 10/3"), never those of a later one ("tháng 6, trước 15/7").
        None: something in it is not part of a time expression."""
        groups: list[list] = []
        cur = None
        pending: set[str] = set()
        join = False
        for p in items:
            if p.kind == SPAN:
                if cur is not None and join:
                    own = pending or (set(cur[1][-1].mods) - {"to"} if cur[1] else set())
                    cur[1].extend(p.value)
                    cur[0] |= pending
                else:
                    own = set(pending)
                    cur = [set(pending), list(p.value), False]
                    groups.append(cur)
                for a in p.value:
                    a.mods = frozenset(own)
                pending, join = set(), False
            elif p.kind == SEP:
                join = cur is not None
            elif p.kind == DASH or (p.kind == KW and p.value == "to"):
                if p.kind == DASH and self._words_after(p):
                    join = False  # "sơ kết tháng 6 - tổng kết tháng 12": two duties, not a range
                elif cur is not None and not join and not pending:
                    cur[2], join = True, True
                elif p.kind == KW:
                    pending.add("to")
            elif p.kind == KW:
                if p.value == "onward":
                    if cur is None:
                        return None
                    cur[0].add("onward")
                    continue
                pending.add(p.value)
            else:
                return None
        if pending and not groups:
            return None
        last_kw = max((p for p in self.pieces if p.kind == KW and p.value in ("before", "after", "from")),
                      key=lambda p: p.i, default=None)
        if pending & {"before", "after", "from"} and last_kw is not None and not any(
                q.kind == FILL and q.i > last_kw.i for q in self.pieces):
            return None  # "…, trước", "… năm sau" unread: a modifier with nothing after it
        if any("after" in g[0] for g in groups):
            return None  # "sau <ngày>": after a day is no deadline
        for g in groups:
            if not g[2]:
                g[1] = self._hard_limits(g[1])
                if not g[1]:
                    return None
        return groups

    def _words_after(self, dash: Piece) -> bool:
        """Whether plain words stand between a dash and the span after it."""
        for q in self.pieces:
            if q.i < dash.j:
                continue
            if q.kind == SPAN:
                return False
            if q.kind == FILL:
                return True
        return False

    def _hard_limits(self, atoms: list[Atom]) -> list[Atom]:
        """In a list, a hard limit beats a tentative date ("dự kiến tháng 6, chậm nhất tháng 7/2026"), and a
        data cut-off ("số liệu tính đến 30/6") is no deadline beside one."""
        hard = [a for a in atoms if a.mods & {"limit", "before"} and "hedge" not in a.mods]
        limit = any("limit" in a.mods and "hedge" not in a.mods for a in atoms)

        def tentative(a):  # "dự kiến ngày 10/8", or "phấn đấu trước 30/6" beside a "không quá" / "chậm nhất"
            return "hedge" in a.mods and (not a.mods & {"limit", "before"} or limit and "limit" not in a.mods)

        if hard and any(tentative(a) for a in atoms):
            self.say("một ngày dự kiến và một hạn chót: lấy hạn chót")
            atoms = [a for a in atoms if not tentative(a)]
        if any("cutoff" in a.mods for a in atoms):
            rest = [a for a in atoms if "cutoff" not in a.mods]
            if rest:
                self.say("mốc chốt số liệu không phải hạn gửi: bỏ qua")
            return rest
        return atoms

    def _pick_group(self, groups):
        """Two dates in one duty: a hard limit beats a tentative date ("dự kiến ngày X (chậm nhất ngày Y)");
        a narrower span inside a wider one ("Quý II/2026 (tháng 5/2026)") is the date meant."""
        limits = [g for g in groups if g[0] & {"limit", "before"}]
        hedges = [g for g in groups if "hedge" in g[0]]
        if len(limits) == 1 and len(hedges) + len(limits) == len(groups):
            self.say("một ngày dự kiến và một hạn chót: lấy hạn chót")
            return limits[0]
        spans = []
        for g in groups:
            if g[2] or len(g[1]) != 1 or g[0] - {"in", "limit", "hedge"}:
                return None
            try:
                atom = self._fill_year([g[1][0]])[0]
                start, end, _, _ = self._span(atom)
            except Unresolvable:
                return None
            spans.append((start, end, g))
        spans.sort(key=lambda s: (s[1] - s[0]).days)
        inner = spans[0]
        if all(o[0] <= inner[0] and inner[1] <= o[1] for o in spans[1:]):
            self.say("hai mốc lồng nhau: lấy mốc hẹp hơn")
            return inner[2]
        return None

    def _fill_year(self, atoms: list[Atom]) -> list[Atom]:
        """Atoms with the plan's year where they have none (and "năm sau" applied)."""
        out = []
        for a in atoms:
            if a.unit == "holiday" and isinstance(a.b, tuple) and a.year is None:
                near = self.year if self.year is not None else (self.period.start.year if self.period else None)
                if near is not None:
                    a.year = A.can_chi_year(a.b[0], a.b[1], near)
            if a.year is None and a.unit not in ("yearspan", "schoolyear"):
                if self.year is None:
                    if a.rel:
                        raise Unresolvable("“năm sau” cần năm của kế hoạch")
                    if self.period is not None and a.unit in ("quarter", "month", "half", "cumul", "day", "holiday") and \
                            self._unique_year(a) is not None:
                        a.year = self._unique_year(a)
                    else:
                        raise Unresolvable("cần năm của kế hoạch")
                else:
                    a.year = self.year + a.rel
            out.append(a)
        return out

    def _unique_year(self, a: Atom) -> int | None:
        """In a plan over part of two years, the one year in which this span lies inside the period."""
        hits = []
        for y in self.period.years():
            span = A.probe(a, y)
            if span is None:
                continue
            s, e = span
            due = s - timedelta(days=1) if "before" in a.mods else e
            if self.period.start <= due <= self.period.end:
                hits.append(y)
        return hits[0] if len(hits) == 1 else None

    def _span(self, atom: Atom):
        if atom.unit == "dom":
            raise Unresolvable(f"“{atom.text or 'ngày ' + str(atom.a)}” không nói tháng nào")
        if atom.unit == "quarter" and not 1 <= (atom.a or 0) <= 4:
            raise Unresolvable("quý không hợp lệ")
        return atom.span()

    def _resolve_group(self, mods: set[str], atoms: list[Atom], rng: bool):
        d = self.duty
        if "earliest" in mods:
            return self.fail("“sớm nhất / không sớm hơn”: ngày sớm nhất được làm, không phải hạn")
        if mods & {"before"} and mods & {"from"}:
            return self.fail("“trước” và “từ” cùng một mốc")
        try:
            if rng:
                return self._range(mods, atoms)
            atoms = self._days_from_list(atoms)
            if any(a.unit == "day" for a in atoms) and any(a.unit == "month" for a in atoms[1:]) and \
                    atoms[0].unit == "day":
                raise Unresolvable("một ngày rồi một tháng trong cùng danh sách: không rõ tháng sau có cùng ngày không")
            self._share_list_year(atoms)
            atoms = self._fill_year(atoms)
            spans = [(a, *self._span(a)) for a in atoms]
        except Unresolvable as exc:
            return self.fail(str(exc))
        if len(spans) == 1 and spans[0][0].unit in ("yearspan", "schoolyear") and not mods & {"before", "from"}:
            a, start, end, label, w = spans[0]
            d.kind = "range"
            d.start, d.end = start, end
            d.occurrences = (Occurrence(end, label),)
            self.say(f"“{a.text}”: từ {fmt(start)} đến {fmt(end)}")
            return d
        if "from" in mods or "onward" in mods:
            if len(spans) != 1 or mods & {"limit", "before"}:
                return self.fail("“từ” với nhiều mốc")
            a, start, end, label, w = spans[0]
            d.kind = "ongoing"
            d.start = start
            d.warnings.extend(w)
            self.say(f"“từ {a.text}”: bắt đầu {fmt(start)}, không có hạn kết thúc")
            return d
        occs = []
        self._named_days = [start for a, start, end, label, w in spans if a.unit == "day"]
        for a, start, end, label, w in spans:
            d.warnings.extend(w)
            if "before" in a.mods:
                if w and a.unit == "day":  # "Trước ngày 31/11" is already clamped to 30/11, the day before 01/12
                    day, lab = start, None
                else:
                    day, lab = a.before()
                # the label the grammar gave before "trước" had one rule; progress recorded under it still counts
                alias = label if a.unit in ("month", "quarter") else None
                occs.append(Occurrence(day, lab, alias=alias))
            else:
                occs.append(Occurrence(end, label))
        text = self.src(min(a.i for a in atoms), max(a.j for a in atoms))
        dates = ", ".join(fmt(o.due) for o in occs)
        if all("before" in a.mods for a in atoms):
            self.say(f"“trước {text}”: ngày liền trước {'ngày đó' if all(a.unit == 'day' for a in atoms) else 'khi kỳ đó bắt đầu'}"
                     f" → {dates}" + "".join(f" ({o.label})" for o in occs if o.label))
        elif all(a.unit in ("day", "holiday") for a in atoms):
            self.say(f"“{text}”: ngày ghi trong văn bản → {dates}")
        else:
            self.say(f"“{text}”: ngày cuối của {'mỗi kỳ' if len(occs) > 1 else 'kỳ'} (Điều 146 Bộ luật Dân sự) → {dates}")
        if "hedge" in mods:
            self.say("“dự kiến / phấn đấu”: vẫn lấy ngày đó làm hạn")
        uniq = []
        for o in occs:
            if o not in uniq:
                uniq.append(o)
        d.kind = "due"
        d.occurrences = tuple(uniq)
        return d

    def _days_from_list(self, atoms: list[Atom]) -> list[Atom]:
        """Day numbers whose month is written once, at the end: "ngày 03, 04 và 06/6/2025", "ngày 11 và 12/6"."""
        out = list(atoms)
        for k in range(len(out) - 1, -1, -1):
            a = out[k]
            if a.unit != "dom":
                continue
            nxt = next((b for b in out[k + 1:] if b.unit == "day"), None)
            if nxt is None:
                raise Unresolvable(f"“{a.text}” không nói tháng nào")
            day = Atom("day", a.a, nxt.b, year=nxt.year, i=a.i, j=a.j)
            day.rel = nxt.rel
            day.text = a.text
            day.mods = a.mods
            day.pos = a.pos
            out[k] = day
        return out

    def _share_list_year(self, atoms: list[Atom]) -> None:
        """A year written once at the end of a list of different atoms ("tháng 5 và quý II năm 2026")."""
        A.share_backwards(atoms)

    def _range(self, mods: set[str], atoms: list[Atom]):
        d = self.duty
        if len(atoms) != 2 or mods & {"before"}:
            raise Unresolvable("khoảng thời gian không rõ")
        first, last = atoms
        if last.unit == "year" and first.unit in ("day", "dom", "month", "quarter") and first.year is None:
            raise Unresolvable("khoảng thời gian đến một năm từ một ngày không có năm: không rõ")
        if first.unit == "dom":
            if last.unit != "day":
                raise Unresolvable("khoảng ngày không rõ tháng")
            first = Atom("day", first.a, last.b, year=last.year, i=first.i, j=first.j)
            first.text = f"ngày {first.a}"
        if last.year is None and not last.rel and first.year is not None and last.unit in ("month", "quarter", "day"):
            last.year = first.year
            if self._span(last)[1] < self._span(first)[0]:
                last.year += 1  # "từ tháng 10/2026 - tháng 3": March of the year after
        last = self._fill_year([last])[0]
        if first.year is None and not first.rel:
            first.year = last.year
            s1 = self._span(first)[0]
            if s1 > self._span(last)[1]:
                first.year = last.year - 1
        first = self._fill_year([first])[0]
        start, _, _, w1 = self._span(first)
        _, end, _, w2 = self._span(last)
        if end < start:
            raise Unresolvable("khoảng thời gian không hợp lệ (kết thúc trước khi bắt đầu)")
        d.warnings.extend(w1 + w2)
        d.kind = "range"
        d.start, d.end = start, end
        d.occurrences = (Occurrence(end),)
        self.say(f"khoảng thời gian: từ {fmt(start)} ({first.text}) đến {fmt(end)} ({last.text}); hạn {fmt(end)}")
        return d

    def _period_warnings(self) -> None:
        p = self.period
        if p is None:
            return
        for o in self.duty.occurrences:
            if o.due < p.start:
                self.duty.warnings.append(f"hạn {fmt(o.due)} trước thời gian của kế hoạch ({p.label()})")
            elif o.due > p.end:
                self.duty.warnings.append(f"hạn {fmt(o.due)} sau thời gian của kế hoạch ({p.label()})")


_FREQ_VI = {"weekly": "hằng tuần", "monthly": "hằng tháng", "quarterly": "hằng quý", "half-yearly": "6 tháng",
            "yearly": "hằng năm"}
_UNIT_VI = {"day": "ngày", "working_day": "ngày làm việc", "week": "tuần", "month": "tháng"}


def _year(n: int | None) -> bool:
    return n is not None and 1900 <= n <= 2200


def _probe(atom: Atom):
    """(first, last) day of an atom in a leap year, to pin a yearly series to a day of the year."""
    return A.probe(atom)


_FREQ_BY = ("theo tháng", "theo quý", "theo năm", "theo tuần")
_MANY = frozenset(("hai", "bốn", "tám", "mười", "mấy", "vài", "nhiều"))
_NEXT_PINS = ("tháng sau", "tháng tiếp theo", "tháng kế tiếp", "tháng liền kề")
# the words the atom readers start with (atoms.read_atom)
_ATOM_WORDS = ("ngày", "mùng", "mồng", "tháng", "quý", "cả", "năm", "giai", "đầu", "giữa", "cuối", "lễ", "dịp", "tết",
               "nửa", "nh",
               "sáu", "ba", "chín", "giỗ", *A.SOLAR_HOLIDAYS, *A.LUNAR_HOLIDAYS)


def _firsts(*tables) -> frozenset:
    return frozenset(p.split()[0] for table in tables for p in table)


# (step, the words it can start with, whether it can start with a number or a numeric date)
STEPS = (
    (Reader._s_citation, _firsts(ARTICLE_WORDS, DOC_WORDS), False),
    (Reader._s_object, _firsts(OBJECT_HEADS, SEASONS) | {"xuân"}, True),
    (Reader._s_report, _firsts(REPORT_NOUNS), False),
    (Reader._s_now, frozenset(("từ",)), False),
    (Reader._s_occasion, _firsts(Reader._OCCASIONS), False),
    (Reader._s_name, _firsts(NAME_WORDS), False),
    (Reader._s_freq_by, _firsts(_FREQ_BY), False),
    (Reader._s_event_day, frozenset(("ngày",)), False),
    (Reader._s_daypart, _firsts(DAY_PARTS), False),
    (Reader._s_noise, _firsts(TRAILING_NOISE), False),
    (Reader._s_ongoing, _firsts(ONGOING_WORDS), False),
    (Reader._s_event, _firsts(EVENT_WORDS), False),
    (Reader._lag, frozenset(("ngày",)), True),
    (Reader._freq, frozenset(("định", "hằng", "mỗi", "một", "các", "những", "thường")) | _firsts(FREQ_NOUNS), True),
    (Reader._pin, _firsts(Reader._PINS) | {"của"}, True),
    (Reader._s_weekday, frozenset(("thứ", "chủ", "ngày")), False),
    (Reader._s_elliptic_quarter, frozenset(A.ROMAN_WORDS), True),
    (Reader._s_atom, _firsts(_ATOM_WORDS), True),
    (Reader._s_keyword, _firsts(_KW_PHRASES) | {"và"}, False),
    (Reader._elliptic_day, frozenset(), True),
)
EXHAUSTIVE = False  # tests set it to check that the index below never skips a step that would match
_BY_WORD: dict[str, tuple] = {}
_NUMERIC: list[tuple] = []


def _steps(tok: Lexeme) -> tuple:
    """The steps that can start at this lexeme, in order."""
    if EXHAUSTIVE:
        return tuple(step for step, _, _ in STEPS)
    if not _NUMERIC:
        _NUMERIC.append(tuple(step for step, _, numeric in STEPS if numeric))
        every_word = set().union(*(words for _, words, _ in STEPS))
        _BY_WORD.update({w: tuple(step for step, words, _ in STEPS if w in words) for w in every_word})
    if tok.kind == WORD:
        return _BY_WORD.get(tok.key, ())
    return _NUMERIC[0] if tok.kind in (NUM, DM, DMY, MY, YSPAN, ISO) else ()


def has_time(text: str) -> bool:
    """Whether a piece of text says anything about time (a span, a recurrence, an event, a date-like word)."""
    r = Reader(text, None)
    r.scan()
    return any(p.kind in BODY or p.kind == LEFT or (p.kind == KW and p.value == "ongoing") for p in r.pieces)


def read_duty(text: str, period: Period | None) -> Duty:
    """Read one duty ("Chậm nhất ngày 15/8/2026", "Định kỳ hằng quý", …)."""
    return Reader(text, period).read()
