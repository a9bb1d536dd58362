"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a Unix socket there and a loopback
port, started with pg_ctl and removed at the end.

initdb and pg_ctl refuse to run as root; as root (CI), the cluster belongs to the `postgres` user (the
distribution's package makes it), else `nobody`, and its folder is theirs. Peer-less `trust` on the socket for
the test's superuser `tthc_admin`; scram-sha-256 passwords over loopback TCP, so password handling is real.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ADMIN = "tthc_admin"


def find_bin() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]) if
                   p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            if self.user is None:
                raise RuntimeError("chạy bằng root nhưng không có người dùng postgres hay nobody để chạy initdb")
        self.dir = Path(tempfile.mkdtemp(prefix="tthc-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        if self.user is not None:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.dir, 0o755)  # the socket must be reachable by a non-root test user too

    def _run(self, *args, check=True, timeout=120) -> subprocess.CompletedProcess:
        kw = {}
        if self.user is not None:
            kw = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        return subprocess.run([str(self.bindir / args[0]), *args[1:]], capture_output=True, text=True,
                              cwd=self.dir, env=env, check=check, timeout=timeout, **kw)

    def start(self) -> Cluster:
        r = self._run("initdb", "-D", str(self.data), "-U", ADMIN, "-A", "trust", "-E", "UTF8", "--no-sync",
                      check=False)
        if r.returncode:
            raise RuntimeError(f"initdb: {r.stderr.strip() or r.stdout.strip()}")
        with open(self.data / "postgresql.conf", "a") as fh:
            fh.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                     "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n"
                     "shared_buffers = 32MB\nlog_min_messages = warning\n")
        with open(self.data / "pg_hba.conf", "w") as fh:
            fh.write("local all all trust\n"
                     "host all all 127.0.0.1/32 scram-sha-256\n")
        self.restart()
        return self

    def restart(self, stop_first: bool = False) -> None:
        if stop_first:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        r = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "start",
                      check=False)
        if r.returncode:
            log = (self.dir / "log").read_text(errors="replace") if (self.dir / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start: {r.stderr.strip()} {log[-2000:]}")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False, timeout=60)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db: str = "postgres", user: str = ADMIN) -> str:
        """A URL through the Unix socket (trust)."""
        return f"postgresql://{user}@/{db}?host={self.dir}&port={self.port}"

    def tcp_url(self, db: str, user: str, password: str | None = None) -> str:
        """A URL over loopback TCP (a password is needed)."""
        auth = f"{user}:{password}" if password is not None else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"


def wait_ready(url: str, seconds: float = 30) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            psycopg.connect(url, connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
