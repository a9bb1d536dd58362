"""The bodies of `due`, `overdue`, `list` and `check`, with no command-line framework: the typer commands
(items.py) and the lean path (lean.py) both call them with the option values."""

from __future__ import annotations

from tthc_cli.cli import common as c
from tthc_cli.cli.guard import Format, Role, echo, resolve_today
from tthc_cli.errors import EXIT_OK, EXIT_OVERDUE


def run_due(unit=None, role=Role.lead, within=None, today=None, plans=None, status=None, format=Format.table,
            all=False, roll_forward=None, db=None, no_cache=False, commune=None) -> int:
    from tthc_cli.core.dates import parse_within
    from tthc_cli.core.queries import due_items, statuses_named

    day = resolve_today(today)
    s = c.session(plans, db, no_cache)
    window = parse_within(within or s.config.within, day)
    wanted = statuses_named(status)
    ws = c.workspace(s, query=True)  # before the window: a window in working days needs the plans' years
    horizon = window.horizon(day, s.calendar_covering)
    items, u, where = c.items(s, unit, role, day, roll_forward, closed=False, due_by=horizon, ws=ws, commune=commune)
    c.show_items(s, due_items(items, horizon, all, wanted), day, horizon, format,
                 c.title("Việc cần làm", u, role, day, where), all, items, ended=True)
    return EXIT_OK


def run_overdue(unit=None, role=Role.lead, today=None, plans=None, format=Format.table, all=False,
                roll_forward=None, db=None, no_cache=False, commune=None) -> int:
    from tthc_cli.core.queries import overdue_items

    day = resolve_today(today)
    s = c.session(plans, db, no_cache)
    items, u, where = c.items(s, unit, role, day, roll_forward, query=True, closed=False, due_by=day, commune=commune)
    c.show_items(s, overdue_items(items, all), day, day, format, c.title("Việc quá hạn", u, role, day, where), all,
                 items)
    return EXIT_OK


def run_list(unit=None, role=Role.lead, today=None, plans=None, status=None, format=Format.table, all=False,
             roll_forward=None, db=None, no_cache=False, commune=None) -> int:
    from tthc_cli.core.queries import listed_items, statuses_named

    day = resolve_today(today)
    wanted = statuses_named(status)
    s = c.session(plans, db, no_cache)
    items, u, where = c.items(s, unit, role, day, roll_forward, query=True, commune=commune)
    c.show_items(s, listed_items(items, all, wanted), day, None, format,
                 c.title("Danh sách việc", u, role, day, where),
                 all or bool(wanted), items)
    return EXIT_OK


def run_check(unit=None, today=None, plans=None, db=None, roll_forward=None, no_cache=False, commune=None) -> int:
    from tthc_cli.core.summary import unit_summaries
    from tthc_cli.outputs.check import check_lines
    from tthc_cli.outputs.items import by_commune

    day = resolve_today(today)
    s = c.session(plans, db, no_cache)
    items, u, _ = c.items(s, unit, Role.lead, day, roll_forward, query=True, closed=False, commune=commune)
    registry, width = s.query_workspace.registry, c.terminal()[0]
    sections = by_commune(items)
    overdue_count = 0
    for commune, mine in sections if len(sections) > 1 else [(None, items)]:
        rows, overdue = unit_summaries(registry, mine, u)
        overdue_count += overdue
        if len(sections) > 1:  # a unit of each commune is its own: a heading per commune, as `due` draws it
            echo(f"══ {commune.body if commune else 'Kế hoạch không ghi cơ quan ban hành'}")
        for line in check_lines(rows, day, width):
            echo(line)
    return EXIT_OVERDUE if overdue_count else EXIT_OK
