"""`digest`: each unit's e-mail of what is overdue, due today and due soon (nightly, from cron)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tthc_cli.cli import common as c
from tthc_cli.cli.app import CommuneOpt, DbOpt, PlansOpt, TodayOpt, UnitOpt, WithinOpt, app, resolve_today
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
           force: Annotated[bool, typer.Option("--force", help="Với --out: ghi đè tệp .eml đã có.")] = False,
           commune: CommuneOpt = None):
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
    chosen = c.communes(s, c.workspace(s), commune)
    if send_:
        s.ensure_store()  # the delivery log is written: a new PostgreSQL database gets its tables first
    horizon = parse_within(within or s.config.within, day).horizon(day, s.calendar_covering)
    smtp = s.config.smtp or {}
    sender = smtp.get("sender") or "tthc <tthc@tthc.invalid>"  # RFC 2606: a name that is no one's
    digests = build_all(s, unit, all_units, day, horizon, sender, always, chosen)
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


def unit_items(session, unit, commune, day):
    """Lead items of one unit of one commune (groups included, and for the coordinating unit the shared
    duties), progress applied; none of a closed plan's, none of another commune's."""
    from tthc_cli.core.queries import Selection, collect

    ws = session.workspace
    codes = ws.registry.duty_codes(unit, c.coordinator(session, ws.registry))
    return collect(ws.plans, ws.registry, Selection(codes, "lead", frozenset({commune})), day,
                   session.config.warn_days, session.progress, session.roll(), closed=False)


def recipients(session) -> dict:
    """(commune, unit code) → {to, cc}: the config's `communes:` entries, and its top-level `recipients:` for the
    config's `commune:` (or the one commune the plans have). Names that fit no commune or no unit, or fit
    several, are refused: a mail must never reach another commune's office."""
    from tthc_cli.core.communes import find
    from tthc_cli.io.config import recipient_problems

    ws = session.workspace
    known = ws.communes()
    named = [x for x in known if x is not None]
    out: dict = {}

    def add(commune, specs, where: str) -> None:
        problems = recipient_problems(specs, ws.registry, where)
        if problems:
            raise ConfigError(problems[0])
        for code, spec in specs.items():
            unit = ws.registry.units.get(code) or ws.registry.match(code)
            if (commune, unit.code) in out:
                raise ConfigError(f"{where}: người nhận của {unit.code} ({_place(commune)}) đã ghi ở mục khác; "
                                  f"hãy gộp vào một mục")
            out[(commune, unit.code)] = spec

    if session.config.recipients:
        home = session.home_in(ws)
        if home is None:
            if len(known) > 1:
                raise ConfigError(
                    f"recipients: có kế hoạch của {len(known)} xã ({', '.join(_place(x) for x in known)}), nên không "
                    f"biết người nhận thuộc xã nào; ghi commune: (xã của cơ quan này), hoặc ghi người nhận theo xã "
                    f"trong communes:")
            home = known[0] if known else None
        add(home, session.config.recipients, "recipients")
    for name, entry in session.config.communes.items():
        hits = find(name, named)
        if len(hits) != 1:
            listed = ", ".join(x.label for x in named[:8])
            raise ConfigError(f'communes: "{name}" ' + (
                f'có thể là {" hoặc ".join(h.label for h in hits)}; hãy ghi rõ hơn' if hits else
                f"không phải xã nào có kế hoạch (có: {listed})"))
        add(hits[0], entry["recipients"], f"communes.{name}.recipients")
    return out


def targets(session, unit_arg: str | None, all_units: bool, chosen) -> list[tuple]:
    """(commune, unit, recipients) of each digest to build: with --unit, that unit of each chosen commune (of
    every commune when none is; {} when it has no recipients configured), or with --all every (commune,
    unit) the config gives recipients, within the chosen communes."""
    ws = session.workspace
    configured = recipients(session)
    if unit_arg:
        u = ws.registry.require(unit_arg)
        places = [x for x in ws.communes() if chosen is None or x in chosen]
        return [(x, u, configured.get((x, u.code), {})) for x in places]
    if not configured:  # every unit's mail with no one to send it to: say so, write nothing
        raise ConfigError("chưa có người nhận nào trong tệp cấu hình (mục recipients hoặc communes), nên --all "
                          "không có thư nào để gửi hay ghi; thêm recipients, hoặc xem thư của một đơn vị bằng "
                          "--unit ĐƠN_VỊ --out THƯ_MỤC")
    return [(x, ws.registry.units[code], spec) for (x, code), spec in configured.items()
            if chosen is None or x in chosen]


def _place(commune) -> str:
    return commune.label if commune is not None else "kế hoạch không ghi cơ quan ban hành"


def build_all(session, unit_arg, all_units, day, horizon, sender, always, chosen=None):
    """Each target's digest, with why it is skipped (nothing to report, unless --always). With plans of several
    communes a digest is named "Xuân Trường/TTPVHCC" (its file, its line, its delivery record), so two
    communes' TTPVHCC never share one; those of the config's own `commune:` keep the unit's code alone."""
    from datetime import datetime, timezone
    from email.utils import make_msgid

    from tthc_cli.outputs.digest import ascii_id, build

    now = datetime.now(timezone.utc).replace(microsecond=0)  # the edge: the Date header is when it is made
    several = len(session.workspace.communes()) > 1
    home = session.home_in(session.workspace)
    out = []
    for commune, unit, spec in targets(session, unit_arg, all_units, chosen):
        items = unit_items(session, unit, commune, day)
        key = f"{commune.short if commune else '—'}/{unit.code}" if several and commune != home else unit.code
        d = build(unit.code, unit.name, items, today=day, horizon=horizon, sender=sender,
                  to=spec.get("to", []), cc=spec.get("cc", []),
                  commune=commune.body if commune else session.config.commune,
                  days=session.calendar, left_out=session.workspace.left_out, sent_at=now,
                  message_id=make_msgid(idstring=f"tthc.{ascii_id(key)}.{day.isoformat()}",
                                        domain=_domain(sender)), key=key)
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
