"""The shared-folder trap: a SQLite store on a network file system. The file system type is read from a
mountinfo file (TTHC_MOUNTINFO points the detection at one the test writes: the folder "is" a cifs share)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from conftest import PLANS, write
from tthc_cli.io import netfs

SEED = "xuan-truong-cchc-2026"


def mountinfo(tmp_path, fstype: str, mount) -> str:
    """A mountinfo file: / on ext4, and `mount` (the test's folder) on `fstype`."""
    return str(write(tmp_path / "mountinfo", (
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"40 22 0:50 / {str(mount).replace(' ', chr(92) + '040')} rw,relatime shared:9 - {fstype} "
        "//server/share rw,vers=3.0\n")))


@pytest.mark.parametrize("fstype, network", [
    ("cifs", True), ("smb3", True), ("smbfs", True), ("nfs", True), ("nfs4", True), ("fuse.sshfs", True),
    ("9p", True), ("afs", True), ("ceph", True), ("ext4", False), ("xfs", False), ("tmpfs", False),
    ("btrfs", False), ("fuseblk", False), ("overlay", False)])
def test_types(fstype, network):
    assert netfs.is_network_type(fstype) is network


def test_longest_mount_point_decides(tmp_path):
    share = tmp_path / "chia sẻ"
    (share / "a").mkdir(parents=True)
    info = mountinfo(tmp_path, "cifs", share)
    assert netfs.fs_type(share / "a" / "progress.db", info) == "cifs"
    assert netfs.fs_type(share / "chưa-có" / "x" / "progress.db", info) == "cifs"  # not created yet: its folder
    assert netfs.fs_type(tmp_path / "chia sẻ khác" / "p.db", info) == "ext4"  # a prefix of the name is not a mount
    assert netfs.fs_type(tmp_path / "p.db", info) == "ext4"
    # through a symbolic link: the resolved path decides
    (tmp_path / "lien-ket").symlink_to(share)
    assert netfs.fs_type(tmp_path / "lien-ket" / "p.db", info) == "cifs"


def test_the_real_mountinfo_is_read(tmp_path):
    assert netfs.fs_type(tmp_path / "p.db", "/proc/self/mountinfo") is not None


@pytest.mark.parametrize("path, remote, kind", [
    (r"\\may-chu\chia-se\tthc\progress.db", None, "UNC"),
    ("//may-chu/chia-se/progress.db", None, "UNC"),
    (r"\\?\UNC\may-chu\chia-se\progress.db", None, "UNC"),
    (r"Z:\tthc\progress.db", 4, "ổ mạng"),
    (r"C:\tthc\progress.db", 3, None),
    (r"\\?\C:\tthc\progress.db", 3, None),
])
def test_windows_unc_and_mapped_drives(path, remote, kind):
    assert netfs.unc_or_remote(path, lambda root: remote) == kind


@pytest.fixture
def share(tmp_path, tthc):
    """Seed 002's plan, and a store folder that the detection sees as a cifs share."""
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")
    folder = tmp_path / "share"
    folder.mkdir()
    info = mountinfo(tmp_path, "cifs", folder)

    def run(*args, fake=True):
        env = {"TTHC_TODAY": "2026-07-10", "TTHC_USER": "lan", **({"TTHC_MOUNTINFO": info} if fake else {})}
        return tthc(*args, "--plans", tmp_path / "plans", "--db", folder / "progress.db", cwd=tmp_path, env=env)

    run.db = folder / "progress.db"
    return run


def test_a_store_on_a_share_warns_once_and_uses_no_wal(share):
    r = share("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01")
    assert r.code == 0, r.err
    assert r.err.count("nằm trên ổ mạng (cifs)") == 1 and "PostgreSQL" in r.err
    con = sqlite3.connect(share.db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    assert sorted(p.name for p in share.db.parent.iterdir()) == ["progress.db"]  # no -wal, no -shm
    due = share("due", "--unit", "TTPVHCC")
    assert due.code in (0, 3) and due.err.count("nằm trên ổ mạng") == 1
    listed = {(x["task"], x["occurrence"]): x["status"] for x in share("list", "--format", "json").json()}
    assert listed[("III.4", "Quý II/2026")] == "Hoàn thành quá hạn"


def test_a_wal_store_moved_onto_a_share_leaves_wal(share):
    local = share("done", f"{SEED}:I.1", "-d", "2026-01-10", fake=False)
    assert local.code == 0 and "ổ mạng" not in local.err
    con = sqlite3.connect(share.db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    r = share("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01")
    assert r.code == 0 and "ổ mạng" in r.err, r.err
    con = sqlite3.connect(share.db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    con.close()


def test_a_local_store_says_nothing(share):
    r = share("done", f"{SEED}:I.1", "-d", "2026-01-10", fake=False)
    assert r.code == 0 and r.err == ""
