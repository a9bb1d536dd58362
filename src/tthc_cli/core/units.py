"""The unit registry: who leads and who cooperates, however a plan spells it.

Pure: the registry is built from data (the bundled table, a plan's `units:`,
the user's config); reading those files happens at the edges.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tthc_cli.errors import UnitDataError
from tthc_cli.core.text import clean, clean_text, closest, fold_diacritics, tone_canonical, type_name, visible, lazy_re
from tthc_cli.core.value import Value

UNIT, GROUP, SHARED, EXTERNAL = "unit", "group", "shared", "external"
"""A shared group ("Các cơ quan, đơn vị có liên quan") names nobody in particular: its duties are no unit's own,
and the coordinating unit follows them (`duty_codes`)."""
ENTRY_KEYS = ("code", "name", "aliases", "external", "members", "short", "shared")
MAX_CODE = 40
# A known name is looked for inside a cell over at most this many tokens, whatever
# a unit table holds: a hostile 10,000-word name must not make splitting quadratic
# (such a name is still found when it is a whole cell or line).
MAX_SPAN = 64
# Codes name files (`digest --out`), mail headers and command-line values: letters
# (Vietnamese too), digits, "_", "-", "."; a letter or digit first (a leading "-"
# would read as an option, a leading "." as a hidden file).
_CODE = lazy_re(r"[^\W_][\w.\-]*")


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


_DASHES = lazy_re(r"\s*(?:[&\-–—]|\bvà\b)\s*")
_TRAIL = lazy_re(r"(?:\s+xã)+$")
_PAREN = lazy_re(r"[()]")
_SPACES = lazy_re(r"\s+")
_BULLET_SPLIT = lazy_re(r"(?:^|(?<=[.;:,]))\s*[-–•+]\s+")
_PIECE_SPLIT = lazy_re(r"\s*[;\n]\s*")
_TOKEN_SEP = lazy_re(r"(\s+[-–]\s+|,\s*)")


def key(name: str) -> str:
    """The form two spellings of one unit share."""
    s = tone_canonical(clean(name).lower())
    s = _PAREN.sub(" ", s)
    s = _DASHES.sub("-", s)
    s = _SPACES.sub(" ", s).strip(" .,;:-")
    return _TRAIL.sub("", s)


def code_problem(code: str) -> str | None:
    """Why `code` cannot be a unit code, or None when it can."""
    if len(code) > MAX_CODE:
        return f'mã đơn vị "{visible(code[:MAX_CODE])}…" dài {len(code)} ký tự; tối đa {MAX_CODE}'
    if _CODE.fullmatch(code):
        return None
    bad = next((ch for ch in code if not (ch.isalnum() or ch in "_-.")), None)
    if bad is None:  # only the first character is wrong
        what = f'không được bắt đầu bằng "{code[0]}"'
    else:
        what = f"có ký tự không được dùng: {_char_name(bad)}"
    return (f'mã đơn vị "{visible(code)}" {what}; mã chỉ gồm chữ, số và các dấu "_", "-", "." '
            f'(bắt đầu bằng chữ hoặc số), tối đa {MAX_CODE} ký tự')


def _char_name(ch: str) -> str:
    if ch == " ":
        return "dấu cách"
    if ch == '"':
        return "'\"'"
    if ch.isprintable():
        return f'"{ch}"'
    return f"{visible(ch)} (ký tự điều khiển hoặc xuống dòng)" if unicodedata.category(ch)[0] in "CZ" \
        else visible(ch)


def _strings(value, key: str, not_list: str, not_text: str, out: dict, problems: list) -> None:
    """`out[key]`: the non-empty texts of a list entry; a problem for the list or for each item that is not text."""
    if not isinstance(value, list):
        problems.append((key, f"{not_list}, không phải {type_name(value)}"))
        return
    kept = []
    for i, item in enumerate(value):
        text = _entry_text(item)
        if text is None:
            problems.append((f"{key}[{i}]", f"{not_text}, không phải {type_name(item)}"))
        elif text:
            kept.append(text)
    out[key] = kept


def check_entry(entry) -> tuple[dict | None, list[tuple[str, str]]]:
    """A unit table entry with its text cleaned (None when it cannot be used) and its problems.

    Problems are (key, message) pairs, the key relative to the entry ("members",
    "aliases[2]", "" for the entry itself). Pure; `planfile` turns them into plan
    problems, `Registry.add_data` into a UnitDataError.
    """
    if not isinstance(entry, dict):
        return None, [("", f"mỗi đơn vị là một bảng khóa–giá trị (code, name, aliases), không phải {type_name(entry)}")]
    problems: list[tuple[str, str]] = []
    out: dict = {}
    code = entry.get("code")
    name = entry.get("name")
    blank_name = isinstance(name, str) and not _entry_text(name)
    if code is None or code == "" or name is None or blank_name:
        problems.append(("", "đơn vị cần có code và name"))
    if isinstance(code, str) and code:
        code = unicodedata.normalize("NFC", code)  # not stripped: a space or line break is an error
        why = code_problem(code)
        if why:
            problems.append(("code", why))
        out["code"] = code
    elif code is not None and code != "":
        hint = f'; hãy đặt trong dấu nháy, ví dụ code: "{code}"' if isinstance(code, (int, float)) \
            and not isinstance(code, bool) else ""
        problems.append(("code", f"code phải là chuỗi, không phải {type_name(code)}{hint}"))
    if isinstance(name, str):
        if not blank_name:
            out["name"] = _entry_text(name)
    elif name is not None:
        problems.append(("name", f"name phải là chuỗi, không phải {type_name(name)}"))
    if "aliases" in entry:
        _strings(entry["aliases"], "aliases", "aliases phải là danh sách", "mỗi cách viết trong aliases phải là chuỗi",
                 out, problems)
    for flag in ("external", "shared"):
        if flag in entry:
            if isinstance(entry[flag], bool):
                out[flag] = entry[flag]
            else:
                problems.append((flag, f"{flag} phải là true hoặc false, không phải {type_name(entry[flag])}"))
    if "members" in entry:
        members = entry["members"]
        _strings([members] if isinstance(members, str) else members, "members",
                 "members phải là danh sách mã đơn vị (hoặc all)", "mã đơn vị trong members phải là chuỗi", out, problems)
    if "short" in entry:
        short = _entry_text(entry["short"])
        if short is None:
            problems.append(("short", f"short phải là chuỗi, không phải {type_name(entry['short'])}"))
        elif short:
            out["short"] = short
    return (None if problems else out), problems


def _entry_text(value) -> str | None:
    """A name, alias or short name cleaned for display and matching; None when it is not text."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", clean_text(value)).strip()
    return None


class Registry:
    """Units by code and by every known spelling."""

    def __init__(self, units=None, by_key=None, by_fold=None, prefixes=None, span: int = 1):
        self.units: dict[str, Unit] = units or {}
        self._by_key: dict[str, Unit] = by_key or {}
        self._by_fold: dict[str, Unit | None] = by_fold or {}
        self._prefixes: list[str] = prefixes or []
        self._span = span  # the most cell tokens a known spelling can cover (see `_segment`)
        self._member_cache: dict = {}
        self._refs_cache: dict = {}
        self._version = 0  # bumped by every add: the split cache is keyed by it, so new units are seen

    @classmethod
    def from_data(cls, data: dict) -> "Registry":
        reg = cls()
        reg.add_data(data)
        return reg

    def add_data(self, data: dict) -> None:
        """Add units from a registry table (bundled file, plan or config).

        Every entry is checked first; if any cannot be used, UnitDataError names
        them all by key path (`units[2].members: …`) and nothing is added.
        """
        if not isinstance(data, dict):
            raise UnitDataError(f"danh mục đơn vị phải là bảng khóa–giá trị, không phải {type_name(data)}")
        units: list[tuple[dict, str]] = []
        problems: list[str] = []
        for section in ("units", "groups", "external"):
            entries = data.get(section)
            if entries is None:
                continue
            if not isinstance(entries, list):
                problems.append(f"{section}: phải là danh sách, không phải {type_name(entries)}")
                continue
            for i, raw in enumerate(entries):
                entry, found = check_entry(raw)
                problems.extend(f"{section}[{i}]{'.' + k if k else ''}: {m}" for k, m in found)
                if entry is not None:
                    kind = {"groups": GROUP, "external": EXTERNAL}.get(section, UNIT)
                    if entry.get("shared"):
                        kind = SHARED
                    elif section == "units":
                        kind = GROUP if entry.get("members") else EXTERNAL if entry.get("external") else UNIT
                    units.append((entry, kind))
        prefixes = data.get("prefixes")
        if prefixes is not None and not (isinstance(prefixes, list) and all(isinstance(p, str) for p in prefixes)):
            problems.append(f"prefixes: phải là danh sách chuỗi, không phải {type_name(prefixes)}")
            prefixes = None
        if problems:
            shown = problems[:5] + ([f"… và {len(problems) - 5} lỗi khác"] if len(problems) > 5 else [])
            raise UnitDataError("danh mục đơn vị có lỗi: " + "; ".join(shown), tuple(problems))
        for entry, kind in units:
            self.add(self._unit(entry, kind))
        for p in prefixes or []:
            self._prefixes.append(key(p) + " ")
        self._member_cache = {}
        self._refs_cache = {}

    @staticmethod
    def _unit(entry: dict, kind: str) -> Unit:
        """A Unit from an entry `check_entry` accepted."""
        return Unit(entry["code"], entry["name"], kind, tuple(entry.get("members") or ()),
                    tuple(entry.get("aliases") or ()), entry.get("short"))

    def add(self, unit: Unit) -> None:
        old = self.units.get(unit.code)
        if old is not None:  # a plan or config extends a bundled unit's spellings
            unit = Unit(unit.code, unit.name or old.name, unit.kind if unit.members or unit.kind == SHARED else old.kind,
                        unit.members or old.members, old.aliases + unit.aliases, unit.short or old.short)
        self.units[unit.code] = unit
        self._version += 1
        self._member_cache = {}
        self._refs_cache = {}
        for spelling in (unit.code, unit.name, *unit.aliases):
            k = key(spelling)
            self._span = max(self._span, min(_span_of(k), MAX_SPAN))
            self._by_key[k] = unit
            f = _fold(k)
            prev = self._by_fold.get(f, unit)
            self._by_fold[f] = unit if prev is None or prev.code == unit.code else None

    def state(self) -> tuple:
        """The registry as plain data (tuples of text and numbers, for marshal), `from_state` its inverse: the
        query index keeps the lookup registry, so a warm run does not build it from the unit table (~2.5 ms,
        and the patterns `key` needs). Units that are one object here are one object there."""
        objects: dict[int, int] = {}
        table: list[tuple] = []

        def number(u: Unit | None) -> int:
            if u is None:
                return -1
            n = objects.get(id(u))
            if n is None:
                n = objects[id(u)] = len(table)
                table.append((u.code, u.name, u.kind, u.members, u.aliases, u.short))
            return n

        units = tuple((code, number(u)) for code, u in self.units.items())
        by_key = tuple((k, number(u)) for k, u in self._by_key.items())
        by_fold = tuple((k, number(u)) for k, u in self._by_fold.items())
        return (1, tuple(table), units, by_key, by_fold, tuple(self._prefixes), self._span)

    @classmethod
    def from_state(cls, state) -> "Registry":
        """The registry `state` gave (ValueError for anything that is not such data)."""
        try:
            version, table, units, by_key, by_fold, prefixes, span = state
            if version != 1:
                raise ValueError("another registry state version")
            made = [Unit(code, name, kind, tuple(members), tuple(aliases), short)
                    for code, name, kind, members, aliases, short in table]

            def unit(n: int) -> Unit | None:
                return None if n == -1 else made[n]

            return cls({c: unit(n) for c, n in units}, {k: unit(n) for k, n in by_key},
                       {k: unit(n) for k, n in by_fold}, list(prefixes), int(span))
        except (TypeError, IndexError) as exc:
            raise ValueError(f"not a registry state: {exc}") from None

    def copy(self) -> "Registry":
        reg = Registry(dict(self.units), dict(self._by_key), dict(self._by_fold), list(self._prefixes), self._span)
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
        if self._prefixed(k):
            return Unit(name, clean(name), EXTERNAL)
        return None

    def _prefixed(self, k: str) -> bool:
        """Whether a key starts with a prefix that names outside bodies ("sở …")."""
        return any((k + " ").startswith(p) and len(k) > len(p) for p in self._prefixes)

    def ref(self, name: str) -> UnitRef:
        # remembered beside the cells `refs` keeps (a name is text, a cell a tuple), and forgotten with them: a
        # province's thousands of distinct cells are made of a few dozen names (~45 ms of a cold 20,000 tasks)
        got = self._refs_cache.get(name)
        if got is None:
            text = clean(name).strip(" .;,")
            got = self._refs_cache[name] = UnitRef(text, self.match(text))
        return got

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

    def duty_codes(self, unit: Unit, coordinator: Unit | None) -> frozenset[str]:
        """What `due` and the digest show a unit: its own and its groups' duties (`codes_for`) and, for the
        coordinating unit, the shared groups' duties too (they are no other unit's)."""
        codes = self.codes_for(unit)
        if coordinator is None or unit.code != coordinator.code:
            return codes
        return codes | {u.code for u in self.shared_groups()}

    def shared_groups(self) -> list[Unit]:
        """The groups that name nobody in particular ("Các cơ quan, đơn vị có liên quan")."""
        return [u for u in self.units.values() if u.kind == SHARED]

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
    return _split_cached(reg, reg._version, cell)


@lru_cache(maxsize=8192)
def _split_cached(reg: Registry, version: int, cell: str) -> tuple[str, ...]:
    """The names in a cell for the registry as it is at `version` (a unit added later splits cells anew)."""
    names: list[str] = []
    for line in str(cell).splitlines():
        line = clean(line)
        for bullet in _BULLET_SPLIT.split(line):
            for piece in _PIECE_SPLIT.split(bullet):
                piece = piece.strip(" .;,:")
                if piece:
                    names.extend(_segment(reg, piece))
    return tuple(names)


def _span_of(k: str) -> int:
    """The most cell tokens a spelling with key `k` can match.

    A cell is cut into tokens at ", " and " - "; in a key those separators
    become "," and "-", and in its diacritic-free form "," and " ". So a
    spelling covers at most one token more than it has commas, dashes and spaces.
    """
    return 1 + k.count(",") + k.count("-") + k.count(" ")


def _segment(reg: Registry, piece: str) -> list[str]:
    """Split a piece on " - " and ", " only where the parts are known names.

    Of all ways to cut the tokens into names, the one that covers the most
    tokens with known names, then has the fewest names (ties: the earliest
    cuts). Dynamic programming over the tokens; a known name spans at most
    `reg._span` tokens (longer runs are names only by a prefix such as "Sở"),
    so a cell of n tokens costs O(n · span) lookups, not O(n³).
    """
    parts = _TOKEN_SEP.split(piece)
    tokens, seps = parts[0::2], parts[1::2]
    n = len(tokens)
    if n == 1 or reg.match(piece):
        return [piece]
    span = reg._span
    # Scores are (covered tokens, -names) for tokens[:i]; back[i]: where the last name starts.
    cov, neg, back = [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    top = 0  # the earliest i with the best score so far: the start of an unknown run
    long_best = None  # (cov[i] - i, neg[i], i), best over starts of long prefix names
    long_ok = _long_starts(reg, tokens, seps, span) if reg._prefixes else None
    for j in range(1, n + 1):
        # an unknown run tokens[top:j] adds no cover and one name
        best_c, best_n, best_i = cov[top], neg[top] - 1, top
        # a known name tokens[i:j] of at most `span` tokens
        lo = max(0, j - span)
        texts = []
        text = tokens[j - 1]
        for i in range(j - 1, lo - 1, -1):
            if i < j - 1:
                text = tokens[i] + seps[i] + text
            texts.append(text)
        for i in range(lo, j):
            if reg.match(texts[j - 1 - i]) is None:
                continue
            c, m = cov[i] + j - i, neg[i] - 1
            if (c, m) > (best_c, best_n) or ((c, m) == (best_c, best_n) and i < best_i):
                best_c, best_n, best_i = c, m, i
        # a longer name, by prefix: tokens[i:j] with i < j - span
        if long_ok is not None:
            i = j - span - 1
            if i >= 0 and long_ok[i] and (long_best is None or (cov[i] - i, neg[i]) > long_best[:2]):
                long_best = (cov[i] - i, neg[i], i)
            if long_best is not None:
                c, m, i = long_best[0] + j, long_best[1] - 1, long_best[2]
                if (c, m) > (best_c, best_n) or ((c, m) == (best_c, best_n) and i < best_i):
                    best_c, best_n, best_i = c, m, i
        cov[j], neg[j], back[j] = best_c, best_n, best_i
        if (best_c, best_n) > (cov[top], neg[top]):
            top = j
    starts = [n]
    while starts[-1] > 0:
        starts.append(back[starts[-1]])
    starts.reverse()
    out = []
    for a, b in zip(starts, starts[1:]):
        text = "".join(tokens[k] + (seps[k] if k < b - 1 else "") for k in range(a, b))
        out.append(text.strip(" .;,:"))
    return [o for o in out if o]


def _long_starts(reg: Registry, tokens: list[str], seps: list[str], span: int) -> list[bool]:
    """For each token, whether the runs of more than `span` tokens starting there name an outside
    body by prefix (judged on the shortest such run: a prefix is at the start)."""
    n = len(tokens)
    out = [False] * n
    for i in range(n - span):
        text = "".join(tokens[k] + (seps[k] if k < i + span else "") for k in range(i, i + span + 1))
        out[i] = reg._prefixed(key(text))
    return out
