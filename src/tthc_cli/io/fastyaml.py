r"""A faster reading of plain plan files, giving exactly what PyYAML gives, or nothing.

PyYAML is the reference (`loader.safe_loader()`: YAML 1.1, dates as text). rapidyaml (the optional
`rapidyaml` wheel, module `ryml`) parses 7.9 MB of plans in about 20 ms against PyYAML's 700 ms, but it
reads YAML 1.2: `yes` is text there, `017` is 17, and it accepts things PyYAML refuses (`a: @x`, a key
written twice). So it is used only on the subset where the two provably agree, and `load` returns None
(the caller then asks PyYAML) on anything else:

- the text: no tab, backslash, lone CR, control or other character PyYAML refuses, no NEL, LS, PS or
  BOM inside; no character that could start an anchor, alias, tag, flow collection, block scalar,
  complex key, directive or reserved indicator (`& * ! | > [ ] { } ? @ \` %`) where a node may start:
  first on a line or after `: ` or `- ` and spaces; no document marker (`---`, `...`) on a line start;
- the tree: one mapping at the root, every key a string that PyYAML too reads as a string (so no
  `<<`, `1:` or `yes:`) and at most `MAX_KEY` long, no key written twice, at most `MAX_DEPTH` levels;
- every scalar whose text PyYAML would resolve to something other than a string (`yes`, `~`, `017`,
  an empty value …) is looked up in the tree: quoted, it is that text; plain, it goes through PyYAML's
  own resolvers and constructors. Any other tag (`=`, `<<` as a value) declines.

rapidyaml's tree is turned into Python objects through its JSON emitter and `json.loads` (walking the
tree from Python costs ~1 µs a node); node ids are rapidyaml's, in document order, which `load`
checks on every scalar it looks up and by counting the nodes. Errors, and their messages, always come
from PyYAML: this module never explains a file, it only declines it.

`tests/test_fastyaml.py` compares both readings over the bundled plans, the imported seeds, the unit
table, generated workloads, fuzzed texts and a table of tricky scalars.
"""

from __future__ import annotations

import os
import re

MAX_DEPTH = 64
"""Deeper files go to PyYAML (plans are about 8 levels deep; PyYAML has a depth limit of its own)."""

try:
    from ryml import _ryml
    import ryml as _ryml_api
except Exception:  # noqa: BLE001 - not installed, or a wheel that does not load: PyYAML does it all
    _ryml = None

_STR = "tag:yaml.org,2002:str"
_ALLOWED = frozenset(("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                      "tag:yaml.org,2002:float"))

_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in (0x0A, 0x0D) or b in (0x5C, 0x7F)))
"""Bytes deleted before looking for refused ones: what is left is a control character, a tab or a backslash."""
_UNICODE = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")
"""C1 controls (NEL among them), LS and PS (line breaks to YAML 1.1 only), a BOM inside, U+FFFE/U+FFFF."""
_INDICATORS = b"&*!|>[]{}?@`%"
_NOT_INDICATORS = bytes(b for b in range(256) if b not in _INDICATORS)
_MARKER = re.compile(rb"(?:^|\n)(?:---|\.\.\.)(?![^ \r\n])")


def _refused(raw: bytes) -> bool:
    """Whether the text may hold something outside the subset (see the module's docstring)."""
    if raw.translate(None, _CONTROL):
        return True
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return True
    if b"\xe2\x80\xa8" in raw or b"\xe2\x80\xa9" in raw or (b"\xc2" in raw or b"\xef" in raw) and _UNICODE.search(raw):
        return True
    if (raw.startswith((b"---", b"...")) or b"\n---" in raw or b"\n..." in raw) and _MARKER.search(raw):
        return True
    for c in set(raw.translate(None, _NOT_INDICATORS)):  # the indicators written at all, each checked
        i = raw.find(c)  # where it may start a node: first on a line, or after "- ", ": " and spaces
        while i != -1:
            j = i - 1
            while j >= 0 and raw[j] == 0x20:
                j -= 1
            if j < 0 or raw[j] in b"\n:-":
                return True
            i = raw.find(c, i + 1)
    return False


def available() -> bool:
    """Whether rapidyaml is installed and loads."""
    return _ryml is not None


def load(text: str, reference, raw: bytes | None = None):
    """The plan file `text` as PyYAML's loader class `reference` would build it (a dict), or None: not in the
    subset, or rapidyaml absent. `raw`: the same text as UTF-8 bytes, when the caller has them."""
    if _ryml is None:
        return None
    if raw is None:
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no file decodes to one
            return None
    elif raw.startswith(b"\xef\xbb\xbf"):  # the BOM a file may start with (decoded away as "utf-8-sig")
        raw = raw[3:]
    if _refused(raw):
        return None
    tree = _quietly(_ryml_api.parse_in_arena, raw)
    if tree is None or not _ryml.Tree_is_map(tree, 0) or _ryml.Tree_is_doc(tree, 0):
        return None
    emitted = _quietly(_emit_json, tree)  # refused past its depth limit, say
    if emitted is None:
        return None
    import json

    try:
        data = json.loads(emitted, parse_int=_Raw, parse_float=_Raw, parse_constant=_Raw)
    except (ValueError, RecursionError):  # a plain `+1` or `.5` is not JSON: PyYAML reads it
        return None
    if not isinstance(data, dict):
        return None
    try:
        count = _Reading(tree, _reference(reference)).check(data, 0, 0)
    except (_Decline, RecursionError):
        return None
    if count != _ryml.Tree_size(tree):  # a key written twice was folded into one by json.loads
        return None
    return data


_MEMO_LEN = 40
"""Plain texts up to this long have their reading remembered for the run (`_Reference.is_str`)."""


def _emit_json(tree) -> bytearray | None:
    """The tree as JSON, in a buffer Python owns: rapidyaml 0.15's emit_json_malloc never frees its own (a
    cold run over 50,000 tasks kept ~23 MiB of JSON alive that way)."""
    buf = bytearray(_ryml._compute_json_length(tree, 0))
    failed, size = _ryml.emit_json_to_substr(tree, 0, buf)
    return None if failed or size != len(buf) else buf


class _Raw(str):
    """A JSON number or constant as written; always looked up in the tree."""


class _Decline(Exception):
    """Outside the subset: PyYAML reads the file."""


def _quietly(call, *args):
    """`call(*args)`, or None when rapidyaml refuses. rapidyaml prints a refusal on stderr before raising,
    so stderr (fd 2) points to the null device meanwhile (well under a millisecond a file; a spinner frame
    drawn then is lost and drawn again at the next tick): PyYAML will say what is wrong, in Vietnamese."""
    global _NULL_FD
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        saved = None
    try:
        if saved is not None:
            if _NULL_FD is None:
                _NULL_FD = os.open(os.devnull, os.O_WRONLY)
            os.dup2(_NULL_FD, 2)
        try:
            return call(*args)
        except Exception:  # noqa: BLE001 - any refusal of rapidyaml's
            return None
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)


_NULL_FD: int | None = None

MAX_KEY = 128
"""Longer keys decline: PyYAML takes a key only within 1,024 characters of its start (quotes and spaces
included), rapidyaml at any length."""


class _Reference:
    """What a PyYAML loader class makes of plain scalars, remembered per text (most texts: a dict lookup)."""

    def __init__(self, loader_class):
        import yaml

        self.loader = loader_class("")
        self.node = yaml.ScalarNode
        resolvers = self.loader.yaml_implicit_resolvers
        self.firsts = None if None in resolvers else frozenset(resolvers)
        """The first characters PyYAML has implicit resolvers for (None: some resolver takes any text)."""
        self.plain_is_str: dict[str, bool] = {}
        self.key_ok: dict[str, bool] = {}

    def is_str(self, text: str) -> bool:
        """Whether PyYAML reads `text`, written plain, as that text. Its resolver tries only the resolvers
        listed under the text's first character, so a text whose first character has none is a string
        without asking it."""
        if self.firsts is not None and text[:1] not in self.firsts:
            return True
        known = self.plain_is_str.get(text)
        if known is None:
            known = self.resolve(text) == _STR
            if len(text) <= _MEMO_LEN:  # short values repeat (units, yes/no); every title kept would hold
                self.plain_is_str[text] = known  # 24 MiB at 50,000 tasks until the run ends
        return known

    def is_key(self, key) -> bool:
        """Whether a key is one PyYAML reads alike: a string however written (not `yes:`, `1:`, `<<:`, `~:`),
        and short."""
        ok = self.key_ok[key] = type(key) is str and len(key) <= MAX_KEY and self.is_str(key)
        return ok

    def resolve(self, text: str) -> str:
        return self.loader.resolve(self.node, text, (True, False))

    def construct(self, text: str):
        """What PyYAML builds from `text` written plain; _Decline for a tag outside the plan subset."""
        tag = self.resolve(text)
        if tag == _STR:
            return text
        if tag not in _ALLOWED:
            raise _Decline
        return self.loader.yaml_constructors[tag](self.loader, self.node(tag, text))


class _Everything:
    """Holds every first character: used when some resolver of PyYAML's takes any text (is_str asks it)."""

    def __contains__(self, item) -> bool:
        return True


_EVERY_FIRST = _Everything()

_REFERENCES: dict[type, _Reference] = {}


def _reference(loader_class) -> _Reference:
    ref = _REFERENCES.get(loader_class)
    if ref is None:
        ref = _REFERENCES[loader_class] = _Reference(loader_class)
    return ref


class _Reading:
    """The JSON data of one tree turned into what PyYAML builds, in place, counting rapidyaml's node ids in
    document order. Texts are already right; only scalars PyYAML may read otherwise are looked up."""

    __slots__ = ("tree", "ref")

    def __init__(self, tree, ref: _Reference):
        self.tree = tree
        self.ref = ref

    def check(self, data, node: int, depth: int) -> int:
        """Fix the container `data` (node `node`) and what it holds; the id of the node after it."""
        if depth > MAX_DEPTH:
            raise _Decline
        ref = self.ref
        safe, keys, is_str = ref.plain_is_str, ref.key_ok, ref.is_str
        firsts = ref.firsts if ref.firsts is not None else _EVERY_FIRST  # as is_str asks first, without a call
        n = node + 1
        if type(data) is dict:
            for key, value in data.items():
                if not keys.get(key) and not ref.is_key(key):
                    raise _Decline
                if type(value) is str and (value[:1] not in firsts or safe.get(value) or is_str(value)):
                    n += 1
                elif type(value) is dict or type(value) is list:
                    n = self.check(value, n, depth + 1)
                else:
                    data[key] = self.scalar(value, n)
                    n += 1
        else:
            for i, value in enumerate(data):
                if type(value) is str and (value[:1] not in firsts or safe.get(value) or is_str(value)):
                    n += 1
                elif type(value) is dict or type(value) is list:
                    n = self.check(value, n, depth + 1)
                else:
                    data[i] = self.scalar(value, n)
                    n += 1
        return n

    def scalar(self, value, node: int):
        """A scalar PyYAML may read as other than text: its style and text from the tree, checked against
        what the JSON said (so a node id out of step declines, never misreads)."""
        tree = self.tree
        if node >= _ryml.Tree_size(tree) or _ryml.Tree_is_container(tree, node):
            raise _Decline
        view = _ryml.Tree_val(tree, node)
        text = "" if view is None else str(view, "utf-8")
        built = text if _ryml.Tree_is_val_quoted(tree, node) else self.ref.construct(text)
        if isinstance(value, str):
            if value != text:
                raise _Decline
        elif type(built) is not type(value) or built != value:  # JSON true, false, null
            raise _Decline
        return built
