"""`done`, `undo`, `trigger`, `history`: recording progress and reading it back."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from tthc_cli.cli import common as c
from tthc_cli.cli.app import (CommuneOpt, DbOpt, Format, FormatOpt, MilestoneOpt, NoteOpt, OccurrenceOpt, PlansOpt, TaskArg,
                              TodayOpt, UnitOpt, app, resolve_today)
from tthc_cli.errors import UsageError


def _about(t, item, kind: str, s, **fields):
    """The event of `kind` about one item (its milestone and occurrence), recorded by the session's user."""
    from tthc_cli.core.progress import Event

    return Event(kind, t.plan.id, t.id, milestone=item.milestone or "", occurrence=item.occurrence or "",
                 who=s.who(), **fields)


def _target(s, task_query: str, milestone, occurrence, day, *, want_open=None):
    """The task and the one item (milestone, occurrence) a progress command is about."""
    from tthc_cli.core.lookup import find_task
    from tthc_cli.core.recording import pick_item

    t = find_task(c.workspace(s).plans, task_query)
    return t, pick_item(t, milestone, occurrence, day, s.progress, want_open, warn_days=s.config.warn_days,
                        days=s.roll())


@app.command()
def done(task: TaskArg, milestone: MilestoneOpt = None, occurrence: OccurrenceOpt = None,
         date_: Annotated[Optional[str], typer.Option("--date", "-d", metavar="NGÀY", help="Ngày hoàn thành (mặc định hôm nay).",
                                                      show_default=False)] = None,
         evidence: Annotated[Optional[str], typer.Option(
             "--evidence", "-e", metavar="VĂN_BẢN", help='Văn bản minh chứng, ví dụ "Báo cáo số 45/BC-UBND ngày 20/6/2026".',
             show_default=False)] = None,
         note: NoteOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Ghi nhận một nhiệm vụ (hoặc một mốc, một kỳ) đã hoàn thành."""
    from tthc_cli.core.dates import parse_day
    from tthc_cli.core.progress import DONE
    from tthc_cli.core.queries import dated_status
    from tthc_cli.core.recording import completion_day, describe

    day = resolve_today(today)
    when = completion_day(parse_day(date_, "--date") if date_ else day, day)
    s = c.session(plans, db)

    def decide():
        t, item = _target(s, task, milestone, occurrence, day, want_open=True)
        return _about(t, item, DONE, s, day=when, evidence=evidence, note=note), (t, item)

    ev, where, (t, item) = c.record(s, decide)
    status = dated_status(item.due, day, 0, when) if item.due else "Hoàn thành"
    typer.echo(f"Đã ghi: {describe(t, item)} hoàn thành ngày {when.strftime('%d/%m/%Y')} — {status}"
               f" (bản ghi #{ev.id}, {where}).")


EvidenceOpt = Annotated[Optional[str], typer.Option(
    "--evidence", "-e", metavar="VĂN_BẢN", help='Văn bản minh chứng, ví dụ "Báo cáo số 45/BC-UBND ngày 20/6/2026".',
    show_default=False)]


@app.command()
def extend(task: TaskArg,
           to: Annotated[str, typer.Option("--to", metavar="NGÀY", help="Hạn mới, ví dụ 31/07/2026.")],
           evidence: Annotated[str, typer.Option(
               "--evidence", "-e", metavar="VĂN_BẢN",
               help='Văn bản cho gia hạn, ví dụ "Quyết định số 45/QĐ-UBND ngày 25/6/2026".')],
           milestone: MilestoneOpt = None, occurrence: OccurrenceOpt = None,
           date_: Annotated[Optional[str], typer.Option("--date", "-d", metavar="NGÀY",
                                                        help="Ngày quyết định gia hạn (mặc định hôm nay).",
                                                        show_default=False)] = None,
           earlier: Annotated[bool, typer.Option("--earlier", help="Cho phép hạn mới sớm hơn hạn hiện tại.")] = False,
           note: NoteOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Gia hạn (điều chỉnh thời hạn) một việc theo văn bản; các lệnh tính theo hạn mới. `undo --extension` bỏ
    lần gia hạn cuối."""
    from tthc_cli.core.dates import parse_day
    from tthc_cli.core.progress import EXTEND
    from tthc_cli.core.recording import check_extension, completion_day, describe

    day = resolve_today(today)
    new_due = parse_day(to, "--to")
    decided = completion_day(parse_day(date_, "--date") if date_ else day, day, "ngày quyết định")
    if not evidence.strip():
        raise UsageError('--evidence: ghi văn bản quyết định gia hạn, ví dụ "Quyết định số 45/QĐ-UBND ngày 25/6/2026"')
    s = c.session(plans, db)

    def decide():
        t, item = _target(s, task, milestone, occurrence, day, want_open=True)
        check_extension(t, item, new_due, earlier)
        return _about(t, item, EXTEND, s, day=decided, due=new_due, evidence=evidence, note=note), (t, item)

    ev, where, (t, item) = c.record(s, decide)
    typer.echo(f"Đã ghi: gia hạn {describe(t, item)} từ {item.due.strftime('%d/%m/%Y')} đến "
               f"{new_due.strftime('%d/%m/%Y')} theo {evidence.strip()} (bản ghi #{ev.id}, {where}).")


@app.command("progress")
def progress_(task: TaskArg,
              percent: Annotated[Optional[int], typer.Option("--percent", metavar="PHẦN_TRĂM",
                                                             help="Đã làm được bao nhiêu phần trăm (0–100).",
                                                             show_default=False)] = None,
              note: NoteOpt = None, milestone: MilestoneOpt = None, occurrence: OccurrenceOpt = None,
              date_: Annotated[Optional[str], typer.Option("--date", "-d", metavar="NGÀY",
                                                           help="Ngày báo cáo tiến độ (mặc định hôm nay).",
                                                           show_default=False)] = None,
              today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Ghi tiến độ một việc đang thực hiện: phần trăm và/hoặc ghi chú ("Đã xây dựng dự thảo")."""
    from tthc_cli.core.dates import parse_day
    from tthc_cli.core.progress import PROGRESS
    from tthc_cli.core.recording import completion_day, describe

    if percent is None and not (note or "").strip():
        raise UsageError('cần --percent (0–100) hoặc --note "việc đã làm", hoặc cả hai')
    if percent is not None and not 0 <= percent <= 100:
        raise UsageError(f"--percent: {percent} không hợp lệ (từ 0 đến 100)")
    day = resolve_today(today)
    when = completion_day(parse_day(date_, "--date") if date_ else day, day, "ngày báo cáo")
    s = c.session(plans, db)

    def decide():
        t, item = _target(s, task, milestone, occurrence, day, want_open=True)
        return _about(t, item, PROGRESS, s, day=when, percent=percent, note=note), (t, item)

    ev, where, (t, item) = c.record(s, decide)
    share = f" {percent}%" if percent is not None else ""
    typer.echo(f"Đã ghi: {describe(t, item)} đang thực hiện{share} (bản ghi #{ev.id}, {where}).")
    if percent == 100:
        typer.echo(f"Việc đã xong thì ghi hoàn thành: tthc done {t.ref}", err=True)


@app.command()
def undo(task: TaskArg, milestone: MilestoneOpt = None, occurrence: OccurrenceOpt = None, note: NoteOpt = None,
         extension: Annotated[bool, typer.Option("--extension", help="Bỏ lần gia hạn cuối của việc (thay cho bỏ "
                                                                      "hoàn thành).")] = False,
         today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Bỏ ghi nhận hoàn thành, hoặc với --extension bỏ lần gia hạn cuối (ghi thêm một bản ghi; không xóa gì)."""
    from tthc_cli.core.progress import UNDONE
    from tthc_cli.core.recording import describe

    day = resolve_today(today)
    s = c.session(plans, db)
    if extension:
        def withdraw():
            t, item = _target(s, task, milestone, occurrence, day, want_open=None)
            if item.extension is None:
                raise UsageError(f"{describe(t, item)} chưa được gia hạn: không có gì để bỏ")
            return _about(t, item, UNDONE, s, day=day, due=item.due, note=note), (t, item)

        ev, _, (t, item) = c.record(s, withdraw)
        chain = s.progress.extension_chain(t.plan.id, t.id, item.milestone, item.occurrence)
        back = item.extended_from if len(chain) < 2 else chain[-2].due  # the store as read before this record
        typer.echo(f"Đã ghi: bỏ gia hạn đến {item.due.strftime('%d/%m/%Y')} của {describe(t, item)} (bản ghi "
                   f"#{ev.id}); hạn lại là {back.strftime('%d/%m/%Y')}.")
        return

    def decide():
        t, item = _target(s, task, milestone, occurrence, day, want_open=False)
        return _about(t, item, UNDONE, s, day=day, note=note), (t, item)

    ev, _, (t, item) = c.record(s, decide)
    typer.echo(f"Đã ghi: bỏ hoàn thành {describe(t, item)} (bản ghi #{ev.id}).")


@app.command()
def trigger(task: TaskArg,
            date_: Annotated[str, typer.Option("--date", "-d", metavar="NGÀY", help="Ngày sự kiện xảy ra (có hướng dẫn, quyết định …).")],
            due_in: Annotated[Optional[str], typer.Option(
                "--due-in", metavar="KHOẢNG", help="Hạn tính từ ngày đó: 15d, 2w, 10wd (ngày làm việc).", show_default=False)] = None,
            due_: Annotated[Optional[str], typer.Option("--due", metavar="NGÀY", help="Hoặc ngày hạn cụ thể.", show_default=False)] = None,
            milestone: MilestoneOpt = None, note: NoteOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Ghi nhận sự kiện mà nhiệm vụ "Khi có hướng dẫn …" chờ đã xảy ra; nhiệm vụ có hạn từ đó.

    Khi thời hạn đã nói khoảng cách ("trong thời hạn 10 ngày làm việc kể từ …"), hạn được tính
    từ đó (ngày làm việc bỏ qua ngày nghỉ, ngày lễ); --due-in hoặc --due ghi đè."""
    from tthc_cli.core.dates import parse_day, parse_within
    from tthc_cli.core.lookup import find_task
    from tthc_cli.core.progress import TRIGGER, Event
    from tthc_cli.core.recording import event_milestone, refuse_repeated_trigger, trigger_due

    when = parse_day(date_, "--date")
    if due_in is not None and due_ is not None:
        raise UsageError("chỉ dùng một trong hai: --due-in (ví dụ 15d, 10wd) hoặc --due NGÀY")
    s = c.session(plans, db)
    t = find_task(c.workspace(s).plans, task)
    label = event_milestone(t, milestone)
    deadline, lag = trigger_due(
        t, label, when, due=parse_day(due_, "--due") if due_ is not None else None,
        due_by=parse_within(due_in, when, "--due-in").horizon(when, s.calendar_covering) if due_in is not None
        else None, calendar_covering=s.calendar_covering)

    def decide():
        refuse_repeated_trigger(s.progress.by_task.get((t.plan.id, t.id), ()), TRIGGER, label, when, deadline)
        return Event(TRIGGER, t.plan.id, t.id, milestone=label, day=when, due=deadline, note=note, who=s.who()), None

    ev, _, _ = c.record(s, decide)
    how = f" ({lag.describe()})" if lag is not None else ""
    typer.echo(f"Đã ghi: sự kiện của {t.ref}{f' ({label})' if label else ''} xảy ra ngày "
               f"{when.strftime('%d/%m/%Y')}; hạn {deadline.strftime('%d/%m/%Y')}{how} (bản ghi #{ev.id}).")


@app.command()
def history(task: Annotated[Optional[str], typer.Argument(metavar="[NHIỆM_VỤ]", help="Nhiệm vụ (bỏ trống: mọi nhiệm vụ).",
                                                          show_default=False)] = None,
            unit: UnitOpt = None, plans: PlansOpt = None, format: FormatOpt = Format.table, db: DbOpt = None,
            commune: CommuneOpt = None):
    """Các bản ghi tiến độ, mới nhất trước."""
    from tthc_cli.core.recording import history_rows

    s = c.session(plans, db)
    ws = c.workspace(s)
    rows = history_rows(s.progress, ws.plans, ws.registry, task, unit, c.communes(s, ws, commune))
    if format is Format.json:
        c.write_json(rows)
    elif format is Format.csv:
        from tthc_cli.outputs.items import dicts_to_csv

        sys.stdout.write(dicts_to_csv(rows))
    elif not rows:
        typer.echo("Chưa có bản ghi tiến độ nào.")
    else:
        from tthc_cli.outputs.history import history_lines
        from tthc_cli.outputs.items import hanging

        width = c.terminal()[0]  # a record per entry; a long one goes on indented lines
        sys.stdout.write("".join(x + "\n" for line in history_lines(rows) for x in hanging(line, width)))
