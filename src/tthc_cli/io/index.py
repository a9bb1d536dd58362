"""The query index: what `due`, `overdue`, `list` and `check` need of every task, already linked and resolved,
in one SQLite file per set of plan paths in the cache folder.

A warm query stats the plan files, checks the keys, reads only the tasks the selection matches (the `reach`
rows, kept per task and role by `Selection.reach`), and builds the items through the core's own functions
(`core.queries.collect`, `items_of`): statuses, days, progress, the warning window and day-off marks are
computed at query time, from `today`, the store and the calendar, so the same bytes come out as from the full
load. Tasks come back as `TaskView`s with real `UnitRef`s.

Keys: the index as a whole is keyed by tthc's own code (every module's size and mtime, the version), the
config's units and the list of plan files; each file by its size, mtime_ns, ctime_ns and inode (a same-size
edit with the mtime put back still changes the ctime), and the digest of the bytes its rows were made of: a
changed file with the same bytes (touched, saved unchanged) only has its stat updated. When only a few files
changed, each is read, built and linked alone and its rows replaced (`refresh`), provided nothing it does can
reach another plan: the same plan id, no `units:` of its own, no `after:` link to or from another plan, no
error. Anything else, or a file that cannot be read as an index, is a miss: the full load answers and writes
the index anew (only when it found no error, so a plans folder with errors is always loaded whole and its
messages printed).

The index is only ever replaced whole (written beside it and renamed), so a reader never sees half an
update. Nothing in it runs code when read (no pickle; a task's parts are kept with marshal: tuples of
numbers and text).
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from datetime import date
from pathlib import Path

from tthc_cli import __version__
from tthc_cli.core.communes import Commune
from tthc_cli.core.deadline import Occurrence, Period
from tthc_cli.core.model import ERROR
from tthc_cli.core.queries import Selection, item_parts
from tthc_cli.core.units import UnitRef

FORMAT = 10
MAX_REFRESH = 8
"""How many changed plan files are read alone; more is a full load."""
PAGE_SIZE = 16384
"""The index's SQLite page size: a warm `due` at 20,000 tasks reads rows from most of its ~10 MB, a page per
read call (4 KiB pages: ~2.5 ms more), and a cold run writes it (~10 ms more)."""
STALE_STATS = 4
"""How many files touched without a change to their bytes are left with their old stat in the index."""
_PACKAGE = Path(__file__).resolve().parent.parent

_SCHEMA = """
CREATE TABLE meta (key TEXT NOT NULL);
CREATE TABLE files (n INTEGER PRIMARY KEY, path TEXT, stat TEXT, digest TEXT);
CREATE TABLE plans (n INTEGER PRIMARY KEY, id TEXT, title TEXT, file TEXT, issuer TEXT, document TEXT, units TEXT,
                    period_start TEXT, period_end TEXT, linked INTEGER, closed INTEGER, commune TEXT);
CREATE TABLE tasks (plan INTEGER, seq INTEGER, id TEXT, path_ids TEXT, title TEXT, product TEXT, parent INTEGER,
                    parent_title TEXT, deadline TEXT, lead TEXT, support TEXT, parts BLOB, first_due INTEGER);
CREATE TABLE reach_lists (plan INTEGER, code TEXT, role TEXT, tasks TEXT);
CREATE VIEW reach (code, role, task) AS SELECT code, role, j.value FROM reach_lists, json_each(reach_lists.tasks) AS j;
CREATE TABLE registry (state BLOB);
"""
_INDEXES = """
CREATE INDEX reach_lists_code ON reach_lists (code, role);
CREATE INDEX tasks_order ON tasks (plan, seq);
"""  # made after the rows: faster than kept up while inserting
_REACH_ROWS = "INSERT INTO reach_lists VALUES (?, ?, ?, ?)"
"""`reach` (code, role, task: what Selection.reach gives each task) is kept as one row per plan, code and role
holding the task numbers as a JSON list, and read through a view as one row per task: a plan's ~300 reach
rows are a dozen rows to write (at 20,000 tasks, ~70 ms less to write and index) and to replace."""

_US, _RS = "\x1f", "\x1e"
"""Unit lists are kept as text US code, joined by RS (plan text is cleaned of control characters)."""


class PlanView:
    """A plan as the index keeps it: what the outputs show of it, and the tasks of one query."""

    __slots__ = ("id", "title", "file", "issuer", "commune", "document", "period", "closed", "tasks")

    def __init__(self, id, title, file, issuer, document, start, end, closed, commune):
        self.id, self.title, self.file, self.issuer, self.document = id, title, file, issuer, document
        self.commune = _commune(commune)
        self.period = Period(date.fromisoformat(start), date.fromisoformat(end)) if start else None
        self.closed = bool(closed)
        self.tasks: list[TaskView] = []


class ParentView:
    __slots__ = ("title",)

    def __init__(self, title):
        self.title = title


class TaskView:
    """A leaf task as the index keeps it: the fields the item outputs read, and its parts (core.queries.item_parts;
    read only: tasks with the same deadline share them)."""

    __slots__ = ("plan", "id", "path_ids", "title", "product", "parent", "deadline", "lead", "support", "item_parts")
    is_leaf = True

    @property
    def ref(self) -> str:
        return f"{self.plan.id}:{self.id}"


class IndexedWorkspace:
    """The part of a Workspace a query needs, read from the index: the registry, and plans for a selection."""

    selects = True
    """plans_for gives only the tasks the selection matches."""

    def __init__(self, db: sqlite3.Connection, registry, files: list[Path]):
        self._db, self.registry, self.files = db, registry, files
        self.problems: list = []
        self.left_out: list = []
        self.errors: list = []
        self.default_commune = None  # the commune of plans that name no issuer (the config's `commune:`)

    @property
    def years(self) -> set[int]:
        """The years the working-day calendar must know, as Workspace.years gives them."""
        from tthc_cli.core.workdays import period_years

        rows = self._db.execute("SELECT period_start, period_end FROM plans WHERE period_start IS NOT NULL")
        return period_years((date.fromisoformat(a), date.fromisoformat(b)) for a, b in rows)

    def plans_for(self, selection, due_by: tuple[date, date] | None = None) -> list[PlanView]:
        """The plans, in order, with the tasks `selection` matches (Selection.reach, kept per task and role).

        `due_by` (horizon, today), for `due` and `overdue`: leave out the tasks whose every date is after the
        horizon, since none of their items can be shown or counted, except in plans whose period ended before
        today (their open items are all counted, `queries.ended_and_open`)."""
        db = self._db
        plans = {n: PlanView(*row) for n, *row in db.execute(
            "SELECT n, id, title, file, issuer, document, period_start, period_end, closed, commune FROM plans "
            "ORDER BY n")}
        where, args = [], []
        if self.default_commune is not None:
            for p in plans.values():
                p.commune = p.commune or self.default_commune
        if selection.communes is not None:
            plans = {n: p for n, p in plans.items() if selection.takes(p)}
            where.append(f"plan IN ({','.join('?' * len(plans))})")
            args += list(plans)
        codes = selection.unit_codes
        if codes is not None:
            roles = ("lead", "support") if selection.role == "any" else (selection.role,)
            where.append(f"rowid IN (SELECT task FROM reach WHERE code IN ({','.join('?' * len(codes))}) "
                         f"AND role IN ({','.join('?' * len(roles))}))")
            args += [*sorted(codes), *roles]
        if due_by is not None:
            horizon, today = due_by
            where.append("(first_due IS NULL OR first_due <= ? OR plan IN (SELECT n FROM plans WHERE period_end < ?))")
            args += [horizon.toordinal(), today.isoformat()]
        rows = db.execute("SELECT plan, id, path_ids, title, product, parent, parent_title, deadline, lead, support, "
                          f"parts FROM tasks {'WHERE ' + ' AND '.join(where) if where else ''} "
                          "ORDER BY rowid", args)  # a plan's tasks are rows base + seq (_insert_tasks): in order,
        # and, unlike ORDER BY plan, seq, what the rowid IN (…) search gives anyway (no sort)
        units = self.registry.units
        parents: dict = {}
        cells: dict = {}  # lead and support cells repeat ("Các cơ quan, đơn vị …"): each is decoded once,
        decoded: dict = {}  # and so do parts ("Quý II/2026", "Định kỳ hằng quý")
        current = view = tasks = None
        for plan, tid, path_ids, title, product, parent, parent_title, deadline, lead, support, parts in rows:
            if plan != current:  # rows come plan by plan (a plan refreshed alone comes last)
                current, view = plan, plans[plan]
                tasks = view.tasks
            t = TaskView()
            t.plan, t.id, t.path_ids, t.title, t.product, t.deadline = view, tid, path_ids, title, product, deadline
            if parent:
                got = parents.get(parent_title)
                if got is None:
                    got = parents[parent_title] = ParentView(parent_title)
                t.parent = got
            else:
                t.parent = None
            got = cells.get(lead)
            if got is None:
                got = cells[lead] = _refs(lead, units)
            t.lead = got
            got = cells.get(support)
            if got is None:
                got = cells[support] = _refs(support, units)
            t.support = got
            got = decoded.get(parts)
            if got is None:
                got = decoded[parts] = _parts(parts)
            t.item_parts = got
            tasks.append(t)
        return list(plans.values())

    def assign_commune(self, commune) -> None:
        """As Workspace.assign_commune, for the plans plans_for reads."""
        self.default_commune = commune

    def communes(self) -> list:
        """As Workspace.communes."""
        return list(dict.fromkeys(_commune(kept) or self.default_commune
                                  for kept, in self._db.execute("SELECT commune FROM plans ORDER BY n")))

    def changed(self, stats: list | None = None) -> list[int]:
        """The numbers of the plan files whose stat differs from when their rows were written; `stats`: the
        files' os.stat results as `discover` just gave them (None where the stat failed: made again here)."""
        kept = dict(self._db.execute("SELECT n, stat FROM files"))
        if stats is None or len(stats) != len(self.files):  # (misaligned: every file is stated again)
            stats = [None] * len(self.files)
        return [n for n, (f, st) in enumerate(zip(self.files, stats)) if kept.get(n) != _stat(f, st)]

    def plan_row(self, n: int):
        return self._db.execute("SELECT id, units, linked FROM plans WHERE n = ?", (n,)).fetchone()

    def close(self) -> None:
        self._db.close()


def _commune(kept: str | None):
    """The commune a plans row keeps (`_commune_text`): Plan.commune, worked out when the row was written."""
    if kept is None:
        return None
    key, level, name = kept.split(_US)
    return Commune(key, level or None, name)


def _commune_text(commune) -> str | None:
    return None if commune is None else _US.join((commune.key, commune.level or "", commune.name))


def _refs(cell: str, units) -> tuple:
    if not cell:
        return ()
    out = []
    for entry in cell.split(_RS):
        text, _, code = entry.partition(_US)
        out.append(UnitRef(text, units[code] if code else None))
    return tuple(out)


def _parts(blob: bytes) -> list[tuple]:
    return [(kind, tuple(_occurrence(o) for o in occs), milestone, text) for kind, occs, milestone, text
            in marshal.loads(blob)]


def _occurrence(o) -> Occurrence:
    due, label, freq, named_day = o
    return Occurrence(date.fromordinal(due), label, freq, named_day)


def index_file(cache: Path, paths: list[str]) -> Path:
    """The index of one set of plan paths (each set its own file, so two plan folders do not evict each other)."""
    from tthc_cli.io.loader import _sha1

    resolved = "\0".join(os.path.abspath(p) for p in paths)
    return cache / f"index-{_sha1(os.fsencode(resolved)).hexdigest()[:20]}.sqlite"


def key_of(files: list[Path], units_config) -> str:
    """What makes every row stale when it changes: tthc's code, the config's units, the list of plan files."""
    from tthc_cli.io.loader import _sha1

    h = _sha1()
    h.update(f"{FORMAT}\0{__version__}\0{code_stamp()}\0".encode())
    h.update(_json(units_config).encode())
    for f in files:
        h.update(os.fsencode(str(f)) + b"\0")
    return h.hexdigest()


def _stat(f: Path, st: os.stat_result | None = None) -> str:
    """What the index keeps of a file's stat (`st`, or made now), or of why it failed."""
    if st is None:
        try:
            st = os.stat(f)
        except OSError as exc:  # a broken link, a folder that could not be read: the load says so, loudly
            return f"!{exc.errno}"
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _json(value, sort_keys: bool = True) -> str:
    """`value` as JSON text; an empty list or none without importing json (a warm run's plans and config
    seldom have units of their own)."""
    if value is None:
        return "null"
    if isinstance(value, list) and not value:
        return "[]"
    return _dumps(value, sort_keys)


def _dumps(value, sort_keys: bool) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, default=str)


def _units(text: str):
    """A plan's `units:` as kept by _json."""
    if text in ("[]", "null"):
        return [] if text == "[]" else None
    import json

    return json.loads(text)


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


def _read_only(path: Path) -> sqlite3.Connection:
    """The index for reading: immutable, since it is only ever replaced whole, never changed in place."""
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def open_index(path: Path, key: str, files: list[Path]) -> IndexedWorkspace | None:
    """The index at `path` if its key is `key`, with the lookup registry it keeps (the config's registry plus
    the plans' own units, as Workspace.registry: the key covers all of them); None for a miss (no file, another
    key, not ours alone, anything unreadable). Its files may have changed since (`IndexedWorkspace.changed`)."""
    from tthc_cli.core.units import Registry

    try:
        st = os.stat(path)
        if st.st_uid != os.geteuid() or st.st_mode & 0o077:  # not ours alone: never trusted
            return None
        db = _read_only(path)
    except (OSError, sqlite3.Error):
        return None
    try:
        row = db.execute("SELECT key FROM meta").fetchone()
        if row is None or row[0] != key:
            db.close()
            return None
        db.execute("SELECT json_valid('[]')")  # the reach view needs SQLite's JSON functions (built in from 3.38)
        row = db.execute("SELECT state FROM registry").fetchone()
        if row is None:
            db.close()
            return None
        return IndexedWorkspace(db, Registry.from_state(marshal.loads(row[0])), files)
    except (sqlite3.Error, ValueError, EOFError, TypeError):  # marshal: ValueError, EOFError, TypeError
        db.close()
        return None


def _plan_rows(n: int, plan, registry, linked: bool, memo: tuple[dict, dict] | None = None):
    """The rows of one plan: its plans row, its task rows and its reach ((code, role) -> the numbers of its
    tasks, relative to the plan's first row, in order); None when a unit it names would not read back as the same unit, or text holds a separator.
    `memo`, shared by the plans of one write: what a resolution (one object for every task with the same
    deadline: the link's memo) and a pair of lead and support tuples (one object per cell: the registry's
    cache) give, worked out once each."""
    parts_memo, units_memo = ({}, {}) if memo is None else memo
    tasks = []
    cells: dict = {}  # (id(lead), id(support)) -> [its unit rows, the tasks with that lead and support]
    paths: dict = {}  # id(parent) -> (parent, its path_ids): Task.path_ids walks every ancestor each time
    for t in plan.tasks:
        if t.children:  # not a leaf
            continue
        parent = t.parent
        if parent is None:
            path_ids = t.local_id
        else:
            known = paths.get(id(parent))
            if known is None or known[0] is not parent:
                known = paths[id(parent)] = (parent, parent.path_ids)
            path_ids = f"{known[1]} › {t.local_id}"
        lead, support = t.lead, t.support
        key = (id(lead), id(support))
        units = units_memo.get(key)
        if units is None or units[0] is not lead or units[1] is not support:  # kept alive there: ids not reused
            rows = _unit_rows(lead, support, registry)
            if rows is None:
                return None
            units = units_memo[key] = (lead, support, *rows)
        res = t.resolution
        parts = parts_memo.get(id(res))
        if parts is None or parts[0] is not res:
            decoded = [(kind, [(o.due.toordinal(), o.label, o.freq, o.named_day) for o in occs], milestone, text)
                       for kind, occs, milestone, text in item_parts(t)]
            # the earliest day the task can fall due, when every part has its dates: a `due` whose window ends
            # before it need not read the task (an item's date is its occurrence's or, rolled forward, later)
            first_due = min(o[0] for p in decoded for o in p[1]) if all(p[1] for p in decoded) else None
            parts = parts_memo[id(res)] = (res, marshal.dumps(decoded), first_due)
        seq = len(tasks)
        tasks.append((n, seq, t.id, path_ids, t.title, t.product, parent is not None,
                      parent.title if parent is not None else None, t.deadline, units[2], units[3],
                      parts[1], parts[2]))
        cell = cells.get(key)
        if cell is None or cell[0] is not units:
            cell = cells[key] = (units, [])
        cell[1].append(seq)
    reach: dict[tuple[str, str], list[int]] = {}
    for units, seqs in cells.values():
        for code in units[4]:
            reach.setdefault((code, "lead"), []).extend(seqs)
        for code in units[5]:
            reach.setdefault((code, "support"), []).extend(seqs)
    for seqs in reach.values():
        seqs.sort()
    commune = plan.commune
    if commune is not None and _US in commune.key + commune.name:  # cleaned away from plans; never guessed at
        return None
    period = plan.period
    row = (n, plan.id, plan.title, plan.file, plan.issuer, plan.document,
           _json(plan.units, sort_keys=False),
           period.start.isoformat() if period else None, period.end.isoformat() if period else None, linked,
           plan.closed, _commune_text(plan.commune))
    return row, tasks, reach


def _unit_rows(lead, support, registry) -> tuple | None:
    """A task's lead and support as the index keeps them, and the codes `Selection.reach` gives for each role;
    None when a unit would not read back as the same unit, or a name holds a separator."""
    units = registry.units
    texts = []
    for group in (lead, support):
        for r in group:
            if r.unit is not None:
                same = units.get(r.unit.code)
                if same is not r.unit and same != r.unit:
                    return None
            if _US in r.text or _RS in r.text:  # cleaned away from plans; never guessed at
                return None
        texts.append(_RS.join(f"{r.text}{_US}{r.unit.code if r.unit else ''}" for r in group))
    return (texts[0], texts[1], tuple(Selection.reach(lead, support, registry)),
            tuple(Selection.reach(support, lead, registry)))


def _insert(db, row, tasks, reach) -> None:
    """Insert one plan's rows, its tasks numbered after every task already there."""
    db.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    _insert_tasks(db, db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM tasks").fetchone()[0], tasks, reach)


def _insert_tasks(db, base: int, tasks, reach) -> None:
    """One plan's task and reach rows, its tasks numbered from `base`."""
    db.executemany("INSERT INTO tasks (rowid, plan, seq, id, path_ids, title, product, parent, parent_title, deadline, "
                   "lead, support, parts, first_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(base + task[1], *task) for task in tasks])
    if reach:
        plan = tasks[0][0]
        db.executemany(_REACH_ROWS, [(plan, code, role, f"[{','.join([str(base + seq) for seq in seqs])}]")
                                     for (code, role), seqs in reach.items()])  # a JSON list of numbers


def _cross_plan(plans) -> set[str]:
    """The ids of plans with an `after:` link to or from another plan (their rows are never refreshed alone)."""
    out = set()
    for plan in plans:
        for t in plan.tasks:
            for ref in t.after:
                if ":" in ref:
                    other = ref.split(":", 1)[0].strip()
                    if other != plan.id:
                        out |= {plan.id, other}
    return out


def stats(files: list[Path]) -> list[str]:
    """Each file's stat as the index keeps it; taken before the files are read, so an edit made while they
    are read is seen as a change by the next run."""
    return [_stat(f) for f in files]


def write(path: Path, key: str, ws, before: list[str]) -> bool:
    """Write the index of a loaded, error-free workspace to `path` (built in a temporary file, renamed into
    place), its files' stats as `before` gives them. False, and nothing written, when a task names a unit the
    registry would not give back as the same unit (plans defining one code differently): such plans are always
    loaded whole. The garbage collector is paused meanwhile, as for the load: the rows hold no cycles, and so
    many of them set off a full collection over the loaded plans (0.05-0.08 s at 20,000 tasks)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write(path, key, ws, before)
    finally:
        if collecting:
            gc.enable()


def _write(path: Path, key: str, ws, before: list[str]) -> bool:
    linked = _cross_plan(ws.plans)
    rows = []
    memo: tuple[dict, dict] = ({}, {})
    for n, plan in enumerate(ws.plans):
        r = _plan_rows(n, plan, ws.registry, plan.id in linked, memo)
        if r is None:
            return False
        rows.append(r)

    def fill(db):
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO files VALUES (?, ?, ?, NULL)",
                       [(n, str(f), before[n]) for n, f in enumerate(ws.files)])
        for row, tasks, reach in rows:
            _insert(db, row, tasks, reach)
        db.executescript(_INDEXES)
        db.execute("INSERT INTO registry VALUES (?)", (marshal.dumps(ws.registry.state()),))
        db.execute("INSERT INTO meta VALUES (?)", (key,))

    return _replace(path, fill, None)


def build(path: Path | None, key: str, files: list[Path], registry, cache, before: list[str], progress=None):
    """Read, build and resolve the plan files one at a time, writing each one's rows as it goes and letting its
    plan go, then check the `after:` links of them all; the index opened anew (an IndexedWorkspace, as a warm
    run reads it), or None when the full load must answer: any problem that is an error, a file that gives no
    plan, a plan id twice, a unit that would not read back (see `write`), or an index that cannot be written.
    With no `path` (and no `cache`: `--no-cache`), the index is made in memory and kept nowhere.

    Only one plan's objects are alive at a time (a cold run at 50,000 tasks holds a fraction of what the full
    load does), and files the fast YAML path read get no parse cache file (see loader.read_plan). The rows are
    those `write` makes of the full load, in the same order; the `linked` mark of plans with an `after:` link
    to or from another plan is set once all are read. The garbage collector is paused, as for the load; each
    plan is let go once its rows are out (`Plan.let_go`), so reference counting frees it whole, with no pass of
    the collector. From `FORK_AT` bytes of plans, a forked child (io/forked.py) reads the last half of them (by
    bytes) meanwhile and hands their rows back, inserted after the main process's own: the same rows, in the same
    order, on two cores; where the child cannot be made, or fails, the main process reads its files too."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(path, key, files, registry, cache, before, progress)  # it starts `progress`
    finally:
        if progress is not None:
            progress.stop()
        if collecting:
            gc.enable()


class _Abandon(Exception):
    """The streamed build found what only the full load may answer."""


FORK_AT = 2 * 1024 * 1024
"""Bytes of plans from which a cold build has a forked child read part of them (io/forked.py): below it,
forking and handing rows back cost about what they save."""
FORKED_SHARE = 0.5
"""The share of the plans' bytes the child reads: the main process also writes every row into the index."""


def _build(path, key, files, registry, cache, before, progress):
    from tthc_cli.core.graph import resolve_plans
    from tthc_cli.io.forked import Forked
    from tthc_cli.io.loader import expect_to_parse
    from tthc_cli.io.workspace import read_one, resolutions

    sizes = [0 if st.startswith("!") else int(st.split(":", 1)[0]) for st in before]
    expect_to_parse(sum(sizes))
    memo = resolutions(cache)
    ids: dict[str, str] = {}  # plan id -> its task ids joined by _SEP, for the `after:` check
    afters: list[tuple[str, str, tuple]] = []  # (plan id, task id, after refs) of every task with after:

    rows_memo: tuple[dict, dict] = ({}, {})
    digests: list = []  # each file's content_digest, in order (None when the parse cache answered)

    def read(n: int) -> tuple:
        """Read, build and resolve plan file `n`: its rows, its plan id, its task ids joined by _SEP, (task id,
        after refs) of its tasks with `after:`, and its digest (marshal data: a forked child hands it back)."""
        digest: list = []
        plan, problems, _ = read_one(files[n], cache, cache_fast=False, digest=digest)
        # a plan's own units: the lookup registry `write` checks the rows against holds every plan's units
        if plan is None or plan.units or any(p.severity == ERROR for p in problems):
            raise _Abandon
        resolve_plans([plan], registry, memo)
        rows = _plan_rows(n, plan, registry, False, rows_memo)
        if rows is None:
            raise _Abandon
        # one string, not the plan's own id strings: a few small objects kept from each plan would pin the
        # memory pools the rest of it was freed from (the run's peak grew ~0.5 KiB a task)
        out = (rows, plan.id, _SEP.join(plan.by_id), [(t.id, t.after) for t in plan.tasks if t.after], digest[0])
        plan.let_go()
        return out

    def insert(db, n: int, base: int, got: tuple) -> int:
        """Insert plan file `n`'s rows (`read`), its tasks numbered from `base`; how many task rows."""
        (row, tasks, reach), plan_id, joined, links, digest = got
        if plan_id in ids:
            raise _Abandon
        ids[plan_id] = joined
        afters.extend((plan_id, tid, refs) for tid, refs in links)
        digests.append(digest)
        db.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        _insert_tasks(db, base, tasks, reach)
        return len(tasks)

    split = _split(sizes)
    child = None

    def fill(db):
        db.executescript(_SCHEMA)
        base = 1
        theirs = None
        for n, f in enumerate(files):
            if progress is not None:
                progress.step(n, f.name)
            if n == split and child is not None:
                theirs = _handed_back(child, memo)
            got = next(theirs, None) if theirs is not None else None
            if got is None:  # read here: before the split, or what a failed child did not hand back
                theirs, got = None, read(n)
            base += insert(db, n, base, got)
        if progress is not None:
            progress.step(len(files), "")
        db.executemany("INSERT INTO files VALUES (?, ?, ?, ?)",
                       [(n, str(f), before[n], digests[n]) for n, f in enumerate(files)])
        linked = _after_check(ids, afters)
        if linked is None:
            raise _Abandon
        if linked:
            db.execute(f"UPDATE plans SET linked = 1 WHERE id IN ({','.join('?' * len(linked))})", sorted(linked))
        db.executescript(_INDEXES)
        # no plan has units of its own (see `read`): the lookup registry is the config's
        db.execute("INSERT INTO registry VALUES (?)", (marshal.dumps(registry.state()),))
        db.execute("INSERT INTO meta VALUES (?)", (key,))

    try:  # the child is closed (ended if need be, and reaped) whatever follows its start, Ctrl-C included
        if split < len(files):
            child = Forked.start(lambda: _read_in_child(read, range(split, len(files)), memo))
        if progress is not None:
            progress.start(len(files))  # after the fork: the child must not copy a spinner's thread
        if path is None:  # --no-cache: the same rows, in memory, and nothing written anywhere
            db = sqlite3.connect(":memory:")
            try:
                fill(db)
                db.commit()
                db.execute("SELECT json_valid('[]')")  # as open_index checks
            except (sqlite3.Error, UnicodeError, _Abandon):
                db.close()
                return None
            return IndexedWorkspace(db, registry, files)
        try:
            done = _replace(path, fill, None, (_Abandon,))
        finally:
            memo.save()
    finally:
        if child is not None:
            child.close()
    if not done:
        return None
    return open_index(path, key, files)


_SEP = "\0"  # not in a task id: clean_text removes control characters


def _split(sizes: list[int]) -> int:
    """How many plan files, from the first, the main process reads; a forked child reads the rest
    (`FORKED_SHARE` of the bytes), or none when there are fewer than `FORK_AT` bytes."""
    total = sum(sizes)
    if total < FORK_AT or len(sizes) < 2:
        return len(sizes)
    kept = 0
    for n, size in enumerate(sizes):
        if kept >= total * (1 - FORKED_SHARE):
            return n
        kept += size
    return len(sizes)


def _read_in_child(read, numbers, memo) -> list:
    """What a forked child hands back: first whether one of the files `numbers` leaves the answer to the full
    load and the deadline resolutions it used (cachecodec bytes, or None), then `read`'s result for each file
    (none after an abandon)."""
    from tthc_cli.io.cachecodec import dumps
    from tthc_cli.io.forked import orphaned

    results, abandon = [], False
    try:
        for n in numbers:
            if orphaned():  # the main process is gone (killed): nobody will read these
                break
            results.append(read(n))
    except _Abandon:
        results, abandon = [], True
    try:
        used = dumps(memo.used())
    except (TypeError, ValueError):
        used = None
    return [(abandon, used), *results]


def _handed_back(child, memo):
    """The results of the files a forked child read, one at a time (fewer, or none, when it failed: the main
    process reads the rest itself), its resolutions kept in `memo`. _Abandon when one of them leaves the answer
    to the full load."""
    from tthc_cli.io.cachecodec import Undecodable, loads

    items = child.items()
    head = next(items, None)
    if head is None:
        return None
    abandon, used = head
    if used is not None:
        try:
            memo.adopt(loads(used))
        except (Undecodable, TypeError, ValueError):
            pass
    if abandon:
        raise _Abandon
    return items


def _after_check(ids: dict[str, str], afters: list) -> set[str] | None:
    """The ids of plans with an `after:` link to or from another plan (`_cross_plan`), or None when a link
    names no task or the links make a cycle (graph._check_links would report an error: the full load answers).
    `ids`: each plan's task ids, joined by _SEP."""
    if not afters:
        return set()
    ids = {pid: set(joined.split(_SEP)) if joined else set() for pid, joined in ids.items()}
    linked = set()
    edges: dict[tuple, list[tuple]] = {}
    for pid, tid, refs in afters:
        targets = []
        for ref in refs:
            if ":" in ref:
                other = ref.split(":", 1)[0].strip()
                if other != pid:
                    linked |= {pid, other}
                opid, otid = ref.split(":", 1)
                opid, otid = opid.strip(), otid.strip()
            else:
                opid, otid = pid, ref.strip()
            if otid not in ids.get(opid, ()):
                return None
            targets.append((opid, otid))
        edges[(pid, tid)] = targets
    colour: dict[tuple, int] = {}  # 1 on the path, 2 done
    for start in edges:
        if start in colour:
            continue
        colour[start] = 1
        stack = [(start, iter(edges[start]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
            elif colour.get(nxt) == 1:
                return None
            elif nxt not in colour:
                colour[nxt] = 1
                stack.append((nxt, iter(edges.get(nxt, ()))))
    return linked


def refresh(path: Path, ws: IndexedWorkspace, changed: list[int], registry, cache) -> IndexedWorkspace | None:
    """Read, build and link the changed plan files alone and replace their rows; the index anew, or None when
    a file cannot be refreshed alone (see the module's docstring) and the full load must answer. `registry`:
    the config's registry, or a function that makes it (called only when a file must be read).

    A file whose bytes are those its rows were made of (touched, saved unchanged, checked out again) is not
    read as a plan: its rows are what reading it would give. Only its stat is new, and that is not worth
    replacing the index for (a copy of the whole file, ~10 MB at 20,000 tasks, and freeing the old one:
    ~10-15 ms): the index is left as it is, and each run compares the file's digest again (~0.1 ms for 40 KB),
    until the index is written for an edit or `STALE_STATS` such files wait."""
    memo = None
    new = []
    same = []  # (n, stat) of the files whose content is the one indexed
    for n in changed:
        old = ws.plan_row(n)
        if old is None or old[2] or _units(old[1]):
            return None
        before = _stat(ws.files[n])
        if _unchanged(ws, n):
            same.append((n, before))
            continue
        from tthc_cli.core.graph import link
        from tthc_cli.io.workspace import read_one, resolutions

        digest: list = []
        plan, problems, _ = read_one(ws.files[n], cache, digest=digest)
        if plan is None or plan.id != old[0] or plan.units:
            return None
        memo = resolutions(cache) if memo is None else memo  # read, not saved: the full load keeps it tidy
        # linked alone, an `after:` to another plan finds no task there: an error, so the full load answers
        if callable(registry):  # made only now: a touched file needs none
            registry = registry()
        problems = problems + link([plan], registry, memo)
        if any(p.severity == ERROR for p in problems):
            return None
        rows = _plan_rows(n, plan, ws.registry, False)
        if rows is None:
            return None
        new.append((n, rows, before, digest[0]))

    def update(db):
        for n, (row, tasks, reach), before, digest in new:
            db.execute("DELETE FROM reach_lists WHERE plan = ?", (n,))
            db.execute("DELETE FROM tasks WHERE plan = ?", (n,))
            db.execute("DELETE FROM plans WHERE n = ?", (n,))
            _insert(db, row, tasks, reach)
            db.execute("UPDATE files SET stat = ?, digest = ? WHERE n = ?", (before, digest, n))
        db.executemany("UPDATE files SET stat = ? WHERE n = ?", [(before, n) for n, before in same])

    if not new and len(same) < STALE_STATS:
        return ws
    if not _replace(path, update, path):
        return None
    ws.close()
    try:
        db = _read_only(path)
    except sqlite3.Error:
        return None
    return IndexedWorkspace(db, ws.registry, ws.files)


def _unchanged(ws: IndexedWorkspace, n: int) -> bool:
    """Whether plan file `n` holds the bytes its rows were made of (by the digest kept with them)."""
    from tthc_cli.io.files import FileError, read_regular
    from tthc_cli.io.loader import MAX_BYTES, content_digest

    kept = ws._db.execute("SELECT digest FROM files WHERE n = ?", (n,)).fetchone()
    if kept is None or kept[0] is None:
        return False
    try:
        raw = read_regular(ws.files[n], MAX_BYTES)
    except FileError:
        return False
    return content_digest(raw) == kept[0]


def _replace(path: Path, fill, start_from: Path | None, give_up: tuple = ()) -> bool:
    """Build the index in a temporary file beside `path` (from a copy of `start_from`, or empty) with
    `fill(db)`, and rename it into place; False, and nothing changed, when that fails. The temporary file is
    removed whatever happens, Ctrl-C included."""
    from tthc_cli.io.files import TEMP_SUFFIX, sweep_once

    sweep_once(path.parent)  # what a run killed while writing left behind, as the cache's other writers do
    tmp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    placed = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        if start_from is not None:
            import shutil

            shutil.copyfile(start_from, tmp)
        db = sqlite3.connect(tmp)
        try:
            if start_from is None:  # (a copy keeps its page size)
                db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            fill(db)
            db.commit()
        finally:
            db.close()
        os.replace(tmp, path)
        placed = True
        return True
    except (OSError, sqlite3.Error, UnicodeError, *give_up):  # a file name that is not UTF-8 cannot be kept in SQLite text
        return False
    finally:
        if not placed:
            try:
                os.unlink(tmp)
            except OSError:
                pass
