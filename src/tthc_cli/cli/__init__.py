"""The command line: app.py (the typer app and shared options), one module per command family (items,
progress, plans, reports, digest, config), common.py what they share, guard.py the one error boundary,
boundary.py the typer path and lean.py the path `due`, `overdue`, `list` and `check` take without typer.
Commands call the core and the outputs and print what they return; no business rule lives here."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run `tthc ARGV` and return its exit code (errors.EXIT_CODES), never a traceback."""
    return _main(list(sys.argv[1:] if argv is None else argv))[0]


def _main(args: list[str]) -> tuple[int, bool]:
    """The exit code, and whether the lean path answered."""
    from tthc_cli.cli.lean import try_lean

    code = try_lean(args)
    if code is not None:
        return code, True
    from tthc_cli.cli.boundary import main as full

    return full(args), False


def run() -> None:
    """The `tthc` program (the console script and `python -m tthc_cli`): main, then the exit.

    After a lean-path command (`due`, `overdue`, `list`, `check`: nothing left to write, no handler to run) the
    process ends without the interpreter's teardown, which frees every object one by one: ~9 ms of a 20,000-task
    `due` (the issue's "skipping teardown"). The answer is flushed first; if that fails the ordinary exit reports
    it. Every other command exits the ordinary way."""
    code, lean = _main(sys.argv[1:])
    if lean and not _watched():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except KeyboardInterrupt:
            from tthc_cli.errors import EXIT_INTERRUPTED

            sys.exit(EXIT_INTERRUPTED)
        except Exception:  # noqa: BLE001 - whatever it is, the ordinary exit deals with it as before
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def _watched() -> bool:
    """Whether a profiler, a debugger or coverage runs this process: they write their results at exit, which
    the short exit would skip."""
    return sys.gettrace() is not None or sys.getprofile() is not None or "coverage" in sys.modules
