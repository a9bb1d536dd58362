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
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from tthc_cli.core.progress import Event
from tthc_cli.errors import Conflict, StoreError  # noqa: F401 (Conflict: what a caller of add() catches)
from tthc_cli.io.storebase import EventStore, default_who, utc_now  # noqa: F401 (default_who: the old home)


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
    # Extensions (gia hạn) and progress records: two kinds and a percent column. SQLite cannot widen a CHECK in
    # place: the table is built anew with every row (ids kept) in the migration's one transaction.
    (5, "extend-progress", """
CREATE TABLE events_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('done', 'undone', 'trigger', 'note', 'extend', 'progress')),
    plan        TEXT NOT NULL,
    task        TEXT NOT NULL,
    milestone   TEXT NOT NULL DEFAULT '',
    occurrence  TEXT NOT NULL DEFAULT '',
    day         TEXT,
    due         TEXT,
    evidence    TEXT,
    note        TEXT,
    who         TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    percent     INTEGER CHECK (percent IS NULL OR percent BETWEEN 0 AND 100)
);
INSERT INTO events_new (id, kind, plan, task, milestone, occurrence, day, due, evidence, note, who, recorded_at)
    SELECT id, kind, plan, task, milestone, occurrence, day, due, evidence, note, who, recorded_at FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_plan_task ON events (plan, task, id);
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


class Store(EventStore):
    """An open SQLite progress store. Use `Store.open(path)`; close it (or use `with`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, network: str | None = None):
        super().__init__()
        self._path = path
        self._conn: sqlite3.Connection | None = conn
        self._read_only = False
        self._network = network  # the file system's type when it is a network one (see netfs.py)

    # -- opening -------------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        """Open the store at `path` to write (creating it where no file is, and migrating it).

        A file that is there but is not a tthc store (an empty file included) is refused and left as it is."""
        path = Path(path).expanduser().absolute()
        network = on_network(path)
        if _existing(path) is not None:
            version = _inspect(path, network)
        elif not create:
            raise StoreError(f"không tìm thấy cơ sở dữ liệu tiến độ {path}")
        else:
            _create(path, network)
            version = _inspect(path, network)
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"không mở được cơ sở dữ liệu tiến độ {path}: {_reason(e)}") from None
        store = cls(path, conn, network=network)
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
        network = on_network(path)
        version = _inspect(path, network)
        # on a share another machine may write at any moment and mtimes may lag: always read under the lock
        store = cls(path, _connect_read(path, False if network else immutable), network=network)
        store._read_only = True
        store._version = version
        return store

    def _configure(self) -> None:
        def setup() -> None:
            conn = self._connection
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            want = "delete" if self._network else "wal"  # no WAL on a network file system: see netfs.py
            mode = conn.execute(f"PRAGMA journal_mode = {want.upper()}").fetchone()[0]
            if str(mode).lower() != want:
                raise StoreError(f"không bật được chế độ nhật ký {want.upper()} cho cơ sở dữ liệu tiến độ "
                                 f"{self._path} (đang là {mode})")
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

    @property
    def where(self) -> str:
        return str(self._path)

    def _insert(self, conn: sqlite3.Connection, sql: str, row) -> int:
        return conn.execute(sql, row).lastrowid

    @contextmanager
    def run_lock(self, name: str):
        """A lock file beside the store, held while one `digest --send` runs."""
        from tthc_cli.io.files import run_lock

        with run_lock(self._path.parent / f"{name}.lock"):
            yield

    def integrity_ok(self) -> bool:
        rows = self._read(lambda conn: conn.execute("PRAGMA integrity_check").fetchall())
        return [r[0] for r in rows] == ["ok"]

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

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

def _inspect(path: Path, network: str | None = None) -> int:
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
        conn = _connect_read(path, False if network else None)
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

    if on_network(Path(path).expanduser().absolute()):
        with Store.open_read(path, immutable=False) as store:  # under SQLite's lock, never immutable on a share
            return store.events(), store.labels_since()
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


def on_network(path: Path) -> str | None:
    """The network file system type `path` is on (None when local); the first time in a run, a warning on stderr."""
    from tthc_cli.io import netfs

    key = str(path)
    if key not in netfs.JUDGED:
        fstype = netfs.JUDGED[key] = netfs.network_fs(path)
        if fstype:
            import sys

            print(f"Cảnh báo: sổ tiến độ {path} nằm trên ổ mạng ({fstype}). SQLite trên ổ mạng có thể hỏng khi nhiều "
                  f"máy cùng ghi; tthc ghi ở chế độ nhật ký rollback (không dùng WAL) để an toàn hơn. Nếu nhiều máy "
                  f"cùng ghi tiến độ, hãy dùng cơ sở dữ liệu PostgreSQL: --db postgresql://máy-chủ/tên-csdl "
                  f"(chép sổ cũ sang bằng `tthc store copy`; xem README).", file=sys.stderr)
    return netfs.JUDGED[key]


def _existing(path: Path):
    """The stat of the store file, None if there is none; StoreError if something else is in its place."""
    from tthc_cli.io.files import FileError, require_regular

    try:
        return require_regular(path, "cơ sở dữ liệu tiến độ của tthc")
    except FileError as e:
        raise StoreError(e.message) from None


def _create(path: Path, network: str | None = None) -> None:
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
    store = Store(tmp, conn, network=network)
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
