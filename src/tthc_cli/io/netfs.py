"""Is a file on a network file system? The shared-folder trap of a SQLite store.

Offices put `progress.db` on a shared folder so several machines record progress. SQLite's WAL mode keeps its
index in shared memory (`-shm`, mapped into each process), which is not shared between machines: two machines
writing a WAL store on a share can each believe they hold the newest state, and the file is corrupted. SQLite's
own advice is not to use WAL over a network file system; its rollback journal needs only the file locks that
SMB and NFS (v4, or v3 with lockd) do provide. So on a network file system the store uses the rollback journal
and reads take the shared lock (never the lock-free immutable read), and tthc says once that PostgreSQL is the
store for many machines. It does not refuse to write: a commune with one machine writing to its own share is
the common case, and the journal keeps that safe.

Linux: the file system type of the longest mount point that is a prefix of the resolved path, from
`/proc/self/mountinfo` (`TTHC_MOUNTINFO` names another file: tests use it to pretend a folder is a cifs share).
Windows: a UNC path (`\\\\server\\share\\…`) or a drive letter that GetDriveTypeW calls DRIVE_REMOTE.
"""

from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath

NETWORK_TYPES = frozenset({"cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "9p", "afs", "ceph", "glusterfs",
                           "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "ncpfs", "coda", "sshfs", "beegfs", "orangefs",
                           "virtiofs", "vboxsf", "prl_fs", "vmhgfs", "pvfs2"})
"""File system types that are (or may be) shared between machines; `fuse.*` (sshfs, rclone, s3fs …) also counts."""

DRIVE_REMOTE = 4

JUDGED: dict[str, str | None] = {}
"""Stores judged in this run (store.on_network): the network file system each is on, None when local; each is
warned about once. `forget` starts anew (every run of `cli.main`)."""


def forget() -> None:
    JUDGED.clear()


def is_network_type(fstype: str) -> bool:
    fstype = fstype.lower()
    return fstype in NETWORK_TYPES or fstype.startswith(("fuse.", "nfs")) or fstype == "fuse"


def network_fs(path: Path) -> str | None:
    """The type of the network file system `path` is on ("cifs", "nfs4", "UNC" …), None when local or unknown."""
    if os.name == "nt":
        return _windows(str(path))
    fstype = fs_type(path)
    return fstype if fstype and is_network_type(fstype) else None


def fs_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The file system type `path` (resolved, or its nearest existing parent) is on, from mountinfo."""
    source = mountinfo or os.environ.get("TTHC_MOUNTINFO") or "/proc/self/mountinfo"
    try:
        with open(source, encoding="utf-8", errors="surrogateescape") as fh:
            text = fh.read(4 * 1024 * 1024)
    except OSError:
        return None  # not Linux, or /proc not mounted: nothing to say
    target = _resolved(path)
    best, best_len = None, -1
    for line in text.splitlines():
        mount, fstype = _parse(line)
        if mount is None:
            continue
        if target == mount or target.startswith(mount.rstrip("/") + "/"):
            if len(mount) > best_len:  # the longest prefix; a later line of the same length is mounted over it
                best, best_len = fstype, len(mount)
            elif len(mount) == best_len:
                best = fstype
    return best


def _parse(line: str) -> tuple[str | None, str | None]:
    """(mount point, file system type) of one mountinfo line (proc(5)): fields, then " - ", type, source…"""
    left, sep, right = line.partition(" - ")
    fields = left.split()
    if not sep or len(fields) < 5 or not right.split():
        return None, None
    return _unescape(fields[4]), right.split()[0]


def _unescape(text: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes (\\040 …)."""
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and len(text[i + 1:i + 4]) == 3 and text[i + 1:i + 4].isdigit():
            out.append(chr(int(text[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _resolved(path: Path) -> str:
    p = Path(os.path.abspath(path))
    for candidate in (p, *p.parents):  # a store not created yet: its folder (or the folder's folder) decides
        if candidate.exists():
            rest = p.relative_to(candidate)
            return str(candidate.resolve() / rest) if str(rest) != "." else str(candidate.resolve())
    return str(p)


def unc_or_remote(path: str, drive_type=None) -> str | None:
    """Windows: "UNC" for \\\\server\\share paths, "mạng" for a drive letter whose type is DRIVE_REMOTE.
    `drive_type(root) -> int` is GetDriveTypeW (given by tests, which run anywhere)."""
    p = PureWindowsPath(path)
    if p.drive.startswith(("\\\\", "//")) and not p.drive.startswith(("\\\\?\\", "\\\\.\\")):
        return "UNC"
    if p.drive.upper().startswith("\\\\?\\UNC\\"):
        return "UNC"
    if len(p.drive) == 2 and p.drive[1] == ":" and drive_type is not None:
        return "ổ mạng" if drive_type(p.drive + "\\") == DRIVE_REMOTE else None
    return None


def _windows(path: str) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    full = os.path.abspath(path)
    return unc_or_remote(full, lambda root: ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))
