"""`tthc store copy SOURCE TARGET`: every event and the delivery log from one store to another (SQLite to
PostgreSQL and back), ids kept, in one transaction, then checked.

The source is opened read-only. The target is created where there is none; a target holding records is
refused unless it holds exactly the source's records already (then nothing is done: running the copy twice is
harmless). After the copy the target is read again on a new connection, and the counts, a SHA-256 over the
canonical form of every record (storebase.canonical) and the labels mark of migration 4 must match the source's.
"""

from __future__ import annotations

from tthc_cli.errors import StoreError, UsageError
from tthc_cli.io.storebase import canonical
from tthc_cli.io.stores import describe, location, open_read, open_store


def copy(source: str, target: str) -> list[str]:
    """Copy the store at `source` into `target`; the lines that say what was done."""
    src, dst = location(source), location(target)
    if _same(src, dst):
        raise UsageError("nguồn và đích là cùng một sổ tiến độ")
    with open_read(src) as store:
        events, since, sent = store.snapshot()
    digest = canonical(events, sent)
    what = f"{len(events)} bản ghi tiến độ và {len(sent)} dòng nhật ký gửi thư"
    with open_store(dst, create=True) as store:
        if not store.is_empty():
            held, _, held_sent = store.snapshot()
            if canonical(held, held_sent) == digest:
                return [f"Đích {describe(dst)} đã có đúng {what} của nguồn (mã kiểm tra SHA-256 {digest[:16]}…): "
                        f"không chép gì."]
            raise StoreError(f"đích {describe(dst)} đã có dữ liệu khác nguồn ({len(held)} bản ghi tiến độ, "
                             f"{len(held_sent)} dòng nhật ký gửi thư): không chép gì; hãy chọn một sổ trống làm đích")
        store.load(events, sent, since)
    with open_read(dst) as store:  # a new connection: what was committed, not what this one remembers
        got, got_since, got_sent = store.snapshot()
    got_digest = canonical(got, got_sent)
    problems = []
    if (len(got), len(got_sent)) != (len(events), len(sent)):
        problems.append(f"số bản ghi ở đích {len(got)} và {len(got_sent)}, ở nguồn {len(events)} và {len(sent)}")
    if got_digest != digest:
        problems.append(f"mã kiểm tra khác nhau (đích {got_digest[:16]}…, nguồn {digest[:16]}…)")
    if since is not None and since.year < 9999 and got_since != since:
        problems.append("mốc nhãn kỳ (di chuyển 4) khác nguồn")
    if problems:
        raise StoreError(f"đã chép sang {describe(dst)} nhưng kiểm tra KHÔNG khớp: {'; '.join(problems)}; đừng dùng "
                         f"sổ đích, hãy báo người quản trị")
    return [f"Đã chép {what} từ {describe(src)} sang {describe(dst)} (giữ nguyên số bản ghi, người ghi và thời điểm).",
            f"Đã kiểm tra ở đích: số bản ghi khớp, mã kiểm tra SHA-256 khớp ({digest[:16]}…)."]


def _same(a, b) -> bool:
    from pathlib import Path

    if isinstance(a, Path) and isinstance(b, Path):
        try:
            return a.resolve() == b.resolve()
        except OSError:
            return False
    return a == b
