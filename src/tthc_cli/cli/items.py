"""`due`, `overdue`, `list`, `show`, `check`, `units`: what is due, for whom, as of a day (the first four's bodies
are in itemcmds.py, which the lean path calls too)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tthc_cli.cli import common as c
from tthc_cli.cli.app import (AllOpt, CommuneOpt, DbOpt, Format, FormatOpt, NoCacheOpt, PlansOpt, Role, RoleOpt, RollOpt, StatusOpt,
                              TableFormat, TaskArg, TodayOpt, UnitOpt, WithinOpt, app, resolve_today)
from tthc_cli.cli.itemcmds import run_check, run_due, run_list, run_overdue


@app.command()
def due(unit: UnitOpt = None, role: RoleOpt = Role.lead, within: WithinOpt = None, today: TodayOpt = None,
        plans: PlansOpt = None, status: StatusOpt = None, format: FormatOpt = Format.table, all: AllOpt = False,
        roll_forward: RollOpt = None, db: DbOpt = None, no_cache: NoCacheOpt = False, commune: CommuneOpt = None):
    """Việc quá hạn, đến hạn hôm nay và sắp đến hạn (mặc định trong 14 ngày)."""
    return run_due(unit, role, within, today, plans, status, format, all, roll_forward, db, no_cache, commune)


@app.command()
def overdue(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
            format: FormatOpt = Format.table, all: AllOpt = False, roll_forward: RollOpt = None, db: DbOpt = None,
            no_cache: NoCacheOpt = False, commune: CommuneOpt = None):
    """Chỉ các việc đã quá hạn."""
    return run_overdue(unit, role, today, plans, format, all, roll_forward, db, no_cache, commune)


@app.command("list")
def list_(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
          status: StatusOpt = None, format: FormatOpt = Format.table, all: AllOpt = False,
          roll_forward: RollOpt = None, db: DbOpt = None, no_cache: NoCacheOpt = False, commune: CommuneOpt = None):
    """Mọi việc có hạn của kế hoạch, kể cả việc đã xong (thêm --all: cả việc không có hạn cụ thể)."""
    return run_list(unit, role, today, plans, status, format, all, roll_forward, db, no_cache, commune)


@app.command()
def show(task: TaskArg, today: TodayOpt = None, plans: PlansOpt = None, format: FormatOpt = Format.table,
         db: DbOpt = None, no_cache: NoCacheOpt = False):
    """Chi tiết một nhiệm vụ: vị trí, đơn vị, thời hạn, từng kỳ hạn với trạng thái, và lịch sử."""
    from tthc_cli.core.lookup import find_task
    from tthc_cli.outputs.task_view import show_json, show_text

    day = resolve_today(today)
    s = c.session(plans, db, no_cache)
    t = find_task(c.workspace(s).plans, task)
    ctx = (s.progress, s.calendar, s.config.warn_days, s.roll())
    if format is Format.table:
        width, colour = c.terminal()
        sys.stdout.write(show_text(t, day, *ctx, width=width, colour=colour))
    else:
        c.write_json(show_json(t, day, *ctx))


@app.command()
def check(unit: UnitOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None,
          roll_forward: RollOpt = None, no_cache: NoCacheOpt = False, commune: CommuneOpt = None):
    """Một dòng tóm tắt mỗi đơn vị; mã thoát 3 khi có việc quá hạn (cho script, trước giao ban).

    Mã thoát 4 (thay cho 0 và 3) khi có tệp kế hoạch không đọc được: số liệu thiếu, phải sửa tệp trước."""
    return run_check(unit, today, plans, db, roll_forward, no_cache, commune)


@app.command()
def units(plans: PlansOpt = None,
          format: Annotated[TableFormat, typer.Option("--format", "-f", help="table hoặc json.")] = TableFormat.table,
          no_cache: NoCacheOpt = False, commune: CommuneOpt = None):
    """Danh mục đơn vị, với số nhiệm vụ mỗi đơn vị chủ trì và phối hợp."""
    from tthc_cli.core.lookup import unit_counts
    from tthc_cli.outputs.units_table import units_text

    s = c.session(plans, None, no_cache)
    ws = c.workspace(s)
    chosen = c.communes(s, ws, commune)
    rows = unit_counts([p for p in ws.plans if chosen is None or p.commune in chosen], ws.registry)
    if format == "json":
        c.write_json(rows)
        return
    width, colour = c.terminal()
    sys.stdout.write(units_text(rows, width=width, colour=colour))
