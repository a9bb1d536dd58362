"""Work done beside the main process, in a child made by fork: the second core of a machine reads half of a
province's plan files while the main process reads the other half (io/index.build).

The child starts as a copy of the main process (its imports, registry and caches, no start-up cost), makes a
list of items with one function, then hands them back through a pipe, each as its own `marshal` record
(containers and scalars only: nothing in them runs code when read), and ends without the interpreter's
teardown. The main process reads them one at a time, so it never holds them all, nor their bytes, at once.
Whatever goes wrong in the child (an exception, a signal, an item marshal cannot keep) ends the items early,
and the caller does the rest of the work itself.

Forking is only done where it is safe and can pay: POSIX with fork (not macOS, whose system libraries may not
survive a fork), at least two CPUs for this process, and no other thread alive (a lock another thread holds at
the fork stays held for ever in the child).
"""

from __future__ import annotations

import marshal
import os
import signal
import sys


_parent: int | None = None
"""In a child, the process that forked it."""


def orphaned() -> bool:
    """In a child, whether the process that forked it has ended (killed: nobody reads what the child makes)."""
    return _parent is not None and os.getppid() != _parent


def may_fork() -> bool:
    """Whether `Forked.start` would fork here."""
    if not hasattr(os, "fork") or sys.platform == "darwin" or not hasattr(signal, "pthread_sigmask"):
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


class Forked:
    """`work()` running in a child process; `items()` what it gave, as the child hands it back."""

    def __init__(self, pid: int, fd: int):
        self._pid, self._fd = pid, fd

    @classmethod
    def start(cls, work) -> "Forked | None":
        """`work` (no arguments, returning a list of marshal data) started in a child; None when it cannot be."""
        if not may_fork():
            return None
        r, w = os.pipe()
        parent = os.getpid()
        # Ctrl-C held back across the fork: in the child before its `try`, it would run the caller's code
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # the child: never returns to the caller
            try:
                global _parent
                _parent = parent
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child; the main process decides
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                os.close(r)
                items = work()  # all made before any is written: the caller reads them when it is ready
                with os.fdopen(w, "wb") as out:
                    marshal.dump(len(items), out)
                    for item in items:
                        marshal.dump(item, out)
            finally:  # an exception too: the items written so far are all the caller gets
                os._exit(0)
        os.close(w)
        child = cls(pid, r)
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a Ctrl-C held back arrives here
        except BaseException:
            child.close()
            raise
        return child

    def items(self):
        """The items `work()` gave, in order, each read when asked for; fewer (none at all) when the child failed.
        The child is reaped once they are all read (or on `close`)."""
        if self._fd is None:
            return
        whole = False
        with os.fdopen(self._fd, "rb", closefd=False) as pipe:
            try:
                count = marshal.load(pipe)
                for _ in range(count if type(count) is int else 0):
                    yield marshal.load(pipe)
                whole = True
            except (OSError, EOFError, ValueError, TypeError):  # the child failed: its items end here
                pass
        if whole:  # all written: the child is ending, and is waited for
            os.close(self._fd)
            self._fd = None
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
        else:
            self.close()

    def close(self) -> None:
        """End the child if it still runs, and reap it: no process is left behind, whatever the caller raises."""
        if self._fd is None:
            return
        os.close(self._fd)  # a child still writing gets EPIPE and ends
        self._fd = None
        try:
            if os.waitpid(self._pid, os.WNOHANG)[0] == 0:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass
