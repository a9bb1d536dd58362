"""Values the shell completes after `tthc --install-completion` (bash, zsh, fish, PowerShell): unit codes, task
ids and report periods. Each returns (value, help) pairs for what the user has typed so far; anything that goes
wrong yields nothing (a completion must never print an error into the user's command line)."""

from __future__ import annotations

import typer


def units(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Unit and group codes (and the plans' own), with their names: "TT" → TTPVHCC, TTDVSNC …"""
    try:
        registry = _session(ctx).query_workspace.registry
    except Exception:  # noqa: BLE001 - no plans, a broken config: the bundled table still helps
        try:
            from tthc_cli.io.workspace import config_registry

            registry = config_registry(True, [])
        except Exception:  # noqa: BLE001
            return []
    typed = incomplete.casefold()
    return [(u.code, u.name) for u in registry.units.values()
            if u.kind != "external" and u.code.casefold().startswith(typed)]


def tasks(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Task refs (plan:id) with their titles, of the plans found as `due` finds them."""
    try:
        from tthc_cli.core.queries import Selection

        found = []
        for plan in _session(ctx).query_workspace.plans_for(Selection(None, "any")):
            for t in plan.tasks:
                if t.ref.startswith(incomplete) or t.id.startswith(incomplete):
                    found.append((t.ref, (t.title or t.product or "")[:60]))
        return found[:200]
    except Exception:  # noqa: BLE001
        return []


def communes(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The communes of the plans found as `due` finds them, by name ("Xuân Trường"), accents optional."""
    from tthc_cli.core.text import fold_diacritics

    try:
        known = [x for x in _session(ctx).query_workspace.communes() if x is not None]
    except Exception:  # noqa: BLE001
        return []
    typed = fold_diacritics(incomplete).casefold()
    return [(x.short, x.body) for x in known if fold_diacritics(x.short).casefold().startswith(typed)]


def periods(incomplete: str) -> list[tuple[str, str]]:
    """Report periods of this year and the last, as officials write them ("Quý II/2026")."""
    from tthc_cli.cli.guard import resolve_today
    from tthc_cli.core.text import fold_diacritics

    try:
        year = resolve_today(None).year
    except Exception:  # noqa: BLE001
        return []
    out = []
    for y in (year, year - 1):
        out += [(f"Quý {q}/{y}", "") for q in ("I", "II", "III", "IV")]
        out += [(f"6 tháng đầu năm {y}", ""), (f"9 tháng đầu năm {y}", ""), (f"Năm {y}", "")]
    typed = fold_diacritics(incomplete).casefold()
    return [(v, h) for v, h in out if fold_diacritics(v).casefold().startswith(typed)]


def _session(ctx: typer.Context):
    """The session of the command line typed so far: its --plans (else TTHC_PLANS, ./plans) and --config."""
    from tthc_cli.cli.common import session
    from tthc_cli.cli.guard import RUN

    root = ctx.find_root()
    RUN["config"] = (root.params or {}).get("config")
    return session((ctx.params or {}).get("plans"))
