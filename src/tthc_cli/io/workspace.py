"""Loading a set of plan files into linked plans: the one entry point commands use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tthc_cli.core.graph import link
from tthc_cli.io.loader import Memo, cache_dir, discover, read_plan, with_lines
from tthc_cli.core.model import ERROR, Plan, Problem
from tthc_cli.core.planfile import build_plan
from tthc_cli.core.units import Registry
from tthc_cli.core.workdays import period_years


_PACKAGE = Path(__file__).parent.parent
UNITS_FILE = _PACKAGE / "data" / "units.yaml"
_GRAMMAR_DIR = _PACKAGE / "core" / "deadline"


def grammar_files() -> list[Path]:
    """The files whose change invalidates cached deadline resolutions: the grammar package and the text clean-up."""
    return sorted(_GRAMMAR_DIR.glob("*.py")) + [_PACKAGE / "core" / "text.py"]


def bundled_registry_data(use_cache: bool = True) -> dict:
    """The unit table shipped with tthc (through the parse cache: no YAML import when warm)."""
    folder = cache_dir() if use_cache else None
    return _bundled_data(str(folder) if folder is not None else None)


@lru_cache(maxsize=4)
def _bundled_data(cache: str | None) -> dict:
    """Kept per cache folder: a second run in one process with another folder still fills that folder."""
    raw = read_plan(UNITS_FILE, Path(cache) if cache is not None else None)
    if not raw.ok:  # a broken installation, not a user error
        raise RuntimeError(raw.problems[0].message)
    return raw.data


def base_registry(use_cache: bool = True) -> Registry:
    return Registry.from_data(bundled_registry_data(use_cache))


class Workspace:
    """Plans loaded from the user's paths, linked, with their problems."""

    selects = False
    """plans_for gives every task, matched or not (the query index's gives only matched ones)."""

    def __init__(self, plans: list[Plan], registry: Registry, problems: list[Problem], files: list[Path],
                 left_out: list[tuple[str, str]] | None = None):
        self.plans = plans
        self.registry = registry
        self.problems = problems
        self.files = files
        self.left_out = left_out or []
        """(file, why) of each plan file that gave no plan: every answer lacks it."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def years(self) -> set[int]:
        """The years the working-day calendar must know: each plan's period, a year either side."""
        return period_years((p.period.start, p.period.end) for p in self.plans if p.period is not None)

    def plans_for(self, selection, due_by=None) -> list[Plan]:
        """The plans a selection looks through (the index's workspace narrows them to the tasks it matches, and
        with `due_by` to the tasks that can fall due by then)."""
        return self.plans

    def assign_commune(self, commune) -> None:
        """Give the plans that name no issuer the commune `commune` (the config's, of a one-commune office)."""
        for p in self.plans:
            p.commune = p.commune or commune

    def communes(self) -> list:
        """The communes the plans belong to, in plan order (None for plans that name none)."""
        return list(dict.fromkeys(p.commune for p in self.plans))


def load(paths: list[str], *, use_cache: bool = True, extra_units: list | None = None,
         files: list[Path] | None = None, progress=None) -> Workspace:
    """Read, build and link every plan under `paths`.

    Problems are collected, not raised: a broken file is reported and the
    others still load. Duplicate plan ids across files are errors. `files`: the
    plan files under `paths` when the caller has found them already. The garbage
    collector is paused meanwhile: plans, tasks and resolutions hold no cycles
    that must be freed during a load, and its passes over the growing heap made
    loading 50,000 tasks grow faster than linearly (and what it made is then moved
    to the oldest generation, see below). `progress` (cli/busy.py), when given, is told how many
    files there are and each one as it is read.
    """
    import gc

    collecting = gc.isenabled()
    gc.disable()
    files = discover(paths) if files is None else files
    if progress is not None:
        progress.start(len(files))
    try:
        return _load(files, use_cache, extra_units, progress)
    finally:
        if progress is not None:
            progress.stop()
        if collecting:
            # what the load made was never collected, so it all sits in the youngest generation, and the next
            # collections would walk it three times on its way to the oldest (0.13 s of a cold `due` at 20,000
            # tasks). Frozen and unfrozen, it moves there unwalked, and is collected as usual there.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _load(files: list[Path], use_cache: bool, extra_units: list | None, progress=None) -> Workspace:
    cache = cache_dir() if use_cache else None
    registry = config_registry(use_cache, extra_units)
    plans: list[Plan] = []
    problems: list[Problem] = []
    seen: dict[str, Plan] = {}
    left_out: list[tuple[str, str]] = []
    for n, f in enumerate(files):
        if progress is not None:
            progress.step(n, f.name)
        plan, found, why = read_one(f, cache)
        problems.extend(found)
        if plan is None:
            left_out.append((str(f), why))
            continue
        if plan.id in seen:
            message = f'mã kế hoạch "{plan.id}" trùng với tệp {seen[plan.id].file}'
            problems.append(Problem(ERROR, message, plan.file, None, "plan.id"))
            left_out.append((plan.file, message))
            continue
        seen[plan.id] = plan
        plans.append(plan)
    if progress is not None:
        progress.step(len(files), "")
    memo = resolutions(cache)
    problems.extend(link(plans, registry, memo))
    memo.save()
    return Workspace(plans, lookup_registry(registry, [p.units for p in plans]), problems, files, left_out)


def read_one(f: Path, cache, cache_fast: bool = True, digest: list | None = None
             ) -> tuple[Plan | None, list[Problem], str | None]:
    """One plan file read and built (not linked): the plan, its problems, and why there is no plan. `cache_fast`:
    see loader.read_plan. `digest`, a list: the digest of the bytes read is appended (None when the parse cache
    answered)."""
    raw = read_plan(f, cache, cache_fast=cache_fast, digest=digest is not None)
    if digest is not None:
        digest.append(raw.digest)
    if not raw.ok:
        return None, raw.problems, _first_error(raw.problems)
    try:
        plan, found = build_plan(raw.data, raw.file)
    except RecursionError:  # tasks nested thousands deep
        plan, found = None, [Problem(ERROR, "nhiệm vụ lồng nhau quá sâu", raw.file, None, "")]
    return plan, raw.problems + found, None if plan is not None else _first_error(found)


def resolutions(cache) -> Memo:
    """Deadline resolutions kept between runs, until the grammar (or the text clean-up it relies on) changes."""
    stamp = tuple((f.name, st.st_mtime_ns, st.st_size) for f, st in ((f, f.stat()) for f in grammar_files()))
    return Memo(cache, "resolutions", stamp)


def config_registry(use_cache: bool = True, extra_units: list | None = None) -> Registry:
    """The bundled unit table with the config's `units:` (ConfigError when they cannot be used)."""
    registry = base_registry(use_cache)
    if extra_units:  # the user's config adds units and spellings
        from tthc_cli.errors import ConfigError, UnitDataError

        registry = registry.copy()
        try:
            registry.add_data({"units": extra_units})
        except UnitDataError as exc:
            raise ConfigError(f"tệp cấu hình, mục units: {'; '.join(exc.problems) or exc.message}") from None
    return registry


def lookup_registry(registry: Registry, plan_units: list[list]) -> Registry:
    """What --unit and `tthc units` know: the registry plus every plan's own units."""
    if not any(plan_units):
        return registry
    lookup = registry.copy()
    for units in plan_units:
        lookup.add_data({"units": units})
    return lookup


def _first_error(problems: list[Problem]) -> str:
    first = next((p for p in problems if p.severity == ERROR), None)
    if first is None:
        return "không đọc được"
    return f"dòng {first.line}: {first.message}" if first.line else first.message


def located(problems: list[Problem]) -> list[Problem]:
    """Problems with line numbers filled in, sorted by file and line."""
    return sorted(with_lines(problems), key=lambda p: (p.file, p.line or 0, p.path))
