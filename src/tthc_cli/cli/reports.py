"""`report` and `ics`: a period's compliance report, and the due dates as a calendar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tthc_cli.cli import common as c
from tthc_cli.cli import completion
from tthc_cli.cli.app import (CommuneOpt, DbOpt, ForceOpt, NoCacheOpt, PlansOpt, ReportFormat, Role, RoleOpt, RollOpt, TodayOpt,
                              UnitOpt, app, resolve_today)
from tthc_cli.errors import FileError, UsageError

OutputOpt = Annotated[Optional[str], typer.Option("--output", "-o", metavar="TỆP", help="Ghi ra tệp (bắt buộc với xlsx).",
                                                  show_default=False)]


@app.command()
def report(period: Annotated[str, typer.Option(
               "--period", metavar="KỲ", help='Kỳ báo cáo: "Quý II/2026", "6 tháng đầu năm 2026", "Năm 2026", "Tháng 5/2026".',
               autocompletion=completion.periods)],
           unit: UnitOpt = None, today: TodayOpt = None, plans: PlansOpt = None,
           format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, md, csv, json, xlsx.")] =
           ReportFormat.table,
           output: OutputOpt = None, roll_forward: RollOpt = None, db: DbOpt = None, no_cache: NoCacheOpt = False,
           force: ForceOpt = False,
           table: Annotated[Optional[str], typer.Option(
               "--table", metavar="BẢNG", help="Với --format csv: units (mỗi đơn vị một dòng; mặc định), lines "
               "(các việc trễ, quá hạn) hoặc extended (các việc đã gia hạn). Mỗi tệp CSV một bảng.",
               show_default=False)] = None,
           by: Annotated[Optional[str], typer.Option(
               "--by", metavar="THEO", help="Mỗi dòng là: unit (một đơn vị, gộp mọi xã), commune (một xã, xếp từ xã có "
               "tỷ lệ đúng hạn thấp nhất), commune,unit (một đơn vị của một xã). Mặc định: commune,unit khi có kế "
               "hoạch của nhiều xã, không thì unit.", show_default=False)] = None,
           commune: CommuneOpt = None):
    """Báo cáo kết quả theo đơn vị: đúng hạn, quá hạn, chưa xong; danh sách việc trễ kèm minh chứng."""
    from tthc_cli.core.report import build_report, led_by, report_by, report_period

    day = resolve_today(today)
    try:
        label, start, end = report_period(period)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    if format is ReportFormat.xlsx and not output:
        raise UsageError("--format xlsx cần -o TỆP.xlsx")
    if table is not None and (format is not ReportFormat.csv or table not in ("units", "lines", "extended")):
        raise UsageError("--table chỉ dùng với --format csv, và là units, lines hoặc extended")
    s = c.session(plans, db, no_cache)
    # the items the unit leads, chosen as due, list and check choose them (Selection): a task led by a group the
    # unit belongs to, where the unit is named as a cooperator, is its to support and is not counted
    items, _, _ = c.items(s, unit, Role.lead, day, roll_forward, commune=commune)
    ws = s.workspace
    try:
        rows = report_by(by, len({i.task.plan.commune for i in items if i.due is not None and start <= i.due <= end}))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    keep = led_by(ws.registry, c.selection(ws, unit, Role.lead)[0].unit_codes) if unit is not None else None
    chosen = c.communes(s, ws, commune)
    read = [x for x in ws.communes() if chosen is None or x in chosen]
    rep = build_report(items, label, start, end, day, keep, rows, read).replace(left_out=tuple(ws.left_out))
    if chosen:
        rep = rep.replace(title=f"{rep.title} — {', '.join(sorted(x.label for x in chosen))}")
    if format is ReportFormat.xlsx:
        from tthc_cli.outputs.report_xlsx import xlsx_bytes

        if Path(output).is_dir():  # as every writer says it (exit 1), with an example
            raise FileError(f'"{output}" là thư mục; hãy ghi tên tệp, ví dụ {output.rstrip("/")}/bao-cao.xlsx')
        data = xlsx_bytes(rep)
    else:
        from tthc_cli.outputs.report_text import render

        data = render(rep, format.value, table or "units", c.terminal()[0] if not output else 120)
    if output:
        from tthc_cli.io.files import write_file

        write_file(output, data, force=force, what="báo cáo")
        typer.echo(f"Đã ghi báo cáo {label} vào {output}.", err=True)
    else:
        sys.stdout.write(data)


@app.command()
def ics(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
        output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="TỆP", help="Ghi ra tệp .ics (mặc định in ra).",
                                                      show_default=False)] = None,
        alarm: Annotated[Optional[int], typer.Option("--alarm-days", metavar="SỐ_NGÀY", help="Nhắc trước hạn N ngày (0: không nhắc).",
                                                     show_default=False)] = None,
        db: DbOpt = None, force: ForceOpt = False, commune: CommuneOpt = None):
    """Lịch RFC 5545 (.ics) các hạn: mỗi hạn một sự kiện cả ngày, kèm nhắc trước."""
    from datetime import datetime, timezone

    from tthc_cli.outputs.ics import calendar_bytes

    day = resolve_today(today)
    if alarm is not None and not 0 <= alarm <= 365:
        raise UsageError(f"--alarm-days: {alarm} không hợp lệ (từ 0 đến 365 ngày; 0: không nhắc)")
    s = c.session(plans, db)
    items, u, where = c.items(s, unit, role, day, commune=commune)
    name = " — ".join(["tthc", *([u.code] if u else []), *sorted(x.short for x in where or ())])
    days = s.config.alarm_days if alarm is None else alarm
    dated = [i for i in items if i.due is not None]
    data = calendar_bytes(dated, name=name, alarm_days=days or None,
                          stamp=datetime.now(timezone.utc).replace(microsecond=0))
    if output:
        from tthc_cli.io.files import write_file

        write_file(output, data, force=force, what="lịch")
        typer.echo(f"Đã ghi {len(dated)} hạn vào {output}.", err=True)
    else:
        sys.stdout.buffer.write(data)
