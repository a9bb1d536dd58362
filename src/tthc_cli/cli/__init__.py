"""The command line: typer only. `app.py` the app and shared options, one module per command family
(items, progress, plans, reports, digest, config), `common.py` what they share, `boundary.py` the one error
boundary and `main`. Commands call the core and the outputs and print what they return; no business rule
lives here."""

from tthc_cli.cli.boundary import main

__all__ = ["main"]
