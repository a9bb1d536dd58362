"""The query index: what `due`, `overdue`, `list` and `check` need of every task, already linked and resolved,
in one SQLite file per set of plan paths in the cache folder.

A warm query stats the plan files, checks the key, reads only the tasks the unit can reach, and builds the
items through the core's own functions (`core.queries.collect`, `items_of`): statuses, days, progress, the
warning window and day-off marks are computed at query time, from `today`, the store and the calendar, so
the same bytes come out as from the full load. Tasks come back as `TaskView`s with real `UnitRef`s.

The index is written after a full load that found no error (a plans folder with errors is always loaded
whole, so its messages are printed), and only when every unit a task names reads back as the same unit.
Its key holds everything that can change a row: each plan file's path, size, mtime_ns, ctime_ns and inode
(a same-size edit with the mtime put back still changes the ctime), the list of files, the unit registry
and the config's units, and a stamp of tthc's own code (every module's size and mtime, and the version).
A key that differs, a file that cannot be read as an index or anything unexpected is a miss: the full load
answers and writes a new index. Nothing in it runs code when read (no pickle).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

from tthc_cli import __version__
from tthc_cli.core.deadline import Occurrence
from tthc_cli.core.queries import Selection, item_parts
from tthc_cli.core.units import UnitRef

FORMAT = 2
_PACKAGE = Path(__file__).resolve().parent.parent

_SCHEMA = """
CREATE TABLE meta (key TEXT NOT NULL);
CREATE TABLE plans (n INTEGER PRIMARY KEY, id TEXT, title TEXT, file TEXT, issuer TEXT, document TEXT, units TEXT,
                    period_start TEXT, period_end TEXT);
CREATE TABLE tasks (n INTEGER PRIMARY KEY, plan INTEGER, id TEXT, path_ids TEXT, title TEXT, product TEXT,
                    parent INTEGER, parent_title TEXT, deadline TEXT, lead TEXT, support TEXT, parts TEXT);
CREATE TABLE reach (code TEXT, role TEXT, task INTEGER);
"""
_INDEXES = "CREATE INDEX reach_code ON reach (code, role, task);"  # made after the rows: faster than kept up


class PlanView:
    """A plan as the index keeps it: what the outputs show of it, and the candidate tasks of one query."""

    __slots__ = ("id", "title", "file", "issuer", "document", "tasks")

    def __init__(self, id, title, file, issuer, document):
        self.id, self.title, self.file, self.issuer, self.document = id, title, file, issuer, document
        self.tasks: list[TaskView] = []


class ParentView:
    __slots__ = ("title",)

    def __init__(self, title):
        self.title = title


class TaskView:
    """A leaf task as the index keeps it: the fields the item outputs read, and its parts (item_parts)."""

    __slots__ = ("plan", "id", "path_ids", "title", "product", "parent", "deadline", "lead", "support", "_parts")
    is_leaf = True

    @property
    def item_parts(self) -> list[tuple]:
        """core.queries.item_parts of the task, decoded when first asked (most candidates are not selected)."""
        parts = self._parts
        if isinstance(parts, str):
            parts = self._parts = [(kind, tuple(_occurrence(o) for o in occs), milestone, text)
                                   for kind, occs, milestone, text in json.loads(parts)]
        return parts

    @property
    def ref(self) -> str:
        return f"{self.plan.id}:{self.id}"


class IndexedWorkspace:
    """The part of a Workspace a query needs, read from the index: the registry, and plans for a selection."""

    def __init__(self, db: sqlite3.Connection, registry, files: list[Path]):
        self._db, self.registry, self.files = db, registry, files
        self.problems: list = []
        self.left_out: list = []
        self.errors: list = []

    @property
    def years(self) -> set[int]:
        """The years the working-day calendar must know, as Workspace.years gives them."""
        from tthc_cli.io.workspace import period_years

        rows = self._db.execute("SELECT period_start, period_end FROM plans WHERE period_start IS NOT NULL")
        return period_years((date.fromisoformat(a), date.fromisoformat(b)) for a, b in rows)

    def plans_for(self, selection) -> list[PlanView]:
        """The plans, in order, with the tasks `selection` matches (Selection.reach, kept per task and role)."""
        codes = selection.unit_codes
        db = self._db
        plans = {n: PlanView(*row) for n, *row in db.execute("SELECT n, id, title, file, issuer, document FROM plans "
                                                             "ORDER BY n")}
        if codes is None:
            rows = db.execute("SELECT * FROM tasks ORDER BY n")
        else:
            marks = ",".join("?" * len(codes))
            roles = ("lead", "support") if selection.role == "any" else (selection.role,)
            rows = db.execute(f"SELECT * FROM tasks WHERE n IN (SELECT task FROM reach WHERE code IN ({marks}) "
                              f"AND role IN ({','.join('?' * len(roles))})) ORDER BY n", [*sorted(codes), *roles])
        units = self.registry.units
        parents: dict = {}
        for n, plan, tid, path_ids, title, product, parent, parent_title, deadline, lead, support, parts in rows:
            t = TaskView()
            t.plan = plans[plan]
            t.id, t.path_ids, t.title, t.product, t.deadline = tid, path_ids, title, product, deadline
            t.parent = (parents.get(parent_title) or parents.setdefault(parent_title, ParentView(parent_title))) \
                if parent else None
            t.lead = _refs(lead, units)
            t.support = _refs(support, units)
            t._parts = parts
            t.plan.tasks.append(t)
        return list(plans.values())

    def close(self) -> None:
        self._db.close()


_US, _RS = "\x1f", "\x1e"
"""Unit lists are kept as text US code, joined by RS (plan text is cleaned of control characters)."""


def _refs(cell: str, units) -> tuple:
    if not cell:
        return ()
    out = []
    for entry in cell.split(_RS):
        text, _, code = entry.partition(_US)
        out.append(UnitRef(text, units[code] if code else None))
    return tuple(out)


def _occurrence(o) -> Occurrence:
    due, label, freq, named_day = o
    return Occurrence(date.fromisoformat(due), label, freq, named_day)


def index_file(cache: Path, paths: list[str]) -> Path:
    """The index of one set of plan paths (each set its own file, so two plan folders do not evict each other)."""
    from tthc_cli.io.loader import _sha1

    resolved = "\0".join(os.path.abspath(p) for p in paths)
    return cache / f"index-{_sha1(os.fsencode(resolved)).hexdigest()[:20]}.sqlite"


def key_of(files: list[Path], units_config) -> str:
    """Everything that can change a row of the index, as one string."""
    from tthc_cli.io.loader import _sha1

    h = _sha1()
    h.update(f"{FORMAT}\0{__version__}\0{code_stamp()}\0".encode())
    h.update(json.dumps(units_config, ensure_ascii=False, sort_keys=True, default=str).encode())
    for f in files:
        h.update(os.fsencode(str(f)))
        try:
            st = os.stat(f)
        except OSError as exc:  # a broken link, a folder that could not be read: the load says so, loudly
            h.update(f"\0!{exc.errno}\0".encode())
            continue
        h.update(f"\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0".encode())
    return h.hexdigest()


_STAMP: list = []


def code_stamp() -> str:
    """The size and mtime of every module and data file of tthc: any change to the code that makes rows
    (grammar, units, plan building, linking) or to the bundled unit table makes every index stale."""
    if not _STAMP:
        parts = []
        stack = [str(_PACKAGE)]
        while stack:
            d = stack.pop()
            for e in os.scandir(d):
                if e.is_dir(follow_symlinks=False) and e.name != "__pycache__":
                    stack.append(e.path)
                elif e.name.endswith((".py", ".yaml")):
                    st = e.stat()
                    parts.append(f"{e.path}:{st.st_size}:{st.st_mtime_ns}")
        _STAMP.append("|".join(sorted(parts)))
    return _STAMP[0]


def open_fresh(path: Path, key: str, registry, files: list[Path]) -> IndexedWorkspace | None:
    """The index at `path` if its key is `key`, with the lookup registry (`registry` plus the plans' own units);
    None for a miss (no file, another key, anything unreadable)."""
    from tthc_cli.io.workspace import lookup_registry

    try:
        st = os.stat(path)
        if st.st_uid != os.geteuid() or st.st_mode & 0o077:  # not ours alone: never trusted
            return None
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        row = db.execute("SELECT key FROM meta").fetchone()
        if row is None or row[0] != key:
            db.close()
            return None
        units = [json.loads(u) for (u,) in db.execute("SELECT units FROM plans ORDER BY n")]
        return IndexedWorkspace(db, lookup_registry(registry, units), files)
    except (sqlite3.Error, ValueError):
        db.close()
        return None


def write(path: Path, key: str, ws) -> bool:
    """Write the index of a loaded, error-free workspace to `path` (built in a temporary file, renamed into
    place). False, and nothing written, when a task names a unit the registry would not give back as the same
    unit (plans defining one code differently): such plans are always loaded whole."""
    units = ws.registry.units
    plans_rows, task_rows, reach_rows = [], [], []
    n = 0
    for pn, plan in enumerate(ws.plans):
        plans_rows.append((pn, plan.id, plan.title, plan.file, plan.issuer, plan.document,
                           json.dumps(plan.units, ensure_ascii=False, default=str),
                           plan.period.start.isoformat() if plan.period else None,
                           plan.period.end.isoformat() if plan.period else None))
        for t in plan.tasks:
            if not t.is_leaf:
                continue
            refs = []
            for group in (t.lead, t.support):
                for r in group:
                    if r.unit is not None:
                        same = units.get(r.unit.code)
                        if same is not r.unit and same != r.unit:
                            return False
                    if _US in r.text or _RS in r.text:  # cleaned away from plans; never guessed at
                        return False
                refs.append(_RS.join(f"{r.text}{_US}{r.unit.code if r.unit else ''}" for r in group))
            parts = [(kind, [(o.due.isoformat(), o.label, o.freq, o.named_day) for o in occs], milestone, text)
                     for kind, occs, milestone, text in item_parts(t)]
            parent = t.parent
            task_rows.append((n, pn, t.id, t.path_ids, t.title, t.product, parent is not None,
                              parent.title if parent is not None else None, t.deadline, refs[0], refs[1],
                              json.dumps(parts, ensure_ascii=False)))
            reach_rows.extend((code, "lead", n) for code in Selection.reach(t.lead, t.support, ws.registry))
            reach_rows.extend((code, "support", n) for code in Selection.reach(t.support, t.lead, ws.registry))
            n += 1
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.executescript(_SCHEMA)
            db.executemany("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", plans_rows)
            db.executemany("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", task_rows)
            db.executemany("INSERT INTO reach VALUES (?, ?, ?)", reach_rows)
            db.execute(_INDEXES)
            db.execute("INSERT INTO meta VALUES (?)", (key,))
            db.commit()
        finally:
            db.close()
        os.replace(tmp, path)
        return True
    except (OSError, sqlite3.Error, UnicodeError):  # a file name that is not UTF-8 cannot be kept in SQLite text
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
