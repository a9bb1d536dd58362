"""A sign of life on stderr for work that takes more than a second (a 19 MB plan read without the cache, a
long import): a spinner with what is being done, how many files and the time spent, only on a terminal, gone
when the work ends. Nothing on stdout, nothing in a pipe or a cron job's mail.

`TTHC_PROGRESS_AFTER` (seconds, default 1) sets when it appears; tests set it to 0.
"""

from __future__ import annotations

import os
import sys

DEFAULT_AFTER = 1.0


class _Unlocked:
    """The lock of a Busy that draws nothing: no other thread to keep out."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_UNLOCKED = _Unlocked()


class Busy:
    """The hook io.workspace.load calls: start(total), step(done, label), stop(). Nothing is drawn until the
    work has taken `after` seconds, and nothing at all when stderr is not a terminal."""

    def __init__(self, text: str, after: float | None = None, stream=None):
        self.text = text
        self.after = _after() if after is None else after
        self.stream = stream if stream is not None else sys.stderr
        self._lock = _UNLOCKED  # a real lock once a spinner may run beside the work (start)
        self._timer = None
        self._bar = None
        self._task = None
        self._total: int | None = None
        self._done = 0
        self._label = ""
        self._active = False

    def start(self, total: int | None = None) -> None:
        self._total, self._done = total, 0
        if not _is_terminal(self.stream):
            return
        import threading  # only here: most runs draw nothing, and threading costs every start about 0.5 ms

        self._lock = threading.Lock()
        self._active = True
        if self.after <= 0:  # at once (tests): no race with a load that ends in a few milliseconds
            self._show()
            return
        self._timer = threading.Timer(self.after, self._show)
        self._timer.daemon = True
        self._timer.start()

    def step(self, done: int, label: str = "") -> None:
        with self._lock:
            self._done, self._label = done, label
            if self._bar is not None:
                self._bar.update(self._task, completed=done, detail=label)

    def stop(self) -> None:
        with self._lock:
            self._active = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if not self._active:  # stopped meanwhile
                return
            columns = [SpinnerColumn(), TextColumn("{task.description}")]
            if self._total:
                columns.append(MofNCompleteColumn())
            columns += [TimeElapsedColumn(), TextColumn("{task.fields[detail]}", style="dim")]
            self._bar = Progress(*columns, console=Console(file=self.stream), transient=True)
            self._task = self._bar.add_task(self.text, total=self._total, completed=self._done, detail=self._label)
            self._bar.start()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def _after() -> float:
    try:
        return max(0.0, float(os.environ.get("TTHC_PROGRESS_AFTER", DEFAULT_AFTER)))
    except ValueError:
        return DEFAULT_AFTER


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
