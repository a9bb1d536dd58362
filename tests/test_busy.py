"""Issue 12: a load or import that takes over a second shows a sign of life on stderr, only on a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time

from conftest import PLANS, _environment
from tthc_cli.cli.busy import Busy


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_nothing_is_drawn_before_the_threshold_or_off_a_terminal():
    quiet = _Terminal()
    with Busy("Đang đọc kế hoạch", after=60, stream=quiet) as busy:
        busy.step(1, "a.yaml")
    assert quiet.getvalue() == ""
    pipe = io.StringIO()  # not a terminal: never drawn, however long it takes
    with Busy("Đang đọc kế hoạch", after=0, stream=pipe) as busy:
        time.sleep(0.2)
        busy.step(1, "a.yaml")
    assert pipe.getvalue() == ""


def test_a_long_load_on_a_terminal_shows_what_it_reads(tmp_path):
    """A real process, its stderr a pseudo-terminal and its stdout a pipe: the indicator goes to stderr only,
    and stdout is the same bytes as without it."""
    env = _environment(tmp_path, {"TTHC_PROGRESS_AFTER": "0"})
    args = [sys.executable, "-m", "tthc_cli", "due", "--no-cache", "--unit", "TTPVHCC", "--today", "2026-06-01",
            "--plans", str(PLANS)]
    primary, secondary = pty.openpty()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the process closed its end
            break
        if not chunk:
            break
        shown += chunk
    out = p.stdout.read()
    assert p.wait() == 0
    os.close(primary)
    assert "Đang đọc kế hoạch".encode() in shown and b"/5" in shown  # five bundled plan files
    plain = subprocess.run(args, capture_output=True, env=env)
    assert plain.stderr == b"" and plain.stdout == out
