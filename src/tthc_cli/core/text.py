"""Text normalisation shared by the deadline grammar and the unit registry.

Plans come from Word exports: NFD and NFC mixed, HTML fragments, non-breaking
spaces, old and new tone-mark placement ("hoá"/"hóa", "Uỷ"/"Ủy"). Everything
that compares Vietnamese text goes through these functions.
"""

from __future__ import annotations

import re
import sys
import unicodedata


class _LazyPattern:
    """A regular expression compiled when first used, then put in its module's globals in its own place, so
    later uses cost nothing extra. Compiling the patterns of the modules a warm `tthc due` imports took ~3 ms
    of every start, for patterns most runs never use."""

    __slots__ = ("_module", "_args")

    def __init__(self, module: dict, args: tuple):
        self._module, self._args = module, args

    def __getattr__(self, attr):
        if attr.startswith("_"):  # its own slots, unset on a bare copy, and dunders: never the pattern's
            raise AttributeError(attr)
        compiled = re.compile(*self._args)
        for name, value in list(self._module.items()):
            if value is self:
                self._module[name] = compiled
        return getattr(compiled, attr)


def lazy_re(pattern: str, flags: int = 0):
    """re.compile(pattern, flags), done when the pattern is first used (see _LazyPattern). Only for patterns
    kept in a module global of the calling module."""
    return _LazyPattern(sys._getframe(1).f_globals, (pattern, flags))


_TAG = lazy_re(r"<[^<>]*>")  # not [^>]*: a million "<" without ">" would take quadratic time
_BOOKMARK = lazy_re(r"\[bookmark:[^\][]*\]", re.IGNORECASE)
_SPACE = lazy_re(r"\s+")

# Old-style tone placement on the second vowel of oa/oe/uy is matched to the
# new style (tone on the first vowel) so that both spellings compare equal.
_TONE_PAIRS = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE = lazy_re("|".join(_TONE_PAIRS))


_ODD_SPACE = lazy_re(r"[^\S ]| {2}|[<\[&]")


def clean(text: str) -> str:
    """NFC, HTML tags and bookmark markers removed, whitespace collapsed."""
    if unicodedata.is_normalized("NFC", text) and not _ODD_SPACE.search(text) and text == text.strip() \
            and not _UNSAFE.search(text):
        return text  # the common case: a plain line someone typed; no copy, no substitutions
    text = unicodedata.normalize("NFC", clean_text(text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "[" in text:
        text = _BOOKMARK.sub(" ", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()


# Anything a terminal could act on: C0 controls but tab and newline (ESC among
# them), DEL, C1 controls, the Unicode line/paragraph separators and the bidi
# embeddings, overrides and isolates. One search decides the common clean case.
_UNSAFE = lazy_re(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# Escape sequences, removed whole (ECMA-48): CSI (ESC [ or 8-bit CSI, parameters,
# intermediates, final byte); the string sequences OSC, DCS, SOS, PM, APC up to
# BEL or ST (or the end of the text when unterminated); any other ESC + final byte.
_ESCAPE = lazy_re(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
_ESCAPE_START = lazy_re(r"[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
_LINE_SEPARATORS = lazy_re(r"[\u2028\u2029]")


def clean_text(text: str) -> str:
    """Text safe to print on a terminal: escape sequences and control characters removed.

    Removes ANSI/VT escape sequences whole, then every other C0 control except
    tab and newline, DEL, C1 controls and bidi override characters; turns
    U+2028/U+2029 into newlines. A clean string is returned as it is.
    """
    if text.isprintable() or not _UNSAFE.search(text):  # isprintable: ~3x faster, and false for all _UNSAFE
        return text
    if _ESCAPE_START.search(text):
        text = _ESCAPE.sub("", text)
    text = _LINE_SEPARATORS.sub("\n", text)
    return _UNSAFE.sub("", text)


def thousands(count: int) -> str:
    """A count as Vietnamese writes it: 20.000, 1.500.000."""
    return f"{count:,}".replace(",", ".")


def visible(text: str) -> str:
    """Text for a message, with invisible and control characters shown as escapes (\\x1b, \\u2028)."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def key_phrase(key) -> str:
    """How a message names a mapping key as it was written: 'khóa "lead"', 'khóa "true"', and for a YAML null
    key (`~:`, `null:`, or a bare `:`) 'khóa rỗng (~ hoặc null)' rather than a Python "None"."""
    if key is None:
        return "khóa rỗng (~ hoặc null)"
    shown = ("true" if key else "false") if isinstance(key, bool) else visible(clean_text(str(key)))
    return f'khóa "{shown}"'


# Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = lazy_re(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def formula_safe(value):
    """A CSV field that a spreadsheet shows as text: a string that could start a
    formula gets a leading "'" unless it is a plain number such as "-3"."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


_TYPE_VI = {"str": "chuỗi", "list": "danh sách", "dict": "bảng khóa–giá trị", "bool": "true/false",
            "int": "số", "float": "số", "date": "ngày", "datetime": "ngày", "NoneType": "rỗng",
            "bytes": "dữ liệu nhị phân (!!binary)", "set": "tập hợp (!!set)", "tuple": "danh sách"}


def type_name(value) -> str:
    """The Vietnamese name of a parsed YAML value's type, for messages."""
    name = type(value).__name__
    return _TYPE_VI.get(name, name)


def tone_canonical(text: str) -> str:
    """Lower-case text with tone marks placed one consistent way."""
    return _TONE.sub(lambda m: _TONE_PAIRS[m.group(0)], text)


class _FoldTable(dict):
    """Code point -> the character without its combining marks, filled as characters are met.

    Per character is the same as for the whole text: NFD decomposes character by
    character, and canonical reordering only moves the marks that are dropped.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = "d" if ch == "đ" else "D" if ch == "Đ" else \
            "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(self) < 20000:  # hostile text with every code point in it must not grow this without end
            self[code] = out
        return out


_FOLD = _FoldTable()


def fold_diacritics(text: str) -> str:
    """Text without Vietnamese diacritics ("Văn hóa" -> "Van hoa")."""
    return text if text.isascii() else text.translate(_FOLD)


def closest(word: str, candidates, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates most like `word`, for "did you mean" messages."""
    import difflib

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def shorten(text: str, width: int) -> str:
    """`text` cut at a word to at most `width` characters, with "…" where it was cut."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)  # the "…" takes the last place
    head = text[:cut] if cut > 0 else text[:width - 1]
    return head.rstrip(" ,;:-–") + "…"
