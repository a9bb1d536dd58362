"""The PostgreSQL progress store through the real CLI against a real server (the `pg` fixture of conftest.py):
every progress command, many machines at once, a connection dropped mid-write, a read-only role, passwords,
`store copy` both ways, a newer schema."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date

import psycopg
import pytest

from conftest import PLANS, _environment, run_in_process, write
from smtp_server import smtp_server  # noqa: F401,F811  (the fixture)
from tthc_cli.errors import ConfigError, StoreError, UsageError

SEED = "xuan-truong-cchc-2026"
PASSWORD = "Mk-bí_mật-9431"


@pytest.fixture
def site(tmp_path, tthc):
    """Seed 002's plan in plans/; `run(*args)` runs tthc there with --db pointing at a fresh PostgreSQL database
    (unless `db=` says otherwise)."""
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")
    pg = None

    def run(*args, db=None, today="2026-07-10", env=None):
        where = () if args[0] == "store" else ("--db", db or site.pg.url)  # `store copy` names its two stores
        return tthc(*args, *where, cwd=tmp_path,
                    env={"TTHC_TODAY": today, "TTHC_USER": "Nguyễn Thị Lan", **(env or {})})

    site = run
    site.dir, site.pg = tmp_path, pg
    return run


@pytest.fixture
def pgsite(site, pg):
    site.pg = pg
    return site


def events(pg) -> list[tuple]:
    return pg.admin.execute("SELECT id, kind, plan, task, occurrence, who FROM tthc.events ORDER BY id").fetchall()


def no_traceback(r) -> bool:
    return "Traceback" not in r.err and "Traceback" not in r.out


def test_done_undo_trigger_history_report_with_postgresql(pgsite):
    ref = f"{SEED}:III.4"
    r = pgsite("done", ref, "-k", "Quý II/2026", "-d", "2026-07-01", "-e", "Báo cáo số 45/BC-UBND ngày 01/7/2026")
    assert r.code == 0, r.err
    assert "bản ghi #1, postgresql://" in r.out
    again = pgsite("done", ref, "-k", "Quý II/2026")
    assert again.code == UsageError.exit_code and "đã được ghi hoàn thành ngày 01/07/2026" in again.err
    assert pgsite("undo", ref, "-k", "Quý II/2026").code == 0
    t = pgsite("trigger", f"{SEED}:IV.2", "--date", "2026-07-01", "--due-in", "10wd")
    assert t.code == 0 and "hạn 15/07/2026" in t.out, t.err
    assert [(k, task, occ) for _, k, _, task, occ, _ in events(pgsite.pg)] == [
        ("done", "III.4", "Quý II/2026"), ("undone", "III.4", "Quý II/2026"), ("trigger", "IV.2", "")]
    hist = pgsite("history", "--format", "json").json()
    assert len(hist) == 3 and hist[-1]["evidence"] == "Báo cáo số 45/BC-UBND ngày 01/7/2026"
    assert pgsite("done", ref, "-k", "Quý II/2026", "-d", "2026-06-30").code == 0
    rows = pgsite("report", "--period", "Quý II/2026", "--format", "json")
    assert rows.code == 0, rows.err
    listed = {(x["task"], x["occurrence"]): x["status"] for x in pgsite("list", "--format", "json").json()}
    assert listed[("III.4", "Quý II/2026")] == "Hoàn thành đúng hạn"
    # the same records, read from the database, make the same list as a SQLite copy of them
    assert pgsite("store", "copy", pgsite.pg.url, "ban-sao.db").code == 0
    assert pgsite("list", "--format", "json", db="ban-sao.db").json() == pgsite("list", "--format", "json").json()


def test_digest_delivery_log_lives_in_postgresql(pgsite, smtp_server):
    server = smtp_server
    if True:
        write(pgsite.dir / "tthc.yaml", f"""\
plans: plans
recipients:
  TTPVHCC: ttpvhcc@xuantruong.gov.vn
smtp:
  host: 127.0.0.1
  port: {server.port}
  security: none
  sender: vp@xuantruong.gov.vn
  retry_delays: [0, 0]
""")
        first = pgsite("digest", "--unit", "TTPVHCC", "--send", today="2026-06-01")
        assert first.code == 0, first.err
        assert len(server.messages) == 1
        sent = pgsite.pg.admin.execute("SELECT day, unit, recipient, ok FROM tthc.sent").fetchall()
        assert [(d.isoformat(), u, r, ok) for d, u, r, ok in sent] == [
            ("2026-06-01", "TTPVHCC", "ttpvhcc@xuantruong.gov.vn", True)]
        again = pgsite("digest", "--unit", "TTPVHCC", "--send", today="2026-06-01")
        assert again.code == 0 and "đã gửi hôm nay" in again.out and len(server.messages) == 1
        # another run holding the lock (on another machine: the lock is in the database)
        holder = psycopg.connect(pgsite.pg.url, autocommit=True)
        try:
            from tthc_cli.io.pgstore import DIGEST_LOCK

            assert holder.execute("SELECT pg_try_advisory_lock(%s)", (DIGEST_LOCK,)).fetchone()[0]
            locked = pgsite("digest", "--unit", "TTPVHCC", "--send", "--resend", today="2026-06-01")
            from tthc_cli.errors import LockedError

            assert locked.code == LockedError.exit_code and "một lượt gửi khác đang chạy" in locked.err
        finally:
            holder.close()
        assert len(server.messages) == 1


def test_fifty_done_processes_at_once_each_recorded_exactly_once(pg, tmp_path):
    """Fifty `tthc done` processes (fifty machines) on fifty items, released together on a fresh database."""
    plans = tmp_path / "plans"
    tasks = "".join(f"  - id: '{i}'\n    title: Nhiệm vụ {i}\n    lead: VHXH\n    deadline: Trước ngày 30/06/2026\n"
                    for i in range(1, 51))
    write(plans / "p.yaml", f"plan: {{id: kh-song-song, period: 2026}}\ntasks:\n{tasks}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_TODAY": "2026-07-10", "TTHC_CACHE_DIR": str(tmp_path / "c"), "HOME": str(tmp_path / "home"),
                "TTHC_PLANS": str(plans), "TTHC_DB": pg.url})
    warm = subprocess.run([sys.executable, "-m", "tthc_cli", "due", "--db", str(tmp_path / "w.db")], env=env, cwd=tmp_path, capture_output=True,
                          timeout=120)  # the parse cache, so the fifty spend their time on the store
    assert warm.returncode in (0, 3), warm.stderr
    go = tmp_path / "go"
    starter = ("import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.005)\n"
               "from tthc_cli.cli import main\nsys.exit(main(sys.argv[2:]))\n")
    procs = [subprocess.Popen([sys.executable, "-c", starter, str(go), "done", f"kh-song-song:{i}", "-d", "2026-06-20"],
                              env={**env, "TTHC_USER": f"máy {i}"}, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for i in range(1, 51)]
    try:
        time.sleep(1.0)
        go.touch()
        start = time.monotonic()
        outs = [p.communicate(timeout=180) for p in procs]
        elapsed = time.monotonic() - start
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0] * 50, [e.decode() for _, e in outs if e][:3]
    print(f"50 tthc done processes on PostgreSQL: {elapsed:.2f} s")
    rows = events(pg)
    assert sorted(task for _, _, _, task, _, _ in rows) == sorted(str(i) for i in range(1, 51))
    assert {who for *_, who in rows} == {f"máy {i}" for i in range(1, 51)}
    assert [r[0] for r in rows] == list(range(1, 51))  # ids committed in order, none lost, none twice
    migrations = pg.admin.execute("SELECT version FROM tthc.migrations ORDER BY version").fetchall()
    assert [m[0] for m in migrations] == [1, 2, 3, 4, 5]


def test_ten_done_at_once_on_one_item_record_it_once(pg, tmp_path, tthc):
    plans = tmp_path / "plans"
    write(plans / "p.yaml", "plan: {id: kh, period: 2026}\ntasks:\n  - id: '1'\n    title: Báo cáo\n    lead: VHXH\n"
                            "    deadline: Trước ngày 30/06/2026\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_TODAY": "2026-07-10", "TTHC_CACHE_DIR": str(tmp_path / "c"), "HOME": str(tmp_path / "home"),
                "TTHC_PLANS": str(plans), "TTHC_DB": pg.url, "TTHC_USER": "an"})
    assert tthc("done", "kh:1", "-d", "2026-06-01", "--plans", plans, "--db", pg.url).code == 0
    assert tthc("undo", "kh:1", "--plans", plans, "--db", pg.url).code == 0
    procs = [subprocess.Popen([sys.executable, "-m", "tthc_cli", "done", "kh:1", "-d", "2026-06-20"], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(10)]
    results = [(p.wait(timeout=180), p.stderr.read().decode()) for p in procs]
    codes = sorted(c for c, _ in results)
    assert codes == [0] + [UsageError.exit_code] * 9, results
    assert all("đã được ghi hoàn thành ngày 20/06/2026" in err for c, err in results if c)
    assert [k for _, k, *_ in events(pg)] == ["done", "undone", "done"]


def _blocked_writer(pg, site):
    """Start `tthc done` in a thread-free subprocess and hold it inside its write transaction: a row with the id it
    will get is inserted, uncommitted, by another connection, so its INSERT waits on that row's key."""
    blocker = psycopg.connect(pg.url)  # a transaction stays open
    seq = "tthc.events_id_seq"
    nxt = blocker.execute(f"SELECT nextval('{seq}')").fetchone()[0]
    blocker.execute(f"SELECT setval('{seq}', %s, false)", (nxt,))  # the writer will take the same id
    blocker.execute("INSERT INTO tthc.events (id, kind, plan, task, who, recorded_at) "
                    "VALUES (%s, 'note', 'chặn', 'chặn', 'kiểm thử', now())", (nxt,))
    return blocker


def test_a_connection_dropped_mid_write_leaves_no_half_record_and_says_so(pgsite, tmp_path):
    pg = pgsite.pg
    assert pgsite("done", f"{SEED}:I.1", "-d", "2026-01-10").code == 0  # the schema and one event
    blocker = _blocked_writer(pg, pgsite)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_TODAY": "2026-07-10", "TTHC_USER": "lan", "TTHC_CACHE_DIR": str(tmp_path / "c"),
                "HOME": str(tmp_path / "home")})
    proc = subprocess.Popen([sys.executable, "-m", "tthc_cli", "done", f"{SEED}:III.4", "-k", "Quý II/2026",
                             "-d", "2026-07-01", "--plans", str(pgsite.dir / "plans"), "--db", pg.url],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        pid = None
        while pid is None and time.monotonic() < deadline and proc.poll() is None:
            row = pg.admin.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'tthc' AND "
                                   "wait_event_type = 'Lock' AND datname = %s", (pg.name,)).fetchone()
            pid = row[0] if row else None
            time.sleep(0.05)
        assert pid is not None, "the writer never waited inside its INSERT"
        # the writer has begun, locked, checked and sent its INSERT: its backend is ended under it
        assert pg.admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        blocker.rollback()
        blocker.close()
    err = err.decode()
    assert proc.returncode == StoreError.exit_code, err
    assert "mất kết nối tới máy chủ PostgreSQL" in err and "CHƯA được lưu" in err and "Traceback" not in err
    assert [(k, task) for _, k, _, task, _, _ in events(pg)] == [("done", "I.1")]  # nothing half-written
    assert pgsite("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01").code == 0  # and it goes on


def test_a_server_restart_between_commands_is_survived(pgsite):
    if pgsite.pg.cluster is None:
        pytest.skip("TTHC_TEST_PG: a server this test did not start is not restarted")
    assert pgsite("done", f"{SEED}:I.1", "-d", "2026-01-10").code == 0
    pgsite.pg.admin.close()
    pgsite.pg.cluster.restart(stop_first=True)
    pgsite.pg.admin = psycopg.connect(pgsite.pg.url, autocommit=True)
    assert pgsite("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01").code == 0
    assert [task for _, _, _, task, _, _ in events(pgsite.pg)] == ["I.1", "III.4"]


def test_read_commands_work_with_a_read_only_role_and_write_commands_say_why_not(pgsite):
    pg = pgsite.pg
    reader = f"doc_{pg.name}"
    pg.admin.execute(f"CREATE ROLE {reader} LOGIN")
    # before the schema exists: a clear message, nothing created
    ro = pg.url.replace("tthc_admin@", f"{reader}@")
    r = pgsite("due", db=ro)
    assert r.code == StoreError.exit_code and "chưa có sổ tiến độ của tthc" in r.err and no_traceback(r)
    assert pg.admin.execute("SELECT to_regnamespace('tthc')").fetchone()[0] is None
    assert pgsite("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01").code == 0
    # the grants the README gives
    pg.admin.execute(f"GRANT USAGE ON SCHEMA tthc TO {reader}")
    pg.admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA tthc TO {reader}")
    for args in (("due", "--unit", "TTPVHCC"), ("list",), ("check",), ("history",),
                 ("report", "--period", "Quý II/2026")):
        r = pgsite(*args, db=ro)
        assert r.code in (0, 3) and no_traceback(r), (args, r.err)
    listed = pgsite("list", "--format", "json", db=ro).json()
    assert any(x["task"] == "III.4" and x["status"] == "Hoàn thành quá hạn" for x in listed)
    w = pgsite("done", f"{SEED}:I.1", "-d", "2026-01-10", db=ro)
    assert w.code == StoreError.exit_code and "không có quyền ghi" in w.err and no_traceback(w)
    assert len(events(pg)) == 1


def test_the_password_is_never_printed(pgsite, tmp_path):
    pg = pgsite.pg
    user = f"ghi_{pg.name}"
    pg.admin.execute(f"CREATE ROLE {user} LOGIN PASSWORD '{PASSWORD}'")
    pg.admin.execute(f"GRANT ALL ON DATABASE {pg.name} TO {user}")
    if pg.cluster is None:
        pytest.skip("TTHC_TEST_PG: the loopback port with passwords is the throwaway cluster's")
    tcp = pg.cluster.tcp_url(pg.name, user)
    # PGPASSWORD, as the README says
    ok = pgsite("done", f"{SEED}:I.1", "-d", "2026-01-10", db=tcp, env={"PGPASSWORD": PASSWORD})
    assert ok.code == 0, ok.err
    assert PASSWORD not in ok.out + ok.err
    # ~/.pgpass (HOME is the test's)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    pgpass = home / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{pg.cluster.port}:{pg.name}:{user}:{PASSWORD}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    assert pgsite("history", db=tcp).code == 0
    pgpass.unlink()
    # a wrong one
    bad = pgsite("due", db=tcp, env={"PGPASSWORD": PASSWORD + "x"})
    assert bad.code == StoreError.exit_code and "sai mật khẩu" in bad.err and no_traceback(bad)
    assert PASSWORD not in bad.err + bad.out
    none = pgsite("due", db=tcp)
    assert none.code == StoreError.exit_code and "PGPASSWORD" in none.err
    # in the URL on the command line: masked in every message, good or bad
    with_pw = pg.cluster.tcp_url(pg.name, user, PASSWORD)
    for db in (with_pw, with_pw.replace(pg.name, "khong_co_csdl"), with_pw.replace(user, user + "x")):
        r = pgsite("done", f"{SEED}:III.4", "-k", "Quý I/2026", "-d", "2026-03-30", db=db)
        assert PASSWORD not in r.out + r.err and no_traceback(r), r.err
        assert "******" in r.out + r.err
    # in the config file: refused, and not repeated
    write(pgsite.dir / "tthc.yaml", f"plans: plans\nstore: {with_pw}\n")
    r = run_in_process(["due"], cwd=pgsite.dir, env=_environment(tmp_path, {"TTHC_TODAY": "2026-07-10"}))
    assert r.code == ConfigError.exit_code and "không ghi mật khẩu trong tệp cấu hình" in r.err
    assert PASSWORD not in r.err + r.out
    c = run_in_process(["config", "check"], cwd=pgsite.dir, env=_environment(tmp_path, {}))
    assert c.code == ConfigError.exit_code and PASSWORD not in c.out + c.err
    # without the password, from the config, with PGPASSWORD: it works
    write(pgsite.dir / "tthc.yaml", f"plans: plans\nstore: {tcp}\n")
    r = run_in_process(["history"], cwd=pgsite.dir,
                       env=_environment(tmp_path, {"TTHC_TODAY": "2026-07-10", "PGPASSWORD": PASSWORD}))
    assert r.code == 0 and "I.1" in r.out, r.err


def test_an_unreachable_server_is_one_vietnamese_line(site, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for args in (("due",), ("done", f"{SEED}:I.1", "-d", "2026-01-10")):
        r = site(*args, db=f"postgresql://tthc@127.0.0.1:{port}/tthc")
        assert r.code == StoreError.exit_code and no_traceback(r)
        assert r.err.startswith("Lỗi: không kết nối được máy chủ PostgreSQL") and "máy chủ không trả lời" in r.err
        assert len(r.err.strip().splitlines()) == 1
    bad = site("due", db="postgresql://a@/x?khong_co=1")
    assert bad.code == StoreError.exit_code and "không hợp lệ" in bad.err and no_traceback(bad)


def test_a_newer_schema_is_refused_and_left_alone(pgsite):
    pg = pgsite.pg
    assert pgsite("done", f"{SEED}:I.1", "-d", "2026-01-10").code == 0
    pg.admin.execute("INSERT INTO tthc.migrations VALUES (7, 'tuong-lai', now())")
    before = (events(pg), pg.admin.execute("SELECT * FROM tthc.migrations ORDER BY 1").fetchall())
    for args in (("due",), ("done", f"{SEED}:III.4", "-k", "Quý I/2026", "-d", "2026-03-30"), ("history",)):
        r = pgsite(*args)
        assert r.code == StoreError.exit_code and "phiên bản tthc mới hơn" in r.err and "lược đồ 7" in r.err
        assert no_traceback(r)
    assert (events(pg), pg.admin.execute("SELECT * FROM tthc.migrations ORDER BY 1").fetchall()) == before


def test_events_are_append_only_in_the_database_itself(pgsite):
    assert pgsite("done", f"{SEED}:I.1", "-d", "2026-01-10").code == 0
    for sql in ("UPDATE tthc.events SET who = 'khác'", "DELETE FROM tthc.events", "TRUNCATE tthc.events"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            pgsite.pg.admin.execute(sql)
    assert len(events(pgsite.pg)) == 1


def test_store_copy_sqlite_to_postgresql_and_back(pgsite, tmp_path):
    """A history with every kind of record and a delivery log goes to PostgreSQL and back, unchanged."""
    sqlite_db = str(tmp_path / "cu.db")
    steps = [("done", f"{SEED}:III.4", "-k", "Quý II/2026", "-d", "2026-07-01", "-e", "Báo cáo 45/BC-UBND",
              "--note", "gửi \"huyện\"; bản giấy"),
             ("undo", f"{SEED}:III.4", "-k", "Quý II/2026"),
             ("trigger", f"{SEED}:IV.2", "--date", "2026-07-01", "--due-in", "10wd"),
             ("done", f"{SEED}:I.1", "-d", "2026-01-10")]
    for s in steps:
        r = pgsite(*s, db=sqlite_db)
        assert r.code == 0, (s, r.err)
    from datetime import date

    from tthc_cli.io.stores import location, open_store, read_all

    with open_store(location(sqlite_db)) as st:
        st.record_sent(date(2026, 7, 10), [("TTPVHCC", "a@xuantruong.gov.vn", True, None, 1, "<m1@x>"),
                                           ("VHXH", "b@xuantruong.gov.vn", False, "550 không có", 3, "<m2@x>")])
        original = st.snapshot()
    to_pg = pgsite("store", "copy", sqlite_db, pgsite.pg.url)
    assert to_pg.code == 0, to_pg.err
    assert "Đã chép 4 bản ghi tiến độ và 2 dòng nhật ký gửi thư" in to_pg.out and "SHA-256 khớp" in to_pg.out
    assert read_all(location(pgsite.pg.url)) == read_all(location(sqlite_db))
    again = pgsite("store", "copy", sqlite_db, pgsite.pg.url)  # idempotent
    assert again.code == 0 and "không chép gì" in again.out
    # the next id follows the copied ones
    nxt = pgsite("done", f"{SEED}:III.4", "-k", "Quý I/2026", "-d", "2026-03-30")
    assert nxt.code == 0 and "bản ghi #5" in nxt.out, nxt.err
    back = str(tmp_path / "moi.db")
    r = pgsite("store", "copy", pgsite.pg.url, back)
    assert r.code == 0 and "Đã chép 5 bản ghi tiến độ và 2 dòng nhật ký gửi thư" in r.out, r.err
    with open_store(location(back)) as st:
        events_back, since_back, sent_back = st.snapshot()
    assert events_back[:4] == original[0] and sent_back == original[2] and since_back == original[1]
    # a target holding other records is refused, and left as it was
    other = pgsite("store", "copy", sqlite_db, back)
    assert other.code == StoreError.exit_code and "đã có dữ liệu khác nguồn" in other.err
    with open_store(location(back)) as st:
        assert st.snapshot() == (events_back, since_back, sent_back)
    same = pgsite("store", "copy", back, back)
    assert same.code == UsageError.exit_code
    missing = pgsite("store", "copy", str(tmp_path / "khong-co.db"), str(tmp_path / "x.db"))
    assert missing.code == StoreError.exit_code and "không tìm thấy" in missing.err


def test_without_psycopg_a_postgresql_url_says_what_to_install(site, tmp_path):
    fake = tmp_path / "khong-psycopg"
    write(fake / "psycopg" / "__init__.py", "raise ImportError('psycopg is not installed here')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"PYTHONPATH": str(fake), "TTHC_TODAY": "2026-07-10", "HOME": str(tmp_path / "home"),
                "TTHC_CACHE_DIR": str(tmp_path / "c")})
    p = subprocess.run([sys.executable, "-m", "tthc_cli", "due", "--plans", str(site.dir / "plans"), "--db",
                        "postgresql://a@127.0.0.1:1/b"], env=env, capture_output=True, timeout=120)
    err = p.stderr.decode()
    assert p.returncode == StoreError.exit_code and 'pip install "tthc-cli[postgres]"' in err and "Traceback" not in err
    # a SQLite store never imports it
    q = subprocess.run([sys.executable, "-c", "import sys; from tthc_cli.cli import main; "
                        "code = main(['due', '--plans', sys.argv[1], '--db', sys.argv[2]]); "
                        "print('psycopg' in sys.modules); sys.exit(code)", str(site.dir / "plans"),
                        str(tmp_path / "s.db")], env=env, capture_output=True, timeout=120)
    assert q.returncode in (0, 3) and q.stdout.decode().strip().endswith("False"), q.stderr.decode()


@pytest.mark.parametrize("url, secret", [
    ("postgresql://lan:Mk-bí_mật-9431@db/tthc", "Mk-bí_mật-9431"),
    ("postgres://lan:p%40ss%2Fw0rd@db:5433/tthc?sslmode=require", "p@ss/w0rd"),
    ("postgresql://lan@db/tthc?sslmode=require&password=hidden-pw", "hidden-pw"),
])
def test_every_form_of_a_url_password_is_masked(url, secret):
    from urllib.parse import quote

    from tthc_cli.io.pgstore import PgUrl, mask

    u = PgUrl(url)
    assert u.has_password and u.password == secret
    shown = u.masked + " " + mask(f"lỗi: {url} ({secret}, {quote(secret, safe='')})", u) + " " + repr(u) + str(u)
    assert secret not in shown and quote(secret, safe="") not in shown and "******" in shown
    assert not PgUrl("postgresql://lan@db/tthc").has_password


def test_extend_progress_and_undo_extension_with_postgresql(pgsite):
    """Issue 15's records through the same store layer: an extension, a progress record, the extension withdrawn;
    the report reads them back from the server."""
    ref, q2 = f"{SEED}:III.1", ("-k", "Quý II/2026")
    assert pgsite("extend", ref, *q2, "--to", "2026-07-31", "-e", "Quyết định số 45/QĐ-UBND", today="2026-06-25").code == 0
    assert pgsite("progress", ref, *q2, "--percent", "50", today="2026-06-26").code == 0
    rows = pgsite("list", "--unit", "TTPVHCC", "-f", "json", "--plans", "plans").json()
    (row,) = [r for r in rows if r["ref"] == ref and r["occurrence"] == "Quý II/2026"]
    assert (row["due"], row["state"], row["progress"]) == ("2026-07-31", "Đang thực hiện", 50)
    assert pgsite("undo", ref, *q2, "--extension").code == 0
    assert [kind for _, kind, *_ in events(pgsite.pg)] == ["extend", "progress", "undone"]
    assert pgsite.pg.admin.execute("SELECT percent, due FROM tthc.events ORDER BY id").fetchall()[1:] == [
        (50, None), (None, date(2026, 7, 31))]
    rep = pgsite("report", "--period", "Quý II/2026", "--unit", "TTPVHCC", "-f", "json", "--plans", "plans").json()
    assert rep["units"][0]["extended"] == 0 and rep["units"][0]["in_progress"] == 1
