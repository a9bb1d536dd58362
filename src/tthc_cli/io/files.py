"""Files tthc reads and writes, made safe against what users and attackers put in their place.

Reading: only regular files, opened without blocking (a FIFO named as a plan would
otherwise hang forever) and never more than a stated number of bytes (`/dev/zero`
would otherwise fill the memory).

Writing: one writer for every output file (`-o`, `--out`, `import`, the parse cache):
* an existing target is replaced only with `force` (`--force`);
* only a regular file is ever replaced: a FIFO, a device, a socket or a folder is refused;
* a symbolic link is written through to the file it points to, which keeps its place
  and its mode; a link to nothing is refused (it could point anywhere);
* the data goes to a temporary file beside the target and is renamed over it, so a
  reader never sees half a file; the temporary file is removed on any failure, and
  temporary files a killed run left behind are swept away on the next write.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from tthc_cli.errors import FileError
from tthc_cli.core.text import lazy_re

TEMP_SUFFIX = ".tthc-tmp"
STALE_SECONDS = 3600
"""A temporary file older than this was left by a run that died: nobody writes for an hour."""

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def kind_vi(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "thư mục"
    if stat.S_ISFIFO(mode):
        return "ống dẫn (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "thiết bị"
    if stat.S_ISREG(mode):
        return "một tệp"
    return "không phải tệp thường"


OS_REASONS = {
    errno.ENOSPC: "đĩa đầy",
    getattr(errno, "EDQUOT", errno.ENOSPC): "đĩa đầy",
    errno.EACCES: "không có quyền",
    errno.EPERM: "không có quyền",
    errno.EROFS: "ổ đĩa chỉ đọc",
    errno.ENOENT: "không có tệp hoặc thư mục",
    errno.ELOOP: "liên kết (symlink) lặp vòng",
    errno.EEXIST: "đã có một tệp hoặc thư mục ở đó",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EIO: "lỗi đọc/ghi thiết bị (đĩa hỏng, mạng chia sẻ bị ngắt, hoặc không phải tệp thường)",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
}
"""OS errors in Vietnamese where the user can act on them; the CLI's boundary uses the same table."""


def os_reason(exc: OSError) -> str:
    """An OSError in Vietnamese where it matters to the user."""
    return OS_REASONS.get(exc.errno) or exc.strerror or str(exc)


def read_regular(path: Path | str, limit: int, what: str = "tệp") -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileError otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except FileNotFoundError:
        raise FileError(f'không tìm thấy {what} "{path}"') from None
    except IsADirectoryError:
        raise FileError(f'"{path}" là thư mục, không phải {what}') from None
    except OSError as exc:
        raise FileError(f'không đọc được {what} "{path}": {os_reason(exc)}') from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileError(f'"{path}" là {kind_vi(st.st_mode)}, không phải {what}')
        if st.st_size > limit:
            raise FileError(f'{what} "{path}" quá lớn ({st.st_size / 1048576:.1f} MB; tối đa '
                            f'{limit / 1048576:.0f} MB)')
        if _NONBLOCK:
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while being read
                raise FileError(f'{what} "{path}" quá lớn (tối đa {limit / 1048576:.0f} MB)')
        return b"".join(chunks)
    except OSError as exc:
        raise FileError(f'không đọc được {what} "{path}": {os_reason(exc)}') from None
    finally:
        os.close(fd)


def require_regular(path: Path | str, what: str = "tệp") -> os.stat_result | None:
    """The stat of `path` if it is a regular file, None if nothing is there; FileError for anything else."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileError(f'không đọc được {what} "{path}": {os_reason(exc)}') from None
    if not stat.S_ISREG(st.st_mode):
        raise FileError(f'"{path}" là {kind_vi(st.st_mode)}, không phải {what}')
    return st


def target_of(path: Path, *, force: bool, what: str = "tệp") -> tuple[Path, os.stat_result | None]:
    """The file a write to `path` replaces (through a symlink), and its stat if it exists; refusals as FileError."""
    path = Path(path)
    if path.is_symlink():
        real = Path(os.path.realpath(path))
        if not real.exists():
            raise FileError(f'"{path}" là liên kết tới "{real}", tệp không có; tthc không ghi theo liên kết hỏng')
        path = real
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return path, None
    except OSError as exc:
        raise FileError(f'không ghi được {what} "{path}": {os_reason(exc)}') from None
    if stat.S_ISDIR(st.st_mode):
        raise FileError(f'"{path}" là thư mục; hãy ghi tên tệp')
    if not stat.S_ISREG(st.st_mode):
        raise FileError(f'"{path}" là {kind_vi(st.st_mode)}, không phải tệp thường; tthc không ghi vào đó')
    if not force:
        raise FileError(f'"{path}" đã có; thêm --force để ghi đè')
    return path, st


@contextmanager
def replacing(path: Path | str, *, force: bool, what: str = "tệp", durable: bool = True, mode: int | None = None):
    """A temporary path to write; on success it replaces `path` (see the module's rules)."""
    if str(path).endswith(("/", os.sep)):  # Path() would drop the slash and write a file by that name
        raise FileError(f'"{path}" là tên thư mục; hãy ghi tên tệp')
    target, st = target_of(Path(path), force=force, what=what)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f'không tạo được thư mục "{folder}": {os_reason(exc)}') from None
    sweep_once(folder)
    tmp = folder / f".{target.name[:100]}.{os.getpid()}.{time.monotonic_ns() % 10**9}{TEMP_SUFFIX}"
    try:
        yield tmp
        if durable:
            _fsync(tmp)
        os.chmod(tmp, mode if mode is not None else stat.S_IMODE(st.st_mode) if st is not None else _umask_mode())
        if st is None and not force:
            _place_new(tmp, target, what)
        else:
            if os.path.islink(target):  # a link put there while we wrote: do not replace it blindly
                raise FileError(f'"{target}" vừa bị thay bằng một liên kết trong lúc ghi; hãy chạy lại')
            target_of(target, force=True, what=what)  # what is there now is still a regular file
            os.replace(tmp, target)
        if durable:
            _fsync_folder(folder)
    except OSError as exc:
        _unlink(tmp)
        raise FileError(f'không ghi được {what} "{path}": {os_reason(exc)}') from None
    except BaseException:
        _unlink(tmp)
        raise


def write_file(path: Path | str, data: str | bytes, *, force: bool, what: str = "tệp", durable: bool = True,
               mode: int | None = None) -> None:
    """Write `data` (text as UTF-8 with \\n line ends) to `path` under the module's rules."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path, force=force, what=what, durable=durable, mode=mode) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)


def sweep_once(folder: Path) -> None:
    """`sweep(folder)` once a run per folder: a cold cache writes hundreds of files into one."""
    if folder not in _SWEPT:
        _SWEPT.add(folder)
        sweep(folder)


def sweep(folder: Path, now: float | None = None) -> int:
    """Remove temporary files of tthc's writers in `folder` that a dead run left behind; how many."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        for side in ("-journal", "-wal", "-shm"):  # SQLite's files beside a store being created
            name = name.removesuffix(side)
        if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


_UNSAFE_NAME = lazy_re(r"[^\w.-]+")


def safe_name(text: str, fallback: str = "khong-ro") -> str:
    """A file name part from a unit code or title: letters, digits, `_`, `-`, `.`; never a path."""
    name = _UNSAFE_NAME.sub("_", text).strip("._")[:80]
    return name or fallback


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, checked to stay in `folder` whatever `name` holds."""
    path = folder / name
    if Path(os.path.realpath(path)).parent != Path(os.path.realpath(folder)):
        raise FileError(f'tên tệp "{name}" ra ngoài thư mục "{folder}"')
    return path


def _place_new(tmp: Path, target: Path, what: str) -> None:
    """Rename `tmp` to `target` only if nothing has appeared there meanwhile (a hard link cannot clobber)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileError(f'"{target}" đã có; thêm --force để ghi đè') from None
    except OSError:  # a file system without hard links (FAT, some network shares): check, then rename
        if os.path.lexists(target):
            raise FileError(f'"{target}" đã có; thêm --force để ghi đè') from None
        os.replace(tmp, target)
        return
    _unlink(tmp)


_SWEPT: set[Path] = set()
_UMASK: list[int] = []


def _umask_mode() -> int:
    """What the user's umask gives a new file; read once (reading it means setting it)."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return 0o666 & ~_UMASK[0]


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; elsewhere a no-op)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | _BINARY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


@contextmanager
def run_lock(path: Path):
    """An exclusive lock held while sending; released by the OS if the process dies."""
    from tthc_cli.errors import LockedError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise FileError(f"không mở được tệp khóa {path}: {os_reason(exc)}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # a FIFO would block the nightly run, a device would be written to
        os.close(fd)
        raise FileError(f"tệp khóa {path} là {kind_vi(mode)}, không phải tệp thường")
    fh = os.fdopen(fd, "r+")
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, but nothing else changes
            yield
            return
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise LockedError(f"một lượt gửi khác đang chạy (khóa {path}); lượt này không gửi gì") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        fh.close()
