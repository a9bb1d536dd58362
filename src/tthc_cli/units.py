"""The unit registry: who leads and who cooperates, however a plan spells it.

Pure: the registry is built from data (the bundled table, a plan's `units:`,
the user's config); reading those files happens at the edges.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tthc_cli.text import clean, closest, fold_diacritics, tone_canonical
from tthc_cli.value import Value

UNIT, GROUP, EXTERNAL = "unit", "group", "external"


class Unit(Value):
    """A unit of the commune, a group of units, or an outside body."""

    __slots__ = ("code", "name", "kind", "members", "aliases", "short")

    def __init__(self, code: str, name: str, kind: str = UNIT, members: tuple[str, ...] = (),
                 aliases: tuple[str, ...] = (), short: str | None = None):
        self.code = code
        self.name = name
        self.kind = kind
        self.members = members
        self.aliases = aliases
        self.short = short  # how a table shows a group or outside body


class UnitRef(Value):
    """A name as written in a plan and what it matched (None: nothing)."""

    __slots__ = ("text", "unit")

    def __init__(self, text: str, unit: Unit | None):
        self.text = text
        self.unit = unit

    @property
    def known(self) -> bool:
        return self.unit is not None

    @property
    def external(self) -> bool:
        return self.unit is not None and self.unit.kind == EXTERNAL

    @property
    def display(self) -> str:
        """Short form for tables: a unit's code, a group's short name."""
        if self.unit is None:
            return self.text
        if self.unit.kind == UNIT:
            return self.unit.code
        return self.unit.short or self.text


_DASHES = re.compile(r"\s*(?:[&\-–—]|\bvà\b)\s*")
_TRAIL = re.compile(r"(?:\s+xã)+$")
_PAREN = re.compile(r"[()]")
_SPACES = re.compile(r"\s+")
_BULLET_SPLIT = re.compile(r"(?:^|(?<=[.;:,]))\s*[-–•+]\s+")
_PIECE_SPLIT = re.compile(r"\s*[;\n]\s*")
_TOKEN_SEP = re.compile(r"(\s+[-–]\s+|,\s*)")


def key(name: str) -> str:
    """The form two spellings of one unit share."""
    s = tone_canonical(clean(name).lower())
    s = _PAREN.sub(" ", s)
    s = _DASHES.sub("-", s)
    s = _SPACES.sub(" ", s).strip(" .,;:-")
    return _TRAIL.sub("", s)


class Registry:
    """Units by code and by every known spelling."""

    def __init__(self, units=None, by_key=None, by_fold=None, prefixes=None):
        self.units: dict[str, Unit] = units or {}
        self._by_key: dict[str, Unit] = by_key or {}
        self._by_fold: dict[str, Unit | None] = by_fold or {}
        self._prefixes: list[str] = prefixes or []
        self._member_cache: dict = {}
        self._refs_cache: dict = {}

    @classmethod
    def from_data(cls, data: dict) -> "Registry":
        reg = cls()
        reg.add_data(data)
        return reg

    def add_data(self, data: dict) -> None:
        """Add units from a registry table (bundled file, plan or config)."""
        for entry in data.get("units") or []:
            kind = EXTERNAL if entry.get("external") else UNIT
            if entry.get("members"):
                kind = GROUP
            self.add(self._unit(entry, kind))
        for entry in data.get("groups") or []:
            self.add(self._unit(entry, GROUP))
        for entry in data.get("external") or []:
            self.add(self._unit(entry, EXTERNAL))
        for p in data.get("prefixes") or []:
            self._prefixes.append(key(p) + " ")
        self._member_cache = {}
        self._refs_cache = {}

    @staticmethod
    def _unit(entry: dict, kind: str) -> Unit:
        members = entry.get("members") or ()
        if isinstance(members, str):
            members = (members,)
        return Unit(str(entry["code"]), str(entry["name"]), kind, tuple(members),
                    tuple(str(a) for a in entry.get("aliases") or ()), entry.get("short"))

    def add(self, unit: Unit) -> None:
        old = self.units.get(unit.code)
        if old is not None:  # a plan or config extends a bundled unit's spellings
            unit = Unit(unit.code, unit.name or old.name, unit.kind if unit.members else old.kind,
                        unit.members or old.members, old.aliases + unit.aliases, unit.short or old.short)
        self.units[unit.code] = unit
        for spelling in (unit.code, unit.name, *unit.aliases):
            k = key(spelling)
            self._by_key[k] = unit
            f = _fold(k)
            prev = self._by_fold.get(f, unit)
            self._by_fold[f] = unit if prev is None or prev.code == unit.code else None

    def copy(self) -> "Registry":
        reg = Registry(dict(self.units), dict(self._by_key), dict(self._by_fold), list(self._prefixes))
        reg._member_cache = {}
        reg._refs_cache = {}
        return reg

    def match(self, name: str) -> Unit | None:
        """The unit a spelling names, or None."""
        k = key(name)
        if not k:
            return None
        u = self._by_key.get(k)
        if u is not None:
            return u
        u = self._by_fold.get(_fold(k))
        if u is not None:
            return u
        for p in self._prefixes:
            if (k + " ").startswith(p) and len(k) > len(p):
                return Unit(name, clean(name), EXTERNAL)
        return None

    def ref(self, name: str) -> UnitRef:
        text = clean(name).strip(" .;,")
        return UnitRef(text, self.match(text))

    def split(self, cell: str) -> list[str]:
        """The unit names in a cell, found by known names, not by commas."""
        return list(_split(self, cell))

    def refs(self, cell_or_list) -> tuple[UnitRef, ...]:
        """Split and match a lead or support value (a string or a list)."""
        items = (cell_or_list,) if isinstance(cell_or_list, str) else tuple(cell_or_list or ())
        cached = self._refs_cache.get(items)
        if cached is None:
            cached = tuple(self.ref(name) for item in items for name in self.split(str(item)))
            self._refs_cache[items] = cached
        return cached

    def members(self, unit: Unit) -> frozenset[str]:
        """Codes of the commune units a unit or group stands for."""
        cached = self._member_cache.get(unit.code)
        if cached is not None:
            return cached
        if unit.kind == GROUP:
            if "all" in unit.members:
                codes = frozenset(c for c, u in self.units.items() if u.kind == UNIT)
            else:
                codes = frozenset(unit.members)
        elif unit.kind == UNIT:
            codes = frozenset((unit.code,))
        else:
            codes = frozenset()
        self._member_cache[unit.code] = codes
        return codes

    def codes_for(self, unit: Unit) -> frozenset[str]:
        """The codes a selection of `unit` covers: itself and, for a group, its members."""
        return frozenset(self.members(unit) | {unit.code})

    def require(self, name: str) -> Unit:
        """The unit a user named, or UnknownUnitError with the closest spellings."""
        unit = self.match(name) if name and name.strip() else None
        if unit is None:
            from tthc_cli.errors import UnknownUnitError

            hints = self.suggest(name or "")
            more = (" Có phải: " + ", ".join(f'"{h}"' for h in hints) + "?") if hints else ""
            raise UnknownUnitError(f'không có đơn vị "{name}" trong danh mục.{more} Xem `tthc units`.')
        return unit

    def suggest(self, name: str) -> list[str]:
        """Spellings close to an unknown name, for messages."""
        spellings = {}
        for u in self.units.values():
            for s in (u.code, u.name, *u.aliases):
                spellings.setdefault(key(s), s)
        hits = closest(key(name), spellings, n=3, cutoff=0.5)
        return [spellings[h] for h in hits]

    def commune_units(self) -> list[Unit]:
        return [u for u in self.units.values() if u.kind == UNIT]


def _fold(k: str) -> str:
    return _SPACES.sub(" ", fold_diacritics(k).replace("-", " "))


def _split(reg: Registry, cell: str) -> tuple[str, ...]:
    return _split_cached(reg, cell)


@lru_cache(maxsize=8192)
def _split_cached(reg: Registry, cell: str) -> tuple[str, ...]:
    names: list[str] = []
    for line in str(cell).splitlines():
        line = clean(line)
        for bullet in _BULLET_SPLIT.split(line):
            for piece in _PIECE_SPLIT.split(bullet):
                piece = piece.strip(" .;,:")
                if piece:
                    names.extend(_segment(reg, piece))
    return tuple(names)


def _segment(reg: Registry, piece: str) -> list[str]:
    """Split a piece on " - " and ", " only where the parts are known names."""
    parts = _TOKEN_SEP.split(piece)
    tokens, seps = parts[0::2], parts[1::2]
    n = len(tokens)
    if n == 1 or reg.match(piece):
        return [piece]
    # best[i] = (covered tokens, -segments, split points) for tokens[:i]
    best: list[tuple[int, int, list[int]] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for j in range(1, n + 1):
        for i in range(j):
            if best[i] is None:
                continue
            text = "".join(tokens[k] + (seps[k] if k < j - 1 else "") for k in range(i, j))
            covered = (j - i) if reg.match(text) else 0
            cand = (best[i][0] + covered, best[i][1] - 1, best[i][2] + [i])
            if best[j] is None or cand[:2] > best[j][:2]:
                best[j] = cand
    starts = best[n][2] + [n]
    out = []
    for a, b in zip(starts, starts[1:]):
        text = "".join(tokens[k] + (seps[k] if k < b - 1 else "") for k in range(a, b))
        out.append(text.strip(" .;,:"))
    return [o for o in out if o]
