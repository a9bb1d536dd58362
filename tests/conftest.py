"""Shared fixtures: the real `tthc` entry point, run in-process through `cli.main(argv)` (or as a process)."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
SEEDS = ROOT.parent / "shared" / "seeds"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    @property
    def unwrapped(self) -> str:
        """stdout with the indented continuation lines of long entries (validate, history) joined back."""
        return self.out.replace("\n    ", " ")


def _environment(tmp_path: Path, env: dict | None) -> dict:
    """The environment of one run: no TTHC_* of the developer's, a private home, config and cache, no colour."""
    cache, home = tmp_path / "cache", tmp_path / "home"  # the user's own ~/.config/tthc and ~/.cache never reach a test
    e = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    e.update({"TTHC_CACHE_DIR": str(cache), "NO_COLOR": "1", "COLUMNS": "200", "PYTHONIOENCODING": "utf-8",
              "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")})
    e.update(env or {})
    return e


def _text(data: bytes) -> str:
    """Output as a text-mode pipe reads it (universal newlines), so both runners compare alike."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


class Hang(Exception):
    """A run in-process that outlived its time limit."""


def run_in_process(args, *, stdin: str | bytes | None = None, cwd=None, env: dict | None = None,
                   memory: int | None = None, seconds: int = 120) -> Result:
    """`tthc ARGS` through `cli.main(argv)` in this process, with its own environment, folder and streams.

    Everything the CLI reads from the process (environment, working folder, argv, stdin) is set for the
    run and put back after it; stdout and stderr are fresh UTF-8 streams, not terminals. A run longer than
    `seconds` raises Hang; with `memory`, the run may grow the address space by at most that many bytes
    (beyond it, allocations fail and the CLI says it ran out of memory, exit 70)."""
    from tthc_cli import cli

    argv = [a if isinstance(a, str) else os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args]
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams, saved_argv, saved_hook = (sys.stdin, sys.stdout, sys.stderr), sys.argv, sys.unraisablehook
    data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
    out, err = io.BytesIO(), io.BytesIO()
    streams = [io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"),
               io.TextIOWrapper(out, encoding="utf-8", write_through=True),
               io.TextIOWrapper(err, encoding="utf-8", write_through=True)]
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = streams
        sys.argv = ["tthc", *argv]
        with _limited(memory, seconds):
            code = cli.main(argv)
        for stream in streams[1:]:
            stream.flush()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv, sys.unraisablehook = saved_argv, saved_hook
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Result(code, _text(out.getvalue()), _text(err.getvalue()))


@contextmanager
def _limited(memory: int | None, seconds: int):
    def hang(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    old_handler = signal.signal(signal.SIGALRM, hang)
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    if memory is not None:
        with open("/proc/self/statm") as fh:
            in_use = int(fh.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (in_use + memory, old_limit[1]))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old_handler)
        resource.setrlimit(resource.RLIMIT_AS, old_limit)


def run_process(args, *, stdin: str | bytes | None = None, cwd=None, env: dict | None = None) -> Result:
    """`python -m tthc_cli ARGS` as a separate process: for what only a process shows (the console
    script, exit status, signals, concurrency)."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    p = subprocess.run([sys.executable, "-m", "tthc_cli", *map(str, args)], input=data, capture_output=True,
                       cwd=cwd, env=env, timeout=120)
    return Result(p.returncode, _text(p.stdout), _text(p.stderr))


def _runner(tmp_path, how):
    def run(*args, stdin: str | bytes | None = None, cwd=None, env: dict | None = None) -> Result:
        return how(args, stdin=stdin, cwd=cwd or ROOT, env=_environment(tmp_path, env))

    return run


@pytest.fixture
def tthc(tmp_path):
    """Run `tthc ARGS` in-process (cli.main) with a private home and cache, no colour, a wide terminal."""
    return _runner(tmp_path, run_in_process)


@pytest.fixture
def tthc_process(tmp_path):
    """As `tthc`, but as a separate `python -m tthc_cli` process."""
    return _runner(tmp_path, run_process)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def plan_dir(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    return d


# -- a real PostgreSQL server ---------------------------------------------------------------------------------------

_PG_DATABASES = iter(range(1, 10**6))


@pytest.fixture(scope="session")
def pg_server():
    """An admin URL of a PostgreSQL server the tests may create databases on: TTHC_TEST_PG when set, else a
    throwaway cluster started here (tests/pgserver.py) when initdb is found, one per xdist worker. Without
    either the PostgreSQL tests are skipped with the reason; in CI (CI=true) they fail instead."""
    import pgserver

    given = os.environ.get("TTHC_TEST_PG")
    if given:
        yield {"admin": given, "cluster": None}
        return
    bindir = pgserver.find_bin()
    why = None
    cluster = None
    if bindir is None:
        why = "không tìm thấy initdb (cài gói postgresql, hoặc đặt TTHC_TEST_PG=postgresql://… có quyền CREATEDB)"
    else:
        try:
            cluster = pgserver.Cluster(bindir).start()
        except Exception as exc:  # noqa: BLE001 - the reason is what the skip or failure says
            why = f"không khởi động được PostgreSQL tạm: {exc}"
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: PostgreSQL tests cannot run: {why}")
        pytest.skip(why)
    try:
        yield {"admin": cluster.url(), "cluster": cluster}
    finally:
        cluster.stop()


@pytest.fixture
def pg(pg_server):
    """A fresh, empty database on the test server: `.url` (the admin user, socket), `.admin` (a psycopg
    connection in autocommit), `.name`, `.cluster` (None for TTHC_TEST_PG)."""
    import psycopg

    name = f"tthc_t{os.getpid()}_{next(_PG_DATABASES)}"
    with psycopg.connect(pg_server["admin"], autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")

    class Db:
        pass

    db = Db()
    db.name, db.cluster = name, pg_server["cluster"]
    db.url = _with_db(pg_server["admin"], name)
    db.admin = psycopg.connect(db.url, autocommit=True)
    try:
        yield db
    finally:
        db.admin.close()


def _with_db(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))
