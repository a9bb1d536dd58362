"""The typer side of the error boundary: `main(argv) -> int` runs a command through typer inside
guard.main_frame and guard.guarded, and turns click's own errors (unknown option, missing value, bad choice)
into Vietnamese messages and the usage exit code. `tthc due`, `overdue`, `list` and `check` with plain options
usually take the lean path (lean.py) and never import typer.
"""

from __future__ import annotations

import re
import sys
from typing import Optional

import typer

from tthc_cli.cli import config, digest, items, plans, progress, reports, store  # noqa: F401  # they register the commands
from tthc_cli.cli.app import APP_SETTINGS, COMMAND_ORDER, app
from tthc_cli.cli.guard import _shown, _undecodable, echo, guarded, main_frame
from tthc_cli.errors import EXIT_INTERRUPTED, EXIT_OK, UsageError

app.registered_commands.sort(key=lambda c: COMMAND_ORDER.index(c.name or c.callback.__name__.rstrip("_")))


def _click():
    """The click typer runs on: vendored inside newer typer, a dependency of older ones."""
    try:
        from typer import _click as click
    except ImportError:  # typer < 0.2x
        import click
    return click


def main(argv: Optional[list[str]] = None) -> int:
    """Run the CLI through typer and return its exit code (see errors.py), never a traceback."""
    return main_frame(list(sys.argv[1:] if argv is None else argv), _run)


def _run(argv: list[str]) -> int:
    click = _click()

    def call():
        bad = next((a for opt, a in zip(["", *argv], argv) if opt in _TEXT_OPTIONS and _undecodable(a)), None)
        if bad is not None:
            raise UsageError(f'tham số "{bad.encode("utf-8", "replace").decode("utf-8")}" có byte không phải '
                             f"UTF-8; hãy gõ lại bằng bảng mã UTF-8 (Unicode)")
        args = ["resolve", *_resolve_args(argv[1:])] if argv[:1] == ["resolve"] else argv
        try:
            return _app_for(args)(args=args, prog_name="tthc", standalone_mode=False)
        except typer.Exit as exc:
            return exc.exit_code
        except typer.Abort:
            echo("Đã dừng.", err=True)
            return EXIT_INTERRUPTED
        except click.exceptions.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                echo(exc.format_message())
                return EXIT_OK
            echo(f"Lỗi: {_shown(_click_message_vi(exc))}", err=True)
            echo("Xem `tthc --help` hoặc `tthc LỆNH --help`.", err=True)
            return UsageError.exit_code

    return guarded(call)


_GLOBAL_OPTIONS = ("--config", "--version")
"""Options of tthc itself, which go before the command."""

_TEXT_OPTIONS = {"-e", "--evidence", "--note", "--to", "-m", "--milestone", "-k", "--occurrence", "-u", "--unit",
                 "--period", "--today", "--date", "-d", "--due", "--due-in", "--id", "-s", "--status", "-w", "--within"}
"""Options whose value is text tthc stores or shows (paths may hold any bytes the system allows)."""


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
    lean = typer.Typer(**APP_SETTINGS)
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
        name = (exc.option_name or "").split("=", 1)[0]
        if name in _GLOBAL_OPTIONS:  # given after the command: say where it goes
            command = getattr(getattr(exc, "ctx", None), "info_name", None) or "LỆNH"
            return f"{name} là tùy chọn chung, đặt trước tên lệnh: tthc {name} … {command} …"
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
        m = re.match(r"No such command '(.*?)'\.?(?: Did you mean (.*?)\?)?\.?$", msg, re.S)
        if m:
            hint = f" Có phải: {m.group(2)}?" if m.group(2) else ""
            return f"không có lệnh '{m.group(1)}'.{hint}"
        return "không có lệnh " + msg.split("No such command", 1)[1].strip(" .") + "."
    if msg.startswith("Got unexpected extra argument"):
        extra = msg.split("argument", 1)[1].strip().removeprefix("(s)").removeprefix("s").strip().strip("()")
        ctx = getattr(exc, "ctx", None)
        example = '--period "Quý II/2026"' if getattr(ctx, "info_name", "") == "report" else \
            '--unit "Văn phòng HĐND và UBND"'
        return f'thừa tham số "{extra}"; giá trị có dấu cách phải đặt trong dấu nháy, ví dụ {example}'
    return msg
