"""The `tthc` command line: parses options, calls the core, prints the result.

Every error a user can cause ends here as a Vietnamese message on stderr and
a non-zero exit code (see errors.py); never a traceback.
"""


import errno
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from enum import Enum
from typing import Annotated, Optional

import typer

from tthc_cli import __version__
from tthc_cli.errors import EXIT_INTERNAL, EXIT_OVERDUE, EXIT_PARTIAL, TthcError, UsageError

_APP_SETTINGS = dict(
    name="tthc",
    help="tthc: theo dõi thời hạn các nhiệm vụ trong kế hoạch CCHC, kiểm soát TTHC của xã.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**_APP_SETTINGS)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class TextFormat(str, Enum):
    text = "text"
    json = "json"


class TableFormat(str, Enum):
    table = "table"
    json = "json"


class Role(str, Enum):
    lead = "lead"
    support = "support"
    any = "any"


# --- option values -----------------------------------------------------------


MIN_YEAR, MAX_YEAR = 1990, 2100
"""The years a day given on the command line may fall in: beyond them it is a typing slip, not a plan."""


def parse_day(value: str, what: str = "--today") -> date:
    """A day from ISO (2026-06-01), Vietnamese order (01/06/2026) or words ("hôm qua").

    Strict: an impossible day or month is an error, never a guess. Only a value with
    letters goes to dateparser, which would read "15/13" as 15/12/2013."""
    from tthc_cli.core.text import visible

    v = value.strip()
    shown = visible(value)[:80]
    day = None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", v)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", v)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m:
        try:
            day = date(y, mo, d)
        except ValueError:
            raise UsageError(f'{what}: ngày "{shown}" không tồn tại') from None
    elif not re.search(r"[^\W\d_]", v):  # digits and punctuation only, in no form above
        raise UsageError(f'{what}: không hiểu ngày "{shown}"; hãy viết đủ ngày, tháng, năm: 2026-06-01 hoặc 01/06/2026')
    elif not _DAY_WORDS.search(v) or _TIME_WORDS.search(v) or not v.isprintable():
        # dateparser reads "31m" as 31 minutes ago and "3d" as three days ago: only words that name a day go to it
        raise UsageError(f'{what}: không hiểu ngày "{shown}" (dạng 2026-06-01, 01/06/2026 hoặc "hôm qua")')
    else:
        import dateparser  # free-form words ("hôm qua", "22 tháng 11 năm 2026"): costs ~60 ms, so only here

        try:
            parsed = dateparser.parse(v, languages=["vi", "en"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True})
        except Exception:  # noqa: BLE001 - dateparser raises many kinds on odd text
            parsed = None
        if parsed is None:
            raise UsageError(f'{what}: không hiểu ngày "{shown}" (dạng 2026-06-01 hoặc 01/06/2026)')
        day = parsed.date()
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UsageError(f'{what}: năm {day.year} nằm ngoài khoảng tthc tính được ({MIN_YEAR}–{MAX_YEAR})')
    return day


_DAY_WORDS = re.compile(r"[^\W\d_]{2,}")
"""A value for dateparser needs a word of two letters or more ("hôm qua", "tháng", "yesterday")."""
_TIME_WORDS = re.compile(r"\b(?:giờ|phút|giây|hours?|minutes?|mins?|seconds?|secs?)\b", re.IGNORECASE)
"""Times of day are not days: "2 giờ trước" would be today or yesterday depending on the clock."""


def resolve_today(value: Optional[str]) -> date:
    value = value or os.environ.get("TTHC_TODAY")
    return parse_day(value) if value else date.today()


class Window:
    """A "due soon" window: calendar days, or working days ("10wd")."""

    def __init__(self, n: int, working: bool):
        self.n, self.working = n, working

    def horizon(self, today: date, session) -> date:
        if self.working:  # a calendar that knows the holidays of every year the count may reach
            return session.calendar_covering(today, today + timedelta(days=2 * self.n + 31)).add_working_days(
                today, self.n)
        return today + timedelta(days=self.n)


def parse_within(value: str, today: date, what: str = "--within") -> Window:
    """A window from "14d", "14", "2w", "1m" (calendar months) or "10wd" (working days)."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*(d|ngày|w|tuần|m|tháng|wd|nlv)?\s*", value)
    if not m:
        raise UsageError(f'{what}: không hiểu "{value}" (ví dụ: 14d, 2w, 1m, 10wd)')
    n, unit = int(m.group(1)), m.group(2)
    if n * (31 if unit in ("m", "tháng") else 7 if unit in ("w", "tuần") else 1) > 3660:
        raise UsageError(f'{what}: "{value}" dài quá 10 năm')
    if unit in ("wd", "nlv"):
        return Window(n, True)
    if unit in ("m", "tháng"):
        from dateutil.relativedelta import relativedelta  # 31/01 + 1 month = 28/02, as people count

        return Window(((today + relativedelta(months=n)) - today).days, False)
    return Window(n * 7 if unit in ("w", "tuần") else n, False)


PlansOpt = Annotated[Optional[list[str]], typer.Option(
    "--plans", "-p", help="Tệp hoặc thư mục kế hoạch (lặp lại được; biến TTHC_PLANS; mặc định ./plans).",
    show_default=False)]
UnitOpt = Annotated[Optional[str], typer.Option(
    "--unit", "-u", help="Đơn vị: mã (TTPVHCC) hoặc tên như trong kế hoạch.", show_default=False)]
RoleOpt = Annotated[Role, typer.Option("--role", help="Vai trò của đơn vị: lead (chủ trì), support (phối hợp), any.")]
WithinOpt = Annotated[Optional[str], typer.Option(
    "--within", "-w", help="Cửa sổ sắp đến hạn: 14d, 2w, 1m, 10wd (ngày làm việc); mặc định 14d.", show_default=False)]
TodayOpt = Annotated[Optional[str], typer.Option(
    "--today", help="Ngày tính hạn (mặc định hôm nay; biến TTHC_TODAY).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Định dạng: table, json, csv.")]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Gồm cả nhiệm vụ thường xuyên, chờ điều kiện, chưa xác định.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Không dùng bộ nhớ đệm kế hoạch đã đọc.")]
DbOpt = Annotated[Optional[str], typer.Option(
    "--db", help="Tệp tiến độ (mặc định .tthc/progress.db cạnh thư mục kế hoạch; biến TTHC_DB).", show_default=False)]
StatusOpt = Annotated[Optional[list[str]], typer.Option(
    "--status", "-s", help='Lọc theo trạng thái, ví dụ "Quá hạn" (lặp lại được).', show_default=False)]
RollOpt = Annotated[Optional[bool], typer.Option(
    "--roll-forward/--no-roll-forward",
    help="Thời hạn là một khoảng (quý, tháng …) kết thúc vào ngày nghỉ thì lùi sang ngày làm việc kế tiếp.",
    show_default=False)]

ForceOpt = Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")]

_GLOBAL = {"config": None}


def _version(value: bool):
    if value:
        typer.echo(f"tthc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="In phiên bản rồi thoát.")] = False,
          config: Annotated[Optional[str], typer.Option(
              "--config", help="Tệp cấu hình (mặc định TTHC_CONFIG, ./tthc.yaml, ~/.config/tthc/tthc.yaml).",
              show_default=False)] = None):
    """tthc: theo dõi thời hạn các nhiệm vụ trong kế hoạch của xã."""
    _GLOBAL["config"] = config


# --- shared plumbing -----------------------------------------------------------


def _session(plans=None, db=None, no_cache=False):
    from tthc_cli.io.session import Session

    return Session(plans, config_path=_GLOBAL["config"], db=db, no_cache=no_cache)


def _workspace(session):
    """The loaded plans; files that could not be loaded are named loudly, and the run will exit 4 (EXIT_PARTIAL)."""
    ws = session.workspace
    if ws.left_out and not ws.plans:
        _report_problems([p for p in ws.errors if p.file in dict(ws.left_out)][:10])
        raise TthcError("không đọc được kế hoạch nào")
    errors = [p for p in ws.errors if p.file not in dict(ws.left_out)]
    if errors:
        _report_problems(errors[:5])
        more = f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else ""
        typer.echo(f"Cảnh báo: kế hoạch có {len(errors)} lỗi{more}; chạy `tthc validate` để xem hết.", err=True)
    if ws.left_out and not _GLOBAL.get("left_out"):
        _GLOBAL["left_out"] = ws.left_out
        typer.echo(f"CẢNH BÁO: {len(ws.left_out)} tệp kế hoạch không đọc được và bị BỎ QUA; kết quả dưới đây "
                   f"THIẾU các kế hoạch đó (mã thoát {EXIT_PARTIAL}):", err=True)
        for file, why in ws.left_out:
            typer.echo(f"  - {file}: {why}", err=True)
    return ws


def _report_problems(problems) -> None:
    from tthc_cli.io.workspace import located

    for p in located(problems):
        typer.echo(p.format(), err=True)


def _selection(ws, unit: Optional[str], role: Role):
    from tthc_cli.core.queries import Selection

    if unit is None:
        return Selection(None, role.value), None
    u = ws.registry.require(unit)
    return Selection(ws.registry.codes_for(u), role.value), u


def _items(session, unit, role, day, roll_forward=None):
    """The selected items with their status as of `day`, progress applied."""
    from tthc_cli.core.queries import collect

    ws = _workspace(session)
    sel, u = _selection(ws, unit, role)
    items = collect(ws.plans, ws.registry, sel, day, session.config.warn_days, session.progress,
                    session.roll(roll_forward))
    return items, u


def _show_items(session, items, today, horizon, fmt_, title, include_undated, all_items):
    from tthc_cli.core.queries import count_undated, sort_key
    from tthc_cli.outputs.items import item_row, print_table, to_csv, to_json, undated_line

    items = sorted(items, key=sort_key)
    days = session.calendar
    if fmt_ is Format.table:
        footer = None if include_undated else undated_line(count_undated(all_items), "; thêm --all để xem.")
        print_table(items, today, horizon, footer, title, days)
        return
    rows = [item_row(i, today, horizon, days) for i in items]
    out = to_json(rows) + "\n" if fmt_ is Format.json else to_csv(rows)
    sys.stdout.write(out)


def _title(what: str, unit, role: Role, today: date) -> str:
    from tthc_cli.core.deadline import fmt

    who = f" — {unit.code} ({unit.name})" if unit else ""
    role_vi = {"lead": "", "support": ", vai trò phối hợp", "any": ", chủ trì hoặc phối hợp"}[role.value]
    return f"{what}{who}{role_vi} — ngày {fmt(today)}"


def _statuses(values, known) -> set[str]:
    from tthc_cli.core.text import fold_diacritics

    out = set()
    folded = {fold_diacritics(s).lower(): s for s in known}
    for v in values or []:
        s = folded.get(fold_diacritics(v.strip()).lower())
        if s is None:
            raise UsageError(f'--status: không có trạng thái "{v}" (có: {", ".join(known)})')
        out.add(s)
    return out


# --- commands -------------------------------------------------------------------


@app.command()
def due(unit: UnitOpt = None, role: RoleOpt = Role.lead, within: WithinOpt = None, today: TodayOpt = None,
        plans: PlansOpt = None, status: StatusOpt = None, format: FormatOpt = Format.table, all: AllOpt = False,
        roll_forward: RollOpt = None, db: DbOpt = None, no_cache: NoCacheOpt = False):
    """Việc quá hạn, đến hạn hôm nay và sắp đến hạn (mặc định trong 14 ngày)."""
    from tthc_cli.core.queries import STATUSES, due_window

    day = resolve_today(today)
    session = _session(plans, db, no_cache)
    window = parse_within(within or session.config.within, day)
    wanted = _statuses(status, STATUSES)
    items, u = _items(session, unit, role, day, roll_forward)
    horizon = window.horizon(day, session)
    shown = due_window(items, horizon)
    if all:
        shown += [i for i in items if i.due is None and i.is_open]
    if wanted:
        shown = [i for i in shown if i.status in wanted]
    _show_items(session, shown, day, horizon, format, _title("Việc cần làm", u, role, day), all, items)


@app.command()
def overdue(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
            format: FormatOpt = Format.table, all: AllOpt = False, roll_forward: RollOpt = None, db: DbOpt = None,
            no_cache: NoCacheOpt = False):
    """Chỉ các việc đã quá hạn."""
    from tthc_cli.core.queries import OVERDUE

    day = resolve_today(today)
    session = _session(plans, db, no_cache)
    items, u = _items(session, unit, role, day, roll_forward)
    shown = [i for i in items if i.status == OVERDUE]
    if all:
        shown += [i for i in items if i.due is None and i.is_open]
    _show_items(session, shown, day, day, format, _title("Việc quá hạn", u, role, day), all, items)


@app.command("list")
def list_(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
          status: StatusOpt = None, format: FormatOpt = Format.table, all: AllOpt = False,
          roll_forward: RollOpt = None, db: DbOpt = None, no_cache: NoCacheOpt = False):
    """Mọi việc có hạn của kế hoạch, kể cả việc đã xong (thêm --all: cả việc không có hạn cụ thể)."""
    from tthc_cli.core.queries import STATUSES

    day = resolve_today(today)
    wanted = _statuses(status, STATUSES)
    session = _session(plans, db, no_cache)
    items, u = _items(session, unit, role, day, roll_forward)
    shown = [i for i in items if (all or i.due is not None or wanted) and (not wanted or i.status in wanted)]
    _show_items(session, shown, day, None, format, _title("Danh sách việc", u, role, day), all or bool(wanted),
                items)


@app.command()
def show(task: Annotated[str, typer.Argument(help="Mã nhiệm vụ, kế-hoạch:mã, hoặc vài chữ trong tên.")],
         today: TodayOpt = None, plans: PlansOpt = None, format: FormatOpt = Format.table, db: DbOpt = None,
         no_cache: NoCacheOpt = False):
    """Chi tiết một nhiệm vụ: vị trí, đơn vị, thời hạn, từng kỳ hạn với trạng thái, và lịch sử."""
    from tthc_cli.show import find_task, show_json, show_text

    day = resolve_today(today)
    session = _session(plans, db, no_cache)
    ws = _workspace(session)
    t = find_task(ws.plans, task)
    ctx = (session.progress, session.calendar, session.config.warn_days, session.roll())
    if format is Format.table:
        show_text(t, day, *ctx)
    else:
        import json

        sys.stdout.write(json.dumps(show_json(t, day, *ctx), ensure_ascii=False, indent=2) + "\n")


# --- recording progress -----------------------------------------------------------------

TaskArg = Annotated[str, typer.Argument(help="Mã nhiệm vụ, kế-hoạch:mã, hoặc vài chữ trong tên.")]
MilestoneOpt = Annotated[Optional[str], typer.Option(
    "--milestone", "-m", help='Mốc của nhiệm vụ, ví dụ "Kế hoạch kiểm tra".', show_default=False)]
OccurrenceOpt = Annotated[Optional[str], typer.Option(
    "--occurrence", "-k", help='Kỳ: "Quý II/2026", "Tháng 5/2026" hoặc ngày hạn 2026-06-30.', show_default=False)]
NoteOpt = Annotated[Optional[str], typer.Option("--note", help="Ghi chú.", show_default=False)]


def _target(session, task_query: str, milestone, occurrence, day, *, want_open=None):
    """The task and the one item (milestone, occurrence) a progress command is about."""
    from tthc_cli.progress_cli import pick_item
    from tthc_cli.show import find_task

    ws = _workspace(session)
    t = find_task(ws.plans, task_query)
    return t, pick_item(t, milestone, occurrence, day, session.progress, want_open,
                        warn_days=session.config.warn_days, days=session.roll())


def _record(session, decide):
    """Write the event `decide()` makes from what the store holds, as one check-and-write.

    `decide` reads `session.progress` (and refuses, with the usual message, what cannot be
    recorded); the event is written only if no other event of its task was recorded since
    that read. Otherwise the store is read again and `decide` runs again: of several
    `done` started at once on one item, one is recorded and the others are refused."""
    from tthc_cli.io.store import Conflict, StoreError

    for _ in range(10):
        event, extra = decide()
        known = session.progress.by_task.get((event.plan, event.task), ())
        last = max((e.id or 0 for e in known), default=0)
        try:
            with session.store() as store:
                return store.add(event, expect_last=last), store.path, extra
        except Conflict:
            session.reload_progress()
    raise StoreError("nhiệm vụ này đang được nhiều người ghi cùng lúc; hãy thử lại")


@app.command()
def done(task: TaskArg, milestone: MilestoneOpt = None, occurrence: OccurrenceOpt = None,
         date_: Annotated[Optional[str], typer.Option("--date", "-d", help="Ngày hoàn thành (mặc định hôm nay).",
                                                      show_default=False)] = None,
         evidence: Annotated[Optional[str], typer.Option(
             "--evidence", "-e", help='Văn bản minh chứng, ví dụ "Báo cáo số 45/BC-UBND ngày 20/6/2026".',
             show_default=False)] = None,
         note: NoteOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Ghi nhận một nhiệm vụ (hoặc một mốc, một kỳ) đã hoàn thành."""
    from tthc_cli.core.progress import DONE, Event
    from tthc_cli.progress_cli import describe
    from tthc_cli.core.queries import dated_status

    day = resolve_today(today)
    when = parse_day(date_, "--date") if date_ else day
    if when > day:
        raise UsageError(f"--date: ngày hoàn thành {when.strftime('%d/%m/%Y')} sau hôm nay "
                         f"({day.strftime('%d/%m/%Y')}); chỉ ghi việc đã xong")
    session = _session(plans, db)

    def decide():
        t, item = _target(session, task, milestone, occurrence, day, want_open=True)
        return Event(DONE, t.plan.id, t.id, milestone=item.milestone or "", occurrence=item.occurrence or "",
                     day=when, evidence=evidence, note=note, who=session.who()), (t, item)

    ev, where, (t, item) = _record(session, decide)
    status = dated_status(item.due, day, 0, when) if item.due else "Hoàn thành"
    typer.echo(f"Đã ghi: {describe(t, item)} hoàn thành ngày {when.strftime('%d/%m/%Y')} — {status}"
               f" (bản ghi #{ev.id}, {where}).")


@app.command()
def undo(task: TaskArg, milestone: MilestoneOpt = None, occurrence: OccurrenceOpt = None, note: NoteOpt = None,
         today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Bỏ ghi nhận hoàn thành (ghi thêm một bản ghi; không xóa gì)."""
    from tthc_cli.core.progress import UNDONE, Event
    from tthc_cli.progress_cli import describe

    day = resolve_today(today)
    session = _session(plans, db)

    def decide():
        t, item = _target(session, task, milestone, occurrence, day, want_open=False)
        return Event(UNDONE, t.plan.id, t.id, milestone=item.milestone or "", occurrence=item.occurrence or "",
                     day=day, note=note, who=session.who()), (t, item)

    ev, _, (t, item) = _record(session, decide)
    typer.echo(f"Đã ghi: bỏ hoàn thành {describe(t, item)} (bản ghi #{ev.id}).")


@app.command()
def trigger(task: TaskArg,
            date_: Annotated[str, typer.Option("--date", "-d", help="Ngày sự kiện xảy ra (có hướng dẫn, quyết định …).")],
            due_in: Annotated[Optional[str], typer.Option(
                "--due-in", help="Hạn tính từ ngày đó: 15d, 2w, 10wd (ngày làm việc).", show_default=False)] = None,
            due_: Annotated[Optional[str], typer.Option("--due", help="Hoặc ngày hạn cụ thể.", show_default=False)] = None,
            milestone: MilestoneOpt = None, note: NoteOpt = None, plans: PlansOpt = None, db: DbOpt = None):
    """Ghi nhận sự kiện mà nhiệm vụ "Khi có hướng dẫn …" chờ đã xảy ra; nhiệm vụ có hạn từ đó.

    Khi thời hạn đã nói khoảng cách ("trong thời hạn 10 ngày làm việc kể từ …"), hạn được tính
    từ đó (ngày làm việc bỏ qua ngày nghỉ, ngày lễ); --due-in hoặc --due ghi đè."""
    from tthc_cli.core.progress import TRIGGER, Event
    from tthc_cli.progress_cli import event_lag, event_milestone
    from tthc_cli.show import find_task

    when = parse_day(date_, "--date")
    if due_in is not None and due_ is not None:
        raise UsageError("chỉ dùng một trong hai: --due-in (ví dụ 15d, 10wd) hoặc --due NGÀY")
    session = _session(plans, db)
    ws = _workspace(session)
    t = find_task(ws.plans, task)
    label = event_milestone(t, milestone)
    lag = None
    if due_ is not None:
        deadline = parse_day(due_, "--due")
    elif due_in is not None:
        deadline = parse_within(due_in, when, "--due-in").horizon(when, session)
    else:
        lag = event_lag(t, label)
        if lag is None:
            raise UsageError(f'thời hạn "{t.deadline}" không nói hạn tính từ sự kiện bao lâu; '
                             "hãy cho --due-in (ví dụ 15d, 10wd) hoặc --due NGÀY")
        deadline = lag.apply(when, session.calendar_covering(when - timedelta(days=400), when + timedelta(days=400)))
    backwards = lag or event_lag(t, label)
    if deadline < when and not (backwards is not None and backwards.direction == "before"):
        raise UsageError("--due: hạn trước ngày sự kiện")

    def decide():
        from tthc_cli.core.progress import TRIGGER as KIND

        same = next((e for e in reversed(session.progress.by_task.get((t.plan.id, t.id), ()))
                     if e.kind == KIND and e.milestone == label and (e.day, e.due) == (when, deadline)), None)
        if same is not None:  # the same event recorded before (even with other dates in between): once is enough
            raise UsageError(f"sự kiện này đã được ghi (bản ghi #{same.id}: xảy ra ngày {same.day.strftime('%d/%m/%Y')}, "
                             f"hạn {same.due.strftime('%d/%m/%Y')})")
        return Event(TRIGGER, t.plan.id, t.id, milestone=label, day=when, due=deadline, note=note,
                     who=session.who()), None

    ev, _, _ = _record(session, decide)
    how = f" ({lag.describe()})" if lag is not None else ""
    typer.echo(f"Đã ghi: sự kiện của {t.ref}{f' ({label})' if label else ''} xảy ra ngày "
               f"{when.strftime('%d/%m/%Y')}; hạn {deadline.strftime('%d/%m/%Y')}{how} (bản ghi #{ev.id}).")


@app.command()
def history(task: Annotated[Optional[str], typer.Argument(help="Nhiệm vụ (bỏ trống: mọi nhiệm vụ).",
                                                          show_default=False)] = None,
            unit: UnitOpt = None, plans: PlansOpt = None, format: FormatOpt = Format.table, db: DbOpt = None):
    """Các bản ghi tiến độ, mới nhất trước."""
    from tthc_cli.progress_cli import history_rows, print_history

    session = _session(plans, db)
    ws = _workspace(session)
    rows = history_rows(session, ws, task, unit)
    if format is Format.json:
        import json

        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.csv:
        from tthc_cli.outputs.items import dicts_to_csv

        sys.stdout.write(dicts_to_csv(rows))
    elif not rows:
        typer.echo("Chưa có bản ghi tiến độ nào.")
    else:
        print_history(rows)


@app.command()
def check(unit: UnitOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None,
          roll_forward: RollOpt = None, no_cache: NoCacheOpt = False):
    """Một dòng tóm tắt mỗi đơn vị; mã thoát 3 khi có việc quá hạn (cho script, trước giao ban).

    Mã thoát 4 (thay cho 0 và 3) khi có tệp kế hoạch không đọc được: số liệu thiếu, phải sửa tệp trước."""
    from tthc_cli.progress_cli import check_lines

    day = resolve_today(today)
    session = _session(plans, db, no_cache)
    items, u = _items(session, unit, Role.lead, day, roll_forward)
    lines, overdue_count = check_lines(session.workspace, items, u, day)
    for line in lines:
        typer.echo(line)
    if overdue_count:
        raise typer.Exit(EXIT_OVERDUE)


class ReportFormat(str, Enum):
    table = "table"
    md = "md"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@app.command()
def report(period: Annotated[str, typer.Option(
               "--period", help='Kỳ báo cáo: "Quý II/2026", "6 tháng đầu năm 2026", "Năm 2026", "Tháng 5/2026".')],
           unit: UnitOpt = None, today: TodayOpt = None, plans: PlansOpt = None,
           format: Annotated[ReportFormat, typer.Option("--format", "-f", help="table, md, csv, json, xlsx.")] =
           ReportFormat.table,
           output: Annotated[Optional[str], typer.Option("--output", "-o", help="Ghi ra tệp (bắt buộc với xlsx).",
                                                         show_default=False)] = None,
           roll_forward: RollOpt = None, db: DbOpt = None, no_cache: NoCacheOpt = False, force: ForceOpt = False):
    """Báo cáo kết quả theo đơn vị: đúng hạn, quá hạn, chưa xong; danh sách việc trễ kèm minh chứng."""
    from pathlib import Path

    from tthc_cli.outputs import report_text as report_render
    from tthc_cli.core.report import build_report, report_period

    day = resolve_today(today)
    try:
        label, start, end = report_period(period)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    session = _session(plans, db, no_cache)
    # the items the unit leads, chosen as due, list and check choose them (Selection): a task led by a group the
    # unit belongs to, where the unit is named as a cooperator, is its to support and is not counted
    items, _ = _items(session, unit, Role.lead, day, roll_forward)
    keep = None
    if unit is not None:
        reg = session.workspace.registry
        codes = _selection(session.workspace, unit, Role.lead)[0].unit_codes
        keep = lambda ref: ref.unit is not None and not reg.codes_for(ref.unit).isdisjoint(codes)  # noqa: E731
    rep = build_report(items, label, start, end, day, keep).replace(left_out=tuple(session.workspace.left_out))
    if format is ReportFormat.xlsx:
        if not output:
            raise UsageError("--format xlsx cần -o TỆP.xlsx")
        from tthc_cli.io.files import replacing
        from tthc_cli.outputs.report_xlsx import write_xlsx

        if Path(output).is_dir():  # as every writer says it (exit 1), with an example
            from tthc_cli.io.files import FileError

            raise FileError(f'"{output}" là thư mục; hãy ghi tên tệp, ví dụ {output.rstrip("/")}/bao-cao.xlsx')
        with replacing(output, force=force, what="báo cáo") as tmp:
            write_xlsx(rep, tmp)
        typer.echo(f"Đã ghi báo cáo {label} vào {output}.", err=True)
        return
    text = report_render.render(rep, format.value)
    if output:
        from tthc_cli.io.files import write_file

        write_file(output, text, force=force, what="báo cáo")
        typer.echo(f"Đã ghi báo cáo {label} vào {output}.", err=True)
    else:
        sys.stdout.write(text)


@app.command()
def validate(paths: Annotated[Optional[list[str]], typer.Argument(
                 help="Tệp hoặc thư mục kế hoạch (mặc định ./plans hoặc TTHC_PLANS).", show_default=False)] = None,
             strict: Annotated[bool, typer.Option("--strict", help="Cảnh báo cũng làm lệnh thất bại.")] = False,
             format: Annotated[TextFormat, typer.Option("--format", "-f", help="text hoặc json.")] = TextFormat.text,
             plans: PlansOpt = None, db: DbOpt = None):
    """Kiểm tra kế hoạch: liệt kê mọi lỗi và cảnh báo kèm tệp, dòng và khóa."""
    from tthc_cli.core.checks import plan_warnings
    from tthc_cli.io.workspace import load, located

    session = _session((paths or []) + (plans or []) or None, db, no_cache=True)
    ws = load(session.plan_paths(), use_cache=False, extra_units=session.config.units)
    if not ws.files:
        raise UsageError("không có tệp kế hoạch (.yaml) nào để kiểm tra")
    problems = list(ws.problems)
    for plan in ws.plans:
        problems.extend(plan_warnings(plan))
    problems.extend(_orphans(session, ws))
    problems = located(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    tasks = sum(1 for p in ws.plans for t in p.tasks if t.is_leaf)
    if format == "json":
        import json

        sys.stdout.write(json.dumps({"files": len(ws.files), "plans": len(ws.plans), "tasks": tasks,
                                     "errors": errors, "warnings": warnings,
                                     "problems": [p.to_json() for p in problems]},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        for p in problems:
            typer.echo(p.format())
        typer.echo(f"{len(ws.files)} tệp, {len(ws.plans)} kế hoạch, {tasks} nhiệm vụ: "
                   f"{errors} lỗi, {warnings} cảnh báo.")
    if errors or (strict and warnings):
        raise typer.Exit(1)


def _orphans(session, ws):
    """Progress records whose task is no longer in the plans (renamed or removed): kept, and reported."""
    from tthc_cli.core.model import WARNING, Problem

    if not session.db_path().exists():
        return []
    known = {(p.id, t.id) for p in ws.plans for t in p.tasks}
    out = []
    for (plan, task), events in sorted(session.progress.by_task.items()):
        if (plan, task) not in known and any(p.id == plan for p in ws.plans):
            ids = ", ".join(f"#{e.id}" for e in events)
            out.append(Problem(WARNING, f'{len(events)} bản ghi tiến độ ({ids}) cho nhiệm vụ "{plan}:{task}" không còn '
                                        f"trong kế hoạch (đổi mã hoặc đã xóa?); lịch sử vẫn được giữ",
                               str(session.db_path())))
    return out


@app.command()
def resolve(texts: Annotated[Optional[list[str]], typer.Argument(
                help="Các cụm thời hạn; không có thì đọc từ stdin, mỗi dòng một cụm.", show_default=False)] = None,
            period: Annotated[Optional[str], typer.Option(
                "--period", help="Thời gian kế hoạch: 2026 hoặc 2025-07-01..2025-12-31 (mặc định năm của --today).",
                show_default=False)] = None,
            today: TodayOpt = None,
            format: Annotated[TextFormat, typer.Option("--format", "-f", help="text hoặc json (mỗi dòng một đối tượng).")] =
            TextFormat.text,
            explain: Annotated[bool, typer.Option(
                "--explain", "-e", help="Giải thích cách đọc: phần nào thành mốc nào, phần nào bỏ qua và vì sao.")] = False):
    """Giải nghĩa cụm thời hạn như kế hoạch viết ("Quý II/2026", "Chậm nhất ngày 15/8/2026" …)."""
    import json

    from tthc_cli.core.deadline import KIND_VI, fmt, parse_period
    from tthc_cli.core.deadline import resolve as resolve_text

    try:
        per = parse_period(period) if period else parse_period(resolve_today(today).year)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    lines = texts if texts else _stdin_lines()
    from tthc_cli.core.text import clean_text

    for text in lines:
        if not texts and not text.strip():
            continue
        text = clean_text(text)  # what is echoed back must not carry escape sequences
        res = resolve_text(text, per)
        if format == "json":
            obj = res.to_json()
            if explain:
                obj["explain"] = list(res.explain)
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            continue
        dates = ", ".join(fmt(d) for d in res.due) or "—"
        typer.echo(f"{res.text}\n  loại: {KIND_VI[res.kind]}; hạn: {dates}")
        if res.start or res.end:
            typer.echo(f"  từ {fmt(res.start) if res.start else '…'} đến {fmt(res.end) if res.end else '…'}")
        for m in res.milestones:
            md = ", ".join(fmt(d) for d in m.resolution.due) or "—"
            typer.echo(f"  • {m.label or '(không nhãn)'}: {KIND_VI[m.resolution.kind]}; hạn: {md}")
        for m in (res, *(m.resolution for m in res.milestones)):
            if m.lag is not None:
                typer.echo(f"  hạn tính từ sự kiện: {m.lag.describe()}")
        if res.note and res.kind != "event":
            typer.echo(f"  ghi chú: {res.note}")
        for w in res.warnings:
            typer.echo(f"  cảnh báo: {w}")
        if explain:
            typer.echo("  cách đọc:")
            for line in res.explain or ("(không có gì để giải thích)",):
                typer.echo(f"    {line}")


def _stdin_lines(limit: int = 20 * 1024 * 1024) -> list[str]:
    """Phrases from stdin, one a line, at most `limit` bytes (`resolve < /dev/zero` must end)."""
    data = sys.stdin.buffer.read(limit + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read(limit + 1).encode()
    if len(data) > limit:
        raise UsageError(f"đầu vào quá lớn (hơn {limit // 1048576} MB); resolve đọc mỗi dòng một cụm thời hạn")
    from tthc_cli.core.text import clean_text

    return [clean_text(ln) for ln in data.decode("utf-8", "replace").splitlines()]


@app.command()
def units(plans: PlansOpt = None,
          format: Annotated[TableFormat, typer.Option("--format", "-f", help="table hoặc json.")] = TableFormat.table,
          no_cache: NoCacheOpt = False):
    """Danh mục đơn vị, với số nhiệm vụ mỗi đơn vị chủ trì và phối hợp."""
    from tthc_cli.show import unit_counts

    ws = _workspace(_session(plans, None, no_cache))
    rows = unit_counts(ws)
    if format == "json":
        import json

        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    kinds = {"unit": "đơn vị", "group": "nhóm", "external": "bên ngoài", "unknown": "không có trong danh mục"}
    table = Table(title="Đơn vị", title_justify="left",
                  caption="Số nhiệm vụ ghi đích danh; (+n): thêm qua nhóm như \"Các cơ quan, đơn vị …\".",
                  caption_justify="left")
    for col in ("Mã", "Tên", "Loại", "Chủ trì", "Phối hợp"):
        table.add_column(col, justify="right" if col in ("Chủ trì", "Phối hợp") else "left")

    def count(r, key):
        extra = r.get(f"{key}_total", r[key]) - r[key]
        return f"{r[key]} (+{extra})" if extra else str(r[key])

    for r in rows:
        table.add_row(r["code"] or "", r["name"], kinds[r["kind"]], count(r, "lead"), count(r, "support"))
    Console(highlight=False).print(table)


@app.command("import")
def import_(source: Annotated[str, typer.Argument(help="Tệp kế hoạch: .docx, hoặc văn bản xuất ra (.txt/.md).")],
            output: Annotated[Optional[str], typer.Option(
                "--output", "-o", help="Ghi ra tệp kế hoạch này (mặc định: in ra màn hình).", show_default=False)] = None,
            id: Annotated[Optional[str], typer.Option("--id", help="Mã kế hoạch (mặc định: đoán từ tên xã).",
                                                      show_default=False)] = None,
            period: Annotated[Optional[str], typer.Option(
                "--period", help="Thời gian kế hoạch, thay cho điều văn bản ghi: 2026 hoặc 2025-07-01..2025-12-31.",
                show_default=False)] = None,
            force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp kế hoạch đã có.")] = False):
    """Nhập kế hoạch từ tệp Word (.docx) hoặc văn bản, ra tệp kế hoạch YAML để rà soát."""
    from pathlib import Path

    from tthc_cli.importer.build import check_size, import_document, read_source, write_atomically
    from tthc_cli.importer.document import ImportError_

    if output and Path(output).exists() and not force:
        raise ImportError_(f'"{output}" đã có; thêm --force để ghi đè')
    doc = read_source(Path(source))
    check_size(doc)
    try:
        result = import_document(doc, plan_id=id, period=period, source_name=source)
    except RecursionError:
        raise ImportError_("các mục đánh số lồng nhau quá sâu (hàng trăm cấp): không phải một kế hoạch") from None
    _check_imported(result.yaml)
    if output:
        write_atomically(Path(output), result.yaml, force)
    if not output:
        sys.stdout.write(result.yaml)
    err = typer.echo
    err(f"Đã nhập {result.tasks} nhiệm vụ/dòng sản phẩm từ {result.tables} bảng"
        f"{f' và {result.prose} câu văn (review: true)' if result.prose else ''}"
        f"{f' vào {output}' if output else ''}; kế hoạch {result.plan_id}, thời gian {result.period or '?'}.",
        err=True)
    for line in result.report:
        err(f"  - {line}", err=True)
    if output:
        err(f"Hãy rà soát rồi chạy: tthc validate {output}", err=True)


def _check_imported(text: str) -> None:
    """The plan file import writes must be one tthc reads: under the size limit, parsed, built."""
    from tthc_cli.importer.document import ImportError_
    from tthc_cli.io.loader import MAX_BYTES, parse_bytes
    from tthc_cli.core.planfile import build_plan

    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ImportError_(f"kế hoạch nhập ra lớn {len(data) / 1048576:.0f} MB, quá giới hạn 20 MB của tệp kế hoạch; "
                           "hãy tách tài liệu")
    raw = parse_bytes(data, "kế hoạch nhập")
    try:
        plan, problems = build_plan(raw.data, "kế hoạch nhập") if raw.ok else (None, raw.problems)
    except RecursionError:
        plan, problems = None, []
    if plan is None:
        why = problems[0].message if problems else "các mục lồng nhau quá sâu"
        raise ImportError_(f"kế hoạch nhập ra không đọc lại được ({why}); đây là lỗi của tthc hoặc tài liệu "
                           "quá khác thường")


@app.command()
def digest(unit: UnitOpt = None,
           all_units: Annotated[bool, typer.Option("--all", help="Mọi đơn vị có người nhận trong cấu hình.")] = False,
           send_: Annotated[bool, typer.Option("--send", help="Gửi qua máy chủ thư (SMTP).")] = False,
           out: Annotated[Optional[str], typer.Option("--out", help="Ghi tệp .eml vào thư mục này, không gửi.",
                                                      show_default=False)] = None,
           always: Annotated[bool, typer.Option("--always", help="Gửi cả cho đơn vị không có việc nào.")] = False,
           resend: Annotated[bool, typer.Option("--resend", help="Gửi lại cả thư đã gửi hôm nay.")] = False,
           within: WithinOpt = None, today: TodayOpt = None, plans: PlansOpt = None, db: DbOpt = None,
           force: Annotated[bool, typer.Option("--force", help="Với --out: ghi đè tệp .eml đã có.")] = False):
    """Thư tổng hợp mỗi đơn vị: việc quá hạn, đến hạn hôm nay, sắp đến hạn (chạy hằng đêm bằng cron).

    Mã thoát: 0 đã gửi hết hoặc không có gì để gửi; 1 lỗi cấu hình; 2 có thư gửi không được sau
    khi thử lại; 75 một lượt gửi khác đang chạy.
    """
    from pathlib import Path

    from tthc_cli.io import delivery as digest_cli

    if send_ == bool(out):
        raise UsageError("chọn đúng một trong hai: --send (gửi thư) hoặc --out THƯ_MỤC (ghi tệp .eml)")
    if bool(unit) == all_units:
        raise UsageError("chọn đúng một trong hai: --unit ĐƠN_VỊ hoặc --all")
    day = resolve_today(today)
    session = _session(plans, db)
    _workspace(session)
    horizon = parse_within(within or session.config.within, day).horizon(day, session)
    smtp = session.config.smtp or {}
    sender = smtp.get("sender") or "tthc <tthc@tthc.invalid>"  # RFC 2606: a name that is no one's
    digests = digest_cli.build_all(session, unit, all_units, day, horizon, sender, always)
    if out:
        lines = digest_cli.write_eml(digests, Path(out), day, force)
        for line in lines:
            typer.echo(line)
        return
    progress = None
    bar = None
    if sys.stderr.isatty() and len(digests) > 3:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task_id = bar.add_task("Đang gửi thư", total=None)
        bar.start()
        progress = lambda done, total: bar.update(task_id, completed=done, total=total)  # noqa: E731
    try:
        lines, failed = digest_cli.send(session, digests, day, resend, progress)
    finally:
        if bar is not None:
            bar.stop()
    for line in lines:
        typer.echo(line)
    if failed:
        typer.echo(f"Có {failed} người nhận chưa nhận được thư; chạy lại lệnh này để gửi lại riêng những thư đó.",
                   err=True)
        raise typer.Exit(2)


@app.command()
def ics(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
        output: Annotated[Optional[str], typer.Option("--output", "-o", help="Ghi ra tệp .ics (mặc định in ra).",
                                                      show_default=False)] = None,
        alarm: Annotated[Optional[int], typer.Option("--alarm-days", help="Nhắc trước hạn N ngày (0: không nhắc).",
                                                     show_default=False)] = None,
        db: DbOpt = None, force: ForceOpt = False):
    """Lịch RFC 5545 (.ics) các hạn: mỗi hạn một sự kiện cả ngày, kèm nhắc trước."""
    from datetime import datetime, timezone

    from tthc_cli.outputs.ics import calendar_bytes

    day = resolve_today(today)
    if alarm is not None and not 0 <= alarm <= 365:
        raise UsageError(f"--alarm-days: {alarm} không hợp lệ (từ 0 đến 365 ngày; 0: không nhắc)")
    session = _session(plans, db)
    items, u = _items(session, unit, role, day)
    name = f"tthc — {u.code}" if u else "tthc"
    days = session.config.alarm_days if alarm is None else alarm
    data = calendar_bytes([i for i in items if i.due is not None], name=name, alarm_days=days or None,
                          stamp=datetime.now(timezone.utc).replace(microsecond=0))
    if output:
        from tthc_cli.io.files import write_file

        write_file(output, data, force=force, what="lịch")
        typer.echo(f"Đã ghi {sum(1 for i in items if i.due)} hạn vào {output}.", err=True)
    else:
        sys.stdout.buffer.write(data)


config_app = typer.Typer(help="Kiểm tra và xem tệp cấu hình.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("check")
def config_check(plans: PlansOpt = None):
    """Kiểm tra tệp cấu hình: khóa lạ, địa chỉ thư sai, đơn vị không có, mật khẩu."""
    from tthc_cli.io.config import check_all

    problems, source = check_all(_GLOBAL["config"], plans)
    if source is None:
        typer.echo("Không có tệp cấu hình (dùng giá trị mặc định).")
    for p in problems:
        typer.echo(f"lỗi: {p}")
    if problems:
        raise typer.Exit(1)
    if source is not None:
        typer.echo(f"{source}: cấu hình hợp lệ.")


@config_app.command("show")
def config_show():
    """In cấu hình đang dùng (mật khẩu được che)."""
    from tthc_cli.io.config import load, show_text

    sys.stdout.write(show_text(load(_GLOBAL["config"])))


@app.command()
def schema():
    """In JSON Schema của tệp kế hoạch (để trình soạn thảo kiểm tra và gợi ý)."""
    from importlib import resources

    sys.stdout.write(resources.files("tthc_cli").joinpath("data/plan.schema.json").read_text(encoding="utf-8"))


# --- entry point --------------------------------------------------------------------


def _click():
    """The click typer runs on: vendored inside newer typer, a dependency of older ones."""
    try:
        from typer import _click as click
    except ImportError:  # typer < 0.2x
        import click
    return click


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI and return its exit code: every error becomes a message and a code (see errors.py), never
    a traceback. Each call starts from a clean state, so tests run it in-process as often as they like."""
    if sys.stderr is None:  # started with stderr closed (2>&-): messages go nowhere, but nothing breaks
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if sys.stdout is None:  # started with stdout closed (>&-): there is nowhere to put the answer
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
        typer.echo("Lỗi: đầu ra chuẩn (stdout) đã bị đóng; không có chỗ ghi kết quả", err=True)
        return 1
    _readable_streams()
    _reset()
    code = _run(list(sys.argv[1:] if argv is None else argv))
    if code in (0, 3) and _GLOBAL.get("left_out"):
        code = EXIT_PARTIAL  # the answer is missing whole plan files: cron must notice
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except OSError as exc:
        code = _output_failed(exc)
    except ValueError:  # stdout closed by the command's reader
        pass
    return code


def _reset() -> None:
    """Forget what an earlier run in this process set: the --config value, the files left out, the cache
    folders already judged (a folder's mode may have changed since)."""
    from tthc_cli.io.loader import forget_checked_folders

    _GLOBAL.clear()
    _GLOBAL["config"] = None
    forget_checked_folders()


def _run(argv: list[str]) -> int:
    click = _click()
    try:
        bad = next((a for opt, a in zip(["", *argv], argv) if opt in _TEXT_OPTIONS and _undecodable(a)), None)
        if bad is not None:
            raise UsageError(f'tham số "{bad.encode("utf-8", "replace").decode("utf-8")}" có byte không phải '
                             f"UTF-8; hãy gõ lại bằng bảng mã UTF-8 (Unicode)")
        if argv[:1] == ["resolve"]:
            argv = ["resolve", *_resolve_args(argv[1:])]
        rv = _app_for(argv)(args=argv, prog_name="tthc", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except TthcError as exc:
        typer.echo(f"Lỗi: {_shown(exc.message)}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("Đã dừng.", err=True)
        return 130
    except click.exceptions.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            return 0
        typer.echo(f"Lỗi: {_shown(_click_message_vi(exc))}", err=True)
        typer.echo("Xem `tthc --help` hoặc `tthc LỆNH --help`.", err=True)
        return 2
    except KeyboardInterrupt:
        typer.echo("Đã dừng.", err=True)
        return 130
    except BrokenPipeError:  # `tthc due | head`: the reader has all it wanted
        _silence_stdout()
        return 0
    except OSError as exc:  # files tthc writes report their own errors: what is left is the output itself
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EIO, errno.EBADF):
            return _output_failed(exc)
        if exc.errno in _PATH_ERRNOS:  # a path given by the user that the system refuses
            from tthc_cli.io.files import os_reason

            name = str(exc.filename or "")
            shown = f'"{name[:60]}…"' if len(name) > 60 else f'"{name}"'
            typer.echo(f"Lỗi: {_shown(shown)}: {os_reason(exc)}", err=True)
            return 2 if exc.errno == errno.ENAMETOOLONG else 1
        return _crash(exc)
    except MemoryError:
        _silence_stdout()
        typer.echo("Lỗi: hết bộ nhớ khi xử lý dữ liệu này (dữ liệu quá lớn hoặc máy thiếu bộ nhớ)", err=True)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the error boundary: a message and a crash report, never a traceback
        return _crash(exc)


_PATH_ERRNOS = (errno.ENAMETOOLONG, errno.EACCES, errno.EPERM, errno.ELOOP, errno.ENOTDIR, errno.EROFS, errno.ENOENT)
"""OS errors about a path the user gave: a message (files.OS_REASONS), not a crash report."""


_TEXT_OPTIONS = {"-e", "--evidence", "--note", "-m", "--milestone", "-k", "--occurrence", "-u", "--unit",
                 "--period", "--today", "--date", "-d", "--due", "--due-in", "--id", "-s", "--status", "-w", "--within"}
"""Options whose value is text tthc stores or shows (paths may hold any bytes the system allows)."""


def _shown(message: str) -> str:
    """A message as printed: what it quotes from the command line or a file cannot steer the terminal."""
    from tthc_cli.core.text import clean_text

    return clean_text(message)


def _undecodable(arg: str) -> bool:
    """An argument with bytes the terminal's encoding could not decode (Python keeps them as lone surrogates)."""
    return any("\udc80" <= ch <= "\udcff" for ch in arg)


def _readable_streams() -> None:
    """What a stream cannot show becomes "?": a Windows code page (cp1258) cannot show every Vietnamese
    letter, and a file name that is not UTF-8 reaches Python as lone surrogates that UTF-8 cannot encode."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    sys.unraisablehook = _quiet_unraisable


def _quiet_unraisable(unraisable) -> None:
    """An error in a destructor (a half-written zip closing on a full disk) is not the user's business:
    the error that mattered was already reported."""


def _output_failed(exc: OSError) -> int:
    _silence_stdout()
    from tthc_cli.io.files import os_reason

    try:
        typer.echo(f"Lỗi: không ghi được kết quả ra màn hình hoặc tệp: {os_reason(exc)}", err=True)
    except OSError:
        pass
    return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _crash(exc: BaseException) -> int:
    """An error tthc did not foresee: one line for the user, the traceback in a crash report file."""
    import traceback

    report = "".join(traceback.format_exception(exc))
    where = _write_crash_report(report)
    if isinstance(exc, OSError):
        _silence_stdout()
    hint = f"; chi tiết đã ghi vào {where}, hãy gửi tệp này cho người quản trị" if where else ""
    try:
        typer.echo(f"Lỗi: tthc gặp lỗi ngoài dự kiến ({type(exc).__name__}){hint}.", err=True)
    except OSError:
        pass
    return EXIT_INTERNAL


def _write_crash_report(text: str) -> str | None:
    import tempfile
    import time

    from tthc_cli.io.loader import cache_dir

    stamp = time.strftime("%Y%m%d-%H%M%S")
    folders = [f for f in (cache_dir(), Path(tempfile.gettempdir())) if f is not None]
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, path = tempfile.mkstemp(dir=folder, prefix=f"tthc-crash-{stamp}-", suffix=".txt")
            with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
                fh.write(f"tthc {__version__}\nlệnh: {' '.join(sys.argv)}\n\n{text}")
            return path
        except OSError:
            continue
    return None


def _app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command being run.

    typer inspects every command's signature when it builds the click group
    (~2 ms a command, 20 commands); `tthc due` in a meeting should not pay for
    `digest` and `import`. Help and unknown commands get the whole app.
    """
    first = next((a for a in argv if not a.startswith("-")), None)  # may be --config's value: then no match
    names = {(c.name or c.callback.__name__.replace("_", "-").rstrip("-")): c for c in app.registered_commands}
    groups = {g.name: g for g in app.registered_groups}
    if first not in names and first not in groups:
        return app
    lean = typer.Typer(**_APP_SETTINGS)
    lean.registered_callback = app.registered_callback
    if first in names:
        lean.registered_commands = [names[first]]
    else:
        lean.registered_groups = [groups[first]]
    return lean


def _resolve_args(args: list[str]) -> list[str]:
    """Options first, then "--", then the phrases.

    Deadline cells often start with "- " ("- Quý I/2026."), which click would
    read as a cluster of short options.
    """
    valued = ("--period", "--today", "--format", "-f")
    opts, texts = [], []
    it = iter(args)
    for a in it:
        if a == "--":
            texts.extend(it)
            break
        if a in valued:
            opts += [a, next(it, "")]
        elif a.startswith("--") or a in ("-h", "-e"):
            opts.append(a)  # known or not: click reports an unknown long option
        else:
            texts.append(a)
    return [*opts, "--", *texts] if texts else opts


def _click_message_vi(exc) -> str:
    click = _click()

    if isinstance(exc, click.exceptions.NoSuchOption):
        hint = f" Có phải: {', '.join(exc.possibilities)}?" if exc.possibilities else ""
        return f"không có tùy chọn {exc.option_name}.{hint}"
    if isinstance(exc, click.exceptions.MissingParameter):
        p = exc.param
        name = (p.opts[0] if getattr(p, "param_type_name", "") == "option" else p.name.upper()) if p else "tham số"
        return f"thiếu {name}"
    if isinstance(exc, click.exceptions.BadParameter):
        name = exc.param.opts[0] if exc.param and getattr(exc.param, "opts", None) else "tham số"
        m = re.match(r"'(.*)' is not one of (.*)\.?$", exc.message or "")
        if m:
            return f'giá trị "{m.group(1)}" không hợp lệ cho {name} (chọn: {m.group(2).rstrip(".")})'
        return f"giá trị không hợp lệ cho {name}: {exc.message}"
    if isinstance(exc, click.exceptions.BadOptionUsage):
        if "requires an argument" in (exc.message or ""):
            return f"tùy chọn {exc.option_name} cần một giá trị"
        return f"tùy chọn {exc.option_name} dùng sai: {exc.message}"
    msg = exc.format_message()
    if msg.startswith("No such command"):
        return "không có lệnh " + msg.split("No such command", 1)[1].strip(" .") + "."
    if msg.startswith("Got unexpected extra argument"):
        extra = msg.split("argument", 1)[1].strip().removeprefix("(s)").removeprefix("s").strip().strip("()")
        ctx = getattr(exc, "ctx", None)
        example = '--period "Quý II/2026"' if getattr(ctx, "info_name", "") == "report" else \
            '--unit "Văn phòng HĐND và UBND"'
        return f'thừa tham số "{extra}"; giá trị có dấu cách phải đặt trong dấu nháy, ví dụ {example}'
    return msg
