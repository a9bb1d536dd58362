"""io/forked.py: work done in a forked child, its items handed back one by one as marshal records."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tthc_cli.io import forked

pytestmark = pytest.mark.skipif(not forked.may_fork(), reason="no fork here (or one CPU, or threads alive)")


def _gone(child) -> bool:
    try:
        os.waitpid(child._pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_childs_items_come_back_in_order_and_the_child_is_reaped():
    child = forked.Forked.start(lambda: [(1, "Quý II/2026", None, b"\x00"), {"pid": os.getpid()}, [2] * 100_000])
    items = list(child.items())
    assert items[0] == (1, "Quý II/2026", None, b"\x00") and items[1]["pid"] != os.getpid()
    assert items[2] == [2] * 100_000  # more than a pipe holds
    assert _gone(child)
    assert list(child.items()) == []  # read once


def _fails_after_one():
    return [1, object(), 3]  # the second is no marshal data


@pytest.mark.parametrize("work, handed", [(lambda: 1 / 0, []), (lambda: os._exit(3), []), (_fails_after_one, [1]),
                                          (lambda: [1, os.kill(os.getpid(), signal.SIGKILL)], [])],
                         ids=["raises", "exits", "not marshal data", "killed"])
def test_a_child_that_fails_hands_back_what_it_wrote_before(work, handed):
    child = forked.Forked.start(work)
    assert list(child.items()) == handed
    assert _gone(child)


def test_close_ends_a_child_still_at_work():
    child = forked.Forked.start(lambda: [time.sleep(60)])
    started = time.monotonic()
    child.close()
    assert time.monotonic() - started < 10
    assert _gone(child)


def test_close_ends_a_child_whose_items_are_left_unread():
    child = forked.Forked.start(lambda: [b"x" * 1_000_000] * 5)  # blocks on the full pipe
    items = child.items()
    assert next(items) == b"x" * 1_000_000
    child.close()
    assert _gone(child)


def test_no_fork_while_another_thread_runs():
    """A lock another thread holds at the fork would stay held in the child for ever."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.may_fork()
        assert forked.Forked.start(lambda: [1]) is None
    finally:
        stop.set()
        other.join()
    assert forked.may_fork()


def test_ctrl_c_is_held_back_only_across_the_fork():
    """The child starts with Ctrl-C's default action (it ends; the main process decides what to do) and nothing
    blocked; the main process gets its mask back, so a Ctrl-C reaches it as a KeyboardInterrupt as before."""
    child = forked.Forked.start(lambda: [signal.getsignal(signal.SIGINT) == signal.SIG_DFL,
                                         signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])])
    assert list(child.items()) == [True, False]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_child_whose_parent_was_killed_knows_it(tmp_path):
    """`orphaned()`: a child stops reading files nobody will take once the process that forked it is gone."""
    marker = tmp_path / "orphaned"
    script = (
        "import os, sys, time\n"
        "from tthc_cli.io import forked\n"
        "def work():\n"
        "    end = time.monotonic() + 20\n"
        "    while not forked.orphaned() and time.monotonic() < end:\n"
        "        time.sleep(0.01)\n"
        f"    open({str(marker)!r}, 'w').write(str(forked.orphaned()))\n"
        "    return []\n"
        "forked.Forked.start(work)\n"
        "os._exit(0)\n")
    assert not forked.orphaned()  # not a child
    assert list(forked.Forked.start(lambda: [forked.orphaned()]).items()) == [False]  # its parent lives
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    end = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < end:
        time.sleep(0.05)
    assert marker.read_text() == "True"
