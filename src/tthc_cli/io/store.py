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

from tthc_cli.errors import Conflict, StoreError
from tthc_cli.core.progress import KINDS, Event


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
        self._read_only = False
        self._version: int | None = None

    # -- opening -------------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        """Open the store at `path` to write (creating it where no file is, and migrating it).

        A file that is there but is not a tthc store (an empty file included) is refused and left as it is."""
        path = Path(path).expanduser().absolute()
        if _existing(path) is not None:
            version = _inspect(path)
        elif not create:
            raise StoreError(f"không tìm thấy cơ sở dữ liệu tiến độ {path}")
        else:
            _create(path)
            version = _inspect(path)
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"không mở được cơ sở dữ liệu tiến độ {path}: {_reason(e)}") from None
        store = cls(path, conn)
        try:
            store._configure()
            if version < SCHEMA_VERSION:
                store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open_read(cls, path: Path, *, immutable: bool | None = None) -> Store:
        """Open the store at `path` only to read: nothing is written, created or migrated.

        Works for a user who may only read the file, on a read-only mount, and leaves
        no `-wal`/`-shm` file behind that could block the owner's next write: while no
        write is under way (no `-wal` file) the file is read as immutable."""
        path = Path(path).expanduser().absolute()
        if _existing(path) is None:
            raise StoreError(f"không tìm thấy cơ sở dữ liệu tiến độ {path}")
        version = _inspect(path)
        store = cls(path, _connect_read(path, immutable))
        store._read_only = True
        store._version = version
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

    def add(self, event: Event, *, expect_last: int | None = None) -> Event:
        """Append `event`; returns it with `id` and `recorded_at` (default: now, UTC) filled in.

        With `expect_last` (the id of the task's newest event when the caller decided, 0 for none), the
        event is written only if no other event of the task was recorded since, checked inside the same
        write transaction: two `done` at once on one item record it once, the other gets `Conflict`."""
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
        evidence = _text(event.evidence) if event.evidence else event.evidence
        note = _text(event.note) if event.note else event.note
        who = " ".join(_text(who).split())  # one line: "a\nb" from TTHC_USER would break `history`
        row = (event.kind, event.plan, event.task, event.milestone or "", event.occurrence or "",
               day.isoformat() if day else None, due.isoformat() if due else None, evidence, note, who,
               recorded_at.isoformat(timespec="seconds"))

        def insert(conn: sqlite3.Connection) -> int:
            if expect_last is not None:
                last = conn.execute("SELECT coalesce(max(id), 0) FROM events WHERE plan = ? AND task = ?",
                                    (event.plan, event.task)).fetchone()[0]
                if last != expect_last:
                    raise Conflict(f"nhiệm vụ {event.plan}:{event.task} vừa có bản ghi mới (#{last}) của người khác")
            cur = conn.execute(f"INSERT INTO events ({', '.join(_COLUMNS[1:])}) VALUES ({', '.join('?' * 11)})", row)
            return cur.lastrowid

        new_id = self._write(insert)
        return event.replace(id=new_id, who=who, recorded_at=recorded_at, day=day, due=due, evidence=evidence,
                             note=note, milestone=event.milestone or "", occurrence=event.occurrence or "")

    def labels_since(self) -> datetime | None:
        """When this store began recording occurrence labels of deadline grammar 2 (migration 4)."""
        if self._version is not None and self._version < 4:  # read, not migrated: every event is older
            return datetime.max.replace(tzinfo=timezone.utc)
        if self._version == 0:
            return None
        row = self._read(lambda conn: conn.execute("SELECT applied_at FROM migrations WHERE version = 4").fetchone())
        return _parse_time(row[0], "migrations.applied_at", self._path) if row else None

    def events(self, plan: str | None = None, task: str | None = None) -> list[Event]:
        """Events, oldest first (by id), optionally only those of one plan and/or task."""
        where, args = [], []
        if plan is not None:
            where.append("plan = ?")
            args.append(plan)
        if task is not None:
            where.append("task = ?")
            args.append(task)
        if self._version == 0:  # an SQLite file with nothing in it yet: no events
            return []
        sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
        rows = self._read(lambda conn: conn.execute(sql, args).fetchall())
        return [_event(row, self._path) for row in rows]

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
        if self._version is not None and self._version < 3:
            return set()
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
                    raise StoreError(f"lỗi cơ sở dữ liệu tiến độ {self._path}: {_reason(e, self._path)}") from None
                if time.monotonic() >= deadline:
                    raise StoreError(f"cơ sở dữ liệu tiến độ {self._path} bận quá lâu "
                                     f"(đã chờ {WRITE_DEADLINE_S:.0f} giây); hãy thử lại") from None
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.2)
            except sqlite3.DatabaseError as e:
                if "not a database" in str(e):
                    raise _foreign(self._path) from None
                raise StoreError(f"lỗi cơ sở dữ liệu tiến độ {self._path}: {_reason(e, self._path)}") from None
            except sqlite3.Error as e:
                raise StoreError(f"lỗi cơ sở dữ liệu tiến độ {self._path}: {_reason(e, self._path)}") from None


# -- helpers ---------------------------------------------------------------------------------------------------------

def _inspect(path: Path) -> int:
    """The schema version of an existing file, read without writing anything to it.

    Refuses (StoreError) a file that is not SQLite, an SQLite file that is not a
    tthc store, and a store from a newer tthc. An empty file counts as new.
    """
    _existing(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            head = os.read(fd, 100)
        finally:
            os.close(fd)
    except OSError as e:
        raise StoreError(f"không đọc được cơ sở dữ liệu tiến độ {path}: {_os_reason(e)}") from None
    if not head:
        # tthc creates a store whole (see _create): an empty file is not one of its stores, and taking it
        # for a new store would silently start the history again where a copy or a disk error emptied it
        raise StoreError(f"{path} là tệp rỗng (0 byte), không phải cơ sở dữ liệu tiến độ của tthc; nếu lịch sử đã "
                         f"mất, hãy lấy lại bản sao lưu; nếu muốn bắt đầu sổ mới, hãy xóa hoặc đổi tên tệp này")
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
        conn = _connect_read(path)
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
        raise StoreError(f"không mở được cơ sở dữ liệu tiến độ {path}: {_reason(e, path)}") from None
    if version > SCHEMA_VERSION:
        raise _newer(path, version)
    if foreign:
        raise _foreign(path)
    return version


def read_events(path: Path) -> tuple[list[Event], datetime | None]:
    """Every event of the store at `path` and `labels_since`, read without writing anything.

    An immutable read trusts that nobody writes meanwhile; if the file changed while it
    was read (a writer committed and checkpointed), it is read again."""
    def fingerprint():
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size, os.path.exists(f"{path}-wal")

    for _ in range(5):
        before = fingerprint()
        try:
            with Store.open_read(path) as store:
                events, since = store.events(), store.labels_since()
        except StoreError:
            if fingerprint() == before:
                raise  # nothing changed meanwhile: the error is real
            continue  # a writer checkpointed under an immutable read: read again
        if fingerprint() == before:
            return events, since
    # writers busy all along: one last read the ordinary way, which SQLite keeps consistent under them
    with Store.open_read(path, immutable=False) as store:
        return store.events(), store.labels_since()


def _text(value: str) -> str:
    """Free text typed by people, as stored: no escape sequence (it would reach a terminal later), and
    valid UTF-8 (bytes a terminal could not decode, as from TTHC_USER, become "?")."""
    from tthc_cli.core.text import clean_text

    return clean_text(value.encode("utf-8", "replace").decode("utf-8"))


def _existing(path: Path):
    """The stat of the store file, None if there is none; StoreError if something else is in its place."""
    from tthc_cli.io.files import FileError, require_regular

    try:
        return require_regular(path, "cơ sở dữ liệu tiến độ của tthc")
    except FileError as e:
        raise StoreError(e.message) from None


def _create(path: Path) -> None:
    """Make a new store at `path` whole: built and migrated in a temporary file, then linked into place.

    A hard link never replaces a file, so two processes creating the store at once end
    with one store (the second one's copy is dropped), and no reader ever meets a
    half-made, empty file."""
    from tthc_cli.io.files import TEMP_SUFFIX, sweep

    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"không tạo được thư mục {folder}: {_os_reason(e)}") from None
    sweep(folder)
    tmp = folder / f".{path.name}.{os.getpid()}.{time.monotonic_ns() % 10**9}{TEMP_SUFFIX}"
    try:
        conn = sqlite3.connect(str(tmp), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreError(f"không tạo được cơ sở dữ liệu tiến độ {path}: {_reason(e)}") from None
    store = Store(tmp, conn)
    try:
        store._configure()
        store._migrate()
        store.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the store
        except OSError:  # no hard links on this file system (FAT, some shares)
            if not os.path.lexists(path):
                os.replace(tmp, path)
    except OSError as e:
        raise StoreError(f"không tạo được cơ sở dữ liệu tiến độ {path}: {_os_reason(e)}") from None
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{tmp}{suffix}")
            except OSError:
                pass


def _connect_read(path: Path, immutable: bool | None = None) -> sqlite3.Connection:
    """A read-only connection that creates no file: immutable while no write is under way (or as told)."""
    try:
        wal = os.stat(f"{path}-wal").st_size
    except OSError:
        wal = 0  # no write-ahead log, or an empty one (a write that failed, a clean close): all is in the file
    # With records in the log, SQLite must read it (and its index, -shm, which it makes when missing);
    # an immutable read would miss them and show an item as not done.
    busy = wal > 0 if immutable is None else not immutable
    query = "mode=ro" if busy else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?{query}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None)
        if busy:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the WAL index is read here
        return conn
    except sqlite3.Error as e:
        raise StoreError(f"không mở được cơ sở dữ liệu tiến độ {path}: {_reason(e, path)}") from None


def _os_reason(e: OSError) -> str:
    from tthc_cli.io.files import os_reason

    return os_reason(e)


def _reason(e: sqlite3.Error, path: Path | None = None) -> str:
    """SQLite's error in Vietnamese where the user can act on it."""
    code = getattr(e, "sqlite_errorcode", 0) & 0xFF
    text = str(e)
    if code == sqlite3.SQLITE_IOERR and path is not None and _nearly_full(path):
        code = sqlite3.SQLITE_FULL  # WAL's shared memory could not grow: SQLite says "disk I/O error"
    if code == sqlite3.SQLITE_FULL or "disk is full" in text:
        return "đĩa đầy; hãy giải phóng chỗ trống rồi chạy lại (không bản ghi nào bị mất)"
    if code == sqlite3.SQLITE_READONLY or "readonly" in text:
        return "không có quyền ghi (tệp hoặc thư mục chỉ đọc); lệnh xem vẫn chạy được"
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open" in text:
        return "không mở được tệp (thư mục không có hoặc không có quyền)"
    if code == sqlite3.SQLITE_IOERR or "disk I/O error" in text:
        return "lỗi đọc/ghi đĩa (đĩa đầy, đĩa hỏng hoặc mạng chia sẻ bị ngắt)"
    if "no such table" in text or "no such column" in text:
        return (f"tệp thiếu {text.split(':', 1)[-1].strip()} ({'bảng' if 'table' in text else 'cột'}): đã bị sửa "
                f"ngoài tthc, không phải cơ sở dữ liệu tiến độ hoàn chỉnh; hãy lấy lại bản sao lưu")
    if code == sqlite3.SQLITE_CORRUPT or "malformed" in text:
        return "tệp bị hỏng; hãy lấy lại bản sao lưu"
    return text


def _nearly_full(path: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(Path(path).parent).free < 1024 * 1024
    except OSError:
        return False


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


def _parse_day(value, rid, field: str, path: Path) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad_row(path, rid, field, value) from None


def _parse_time(value, field: str, path: Path | None = None, rid=None) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad_row(path, rid, field, value) from None


def _bad_row(path, rid, field: str, value) -> StoreError:
    where = f"bản ghi #{rid}" if rid is not None else "cơ sở dữ liệu"
    return StoreError(f"{path or 'cơ sở dữ liệu tiến độ'}: {where} có {field} không hợp lệ ({value!r}); tệp đã bị "
                      f"sửa ngoài tthc: hãy lấy lại bản sao lưu hoặc sửa bản ghi đó")


def _event(row: tuple, path: Path | None = None) -> Event:
    (id_, kind, plan, task, milestone, occurrence, day, due, evidence, note, who, recorded_at) = row
    if kind not in KINDS or not isinstance(plan, str) or not isinstance(task, str):
        raise _bad_row(path, id_, "loại hoặc nhiệm vụ", (kind, plan, task))
    for field, value in (("milestone", milestone), ("occurrence", occurrence), ("evidence", evidence),
                         ("note", note), ("who", who)):
        if value is not None and not isinstance(value, str):
            raise _bad_row(path, id_, field, value)
    from tthc_cli.core.text import clean_text  # a row written by another tool may hold escape sequences

    evidence, note, who = (clean_text(v) if v else v for v in (evidence, note, who))
    stamp = _parse_time(recorded_at, "recorded_at", path, id_)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return Event(kind, plan, task, milestone=milestone or "", occurrence=occurrence or "",
                 day=_parse_day(day, id_, "day", path), due=_parse_day(due, id_, "due", path),
                 evidence=evidence, note=note, who=who or "", recorded_at=stamp, id=id_)
