"""The query index (io/index.py): `due`, `overdue`, `list` and `check` answer from it when it is fresh, with the
same bytes as the full load; anything that could make a row wrong is a miss."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3

import pytest

from conftest import PLANS, ROOT, _environment, write
from tthc_cli.errors import EXIT_OVERDUE, UnknownUnitError

_spec = importlib.util.spec_from_file_location("make_workload", ROOT / "benchmarks" / "make_workload.py")
make_workload = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_workload)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    folder = tmp_path_factory.mktemp("province")
    make_workload.make_workload(folder, files=12, tasks_per_file=40, seed=3)
    return folder


def _indexes(tmp_path):
    return sorted((tmp_path / "cache").glob("index-*.sqlite"))


@pytest.fixture
def full(tthc, monkeypatch):
    """As `tthc`, with the plans always loaded whole, never through an index (not even --no-cache's, made in
    memory): the answers the index must give."""
    from tthc_cli.io import index

    def run(*args, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(index, "build", lambda *a, **k: None)
            return tthc(*args, **kwargs)

    return run


@pytest.fixture
def refuse_full_load(monkeypatch):
    """After this, a command that loads every plan fails: an answer can only have come from the index."""
    def refuse():
        from tthc_cli.io import workspace

        def load(*args, **kwargs):
            raise AssertionError("the plans were loaded whole")

        monkeypatch.setattr(workspace, "load", load)

    return refuse


QUERIES = [("due",), ("overdue",), ("list",), ("list", "--all", "--format", "json"), ("due", "--format", "csv"),
           ("due", "--role", "any"), ("due", "--role", "support", "--within", "10wd"), ("check",)]


@pytest.mark.parametrize("plans", ["bundled", "province"])
@pytest.mark.parametrize("unit", [None, "TTPVHCC", "VHXH", "Các phòng chuyên môn", "CA"])
def test_the_index_answers_as_the_full_load_does(tthc, full, tmp_path, province, refuse_full_load, plans, unit):
    folder = PLANS if plans == "bundled" else province
    unit_args = ("--unit", unit) if unit else ()
    expected = {}
    for q in QUERIES:
        for day in ("2026-01-15", "2026-06-01", "2026-12-31"):
            expected[q, day] = full(*q, *unit_args, "--today", day, "--plans", folder, "--no-cache")
    tthc("due", "--plans", folder, "--today", "2026-06-01")  # a full load writes the index
    assert len(_indexes(tmp_path)) == 1
    refuse_full_load()
    for (q, day), want in expected.items():
        got = tthc(*q, *unit_args, "--today", day, "--plans", folder)
        assert (got.code, got.out, got.err) == (want.code, want.out, want.err), (q, day)


def _plan(deadline: str) -> str:
    return f"""\
plan: {{id: ke-hoach-2026, title: Kế hoạch thử, period: 2026}}
tasks:
  - id: "1"
    title: Báo cáo
    lead: Trung tâm Phục vụ hành chính công
    deadline: {deadline}
"""


def test_a_same_size_edit_with_the_mtime_put_back_gives_the_new_rows(tthc, plan_dir):
    """The reproducer of issue 11: a key of (path, size, mtime) served the old rows."""
    f = write(plan_dir / "a.yaml", _plan("Chậm nhất ngày 15/06/2026"))
    before = os.stat(f)
    first = tthc("list", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json").json()
    assert [r["due"] for r in first] == ["2026-06-15"]
    f.write_text(_plan("Chậm nhất ngày 25/06/2026"), encoding="utf-8")
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(f).st_size == before.st_size and os.stat(f).st_mtime_ns == before.st_mtime_ns
    again = tthc("list", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json").json()
    assert [r["due"] for r in again] == ["2026-06-25"]


def test_a_file_added_or_removed_is_seen(tthc, plan_dir):
    write(plan_dir / "a.yaml", _plan("Chậm nhất ngày 15/06/2026"))
    assert len(tthc("list", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json").json()) == 1
    write(plan_dir / "b.yaml", _plan("Quý III/2026").replace("ke-hoach-2026", "ke-hoach-b"))
    assert len(tthc("list", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json").json()) == 2
    (plan_dir / "a.yaml").unlink()
    rows = tthc("list", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json").json()
    assert [r["plan"] for r in rows] == ["ke-hoach-b"]


def test_a_change_to_the_configs_units_is_seen(tthc, tmp_path):
    site = tmp_path / "site"
    write(site / "plans" / "a.yaml", _plan("Chậm nhất ngày 15/06/2026").replace(
        "Trung tâm Phục vụ hành chính công", "Tổ một cửa"))
    args = ("list", "--unit", "TTPVHCC", "--today", "2026-06-01", "--format", "json")
    assert tthc(*args, cwd=site).json() == []
    write(site / "tthc.yaml", "plans: plans\nunits:\n  - code: TTPVHCC\n    name: Trung tâm Phục vụ hành chính công xã\n"
                              "    aliases: [Tổ một cửa]\n")
    assert [r["task"] for r in tthc(*args, cwd=site).json()] == ["1"]


def test_plans_with_errors_are_never_answered_from_an_index(tthc, tmp_path, plan_dir):
    write(plan_dir / "a.yaml", _plan("Chậm nhất ngày 15/06/2026"))
    write(plan_dir / "b.yaml", _plan("Quý III/2026").replace("ke-hoach-2026", "ke-hoach-b") + "    after: [9]\n")
    for _ in range(2):  # each run reports the error again
        r = tthc("due", "--plans", plan_dir, "--today", "2026-06-01")
        assert "after" in r.err and "lỗi" in r.err
    assert _indexes(tmp_path) == []


@pytest.mark.parametrize("spoil", ["garbage", "truncated", "other key", "group-writable", "registry garbage",
                                   "registry gone"])
def test_an_index_that_cannot_be_trusted_is_rebuilt(tthc, full, tmp_path, spoil):
    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder)
    args = ("due", "--unit", "TTPVHCC", "--plans", folder, "--today", "2026-06-01")
    want = full(*args, "--no-cache")
    tthc(*args)
    [index] = _indexes(tmp_path)
    if spoil == "garbage":
        index.write_bytes(b"not a database" * 100)
    elif spoil == "truncated":
        index.write_bytes(index.read_bytes()[:4096])
    elif spoil.startswith("registry"):  # the lookup registry a warm run reads instead of building it
        db = sqlite3.connect(index)
        db.execute("UPDATE tasks SET deadline = 'sai'")
        if spoil == "registry gone":
            db.execute("DELETE FROM registry")
        else:
            db.execute("UPDATE registry SET state = ?", (b"\xff\x00 not marshal",))
        db.commit()
        db.close()
    elif spoil == "other key":
        db = sqlite3.connect(index)
        db.execute("UPDATE tasks SET deadline = 'sai'")
        db.execute("UPDATE meta SET key = 'khác'")
        db.commit()
        db.close()
    else:
        db = sqlite3.connect(index)
        db.execute("UPDATE tasks SET title = 'giả mạo'")
        db.commit()
        db.close()
        os.chmod(index, 0o620)
    got = tthc(*args)
    assert (got.code, got.out, got.err) == (want.code, want.out, want.err)
    assert "giả mạo" not in tthc(*args).out


def test_check_from_the_index_keeps_its_exit_code(tthc, full, refuse_full_load):
    want = full("check", "--plans", PLANS, "--today", "2026-06-01", "--no-cache")
    tthc("check", "--plans", PLANS, "--today", "2026-06-01")
    refuse_full_load()
    got = tthc("check", "--plans", PLANS, "--today", "2026-06-01")
    assert got.code == want.code == EXIT_OVERDUE and got.out == want.out


def test_no_pickle_anywhere():
    sources = [p for p in (ROOT / "src" / "tthc_cli").rglob("*.py")]
    assert not [p.name for p in sources if "import pickle" in p.read_text(encoding="utf-8")]


def _two_plans(plan_dir, after: str = ""):
    write(plan_dir / "a.yaml", _plan("Chậm nhất ngày 15/06/2026"))
    write(plan_dir / "b.yaml", _plan("Quý III/2026").replace("ke-hoach-2026", "ke-hoach-b") + after)


def _answer(tthc, plan_dir, *more):
    return tthc("list", "--all", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json", *more)


@pytest.mark.parametrize("edit", ["deadline", "lead", "new task", "task removed"])
def test_an_edited_file_is_read_alone_and_its_rows_replaced(tthc, full, plan_dir, refuse_full_load, edit):
    _two_plans(plan_dir)
    _answer(tthc, plan_dir)  # the full load writes the index
    f = plan_dir / "a.yaml"
    text = f.read_text(encoding="utf-8")
    text = {"deadline": text.replace("15/06/2026", "20/07/2026"),
            "lead": text.replace("Trung tâm Phục vụ hành chính công", "Văn phòng HĐND và UBND"),
            "new task": text + '  - id: "2"\n    title: Việc mới\n    lead: VP\n    deadline: Quý IV/2026\n',
            "task removed": text.split("tasks:")[0] + 'tasks:\n  - id: "9"\n    title: Khác\n    lead: PKT\n'
                                                      "    deadline: Năm 2026\n"}[edit]
    f.write_text(text, encoding="utf-8")
    want = _answer(full, plan_dir, "--no-cache")
    per_unit = {u: full("due", "--unit", u, "--plans", plan_dir, "--today", "2026-06-01", "--no-cache").out
                for u in ("VP", "TTPVHCC", "PKT")}
    refuse_full_load()  # the refresh reads the one file; it never loads every plan
    got = _answer(tthc, plan_dir)
    assert (got.code, got.out, got.err) == (want.code, want.out, want.err)
    for unit, out in per_unit.items():
        assert tthc("due", "--unit", unit, "--plans", plan_dir, "--today", "2026-06-01").out == out


def test_a_touched_file_with_the_same_bytes_is_not_read_again(tthc, tmp_path, plan_dir, refuse_full_load,
                                                               monkeypatch):
    """A new mtime and ctime but the bytes the rows were made of: the file is not read as a plan, and the index
    is not rewritten for its new stat until STALE_STATS such files wait (or an edit is written)."""
    from tthc_cli.io import index, workspace

    _two_plans(plan_dir)
    for i in range(index.STALE_STATS):
        write(plan_dir / f"c{i}.yaml", _plan("Quý IV/2026").replace("ke-hoach-2026", f"ke-hoach-c{i}"))
    want = _answer(tthc, plan_dir)  # the cold run writes the index
    [path] = _indexes(tmp_path)
    written = os.stat(path).st_ino

    def bump(f):
        st = os.stat(f)
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))

    def read_one(*args, **kwargs):
        raise AssertionError("a touched file was read again")

    refuse_full_load()
    monkeypatch.setattr(workspace, "read_one", read_one)
    touched = [plan_dir / f"c{i}.yaml" for i in range(index.STALE_STATS - 1)]
    for f in touched:
        bump(f)
        for _ in range(2):
            got = _answer(tthc, plan_dir)
            assert (got.code, got.out, got.err) == (want.code, want.out, want.err)
    assert os.stat(path).st_ino == written  # not replaced
    bump(plan_dir / "a.yaml")
    got = _answer(tthc, plan_dir)
    assert (got.code, got.out, got.err) == (want.code, want.out, want.err)
    assert os.stat(path).st_ino != written
    with sqlite3.connect(path) as db:
        stats = dict(db.execute("SELECT path, stat FROM files"))
    for f in plan_dir.glob("*.yaml"):  # every new stat recorded: the next run finds nothing changed
        assert stats[str(f)].split(":")[1] == str(os.stat(f).st_mtime_ns)


@pytest.mark.parametrize("edit", ["error", "plan id", "units", "after to another plan", "linked from another plan"])
def test_an_edit_that_may_reach_other_plans_loads_them_all(tthc, full, plan_dir, edit):
    """Each case gives another answer if the file were read alone: an error to print, a plan id another file
    has, a unit --unit must know, a link to or from another plan's task."""
    after = '    after: ["ke-hoach-2026:1"]\n' if edit == "linked from another plan" else ""
    _two_plans(plan_dir, after)
    _answer(tthc, plan_dir)
    f = plan_dir / "a.yaml"
    text = f.read_text(encoding="utf-8")
    text = {"error": text + "    after: [khong-co]\n",
            "plan id": text.replace("ke-hoach-2026", "ke-hoach-b"),  # the other file's id
            "units": text.replace("tasks:", "units:\n  - code: TO\n    name: Tổ công tác\ntasks:"),
            "after to another plan": text + '    after: ["ke-hoach-b:9"]\n',
            "linked from another plan": text.replace('id: "1"', 'id: "1b"')}[edit]
    f.write_text(text, encoding="utf-8")
    more = ("--unit", "TO") if edit == "units" else ()
    want = _answer(full, plan_dir, "--no-cache", *more)
    got = _answer(tthc, plan_dir, *more)
    assert (got.code, got.out, got.err) == (want.code, want.out, want.err)
    assert {"error": "khong-co", "plan id": "trùng", "after to another plan": "ke-hoach-b:9",
            "linked from another plan": "ke-hoach-2026:1"}.get(edit, "") in got.err
    if edit == "units":  # a unit the plan now defines is known to --unit, though it leads nothing yet
        assert got.code == 0 and got.json() == []


def test_units_a_plan_no_longer_defines_are_forgotten(tthc, plan_dir):
    write(plan_dir / "a.yaml", _plan("Quý II/2026").replace("tasks:", "units:\n  - code: TO\n    name: Tổ công tác\ntasks:"))
    args = ("list", "--unit", "TO", "--plans", plan_dir, "--today", "2026-06-01", "--format", "json")
    assert tthc(*args).json() == []
    write(plan_dir / "a.yaml", _plan("Quý II/2026"))
    r = tthc(*args)
    assert r.code == UnknownUnitError.exit_code and "TO" in r.err


def test_due_reads_only_the_tasks_that_can_fall_due_by_its_horizon(tthc, full, tmp_path, plan_dir, refuse_full_load,
                                                                   monkeypatch):
    """A task whose every date is after the window is not read, except in a plan whose period has ended (its open
    items are all counted); the answer is the full load's."""
    from datetime import date

    from tthc_cli.core.queries import Selection
    from tthc_cli.io.session import Session

    write(plan_dir / "a.yaml", _plan("Chậm nhất ngày 15/06/2026") + """\
  - {id: "2", title: Báo cáo năm, lead: Trung tâm Phục vụ hành chính công, deadline: Chậm nhất ngày 15/11/2026}
  - {id: "3", title: Tiếp nhận hồ sơ, lead: Trung tâm Phục vụ hành chính công, deadline: Thường xuyên}
  - {id: "4", title: Báo cáo quý, lead: Trung tâm Phục vụ hành chính công, deadline: Định kỳ hằng quý}
""")
    write(plan_dir / "b.yaml", _plan("Chậm nhất ngày 15/01/2027").replace("ke-hoach-2026", "ke-hoach-2025")
          .replace("period: 2026", "period: 2025"))
    args = ("due", "--unit", "TTPVHCC", "--plans", plan_dir, "--today", "2026-06-01")
    want = full(*args, "--no-cache")
    tthc(*args)  # writes the index
    refuse_full_load()
    got = tthc(*args)
    assert (got.code, got.out) == (want.code, want.out)
    assert "ke-hoach-2025 (1)" in got.out  # the ended plan's open item, due after the window, is counted

    for key, value in _environment(tmp_path, None).items():  # the runs' cache, so the index they wrote is read
        monkeypatch.setenv(key, value)
    ws = Session([str(plan_dir)]).query_workspace
    sel = Selection(frozenset({"TTPVHCC"}))

    def read(due_by):
        return sorted(t.ref for p in ws.plans_for(sel, due_by) for t in p.tasks)

    assert read(None) == ["ke-hoach-2025:1", "ke-hoach-2026:1", "ke-hoach-2026:2", "ke-hoach-2026:3",
                          "ke-hoach-2026:4"]
    # 1 falls due on 15/06 and 2 in November, after the window; 4's first quarter ended on 31/03
    assert read((date(2026, 6, 8), date(2026, 6, 1))) == ["ke-hoach-2025:1", "ke-hoach-2026:3", "ke-hoach-2026:4"]
    assert read((date(2026, 6, 15), date(2026, 6, 1))) == ["ke-hoach-2025:1", "ke-hoach-2026:1", "ke-hoach-2026:3",
                                                           "ke-hoach-2026:4"]


def _dump(path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


@pytest.fixture
def fork_always(monkeypatch):
    """index.build has a forked child read part of the plans however few they are (io/forked.py); the children
    it started are listed."""
    from tthc_cli.io import forked, index

    started = []
    start = forked.Forked.start.__func__

    def record(cls, work):
        child = start(cls, work)
        started.append(child)
        return child

    monkeypatch.setattr(index, "FORK_AT", 0)
    monkeypatch.setattr(forked, "may_fork", lambda: True)
    monkeypatch.setattr(forked.Forked, "start", classmethod(record))
    return started


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: plans are read in one process")
@pytest.mark.parametrize("plans", ["bundled", "province", "linked"])
def test_a_cold_run_read_in_two_processes_writes_the_same_rows(tmp_path, province, plan_dir, plans, fork_always):
    """A forked child reads the last half of the plans (by bytes) and hands their rows back: the index is the
    one a single process writes, row for row, `after:` links across the halves included; the deadline
    resolutions the child used are kept in the cache as a single process keeps them; the child is reaped."""
    from tthc_cli.io import index
    from tthc_cli.io.loader import Memo, discover
    from tthc_cli.io.workspace import config_registry, resolutions

    if plans == "linked":
        _two_plans(plan_dir, '    after: ["ke-hoach-2026:1"]\n')
        write(plan_dir / "c.yaml", _plan("Quý IV/2026").replace("ke-hoach-2026", "ke-hoach-c"))
    folder = {"bundled": PLANS, "province": province, "linked": plan_dir}[plans]
    files = discover([str(folder)])
    caches = {}
    for way in ("forked", "alone"):
        cache = caches[way] = tmp_path / way
        cache.mkdir(mode=0o700)
        if way == "alone":
            index.FORK_AT = 1 << 62
        ws = index.build(tmp_path / f"{way}.sqlite", "k", files, config_registry(True), cache, index.stats(files))
        assert ws is not None
        ws.close()
    assert len(fork_always) == 1 and fork_always[0] is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(fork_always[0]._pid, os.WNOHANG)
    assert _dump(tmp_path / "forked.sqlite") == _dump(tmp_path / "alone.sqlite")
    kept = [Memo(caches[way], "resolutions", resolutions(None)._stamp[2])._kept for way in ("forked", "alone")]
    assert kept[0] and kept[0] == kept[1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: plans are read in one process")
@pytest.mark.parametrize("failure", ["exception", "killed", "on the way"])
def test_when_the_forked_child_fails_its_plans_are_read_by_the_main_process(tmp_path, province, fork_always,
                                                                            monkeypatch, failure):
    """Nothing handed back, or only the first files' rows (an item marshal cannot keep): the main process reads
    the rest itself, and writes the same index."""
    import signal

    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    read_in_child = index._read_in_child

    def fail(read, numbers, memo):
        if failure == "on the way":
            head, *results = read_in_child(read, numbers, memo)
            return [head, *results[:2], object(), *results[2:]]
        if failure == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("a bug in the child")

    files = discover([str(province)])
    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    alone = index.build(tmp_path / "alone.sqlite", "k", files, config_registry(True), cache, index.stats(files))
    alone.close()
    monkeypatch.setattr(index, "_read_in_child", fail)
    ws = index.build(tmp_path / "forked.sqlite", "k", files, config_registry(True), cache, index.stats(files))
    assert ws is not None
    ws.close()
    assert len(fork_always) == 2 and fork_always[1] is not None
    assert _dump(tmp_path / "forked.sqlite") == _dump(tmp_path / "alone.sqlite")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: plans are read in one process")
@pytest.mark.parametrize("where", ["first", "last"])
def test_an_error_in_either_half_leaves_the_answer_to_the_full_load(tmp_path, province, plan_dir, fork_always,
                                                                     where):
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    for f in province.iterdir():
        shutil.copy(f, plan_dir / f.name)
    files = discover([str(plan_dir)])
    broken = files[0 if where == "first" else -1]
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    assert index.build(tmp_path / "i.sqlite", "k", files, config_registry(True), cache, index.stats(files)) is None
    assert not (tmp_path / "i.sqlite").exists()
    assert len(fork_always) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(fork_always[0]._pid, os.WNOHANG)


@pytest.mark.parametrize("plans", ["bundled", "province", "linked"])
def test_a_cold_run_writes_plan_by_plan_the_rows_the_full_load_would(tmp_path, province, plan_dir, plans):
    """index.build (a cold query: each plan read, resolved, written and let go) gives the same file, row for row,
    as index.write of the full load; the `linked` mark of plans with links across plans included."""
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry, load

    if plans == "linked":
        _two_plans(plan_dir, '    after: ["ke-hoach-2026:1"]\n')
        write(plan_dir / "c.yaml", _plan("Quý IV/2026").replace("ke-hoach-2026", "ke-hoach-c"))
    folder = {"bundled": PLANS, "province": province, "linked": plan_dir}[plans]
    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    files = discover([str(folder)])
    before = index.stats(files)
    registry = config_registry(True)
    streamed = index.build(tmp_path / "streamed.sqlite", "k", files, registry, cache, before)
    assert streamed is not None
    streamed.close()
    ws = load([str(folder)], files=files)
    assert index.write(tmp_path / "whole.sqlite", "k", ws, before)
    # the full load keeps no file's bytes, so it leaves their digests out (a touched file is then read again)
    digests = [d for (d,) in sqlite3.connect(tmp_path / "streamed.sqlite").execute("SELECT digest FROM files")]
    assert len(digests) == len(files) and all(digests)
    with sqlite3.connect(tmp_path / "streamed.sqlite") as db:
        db.execute("UPDATE files SET digest = NULL")
    assert _dump(tmp_path / "streamed.sqlite") == _dump(tmp_path / "whole.sqlite")
    if plans == "linked":
        assert ("ke-hoach-2026", 1) in sqlite3.connect(tmp_path / "whole.sqlite").execute(
            "SELECT id, linked FROM plans").fetchall()


def test_a_cold_run_leaves_nothing_to_the_garbage_collector(tmp_path, province):
    """Each plan is let go once its rows are out (Plan.let_go): reference counting frees it whole, so the build
    needs no pass of the collector (~25 ms at 20,000 tasks) and leaves none to do."""
    import gc
    import weakref

    from tthc_cli.core import planfile
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    built = []
    passes = []

    def build_plan(*args):
        assert all(ref() is None for ref in built)  # the plans before this one: freed already
        plan, problems = planfile.build_plan(*args)
        built.append(weakref.ref(plan))
        return plan, problems

    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    files = discover([str(province)])
    registry = config_registry(True)
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        with pytest.MonkeyPatch.context() as m:
            m.setattr("tthc_cli.io.workspace.build_plan", build_plan)
            m.setattr(gc, "collect", lambda *a: passes.append(a))
            ws = index.build(tmp_path / "i.sqlite", "k", files, registry, cache, index.stats(files))
        assert ws is not None
        ws.close()
        assert len(built) == len(files) and all(ref() is None for ref in built)
        assert passes == []
        assert gc.collect() == 0
    finally:
        if collecting:
            gc.enable()


@pytest.mark.parametrize("case", ["error", "missing target", "cycle", "same plan id", "units"])
def test_a_cold_run_leaves_to_the_full_load_what_only_it_answers(tmp_path, plan_dir, case):
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    _two_plans(plan_dir, {"missing target": '    after: ["ke-hoach-2026:7"]\n',
                          "cycle": '    after: ["ke-hoach-2026:1"]\n'}.get(case, ""))
    a = plan_dir / "a.yaml"
    text = a.read_text(encoding="utf-8")
    a.write_text({"error": text + "    review: maybe\n", "cycle": text + '    after: ["ke-hoach-b:1"]\n',
                  "same plan id": text.replace("ke-hoach-2026", "ke-hoach-b"),
                  "units": text.replace("tasks:", "units:\n  - code: TO\n    name: Tổ công tác\ntasks:")}
                 .get(case, text), encoding="utf-8")
    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    files = discover([str(plan_dir)])
    assert index.build(tmp_path / "i.sqlite", "k", files, config_registry(True), cache, index.stats(files)) is None
    assert not list(tmp_path.glob("*.sqlite")) and not list(tmp_path.glob(".*tmp"))


@pytest.mark.parametrize("plans", ["bundled", "province", "ended"])
def test_items_after_the_window_are_not_built_and_nothing_shown_changes(plans, province, tmp_path, monkeypatch):
    """collect(due_by=…) leaves out the dates after the window (`due`, `overdue`); what those commands show and
    count (the window, the overdue, the undated and the ended plans' open items) is what every item gives."""
    from datetime import date

    from tthc_cli.core.queries import (Selection, collect, count_undated, due_items, ended_and_open,
                                       overdue_items)
    from tthc_cli.core.workdays import WorkCalendar
    from tthc_cli.io.workspace import load

    monkeypatch.setenv("TTHC_CACHE_DIR", str(tmp_path / "cache"))
    folder = PLANS if plans == "bundled" else province
    if plans == "ended":  # a plan of 2025 with a date after every window: its open items are all counted
        folder = tmp_path / "plans"
        write(folder / "b.yaml", _plan("Chậm nhất ngày 15/01/2027").replace("period: 2026", "period: 2025")
              .replace("ke-hoach-2026", "ke-hoach-2025") + """\
  - {id: "2", title: Báo cáo quý, lead: Trung tâm Phục vụ hành chính công, deadline: Định kỳ hằng quý}
""")
        write(folder / "a.yaml", _plan("Chậm nhất ngày 15/11/2026"))  # running: its late date is left out
    ws = load([str(folder)], use_cache=False)
    assert not ws.errors
    roll = WorkCalendar({date(2026, 4, 30): "lễ", date(2026, 9, 2): "lễ"})
    fewer = 0
    for unit in ("TTPVHCC", "VHXH", None):
        sel = Selection(None if unit is None else frozenset({unit}), "lead")
        for today, horizon in ((date(2026, 1, 5), date(2026, 1, 19)), (date(2026, 6, 1), date(2026, 6, 15)),
                               (date(2026, 11, 20), date(2026, 12, 4)), (date(2027, 2, 1), date(2027, 2, 1))):
            for days in (None, roll):
                every = collect(ws.plans, ws.registry, sel, today, 7, days=days, closed=False)
                cut = collect(ws.plans, ws.registry, sel, today, 7, days=days, closed=False, due_by=horizon)
                assert len(cut) <= len(every)
                fewer += len(every) - len(cut)
                assert due_items(cut, horizon, True) == due_items(every, horizon, True)
                assert overdue_items(cut, True) == overdue_items(every, True)
                assert count_undated(cut) == count_undated(every)
                assert ended_and_open(cut, today) == ended_and_open(every, today)
    assert fewer > 0  # the cut leaves something out, or this test shows nothing


def test_plan_files_on_a_drive_without_inodes_are_all_read(monkeypatch, plan_dir):
    """discover tells a file named twice by its inode, but some network drives (WebDAV, sshfs-win) give every
    file inode 0: there the path decides, and no plan file is dropped."""
    from tthc_cli.io import loader

    for name in ("a", "b", "c"):
        write(plan_dir / f"{name}.yaml", _plan("Quý II/2026").replace("ke-hoach-2026", f"ke-hoach-{name}"))
    real = os.stat

    def no_inode(path, *args, **kwargs):
        st = real(path, *args, **kwargs)
        return os.stat_result((st.st_mode, 0, 0, *tuple(st)[3:]))

    monkeypatch.setattr(loader.os, "stat", no_inode)
    assert [f.name for f in loader.discover([str(plan_dir), str(plan_dir / "b.yaml")])] == ["a.yaml", "b.yaml",
                                                                                           "c.yaml"]


def test_discover_gives_each_plan_file_its_stat(plan_dir):
    """A warm query compares discover's stats with the index's (no second stat of 200 files): each file's own,
    in the same order, a file named twice counted once, None where the stat failed."""
    from tthc_cli.io import loader

    for name in ("a", "b"):
        write(plan_dir / f"{name}.yaml", _plan("Quý II/2026").replace("ke-hoach-2026", f"ke-hoach-{name}"))
    (plan_dir / "c.yaml").symlink_to(plan_dir / "gone.yaml")  # a broken link: read_plan says so
    stats: list = []
    files = loader.discover([str(plan_dir), str(plan_dir / "b.yaml"), str(plan_dir / "a.yaml")], stats)
    assert [f.name for f in files] == ["a.yaml", "b.yaml", "c.yaml"]
    assert [(st.st_ino, st.st_mtime_ns) if st else None for st in stats] == [
        ((st := os.stat(plan_dir / n)).st_ino, st.st_mtime_ns) for n in ("a.yaml", "b.yaml")] + [None]


@pytest.mark.parametrize("plans", ["bundled", "province"])
def test_no_cache_answers_from_an_index_made_in_memory(tthc, full, tmp_path, province, refuse_full_load, plans):
    """--no-cache reads the plans one at a time into an index in memory (a province's plans are never all held
    at once) and writes nothing: the answer is the full load's; plans with errors are still loaded whole."""
    folder = PLANS if plans == "bundled" else province
    want = {q: full(*q, "--unit", "TTPVHCC", "--today", "2026-06-01", "--plans", folder, "--no-cache")
            for q in QUERIES}
    def kept():
        return sorted(str(p) for p in tmp_path.rglob("*") if "cache" in p.parts or ".tthc" in p.parts)

    before = kept()
    refuse_full_load()
    for q, expected in want.items():
        got = tthc(*q, "--unit", "TTPVHCC", "--today", "2026-06-01", "--plans", folder, "--no-cache")
        assert (got.code, got.out, got.err) == (expected.code, expected.out, expected.err), q
    assert kept() == before


def test_no_cache_with_an_error_loads_the_plans_whole(tthc, plan_dir):
    write(plan_dir / "a.yaml", _plan("Quý II/2026") + "    after: [khong-co]\n")
    r = tthc("due", "--plans", plan_dir, "--today", "2026-06-01", "--no-cache")
    assert "khong-co" in r.err
    assert "lỗi" in r.err


def test_an_interrupted_cold_run_leaves_no_half_written_index(tmp_path, province, monkeypatch):
    """Ctrl-C while the index is written: the interruption goes on up, and no temporary file is left in the
    cache folder (one was left for every interrupted run)."""
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    files = discover([str(province)])
    insert = index._insert_tasks
    calls = []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return insert(*args)

    monkeypatch.setattr(index, "_insert_tasks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        index.build(cache / "i.sqlite", "k", files, config_registry(True), cache, index.stats(files))
    assert [p.name for p in cache.iterdir() if "sqlite" in p.name] == []


def test_two_plans_folders_queried_in_turn_keep_each_others_holidays(tthc, tmp_path):
    """The holiday tables are cached per year; a query of one plans folder keeps the years another folder's
    queries need (it used to drop them, so two folders queried in turn each imported `holidays` and computed
    their years again, every run)."""
    a, b = tmp_path / "xa", tmp_path / "huyen"
    write(a / "a.yaml", _plan("Chậm nhất ngày 15/06/2026"))
    write(b / "b.yaml", _plan("Chậm nhất ngày 15/06/2029").replace("period: 2026", "period: 2029")
          .replace("ke-hoach-2026", "ke-hoach-2029"))
    kept = tmp_path / "cache" / "holidays.cache"
    first = tthc("due", "--plans", a, "--today", "2026-06-10")
    assert "15/06/2026" in first.out
    assert "15/06/2029" in tthc("due", "--plans", b, "--today", "2029-06-10").out
    before = (kept.read_bytes(), os.stat(kept).st_mtime_ns)
    again = tthc("due", "--plans", a, "--today", "2026-06-10")
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert (kept.read_bytes(), os.stat(kept).st_mtime_ns) == before  # every year found there: nothing written


def test_the_index_is_written_with_large_pages(tthc, tmp_path, plan_dir):
    """A warm query reads rows from most of a province's index, a page per read call: 16 KiB pages make a
    quarter of SQLite's default 4 KiB reads (2,224 -> 621 at 20,000 tasks)."""
    from tthc_cli.io import index

    write(plan_dir / "a.yaml", _plan("Quý II/2026"))
    tthc("due", "--plans", plan_dir, "--today", "2026-06-01")
    [found] = (tmp_path / "cache").glob("index-*.sqlite")
    db = sqlite3.connect(found)
    try:
        assert db.execute("PRAGMA page_size").fetchone()[0] == index.PAGE_SIZE == 16384
    finally:
        db.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: plans are read in one process")
def test_a_failure_right_after_the_fork_still_ends_and_reaps_the_child(tmp_path, province, fork_always):
    """Whatever raises once the child is started (here the progress spinner cannot start its thread) closes it:
    no child is left blocked on its pipe."""
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    class NoThread:
        def start(self, total):
            raise RuntimeError("can't start new thread")

        def stop(self):
            pass

    files = discover([str(province)])
    (tmp_path / "c").mkdir(mode=0o700)
    with pytest.raises(RuntimeError):
        index.build(tmp_path / "i.sqlite", "k", files, config_registry(True), tmp_path / "c", index.stats(files),
                    NoThread())
    assert len(fork_always) == 1 and fork_always[0] is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(fork_always[0]._pid, os.WNOHANG)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: plans are read in one process")
def test_a_second_cold_build_leaves_the_resolution_cache_as_it_is(tmp_path, province, fork_always):
    """The resolutions the child read from the cache and hands back are not new: the cache file is not written
    again for them."""
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover
    from tthc_cli.io.workspace import config_registry

    files = discover([str(province)])
    cache = tmp_path / "c"
    cache.mkdir(mode=0o700)
    kept = []
    for n in range(2):
        ws = index.build(tmp_path / f"i{n}.sqlite", "k", files, config_registry(True), cache, index.stats(files))
        ws.close()
        f = cache / "resolutions.cache"
        kept.append((f.read_bytes(), os.stat(f).st_mtime_ns))
    assert len(fork_always) == 2
    assert kept[1] == kept[0]


def test_a_temporary_index_left_by_a_killed_run_is_swept(tthc, tmp_path, plan_dir):
    """A run killed while writing the index leaves its temporary file; the next write removes it once it is old."""
    from tthc_cli.io.files import STALE_SECONDS, TEMP_SUFFIX

    write(plan_dir / "a.yaml", _plan("Quý II/2026"))
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    left = cache / f".index-0123456789abcdef0123.sqlite.4242{TEMP_SUFFIX}"
    left.write_bytes(b"half an index")
    old = os.stat(left).st_mtime - STALE_SECONDS - 60
    os.utime(left, (old, old))
    assert "30/06/2026" in tthc("due", "--plans", plan_dir, "--today", "2026-06-20").out
    assert not left.exists()
    assert list(cache.glob("index-*.sqlite"))


def test_the_index_is_written_under_a_temporary_name_the_sweep_knows(tmp_path):
    from tthc_cli.io import index
    from tthc_cli.io.files import TEMP_SUFFIX

    seen = []

    def fill(db):
        seen.append(db.execute("PRAGMA database_list").fetchall()[0][2])
        db.execute("CREATE TABLE t (x)")

    assert index._replace(tmp_path / "index-x.sqlite", fill, None)
    name = os.path.basename(seen[0])
    assert name.startswith(".index-x.sqlite.") and name.endswith(TEMP_SUFFIX)
    assert sorted(os.listdir(tmp_path)) == ["index-x.sqlite"]


def test_stats_that_do_not_match_the_files_are_made_again(tthc, plan_dir, tmp_path):
    from tthc_cli.io import index
    from tthc_cli.io.loader import discover

    _two_plans(plan_dir)
    _answer(tthc, plan_dir)  # writes the index
    files = discover([str(plan_dir)])
    [path] = (tmp_path / "cache").glob("index-*.sqlite")
    db = sqlite3.connect(path)
    [(key,)] = db.execute("SELECT key FROM meta")
    db.close()
    ws = index.open_index(path, key, files)
    assert ws is not None
    try:
        write(plan_dir / "b.yaml", (plan_dir / "b.yaml").read_text(encoding="utf-8") + "\n")
        assert ws.changed([os.stat(files[0])]) == [1]  # one stat for two files: b's is made here
    finally:
        ws.close()
