"""io/forked.py: work done in a forked child, its result handed back as marshal data, or None."""

from __future__ import annotations

import os
import threading
import time

import pytest

from tthc_cli.io import forked

pytestmark = pytest.mark.skipif(not forked.may_fork(), reason="no fork here (or one CPU, or threads alive)")


def test_the_childs_result_comes_back_and_the_child_is_reaped():
    child = forked.Forked.start(lambda: {"rows": [(1, "Quý II/2026", None, b"\x00")], "pid": os.getpid()})
    got = child.result()
    assert got["rows"] == [(1, "Quý II/2026", None, b"\x00")] and got["pid"] != os.getpid()
    with pytest.raises(ChildProcessError):
        os.waitpid(child._pid, os.WNOHANG)
    assert child.result() is None  # read once


@pytest.mark.parametrize("work", [lambda: 1 / 0, lambda: object(), lambda: os._exit(3)],
                         ids=["raises", "not marshal data", "exits"])
def test_a_child_that_fails_gives_none(work):
    assert forked.Forked.start(work).result() is None


def test_close_ends_a_child_still_at_work():
    child = forked.Forked.start(lambda: time.sleep(60))
    started = time.monotonic()
    child.close()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(child._pid, os.WNOHANG)


def test_no_fork_while_another_thread_runs():
    """A lock another thread holds at the fork would stay held in the child for ever."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.may_fork()
        assert forked.Forked.start(lambda: 1) is None
    finally:
        stop.set()
        other.join()
    assert forked.may_fork()
