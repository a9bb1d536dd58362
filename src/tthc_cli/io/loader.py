"""Reading plan files from disk: safety checks, YAML, a parse cache, line numbers.

The parse cache keeps the parsed data of each plan file (keyed by path, size,
modification and change times and inode: a same-size edit with the mtime put back still changes the ctime) so `tthc due` on 20,000 tasks does not re-parse YAML on
every run. A cache that cannot be read or written is ignored, never an error.
"""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path

from tthc_cli import __version__
from tthc_cli.errors import PlanPathError
from tthc_cli.core.model import ERROR, Problem
from tthc_cli.core.text import thousands, lazy_re

MAX_BYTES = 20 * 1024 * 1024
PLAN_SUFFIXES = (".yaml", ".yml")
_CACHE_FORMAT = 5
"""Raise it whenever what a file parses to may change (4: duplicate keys, tags and aliases are errors):
a cache entry of another format is a miss, so no file parsed under older rules is served; 5: no pickle."""

try:  # CPython's own SHA-1: hashlib would initialise OpenSSL (~3 ms) just to name cache files
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha1 as _sha1

try:  # CPython's own BLAKE2, for the same reason
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b as _blake2b


class RawPlan:
    """A plan file read from disk: its parsed data or why it could not be."""

    __slots__ = ("file", "data", "problems", "ok", "fast", "digest")

    def __init__(self, file: str, data: object = None, problems: list[Problem] | None = None, ok: bool = True,
                 fast: bool = False):
        self.file = file
        self.data = data
        self.problems = problems or []
        self.ok = ok
        self.fast = fast
        """Parsed by the fast YAML path (io/fastyaml.py): cheap to parse again."""
        self.digest: str | None = None
        """`content_digest` of the bytes parsed, when read_plan was asked for it and read the file."""


def content_digest(raw: bytes) -> str:
    """What tells two contents of a plan file apart (BLAKE2b, 128 bits: ~0.8 ms a MB)."""
    return _blake2b(raw, digest_size=16).hexdigest()


def discover(paths: list[str], stats: list | None = None) -> list[Path]:
    """Plan files named by the user: files as given, folders searched recursively. `stats`, when given, gets
    each file's os.stat result (None where it failed), in the same order: a warm query compares them with the
    index's without a second stat of every file."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise PlanPathError(f'không tìm thấy "{raw}" (tệp hoặc thư mục kế hoạch)')
        if p.is_dir():
            found.extend(_plan_files(p, raw))
        else:
            found.append(p)
    seen, unique = set(), []
    for f in found:  # one file named twice (a folder and a file in it, a symlink, a hard link): read once
        try:
            st = os.stat(f)
            # a stat, not Path.resolve's walk of every component (~5 ms at 200 files); but some network drives
            # (WebDAV, sshfs-win, Google Drive) give every file inode 0: there only the path tells files apart
            key = (st.st_dev, st.st_ino) if st.st_ino else f.resolve()
        except OSError:  # read_plan says why it cannot be read
            st = None
            key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
            if stats is not None:
                stats.append(st)
    return unique


MAX_ENTRIES = 200_000
"""How many folder entries a plans folder may hold: `--plans /` must end with a message, not walk the disk."""
MAX_FILES = 5_000
"""How many plan files one run reads (a province is about 200)."""


def _plan_files(folder: Path, given: str) -> list[Path]:
    """Plan files under `folder`, recursively; hidden folders and files skipped, symlinked folders not followed."""
    found: list[Path] = []
    seen = 0
    stack = [folder]
    while stack:
        d = stack.pop()
        try:
            entries = list(os.scandir(d))
        except OSError:
            if d == folder:
                raise PlanPathError(f'không đọc được thư mục "{given}" (không có quyền?)') from None
            found.append(d)  # read_plan says the folder could not be read: its plans are left out, loudly
            continue
        seen += len(entries)
        if seen > MAX_ENTRIES:
            raise PlanPathError(f'thư mục "{given}" có quá nhiều tệp (hơn {thousands(MAX_ENTRIES)}) để là thư mục '
                                f"kế hoạch; hãy chỉ thư mục chứa các tệp kế hoạch")
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    stack.append(Path(e.path))
                elif e.name.lower().endswith(PLAN_SUFFIXES):
                    found.append(Path(e.path))  # a FIFO, a device or a broken link too: read_plan refuses it, loudly
            except OSError:
                found.append(Path(e.path))
        if len(found) > MAX_FILES:
            raise PlanPathError(f'thư mục "{given}" có hơn {thousands(MAX_FILES)} tệp .yaml; tthc đọc tối đa '
                                f"{thousands(MAX_FILES)} tệp kế hoạch một lần")
    return sorted(found)


def cache_dir() -> Path | None:
    """Where parsed plans are cached; TTHC_CACHE_DIR="" turns the cache off.

    Cache files only ever build data when read (io/cachecodec.py, no pickle); still, a folder that another
    user owns or may write is not used (with one warning), since whoever writes it could
    run code as this user or forge what `due` shows."""
    env = os.environ.get("TTHC_CACHE_DIR")
    if env is not None:
        folder = Path(env) if env else None
    else:
        base = os.environ.get("XDG_CACHE_HOME") or ""
        if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
            base = os.path.join(os.path.expanduser("~"), ".cache")
        folder = Path(base) / "tthc"
    return folder if folder is None or _safe_cache(str(folder)) else None


_CHECKED: dict[str, bool] = {}
"""Cache folders judged in this run (each is warned about once); `forget_checked_folders` starts anew."""


def forget_checked_folders() -> None:
    _CHECKED.clear()


def _safe_cache(folder: str) -> bool:
    if folder not in _CHECKED:
        why = _cache_unsafe(folder)
        if why:
            import sys

            print(f"Cảnh báo: không dùng bộ nhớ đệm {folder}: {why}.", file=sys.stderr)
        _CHECKED[folder] = not why
    return _CHECKED[folder]


def _cache_unsafe(folder: str) -> str | None:
    """Why `folder` must not hold the cache, or None; a folder not made yet is made private."""
    if not hasattr(os, "geteuid"):  # Windows: the profile folder is the user's own
        return None
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            st = os.lstat(folder)
        except OSError:
            return None  # nothing can be cached there either; reads and writes simply miss
    except OSError:
        return None
    import stat

    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        return "không phải thư mục thường"
    if st.st_uid != os.geteuid():
        return "thư mục thuộc người dùng khác"
    if st.st_mode & 0o022:
        return "người khác ghi được vào thư mục (hãy chạy chmod go-w)"
    return None


def read_plan(path: Path, cache: Path | None, what: str = "tệp kế hoạch", cache_fast: bool = True,
              digest: bool = False) -> RawPlan:
    """Read and parse one plan file; problems instead of exceptions. `cache_fast=False`: a file the fast YAML
    path read is not kept in the parse cache (the query index keeps what a query needs, and parsing it again
    costs about what reading the cache back does plus creating its file, ~1.5 ms a file here). `digest`: give
    the parsed bytes' `content_digest` (none when the parse cache answered)."""
    from tthc_cli.io.files import FileError, read_regular, require_regular

    name = str(path)
    if os.path.isdir(path):  # discover passes a folder only when it could not be read
        return _fail(name, "không đọc được thư mục này (không có quyền?); các kế hoạch trong đó bị bỏ qua")
    try:
        st = require_regular(path, what)
    except FileError as exc:
        return _fail(name, exc.message)
    if st is None:
        return _fail(name, "không tìm thấy tệp (liên kết hỏng?)" if os.path.islink(path) else "không tìm thấy tệp")
    if st.st_size > MAX_BYTES:
        return _fail(name, f"tệp quá lớn ({st.st_size / 1048576:.1f} MB; tối đa 20 MB): có phải tệp kế hoạch không?")
    cache_file = stamp = None
    if cache is not None:
        resolved = str(path.resolve())
        cache_file = cache / f"{_sha1(os.fsencode(resolved)).hexdigest()}.cache"
        stamp = (_CACHE_FORMAT, __version__, resolved, st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino)
        hit = _read_cache(cache_file, stamp, raw=True)
        if hit is not None:
            return RawPlan(name, hit)
    try:
        raw = read_regular(path, MAX_BYTES, what)
    except FileError as exc:
        return _fail(name, exc.message)
    result = parse_bytes(raw, name)
    if digest:
        result.digest = content_digest(raw)
    if result.ok and cache_file is not None:
        if cache_fast or not result.fast:
            _write_cache(cache_file, (stamp, result.data), raw=True)
    return result


class Memo(dict):
    """A dict kept in the cache folder between runs (for example deadline
    resolutions), thrown away whenever `stamp` changes. What a run did not
    use is dropped when it is saved, so entries for edited plans do not pile up.

    Each entry is kept encoded on its own (cachecodec) and decoded when first asked for: a run that looks up
    a few of them (one edited plan's deadlines) does not decode them all (~10 ms for 400 resolutions). An
    entry that does not decode is a miss.

    With `keep`, what a run did not use is kept too, up to `keep` entries in all: the holiday tables of the
    years one plans folder needs must not push out another folder's, or queries of the two in turn would
    each compute their years again."""

    _MARK = "tthc-memo-2"

    def __init__(self, cache: Path | None, name: str, stamp, keep: int = 0):
        super().__init__()
        self._keep = keep
        self._file = cache / f"{name}.cache" if cache is not None else None
        self._stamp = (_CACHE_FORMAT, __version__, stamp)
        self._used: set = set()
        self._kept: dict = {}  # encoded key -> encoded value, as read from the file
        self.dirty = False
        if self._file is not None:
            self._kept = self._read()

    def _read(self) -> dict:
        import marshal

        from tthc_cli.io.cachecodec import encode_key

        try:
            with open(self._file, "rb") as fh:
                if hasattr(os, "geteuid"):
                    st = os.fstat(fh.fileno())
                    if st.st_uid != os.geteuid() or st.st_mode & 0o022:  # planted by someone else: not loaded
                        return {}
                mark, stamp, kept = marshal.loads(fh.read())
            if mark != self._MARK or stamp != encode_key(self._stamp) or type(kept) is not dict:
                return {}
        except Exception:  # noqa: BLE001 - a missing or broken cache is just a miss
            return {}
        return kept

    def get(self, key, default=None):
        self._used.add(key)
        value = dict.get(self, key, _ABSENT)
        if value is not _ABSENT:
            return value
        if not self._kept:
            return default
        from tthc_cli.io.cachecodec import Undecodable, encode_key, loads

        try:
            blob = self._kept.get(encode_key(key))
            if type(blob) is not bytes:
                return default
            value = loads(blob)
        except (TypeError, Undecodable):
            return default
        self[key] = value
        return value

    def put(self, key, value) -> None:
        self[key] = value
        self._used.add(key)
        self.dirty = True
        if self._kept:  # what the file held under this key is stale now
            from tthc_cli.io.cachecodec import encode_key

            try:
                self._kept.pop(encode_key(key), None)
            except TypeError:
                pass

    def used(self) -> list[tuple]:
        """(key, value) of every entry this process looked up or put: what another process of the same run
        (io/forked.py) hands back, for `adopt`."""
        return [(k, self[k]) for k in self._used if k in self]

    def adopt(self, entries) -> None:
        """Entries another process of this run used (`used`): kept as if looked up or put here; one it read
        from the file, as if looked up (the file is not written again for it)."""
        from tthc_cli.io.cachecodec import encode_key

        for k, v in entries:
            if k not in self:
                try:
                    from_file = bool(self._kept) and encode_key(k) in self._kept
                except TypeError:
                    from_file = False
                if not from_file:
                    self.put(k, v)
                    continue
                dict.__setitem__(self, k, v)
            self._used.add(k)

    def save(self) -> None:
        if self._file is None:
            return
        used = [k for k in self._used if k in self]
        if not self.dirty and (self._keep or len(used) == len(self._kept)):
            return
        import marshal

        from tthc_cli.io.cachecodec import dumps, encode_key

        try:
            kept = {}
            for k in used:
                code = encode_key(k)
                blob = self._kept.get(code)
                kept[code] = blob if type(blob) is bytes else dumps(self[k])
            for code, blob in self._kept.items():  # with `keep`: what other runs used, while there is room
                if len(kept) >= self._keep:
                    break
                kept.setdefault(code, blob)
            data = marshal.dumps((self._MARK, encode_key(self._stamp), kept))
        except (TypeError, ValueError):  # something the codec does not keep: not kept
            return
        _write_cache(self._file, data, raw=None)
        self._kept = kept
        self.dirty = False


_ABSENT = object()


def _read_cache(cache_file: Path, stamp, raw: bool = False):
    """The data kept in `cache_file` under `stamp`; None for a miss. `raw`: the parsed YAML of a plan file,
    which `marshal` keeps as it is (dicts, lists, scalars, sets, bytes: data only); else through cachecodec."""
    try:
        with open(cache_file, "rb") as fh:
            if hasattr(os, "geteuid"):
                st = os.fstat(fh.fileno())
                if st.st_uid != os.geteuid() or st.st_mode & 0o022:  # planted by someone else: not loaded
                    return None
            if raw:
                import marshal

                cached_stamp, data = marshal.loads(fh.read())
            else:
                from tthc_cli.io.cachecodec import loads

                cached_stamp, data = loads(fh.read())
    except Exception:  # noqa: BLE001 - a missing or broken cache is just a miss
        return None
    return data if cached_stamp == stamp else None


def parse_bytes(raw: bytes, name: str) -> RawPlan:
    if not raw.strip():
        return _fail(name, "tệp rỗng: một kế hoạch cần có khóa plan và tasks")
    if b"\x00" in raw[:8192]:
        return _fail(name, "tệp nhị phân, không phải tệp kế hoạch YAML")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _fail(name, f"tệp không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại dưới dạng UTF-8")
    data = None
    if _PARSED[0] >= FAST_YAML_AFTER:
        from tthc_cli.io import fastyaml

        collecting = gc.isenabled()
        gc.disable()
        try:
            data = fastyaml.load(text, safe_loader(), raw)  # what PyYAML would build, or None: PyYAML reads it
        finally:
            if collecting:
                gc.enable()
    _PARSED[0] += len(raw)
    if data is not None:
        return RawPlan(name, data, fast=True)
    return _parse_pyyaml(text, name)


FAST_YAML_AFTER = 128 * 1024
"""Bytes a run parses with PyYAML before it turns to rapidyaml (io/fastyaml.py), whose import costs 10-15 ms:
a run that reads one edited plan, or the five bundled ones, is faster without it."""
_PARSED = [0]


def expect_to_parse(n_bytes: int) -> None:
    """The run is about to parse `n_bytes` of plans: when that is enough to pay for importing rapidyaml, the fast
    YAML path is taken from the first file on (instead of PyYAML reading the first 128 KB, ~25 ms more)."""
    if n_bytes >= FAST_YAML_AFTER:
        _PARSED[0] = max(_PARSED[0], FAST_YAML_AFTER)


def _parse_pyyaml(text: str, name: str) -> RawPlan:
    """The reference reading of a plan file, and the only one that explains what is wrong with it."""
    import yaml

    loader = safe_loader()(text)
    loader.merges = "<<" in text
    collecting = gc.isenabled()
    gc.disable()  # parse nodes hold no cycles; the collector's passes made parsing 4x slower on a 14 MB file
    try:
        node = loader.get_single_node()
        if node is not None and _may_anchor(text):
            _check_aliases(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if type(exc) is yaml.MarkedYAMLError:  # one of the checks above: the syntax itself is fine
            return _fail(name, f"YAML không dùng được: {what}", line)
        return _fail(name, f"YAML sai cú pháp: {_yaml_problem_vi(what)}", line)
    except RecursionError:
        return _fail(name, "YAML lồng nhau quá sâu: có phải tệp kế hoạch không?")
    except Exception:  # noqa: BLE001 - an explicit tag on a value it cannot be: `!!int x`, `!!timestamp x`
        return _fail(name, "có giá trị không đúng với thẻ YAML của nó (như !!int x, !!timestamp y, !!bool z); "
                           "hãy bỏ thẻ")
    finally:
        loader.dispose()
        if collecting:
            gc.enable()
    return RawPlan(name, data)


def _may_anchor(text: str) -> bool:
    """Whether the text may define a YAML anchor; without one there can be no alias, and the alias check is
    skipped. Conservative: any "&" not glued to a letter or digit before it counts (YAML also breaks lines
    at U+2028 and NEL), so "HĐND&UBND", as plans write it, is the only kind left out."""
    i = text.find("&")
    while i != -1:
        if i == 0 or not text[i - 1].isalnum():
            return True
        i = text.find("&", i + 1)
    return False


ALIAS_BUDGET = 10_000
"""How many nodes aliases may add to a plan beyond those written out (plans need none)."""


def _marked(node, message: str):
    import yaml

    return yaml.MarkedYAMLError(problem=message, problem_mark=node.start_mark)


def _check_aliases(root) -> None:
    """Refuse a node graph that aliases make cyclic or much larger than the text ("billion laughs").

    The size of each node's expanded tree is counted once (the graph is a DAG
    unless an alias points into its own anchor), so this is linear in the nodes."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]
    unique = 0
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            continue
        if key in size:
            continue
        if key in on_path:
            raise _marked(node, "tham chiếu YAML (&, *) vòng: một giá trị chứa chính nó")
        unique += 1
        on_path.add(key)
        stack.append((node, True))
        for c in _children(node):
            if id(c) not in size:  # one on the path is met again when popped: the cycle check above
                stack.append((c, False))
    if size[id(root)] - unique > max(unique, ALIAS_BUDGET):
        raise _marked(root, f"tham chiếu YAML (&, *) làm tệp lớn lên {thousands(size[id(root)])} phần tử "
                                      f"từ {thousands(unique)}: tệp của tthc không cần tham chiếu, hãy viết thẳng giá trị")


def _children(node) -> list:
    value = node.value
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, tuple):
                out.extend(v)
            else:
                out.append(v)
        return out
    return []


_LOADER = None


def safe_loader():
    """PyYAML's safe loader (the C one when available) with dates left as text.

    PyYAML would turn `2026-02-30` into a date while parsing and fail with a
    bare ValueError and no line; as text, the plan checks report it properly.
    """
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):
            merges = True  # parse_bytes says when the text has no "<<" (then the fast check suffices)

            def construct_mapping(self, node, deep=False):
                """A mapping whose keys are all different: a key written twice is an error, not "the last wins".

                Keys merged in with `<<` may be overridden, as YAML says; keys written out may not."""
                if not self.merges:
                    mapping = super().construct_mapping(node, deep)
                    if len(mapping) != len(node.value):  # shorter than written: two keys are one
                        _unique_keys(node.value, node)
                    return mapping
                written = [k for k, _ in node.value
                           if not (isinstance(k, yaml.ScalarNode) and k.tag == "tag:yaml.org,2002:merge")]
                mapping = super().construct_mapping(node, deep)
                explicit = {k.value for k in written if isinstance(k, yaml.ScalarNode)}
                if len(explicit) != len(written) or len(mapping) < len(written):
                    _unique_keys([(k, None) for k in written], node)
                return mapping

        Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }
        _LOADER = Loader
    return _LOADER


def _unique_keys(pairs, node) -> None:
    """Raise for the first key written twice (with its line); else for two keys that are one value (1, 01)."""
    import yaml

    seen = set()
    for key_node, _ in pairs:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            k = key_node.value
            if k in seen:
                shown = k if len(k) <= 80 else k[:79] + "…"
                raise yaml.MarkedYAMLError(problem=f'khóa "{shown}" viết hai lần trong cùng một bảng',
                                           problem_mark=key_node.start_mark)
            seen.add(k)
    raise yaml.MarkedYAMLError(problem="hai khóa viết khác nhau nhưng cùng một giá trị (như 1 và 01, yes và true) "
                                       "trong cùng một bảng", problem_mark=node.start_mark)


def _yaml_problem_vi(problem: str) -> str:
    known = {
        "mapping values are not allowed here": 'dấu ":" không đúng chỗ (giá trị có dấu ":" cần đặt trong dấu nháy)',
        "could not find expected ':'": 'thiếu dấu ":" sau tên khóa',
        "found character '\\t' that cannot start any token": "có ký tự tab; YAML chỉ dùng dấu cách để thụt lề",
        "did not find expected key": "thụt lề không đúng hoặc thiếu khóa",
        "did not find expected '-' indicator": 'thụt lề không đúng trong danh sách "-"',
        "found undefined alias": "tham chiếu (alias) không được định nghĩa",
        "did not find expected ',' or ']'": 'danh sách "[ … ]" thiếu dấu "," hoặc chưa đóng "]"',
        "did not find expected ',' or '}'": 'bảng "{ … }" thiếu dấu "," hoặc chưa đóng "}"',
        "did not find expected node content": "thiếu giá trị (hoặc ngoặc, dấu nháy chưa đóng)",
        "found unexpected end of stream": "tệp hết giữa chừng: thiếu dấu nháy đóng hoặc ngoặc đóng",
        "found unknown escape character": 'trong dấu nháy kép có "\\" không hợp lệ; dùng dấu nháy đơn',
        "expected <block end>, but found": "thụt lề không đúng",
        "found character that cannot start any token": "có ký tự không được đứng đầu giá trị (như @ hoặc `); "
                                                        "hãy đặt giá trị trong dấu nháy",
        "found unexpected ':'": 'dấu ":" không đúng chỗ (giá trị có dấu ":" cần đặt trong dấu nháy)',
        "expected a single document in the stream": 'tệp có nhiều tài liệu YAML (dấu "---"); một tệp chỉ một kế hoạch',
        "found duplicate anchor": "tên tham chiếu (&) đặt hai lần",
        "expected alphabetic or numeric character": "tên tham chiếu (& hoặc *) không hợp lệ",
        "could not determine a constructor for the tag": "thẻ YAML (!…) không được dùng trong tệp kế hoạch",
        "exceeded maximum nesting depth": "lồng nhau quá sâu",
        "found unhashable key": "khóa không hợp lệ: một danh sách hoặc bảng không làm khóa được",
        "unacceptable character": "có ký tự không được phép (NUL hoặc ký tự điều khiển)",
        "expected a mapping node, but found": 'sau "<<" phải là một bảng hoặc tham chiếu tới bảng',
        "expected a mapping or list of mappings for merging": 'sau "<<" phải là một bảng hoặc tham chiếu tới bảng',
        "but found another document": 'tệp có nhiều tài liệu YAML (dấu "---"); một tệp chỉ một kế hoạch',
    }
    for en, vi in known.items():
        if problem.startswith(en) or en in problem:
            return vi
    return problem


def _fail(name: str, message: str, line: int | None = None) -> RawPlan:
    return RawPlan(name, None, [Problem(ERROR, message, name, line, "")], ok=False)


def _write_cache(cache_file: Path, payload, raw: bool | None = False) -> None:
    """`raw`: payload is marshalled as it is; False: through cachecodec; None: bytes to write."""
    from tthc_cli.io.files import write_file

    try:
        if raw is None:  # already bytes
            data = payload
        elif raw:
            import marshal

            data = marshal.dumps(payload)
        else:
            from tthc_cli.io.cachecodec import dumps

            data = dumps(payload)
        write_file(cache_file, data, force=True, what="bộ nhớ đệm", durable=False, mode=0o600)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is just not kept
        pass


LINE_INDEX_LIMIT = 4 * 1024 * 1024
_TOP_KEY = lazy_re(r"^([A-Za-z_]\w*):", re.MULTILINE)


def line_index(path: str) -> dict[str, int]:
    """Key path ("tasks[3].lead") to 1-based line, for messages.

    Parses the file again with node positions; only used when there is
    something to report, so the fast path never pays for it.
    """
    import yaml

    from tthc_cli.io.files import read_regular

    try:
        text = read_regular(path, MAX_BYTES, "tệp kế hoạch").decode("utf-8-sig")
    except Exception:  # noqa: BLE001 - no lines is better than no message
        return {}
    if len(text) > LINE_INDEX_LIMIT:  # composing a huge file again would take seconds: top-level keys only
        return {m.group(1): text.count("\n", 0, m.start()) + 1 for m in _TOP_KEY.finditer(text)}
    collecting = gc.isenabled()
    gc.disable()
    try:
        root = yaml.compose(text, Loader=safe_loader())
    except Exception:  # noqa: BLE001 - no lines is better than no message
        return {}
    finally:
        if collecting:
            gc.enable()
    index: dict[str, int] = {}
    stack = [(root, "")]
    while stack:
        node, path_ = stack.pop()
        if node is None:
            continue
        index.setdefault(path_, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                sub = f"{path_}.{k.value}" if path_ else str(k.value)
                index[sub] = k.start_mark.line + 1
                stack.append((v, sub))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                sub = f"{path_}[{i}]"
                index[sub] = v.start_mark.line + 1
                stack.append((v, sub))
    return index


def with_lines(problems: list[Problem]) -> list[Problem]:
    """The same problems, each with the line of its key path where known."""
    indexes: dict[str, dict[str, int]] = {}
    out = []
    for p in problems:
        if p.line is None and p.file and p.path:
            idx = indexes.get(p.file)
            if idx is None:
                idx = indexes[p.file] = line_index(p.file)
            path_ = p.path
            line = None
            while path_ and line is None:  # fall back to the nearest enclosing key
                line = idx.get(path_)
                path_ = _parent_path(path_)
            p = p.replace(line=line)
        out.append(p)
    return out


def _parent_path(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""
