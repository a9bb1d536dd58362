"""The configuration file: found, checked, and used by the commands."""

import shutil

import pytest

from conftest import PLANS, write
from tthc_cli.errors import ConfigError

SEED = "xuan-truong-cchc-2026"


def _setup(tmp_path, config_text):
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")
    write(tmp_path / "tthc.yaml", config_text)


def test_config_in_the_working_folder_is_used(tthc, tmp_path):
    _setup(tmp_path, """\
plans: plans
db: tien-do.db
user: Trần Văn Bình
warn_days: 20
days_off:
  - {date: 2026-06-30, name: Nghỉ thử nghiệm}
""")
    r = tthc("done", f"{SEED}:I.1", "-d", "2026-01-10", cwd=tmp_path, env={"TTHC_TODAY": "2026-06-12"})
    assert r.code == 0, r.err
    assert (tmp_path / "tien-do.db").exists()
    hist = tthc("history", "--format", "json", cwd=tmp_path).json()
    assert hist[0]["who"] == "Trần Văn Bình"
    rows = tthc("due", "--unit", "TTPVHCC", "--within", "20d", "--format", "json", cwd=tmp_path,
                env={"TTHC_TODAY": "2026-06-12"}).json()
    june = [r for r in rows if r["due"] == "2026-06-30"]
    assert june and all(r["day_off"] == "Nghỉ thử nghiệm" for r in june)
    assert all(r["status"] == "Sắp đến hạn" for r in june)  # warn_days 20: 18 days ahead is "soon"


def test_unknown_key_and_bad_values(tthc, tmp_path):
    _setup(tmp_path, "warn_day: 5\n")
    r = tthc("due", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and 'khóa "warn_day" không có trong cấu hình; có phải "warn_days"?' in r.err
    write(tmp_path / "tthc.yaml", "days_off: [2026-02-30]\n")
    r = tthc("due", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and "days_off[0]" in r.err and "Traceback" not in r.err
    write(tmp_path / "tthc.yaml", "roll_forward: có\n")
    assert "roll_forward phải là true hoặc false" in tthc("due", cwd=tmp_path).err


def test_config_option_and_environment(tthc, tmp_path):
    _setup(tmp_path, "warn_day: 5\n")  # a broken local file, not used below
    good = write(tmp_path / "other.yaml", "plans: plans\nwarn_days: 3\n")
    assert tthc("--config", good, "due", "--today", "2026-06-01", cwd=tmp_path).code == 0
    assert tthc("due", "--today", "2026-06-01", cwd=tmp_path, env={"TTHC_CONFIG": str(good)}).code == 0
    missing = tthc("--config", tmp_path / "khong-co.yaml", "due", cwd=tmp_path)
    assert missing.code == ConfigError.exit_code and "không tìm thấy tệp cấu hình" in missing.err


def test_the_progress_store_sits_beside_the_plans_folder(tthc, tmp_path):
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")
    for plans, code in (("plans", 0), (f"plans/{SEED}.yaml", 2)):  # a folder or a file inside it: the same place
        r = tthc("done", f"{SEED}:I.1", "-d", "2026-01-10", "--plans", plans, cwd=tmp_path,
                 env={"TTHC_TODAY": "2026-02-01"})
        assert r.code == code, r.err
    assert "đã được ghi hoàn thành" in r.err  # the second time: already recorded in the same store
    assert (tmp_path / ".tthc" / "progress.db").exists()
    assert not (tmp_path / "plans" / ".tthc").exists()
    db = tmp_path / "elsewhere.db"
    assert tthc("done", f"{SEED}:I.2", "-k", "Quý I/2026", "-d", "2026-01-10", "--db", db, "--plans", "plans",
                cwd=tmp_path, env={"TTHC_TODAY": "2026-02-01"}).code == 0
    assert db.exists()


def test_bad_within_and_unreadable_password_file(tthc, tmp_path):
    _setup(tmp_path, "plans: plans\nwithin: hai tuần\n")
    r = tthc("due", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and 'within: không hiểu "hai tuần"' in r.err
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret").chmod(0o700)  # private, but a folder: it cannot be read as a password
    write(tmp_path / "tthc.yaml", "plans: plans\nsmtp: {host: h, sender: a@b.vn, user: u, password_file: secret}\n")
    r = tthc("config", "check", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and "\"secret\" là thư mục, không phải tệp mật khẩu" in r.out and "Traceback" not in r.out + r.err


def test_written_files_follow_the_umask(tthc, tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "p.yaml"
        r = tthc("import", PLANS.parent / "tests" / "fixtures" / "seeds" / "002_733c5d3c7c7b8732.txt", "-o", out)
        assert r.code == 0, r.err
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # readable by colleagues, as any new file


def test_config_check_knows_the_units_the_plans_define(tthc, tmp_path):
    """`digest` accepts recipients for a unit a plan defines; `config check` must too (issue 10, item 6)."""
    write(tmp_path / "plans" / "a.yaml", """\
plan: {id: kh-thu, title: Thử, period: 2026}
units:
  - {code: TDP1, name: Tổ dân phố số 1}
tasks:
  - {id: "1", title: Việc, lead: Tổ dân phố số 1, deadline: Quý I/2026}
""")
    write(tmp_path / "tthc.yaml", "plans: plans\nrecipients:\n  TDP1: tdp1@xuantruong.gov.vn\n"
                                  "smtp: {host: h, sender: vp@xuantruong.gov.vn}\n")
    r = tthc("config", "check", cwd=tmp_path)
    assert r.code == 0, r.out
    write(tmp_path / "tthc.yaml", "plans: plans\nrecipients:\n  TDP9: x@xuantruong.gov.vn\n"
                                  "smtp: {host: h, sender: vp@xuantruong.gov.vn}\n")
    r = tthc("config", "check", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and 'không có đơn vị "TDP9"' in r.out


@pytest.mark.parametrize("text, message", [
    ("~: 5\n", 'khóa rỗng (~ hoặc null) không có trong cấu hình'),
    ("null: 5\n", 'khóa rỗng (~ hoặc null) không có trong cấu hình'),
    ("smtp:\n  ~: x\n", 'smtp: khóa rỗng (~ hoặc null) không hợp lệ'),
    ("true: 1\n", 'khóa "true" không có trong cấu hình'),
])
def test_a_key_yaml_reads_as_null_or_true_is_named_as_written(tthc, tmp_path, text, message):
    _setup(tmp_path, text)
    r = tthc("config", "check", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and message in r.out and "None" not in r.out + r.err
