"""Reading plan files from disk: safety checks, YAML, a parse cache, line numbers.

The parse cache keeps the parsed data of each plan file (keyed by path, size
and modification time) so `tthc due` on 20,000 tasks does not re-parse YAML on
every run. A cache that cannot be read or written is ignored, never an error.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from tthc_cli import __version__
from tthc_cli.errors import PlanPathError
from tthc_cli.model import ERROR, Problem

MAX_BYTES = 20 * 1024 * 1024
PLAN_SUFFIXES = (".yaml", ".yml")
_CACHE_FORMAT = 3

try:  # CPython's own SHA-1: hashlib would initialise OpenSSL (~3 ms) just to name cache files
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import sha1 as _sha1


class RawPlan:
    """A plan file read from disk: its parsed data or why it could not be."""

    __slots__ = ("file", "data", "problems", "ok")

    def __init__(self, file: str, data: object = None, problems: list[Problem] | None = None, ok: bool = True):
        self.file = file
        self.data = data
        self.problems = problems or []
        self.ok = ok


def discover(paths: list[str]) -> list[Path]:
    """Plan files named by the user: files as given, folders searched recursively."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise PlanPathError(f'không tìm thấy "{raw}" (tệp hoặc thư mục kế hoạch)')
        if p.is_dir():
            found.extend(sorted(
                f for f in p.rglob("*")
                if f.suffix.lower() in PLAN_SUFFIXES and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ))
        else:
            found.append(p)
    seen, unique = set(), []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def cache_dir() -> Path | None:
    """Where parsed plans are cached; TTHC_CACHE_DIR="" turns the cache off."""
    env = os.environ.get("TTHC_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tthc"


def read_plan(path: Path, cache: Path | None) -> RawPlan:
    """Read and parse one plan file; problems instead of exceptions."""
    name = str(path)
    try:
        st = path.stat()
    except OSError as exc:
        return _fail(name, f"không đọc được tệp: {exc.strerror or exc}")
    if st.st_size > MAX_BYTES:
        return _fail(name, f"tệp quá lớn ({st.st_size / 1048576:.1f} MB; tối đa 20 MB): có phải tệp kế hoạch không?")
    cache_file = stamp = None
    if cache is not None:
        resolved = str(path.resolve())
        cache_file = cache / f"{_sha1(resolved.encode()).hexdigest()}.pickle"
        stamp = (_CACHE_FORMAT, __version__, resolved, st.st_mtime_ns, st.st_size)
        hit = _read_cache(cache_file, stamp)
        if hit is not None:
            return RawPlan(name, hit)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _fail(name, f"không đọc được tệp: {exc.strerror or exc}")
    result = parse_bytes(raw, name)
    if result.ok and cache_file is not None:
        _write_cache(cache_file, (stamp, result.data))
    return result


class Memo(dict):
    """A dict kept in the cache folder between runs (for example deadline
    resolutions), thrown away whenever `stamp` changes. What a run did not
    use is dropped when it is saved, so entries for edited plans do not pile up."""

    def __init__(self, cache: Path | None, name: str, stamp):
        super().__init__()
        self._file = cache / f"{name}.pickle" if cache is not None else None
        self._stamp = (_CACHE_FORMAT, __version__, stamp)
        self._used: set = set()
        self.dirty = False
        if self._file is not None:
            self.update(_read_cache(self._file, self._stamp) or {})

    def get(self, key, default=None):
        self._used.add(key)
        return super().get(key, default)

    def put(self, key, value) -> None:
        self[key] = value
        self._used.add(key)
        self.dirty = True

    def save(self) -> None:
        if self._file is None or not (self.dirty or len(self._used) < len(self)):
            return
        _write_cache(self._file, (self._stamp, {k: self[k] for k in self._used if k in self}))
        self.dirty = False


def _read_cache(cache_file: Path, stamp):
    try:
        with open(cache_file, "rb") as fh:
            cached_stamp, data = pickle.load(fh)
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
    import yaml

    try:
        data = yaml.load(text, Loader=safe_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _fail(name, f"YAML sai cú pháp: {_yaml_problem_vi(what)}", line)
    return RawPlan(name, data)


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
            pass

        Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }
        _LOADER = Loader
    return _LOADER


def _yaml_problem_vi(problem: str) -> str:
    known = {
        "mapping values are not allowed here": 'dấu ":" không đúng chỗ (giá trị có dấu ":" cần đặt trong dấu nháy)',
        "could not find expected ':'": 'thiếu dấu ":" sau tên khóa',
        "found character '\\t' that cannot start any token": "có ký tự tab; YAML chỉ dùng dấu cách để thụt lề",
        "did not find expected key": "thụt lề không đúng hoặc thiếu khóa",
        "did not find expected '-' indicator": 'thụt lề không đúng trong danh sách "-"',
        "found undefined alias": "tham chiếu (alias) không được định nghĩa",
    }
    for en, vi in known.items():
        if problem.startswith(en):
            return vi
    return problem


def _fail(name: str, message: str, line: int | None = None) -> RawPlan:
    return RawPlan(name, None, [Problem(ERROR, message, name, line, "")], ok=False)


def _write_cache(cache_file: Path, payload) -> None:
    import tempfile  # only when writing: it pulls in `random`

    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache_file)
    except OSError:
        pass


def line_index(path: str) -> dict[str, int]:
    """Key path ("tasks[3].lead") to 1-based line, for messages.

    Parses the file again with node positions; only used when there is
    something to report, so the fast path never pays for it.
    """
    import yaml

    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
        root = yaml.compose(text, Loader=safe_loader())
    except Exception:  # noqa: BLE001 - no lines is better than no message
        return {}
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
