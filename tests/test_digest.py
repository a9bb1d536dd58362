"""The email digest: .eml dry runs, content and headers, and delivery through a
real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import shutil

import pytest

from conftest import PLANS, write
from tthc_cli.errors import ConfigError, DeliveryError, LockedError

SEED = "xuan-truong-cchc-2026"


@pytest.fixture
def site(tmp_path, tthc):
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")

    def configure(port=25, extra=""):
        write(tmp_path / "tthc.yaml", f"""\
plans: plans
commune: UBND xã Xuân Trường
recipients:
  TTPVHCC:
    to: ["Trung tâm Phục vụ hành chính công <ttpvhcc@xuantruong.gov.vn>"]
    cc: [chutich@xuantruong.gov.vn]
  VHXH: vhxh@xuantruong.gov.vn
  PKT: pkt@xuantruong.gov.vn
smtp:
  host: 127.0.0.1
  port: {port}
  security: none
  sender: "Văn phòng HĐND và UBND xã <vp@xuantruong.gov.vn>"
{extra}""")

    def run(*args, today="2026-06-01", env=None):
        return tthc(*args, cwd=tmp_path, env={"TTHC_TODAY": today, **(env or {})})

    configure()
    run.configure = configure
    run.dir = tmp_path
    return run


def _parse(path):
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_eml_dry_run(site):
    r = site("digest", "--all", "--out", "thu")
    assert r.code == 0, r.err
    files = sorted(p.name for p in (site.dir / "thu").iterdir())
    assert files == ["2026-06-01-PKT.eml", "2026-06-01-TTPVHCC.eml", "2026-06-01-VHXH.eml"]
    msg = _parse(site.dir / "thu" / "2026-06-01-TTPVHCC.eml")
    assert msg["Subject"] == "[tthc] TTPVHCC: 9 quá hạn, 0 sắp đến hạn (01/06/2026)"
    assert msg["From"].addresses[0].display_name == "Văn phòng HĐND và UBND xã"
    assert msg["To"].addresses[0].addr_spec == "ttpvhcc@xuantruong.gov.vn"
    assert msg["Cc"].addresses[0].addr_spec == "chutich@xuantruong.gov.vn"
    raw = (site.dir / "thu" / "2026-06-01-TTPVHCC.eml").read_bytes()
    assert b"=?utf-8?" in raw  # the Vietnamese subject is encoded on the wire
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "QUÁ HẠN (9)" in text and "Công khai kết quả đánh giá việc giải quyết TTHC" in text
    assert "Ngoài ra: 11 nhiệm vụ không có hạn cụ thể (9 thường xuyên, 2 chờ điều kiện)." in text
    assert html.index("Quá hạn (9)") < html.index("Đến hạn hôm nay (0)") < html.index("Sắp tới (0)")
    assert "<td" in html and "Quý I,II, III, IV/2026" in html
    # on 01/01/2025 nothing is overdue or due within 14 days: no email unless --always
    quiet = site("digest", "--all", "--out", "yen", today="2025-01-01")
    assert quiet.code == 0 and "PKT: bỏ qua" in quiet.out
    assert list((site.dir / "yen").glob("*")) == []
    always = site("digest", "--unit", "PKT", "--out", "yen", "--always", today="2025-01-01")
    assert always.code == 0 and (site.dir / "yen" / "2025-01-01-PKT.eml").exists()


def test_no_header_injection_from_task_titles(site):
    plan = site.dir / "plans" / f"{SEED}.yaml"
    text = plan.read_text(encoding="utf-8").replace(
        "title: Xây dựng, tổ chức thực hiện Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2026",
        'title: "Rà soát TTHC\\nBcc: attacker@example.com\\r\\nSubject: hacked"')
    plan.write_text(text, encoding="utf-8")
    r = site("digest", "--unit", "TTPVHCC", "--out", "thu")
    assert r.code == 0, r.err
    msg = _parse(site.dir / "thu" / "2026-06-01-TTPVHCC.eml")
    assert msg["Bcc"] is None and msg["Subject"].startswith("[tthc] TTPVHCC")
    assert "attacker@example.com" in msg.get_body(("plain",)).get_content()  # kept as text in the body only


def test_bad_configuration(site):
    site.configure(extra="  password: lo-ra\n")
    r = site("digest", "--all", "--send")
    assert r.code == ConfigError.exit_code and "không ghi mật khẩu trong tệp cấu hình" in r.err
    site.configure()
    write(site.dir / "tthc.yaml", (site.dir / "tthc.yaml").read_text(encoding="utf-8").replace(
        "vhxh@xuantruong.gov.vn", "vhxh@@xuantruong"))
    r = site("config", "check")
    assert r.code == ConfigError.exit_code and "địa chỉ thư không hợp lệ" in r.out
    site.configure()
    write(site.dir / "tthc.yaml", (site.dir / "tthc.yaml").read_text(encoding="utf-8").replace("  PKT:", "  PTP:"))
    r = site("config", "check")
    assert r.code == ConfigError.exit_code and 'không có đơn vị "PTP"' in r.out
    site.configure(extra="  user: tthc@xuantruong.gov.vn\n")
    r = site("digest", "--all", "--send")
    assert r.code == ConfigError.exit_code and "thiếu mật khẩu" in r.err
    r = site("config", "check")
    assert r.code == ConfigError.exit_code and "thiếu mật khẩu" in r.out


def test_password_file_must_be_private_and_is_never_shown(site):
    secret = site.dir / ".smtp-password"
    secret.write_text("mat-khau-bi-mat\n", encoding="utf-8")
    secret.chmod(0o644)
    site.configure(extra="  user: tthc@xuantruong.gov.vn\n  password_file: .smtp-password\n")
    r = site("config", "check")
    assert r.code == ConfigError.exit_code and "quyền 0600" in r.out
    secret.chmod(0o600)
    assert site("config", "check").code == 0
    shown = site("config", "show")
    assert "mat-khau-bi-mat" not in shown.out and "******" in shown.out
    shown = site("config", "show", env={"TTHC_SMTP_PASSWORD": "mat-khau-env"})
    assert "mat-khau-env" not in shown.out and "TTHC_SMTP_PASSWORD" in shown.out


# --- delivery through a real SMTP server on loopback -------------------------------------------------------------

from smtp_server import smtp_server  # noqa: E402,F401  (the fixture)


def _send_setup(site, smtp_server):
    site.configure(port=smtp_server.port, extra="  retry_delays: [0, 0]\n")


def test_send_delivers_one_message_per_unit_and_a_second_run_sends_nothing(site, smtp_server):
    _send_setup(site, smtp_server)
    r = site("digest", "--all", "--send", today="2026-11-22")
    assert r.code == 0, r.err
    got = {m.message["X-Tthc-Unit"]: m for m in smtp_server.messages}
    assert set(got) == {"TTPVHCC", "VHXH", "PKT"}  # every unit with items has recipients configured
    t = got["TTPVHCC"]
    assert sorted(t.rcpt_tos) == ["chutich@xuantruong.gov.vn", "ttpvhcc@xuantruong.gov.vn"]
    msg = t.message
    assert msg["Subject"].startswith("[tthc] TTPVHCC: ") and msg["Subject"].endswith("(22/11/2026)")
    assert msg.get_body(("plain",)).get_content().startswith("Kính gửi: Trung tâm Phục vụ hành chính công xã")
    assert "<table" in msg.get_body(("html",)).get_content()
    assert "TTPVHCC: gửi 2/2 người nhận" in r.out
    again = site("digest", "--all", "--send", today="2026-11-22")
    assert again.code == 0 and len(smtp_server.messages) == 3
    assert "đã gửi hôm nay, không gửi lại" in again.out
    forced = site("digest", "--unit", "VHXH", "--send", "--resend", today="2026-11-22")
    assert forced.code == 0 and len(smtp_server.messages) == 4


def test_a_refused_recipient_is_reported_and_only_it_is_retried_next_run(site, smtp_server):
    _send_setup(site, smtp_server)
    smtp_server.reject("chutich@xuantruong.gov.vn")
    r = site("digest", "--all", "--send", today="2026-11-22")
    assert r.code == DeliveryError.exit_code
    assert "TTPVHCC: gửi 1/2 người nhận" in r.out and "chutich@xuantruong.gov.vn" in r.out
    assert "chạy lại lệnh này" in r.err
    first = len(smtp_server.messages)
    smtp_server.reject()  # nothing more is refused
    again = site("digest", "--all", "--send", today="2026-11-22")
    assert again.code == 0, again.out
    resent = smtp_server.messages[first:]
    assert [m.rcpt_tos for m in resent] == [["chutich@xuantruong.gov.vn"]]  # only what failed


def test_temporary_errors_are_retried_and_a_dropped_connection_recovers(site, smtp_server):
    _send_setup(site, smtp_server)
    smtp_server.tempfail("vhxh@xuantruong.gov.vn", times=2)
    smtp_server.drop_after_data(times=1)
    r = site("digest", "--all", "--send", today="2026-11-22")
    assert r.code == 0, r.out + r.err
    units = sorted(m.message["X-Tthc-Unit"] for m in smtp_server.messages)
    assert units == ["PKT", "TTPVHCC", "VHXH"]


def test_an_unreachable_server_gives_exit_2_and_nothing_marked_sent(site, tmp_path):
    from smtp_server import closed_port

    with closed_port() as port:
        site.configure(port=port, extra="  retry_delays: [0, 0]\n")
        r = site("digest", "--unit", "VHXH", "--send", today="2026-11-22")
    assert r.code == DeliveryError.exit_code and "không kết nối được" in r.out
    import sqlite3

    con = sqlite3.connect(site.dir / ".tthc" / "progress.db")
    assert con.execute("select count(*) from sent where ok = 1").fetchone()[0] == 0
    assert con.execute("select count(*) from sent where ok = 0").fetchone()[0] == 1


def test_two_overlapping_runs_do_not_both_send(site, smtp_server):
    import fcntl

    _send_setup(site, smtp_server)
    lock = site.dir / ".tthc" / "digest.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run is sending
        r = site("digest", "--all", "--send", today="2026-11-22")
    assert r.code == LockedError.exit_code and "một lượt gửi khác đang chạy" in r.err
    assert smtp_server.messages == []


def test_date_and_message_id_come_from_the_edge(site):
    """The Date header is when the digest was made (not 06:00 of the digest day) and each run gets a fresh
    Message-ID; built without them (golden files) the message is the same bytes every time (issue 10, item 6)."""
    from datetime import date, datetime, timezone

    from tthc_cli.outputs.digest import build

    r = site("digest", "--unit", "TTPVHCC", "--out", "thu", today="2026-06-01")
    assert r.code == 0, r.err
    msg = _parse(site.dir / "thu" / "2026-06-01-TTPVHCC.eml")
    sent = msg["Date"].datetime
    assert abs((sent - datetime.now(timezone.utc)).total_seconds()) < 3600
    again = site("digest", "--unit", "TTPVHCC", "--out", "thu", "--force", today="2026-06-01")
    assert again.code == 0
    assert _parse(site.dir / "thu" / "2026-06-01-TTPVHCC.eml")["Message-ID"] != msg["Message-ID"]

    def made():
        return bytes(build("VP", "Văn phòng", [], today=date(2026, 6, 1), horizon=date(2026, 6, 15),
                           sender="tthc <tthc@tthc.invalid>", to=["vp@xuantruong.gov.vn"], cc=[]).message)

    first = made()
    assert first == made()
    assert b"Date: Mon, 01 Jun 2026 06:00:00 +0700" in first and b"Message-ID: <tthc.VP.2026-06-01@tthc.invalid>" in first


def test_all_without_recipients_says_so_and_writes_nothing(tthc, tmp_path):
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")
    r = tthc("digest", "--all", "--out", "thu", "--plans", "plans", "--today", "2026-06-01", cwd=tmp_path)
    assert r.code == ConfigError.exit_code and "chưa có người nhận" in r.err and "--unit" in r.err
    assert not (tmp_path / "thu").exists()
    one = tthc("digest", "--unit", "VP", "--out", "thu", "--plans", "plans", "--today", "2026-06-01", cwd=tmp_path)
    assert one.code == 0 and [p.name for p in (tmp_path / "thu").iterdir()] == ["2026-06-01-VP.eml"]
