"""`digest`: each unit's e-mail of what is overdue, due today and due soon (nightly, from cron)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tthc_cli.cli import common as c
from tthc_cli.cli.app import DbOpt, PlansOpt, TodayOpt, UnitOpt, WithinOpt, app, resolve_today
from tthc_cli.errors import ConfigError, DeliveryError, UsageError


@app.command()
def digest(unit: UnitOpt = None,
           all_units: Annotated[bool, typer.Option("--all", help="Mọi đơn vị có người nhận trong cấu hình.")] = False,
           send_: Annotated[bool, typer.Option("--send", help="Gửi qua máy chủ thư (SMTP).")] = False,
           out: Annotated[Optional[str], typer.Option("--out", metavar="THƯ_MỤC", help="Ghi tệp .eml vào thư mục này, không gửi.",
                                                      show_default=False)] = None,
           always: Annotated[bool, typer.Option("--always", help="Gửi cả cho đơn vị không có việc nào.")] = False,
           resend: Annotated[bool, typer.Option("--resend", help="Gửi lại cả thư đã gửi hôm nay.")] = False,
           within: WithinOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None,
           force: Annotated[bool, typer.Option("--force", help="Với --out: ghi đè tệp .eml đã có.")] = False):
    """Thư tổng hợp mỗi đơn vị: việc quá hạn, đến hạn hôm nay, sắp đến hạn (chạy hằng đêm bằng cron).

    Mã thoát: 0 đã gửi hết hoặc không có gì để gửi; 7 lỗi cấu hình; 8 có thư gửi không được sau
    khi thử lại; 75 một lượt gửi khác đang chạy.
    """
    from tthc_cli.core.dates import parse_within
    from tthc_cli.io import delivery

    if send_ == bool(out):
        raise UsageError("chọn đúng một trong hai: --send (gửi thư) hoặc --out THƯ_MỤC (ghi tệp .eml)")
    if bool(unit) == all_units:
        raise UsageError("chọn đúng một trong hai: --unit ĐƠN_VỊ hoặc --all")
    day = resolve_today(today)
    s = c.session(plans, db)
    c.workspace(s)
    if send_:
        s.ensure_store()  # the delivery log is written: a new PostgreSQL database gets its tables first
    horizon = parse_within(within or s.config.within, day).horizon(day, s.calendar_covering)
    smtp = s.config.smtp or {}
    sender = smtp.get("sender") or "tthc <tthc@tthc.invalid>"  # RFC 2606: a name that is no one's
    digests = build_all(s, unit, all_units, day, horizon, sender, always)
    if out:
        for line in delivery.write_eml(digests, Path(out), day, force):
            typer.echo(line)
        return
    with _progress_bar(len(digests)) as progress:
        lines, failed = delivery.send(s, digests, day, resend, progress)
    for line in lines:
        typer.echo(line)
    if failed:
        raise DeliveryError(f"có {failed} người nhận chưa nhận được thư; chạy lại lệnh này để gửi lại riêng những "
                            "thư đó")


def unit_items(session, unit, day):
    """Lead items of one unit (groups included, and for the coordinating unit the shared duties), progress
    applied; none of a closed plan's."""
    from tthc_cli.core.queries import Selection, collect

    ws = session.workspace
    codes = ws.registry.duty_codes(unit, c.coordinator(session, ws.registry))
    return collect(ws.plans, ws.registry, Selection(codes, "lead"), day, session.config.warn_days,
                   session.progress, session.roll(), closed=False)


def targets(session, unit_arg: str | None, all_units: bool):
    """The units to build a digest for, with their recipients: the one --unit names ({} when it has none
    configured), or with --all every unit the config's recipients name."""
    ws = session.workspace
    recipients = session.config.recipients
    seen: dict[str, str] = {}
    for code in recipients:
        unit = ws.registry.units.get(code) or ws.registry.match(code)
        if unit is None:
            raise ConfigError(f'recipients: không có đơn vị "{code}" trong danh mục')
        if unit.code in seen:  # two spellings of one unit: two digests, the same mail twice
            raise ConfigError(f'recipients: "{seen[unit.code]}" và "{code}" là cùng một đơn vị ({unit.code}); '
                              f"hãy gộp người nhận vào một mục")
        seen[unit.code] = code
    if unit_arg:
        u = ws.registry.require(unit_arg)
        return [(u, recipients.get(u.code, {}))]
    if not recipients:  # every unit's mail with no one to send it to: say so, write nothing
        raise ConfigError("chưa có người nhận nào trong tệp cấu hình (mục recipients), nên --all không có thư "
                          "nào để gửi hay ghi; thêm recipients, hoặc xem thư của một đơn vị bằng "
                          "--unit ĐƠN_VỊ --out THƯ_MỤC")
    return [(ws.registry.match(code), spec) for code, spec in recipients.items()]


def build_all(session, unit_arg, all_units, day, horizon, sender, always):
    """Each target unit's digest, with why it is skipped (nothing to report, unless --always)."""
    from datetime import datetime, timezone
    from email.utils import make_msgid

    from tthc_cli.outputs.digest import ascii_id, build

    now = datetime.now(timezone.utc).replace(microsecond=0)  # the edge: the Date header is when it is made
    out = []
    for unit, spec in targets(session, unit_arg, all_units):
        items = unit_items(session, unit, day)
        d = build(unit.code, unit.name, items, today=day, horizon=horizon, sender=sender,
                  to=spec.get("to", []), cc=spec.get("cc", []), commune=session.config.commune,
                  days=session.calendar, left_out=session.workspace.left_out, sent_at=now,
                  message_id=make_msgid(idstring=f"tthc.{ascii_id(unit.code)}.{day.isoformat()}",
                                        domain=_domain(sender)))
        if d.empty and not always:
            out.append((d, "bỏ qua: không có việc quá hạn hay sắp đến hạn"))
        else:
            out.append((d, None))
    return out


def _domain(sender: str) -> str:
    from email.utils import parseaddr

    return parseaddr(sender)[1].rpartition("@")[2] or "tthc.invalid"


class _progress_bar:
    """A bar on stderr while sending, only on a terminal and for more than three messages."""

    def __init__(self, total: int):
        self.total, self.bar = total, None

    def __enter__(self):
        if not (sys.stderr.isatty() and self.total > 3):
            return None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        task_id = self.bar.add_task("Đang gửi thư", total=None)
        self.bar.start()
        return lambda done, total: self.bar.update(task_id, completed=done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
