"""A separate process writing to the progress store, for tests/test_store.py.

    store_worker.py DB N LABEL   print "ready", wait for a line on stdin, open DB, add N events
                                 about task LABEL (one 'done', then 'note's); print their ids as JSON
    store_worker.py DB loop      open DB and add events forever, printing each id once it is committed

DB is a SQLite file or a postgresql:// URL.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tthc_cli.core.progress import DONE, NOTE, Event  # noqa: E402
from tthc_cli.io.stores import location, open_store  # noqa: E402


def burst(db: str, n: int, label: str) -> None:
    print("ready", flush=True)
    sys.stdin.readline()  # the test releases every worker at once
    start = time.monotonic()
    ids = []
    with open_store(location(db)) as store:
        for i in range(n):
            kind = DONE if i == 0 else NOTE
            e = store.add(Event(kind, "kh-song-song", label, day=date(2026, 3, 1), note=f"{label} #{i}",
                                who=f"worker-{os.getpid()}"))
            ids.append(e.id)
    print(json.dumps({"label": label, "ids": ids, "seconds": time.monotonic() - start}), flush=True)


def loop(db: str) -> None:
    with open_store(location(db)) as store:
        i = 0
        while True:
            e = store.add(Event(NOTE, "kh-bi-giet", f"T{i % 7}", occurrence=f"lần {i}", note="x" * (i % 50),
                                who="worker-loop"))
            sys.stdout.write(f"{e.id}\n")
            sys.stdout.flush()
            i += 1


if __name__ == "__main__":
    db = sys.argv[1]  # a file path or a postgresql:// URL
    if sys.argv[2] == "loop":
        loop(db)
    else:
        burst(db, int(sys.argv[2]), sys.argv[3])
