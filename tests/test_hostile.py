"""Hostile and broken input (issue 9): each reproducer gets a Vietnamese message and a documented exit code,
within seconds and bounded memory, and changes no file it should not.

Every run here goes through the real CLI (in-process, or as a process where the case needs one) under an
address-space limit, so a regression that allocates without bound fails the test instead of taking the
machine down."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import PLANS, ROOT, Result, _environment, run_in_process, write
from tthc_cli.errors import EXIT_PARTIAL, ConfigError, FileError, PlanError, StoreError, UsageError

MEMORY_LIMIT = 1536 * 1024 * 1024  # an honest run of these needs under 200 MB
SEED = "xuan-truong-cchc-2026"

GOOD = """\
plan:
  id: thu-nghiem-2026
  title: Kế hoạch thử nghiệm
  period: 2026
tasks:
  - id: "1"
    title: Báo cáo quý
    lead: Văn phòng HĐND và UBND
    deadline: Quý I/2026
"""


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture
def run(tmp_path):
    """The CLI in-process under an address-space limit and a time limit, in a private home and cache; as a
    separate process where the case is about the process's own streams (`stdout=`)."""

    def call(*args, cwd=None, env=None, stdin=None, stdout=subprocess.PIPE, timeout=60) -> Result:
        e = _environment(tmp_path, env)
        if stdout is subprocess.PIPE:
            r = run_in_process(args, stdin=stdin, cwd=cwd or tmp_path, env=e, memory=MEMORY_LIMIT, seconds=timeout)
        else:
            argv = [sys.executable, "-m", "tthc_cli", *(a if isinstance(a, bytes) else str(a) for a in args)]
            p = subprocess.run(argv, input=stdin, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd or tmp_path, env=e,
                               timeout=timeout, preexec_fn=_limits)
            r = Result(p.returncode, p.stdout.decode("utf-8", "replace") if p.stdout else "",
                       p.stderr.decode("utf-8", "replace"))
        assert "Traceback" not in r.err and "Traceback" not in r.out, r.err
        return r

    return call


@pytest.fixture
def plans(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", d)
    return d


# -- resources -------------------------------------------------------------------------------------------------------

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))


@pytest.mark.parametrize("text, message", [
    ("plan: {id: x, period: 2026}\ntasks:\n  - id: '1'\n    title: t\n    lead: &a [*a]\n", "vòng"),
    (BILLION_LAUGHS, "làm tệp lớn lên"),
    ("plan:\n  id: a\n  id: b\n  period: 2026\ntasks: []\n", 'khóa "id" viết hai lần'),
    ("plan: {id: a, period: !!int x}\ntasks: []\n", "thẻ YAML"),
    ("plan: {id: a, period: 2026}\ntasks: " + "[" * 5000 + "]" * 5000 + "\n", ""),
    # found by re-attacking: YAML breaks lines at U+2028 and NEL too, so an anchor may follow them
    ("plan: {id: a, period: 2026}\ntasks:\n  - id: '1'\n    title: t\n    lead: [VP,\u2028&a [*a]]\n", "vòng"),
    ("plan: {id: a, period: 2026}\ntasks:\n  - id: '1'\n    title: t\n    lead: [VP,\x85&a [*a]]\n", "vòng"),
    ("plan: {id: a, period: 2026}\ntasks: []\nx: !!binary AAAA\ny: {? [a, b] : 1}\n", "không làm khóa được"),
])
def test_yaml_that_explodes_or_lies_is_refused(run, tmp_path, text, message):
    f = write(tmp_path / "p" / "bad.yaml", text)
    for command in (("validate", f), ("due", "--plans", f, "--today", "2026-06-01")):
        r = run(*command)
        assert r.code == PlanError.exit_code, r.err
        assert message in r.err + r.out


def test_plan_with_aliases_within_budget_still_loads(run, tmp_path):
    f = write(tmp_path / "p" / "a.yaml", GOOD + "  - id: '2'\n    title: Việc hai\n    lead: &vp Văn phòng HĐND và UBND\n"
              "    support: [*vp]\n    deadline: Quý II/2026\n")
    r = run("validate", f)
    assert r.code == 0, r.out
    merged = write(tmp_path / "p" / "b.yaml", GOOD.replace("plan:\n  id: thu-nghiem-2026", "plan:\n  id: thu-nghiem-2")
                   + "  - <<: {lead: Công an xã, deadline: Quý II/2026}\n    id: '3'\n    title: Việc ba\n"
                   "    lead: Văn phòng HĐND và UBND\n")  # a merged key overridden by one written out: valid YAML
    r = run("list", "--all", "--plans", merged, "--today", "2026-06-01", "-f", "json")
    assert r.code == 0, r.err
    [three] = [row for row in r.json() if row["task"] == "3"]
    assert three["lead_codes"] == ["VP"] and three["due"] == "2026-06-30"


def test_non_regular_files_are_refused_without_hanging(run, tmp_path, plans):
    fifo = tmp_path / "ong.yaml"
    os.mkfifo(fifo)
    r = run("due", "--plans", fifo, "--today", "2026-06-01", timeout=20)
    assert r.code == PlanError.exit_code and "ống dẫn (FIFO)" in r.err
    r = run("due", "--plans", "/dev/zero", "--today", "2026-06-01", timeout=20)
    assert r.code == PlanError.exit_code and '"/dev/zero" là thiết bị' in r.err
    r = run("import", fifo, timeout=20)
    assert r.code == FileError.exit_code and "ống dẫn (FIFO)" in r.err
    db = tmp_path / "db.fifo"
    os.mkfifo(db)
    r = run("due", "--plans", plans, "--db", db, "--today", "2026-06-01", timeout=20)
    assert r.code == StoreError.exit_code and "ống dẫn (FIFO)" in r.err
    r = run("done", "I.1", "--plans", plans, "--db", db, "--today", "2026-06-01", timeout=20)
    assert r.code == StoreError.exit_code and "ống dẫn (FIFO)" in r.err
    assert stat.S_ISFIFO(os.stat(db).st_mode)  # left as it was


def test_docx_zip_bomb_is_refused_before_unpacking(run, tmp_path):
    bomb = tmp_path / "bom.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (400 * 1024 * 1024) + b"</w:document>")
    assert bomb.stat().st_size < 1024 * 1024
    r = run("import", bomb, timeout=30)
    assert r.code == FileError.exit_code and "giải nén ra quá lớn" in r.err


# -- writers that never destroy --------------------------------------------------------------------------------------

def test_report_and_ics_refuse_an_existing_file_without_force(run, plans, tmp_path):
    target = plans / f"{SEED}.yaml"
    before = target.read_bytes()
    for command in (("report", "--period", "Quý II/2026"), ("ics",)):
        r = run(*command, "--plans", plans, "--today", "2026-06-01", "-o", target)
        assert r.code == FileError.exit_code and "đã có; thêm --force" in r.err
        assert target.read_bytes() == before
    out = tmp_path / "bao-cao.md"
    assert run("report", "--period", "Quý II/2026", "--plans", plans, "--today", "2026-06-01", "-f", "md", "-o",
               out).code == 0
    assert run("report", "--period", "Quý II/2026", "--plans", plans, "--today", "2026-06-01", "-f", "md", "-o",
               out, "--force").code == 0
    assert out.read_text(encoding="utf-8").startswith("# ")


def test_writers_follow_a_symlink_and_refuse_special_files(run, plans, tmp_path):
    real = tmp_path / "that" / "lich.ics"
    real.parent.mkdir()
    real.write_text("cũ")
    os.chmod(real, 0o640)
    link = tmp_path / "lich.ics"
    link.symlink_to(real)
    assert run("ics", "--plans", plans, "--today", "2026-06-01", "-o", link, "--force").code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    dangling = tmp_path / "hong.ics"
    dangling.symlink_to(tmp_path / "khong-co" / "x.ics")
    r = run("ics", "--plans", plans, "--today", "2026-06-01", "-o", dangling, "--force")
    assert r.code == FileError.exit_code and "liên kết hỏng" in r.err and not (tmp_path / "khong-co").exists()
    fifo = tmp_path / "ong.ics"
    os.mkfifo(fifo)
    r = run("ics", "--plans", plans, "--today", "2026-06-01", "-o", fifo, "--force", timeout=20)
    assert r.code == FileError.exit_code and "không phải tệp thường" in r.err and stat.S_ISFIFO(os.stat(fifo).st_mode)
    r = run("report", "--period", "Năm 2026", "--plans", plans, "--today", "2026-06-01", "-o", "/dev/null", "--force")
    assert r.code == FileError.exit_code and "thiết bị" in r.err and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    r = run("report", "--period", "Năm 2026", "--plans", plans, "--today", "2026-06-01", "-f", "xlsx",
            "-o", fifo, "--force", timeout=20)
    assert r.code == FileError.exit_code and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert not [p for p in tmp_path.rglob("*.tthc-tmp")]


def test_stale_temporary_files_are_swept(tmp_path):
    from tthc_cli.io.files import STALE_SECONDS, sweep, write_file

    old = tmp_path / ".bao-cao.md.123.456.tthc-tmp"
    old.write_text("x")
    fresh = tmp_path / ".khac.md.1.2.tthc-tmp"  # another run may be writing it right now
    fresh.write_text("y")
    os.utime(old, (0, 0))
    write_file(tmp_path / "bao-cao.md", "nội dung", force=False)
    assert not old.exists() and fresh.exists()
    assert sweep(tmp_path, now=os.stat(fresh).st_mtime + STALE_SECONDS + 1) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.md"]


def test_file_names_from_unit_codes_never_leave_the_folder(tmp_path):
    from tthc_cli.io.files import FileError, inside, safe_name

    assert safe_name("VP/HĐND") == "VP_HĐND"
    assert safe_name("..") == "khong-ro"
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("A\r\nBcc: x") == "A_Bcc_x"
    (tmp_path / "out").mkdir()
    assert inside(tmp_path / "out", "2026-06-01-VP.eml") == tmp_path / "out" / "2026-06-01-VP.eml"
    with pytest.raises(FileError):
        inside(tmp_path / "out", "../x.eml")


# -- no silent gaps --------------------------------------------------------------------------------------------------

def test_a_plan_with_a_syntax_error_makes_due_and_check_exit_4_and_names_it(run, plans):
    broken = write(plans / "hong.yaml", "plan:\n  id: hong\n  title: [chưa đóng\n")
    r = run("due", "--unit", "TTPVHCC", "--plans", plans, "--today", "2026-06-01")
    assert r.code == EXIT_PARTIAL
    assert "Việc cần làm — TTPVHCC" in r.out  # the rest is still shown
    assert f"{broken}: dòng 4: YAML sai cú pháp" in r.err and "BỎ QUA" in r.err
    assert run("check", "--plans", plans, "--today", "2026-06-01").code == EXIT_PARTIAL
    assert run("ics", "--plans", plans, "--today", "2026-06-01").code == EXIT_PARTIAL
    assert run("due", "--plans", broken, "--today", "2026-06-01").code == PlanError.exit_code  # nothing at all could be read


# -- strict values ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("due", "--today", "15/13"), "hãy viết đủ ngày, tháng, năm"),
    (("due", "--today", "31/02/2026"), "không tồn tại"),
    (("due", "--today", "9999-12-31"), "nằm ngoài khoảng"),
    (("due", "--today", "9999-12-31", "--within", "1m"), "nằm ngoài khoảng"),
    (("due", "--today", "2026-06-01", "--within", "9999m"), "dài quá 10 năm"),
    (("trigger", "1", "--date", "9999-12-31"), "nằm ngoài khoảng"),
    (("ics", "--alarm-days", "-1", "--today", "2026-06-01"), "--alarm-days"),
    (("units", "--format", "xml"), "--format"),
    (("validate", "--format", "xml"), "--format"),
])
def test_impossible_option_values_are_errors_not_guesses(run, plans, args, message):
    r = run(*args, "--plans", plans)
    assert r.code == UsageError.exit_code and message in r.err
    assert r.out == ""


def test_undecodable_bytes_in_an_argument(run, plans, tmp_path):
    db = tmp_path / "p.db"
    assert run("done", "I.1", "--plans", plans, "--db", db, "--today", "2026-06-01", "-e", "ok").code == 0
    r = run("done", "I.2", "--plans", plans, "--db", db, "--today", "2026-06-01", "--evidence", b"Q\xff\xfe")
    assert r.code == UsageError.exit_code and "không phải UTF-8" in r.err


# -- the store -------------------------------------------------------------------------------------------------------

def test_an_empty_progress_db_is_refused_and_kept(run, plans, tmp_path):
    db = tmp_path / ".tthc" / "progress.db"
    db.parent.mkdir()
    db.touch()
    for command in (("due",), ("done", "I.1")):
        r = run(*command, "--plans", plans, "--db", db, "--today", "2026-06-01")
        assert r.code == StoreError.exit_code and "tệp rỗng (0 byte)" in r.err
    assert db.stat().st_size == 0 and sorted(p.name for p in db.parent.iterdir()) == ["progress.db"]


def test_an_impossible_row_is_named(run, plans, tmp_path):
    db = tmp_path / "p.db"
    assert run("done", "I.1", "--plans", plans, "--db", db, "--today", "2026-06-01").code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE events SET day = '2026-02-30'")
    r = run("due", "--plans", plans, "--db", db, "--today", "2026-06-01")
    assert r.code == StoreError.exit_code and "bản ghi #1 có day không hợp lệ ('2026-02-30')" in r.err


def test_twenty_done_at_once_on_one_item_record_it_once(plans, tmp_path):
    db = tmp_path / "p.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"})
    subprocess.run([sys.executable, "-m", "tthc_cli", "validate", plans], env=env, capture_output=True)  # warm cache
    argv = [sys.executable, "-m", "tthc_cli", "done", "I.1", "--plans", str(plans), "--db", str(db),
            "--today", "2026-06-01", "-e", "Báo cáo số 1"]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(20)]
    results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    ok = [r for r in results if r[0] == 0]
    assert len(ok) == 1, results
    assert all(code == UsageError.exit_code and "đã được ghi hoàn thành" in err for code, _, err in results if code != 0), results
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE kind = 'done'").fetchone()[0] == 1


def test_the_same_trigger_twice_is_recorded_once(run, tmp_path):
    plan = write(tmp_path / "p" / "a.yaml", GOOD + "  - id: '2'\n    title: Khi có hướng dẫn\n    lead: Văn phòng HĐND "
                 "và UBND\n    deadline: Trong thời hạn 10 ngày kể từ ngày có hướng dẫn của tỉnh\n")
    db = tmp_path / "p.db"
    assert run("trigger", "2", "--date", "2026-05-04", "--plans", plan, "--db", db).code == 0
    r = run("trigger", "2", "--date", "2026-05-04", "--plans", plan, "--db", db)
    assert r.code == UsageError.exit_code and "đã được ghi (bản ghi #1" in r.err
    assert run("trigger", "2", "--date", "2026-05-06", "--plans", plan, "--db", db).code == 0  # a correction
    r = run("trigger", "2", "--date", "2026-05-04", "--plans", plan, "--db", db)  # the first one again
    assert r.code == UsageError.exit_code and "đã được ghi (bản ghi #1" in r.err


def _as_reader():
    """preexec_fn: a user who may read but not write. As root, drop the capabilities that let root ignore
    file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) from the bounding set, so the
    modes apply after exec; as anyone else the modes apply anyway."""
    _limits()
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2, 3):
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_reader_who_may_not_write_reads_and_leaves_nothing_behind(tmp_path, run):
    base = tmp_path / "chung"
    shutil.copytree(PLANS, base / "plans")
    db = base / ".tthc" / "progress.db"
    r = run("done", "xuan-truong-cchc-2026:I.1", "--plans", base / "plans", "--today", "2026-06-01", "-e", "BC 1",
            cwd=base)
    assert r.code == 0, r.err
    folders = (base, base / "plans", db.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_CACHE_DIR": "", "HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"})

    def reader(*args):
        return subprocess.run([sys.executable, "-m", "tthc_cli", *args], cwd=base, env=env, capture_output=True,
                              text=True, preexec_fn=_as_reader, timeout=60)

    try:
        for d in folders:
            os.chmod(d, 0o555)
        os.chmod(db, 0o444)
        probe = reader("done", "xuan-truong-cchc-2026:I.2", "-k", "Quý I/2026", "--today", "2026-06-01")
        assert probe.returncode == StoreError.exit_code and "không có quyền ghi" in probe.stderr, probe.stderr  # really read-only
        for command in (("due", "--unit", "TTPVHCC", "--today", "2026-06-01"), ("list", "--all", "--today", "2026-06-01"),
                        ("report", "--period", "Năm 2026", "--today", "2026-06-01"), ("history",)):
            p = reader(*command)
            assert p.returncode == 0, (command, p.stderr)
            assert "Traceback" not in p.stderr
        assert "BC 1" in reader("history").stdout
        assert sorted(x.name for x in db.parent.iterdir()) == ["progress.db"]  # no -wal/-shm left by the reader
    finally:
        for d in folders:
            os.chmod(d, 0o755)
        os.chmod(db, 0o644)
    r = run("done", "xuan-truong-cchc-2026:I.2", "-k", "Quý I/2026", "--plans", base / "plans", "--today", "2026-06-01",
            cwd=base)
    assert r.code == 0, r.err


def test_a_reader_with_write_access_to_the_folder_leaves_no_file_either(tmp_path, run):
    """In a shared folder everyone may write, a reader's -shm (owned by them) would block the owner's next done."""
    shutil.copytree(PLANS, tmp_path / "plans")
    db = tmp_path / ".tthc" / "progress.db"
    assert run("done", "xuan-truong-cchc-2026:I.1", "--plans", tmp_path / "plans", "--today", "2026-06-01").code == 0
    for command in (("due",), ("list", "--all"), ("check",)):
        run(*command, "--plans", tmp_path / "plans", "--today", "2026-06-01")
        assert sorted(x.name for x in db.parent.iterdir()) == ["progress.db"]


# -- outputs ---------------------------------------------------------------------------------------------------------

def test_output_to_a_full_disk_is_a_message(run, plans):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        r = run("list", "--all", "--plans", plans, "--today", "2026-06-01", stdout=full)
    assert r.code == FileError.exit_code and "đĩa đầy" in r.err


def test_output_to_a_closed_stdout_is_a_message(plans, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env.update({"TTHC_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"})
    p = subprocess.run([sys.executable, "-m", "tthc_cli", "due", "--plans", str(plans), "--today", "2026-06-01"],
                       env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1),
                       timeout=60)
    err = p.stderr.decode("utf-8")
    assert p.returncode == FileError.exit_code and "stdout) đã bị đóng" in err and "Traceback" not in err


def test_a_terminal_in_a_windows_code_page_gets_readable_output(run, plans):
    r = run("due", "--unit", "TTPVHCC", "--plans", plans, "--today", "2026-06-01", env={"PYTHONIOENCODING": "cp1258"})
    assert r.code == 0
    assert "TTPVHCC" in r.out


def test_an_unforeseen_error_is_one_line_and_a_crash_report(tmp_path, monkeypatch, capsys):
    from tthc_cli import cli
    from tthc_cli.core import queries

    def broken(*a, **k):
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setenv("TTHC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(queries, "collect", broken)
    assert cli.main(["due", "--plans", str(PLANS), "--today", "2026-06-01"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lỗi ngoài dự kiến (RuntimeError)" in err and "Traceback" not in err
    reports = list((tmp_path / "cache").glob("tthc-crash-*.txt"))
    assert len(reports) == 1 and "hỏng giữa chừng" in reports[0].read_text(encoding="utf-8")
    assert str(reports[0]) in err


def test_a_cache_folder_others_may_write_is_not_used(run, plans, tmp_path):
    cache = tmp_path / "chung"
    cache.mkdir()
    os.chmod(cache, 0o777)
    r = run("due", "--plans", plans, "--today", "2026-06-01", env={"TTHC_CACHE_DIR": str(cache)})
    assert r.code == 0 and "không dùng bộ nhớ đệm" in r.err and "người khác ghi được" in r.err
    assert list(cache.iterdir()) == []


from smtp_server import smtp_server  # noqa: E402,F401  (the fixture)


def test_digest_send_with_a_broken_plan_says_so_in_the_mail_and_exits_4(run, plans, tmp_path, smtp_server):
    write(plans / "hong.yaml", "plan:\n  id: hong\n  title: 'chưa đóng\n")
    write(tmp_path / "tthc.yaml", f"""\
plans: plans
recipients:
  TTPVHCC: ttpvhcc@xuantruong.gov.vn
smtp:
  host: 127.0.0.1
  port: {smtp_server.port}
  security: none
  sender: "Văn phòng <vp@xuantruong.gov.vn>"
  retry_delays: [0, 0]
""")
    r = run("digest", "--all", "--send", "--today", "2026-06-01")
    assert r.code == EXIT_PARTIAL, r.err
    assert "  - plans/hong.yaml: dòng 4: YAML sai cú pháp" in r.err  # as the config names the plans folder
    [m] = smtp_server.messages
    text = m.message.get_body(("plain",)).get_content()
    assert text.startswith("CẢNH BÁO: 1 tệp kế hoạch không đọc được nên KHÔNG có trong nội dung dưới đây")
    assert "  - plans/hong.yaml: dòng 4: " in text
    assert "CẢNH BÁO: 1 tệp kế hoạch" in m.message.get_body(("html",)).get_content()


def test_digest_out_without_any_config_uses_a_valid_placeholder_sender(run, plans, tmp_path):
    r = run("digest", "--unit", "TTPVHCC", "--out", tmp_path / "thu", "--plans", plans, "--today", "2026-06-01")
    assert r.code == 0, r.err
    [first, *_] = sorted((tmp_path / "thu").glob("*.eml"))
    assert b"From: tthc <tthc@tthc.invalid>" in first.read_bytes()
    again = run("digest", "--unit", "TTPVHCC", "--out", tmp_path / "thu", "--plans", plans, "--today", "2026-06-01")
    assert again.code == FileError.exit_code and "đã có; thêm --force" in again.err


def test_a_report_missing_a_plan_says_so_in_its_header(run, plans, tmp_path):
    import json

    from openpyxl import load_workbook

    write(plans / "hong.yaml", "plan: [\n")
    base = ("report", "--period", "Năm 2026", "--plans", plans, "--today", "2026-06-01")
    r = run(*base)
    assert r.code == EXIT_PARTIAL
    assert r.out.splitlines()[2].startswith("CẢNH BÁO: số liệu THIẾU 1 tệp kế hoạch không đọc được: ")
    assert "hong.yaml" in r.out.splitlines()[2]
    r = run(*base, "-f", "json")
    assert r.code == EXIT_PARTIAL and [g["file"] for g in json.loads(r.out)["left_out"]] == [str(plans / "hong.yaml")]
    assert run(*base, "-f", "xlsx", "-o", tmp_path / "r.xlsx").code == EXIT_PARTIAL
    ws = load_workbook(tmp_path / "r.xlsx")["Tổng hợp"]
    assert ws["A3"].value.startswith("CẢNH BÁO: số liệu THIẾU 1 tệp")


@pytest.fixture
def tiny_disk(tmp_path):
    """A 512 KB tmpfs (needs root and a kernel that lets us mount): a disk we can fill."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_says_so_and_reads_still_work(run, plans, tiny_disk):
    db = tiny_disk / "progress.db"
    assert run("done", "I.1", "--plans", plans, "--db", db, "--today", "2026-06-01", "-e", "BC 1").code == 0
    filler = tiny_disk / "filler"
    with open(filler, "wb", buffering=0) as fh:  # fill every last block
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    r = run("done", "I.2", "-k", "Quý I/2026", "--plans", plans, "--db", db, "--today", "2026-06-01",
            "-e", "x" * 100_000)
    assert r.code == StoreError.exit_code and "đĩa đầy" in r.err, r.err
    r = run("history", "--plans", plans, "--db", db, "-f", "json")
    assert r.code == 0 and [e["evidence"] for e in __import__("json").loads(r.out)] == ["BC 1"]


def test_a_cache_entry_parsed_under_older_rules_is_not_served(run, tmp_path):
    """A plan with a key written twice, cached by a tthc that let the last one win, must not come back from the
    cache as if it were fine: the cache format is part of every entry's stamp."""
    import marshal

    from tthc_cli import __version__
    from tthc_cli.io import loader

    plan = write(tmp_path / "p" / "a.yaml", GOOD.replace("    deadline: Quý I/2026\n",
                                                         "    deadline: Quý I/2026\n    deadline: Quý IV/2026\n"))
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    resolved = str(plan.resolve())
    st = plan.stat()
    old_stamp = (4, __version__, resolved, st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino)
    import yaml

    data = yaml.safe_load(plan.read_text(encoding="utf-8"))  # the last "deadline" wins, as tthc 3 cached it
    name = loader._sha1(resolved.encode()).hexdigest()
    (cache / f"{name}.cache").write_bytes(marshal.dumps((old_stamp, data)))
    os.chmod(cache / f"{name}.cache", 0o600)
    r = run("list", "--all", "--plans", plan, "--today", "2026-06-01")
    assert r.code == PlanError.exit_code and 'khóa "deadline" viết hai lần' in r.err
    assert "Quý IV/2026" not in r.out


def test_a_reader_reads_records_still_in_the_write_ahead_log(tmp_path, run):
    """While the owner holds the store open, its records sit in -wal: a reader that may not write sees them."""
    shutil.copytree(PLANS, tmp_path / "plans")
    db = tmp_path / ".tthc" / "progress.db"
    assert run("done", "xuan-truong-cchc-2026:I.1", "--plans", tmp_path / "plans", "--today", "2026-06-01",
               "-e", "BC 1").code == 0
    from datetime import date

    from tthc_cli.core.progress import DONE, Event
    from tthc_cli.io.store import Store

    holder = Store.open(db)  # the owner's open connection keeps -wal and -shm in place
    try:
        holder.add(Event(DONE, "xuan-truong-cchc-2026", "I.2", occurrence="Quý I/2026", day=date(2026, 3, 30),
                         evidence="BC 2", who="chủ"))
        assert (db.parent / "progress.db-wal").stat().st_size > 0
        os.chmod(db.parent, 0o555)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
        env.update({"TTHC_CACHE_DIR": "", "HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"})
        p = subprocess.run([sys.executable, "-m", "tthc_cli", "history", "-f", "json"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, preexec_fn=_as_reader, timeout=60)
        assert p.returncode == 0, p.stderr
        assert sorted(e["evidence"] for e in __import__("json").loads(p.stdout)) == ["BC 1", "BC 2"]
    finally:
        os.chmod(db.parent, 0o755)
        holder.close()


def test_thousands_of_repeated_due_dates_stay_cheap(run, tmp_path):
    dates = ", ".join(["2026-06-01"] * 300 + ["2026-06-02"])
    f = write(tmp_path / "p" / "a.yaml", GOOD + f"  - id: '2'\n    title: Lặp\n    lead: VP\n    due: [{dates}]\n")
    r = run("list", "--all", "--plans", f, "--today", "2026-06-01", "-f", "json")
    assert r.code == 0 and [row["due"] for row in r.json() if row["task"] == "2"] == ["2026-06-01", "2026-06-02"]
    many = write(tmp_path / "q" / "a.yaml", GOOD + "  - id: '2'\n    title: Lặp\n    lead: VP\n    due: ["
                 + ", ".join(["2026-06-01"] * 5000) + "]\n")
    r = run("validate", many)
    assert r.code == PlanError.exit_code and "due có 5000 ngày" in r.out


def test_plans_a_folder_walk_could_not_read_are_named(run, plans, tmp_path):
    os.mkfifo(plans / "ong.yaml")
    (plans / "hong.yaml").symlink_to(tmp_path / "khong-co.yaml")
    (plans / "zero.yml").symlink_to("/dev/zero")
    r = run("check", "--plans", plans, "--today", "2026-06-01", timeout=30)
    assert r.code == EXIT_PARTIAL
    for name in ("ong.yaml", "hong.yaml", "zero.yml"):
        assert f"{plans / name}: " in r.err
    assert "3 tệp kế hoạch không đọc được" in r.err


def test_names_and_users_that_are_not_utf8(run, plans, tmp_path):
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/th\xff\xfe"))
    odd.mkdir()
    shutil.copy(plans / f"{SEED}.yaml", odd / os.fsdecode(b"k\xffh.yaml"))
    r = run("due", "--plans", odd, "--today", "2026-06-01", cwd=odd)
    assert r.code == 0 and "Việc cần làm" in r.out
    r = run("done", "I.1", "--plans", plans, "--db", tmp_path / "p.db", "--today", "2026-06-01",
            env={"TTHC_USER": os.fsdecode(b"c\xffb\nx")})
    assert r.code == 0, r.err
    r = run("history", "--plans", plans, "--db", tmp_path / "p.db", "-f", "json")
    assert __import__("json").loads(r.out)[0]["who"] == "c?b x"


@pytest.mark.parametrize("value", ["31m", "3d", "1 h", "2 giờ trước", "\x1b[31m"])
def test_today_never_reads_a_time_or_a_code_as_a_day(run, plans, value):
    r = run("due", "--plans", plans, env={"TTHC_TODAY": value})
    assert r.code == UsageError.exit_code and "không hiểu ngày" in r.err and "\x1b" not in r.err


def test_two_spellings_of_one_unit_in_recipients_are_refused(run, plans, tmp_path):
    write(tmp_path / "tthc.yaml", """\
plans: plans
recipients:
  TTPVHCC: a@xuantruong.gov.vn
  Trung tâm Phục vụ hành chính công xã: b@xuantruong.gov.vn
""")
    r = run("config", "check")
    assert r.code == ConfigError.exit_code and "là cùng một đơn vị (TTPVHCC)" in r.out
    r = run("digest", "--all", "--out", tmp_path / "thu", "--today", "2026-06-01")
    assert r.code == ConfigError.exit_code and "là cùng một đơn vị (TTPVHCC)" in r.err and not (tmp_path / "thu").exists()


def test_an_xlsx_report_onto_a_full_disk_is_one_message(run, plans, tiny_disk):
    filler = tiny_disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    os.truncate(filler, filler.stat().st_size - 8192)  # room for the start of the file, not the whole
    r = run("report", "--period", "Năm 2026", "--plans", plans, "--today", "2026-06-01", "-f", "xlsx",
            "-o", tiny_disk / "r.xlsx")
    assert r.code == FileError.exit_code and "đĩa đầy" in r.err and "Exception ignored" not in r.err
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]


# -- boundaries a mutation check found untested ----------------------------------------------------------------------

def test_the_safe_reader_refuses_a_fifo_it_is_handed_directly(tmp_path):
    from tthc_cli.io.files import FileError, read_regular

    fifo = tmp_path / "mat-khau"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(FileError, match="ống dẫn"):
        read_regular(fifo, 1024, "tệp mật khẩu")  # would block forever on a FIFO no one writes


def test_sweep_removes_only_its_own_stale_temporary_files(tmp_path):
    from tthc_cli.io.files import sweep

    for name in (".ghi-chu", "bao-cao.tthc-tmp", ".bao-cao.md.1.2.tthc-tmp"):
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (0, 0))
    assert sweep(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ghi-chu", "bao-cao.tthc-tmp"]


def test_a_file_that_appears_while_writing_is_not_clobbered(tmp_path):
    from tthc_cli.io.files import FileError, replacing

    target = tmp_path / "bao-cao.md"
    with pytest.raises(FileError, match="đã có"):
        with replacing(target, force=False) as tmp:
            tmp.write_text("của tthc")
            target.write_text("của người khác")  # a competing writer got there first
    assert target.read_text() == "của người khác"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.md"]


def test_the_alias_budget_grows_with_the_file_but_not_past_its_size(run, tmp_path):
    base = "[" + ", ".join(f"v{i}" for i in range(20_000)) + "]"
    f = write(tmp_path / "p" / "a.yaml", f"plan: {{id: a, period: 2026}}\ntasks: []\nx: &base {base}\n"
              "y: [*base, *base, *base]\n")
    r = run("validate", f)
    assert r.code == PlanError.exit_code and "tham chiếu YAML (&, *) làm tệp lớn lên" in r.out


def test_two_keys_that_are_one_value_next_to_a_merge_key(run, tmp_path):
    f = write(tmp_path / "p" / "a.yaml", "plan: {id: a, period: 2026, title: 'có << trong tên'}\ntasks: []\n"
              "x:\n  1: a\n  01: b\n")
    r = run("validate", f)
    assert r.code == PlanError.exit_code and "hai khóa viết khác nhau nhưng cùng một giá trị" in r.out


def test_a_cache_folder_the_group_may_write_is_not_used(run, plans, tmp_path):
    cache = tmp_path / "nhom"
    cache.mkdir()
    os.chmod(cache, 0o770)
    r = run("due", "--plans", plans, "--today", "2026-06-01", env={"TTHC_CACHE_DIR": str(cache)})
    assert r.code == 0 and "người khác ghi được" in r.err and list(cache.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cache_file_someone_else_owns_is_not_loaded(tmp_path):
    from tthc_cli.io import cachecodec, loader

    stamp = ("x",)
    forged = tmp_path / "entry.cache"
    forged.write_bytes(cachecodec.dumps((stamp, {"plan": {"title": "GIẢ"}})))
    os.chmod(forged, 0o600)
    assert loader._read_cache(forged, stamp) == {"plan": {"title": "GIẢ"}}
    os.chown(forged, os.geteuid() + 1, -1)
    assert loader._read_cache(forged, stamp) is None


def test_a_plans_folder_too_big_to_be_one_is_refused(tmp_path, monkeypatch):
    from tthc_cli.io import loader
    from tthc_cli.errors import PlanPathError

    for i in range(20):
        (tmp_path / f"k{i}.yaml").write_text("x: 1")
    monkeypatch.setattr(loader, "MAX_ENTRIES", 10)
    with pytest.raises(PlanPathError, match="quá nhiều tệp"):
        loader.discover([str(tmp_path)])
    monkeypatch.setattr(loader, "MAX_ENTRIES", 1000)
    monkeypatch.setattr(loader, "MAX_FILES", 3)
    with pytest.raises(PlanPathError, match="hơn 3 tệp .yaml"):
        loader.discover([str(tmp_path)])


def test_escape_sequences_from_the_command_line_are_not_echoed(run, plans):
    r = run("due", "--unit", "X\x1b]0;S\x07", "--plans", plans, "--today", "2026-06-01")
    assert r.code == UsageError.exit_code and "\x1b" not in r.err and "\x07" not in r.err
    r = run("resolve", "--today", "2026-06-01", stdin=b"Qu\xc3\xbd II/2026 \x1b]0;t\x07 \x1bP\n")
    assert r.code == 0 and "\x1b" not in r.out and "30/06/2026" in r.out


def test_resolve_reads_a_bounded_stdin():
    p = subprocess.run(f"head -c 30000000 /dev/zero | {sys.executable} -m tthc_cli resolve --today 2026-06-01",
                       shell=True, capture_output=True, timeout=60, preexec_fn=_limits)
    err = p.stderr.decode("utf-8")
    assert p.returncode == UsageError.exit_code and "đầu vào quá lớn" in err and "Traceback" not in err


def test_an_absurd_terminal_width_is_capped(run, plans):
    r = run("due", "--unit", "TTPVHCC", "--plans", plans, "--today", "2026-06-01", env={"COLUMNS": "99999999"})
    assert r.code == 0 and max(len(line) for line in r.out.splitlines()) <= 400


def test_the_temporary_files_of_a_killed_store_creation_are_swept(tmp_path):
    from tthc_cli.io.files import sweep

    for side in ("", "-journal", "-wal", "-shm"):
        f = tmp_path / f".progress.db.123.456.tthc-tmp{side}"
        f.write_text("x")
        os.utime(f, (0, 0))
    (tmp_path / "progress.db-wal").write_text("x")  # the real store's log is never touched
    os.utime(tmp_path / "progress.db-wal", (0, 0))
    assert sweep(tmp_path) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db-wal"]


def test_config_check_refuses_a_within_every_run_would_refuse(run, plans, tmp_path):
    write(tmp_path / "tthc.yaml", "plans: plans\nwithin: 9999m\n")
    r = run("config", "check")
    assert r.code == ConfigError.exit_code and "dài quá 10 năm" in r.out


def test_an_output_name_ending_in_a_slash_is_a_folder_name(run, plans, tmp_path):
    r = run("report", "--period", "Năm 2026", "--plans", plans, "--today", "2026-06-01", "-f", "csv",
            "-o", f"{tmp_path}/x.csv/")
    assert r.code == FileError.exit_code and "là tên thư mục" in r.err and not (tmp_path / "x.csv").exists()
