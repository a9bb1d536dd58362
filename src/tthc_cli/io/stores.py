"""Which progress store a place names, and opening it: a `postgresql://` or `postgres://` URL is a PostgreSQL
store (pgstore.py, psycopg imported only then), anything else a SQLite file (store.py)."""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False  # as typing's (type checkers read it so), without importing typing (9 ms here)
if TYPE_CHECKING:  # only named in annotations: `location`, which every command calls, imports nothing more
    from datetime import datetime

    from tthc_cli.core.progress import Event
    from tthc_cli.io.storebase import EventStore

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(text) -> bool:
    return isinstance(text, str) and text.strip().lower().startswith(URL_SCHEMES)


def location(text, base: Path | None = None):
    """A store's place: a `PgUrl` for a PostgreSQL URL, else a Path (relative to `base` when given)."""
    if is_url(text):
        from tthc_cli.io.pgstore import PgUrl

        return PgUrl(text.strip())
    path = Path(text)
    return base / path if base is not None else path


def describe(loc) -> str:
    """The place as a message shows it (a URL with its password masked)."""
    return loc.masked if hasattr(loc, "masked") else str(loc)


def open_store(loc, *, create: bool = True) -> EventStore:
    """The store at `loc` opened to write, created and migrated where needed."""
    if hasattr(loc, "masked"):
        from tthc_cli.io.pgstore import PgStore

        return PgStore.open(loc, create=create)
    from tthc_cli.io.store import Store

    return Store.open(loc, create=create)


def open_read(loc) -> EventStore:
    """The store at `loc` opened only to read: nothing created, migrated or written."""
    if hasattr(loc, "masked"):
        from tthc_cli.io.pgstore import PgStore

        return PgStore.open_read(loc)
    from tthc_cli.io.store import Store

    return Store.open_read(loc)


def read_all(loc) -> tuple[list[Event], datetime | None]:
    """Every event of the store at `loc` and `labels_since`, read without writing anything."""
    if hasattr(loc, "masked"):
        with open_read(loc) as store:
            return store.snapshot()[:2]
    from tthc_cli.io.store import read_events

    return read_events(loc)
