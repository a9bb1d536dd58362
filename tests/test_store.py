"""The progress store against real SQLite files and a real PostgreSQL server, and real processes writing to
them. Where the behaviour is shared, one test runs against both back ends (the `where` fixture)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tthc_cli.errors import StoreError, TthcError
from tthc_cli.core.progress import DONE, EXTEND, NOTE, PROGRESS, TRIGGER, UNDONE, Event
from tthc_cli.io.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, default_who
from tthc_cli.io.stores import location, open_store

WORKER = Path(__file__).resolve().parent / "store_worker.py"


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request, tmp_path):
    """Where a fresh store goes, in each back end: a file path, or the URL of a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    return request.getfixturevalue("pg").url


def opened(where: str, create: bool = True):
    return open_store(location(where), create=create)


def migration_rows(where: str) -> list[tuple]:
    """(version, name, applied_at as text) as recorded in the store's migrations table."""
    if where.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(where) as conn:
            rows = conn.execute("SELECT version, name, applied_at FROM tthc.migrations ORDER BY version").fetchall()
        return [(v, n, at.isoformat()) for v, n, at in rows]
    conn = sqlite3.connect(where)
    try:
        return conn.execute("SELECT version, name, applied_at FROM migrations ORDER BY version").fetchall()
    finally:
        conn.close()


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """The file's bytes, its mtime, and what lies beside it."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


# -- round trip ------------------------------------------------------------------------------------------------------

def test_every_field_round_trips(where):
    recorded = datetime(2026, 4, 2, 15, 30, 7, tzinfo=timezone(timedelta(hours=7)))
    full = Event(TRIGGER, "kh-cchc-2026", "T3.2", milestone="Bước 2", occurrence="Quý II/2026",
                 day=date(2026, 4, 1), due=date(2026, 4, 30), evidence="Công văn số 12/UBND-VP",
                 note="Đã gửi huyện; chờ phản hồi", who="Nguyễn Văn Ánh", recorded_at=recorded)
    with opened(where) as store:
        added = store.add(full)
        assert added.id is not None
        # recorded_at is kept in UTC, to the second
        assert added.recorded_at == datetime(2026, 4, 2, 8, 30, 7, tzinfo=timezone.utc)
        assert added == full.replace(id=added.id, recorded_at=added.recorded_at)
        assert store.events() == [added]
    with opened(where, create=False) as store:
        [back] = store.events()
    assert back == added
    assert type(back.day) is date and type(back.due) is date
    assert back.recorded_at.utcoffset() == timedelta(0)


def test_extensions_and_progress_records_round_trip_and_percent_is_checked(where):
    ext = Event(EXTEND, "p", "t", occurrence="Quý II/2026", day=date(2026, 6, 25), due=date(2026, 7, 31),
                evidence="Quyết định số 45/QĐ-UBND ngày 25/6/2026", who="an")
    work = Event(PROGRESS, "p", "t", day=date(2026, 6, 20), percent=60, note="Đã xây dựng dự thảo", who="an")
    with opened(where) as store:
        added = [store.add(ext), store.add(work), store.add(Event(PROGRESS, "p", "t", percent=0, who="an"))]
        for bad in (101, -1, True, "60"):
            with pytest.raises(StoreError, match="tỷ lệ hoàn thành không hợp lệ"):
                store.add(Event(PROGRESS, "p", "t", percent=bad, who="an"))
    with opened(where, create=False) as store:
        back = store.events()
    assert back == added and back[1].percent == 60 and back[2].percent == 0 and back[0].percent is None


def test_a_schema_4_store_is_read_as_it_is_and_upgraded_by_a_writer(tmp_path):
    """A reader never migrates: a store of schema 4 reads with no percent; the next writer rebuilds the table
    with the two new kinds, every row and its id kept."""
    db = tmp_path / "v4.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for version, name, sql in MIGRATIONS[:4]:
        for statement in [x for x in sql.split(";") if x.strip()]:
            conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, ?, '2026-01-01T00:00:00+00:00')", (version, name))
    for n in range(3):
        conn.execute("INSERT INTO events (kind, plan, task, day, who, recorded_at) "
                     "VALUES ('done', 'p', ?, '2026-01-02', 'an', '2026-01-02T03:04:05+00:00')", (f"t{n}",))
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    with Store.open_read(db) as store:
        old = store.events()
    assert [e.task for e in old] == ["t0", "t1", "t2"] and {e.percent for e in old} == {None}
    with pytest.raises(sqlite3.IntegrityError):  # schema 4 does not know the kind
        with sqlite3.connect(db) as raw:
            raw.execute("INSERT INTO events (kind, plan, task, who, recorded_at) VALUES ('extend', 'p', 't', 'a', 'x')")
    with Store.open(db) as store:
        assert store.schema_version == 5 and store.events() == old
        assert store.add(Event(PROGRESS, "p", "t0", percent=40, who="bình")).id == 4
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT name FROM migrations WHERE version = 5").fetchone() == ("extend-progress",)
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_defaults_and_recorded_at_now(where):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    with opened(where) as store:
        e = store.add(Event(DONE, "p", "t", who="an"))
        after = datetime.now(timezone.utc)
        [back] = store.events()
    assert back == e
    assert (back.milestone, back.occurrence, back.day, back.due, back.evidence, back.note) == ("", "", None, None,
                                                                                                None, None)
    assert before <= back.recorded_at <= after and back.recorded_at.microsecond == 0


def test_events_are_ordered_and_filtered(where):
    with opened(where) as store:
        added = [store.add(Event(kind, plan, task, who="an")) for kind, plan, task in [
            (DONE, "p1", "t1"), (NOTE, "p2", "t1"), (UNDONE, "p1", "t1"), (DONE, "p1", "t2"), (DONE, "p1", "t1")]]
        ids = [e.id for e in added]
        assert ids == sorted(ids) and len(set(ids)) == 5
        assert store.events() == added
        assert store.events(plan="p1") == [added[0], added[2], added[3], added[4]]
        assert store.events(task="t1") == [added[0], added[1], added[2], added[4]]
        assert store.events(plan="p1", task="t2") == [added[3]]
        assert store.events(plan="không có") == []


def test_who_kind_plan_and_task_are_required(where):
    with opened(where) as store:
        for bad in (Event(DONE, "p", "t"), Event(DONE, "p", "t", who="   "), Event("xong", "p", "t", who="an"),
                    Event(DONE, "", "t", who="an"), Event(DONE, "p", "", who="an")):
            with pytest.raises(StoreError):
                store.add(bad)
        assert store.events() == []


def test_store_error_is_a_tthc_error_with_its_own_exit_code(tmp_path):
    from tthc_cli.errors import EXIT_CODES

    assert issubclass(StoreError, TthcError)
    assert (StoreError.exit_code, "StoreError") in {(code, name) for code, name, _ in EXIT_CODES}


def test_default_who(monkeypatch):
    monkeypatch.setenv("TTHC_USER", "  Trần Thị Bình ")
    assert default_who() == "Trần Thị Bình"
    monkeypatch.setenv("TTHC_USER", "")
    assert default_who()  # the OS user, or "không rõ"
    import getpass

    def no_user():
        raise KeyError("uid")

    monkeypatch.delenv("TTHC_USER")
    monkeypatch.setattr(getpass, "getuser", no_user)
    assert default_who() == "không rõ"


def test_append_only():
    io = Path(__file__).resolve().parent.parent / "src" / "tthc_cli" / "io"
    for name in ("store.py", "storebase.py", "pgstore.py", "storecopy.py"):
        source = (io / name).read_text(encoding="utf-8").upper()
        assert "UPDATE EVENTS" not in source and "DELETE FROM" not in source and "UPDATE SENT" not in source, name


def test_open_missing_without_create(tmp_path):
    db = tmp_path / "none" / "s.db"
    with pytest.raises(StoreError, match="không tìm thấy"):
        Store.open(db, create=False)
    assert not db.parent.exists()


def test_closed_store_refuses(where):
    with opened(where) as store:
        pass
    with pytest.raises(StoreError, match="đã đóng"):
        store.events()


def test_connection_settings(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.integrity_ok()


def test_odd_path(tmp_path):
    db = tmp_path / "thư mục ?#%" / "tiến độ.db"
    with Store.open(db) as store:
        store.add(Event(DONE, "p", "t", who="an"))
    assert db.is_file()
    with Store.open(db, create=False) as store:
        assert len(store.events()) == 1


# -- migrations ------------------------------------------------------------------------------------------------------

def test_fresh_store_records_every_migration(where):
    with opened(where) as store:
        assert store.schema_version == SCHEMA_VERSION == MIGRATIONS[-1][0]
        assert store.where == where
    rows = migration_rows(where)
    assert [(v, n) for v, n, _ in rows] == [(v, n) for v, n, _ in MIGRATIONS]
    assert all(datetime.fromisoformat(at).utcoffset() == timedelta(0) for _, _, at in rows)
    # opening again changes nothing
    with opened(where) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert migration_rows(where) == rows


def test_both_back_ends_know_the_same_migrations():
    from tthc_cli.io import pgstore

    assert [(v, n) for v, n, _ in pgstore.MIGRATIONS] == [(v, n) for v, n, _ in MIGRATIONS]
    assert pgstore.SCHEMA_VERSION == SCHEMA_VERSION


def test_older_file_upgrades_itself_and_keeps_its_rows(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)  # as tthc with schema 1 left it (but in rollback mode)
    conn.executescript(MIGRATIONS[0][2])
    conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    conn.execute("INSERT INTO migrations VALUES (1, 'events', '2026-01-01T00:00:00+00:00')")
    conn.execute("INSERT INTO events (kind, plan, task, day, who, recorded_at) "
                 "VALUES ('done', 'p', 't', '2026-01-02', 'an', '2026-01-02T03:04:05+00:00')")
    conn.execute("PRAGMA user_version = 1")
    conn.close()

    with Store.open(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        [old] = store.events()
        assert old == Event(DONE, "p", "t", day=date(2026, 1, 2), who="an",
                            recorded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), id=1)
        new = store.add(Event(NOTE, "p", "t", who="bình"))
        assert new.id == 2
        assert store.integrity_ok()
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT version FROM migrations ORDER BY version")] == [v for v, _, _ in MIGRATIONS]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events_plan_task'").fetchone()[0] == 1
    conn.close()


def make_newer(where: str) -> None:
    """A store a newer tthc has migrated to schema 99."""
    with opened(where) as store:
        store.add(Event(DONE, "p", "t", who="an"))
    if where.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(where) as conn:
            conn.execute("INSERT INTO tthc.migrations VALUES (99, 'tuong-lai', now())")
        return
    conn = sqlite3.connect(where)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


def state(where: str):
    """All a store holds, to show that a refusal changed nothing: a file's bytes and mtime and what lies beside
    it; in PostgreSQL every row of every table of the schema and the list of its objects."""
    if not where.startswith("postgresql://"):
        return snapshot(Path(where))
    import psycopg

    with psycopg.connect(where) as conn:
        objects = conn.execute("SELECT relname, relkind FROM pg_class WHERE relnamespace = 'tthc'::regnamespace "
                               "ORDER BY relname").fetchall()
        rows = [conn.execute(f"SELECT * FROM tthc.{t} ORDER BY 1").fetchall() for t in ("events", "sent", "migrations")]
    return objects, rows


@pytest.mark.parametrize("create", [True, False])
def test_newer_store_is_refused_and_left_untouched(where, create):
    make_newer(where)
    time.sleep(0.01)  # so that any write would show in the mtime
    before = state(where)
    with pytest.raises(StoreError) as err:
        opened(where, create)
    assert "được tạo bởi phiên bản tthc mới hơn" in err.value.message
    assert f"lược đồ 99, chương trình biết đến {SCHEMA_VERSION}" in err.value.message
    assert "hãy cập nhật tthc" in err.value.message
    from tthc_cli.io.stores import open_read

    with pytest.raises(StoreError, match="phiên bản tthc mới hơn"):
        open_read(location(where))
    assert state(where) == before


def test_open_missing_without_create_in_both(where):
    with pytest.raises(StoreError, match="không tìm thấy|chưa có sổ tiến độ"):
        opened(where, create=False)
    if not where.startswith("postgresql://"):
        assert not Path(where).exists()
    else:
        import psycopg

        with psycopg.connect(where) as conn:  # nothing was created
            assert conn.execute("SELECT to_regnamespace('tthc')").fetchone()[0] is None


def test_newer_version_still_in_the_wal_is_refused(tmp_path):
    """Another process has just upgraded the file; the new version is only in the -wal so far."""
    db = tmp_path / "new.db"
    with Store.open(db) as store:
        store.add(Event(DONE, "p", "t", who="an"))
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("PRAGMA user_version = 7")
        main_before = db.read_bytes()
        assert int.from_bytes(main_before[60:64], "big") == SCHEMA_VERSION  # the header does not know yet
        with pytest.raises(StoreError, match="lược đồ 7"):
            Store.open(db)
        assert db.read_bytes() == main_before
    finally:
        other.close()


@pytest.mark.parametrize("content", [
    b"plans: []\nkhong phai sqlite\n",
    "Kế hoạch số 12/KH-UBND\n".encode() * 200,
    b"SQLite format 3\x00",  # cut short
    bytes(range(256)) * 20,
])
def test_non_sqlite_file_is_refused_and_left_untouched(tmp_path, content):
    db = tmp_path / "notes.txt"
    db.write_bytes(content)
    before = snapshot(db)
    for create in (True, False):
        with pytest.raises(StoreError, match="không phải cơ sở dữ liệu tiến độ của tthc"):
            Store.open(db, create=create)
    assert snapshot(db) == before


def test_other_sqlite_database_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('an')")
    conn.commit()
    conn.close()
    before = snapshot(db)
    with pytest.raises(StoreError, match="không phải cơ sở dữ liệu tiến độ của tthc"):
        Store.open(db)
    assert snapshot(db)[:2] == before[:2]


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreError):
        Store.open(tmp_path)


def test_empty_file_is_refused_not_taken_as_a_new_store(tmp_path):
    """A 0-byte progress.db is a store a copy or a disk error emptied: starting a new one would hide the loss."""
    db = tmp_path / "s.db"
    db.touch()
    for create in (True, False):
        with pytest.raises(StoreError, match="tệp rỗng"):
            Store.open(db, create=create)
    with pytest.raises(StoreError, match="tệp rỗng"):
        Store.open_read(db)
    assert db.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.db"]


def test_a_new_store_appears_whole(tmp_path):
    """Created in a temporary file and linked into place: no reader meets an empty or half-made file."""
    db = tmp_path / "d" / "s.db"
    with Store.open(db) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert sorted(p.name for p in db.parent.iterdir()) == ["s.db"]
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"


# -- many processes --------------------------------------------------------------------------------------------------

def start_worker(*args: str, stdin=None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    return subprocess.Popen([sys.executable, str(WORKER), *args], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)


def test_concurrent_writers_all_land(where):
    """Twenty processes open one fresh store at the same moment and write to it together."""
    db = where
    workers, per_worker = 20, 5
    procs = [start_worker(str(db), str(per_worker), f"T{i:02d}", stdin=subprocess.PIPE) for i in range(workers)]
    try:
        for p in procs:  # every one has started Python and imported the store
            assert p.stdout.readline() == "ready\n", p.stderr.read()
        start = time.monotonic()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            results.append(json.loads(out))
        elapsed = time.monotonic() - start
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    print(f"{workers} processes × {per_worker} events: {elapsed:.2f} s; slowest worker "
          f"{max(r['seconds'] for r in results):.2f} s")

    reported = [i for r in results for i in r["ids"]]
    assert len(reported) == len(set(reported)) == workers * per_worker
    with opened(db, create=False) as store:
        events = store.events()
        if isinstance(store, Store):  # SQLite checks its file; PostgreSQL has no such check
            assert store.integrity_ok()
        assert store.schema_version == SCHEMA_VERSION
    assert sorted(reported) == [e.id for e in events]
    done = {e.task for e in events if e.kind == DONE}
    assert done == {f"T{i:02d}" for i in range(workers)}
    for r in results:  # each process's events are in the order it wrote them
        assert [e.id for e in events if e.task == r["label"]] == r["ids"]
    assert [r[0] for r in migration_rows(db)] == [v for v, _, _ in MIGRATIONS]  # migrated exactly once


def test_killed_writer_loses_nothing_it_recorded(where):
    db = where
    proc = start_worker(str(db), "loop")
    lines: list[str] = []
    enough = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if len(lines) >= 50:
                enough.set()
        enough.set()  # EOF: the worker died on its own

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert enough.wait(timeout=120), "the worker recorded fewer than 50 events in 120 s"
        assert proc.poll() is None, proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        reader.join(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    printed = [int(line) for line in lines if line.endswith("\n")]
    assert len(printed) >= 50 and printed == sorted(printed)
    print(f"killed after {len(printed)} recorded events")

    with opened(db, create=False) as store:
        if isinstance(store, Store):  # SQLite checks its file; PostgreSQL has no such check
            assert store.integrity_ok()
        stored = [e.id for e in store.events()]
        assert set(printed) <= set(stored)
        assert len(stored) - len(printed) <= 1  # at most the one committed but not yet printed
        after = store.add(Event(DONE, "p", "t", who="an"))
        assert after.id > max(stored)
        assert store.events()[-1] == after
        if isinstance(store, Store):  # SQLite checks its file; PostgreSQL has no such check
            assert store.integrity_ok()
