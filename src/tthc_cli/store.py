"""The progress store: append-only `Event` records in one SQLite file.

Settings chosen for "many processes, nothing lost":

* WAL journal with `synchronous=FULL`: every COMMIT is on disk before it
  returns, so a process killed in the middle of a write loses nothing it had
  already recorded (the write in flight is rolled back on the next open).
* Every write is one short `BEGIN IMMEDIATE … COMMIT` transaction. SQLite's
  busy timeout (10 s) waits for the write lock; on top of that a retry loop
  runs until a deadline of about 20 s, so twenty processes writing at once
  all land.
* Schema changes are migrations `(version, name, sql)`. Each one runs in its
  own transaction that re-reads `PRAGMA user_version` first, so two processes
  opening a fresh file at once do not both migrate. The file's version is read
  before anything is written: a file from a newer tthc, or a file that is not
  a tthc store at all, is refused and left exactly as it was.

There is no update or delete of events: an undo is a new `undone` event.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from datetime import date, datetime, timezone
from pathlib import Path

from tthc_cli.errors import TthcError
from tthc_cli.progress import KINDS, Event


class StoreError(TthcError):
    """The progress store cannot be opened, read or written."""

    exit_code = 1


MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "events", """
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('done', 'undone', 'trigger', 'note')),
    plan        TEXT NOT NULL,
    task        TEXT NOT NULL,
    milestone   TEXT NOT NULL DEFAULT '',
    occurrence  TEXT NOT NULL DEFAULT '',
    day         TEXT,
    due         TEXT,
    evidence    TEXT,
    note        TEXT,
    who         TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
"""),
    (2, "events-indexes", """
CREATE INDEX events_plan_task ON events (plan, task, id);
"""),
    (3, "sent", """
CREATE TABLE sent (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    day         TEXT NOT NULL,
    unit        TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    ok          INTEGER NOT NULL,
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 1,
    message_id  TEXT,
    sent_at     TEXT NOT NULL
);
CREATE INDEX sent_day ON sent (day, unit, recipient);
"""),
    # No schema change: the time this migration is applied marks when the store began recording occurrences
    # under the labels of deadline grammar 2 ("Trước quý II/2026" is "Quý I/2026", no longer "Quý II/2026").
    # Events recorded before it are read under the old labels (see `labels_since` and Session.progress).
    (4, "occurrence-labels-2", """
SELECT 1;
"""),
]
"""Schema migrations, oldest first. Never edit a released one: add a new one."""

SCHEMA_VERSION = MIGRATIONS[-1][0]
"""The newest schema this program knows."""

BUSY_TIMEOUT_MS = 10_000
WRITE_DEADLINE_S = 20.0

_MAGIC = b"SQLite format 3\x00"
_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""
_COLUMNS = ("id", "kind", "plan", "task", "milestone", "occurrence", "day", "due", "evidence", "note", "who",
            "recorded_at")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM events"


def default_who() -> str:
    """Who is recording: `TTHC_USER`, else the OS user, else "không rõ"."""
    who = os.environ.get("TTHC_USER", "").strip()
    if who:
        return who
    try:
        import getpass

        who = getpass.getuser().strip()
    except Exception:  # no user name in the environment nor in the password database
        who = ""
    return who or "không rõ"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class Store:
    """An open progress store. Use `Store.open(path)`; close it (or use `with`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self._path = path
        self._conn: sqlite3.Connection | None = conn

    # -- opening -------------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        """Open (and if needed create, then migrate) the store at `path`."""
        path = Path(path).expanduser().absolute()
        if path.exists():
            version = _inspect(path)
        elif not create:
            raise StoreError(f"không tìm thấy cơ sở dữ liệu tiến độ {path}")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"không tạo được thư mục {path.parent}: {e.strerror or e}") from None
            version = 0
        mode = "rwc" if create else "rw"
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"không mở được cơ sở dữ liệu tiến độ {path}: {e}") from None
        store = cls(path, conn)
        try:
            store._configure()
            if version < SCHEMA_VERSION:
                store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    def _configure(self) -> None:
        def setup() -> None:
            conn = self._connection
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"không bật được chế độ WAL cho cơ sở dữ liệu tiến độ {self._path} (đang là {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")

        self._retry(setup)

    def _migrate(self) -> None:
        for version, name, sql in MIGRATIONS:
            def step(conn: sqlite3.Connection, version=version, name=name, sql=sql) -> None:
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current > SCHEMA_VERSION:
                    raise _newer(self._path, current)
                if current >= version:
                    return  # another process got there first
                if current == 0 and _user_objects(conn):
                    raise _foreign(self._path)
                conn.execute(_MIGRATIONS_TABLE)
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute("INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                             (version, name, utc_now().isoformat(timespec="seconds")))
                conn.execute(f"PRAGMA user_version = {int(version)}")

            self._write(step)

    # -- the API -------------------------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def schema_version(self) -> int:
        return self._read(lambda conn: conn.execute("PRAGMA user_version").fetchone()[0])

    def add(self, event: Event) -> Event:
        """Append `event`; returns it with `id` and `recorded_at` (default: now, UTC) filled in."""
        if event.kind not in KINDS:
            raise StoreError(f"loại sự kiện không hợp lệ: {event.kind!r} (chỉ nhận {', '.join(KINDS)})")
        for field in ("plan", "task"):
            if not isinstance(getattr(event, field), str) or not getattr(event, field):
                raise StoreError(f"sự kiện thiếu {field}")
        who = (event.who or "").strip()
        if not who:
            raise StoreError("sự kiện thiếu người ghi (who)")
        recorded_at = _utc_seconds(event.recorded_at) if event.recorded_at is not None else utc_now()
        day, due = _as_date(event.day), _as_date(event.due)
        row = (event.kind, event.plan, event.task, event.milestone or "", event.occurrence or "",
               day.isoformat() if day else None, due.isoformat() if due else None, event.evidence, event.note, who,
               recorded_at.isoformat(timespec="seconds"))

        def insert(conn: sqlite3.Connection) -> int:
            cur = conn.execute(f"INSERT INTO events ({', '.join(_COLUMNS[1:])}) VALUES ({', '.join('?' * 11)})", row)
            return cur.lastrowid

        new_id = self._write(insert)
        return event.replace(id=new_id, who=who, recorded_at=recorded_at, day=day, due=due,
                             milestone=event.milestone or "", occurrence=event.occurrence or "")

    def labels_since(self) -> datetime | None:
        """When this store began recording occurrence labels of deadline grammar 2 (migration 4)."""
        row = self._conn.execute("SELECT applied_at FROM migrations WHERE version = 4").fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def events(self, plan: str | None = None, task: str | None = None) -> list[Event]:
        """Events, oldest first (by id), optionally only those of one plan and/or task."""
        where, args = [], []
        if plan is not None:
            where.append("plan = ?")
            args.append(plan)
        if task is not None:
            where.append("task = ?")
            args.append(task)
        sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
        rows = self._read(lambda conn: conn.execute(sql, args).fetchall())
        return [_event(row) for row in rows]

    def record_sent(self, day: date, rows) -> None:
        """Record what a digest run delivered: rows of (unit, recipient, ok, error, attempts, message_id)."""
        now = utc_now().isoformat(timespec="seconds")
        data = [(day.isoformat(), unit, rcpt, 1 if ok else 0, error, attempts, mid, now)
                for unit, rcpt, ok, error, attempts, mid in rows]

        def insert(conn: sqlite3.Connection) -> int:
            conn.executemany("INSERT INTO sent (day, unit, recipient, ok, error, attempts, message_id, sent_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", data)
            return len(data)

        if data:
            self._write(insert)

    def delivered(self, day: date) -> set[tuple[str, str]]:
        """(unit, recipient) pairs delivered for `day`'s digest."""
        rows = self._read(lambda conn: conn.execute(
            "SELECT unit, recipient FROM sent WHERE day = ? AND ok = 1", (day.isoformat(),)).fetchall())
        return {(u, r) for u, r in rows}

    def integrity_ok(self) -> bool:
        rows = self._read(lambda conn: conn.execute("PRAGMA integrity_check").fetchall())
        return [r[0] for r in rows] == ["ok"]

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self._path)!r}{'' if self._conn else ', closed'})"

    # -- transactions --------------------------------------------------------------------------------------------

    @property
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"cơ sở dữ liệu tiến độ {self._path} đã đóng")
        return self._conn

    def _write(self, fn):
        """Run `fn(conn)` in one `BEGIN IMMEDIATE … COMMIT` transaction, retrying while the file is busy."""
        def transaction():
            conn = self._connection
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
            return result

        return self._retry(transaction)

    def _read(self, fn):
        return self._retry(lambda: fn(self._connection))

    def _retry(self, fn):
        deadline = time.monotonic() + WRITE_DEADLINE_S
        delay = 0.005
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as e:
                if not _is_busy(e):
                    raise StoreError(f"lỗi cơ sở dữ liệu tiến độ {self._path}: {e}") from None
                if time.monotonic() >= deadline:
                    raise StoreError(f"cơ sở dữ liệu tiến độ {self._path} bận quá lâu "
                                     f"(đã chờ {WRITE_DEADLINE_S:.0f} giây); hãy thử lại") from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.2)
            except sqlite3.DatabaseError as e:
                if "not a database" in str(e):
                    raise _foreign(self._path) from None
                raise StoreError(f"lỗi cơ sở dữ liệu tiến độ {self._path}: {e}") from None
            except sqlite3.Error as e:
                raise StoreError(f"lỗi cơ sở dữ liệu tiến độ {self._path}: {e}") from None


# -- helpers ---------------------------------------------------------------------------------------------------------

def _inspect(path: Path) -> int:
    """The schema version of an existing file, read without writing anything to it.

    Refuses (StoreError) a file that is not SQLite, an SQLite file that is not a
    tthc store, and a store from a newer tthc. An empty file counts as new.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except IsADirectoryError:
        raise StoreError(f"{path} là một thư mục, không phải cơ sở dữ liệu tiến độ của tthc") from None
    except OSError as e:
        raise StoreError(f"không đọc được cơ sở dữ liệu tiến độ {path}: {e.strerror or e}") from None
    if not head:
        return 0  # a new, empty file: SQLite starts a database in it
    # A header that does not look like SQLite is not refused here: another process may
    # be writing the first page right now. SQLite itself reads it under a lock below.
    whole_header = len(head) == 100 and head.startswith(_MAGIC)
    side_files = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    if whole_header and not side_files:
        # No journal: the header is the whole truth, and reading it opened nothing
        # (an SQLite connection to a WAL file would create -wal and -shm beside it).
        version = int.from_bytes(head[60:64], "big")
        if version > SCHEMA_VERSION:
            raise _newer(path, version)
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None)
        try:
            conn.execute("BEGIN")  # one snapshot for both reads: a migration may commit in between
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            foreign = version == 0 and _user_objects(conn)
            conn.execute("COMMIT")
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        if "not a database" in str(e):
            raise _foreign(path) from None
        raise StoreError(f"không mở được cơ sở dữ liệu tiến độ {path}: {e}") from None
    if version > SCHEMA_VERSION:
        raise _newer(path, version)
    if foreign:
        raise _foreign(path)
    return version


def _user_objects(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0] > 0


def _newer(path: Path, version: int) -> StoreError:
    return StoreError(f"cơ sở dữ liệu tiến độ {path} được tạo bởi phiên bản tthc mới hơn "
                      f"(lược đồ {version}, chương trình biết đến {SCHEMA_VERSION}); hãy cập nhật tthc")


def _foreign(path: Path) -> StoreError:
    return StoreError(f"{path} không phải cơ sở dữ liệu tiến độ của tthc")


def _is_busy(e: sqlite3.OperationalError) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(e).lower()
    return "locked" in text or "busy" in text


def _statements(sql: str) -> list[str]:
    """Split a migration's SQL into statements (the transaction must not be committed by executescript)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _as_date(value: date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _utc_seconds(value: datetime) -> datetime:
    """`value` in UTC, to the second; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


def _event(row: tuple) -> Event:
    (id_, kind, plan, task, milestone, occurrence, day, due, evidence, note, who, recorded_at) = row
    return Event(kind, plan, task, milestone=milestone, occurrence=occurrence,
                 day=date.fromisoformat(day) if day else None, due=date.fromisoformat(due) if due else None,
                 evidence=evidence, note=note, who=who, recorded_at=datetime.fromisoformat(recorded_at), id=id_)
