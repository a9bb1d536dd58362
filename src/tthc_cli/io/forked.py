"""Work done beside the main process, in a child made by fork: the second core of a machine reads half of a
province's plan files while the main process reads the other half (io/index.build).

The child starts as a copy of the main process (its imports, registry and caches, no start-up cost), runs one
function, hands its result back through a pipe as `marshal` data (containers and scalars only: nothing in it
runs code when read) and ends without the interpreter's teardown. Whatever goes wrong in the child (an
exception, a signal, a result marshal cannot keep) comes back as None, and the caller does the work itself.

Forking is only done where it is safe and can pay: POSIX with fork (not macOS, whose system libraries may not
survive a fork), at least two CPUs for this process, and no other thread alive (a lock another thread holds at
the fork stays held for ever in the child).
"""

from __future__ import annotations

import marshal
import os
import sys


def may_fork() -> bool:
    """Whether `Forked.start` would fork here."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
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
    """`work()` running in a child process; `result()` its value, or None when the child failed."""

    def __init__(self, pid: int, fd: int):
        self._pid, self._fd = pid, fd

    @classmethod
    def start(cls, work) -> "Forked | None":
        """`work` (no arguments, returning marshal data) started in a child; None when it cannot be."""
        if not may_fork():
            return None
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # the child: never returns to the caller
            try:
                os.close(r)
                try:
                    data = marshal.dumps((True, work()))
                except BaseException:  # noqa: BLE001 - a failure is told as one; the parent does the work
                    data = marshal.dumps((False, None))
                view = memoryview(data)
                while view:
                    view = view[os.write(w, view):]
            finally:
                os._exit(0)
        os.close(w)
        return cls(pid, r)

    def result(self):
        """What `work()` returned, once the child has ended; None when it failed (or was already read)."""
        if self._fd is None:
            return None
        chunks = []
        try:
            while True:
                chunk = os.read(self._fd, 1 << 20)
                if not chunk:  # the child has written all and is ending
                    break
                chunks.append(chunk)
        except OSError:
            chunks = []
        if chunks:  # the end of the pipe: the child is ending (its last write end closes as it exits)
            os.close(self._fd)
            self._fd = None
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
        else:
            self.close()
        try:
            ok, value = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        return value if ok else None

    def close(self) -> None:
        """End the child if it still runs, and reap it: no process is left behind, whatever the caller raises."""
        if self._fd is None:
            return
        os.close(self._fd)  # a child still writing gets EPIPE and ends
        self._fd = None
        try:
            if os.waitpid(self._pid, os.WNOHANG)[0] == 0:
                import signal

                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass
