"""Text normalisation shared by the deadline grammar and the unit registry.

Plans come from Word exports: NFD and NFC mixed, HTML fragments, non-breaking
spaces, old and new tone-mark placement ("hoá"/"hóa", "Uỷ"/"Ủy"). Everything
that compares Vietnamese text goes through these functions.
"""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"<[^>]*>")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
_SPACE = re.compile(r"\s+")

# Old-style tone placement on the second vowel of oa/oe/uy is matched to the
# new style (tone on the first vowel) so that both spellings compare equal.
_TONE_PAIRS = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE = re.compile("|".join(_TONE_PAIRS))


_ODD_SPACE = re.compile(r"[^\S ]| {2}|[<\[&]")


def clean(text: str) -> str:
    """NFC, HTML tags and bookmark markers removed, whitespace collapsed."""
    if unicodedata.is_normalized("NFC", text) and not _ODD_SPACE.search(text) and text == text.strip():
        return text  # the common case: a plain line someone typed; no copy, no substitutions
    text = unicodedata.normalize("NFC", text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "[" in text:
        text = _BOOKMARK.sub(" ", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()


def tone_canonical(text: str) -> str:
    """Lower-case text with tone marks placed one consistent way."""
    return _TONE.sub(lambda m: _TONE_PAIRS[m.group(0)], text)


def fold_diacritics(text: str) -> str:
    """Text without Vietnamese diacritics ("Văn hóa" -> "Van hoa")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def closest(word: str, candidates, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates most like `word`, for "did you mean" messages."""
    import difflib

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)
