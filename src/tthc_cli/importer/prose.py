"""Obligations written in running text: a sentence outside the tables that gives a
unit a dated or recurring duty ("… báo cáo Chủ tịch UBND xã … trước ngày 30/11/2026").

Pure: works on a `Document`. Deliberately narrow, because a wrong task is worse
than a missed one:

* a deadline is only cut where a deadline word introduces it ("trước ngày",
  "chậm nhất", "hoàn thành trong", "định kỳ hằng …"), never from a date that
  follows a document number ("Nghị định số 118/2025/NĐ-CP ngày 09/6/2025"), an
  article number or a count of days;
* the phrase must resolve (`deadline.resolve`) to something other than "unknown";
* the sentence must have a unit: its own subject ("Thủ trưởng các phòng … chỉ
  đạo …", "Giao phòng Văn hoá – Xã hội: …") or the heading it falls under
  ("2. Văn phòng HĐND & UBND xã:"). A dated sentence without one is left out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tthc_cli.core.deadline import Period, parse_period, resolve
from tthc_cli.importer.document import Document, Paragraph, Table
from tthc_cli.core.text import clean
from tthc_cli.core.units import Registry


@dataclass
class ProseTask:
    """A duty found in running text."""

    title: str  # "Tổng hợp kết quả thực hiện và báo cáo Chủ tịch UBND xã"
    lead: str  # the unit as written: "Văn phòng HĐND & UBND xã"
    deadline: str  # the phrase cut from the sentence: "trước ngày 30/11/2026"
    sentence: str  # the whole sentence (list marker removed), NFC
    where: str  # where the sentence starts: "dòng 157"
    section: str | None  # the roman-numbered heading above: "IV. TỔ CHỨC THỰC HIỆN"


# --- lines and paragraphs ----------------------------------------------------------


@dataclass
class _Para:
    text: str
    starts: list[tuple[int, str]]  # (offset in text, where) of each joined line


def _lines(doc: Document):
    """Running-text lines in order. A "table" whose rows hold one non-empty cell is
    a stray tab in a paragraph ("\\tc) Đánh giá …"), not a table: its text is kept."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            text = clean(block.text)
            if text:
                yield text, block.where
        elif isinstance(block, Table):
            cells = [[clean(c) for c in row.cells] for row in block.rows]
            if all(sum(1 for c in row if c) <= 1 for row in cells):
                for row, raw in zip(cells, block.rows):
                    text = next((c for c in row if c), "")
                    if text:
                        yield text, raw.where


_MARKER = re.compile(
    r"^(?P<m>(?:[IVX]+\s*[.:]|Điều\s+\d+\s*[.:]|\d+(?:\s*\.\s*\d+)*\s*[.)]|[a-zđ]\s*\)|[-–•+*])\s*)(?=\S)"
)
_TERMINAL = ".;:!?"


def _marker(text: str) -> tuple[str, float | None]:
    """The list marker opening a line and its level (roman 0 … bullet 4)."""
    m = _MARKER.match(text)
    if not m:
        return "", None
    mark = m.group("m").strip()
    if re.match(r"^[IVX]+\s*[.:]$", mark):
        return m.group("m"), 0
    if mark.startswith("Điều"):
        return m.group("m"), 0
    if mark[0].isdigit():
        depth = len(re.findall(r"\d+", mark))
        return m.group("m"), 1 + (depth - 1) * 0.5
    if mark.endswith(")"):
        return m.group("m"), 3
    return m.group("m"), 4


def _is_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and text == text.upper()


def _paragraphs(doc: Document) -> list[_Para]:
    """Lines joined where the export broke one paragraph over several lines: the
    next line starts in lower case, or the line stops mid-sentence and the next
    one carries no list marker."""
    out: list[_Para] = []
    for text, where in _lines(doc):
        if out:
            prev = out[-1]
            last = prev.text.rstrip()
            lower = text[:1].islower()
            mid = (last[-1:] not in _TERMINAL and last[-1:].isalnum() and text[:1].isupper()
                   and not _marker(text)[0] and not _is_caps_heading(last) and not _marker(last)[0]
                   and len(last.split()) > 8)
            if (lower and not _marker(text)[0] and not _is_caps_heading(last)) or mid:
                prev.starts.append((len(prev.text) + 1, where))
                prev.text = f"{prev.text} {text}"
                continue
        out.append(_Para(text, [(0, where)]))
    return out


def _where(para: _Para, offset: int) -> str:
    where = para.starts[0][1]
    for start, w in para.starts:
        if start <= offset:
            where = w
    return where


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of a paragraph: split after ". " before a capital,
    outside parentheses."""
    out, start, depth = [], 0, 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif c in ".!?" and depth == 0:
            j = i + 1
            while j < len(text) and text[j] in "./":
                j += 1
            if j < len(text) and text[j] == " ":
                k = j
                while k < len(text) and text[k] == " ":
                    k += 1
                if k < len(text) and (text[k].isupper() or text[k] in "“\""):
                    out.append((start, text[start:j].strip()))
                    start = k
                    i = k
                    continue
        i += 1
    if text[start:].strip():
        out.append((start, text[start:].strip()))
    return out


# --- units ----------------------------------------------------------------------------

# Titles of the people heading a unit: the duty is the unit's.
_PERSON = re.compile(
    r"(?:^|(?<=,\s)|(?<=\svà\s))(?:Phó\s+)?(?:Thủ trưởng|Trưởng|Giám đốc|Chánh)\s+(?=\S)", re.IGNORECASE
)
_OPENERS = re.compile(r"^(?:Giao|Đề nghị)\s+", re.IGNORECASE)
# Verbs that end a sentence's subject ("Các phòng, cơ quan, đơn vị … chỉ đạo thực hiện …").
_VERBS = (
    "chỉ đạo", "chủ trì", "thực hiện", "tổ chức", "có trách nhiệm", "chịu trách nhiệm", "tham mưu",
    "phối hợp", "xây dựng", "rà soát", "báo cáo", "chủ động", "triển khai", "tổng hợp", "tăng cường",
    "kịp thời", "căn cứ", "gửi", "cập nhật", "theo dõi", "hướng dẫn", "đôn đốc", "thường xuyên",
    "nghiêm túc", "khẩn trương", "tiếp tục", "đề xuất", "duy trì", "bảo đảm", "đảm bảo", "được giao",
    "tích cực", "đổi mới", "nâng cao", "trực tiếp",
)
_RE_VERB = re.compile(r"(?<![\wÀ-ỹ])(?:" + "|".join(map(re.escape, _VERBS)) + r")(?![\wÀ-ỹ])")
_GROUPISH = re.compile(r"^các\s+(?:phòng|cơ quan|đơn vị|ban|trung tâm|ngành)\b", re.IGNORECASE)


def _unit_text(text: str) -> str:
    """A unit phrase as it will be shown: people's titles dropped, capitalised."""
    s = _PERSON.sub("", clean(text)).strip(" ,.;:")
    return s[:1].upper() + s[1:]


def _is_units(reg: Registry, text: str) -> bool:
    """Every name in `text` is a known unit, group or outside body."""
    names = reg.split(text)
    return bool(names) and all(reg.match(n) is not None for n in names)


def _heading_unit(reg: Registry, body: str) -> str | None:
    """The unit a heading names ("2. Văn phòng HĐND & UBND xã:"), or None."""
    text = body.strip().rstrip(":").strip()
    if not text or len(text.split()) > 16 or text[-1:] in ".;":
        return None
    shown = _unit_text(text)
    return shown if _is_units(reg, shown) else None


def _subject(reg: Registry, sentence: str) -> str | None:
    """The unit a sentence names as its subject, or None."""
    t = _OPENERS.sub("", sentence)
    t = _PERSON.sub("", t, count=1)
    head = t[:120]
    if ":" in head:
        cand = head[: head.index(":")]
        if len(cand.split()) <= 16 and _is_units(reg, _unit_text(cand)):
            return _unit_text(cand)
    if any(t.lower().startswith(v) for v in _VERBS):  # "Chủ trì, tham mưu …": no subject
        return None
    m = _RE_VERB.search(t)
    if not m or m.start() == 0:
        return None
    cand = t[: m.start()].strip(" ,")
    if not cand or len(cand.split()) > 14:
        return None
    shown = _unit_text(cand)
    if _is_units(reg, shown) or _GROUPISH.match(shown):
        return shown
    return None


# --- deadline phrases -----------------------------------------------------------------

_ROMAN_Q = r"(?:IV|I{1,3}|[1-4])"
_BEFORE = r"(?:trước|chậm nhất(?:\s+là)?(?:\s+vào)?|vào)"
_PHRASES = [
    # "gửi trước ngày 06 của tháng cuối quý"
    re.compile(rf"(?:gửi\s+)?{_BEFORE}\s+ngày\s+\d{{1,2}}\s+(?:của\s+)?tháng\s+cuối\s+(?:của\s+)?"
               r"(?:mỗi\s+|hằng\s+|hàng\s+|các\s+)?quý", re.IGNORECASE),
    # "trước ngày 05 hằng tháng", "trước ngày 05/01 hằng năm"
    re.compile(rf"{_BEFORE}\s+ngày\s+\d{{1,2}}\s+(?:hằng|hàng|mỗi)\s+tháng", re.IGNORECASE),
    re.compile(rf"{_BEFORE}\s+ngày\s+\d{{1,2}}\s*/\s*\d{{1,2}}\s+(?:hằng|hàng|mỗi)\s+năm", re.IGNORECASE),
    # "trước ngày 30/11/2026", "chậm nhất ngày 15 tháng 8 năm 2026"
    re.compile(r"(?:trước|chậm nhất(?:\s+là)?(?:\s+vào)?|hạn chót|hoàn thành(?:\s+trước)?)\s+ngày\s+"
               r"(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})", re.IGNORECASE),
    # "hoàn thành trong tháng 11/2026", "chậm nhất trong quý II/2026"
    re.compile(rf"(?:trước|chậm nhất(?:\s+(?:là|trong))?|hoàn thành(?:\s+(?:trong|trước))?|trong)\s+"
               rf"(?:tháng\s+\d{{1,2}}\s*/\s*\d{{4}}|quý\s+{_ROMAN_Q}(?:\s*/\s*|\s+năm\s+)\d{{4}})",
               re.IGNORECASE),
    # "định kỳ hằng quý, 6 tháng, 9 tháng, cả năm hoặc đột xuất"
    re.compile(r"định kỳ\s+(?:(?:hằng|hàng|mỗi)\s+)?(?:tháng|quý|năm|6 tháng)"
               r"(?:\s*,\s*(?:(?:hằng|hàng)\s+)?(?:tháng|quý|năm|6 tháng|9 tháng|1 năm|cả năm))*"
               r"(?:\s+(?:hoặc|và)\s+đột xuất)?", re.IGNORECASE),
]


def _resolvable(phrase: str, period: Period | None) -> str | None:
    """The longest head of `phrase` (cut at commas) that resolves, or None.

    "định kỳ hằng quý, 6 tháng, 9 tháng, cả năm" is beyond the grammar, but its
    head "định kỳ hằng quý, 6 tháng" is not, and names the same dates."""
    cut = phrase
    while cut:
        if resolve(cut, period).kind != "unknown":
            return cut
        stripped = re.sub(r"\s+(?:hoặc|và)\s+đột xuất$", "", cut)
        if stripped != cut:
            cut = stripped
            continue
        if "," not in cut:
            return None
        cut = cut[: cut.rindex(",")].rstrip()
    return None


def _phrases(sentence: str, period: Period | None):
    """(start, end, deadline) of every resolvable deadline phrase, not overlapping."""
    found = []
    for rx in _PHRASES:
        for m in rx.finditer(sentence):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            deadline = _resolvable(m.group(0), period)
            if deadline:
                found.append((m.start(), m.end(), deadline))
    return sorted(found)


# --- titles -----------------------------------------------------------------------------

_PAREN = re.compile(r"\s*\([^()]*\)")
_REPORT = re.compile(r"(?<![\wÀ-ỹ])(?:báo cáo|gửi|nộp)(?![\wÀ-ỹ])", re.IGNORECASE)
_TITLE_WORDS = 15


def _trim(text: str) -> str:
    text = _PAREN.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:.-–")
    text = re.sub(r"^(?:và|hoặc)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+(?:và|hoặc|theo)$", "", text).strip(" ,;:")


def _title(sentence: str, start: int, end: int, subject: str | None) -> str:
    """A short title from the words around the deadline, in the document's words."""
    c0 = sentence.rfind(";", 0, start) + 1
    c1 = sentence.find(";", end)
    c1 = len(sentence) if c1 < 0 else c1
    open_ = sentence.rfind("(", c0, start)
    if open_ >= 0 and sentence.find(")", open_, start) < 0:  # the phrase sits inside "( … )"
        close = sentence.find(")", end)
        before, after = sentence[c0:open_], sentence[close + 1 if close >= 0 else c1:c1]
    else:
        before, after = sentence[c0:start], sentence[end:c1]
    before = _OPENERS.sub("", before.strip())
    before = _PERSON.sub("", before, count=1)
    if subject:
        for form in (subject, subject[:1].lower() + subject[1:]):
            if before.startswith(form):
                before = before[len(form):]
                break
        before = re.sub(r"^\s*:\s*", "", before)
    before, after = _trim(before), _trim(after)
    title = after if (_REPORT.match(after) or not before) else before
    words = title.split()
    if len(words) > _TITLE_WORDS:
        m = _REPORT.search(title)
        if m and m.start() > 0:
            title = title[m.start():]
    title = _trim(title)
    return title[:1].upper() + title[1:]


# --- the walk ---------------------------------------------------------------------------

_RE_CLOSING = re.compile(r"^(?:Trên đây|Nơi nhận)", re.IGNORECASE)
_RE_RESTART = re.compile(r"^(?:\**\s*(?:KẾ HOẠCH|PHỤ LỤC|QUYẾT ĐỊNH)\b|[IVX]+\s*[.:]\s)")


def find_obligations(doc: Document, period, registry: Registry) -> list[ProseTask]:
    """Every dated or recurring duty a sentence outside the tables gives a unit."""
    period = parse_period(period) if period is not None else None
    out: list[ProseTask] = []
    section: str | None = None
    unit: tuple[str, float] | None = None  # (lead, level of its heading)
    skipping = False
    for para in _paragraphs(doc):
        text = para.text
        mark, level = _marker(text)
        if skipping:
            if not _RE_RESTART.match(text):
                continue
            skipping = False
        if _RE_CLOSING.match(text):
            unit = None
            skipping = text.lower().startswith("nơi nhận")
            continue
        if level == 0 or re.match(r"^\**\s*(?:KẾ HOẠCH|PHỤ LỤC|QUYẾT ĐỊNH)\b", text):
            section = re.sub(r"\s+", " ", text.replace("*", " ")).strip()
            unit = None
            continue
        body = text[len(mark):]
        if level is not None and unit is not None and level <= unit[1]:
            unit = None
        own = None
        if level is not None:
            head = _heading_unit(registry, body)
            if head:
                unit = (head, level)
                continue
            own = _paragraph_unit(registry, body)
            if own and level <= 1.5:
                unit = (own, level)
        for offset, sentence in _sentences(body):
            phrases = _phrases(sentence, period)
            if not phrases:
                continue
            subject = _subject(registry, sentence)
            lead = subject or own or (unit[0] if unit else None)
            if lead is None:
                continue
            where = _where(para, len(mark) + offset)
            for start, end, deadline in phrases:
                out.append(ProseTask(
                    title=_title(sentence, start, end, subject or own),
                    lead=lead,
                    deadline=unicodedata.normalize("NFC", deadline),
                    sentence=unicodedata.normalize("NFC", sentence),
                    where=where,
                    section=section,
                ))
    _disambiguate(out)
    return out


_RE_TOPIC = re.compile(r"(?<![\wÀ-ỹ])nội dung\s+(?P<topic>[^;]+)")


def _disambiguate(tasks: list[ProseTask]) -> None:
    """Two duties of one unit with the same title ("Tổng hợp kết quả thực hiện và báo
    cáo Chủ tịch UBND xã"): name each by the "nội dung …" its sentence is about."""
    seen: dict[tuple[str, str], list[ProseTask]] = {}
    for t in tasks:
        seen.setdefault((t.lead, t.title), []).append(t)
    for group in seen.values():
        if len({t.sentence for t in group}) < 2:
            continue
        for t in group:
            m = _RE_TOPIC.search(t.sentence)
            if m:
                t.title = f"{t.title}: {_trim(m.group('topic'))}"


def _paragraph_unit(registry: Registry, body: str) -> str | None:
    """"Văn phòng HĐND & UBND xã: Chủ trì …" on one line: the unit before the colon."""
    head = body[:120]
    if ":" not in head:
        return None
    return _heading_unit(registry, head[: head.index(":")])
