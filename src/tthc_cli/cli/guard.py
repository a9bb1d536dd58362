"""The error boundary every command runs inside, with no command-line framework: the typer path
(boundary.py) and the lean path (lean.py) share it, so an error reads and exits the same on both.

Every error becomes one Vietnamese line on stderr and its exit code from errors.py (EXIT_CODES); never a
traceback. Anything unforeseen is exit 70 with a crash report file. It also holds what one run sets (RUN),
the option values the commands share (Format, Role) and the one place the clock is read (resolve_today).
"""

from __future__ import annotations

import errno
import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path

from tthc_cli import __version__
from tthc_cli.errors import (EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_OVERDUE, EXIT_PARTIAL, FileError, TthcError,
                             UsageError)

RUN: dict = {"config": None}
"""What one run sets: the --config value, the plan files left out (the run then exits EXIT_PARTIAL).
`main_frame` clears it at the start of every run."""


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Role(str, Enum):
    lead = "lead"
    support = "support"
    any = "any"


def resolve_today(value: str | None) -> date:
    """The day a command computes against: --today, else TTHC_TODAY, else the clock (the one place it is read)."""
    from tthc_cli.core.dates import parse_day

    value = value or os.environ.get("TTHC_TODAY")
    return parse_day(value) if value else date.today()


def echo(message: str, err: bool = False) -> None:
    """One line on stdout (or stderr), flushed as click.echo does."""
    stream = sys.stderr if err else sys.stdout
    stream.write(message + "\n")
    stream.flush()


def main_frame(argv: list[str], run) -> int:
    """Run `run(argv)` as one whole run of tthc and return its exit code: closed streams, what a stream cannot
    show, the state of an earlier run in this process, plan files left out, a failing last flush."""
    if sys.stderr is None:  # started with stderr closed (2>&-): messages go nowhere, but nothing breaks
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if sys.stdout is None:  # started with stdout closed (>&-): there is nowhere to put the answer
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
        echo("Lỗi: đầu ra chuẩn (stdout) đã bị đóng; không có chỗ ghi kết quả", err=True)
        return FileError.exit_code
    _readable_streams()
    _reset()
    code = run(argv)
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
    netfs = sys.modules.get("tthc_cli.io.netfs")  # not imported yet: it has judged nothing (a query never opens
    if netfs is not None:  # a store to write; the import is ~0.3 ms of every start)
        netfs.forget()  # the stores judged to be on a share (each warned about once a run)


def guarded(call) -> int:
    """`call()`'s exit code (None is 0), every error a user can meet turned into a message and its code."""
    try:
        rv = call()
        return rv if isinstance(rv, int) else EXIT_OK
    except TthcError as exc:
        echo(f"Lỗi: {_shown(exc.message)}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        echo("Đã dừng.", err=True)
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
            echo(f"Lỗi: {_shown(shown)}: {os_reason(exc)}", err=True)
            return UsageError.exit_code if exc.errno == errno.ENAMETOOLONG else FileError.exit_code
        return _crash(exc)
    except MemoryError:
        _silence_stdout()
        echo("Lỗi: hết bộ nhớ khi xử lý dữ liệu này (dữ liệu quá lớn hoặc máy thiếu bộ nhớ)", err=True)
        return EXIT_INTERNAL
    except Exception as exc:  # noqa: BLE001 - the error boundary: a message and a crash report, never a traceback
        return _crash(exc)


_PATH_ERRNOS = (errno.ENAMETOOLONG, errno.EACCES, errno.EPERM, errno.ELOOP, errno.ENOTDIR, errno.EROFS, errno.ENOENT)
"""OS errors about a path the user gave: a message (files.OS_REASONS), not a crash report."""


def _undecodable(arg: str) -> bool:
    """An argument with bytes the terminal's encoding could not decode (Python keeps them as lone surrogates)."""
    return any("\udc80" <= ch <= "\udcff" for ch in arg)


def _shown(message: str) -> str:
    """A message as printed: what it quotes from the command line or a file cannot steer the terminal."""
    from tthc_cli.core.text import clean_text

    return clean_text(message)


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
        echo(f"Lỗi: không ghi được kết quả ra màn hình hoặc tệp: {os_reason(exc)}", err=True)
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
        echo(f"Lỗi: tthc gặp lỗi ngoài dự kiến ({type(exc).__name__}){hint}.", err=True)
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
