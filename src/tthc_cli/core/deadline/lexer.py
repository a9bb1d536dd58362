"""Deadline phrases as lexemes: numbers and numeric dates, citations, clock times, words, punctuation.

The lexer decides only what a run of characters *is* (a written date, a decree
number, a clock time); what it *means* is for the atoms and the phrase reader.
Citations and clock times are recognised here, first, so that "30/2020/NĐ-CP"
or "14h00" can never be read as a date.
"""

from __future__ import annotations

import re

from tthc_cli.core.text import clean

# kinds of lexeme
CITE, DMY, DM, MY, YSPAN, CLOCK, PCT, NUM, WORD, PUNCT, ISO = (
    "cite", "dmy", "dm", "my", "yspan", "clock", "pct", "num", "word", "punct", "iso")

_NB = r"(?<![\w/.])"  # not inside another number or word
_PATTERNS = (
    # decree, plan and letter numbers: 30/2020/NĐ-CP, 101/KH-UBND, 57-NQ/TW, 1234/QĐ-UBND
    (CITE, r"\d+(?:/\d+)*/[^\W\d_][\w\-–]*|\d+-[^\W\d_]{1,8}/[\w\-–]+"),
    # clock times: 8h00, 14 giờ 30, 08:00, 8 giờ
    # clock times: 8h00, 14 giờ 30, 08:00, 8 giờ (hours 0-24; "48 giờ" is a duration)
    (CLOCK, r"(?:[01]?\d|2[0-4])\s*(?:giờ|h|g)\s*(?:\d{1,2}(?:\s*phút|')?)?(?![^\W\d_])"
            r"|(?:[01]?\d|2[0-4]):\d{2}(?!\d)"),
    (ISO, r"(?:19|20|21)\d\d-[01]\d-[0-3]\d(?!\d)"),
    (YSPAN, r"(?:19|20|21)\d\d\s*[-–—]\s*(?:19|20|21)\d\d(?!\d)"),
    (PCT, r"\d+(?:[.,]\d+)?\s*%"),
    (DMY, r"\d{1,2}\s*(?P<s>[/.\-])\s*\d{1,2}\s*(?P=s)\s*\d{4}(?!\d)|\d{1,2}/\d{1,2}-\d{4}(?!\d)"),
    (MY, r"\d{1,2}\s*[/.\-]\s*\d{4}(?!\d)"),
    (DM, r"\d{1,2}\s*/\s*\d{1,2}(?![\d/])|\d{1,2}[.\-]\d{1,2}(?![\d/.\-]|\.\d)"),
    (NUM, r"\d+"),
    (WORD, r"[^\W\d_]+"),
    (PUNCT, r"[^\w\s]"),
)
_SOURCE = "|".join(f"(?P<{k}>{_NB if k in (CITE, DMY, MY, DM, YSPAN, ISO) else ''}{p})" for k, p in _PATTERNS)
_HANG = re.compile(r"\bhàng(\s+)(năm|quý|tháng|tuần|ngày)\b")
_BULLET = re.compile(r"^[\-–—•+*·]+\s*")
_compiled: list = []  # the lexer pattern, compiled on first use: a warm `tthc due` never reads a phrase


class Lexeme:
    """One lexeme: its kind, its text (lower case), where it stands, and its numbers."""

    __slots__ = ("kind", "text", "start", "end", "nums", "key")

    def __init__(self, kind: str, text: str, start: int, end: int):
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.nums = tuple(int(n) for n in re.findall(r"\d+", text)) if kind not in (WORD, PUNCT) else ()
        # what keyword phrases match against: a word, or a number without its leading zeros ("05" is "5")
        self.key = text if kind == WORD else str(self.nums[0]) if kind == NUM else None

    def __repr__(self) -> str:
        return f"{self.kind}:{self.text}"

    @property
    def num(self) -> int | None:
        return self.nums[0] if self.kind == NUM else None


def normalise(text: str) -> str:
    """NFC, no HTML, single spaces, no leading bullet or trailing full stop."""
    s = clean(text)
    s = _BULLET.sub("", s)
    return s.rstrip(" .;,").strip()


_TRUOC = re.compile(r"\btr[uưứừửữự][oóòỏõọơớờởỡợ?]c\b")
_WEEKDAY_ABBR = re.compile(r"\bt\.?\s?([2-7])(?=\s*[,.:)\-–]|\s+(?:ngày|\d))")  # "T6, ngày 21/8", "T2 15/9"
_QUARTER_SPELLINGS = re.compile(r"\b(?:qúy|quí|qúi|quy(?=\s*(?:i{1,3}|iv|[1-4])\b))")
_Q_ROMAN = re.compile(r"\bq\.?(?=(?:i{1,3}|iv)\b)|\bq\.?\s?(?=[1-4]\s*/\s*\d{4})|\bq(?=[1-4]\b)")


def lower(text: str) -> str:
    """Lower case, with the spellings of one word made one: "hàng năm" is "hằng năm", and "quí", "qúy",
    "quy II" (no diacritics) are "quý". Keeps the length, except "QII" (becomes "quý ii")."""
    s = _HANG.sub(r"hằng\1\2", text.lower())
    if "tr" in s:
        # "truớc", "trứơc", "truóc": misspellings of one word ("truoc", without any diacritic, is left to be refused)
        s = _TRUOC.sub(lambda m: m.group(0) if m.group(0).isascii() else "trước", s)
    s = _WEEKDAY_ABBR.sub(lambda m: "thứ " + m.group(1), s) if "t" in s else s
    if "q" in s:
        s = _QUARTER_SPELLINGS.sub("quý", s)
        s = _Q_ROMAN.sub("quý ", s)
    return s


def lex(text: str) -> list[Lexeme]:
    """The lexemes of `text`, which the caller has lower-cased with `lower`."""
    if not _compiled:
        _compiled.append(re.compile(_SOURCE))
    out = []
    for m in _compiled[0].finditer(text):
        out.append(Lexeme(m.lastgroup, m.group(0), m.start(), m.end()))  # the outer group closes last: its kind
    return out
