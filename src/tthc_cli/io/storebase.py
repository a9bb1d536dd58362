"""What every progress store does, whatever holds it: the event model in rows, written and read once here.

Two back ends share it: `store.Store` (one SQLite file) and `pgstore.PgStore` (a PostgreSQL database). A back
end supplies the transactions (`_write`, `_read`: run `fn(conn)` with `conn.execute(sql, args)` returning a
cursor), its placeholder, how an insert returns its id, and how it opens, migrates and locks. The rules are
here: which fields an event needs, how text is cleaned, the `expect_last` check inside the write transaction,
how rows become `Event`s (and a row changed by hand is named by its record number), the delivery log, the
labels mark of migration 4, and the canonical form `store copy` checks.

Which back end a place names, and opening it, is `stores.py`.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import date, datetime, timezone

from tthc_cli.core.progress import KINDS, Event
from tthc_cli.errors import Conflict, StoreError

COLUMNS = ("id", "kind", "plan", "task", "milestone", "occurrence", "day", "due", "evidence", "note", "who",
           "recorded_at", "percent")
PERCENT_SINCE = 5
"""The schema version that added `percent` (and the kinds extend and progress): an older store read as it is
(not migrated: a reader writes nothing) has every percent empty."""
SENT_COLUMNS = ("id", "day", "unit", "recipient", "ok", "error", "attempts", "message_id", "sent_at")


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


class EventStore:
    """An open progress store; subclasses hold the connection. Close it, or use `with`."""

    placeholder = "?"

    def __init__(self):
        self._version: int | None = None  # set by a read-only open: the schema as found

    # -- what a back end supplies ------------------------------------------------------------------------------------
    def _write(self, fn):  # pragma: no cover - abstract
        raise NotImplementedError

    def _read(self, fn):  # pragma: no cover - abstract
        raise NotImplementedError

    def _insert(self, conn, sql: str, row) -> int:
        """Run the INSERT `sql` and return the new row's id."""
        raise NotImplementedError  # pragma: no cover

    def _after_copy(self, conn) -> None:
        """After rows were inserted with their own ids: the next id must follow them."""

    @property
    def where(self) -> str:
        """The store's place, as messages show it."""
        raise NotImplementedError  # pragma: no cover

    @contextmanager
    def run_lock(self, name: str):
        """Held while one `digest --send` runs (LockedError when another holds it)."""
        raise NotImplementedError  # pragma: no cover
        yield

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    # -- events --------------------------------------------------------------------------------------------------
    def add(self, event: Event, *, expect_last: int | None = None) -> Event:
        """Append `event`; returns it with `id` and `recorded_at` (default: now, UTC) filled in.

        With `expect_last` (the id of the task's newest event when the caller decided, 0 for none), the
        event is written only if no other event of the task was recorded since, checked inside the same
        write transaction: two `done` at once on one item record it once, the other gets `Conflict`."""
        event = normalised(event)
        row = _row(event)
        insert_sql = self._sql(f"INSERT INTO events ({', '.join(COLUMNS[1:])}) VALUES ({', '.join('?' * 12)})")
        last_sql = self._sql("SELECT coalesce(max(id), 0) FROM events WHERE plan = ? AND task = ?")

        def insert(conn) -> int:
            if expect_last is not None:
                last = conn.execute(last_sql, (event.plan, event.task)).fetchone()[0]
                if last != expect_last:
                    raise Conflict(f"nhiệm vụ {event.plan}:{event.task} vừa có bản ghi mới (#{last}) của người khác")
            return self._insert(conn, insert_sql, row)

        return event.replace(id=self._write(insert))

    def events(self, plan: str | None = None, task: str | None = None) -> list[Event]:
        """Events, oldest first (by id), optionally only those of one plan and/or task."""
        where, args = [], []
        if plan is not None:
            where.append("plan = ?")
            args.append(plan)
        if task is not None:
            where.append("task = ?")
            args.append(task)
        if self._version == 0:  # a store with nothing in it yet: no events
            return []
        columns = COLUMNS if self._version is None or self._version >= PERCENT_SINCE else (*COLUMNS[:-1], "NULL")
        sql = self._sql(f"SELECT {', '.join(columns)} FROM events" + (f" WHERE {' AND '.join(where)}" if where else "")
                        + " ORDER BY id")
        rows = self._read(lambda conn: conn.execute(sql, args).fetchall())
        return [to_event(row, self.where) for row in rows]

    def labels_since(self) -> datetime | None:
        """When this store began recording occurrence labels of deadline grammar 2 (migration 4)."""
        if self._version is not None and self._version < 4:  # read, not migrated: every event is older
            return datetime.max.replace(tzinfo=timezone.utc)
        if self._version == 0:
            return None
        row = self._read(lambda conn: conn.execute(self._sql("SELECT applied_at FROM migrations WHERE version = ?"),
                                                   (4,)).fetchone())
        return parse_time(row[0], "migrations.applied_at", self.where) if row else None

    def snapshot(self) -> tuple[list[Event], datetime | None, list[tuple]]:
        """Every event, `labels_since` and every delivery-log row (canonical), as one consistent read."""
        return self.events(), self.labels_since(), self.sent_rows()

    # -- the delivery log ----------------------------------------------------------------------------------------
    def record_sent(self, day: date, rows) -> None:
        """Record what a digest run delivered: rows of (unit, recipient, ok, error, attempts, message_id)."""
        now = utc_now().isoformat(timespec="seconds")
        data = [(day.isoformat(), unit, rcpt, bool(ok), error, attempts, mid, now)
                for unit, rcpt, ok, error, attempts, mid in rows]
        sql = self._sql(f"INSERT INTO sent ({', '.join(SENT_COLUMNS[1:])}) VALUES ({', '.join('?' * 8)})")

        def insert(conn) -> int:
            for one in data:
                conn.execute(sql, one)
            return len(data)

        if data:
            self._write(insert)

    def delivered(self, day: date) -> set[tuple[str, str]]:
        """(unit, recipient) pairs delivered for `day`'s digest."""
        if self._version is not None and self._version < 3:
            return set()
        rows = self._read(lambda conn: conn.execute(
            self._sql("SELECT unit, recipient FROM sent WHERE day = ? AND ok = ?"), (day.isoformat(), True)).fetchall())
        return {(u, r) for u, r in rows}

    def sent_rows(self) -> list[tuple]:
        """The delivery log, oldest first, in canonical form (dates and times as ISO text, ok as bool)."""
        if self._version is not None and self._version < 3:
            return []
        rows = self._read(lambda conn: conn.execute(f"SELECT {', '.join(SENT_COLUMNS)} FROM sent ORDER BY id")
                          .fetchall())
        return [canonical_sent(r, self.where) for r in rows]

    # -- copying ---------------------------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self._read(lambda conn: conn.execute("SELECT count(*) FROM events").fetchone()[0]
                          + conn.execute("SELECT count(*) FROM sent").fetchone()[0]) == 0

    def load(self, events: list[Event], sent: list[tuple], since: datetime | None) -> None:
        """Write `events` and `sent` with their own ids into this store, which must be empty, in one transaction;
        the labels mark (migration 4's time) becomes `since`, so old records are read as they were."""
        ev_sql = self._sql(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 13)})")
        sent_sql = self._sql(f"INSERT INTO sent ({', '.join(SENT_COLUMNS)}) VALUES ({', '.join('?' * 9)})")

        def copy(conn) -> None:
            if conn.execute("SELECT count(*) FROM events").fetchone()[0] or \
                    conn.execute("SELECT count(*) FROM sent").fetchone()[0]:
                raise StoreError(f"{self.where} vừa có bản ghi mới trong lúc chép; không chép gì")
            for e in events:
                conn.execute(ev_sql, (e.id, *_row(e)))
            for s in sent:
                conn.execute(sent_sql, s)
            if since is not None and since.year < 9999:
                conn.execute(self._sql("UPDATE migrations SET applied_at = ? WHERE version = ?"),
                             (since.isoformat(timespec="seconds"), 4))
            self._after_copy(conn)

        self._write(copy)


def normalised(event: Event) -> Event:
    """`event` as it is stored: checked, text cleaned, who on one line, recorded_at in UTC to the second."""
    if event.kind not in KINDS:
        raise StoreError(f"loại sự kiện không hợp lệ: {event.kind!r} (chỉ nhận {', '.join(KINDS)})")
    for field in ("plan", "task"):
        if not isinstance(getattr(event, field), str) or not getattr(event, field):
            raise StoreError(f"sự kiện thiếu {field}")
    who = (event.who or "").strip()
    if not who:
        raise StoreError("sự kiện thiếu người ghi (who)")
    recorded_at = _utc_seconds(event.recorded_at) if event.recorded_at is not None else utc_now()
    evidence = _text(event.evidence) if event.evidence else event.evidence
    note = _text(event.note) if event.note else event.note
    who = " ".join(_text(who).split())  # one line: "a\nb" from TTHC_USER would break `history`
    percent = event.percent
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100):
        raise StoreError(f"tỷ lệ hoàn thành không hợp lệ: {percent!r} (từ 0 đến 100)")
    return event.replace(who=who, recorded_at=recorded_at, day=_as_date(event.day), due=_as_date(event.due),
                         evidence=evidence, note=note, milestone=event.milestone or "",
                         occurrence=event.occurrence or "")


def _row(e: Event) -> tuple:
    """The columns after id, as both back ends store them (dates and times as ISO text)."""
    return (e.kind, e.plan, e.task, e.milestone or "", e.occurrence or "", e.day.isoformat() if e.day else None,
            e.due.isoformat() if e.due else None, e.evidence, e.note, e.who,
            _utc_seconds(e.recorded_at).isoformat(timespec="seconds"), e.percent)


def canonical(events: list[Event], sent: list[tuple]) -> str:
    """SHA-256 over a canonical serialisation of the events and the delivery log: one JSON line each, in id
    order, every field, dates ISO, times UTC to the second. Equal for the same records in either back end."""
    import hashlib  # only `store copy` needs it: OpenSSL's module costs ~5 ms of every start

    h = hashlib.sha256()
    for e in sorted(events, key=lambda e: e.id or 0):
        h.update(json.dumps(["event", e.id, *_row(e)], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        h.update(b"\n")
    for s in sorted(sent, key=lambda s: s[0]):
        h.update(json.dumps(["sent", *s], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def canonical_sent(row, where) -> tuple:
    id_, day, unit, recipient, ok, error, attempts, mid, sent_at = row
    day = day.isoformat() if isinstance(day, date) else day
    stamp = parse_time(sent_at, "sent.sent_at", where, id_)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return (id_, day, unit, recipient, bool(ok), error, attempts, mid,
            _utc_seconds(stamp).isoformat(timespec="seconds"))


def _text(value: str) -> str:
    """Free text typed by people, as stored: no escape sequence (it would reach a terminal later), and
    valid UTF-8 (bytes a terminal could not decode, as from TTHC_USER, become "?")."""
    from tthc_cli.core.text import clean_text

    return clean_text(value.encode("utf-8", "replace").decode("utf-8"))


def _as_date(value: date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _utc_seconds(value: datetime) -> datetime:
    """`value` in UTC, to the second; a naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


def parse_day(value, rid, field: str, where) -> date | None:
    if not value:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise bad_row(where, rid, field, value) from None


def parse_time(value, field: str, where=None, rid=None) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise bad_row(where, rid, field, value) from None


def bad_row(where, rid, field: str, value) -> StoreError:
    place = f"bản ghi #{rid}" if rid is not None else "cơ sở dữ liệu"
    return StoreError(f"{where or 'cơ sở dữ liệu tiến độ'}: {place} có {field} không hợp lệ ({value!r}); dữ liệu đã "
                      f"bị sửa ngoài tthc: hãy lấy lại bản sao lưu hoặc sửa bản ghi đó")


def to_event(row: tuple, where=None) -> Event:
    (id_, kind, plan, task, milestone, occurrence, day, due, evidence, note, who, recorded_at, percent) = row
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100):
        raise bad_row(where, id_, "percent", percent)
    if kind not in KINDS or not isinstance(plan, str) or not isinstance(task, str):
        raise bad_row(where, id_, "loại hoặc nhiệm vụ", (kind, plan, task))
    for field, value in (("milestone", milestone), ("occurrence", occurrence), ("evidence", evidence),
                         ("note", note), ("who", who)):
        if value is not None and not isinstance(value, str):
            raise bad_row(where, id_, field, value)
    from tthc_cli.core.text import clean_text  # a row written by another tool may hold escape sequences

    evidence, note, who = (clean_text(v) if v else v for v in (evidence, note, who))
    stamp = parse_time(recorded_at, "recorded_at", where, id_)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return Event(kind, plan, task, milestone=milestone or "", occurrence=occurrence or "",
                 day=parse_day(day, id_, "day", where), due=parse_day(due, id_, "due", where),
                 evidence=evidence, note=note, who=who or "", recorded_at=stamp, id=id_, percent=percent)
