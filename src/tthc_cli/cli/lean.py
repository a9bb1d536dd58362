"""The lean path: `due`, `overdue`, `list` and `check` with plain options run without importing typer (about
30 ms of every start), since officials run them in a meeting and cron runs `check` every night.

Only a strict subset of the command line is read here: the command's own options in their long or short
form (`--unit X`, `--unit=X`, `-u X`), each single-valued one at most once, values that do not start with "-",
`--format` and `--role` among their choices, and `--config FILE` before the command. Anything else (help, a
typo, an unknown option, a bad choice, bytes that are not UTF-8) returns None and the typer path answers, so
every message about the command line still comes from one place. The bodies are itemcmds.py's, inside the same
error boundary (guard.py) as the typer path.
"""

from __future__ import annotations

from tthc_cli.cli.guard import RUN, Format, Role, _undecodable, guarded, main_frame

_ONE, _MANY, _FLAG = "one", "many", "flag"
_COMMON = {"--unit": ("unit", _ONE), "-u": ("unit", _ONE), "--today": ("today", _ONE), "--plans": ("plans", _MANY),
           "-p": ("plans", _MANY), "--roll-forward": ("roll_forward", True), "--no-roll-forward": ("roll_forward", False),
           "--db": ("db", _ONE), "--no-cache": ("no_cache", _FLAG), "--commune": ("commune", _MANY),
           "-c": ("commune", _MANY)}
_ROLE = {"--role": ("role", _ONE)}
_FORMAT = {"--format": ("format", _ONE), "-f": ("format", _ONE)}
_ALL = {"--all": ("all", _FLAG), "-a": ("all", _FLAG)}
_STATUS = {"--status": ("status", _MANY), "-s": ("status", _MANY)}
_WITHIN = {"--within": ("within", _ONE), "-w": ("within", _ONE)}
OPTIONS = {
    "due": {**_COMMON, **_ROLE, **_WITHIN, **_STATUS, **_FORMAT, **_ALL},
    "overdue": {**_COMMON, **_ROLE, **_FORMAT, **_ALL},
    "list": {**_COMMON, **_ROLE, **_STATUS, **_FORMAT, **_ALL},
    "check": dict(_COMMON),
}
_CHOICES = {"role": {r.value: r for r in Role}, "format": {f.value: f for f in Format}}


def parse(argv: list[str]):
    """(command, keyword arguments, --config) for a command line the lean path takes; None for any other."""
    if any(_undecodable(a) for a in argv):
        return None
    config = None
    args = list(argv)
    if args[:1] == ["--config"] and len(args) > 2:
        config, args = args[1], args[2:]
    elif args and args[0].startswith("--config="):
        config, args = args[0].split("=", 1)[1], args[1:]
    if not args or args[0] not in OPTIONS or (config is not None and (not config or config.startswith("-"))):
        return None
    command, spec = args[0], OPTIONS[args[0]]
    kwargs: dict = {}
    i = 1
    while i < len(args):
        token = args[i]
        name, _, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name not in spec:
            return None
        key, kind = spec[name]
        if kind in (_ONE, _MANY):
            if "=" in token and token.startswith("--"):
                value = inline
            elif i + 1 < len(args):
                i += 1
                value = args[i]
            else:
                return None
            if not value or value.startswith("-"):
                return None
            if kind == _ONE:
                if key in kwargs:
                    return None
                if key in _CHOICES:
                    value = _CHOICES[key].get(value)
                    if value is None:
                        return None
                kwargs[key] = value
            else:
                kwargs.setdefault(key, []).append(value)
        elif "=" in token:
            return None
        elif kind == _FLAG:
            kwargs[key] = True
        else:  # --roll-forward / --no-roll-forward: the last one given counts, as in click
            kwargs[key] = kind
        i += 1
    return command, kwargs, config


def try_lean(argv: list[str]) -> int | None:
    """Run the command on the lean path and return its exit code; None when it is not one for this path."""
    parsed = parse(argv)
    if parsed is None:
        return None
    command, kwargs, config = parsed
    from tthc_cli.cli import itemcmds

    body = {"due": itemcmds.run_due, "overdue": itemcmds.run_overdue, "list": itemcmds.run_list,
            "check": itemcmds.run_check}[command]

    def run(_argv):
        RUN["config"] = config
        return guarded(lambda: body(**kwargs))

    import gc

    # no collector passes: what a query builds holds few cycles (a plan and its tasks, kept to the end) and is
    # bounded by the rows one answer reads; its passes cost ~7 ms of a warm 20,000-task `due`. A cold run's
    # load pauses it too (loader, index.build), and collects each plan's objects itself.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return main_frame(argv, run)
    finally:
        if collecting:
            gc.enable()
