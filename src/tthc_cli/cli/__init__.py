"""The command line: app.py (the typer app and shared options), one module per command family (items,
progress, plans, reports, digest, config), common.py what they share, guard.py the one error boundary,
boundary.py the typer path and lean.py the path `due`, `overdue`, `list` and `check` take without typer.
Commands call the core and the outputs and print what they return; no business rule lives here."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run `tthc ARGV` and return its exit code (errors.EXIT_CODES), never a traceback."""
    from tthc_cli.cli.lean import try_lean

    args = list(sys.argv[1:] if argv is None else argv)
    code = try_lean(args)
    if code is None:
        from tthc_cli.cli.boundary import main as full

        code = full(args)
    return code
