"""The one error boundary: `main(argv) -> int` runs a command and turns every error into one Vietnamese line
on stderr and its exit code from errors.py (EXIT_CODES); never a traceback. Anything unforeseen is exit 70
with a crash report file.

Each call starts from a clean state, so tests run it in-process as often as they like.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from tthc_cli import __version__
from tthc_cli.cli import config, digest, items, plans, progress, reports  # noqa: F401  # they register the commands
from tthc_cli.cli.app import APP_SETTINGS, COMMAND_ORDER, RUN, app
from tthc_cli.errors import (EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OVERDUE, EXIT_PARTIAL, FileError, TthcError,
                             UsageError)

app.registered_commands.sort(key=lambda c: COMMAND_ORDER.index(c.name or c.callback.__name__.rstrip("_")))


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
        return FileError.exit_code
    _readable_streams()
    _reset()
    code = _run(list(sys.argv[1:] if argv is None else argv))
    if code in (EXIT_OK, EXIT_OVERDUE) and RUN.get("left_out"):
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

    RUN.clear()
    RUN["config"] = None
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
        return EXIT_INTERRUPTED
    except click.exceptions.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message())
            return EXIT_OK
        typer.echo(f"Lỗi: {_shown(_click_message_vi(exc))}", err=True)
        typer.echo("Xem `tthc --help` hoặc `tthc LỆNH --help`.", err=True)
        return UsageError.exit_code
    except KeyboardInterrupt:
        typer.echo("Đã dừng.", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `tthc due | head`: the reader has all it wanted
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:  # files tthc writes report their own errors: what is left is the output itself
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EIO, errno.EBADF):
            return _output_failed(exc)
        if exc.errno in _PATH_ERRNOS:  # a path given by the user that the system refuses
            from tthc_cli.io.files import os_reason

            name = str(exc.filename or "")
            shown = f'"{name[:60]}…"' if len(name) > 60 else f'"{name}"'
            typer.echo(f"Lỗi: {_shown(shown)}: {os_reason(exc)}", err=True)
            return UsageError.exit_code if exc.errno == errno.ENAMETOOLONG else FileError.exit_code
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
    return FileError.exit_code


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
