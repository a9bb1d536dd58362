"""What a command works with: the configuration, the plans, the progress
store and the working-day calendar, each built once and only when asked for.

This is the I/O edge the commands share; the core (queries, progress,
report, workdays) stays pure.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tthc_cli.errors import UsageError


HOLIDAY_YEARS_KEPT = 60
"""How many years of holiday tables the cache keeps, those of other plans folders included."""


class Session:
    def __init__(self, plans: list[str] | None = None, *, config_path: str | None = None, db: str | None = None,
                 no_cache: bool = False, busy=None):
        self._plans_arg = plans
        self.busy = busy  # told of a full load's files as they are read (cli/busy.py draws it)
        self._config_path = config_path
        self._db_arg = db
        self.no_cache = no_cache
        self._config = self._ws = self._qws = self._progress = self._calendar = None

    # -- configuration and paths ------------------------------------------------
    @property
    def cache(self):
        from tthc_cli.io.loader import cache_dir

        return None if self.no_cache else cache_dir()

    @property
    def config(self):
        if self._config is None:
            from tthc_cli.io.config import load

            self._config = load(self._config_path, self.cache)
        return self._config

    def plan_paths(self) -> list[str]:
        if self._plans_arg:
            return self._plans_arg
        env = os.environ.get("TTHC_PLANS")
        if env:
            return [p for p in env.split(os.pathsep) if p]
        if self.config.plans:
            base = self.config.source.parent if self.config.source else Path(".")
            return [str(base / p) for p in self.config.plans]
        if not os.path.isdir("plans"):
            raise UsageError("không tìm thấy thư mục ./plans; chỉ rõ kế hoạch bằng --plans TỆP_HOẶC_THƯ_MỤC")
        return ["plans"]

    def db_location(self):
        """The progress store: --db, TTHC_DB, the config's `store` (a PostgreSQL URL) or `db`, else
        .tthc/progress.db beside the plans folder. A Path, or a PgUrl for `postgresql://…`."""
        from tthc_cli.io.stores import location

        if self._db_arg:
            return location(self._db_arg)
        env = os.environ.get("TTHC_DB")
        if env:
            return location(env)
        if self.config.store:
            return location(self.config.store)
        if self.config.db:
            base = self.config.source.parent if self.config.source else Path(".")
            return location(self.config.db, base)
        first = Path(self.plan_paths()[0])
        folder = first.parent if first.is_dir() else first.parent.parent  # beside the folder holding the plans
        return folder / ".tthc" / "progress.db"

    @property
    def home_commune(self):
        """The commune of the config's `commune:` (a one-commune office): the default of --commune, and the
        commune of plans that name no issuer. None when unset."""
        from tthc_cli.core.communes import commune_of

        return commune_of(self.config.commune)

    def home_in(self, ws):
        """The config's commune as the plans of `ws` name it: "Xuân Trường" in the config is the plans' "xã Xuân
        Trường" when that is the one commune it fits; else as written."""
        from tthc_cli.core.communes import find

        home = self.home_commune
        if home is None:
            return None
        hits = find(self.config.commune, [x for x in ws.communes() if x is not None])
        return hits[0] if len(hits) == 1 else home

    # -- plans ------------------------------------------------------------------------
    @property
    def workspace(self):
        return self._workspace()

    def _workspace(self, files=None):
        """The plans loaded whole (from `files` when they were found already)."""
        if self._ws is None:
            from tthc_cli.io.workspace import load

            self._ws = load(self.plan_paths(), use_cache=not self.no_cache, extra_units=self.config.units,
                            files=files, progress=self.busy)
            if not self._ws.files:
                raise UsageError("không có tệp kế hoạch (.yaml) nào trong " + ", ".join(self.plan_paths()))
            self._ws.assign_commune(self.home_in(self._ws))
        return self._ws

    @property
    def query_workspace(self):
        """The plans as `due`, `overdue`, `list` and `check` read them: from the query index (io/index.py) when
        it is fresh, else loaded whole, and then the index is written for the next run."""
        if self._qws is None:
            self._qws = self._indexed()
            self._qws.assign_commune(self.home_in(self._qws))
        return self._qws

    def _indexed(self):
        cache = self.cache
        if self._ws is not None:
            return self.workspace
        from tthc_cli.io import index
        from tthc_cli.io.loader import discover

        paths = self.plan_paths()
        stats: list = []
        files = discover(paths, stats)
        if not files:
            return self._workspace(files)  # says there is no plan file

        def registry():  # imported and built only when plans are read: a fresh index needs none of it
            from tthc_cli.io.workspace import config_registry

            return config_registry(cache is not None, self.config.units)

        if cache is None:  # --no-cache (or no usable cache folder): the index made in memory, plan by plan, so a
            # province's plans are never all held at once (124 → 78 MiB at 50,000 tasks); else the full load
            fresh = index.build(None, "", files, registry(), None, index.stats(files), self.busy)
            return fresh if fresh is not None else self._workspace(files)
        key = index.key_of(files, self.config.units)
        path = index.index_file(cache, paths)
        ws = index.open_index(path, key, files)  # a fresh index keeps its registry: none is built here
        changed = ws.changed(stats) if ws is not None else None
        if ws is not None and not changed:
            return ws
        if ws is not None:
            if len(changed) <= index.MAX_REFRESH:
                fresh = index.refresh(path, ws, changed, registry, cache)
                if fresh is not None:
                    return fresh
            ws.close()
        before = index.stats(files)
        if self._ws is None:
            # plan by plan into the index, then read back as a warm run would; None: the full load answers
            fresh = index.build(path, key, files, registry(), cache, before, self.busy)
            if fresh is not None:
                return fresh
        ws = self._workspace(files)  # the files the key was made of, not a second walk of the folders
        if not ws.errors and not ws.left_out:
            index.write(path, key, ws, before)
        return ws

    # -- progress -------------------------------------------------------------------------
    @property
    def progress(self):
        """What the store records; an absent store is simply no progress (never created here)."""
        if self._progress is None:
            from tthc_cli.core.progress import EMPTY, Progress

            where = self.db_location()
            if isinstance(where, Path) and not os.path.lexists(where):
                self._progress = EMPTY
            else:
                from tthc_cli.io.stores import read_all

                events, since = read_all(where)  # a reader writes nothing: a read-only share, a read-only role
                self._progress = Progress(self._old_labels(events, since))
        return self._progress

    def reload_progress(self):
        """Forget what was read from the store (another process wrote meanwhile)."""
        self._progress = None

    def _old_labels(self, events, since):
        """Events recorded before the store knew the labels of deadline grammar 2, under their new labels.

        Earlier, "Trước quý III, IV/2026" labelled its occurrences "Quý III/2026" and "Quý IV/2026"; they are
        now "Quý II/2026" and "Quý III/2026" (the quarters that end on those days). Each occurrence keeps its
        old label as `alias`; a record made before the change under an alias is read as made under the
        occurrence's label now. Nothing in the store is rewritten."""
        old = [e for e in events if e.occurrence and since is not None and e.recorded_at is not None
               and e.recorded_at < since]
        if not old:
            return events
        renames = {}
        for plan in self.workspace.plans:
            for task in plan.tasks:
                res = task.resolution
                if res is None:
                    continue
                parts = [(m.label or "", m.resolution) for m in res.milestones] or [("", res)]
                for milestone, part in parts:
                    for o in part.occurrences:
                        if o.alias and o.alias != o.label:
                            renames[(plan.id, task.id, milestone, o.alias)] = o.label
        old_ids = {id(e) for e in old}
        return [e.replace(occurrence=renames.get((e.plan, e.task, e.milestone, e.occurrence), e.occurrence))
                if id(e) in old_ids else e for e in events]

    def store(self):
        """The progress store, created on first use."""
        from tthc_cli.io.stores import open_store

        return open_store(self.db_location(), create=True)

    def ensure_store(self) -> None:
        """Before a command that writes reads the store: a PostgreSQL store is created and migrated now (a
        SQLite file that is not there yet reads as no progress, and is created when written)."""
        where = self.db_location()
        if not isinstance(where, Path):
            from tthc_cli.io.stores import open_store

            open_store(where, create=True).close()

    def who(self) -> str:
        if self.config.user:
            return self.config.user
        from tthc_cli.io.storebase import default_who

        return default_who()

    def roll(self, roll_forward: bool | None = None):
        """The calendar when periods ending on a day off move to the next working day (option, else config)."""
        on = self.config.roll_forward if roll_forward is None else roll_forward
        return self.calendar if on else None

    # -- working days -------------------------------------------------------------------------
    @property
    def calendar(self):
        if self._calendar is None:
            years = (self._qws if self._qws is not None else self.workspace).years
            self._calendar = self._load_calendar(range(min(years), max(years) + 1) if years else range(2025, 2028))
        return self._calendar

    def calendar_covering(self, a, b):
        """A calendar that knows the public holidays of every year from `a` to `b` (a lag may leave the plan's years)."""
        cal = self.calendar
        if all(cal.covers(date(y, 1, 1)) for y in range(min(a, b).year, max(a, b).year + 1)):
            return cal
        years = set(cal.years) | set(range(min(a, b).year, max(a, b).year + 2))
        self._calendar = self._load_calendar(range(min(years), max(years) + 1))
        return self._calendar

    def _load_calendar(self, years):
        from tthc_cli.io.loader import Memo
        from tthc_cli.io.holidays import holidays_version, load_calendar

        memo = Memo(self.cache, "holidays", holidays_version(), keep=HOLIDAY_YEARS_KEPT * 2)  # 2 tables a year
        try:
            cal = load_calendar(years, memo, extra_days_off=self.config.days_off,
                                    extra_working_days=self.config.working_days)
        except ValueError as exc:
            from tthc_cli.io.config import ConfigError

            raise ConfigError(str(exc)) from None
        memo.save()
        return cal
