"""Communes: the body that issued a plan, as one key however its name is written (pure).

A province reads the plans of many communes, and every commune has its own TTPVHCC, VP and so on: a unit is
a (commune, unit) pair. The commune comes from the plan's `issuer`, which documents write many ways:
"UBND xã Xuân Trường", "Ủy ban nhân dân xã Xuân Trường", "UỶ BAN NHÂN DÂN XÃ XUÂN TRƯỜNG",
"UBND xã Xuân Trường, huyện Xuân Trường, tỉnh Nam Định", "Đảng ủy xã Xuân Trường" — all one commune. The
key keeps the diacritics (Hòa and Hóa are two places) with tone marks placed one way (Hoà = Hòa), and the
administrative level (xã Tân Phong and phường Tân Phong are two places).
"""

from __future__ import annotations

import re
from functools import lru_cache

from tthc_cli.core.text import closest, fold_diacritics, tone_canonical, lazy_re

LEVELS = ("thị trấn", "thị xã", "thành phố", "đặc khu", "xã", "phường", "huyện", "quận", "tỉnh", "tp.", "tp")
"""Administrative levels an issuer names, longest first where one starts another ("thị xã" before "xã")."""

_LEVEL = lazy_re(r"(?<![^\W\d_])(" + "|".join(map(re.escape, LEVELS)) + r")\s+(?=\S)", re.IGNORECASE)
# where the name ends: a separator, a bracket, or the next (higher) level ("..., huyện Xuân Trường")
_NAME_END = lazy_re(r"\s*(?:[,;(\[/\n]|\s[-–—]\s|$)|\s+(?=(?:" + "|".join(map(re.escape, LEVELS)) + r")\s)", re.IGNORECASE)
_SPACES = lazy_re(r"\s+")
_MAX_WORDS = 6  # "xã Ea Kênh" .. "thị trấn Nông trường Mộc Châu": a longer "name" is a sentence, not a name


class Commune:
    """A commune (or ward, township, any issuing body): its level ("xã"), its name ("Xuân Trường") and the
    key two spellings of it share. Equal and hashed by the key only."""

    __slots__ = ("key", "level", "name")

    def __init__(self, key: str, level: str | None, name: str):
        self.key = key
        self.level = level  # "xã", "phường" …; None for an issuer that names no level
        self.name = name

    def __eq__(self, other) -> bool:
        return isinstance(other, Commune) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Commune({self.label!r})"

    @property
    def label(self) -> str:
        """"xã Xuân Trường": how JSON, CSV and reports name it."""
        return f"{self.level} {self.name}" if self.level else self.name

    @property
    def short(self) -> str:
        """"Xuân Trường" (a numbered ward stays "Phường 12"): what a table column has room for."""
        if self.level and self.name[:1].isdigit():
            return f"{self.level.capitalize()} {self.name}"
        return self.name

    @property
    def body(self) -> str:
        """"UBND xã Xuân Trường": the People's Committee, as a heading names it."""
        return f"UBND {self.label}" if self.level else self.name


@lru_cache(maxsize=4096)
def commune_of(issuer: str | None) -> Commune | None:
    """The commune an issuer names; None for no issuer. An issuer without a level word ("Trung tâm …") is its
    own commune, keyed by its whole text."""
    if not issuer:
        return None
    text = _SPACES.sub(" ", issuer).strip()
    if not text:
        return None
    m = _LEVEL.search(text)
    if m is not None:
        rest = text[m.end():]
        end = _NAME_END.search(rest)
        name = rest[:end.start()].strip(" .:-–—") if end else rest.strip()
        if name and len(name.split()) <= _MAX_WORDS:
            level = m.group(1).lower()
            level = "thành phố" if level.startswith("tp") else level
            if name.isupper() or name.islower():  # "XUÂN TRƯỜNG" in a document's header
                name = " ".join(w.capitalize() for w in name.split())
            return Commune(f"{level}|{tone_canonical(name.lower())}", level, name)
    return Commune("|" + tone_canonical(text.lower()), None, text)


def find(name: str, communes) -> list[Commune]:
    """The communes of `communes` a user means by `name`: any spelling ("Xuân Trường", "xa xuan truong",
    "UBND xã Xuân Trường", "Ủy ban nhân dân xã Xuân Trường"), accents and the level optional. Several when
    the words fit several (xã and phường Tân Phong; Hòa Bình and Hóa Bình without accents); none when no
    commune fits."""
    wanted = commune_of(name)
    if wanted is None:
        return []
    known = list(dict.fromkeys(communes))
    exact = [c for c in known if c.key == wanted.key]
    if exact:
        return exact
    if wanted.level is None:  # no level typed: "Xuân Trường" may be any level's
        typed = wanted.key[1:]
        hits = [c for c in known if c.key.split("|", 1)[1] == typed]
        if hits:
            return hits
    typed = _plain(name)
    return [c for c in known if typed in (_plain(c.label), _plain(c.name))]


def suggest(name: str, communes) -> list[str]:
    """Labels of communes close to a name nobody fits, for a "did you mean"."""
    known = {fold_diacritics(c.label).lower(): c.label for c in communes}
    known.update({fold_diacritics(c.name).lower(): c.label for c in communes})
    typed = fold_diacritics(_SPACES.sub(" ", name).strip()).lower()
    got = commune_of(name)
    typed_name = fold_diacritics(got.name).lower() if got is not None else typed
    hits = closest(typed, known, n=3, cutoff=0.6) + closest(typed_name, known, n=3, cutoff=0.6)
    return list(dict.fromkeys(known[h] for h in hits))[:3]


_BODY = lazy_re(r"^(?:ubnd|uy ban nhan dan|dang uy|hdnd|hoi dong nhan dan)\s+")


def _plain(text: str) -> str:
    """Lower case, no diacritics, single spaces, without a leading "UBND": how a name typed in haste compares."""
    return _BODY.sub("", _SPACES.sub(" ", fold_diacritics(text).lower()).strip())
