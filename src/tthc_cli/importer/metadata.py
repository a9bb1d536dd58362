"""What a plan document says about itself: issuer, number and date, title, period.

Pure: works on a `Document`. Only the head of the document is read (the
paragraphs before the first table or the first roman-numbered section, at most
`HEAD_LIMIT` of them), so a document cited in the body ("Thực hiện Kế hoạch số
08/KH-UBND …") is never mistaken for the plan itself. Nothing is invented: a
number or date left blank in the document ("Số: /KH-UBND", "ngày tháng năm
2025") stays blank ("…").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from tthc_cli.core.deadline import parse_period
from tthc_cli.importer.document import Document, Paragraph, Table
from tthc_cli.core.text import clean, fold_diacritics

HEAD_LIMIT = 60
SMALL_TABLE = 4  # rows; a larger table is the plan's task table
BLANK = "…"


@dataclass
class PlanMeta:
    """The plan's identity as the document states it; None where it does not."""

    issuer: str | None = None  # "UBND xã Xuân Trường"
    document: str | None = None  # "Kế hoạch số 03/KH-UBND ngày 10/01/2026"
    title: str | None = None  # "Cải cách hành chính trên địa bàn Xã Hoàng Sơn năm 2026"
    period: str | None = None  # "2026" or "2025-07-01..2025-12-31" (accepted by parse_period)
    period_text: str | None = None  # "6 tháng cuối năm 2025"
    suggested_id: str | None = None  # "phu-thai-cchc-2025h2"
    found: list[str] = field(default_factory=list)  # Vietnamese notes for the import report


# --- the head of the document -------------------------------------------------

_ROMAN_HEADING = re.compile(r"^(?:[IVX]+)\s*[.:]\s+\S")


def _head(doc: Document) -> list[Paragraph]:
    out: list[Paragraph] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            if len(block.rows) > SMALL_TABLE:  # the task table: the head is over
                break
            # a Word header is often a small two-column table ("ỦY BAN NHÂN DÂN | CỘNG HÒA …")
            width = max(len(row.cells) for row in block.rows)
            for col in range(width):  # column by column: "ỦY BAN NHÂN DÂN" above "XÃ …"
                for row in block.rows:
                    cell = row.cells[col] if col < len(row.cells) else ""
                    out.extend(Paragraph(clean(line), row.where) for line in cell.split("\n") if clean(line))
            continue
        text = clean(block.text)
        if _ROMAN_HEADING.match(text) or len(out) >= HEAD_LIMIT:
            break
        out.append(Paragraph(text, block.where))
    return out


def _plain(text: str) -> str:
    """Markdown emphasis removed, spaces collapsed."""
    return re.sub(r"\s+", " ", text.replace("*", " ")).strip()


# --- issuer ---------------------------------------------------------------------

_LEVELS = r"xã|phường|thị trấn"
_UBND = r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)"
_RE_UBND = re.compile(rf"{_UBND}\s+(?P<level>{_LEVELS})\s+(?=(?P<rest>.+))", re.IGNORECASE)
_RE_PLACE = re.compile(rf"^(?:(?P<level>{_LEVELS})\s+)?(?P<name>[^,]{{2,40}}?)\s*,\s*ngày\b", re.IGNORECASE)
_RE_AREA = re.compile(rf"\b(?P<level>{_LEVELS})\s+(?=(?P<rest>.+))", re.IGNORECASE)
# Words that end a commune name written in capitals ("XÃ KHÚC THỪA DỤ NĂM 2026").
_NAME_STOP = {"năm", "về", "trên", "tỉnh", "thành", "huyện", "giai", "đoạn", "và", "của", "ban", "kế", "hoạch"}


def _name_after(rest: str) -> str | None:
    """The capitalised words that open `rest`: a commune's name (at most four syllables)."""
    words: list[str] = []
    for raw in rest.split():
        word = raw.strip("*_")
        stripped = word.rstrip(".,;:)(/\"”")
        if not stripped or not stripped[0].isupper() or not stripped.isalpha():
            break
        if stripped.isupper() and stripped.lower() in _NAME_STOP:
            break
        words.append(stripped)
        if stripped != word or len(words) == 4:
            break
    if not words:
        return None
    if all(w.isupper() for w in words):
        words = [w.capitalize() for w in words]
    return " ".join(words)


def _commune_candidates(head: list[Paragraph], title: str | None):
    """(name, level, where, weight) for every mention of the commune in the head."""
    out = []
    prev = ""
    for p in head:
        text = _plain(p.text)
        if re.fullmatch(_UBND, prev, re.IGNORECASE):  # "ỦY BAN NHÂN DÂN" / "XÃ KHÚC THỪA DỤ" on two lines
            text = f"{prev} {text}"
        prev = _plain(p.text)
        for m in _RE_UBND.finditer(text):
            name = _name_after(m.group("rest"))
            if name:
                out.append((name, m.group("level").lower(), p.where, 3))
        m = _RE_PLACE.match(text)
        if m:
            name = _name_after(m.group("name"))
            if name and name == m.group("name").strip():
                level = m.group("level")
                out.append((name, level.lower() if level else None, p.where, 2))
    if title:
        for m in _RE_AREA.finditer(title):
            name = _name_after(m.group("rest"))
            if name:
                out.append((name, m.group("level").lower(), "tên kế hoạch", 1))
    return out


def _commune(head: list[Paragraph], title: str | None):
    cands = _commune_candidates(head, title)
    if not cands:
        return None
    score: Counter = Counter()
    for name, _level, _where, weight in cands:
        score[name.casefold()] += weight
    best = max(score, key=lambda k: (score[k], -next(i for i, c in enumerate(cands) if c[0].casefold() == k)))
    spellings = [c for c in cands if c[0].casefold() == best]
    # the spelling written in mixed case wins over one rebuilt from capitals
    name = next((c[0] for c in spellings if not c[0].isupper()), spellings[0][0])
    levels = Counter(c[1] for c in spellings if c[1])
    level = levels.most_common(1)[0][0] if levels else "xã"
    strongest = max(spellings, key=lambda c: c[3])  # first of the best evidence
    return name, level, strongest[2]


# --- number and date ------------------------------------------------------------

_KINDS = {"KH": "Kế hoạch", "QĐ": "Quyết định", "QD": "Quyết định", "CT": "Chỉ thị", "TB": "Thông báo"}
_RE_NUMBER_LINE = re.compile(
    r"^Số\s*:?\s*(?P<num>[0-9A-Za-z.]*)\s*/\s*(?P<kind>[A-ZĐ]+)\s*-\s*(?P<org>[A-ZĐ]+)", re.IGNORECASE
)
_RE_DATE_WORDS = re.compile(
    r"ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})?", re.IGNORECASE
)
_RE_DATE_SLASH = re.compile(r"ngày\s*(?P<d>\d{1,2})?\s*/\s*(?P<m>\d{1,2})?\s*/\s*(?P<y>\d{4})", re.IGNORECASE)
_RE_ATTACHED = re.compile(
    r"kèm theo\s+(?P<kindword>Kế hoạch|Quyết định)\s+số\s*:?\s*(?P<num>[0-9A-Za-z.]*)\s*/\s*"
    r"(?P<kind>[A-ZĐ]+)\s*-\s*(?P<org>[A-ZĐ]+)(?P<tail>.{0,40})",
    re.IGNORECASE,
)


def _date_in(text: str) -> tuple[str | None, bool]:
    """A date as "10/01/2026" (blank parts as "…") and whether it is complete.

    Only a date with at least its month is kept: "ngày tháng năm 2025" gives None.
    """
    m = _RE_DATE_SLASH.search(text) or _RE_DATE_WORDS.search(text)
    if not m or not m.group("m") or not m.group("y"):
        return None, False
    d = m.group("d")
    return f"{d or BLANK}/{m.group('m')}/{m.group('y')}", bool(d)


def _document(head: list[Paragraph], notes: list[str]) -> str | None:
    number_line = next(((p, m) for p in head if (m := _RE_NUMBER_LINE.match(_plain(p.text)))), None)
    if number_line:
        p, m = number_line
        code = f"{m.group('kind').upper()}-{m.group('org').upper()}"
        kind = _KINDS.get(m.group("kind").upper(), "Văn bản")
        num = m.group("num") or BLANK
        text = f"{kind} số {num}/{code}"
        place = next((q for q in head if _RE_PLACE.match(_plain(q.text))), None)
        date, complete = _date_in(_plain(place.text)) if place else (None, False)
        if date:
            text += f" ngày {date}"
        notes.append(f"Văn bản: {text} ({p.where})")
        _blank_notes(notes, bool(m.group("num")), date, complete)
        return text
    joined = " ".join(_plain(p.text) for p in head)
    m = _RE_ATTACHED.search(joined)
    if m:
        kindword = m.group("kindword")
        kindword = kindword[0].upper() + kindword[1:].lower()
        num = m.group("num") or BLANK
        text = f"{kindword} số {num}/{m.group('kind').upper()}-{m.group('org').upper()}"
        date, complete = _date_in(m.group("tail"))
        if date:
            text += f" ngày {date}"
        where = next((p.where for p in head if "kèm theo" in _plain(p.text).lower()), "")
        notes.append(f"Văn bản: {text} (nêu ở dòng \"kèm theo\", {where})")
        _blank_notes(notes, bool(m.group("num")), date, complete)
        return text
    notes.append("Không tìm thấy số và ngày của văn bản")
    return None


def _blank_notes(notes: list[str], has_number: bool, date, complete: bool) -> None:
    """Say which parts of the document's number and date the document leaves blank."""
    if not has_number:
        notes.append("Số văn bản để trống trong tài liệu")
    if not complete:
        notes.append("Ngày ban hành để trống trong tài liệu" if not date
                     else "Ngày ban hành chưa ghi ngày trong tháng")


# --- title ------------------------------------------------------------------------

_RE_PLAN_HEADING = re.compile(r"^\**\s*KẾ HOẠCH\s*\**$")
_RE_NOT_TITLE = re.compile(
    r"^(?:\(|căn cứ|thực hiện|theo đề nghị|số\s*:|cộng hòa|cộng hoà|độc lập|quyết định|"
    r"ủy ban nhân dân|uỷ ban nhân dân|chủ tịch|[IVX]+\.|\d+\.|[-–•+])",
    re.IGNORECASE,
)
_ACRONYMS = ("CCHC", "TTHC", "UBND", "HĐND", "QPPL", "VBQPPL", "TTPVHCC", "CNTT")


def _title_from(paras: list[Paragraph], start: int) -> tuple[str, str] | None:
    """The title paragraph at `start`, joined with its continuation lines."""
    if start >= len(paras):
        return None
    first = paras[start]
    text = first.text.strip()
    if not text or _RE_NOT_TITLE.match(_plain(text)):
        return None
    parts = [text]
    i = start + 1
    while i < len(paras):
        joined = " ".join(parts)
        nxt = paras[i].text.strip()
        open_bold = joined.count("**") % 2 == 1
        continues = joined.rstrip("*").endswith(",") or nxt[:1].islower() or _caps(joined) and _caps(nxt)
        if not (open_bold or continues) or _RE_NOT_TITLE.match(_plain(nxt)) and not open_bold:
            break
        parts.append(nxt)
        i += 1
    return _plain(" ".join(parts)), first.where


def _caps(text: str) -> bool:
    plain = _plain(text)
    return any(c.isalpha() for c in plain) and plain == plain.upper()


def _sentence_case(text: str, commune: str | None) -> str:
    """An all-capitals heading as a sentence, proper names and acronyms kept."""
    if not any(c.isalpha() for c in text) or text != text.upper():
        return text
    out = text.lower()
    out = out[:1].upper() + out[1:]
    for acr in _ACRONYMS:
        out = re.sub(rf"\b{re.escape(acr.lower())}\b", acr, out)
    if commune:
        out = re.sub(re.escape(commune.lower()), commune, out)
    return out


def _title(head: list[Paragraph]) -> tuple[str, str] | None:
    for i in range(len(head) - 1, -1, -1):  # the last "KẾ HOẠCH" heading: after a wrapping Quyết định
        if _RE_PLAN_HEADING.match(head[i].text.strip()):
            found = _title_from(head, i + 1)
            if found:
                return found
    for i, p in enumerate(head):  # no "KẾ HOẠCH" heading: the first bold or capitalised heading
        text = _plain(p.text)
        bold = p.text.strip().startswith("**") or p.text.strip().startswith("*")
        caps = text == text.upper() and len(text.split()) >= 4
        if (bold or caps) and not _RE_NOT_TITLE.match(text) and len(text.split()) >= 4:
            return _title_from(head, i)
    return None


# --- period and id -------------------------------------------------------------

_RE_HALF = re.compile(r"6 tháng (?P<half>đầu|cuối)(?: năm)?\s+(?P<y>\d{4})", re.IGNORECASE)
_RE_SPAN = re.compile(r"giai đoạn\s+(?P<y1>\d{4})\s*[-–]\s*(?P<y2>\d{4})", re.IGNORECASE)
_RE_YEAR = re.compile(r"năm\s+(?P<y>\d{4})", re.IGNORECASE)


def _period(text: str) -> tuple[str, str, str] | None:
    """(period for parse_period, the words, short form for ids)."""
    m = _RE_HALF.search(text)
    if m:
        y = m.group("y")
        if m.group("half").lower() == "đầu":
            return f"{y}-01-01..{y}-06-30", m.group(0), f"{y}h1"
        return f"{y}-07-01..{y}-12-31", m.group(0), f"{y}h2"
    m = _RE_YEAR.search(text)
    if m:
        return m.group("y"), m.group(0), m.group("y")
    m = _RE_SPAN.search(text)
    if m:
        y1, y2 = m.group("y1"), m.group("y2")
        return f"{y1}-01-01..{y2}-12-31", m.group(0), f"{y1}-{y2}"
    return None


def _kind(title: str) -> tuple[str, str] | None:
    low = fold_diacritics(title.lower())
    if re.search(r"kiem soat (?:thu tuc hanh chinh|tthc)", low):
        return "ksthc", "kiểm soát thủ tục hành chính"
    if re.search(r"cai cach hanh chinh|\bcchc\b", low):
        return "cchc", "cải cách hành chính"
    return None


def slug(text: str) -> str:
    """ASCII, lower case, words joined by "-"."""
    return re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text).lower()).strip("-")


# --- entry point ---------------------------------------------------------------------


def read_metadata(doc: Document) -> PlanMeta:
    head = _head(doc)
    notes: list[str] = []
    meta = PlanMeta(found=notes)

    title = _title(head)
    commune = _commune(head, title[0] if title else None)
    if commune:
        name, level, where = commune
        meta.issuer = f"UBND {level} {name}"
        notes.append(f"Cơ quan ban hành: {meta.issuer} ({where})")
    else:
        notes.append("Không tìm thấy cơ quan ban hành (UBND xã)")

    meta.document = _document(head, notes)

    if title:
        meta.title = _sentence_case(title[0], commune[0] if commune else None)
        notes.append(f"Tên kế hoạch: {meta.title} ({title[1]})")
    else:
        notes.append("Không tìm thấy tên kế hoạch")

    period = _period(meta.title) if meta.title else None
    if period:
        parse_period(period[0])  # always accepted; a failure here is a bug in this module
        meta.period, meta.period_text, short = period
        notes.append(f"Thời gian kế hoạch: {meta.period_text} (từ tên kế hoạch)")
    else:
        short = None
        notes.append("Không xác định được thời gian kế hoạch từ tên kế hoạch")

    kind = _kind(meta.title) if meta.title else None
    if kind is None:
        notes.append("Không nhận ra loại kế hoạch (cải cách hành chính / kiểm soát TTHC)")
    parts = [slug(commune[0]) if commune else None, kind[0] if kind else None, short]
    if commune and short:
        meta.suggested_id = "-".join(p for p in parts if p)
        notes.append(f"Mã kế hoạch đề xuất: {meta.suggested_id}")
    else:
        notes.append("Chưa đề xuất được mã kế hoạch: thiếu tên xã hoặc thời gian")
    return meta
