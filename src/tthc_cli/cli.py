"""The `tthc` command line: parses options, calls the core, prints the result.

Every error a user can cause ends here as a Vietnamese message on stderr and
a non-zero exit code (see errors.py); never a traceback.
"""


import os
import re
import sys
from datetime import date, timedelta
from enum import Enum
from typing import Annotated, Optional

import typer

from tthc_cli import __version__
from tthc_cli.errors import TaskNotFoundError, TthcError, UnknownUnitError, UsageError

app = typer.Typer(
    name="tthc",
    help="tthc: theo dõi thời hạn các nhiệm vụ trong kế hoạch CCHC, kiểm soát TTHC của xã.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Role(str, Enum):
    lead = "lead"
    support = "support"
    any = "any"


# --- option values -----------------------------------------------------------


def parse_day(value: str, what: str = "--today") -> date:
    """A day from ISO (2026-06-01), Vietnamese order (01/06/2026) or words."""
    v = value.strip()
    try:
        return date.fromisoformat(v)
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", v)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            raise UsageError(f'{what}: ngày "{value}" không tồn tại') from None
    import dateparser  # free-form words ("hôm qua", "22 tháng 11 năm 2026"): costs ~60 ms, so only here

    parsed = dateparser.parse(v, languages=["vi", "en"], settings={"DATE_ORDER": "DMY"})
    if parsed is None:
        raise UsageError(f'{what}: không hiểu ngày "{value}" (dạng 2026-06-01 hoặc 01/06/2026)')
    return parsed.date()


def resolve_today(value: Optional[str]) -> date:
    value = value or os.environ.get("TTHC_TODAY")
    return parse_day(value) if value else date.today()


def parse_within(value: str, today: date) -> int:
    """A window in days from "14d", "14", "2w" or "1m" (calendar months)."""
    m = re.fullmatch(r"\s*(\d{1,4})\s*(d|ngày|w|tuần|m|tháng)?\s*", value)
    if not m:
        if re.fullmatch(r"\s*\d+\s*wd\s*", value):
            raise UsageError("--within: đếm theo ngày làm việc (wd) chưa hỗ trợ; dùng số ngày, ví dụ 14d")
        raise UsageError(f'--within: không hiểu "{value}" (ví dụ: 14d, 2w, 1m)')
    n, unit = int(m.group(1)), m.group(2)
    if unit in ("m", "tháng"):
        from dateutil.relativedelta import relativedelta  # 31/01 + 1 month = 28/02, as people count

        return ((today + relativedelta(months=n)) - today).days
    return n * 7 if unit in ("w", "tuần") else n


def plan_paths(values: Optional[list[str]]) -> list[str]:
    if values:
        return values
    env = os.environ.get("TTHC_PLANS")
    if env:
        return [p for p in env.split(os.pathsep) if p]
    if not os.path.isdir("plans"):
        raise UsageError("không tìm thấy thư mục ./plans; chỉ rõ kế hoạch bằng --plans TỆP_HOẶC_THƯ_MỤC")
    return ["plans"]


PlansOpt = Annotated[Optional[list[str]], typer.Option(
    "--plans", "-p", help="Tệp hoặc thư mục kế hoạch (lặp lại được; biến TTHC_PLANS; mặc định ./plans).",
    show_default=False)]
UnitOpt = Annotated[Optional[str], typer.Option(
    "--unit", "-u", help="Đơn vị: mã (TTPVHCC) hoặc tên như trong kế hoạch.", show_default=False)]
RoleOpt = Annotated[Role, typer.Option("--role", help="Vai trò của đơn vị: lead (chủ trì), support (phối hợp), any.")]
WithinOpt = Annotated[str, typer.Option("--within", "-w", help="Cửa sổ sắp đến hạn, ví dụ 14d, 2w, 1m.")]
TodayOpt = Annotated[Optional[str], typer.Option(
    "--today", help="Ngày tính hạn (mặc định hôm nay; biến TTHC_TODAY).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Định dạng: table, json, csv.")]
AllOpt = Annotated[bool, typer.Option("--all", "-a", help="Gồm cả nhiệm vụ thường xuyên, chờ điều kiện, chưa xác định.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Không dùng bộ nhớ đệm kế hoạch đã đọc.")]


def _version(value: bool):
    if value:
        typer.echo(f"tthc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="In phiên bản rồi thoát.")] = False):
    """tthc: theo dõi thời hạn các nhiệm vụ trong kế hoạch của xã."""


# --- shared plumbing -----------------------------------------------------------


def _workspace(plans, no_cache=False):
    from tthc_cli.workspace import load

    ws = load(plan_paths(plans), use_cache=not no_cache)
    if not ws.files:
        raise UsageError("không có tệp kế hoạch (.yaml) nào trong " + ", ".join(plan_paths(plans)))
    fatal = [p for p in ws.problems if p.severity == "error" and not p.path]
    if fatal and not ws.plans:
        _report_problems(fatal)
        raise TthcError("không đọc được kế hoạch nào")
    errors = ws.errors
    if errors:
        _report_problems(errors[:5])
        more = f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else ""
        typer.echo(f"Cảnh báo: kế hoạch có {len(errors)} lỗi{more}; chạy `tthc validate` để xem hết.", err=True)
    return ws


def _report_problems(problems) -> None:
    from tthc_cli.workspace import located

    for p in located(problems):
        typer.echo(p.format(), err=True)


def _selection(ws, unit: Optional[str], role: Role):
    from tthc_cli.queries import Selection

    if not unit:
        return Selection(None, role.value), None
    u = ws.registry.match(unit)
    if u is None:
        hints = ws.registry.suggest(unit)
        more = (" Có phải: " + ", ".join(f'"{h}"' for h in hints) + "?") if hints else ""
        raise UnknownUnitError(f'không có đơn vị "{unit}" trong danh mục.{more} Xem `tthc units`.')
    codes = ws.registry.members(u) | {u.code}
    return Selection(frozenset(codes), role.value), u


def _undated_line(counts: dict) -> str | None:
    from tthc_cli.queries import ONGOING, UNRESOLVED, WAITING

    parts = []
    if counts[ONGOING]:
        parts.append(f"{counts[ONGOING]} thường xuyên")
    if counts[WAITING]:
        parts.append(f"{counts[WAITING]} chờ điều kiện")
    if counts[UNRESOLVED]:
        parts.append(f"{counts[UNRESOLVED]} chưa xác định thời hạn")
    if not parts:
        return None
    return "Ngoài ra: " + ", ".join(parts) + " (thêm --all để xem)."


def _show_items(items, today, horizon, fmt_, title, include_undated, all_items):
    from tthc_cli.queries import count_undated, sort_key
    from tthc_cli.render import item_row, print_table, to_csv, to_json

    items = sorted(items, key=sort_key)
    if fmt_ is Format.table:
        footer = None if include_undated else _undated_line(count_undated(all_items))
        print_table(items, today, horizon, footer, title)
        return
    rows = [item_row(i, today, horizon) for i in items]
    out = to_json(rows) + "\n" if fmt_ is Format.json else to_csv(rows)
    sys.stdout.write(out)


def _title(what: str, unit, role: Role, today: date) -> str:
    who = f" — {unit.code} ({unit.name})" if unit else ""
    role_vi = {"lead": "", "support": ", vai trò phối hợp", "any": ", chủ trì hoặc phối hợp"}[role.value]
    from tthc_cli.deadline import fmt

    return f"{what}{who}{role_vi} — ngày {fmt(today)}"


# --- commands -------------------------------------------------------------------


@app.command()
def due(unit: UnitOpt = None, role: RoleOpt = Role.lead, within: WithinOpt = "14d", today: TodayOpt = None,
        plans: PlansOpt = None, format: FormatOpt = Format.table, all: AllOpt = False, no_cache: NoCacheOpt = False):
    """Việc quá hạn, đến hạn hôm nay và sắp đến hạn (mặc định trong 14 ngày)."""
    day = resolve_today(today)
    days = parse_within(within, day)
    ws = _workspace(plans, no_cache)
    from tthc_cli.queries import collect, due_window

    sel, u = _selection(ws, unit, role)
    items = collect(ws.plans, ws.registry, sel, day)
    shown = due_window(items, day, days)
    if all:
        shown += [i for i in items if i.due is None]
    _show_items(shown, day, day + timedelta(days=days), format, _title("Việc cần làm", u, role, day), all, items)


@app.command()
def overdue(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
            format: FormatOpt = Format.table, all: AllOpt = False, no_cache: NoCacheOpt = False):
    """Chỉ các việc đã quá hạn."""
    from tthc_cli.queries import OVERDUE, collect

    day = resolve_today(today)
    ws = _workspace(plans, no_cache)
    sel, u = _selection(ws, unit, role)
    items = collect(ws.plans, ws.registry, sel, day)
    shown = [i for i in items if i.status == OVERDUE]
    if all:
        shown += [i for i in items if i.due is None]
    _show_items(shown, day, day, format, _title("Việc quá hạn", u, role, day), all, items)


@app.command("list")
def list_(unit: UnitOpt = None, role: RoleOpt = Role.lead, today: TodayOpt = None, plans: PlansOpt = None,
          status: Annotated[Optional[list[str]], typer.Option(
              "--status", "-s", help='Lọc theo trạng thái, ví dụ "Quá hạn" (lặp lại được).')] = None,
          format: FormatOpt = Format.table, all: AllOpt = False, no_cache: NoCacheOpt = False):
    """Mọi việc có hạn của kế hoạch (thêm --all: cả việc không có hạn cụ thể)."""
    from tthc_cli.queries import STATUSES, collect

    day = resolve_today(today)
    wanted = _statuses(status, STATUSES)
    ws = _workspace(plans, no_cache)
    sel, u = _selection(ws, unit, role)
    items = collect(ws.plans, ws.registry, sel, day)
    shown = [i for i in items if (all or i.due is not None or wanted) and (not wanted or i.status in wanted)]
    _show_items(shown, day, None, format, _title("Danh sách việc", u, role, day), all or bool(wanted), items)


def _statuses(values, known) -> set[str]:
    from tthc_cli.text import fold_diacritics

    out = set()
    folded = {fold_diacritics(s).lower(): s for s in known}
    for v in values or []:
        s = folded.get(fold_diacritics(v.strip()).lower())
        if s is None:
            raise UsageError(f'--status: không có trạng thái "{v}" (có: {", ".join(known)})')
        out.add(s)
    return out


@app.command()
def show(task: Annotated[str, typer.Argument(help="Mã nhiệm vụ, kế-hoạch:mã, hoặc vài chữ trong tên.")],
         today: TodayOpt = None, plans: PlansOpt = None, format: FormatOpt = Format.table,
         no_cache: NoCacheOpt = False):
    """Chi tiết một nhiệm vụ: vị trí, đơn vị, thời hạn và từng kỳ hạn."""
    from tthc_cli.show import find_task, show_json, show_text

    day = resolve_today(today)
    ws = _workspace(plans, no_cache)
    t = find_task(ws.plans, task)
    if format is Format.table:
        show_text(t, day)
    else:
        import json

        sys.stdout.write(json.dumps(show_json(t, day), ensure_ascii=False, indent=2) + "\n")


@app.command()
def validate(paths: Annotated[Optional[list[str]], typer.Argument(
                 help="Tệp hoặc thư mục kế hoạch (mặc định ./plans hoặc TTHC_PLANS).", show_default=False)] = None,
             strict: Annotated[bool, typer.Option("--strict", help="Cảnh báo cũng làm lệnh thất bại.")] = False,
             format: Annotated[str, typer.Option("--format", "-f", help="text hoặc json.")] = "text"):
    """Kiểm tra kế hoạch: liệt kê mọi lỗi và cảnh báo kèm tệp, dòng và khóa."""
    from tthc_cli.checks import plan_warnings
    from tthc_cli.workspace import load, located

    if format not in ("text", "json"):
        raise UsageError('--format: chọn "text" hoặc "json"')
    ws = load(plan_paths(paths), use_cache=False)
    if not ws.files:
        raise UsageError("không có tệp kế hoạch (.yaml) nào để kiểm tra")
    problems = list(ws.problems)
    for plan in ws.plans:
        problems.extend(plan_warnings(plan))
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


@app.command()
def resolve(texts: Annotated[Optional[list[str]], typer.Argument(
                help="Các cụm thời hạn; không có thì đọc từ stdin, mỗi dòng một cụm.", show_default=False)] = None,
            period: Annotated[Optional[str], typer.Option(
                "--period", help="Thời gian kế hoạch: 2026 hoặc 2025-07-01..2025-12-31 (mặc định năm của --today).",
                show_default=False)] = None,
            today: TodayOpt = None,
            format: Annotated[str, typer.Option("--format", "-f", help="text hoặc json (mỗi dòng một đối tượng).")] = "text"):
    """Giải nghĩa cụm thời hạn như kế hoạch viết ("Quý II/2026", "Chậm nhất ngày 15/8/2026" …)."""
    import json

    from tthc_cli.deadline import KIND_VI, fmt, parse_period
    from tthc_cli.deadline import resolve as resolve_text

    if format not in ("text", "json"):
        raise UsageError('--format: chọn "text" hoặc "json"')
    try:
        per = parse_period(period) if period else parse_period(resolve_today(today).year)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    lines = texts if texts else [ln.rstrip("\n") for ln in sys.stdin]
    for text in lines:
        if not texts and not text.strip():
            continue
        res = resolve_text(text, per)
        if format == "json":
            sys.stdout.write(json.dumps(res.to_json(), ensure_ascii=False) + "\n")
            continue
        dates = ", ".join(fmt(d) for d in res.due) or "—"
        typer.echo(f"{res.text}\n  loại: {KIND_VI[res.kind]}; hạn: {dates}")
        if res.start or res.end:
            typer.echo(f"  từ {fmt(res.start) if res.start else '…'} đến {fmt(res.end) if res.end else '…'}")
        for m in res.milestones:
            md = ", ".join(fmt(d) for d in m.resolution.due) or "—"
            typer.echo(f"  • {m.label or '(không nhãn)'}: {KIND_VI[m.resolution.kind]}; hạn: {md}")
        if res.note:
            typer.echo(f"  ghi chú: {res.note}")
        for w in res.warnings:
            typer.echo(f"  cảnh báo: {w}")


@app.command()
def units(plans: PlansOpt = None, format: Annotated[str, typer.Option("--format", "-f", help="table hoặc json.")] = "table",
          no_cache: NoCacheOpt = False):
    """Danh mục đơn vị, với số nhiệm vụ mỗi đơn vị chủ trì và phối hợp."""
    from tthc_cli.show import unit_counts

    ws = _workspace(plans, no_cache)
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

    from tthc_cli.importer.build import import_document, read_source, write_atomically
    from tthc_cli.importer.document import ImportError_

    try:
        if output and Path(output).exists() and not force:
            raise ImportError_(f'"{output}" đã có; thêm --force để ghi đè')
        doc = read_source(Path(source))
        result = import_document(doc, plan_id=id, period=period, source_name=source)
        if output:
            write_atomically(Path(output), result.yaml, force)
    except ImportError_ as exc:
        raise TthcError(str(exc)) from None
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


def main(argv: Optional[list[str]] = None) -> None:
    """Run the CLI; map every user error to a message and an exit code."""
    click = _click()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["resolve"]:
        argv = ["resolve", *_resolve_args(argv[1:])]
    try:
        rv = app(args=argv, prog_name="tthc", standalone_mode=False)
    except TthcError as exc:
        typer.echo(f"Lỗi: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Đã dừng.", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            sys.exit(0)
        typer.echo(f"Lỗi: {_click_message_vi(exc)}", err=True)
        typer.echo("Xem `tthc --help` hoặc `tthc LỆNH --help`.", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("Đã dừng.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    sys.exit(rv if isinstance(rv, int) else 0)


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
        elif a.startswith("--") or a in ("-h",):
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
        return f"thiếu {exc.param.opts[0] if exc.param and exc.param.opts else 'tham số'}"
    if isinstance(exc, click.exceptions.BadParameter):
        name = exc.param.opts[0] if exc.param and getattr(exc.param, "opts", None) else "tham số"
        return f"giá trị không hợp lệ cho {name}: {exc.message}"
    if isinstance(exc, click.exceptions.BadOptionUsage):
        return f"tùy chọn {exc.option_name} dùng sai: {exc.message}"
    msg = exc.format_message()
    if msg.startswith("No such command"):
        return "không có lệnh " + msg.split("No such command", 1)[1].strip(" .") + "."
    if msg.startswith("Got unexpected extra argument"):
        return "thừa tham số " + msg.split("argument", 1)[1].strip()
    return msg
