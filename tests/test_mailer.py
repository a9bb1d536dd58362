"""The mailer against a real SMTP server on loopback (aiosmtpd, tests/smtp_server.py):
delivery, permanent and temporary refusals, retries with backoff, dropped
connections, an unreachable or silent server, login, STARTTLS, header
injection, and the password kept out of every text."""

from __future__ import annotations

import email
import email.policy
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from smtp_server import closed_port, make_cert, silent_port, smtp_server  # noqa: F401  (smtp_server: fixture)
from tthc_cli.io import mailer
from tthc_cli.io.mailer import AUTH_FAILED, Delivery, Outcome, SmtpSettings, send_all

SENDER = '"Văn phòng HĐND và UBND xã" <vp@xuantruong.gov.vn>'
SUBJECT = "[tthc] TTPVHCC: 9 quá hạn, 2 đến hạn hôm nay, 0 sắp đến hạn (01/06/2026)"
PASSWORD = "Mật-khẩu-bí-mật-42"


def message(unit="TTPVHCC", to=("ttpvhcc@xuantruong.gov.vn",), cc=()) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = SUBJECT.replace("TTPVHCC", unit)
    msg["From"] = Address("Văn phòng HĐND và UBND xã", "vp", "xuantruong.gov.vn")
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg.set_content("Kính gửi Trung tâm Phục vụ hành chính công.\nQUÁ HẠN (9)\n.\n.. dòng bắt đầu bằng dấu chấm\n")
    msg.add_alternative("<p>Quá hạn (9)</p>", subtype="html")
    return msg


def delivery(unit="TTPVHCC", to=("ttpvhcc@xuantruong.gov.vn",), cc=()) -> Delivery:
    return Delivery(unit, list(to), list(cc), message(unit, to, cc))


def settings(server=None, *, port=None, **kw) -> SmtpSettings:
    base = dict(host="127.0.0.1", port=port or server.port, security="none", sender=SENDER, timeout=5)
    base.update(kw)
    return SmtpSettings(**base)


class Recorder:
    def __init__(self):
        self.sleeps, self.progress = [], []

    def sleep(self, seconds):
        self.sleeps.append(seconds)

    def tick(self, done, total):
        self.progress.append((done, total))


def send(deliveries, st, rec=None, **kw) -> list[Outcome]:
    rec = rec or Recorder()
    return send_all(deliveries, st, sleep=rec.sleep, progress=rec.tick, **kw)


def test_messages_arrive_over_one_connection_and_parse_back(smtp_server):
    rec = Recorder()
    a = delivery("TTPVHCC", ["Trung tâm Phục vụ hành chính công <ttpvhcc@xuantruong.gov.vn>"],
                 ["chutich@xuantruong.gov.vn"])
    b = delivery("VHXH", ["vhxh@xuantruong.gov.vn"])
    out = send([a, b], settings(smtp_server), rec)
    assert [(o.unit, o.recipient, o.ok, o.attempts, o.error) for o in out] == [
        ("TTPVHCC", "Trung tâm Phục vụ hành chính công <ttpvhcc@xuantruong.gov.vn>", True, 1, None),
        ("TTPVHCC", "chutich@xuantruong.gov.vn", True, 1, None),
        ("VHXH", "vhxh@xuantruong.gov.vn", True, 1, None)]
    assert rec.progress == [(1, 2), (2, 2)] and rec.sleeps == []
    assert smtp_server.connections == 1
    first, second = smtp_server.messages
    assert first.mail_from == "vp@xuantruong.gov.vn"  # the bare address, not the display name
    assert first.rcpt_tos == ["ttpvhcc@xuantruong.gov.vn", "chutich@xuantruong.gov.vn"]
    assert second.rcpt_tos == ["vhxh@xuantruong.gov.vn"]
    assert b"=?utf-8?" in first.data and b"\r\n" in first.data  # encoded Vietnamese headers, CRLF on the wire
    assert "BODY=8BITMIME" in first.mail_options  # the text parts are 8bit UTF-8
    parsed = email.message_from_bytes(first.data, policy=email.policy.default)
    assert parsed["Subject"] == SUBJECT
    assert parsed["From"].addresses[0].display_name == "Văn phòng HĐND và UBND xã"
    assert parsed["From"].addresses[0].addr_spec == "vp@xuantruong.gov.vn"
    assert parsed["Cc"].addresses[0].addr_spec == "chutich@xuantruong.gov.vn"
    assert parsed["Bcc"] is None
    text = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")  # kept as received
    assert "QUÁ HẠN (9)" in text and "\n.\n.. dòng bắt đầu bằng dấu chấm\n" in text  # dot-stuffing round trip
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Quá hạn (9)</p>"


def test_permanent_refusal_of_one_recipient_others_delivered(smtp_server):
    smtp_server.reject("sai@xuantruong.gov.vn")
    rec = Recorder()
    out = send([delivery(to=["ttpvhcc@xuantruong.gov.vn", "sai@xuantruong.gov.vn"],
                         cc=["chutich@xuantruong.gov.vn"])], settings(smtp_server), rec)
    good, bad, cc = out
    assert good.ok and cc.ok
    assert (bad.ok, bad.permanent, bad.attempts) == (False, True, 1)
    assert bad.error.startswith("máy chủ từ chối người nhận (550 5.1.1 <sai@xuantruong.gov.vn>")
    assert rec.sleeps == []
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ttpvhcc@xuantruong.gov.vn", "chutich@xuantruong.gov.vn"]]
    assert [a for a, _ in smtp_server.rcpt_log].count("sai@xuantruong.gov.vn") == 1  # not retried


def test_all_recipients_refused_and_the_connection_is_still_used(smtp_server):
    smtp_server.reject("a@xuantruong.gov.vn", "b@xuantruong.gov.vn")
    both_refused = delivery("A", ["a@xuantruong.gov.vn"], ["b@xuantruong.gov.vn"])
    out = send([both_refused, delivery("B", ["c@xuantruong.gov.vn"])], settings(smtp_server))
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 1), (False, True, 1), (True, False, 1)]
    assert smtp_server.connections == 1 and len(smtp_server.messages) == 1


def test_temporary_refusal_retried_for_that_recipient_only(smtp_server):
    smtp_server.tempfail("ban@xuantruong.gov.vn", times=1)
    rec = Recorder()
    out = send([delivery(to=["ttpvhcc@xuantruong.gov.vn", "ban@xuantruong.gov.vn"])], settings(smtp_server), rec)
    assert [(o.ok, o.attempts, o.error) for o in out] == [(True, 1, None), (True, 2, None)]
    assert rec.sleeps == [1.0]
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ttpvhcc@xuantruong.gov.vn"], ["ban@xuantruong.gov.vn"]]


def test_temporary_refusal_gives_up_after_the_attempts(smtp_server):
    smtp_server.tempfail("ban@xuantruong.gov.vn", times=10)
    rec = Recorder()
    out = send([delivery(to=["ban@xuantruong.gov.vn"])], settings(smtp_server), rec, backoff=(0.5, 2.0, 8.0))
    (o,) = out
    assert (o.ok, o.permanent, o.attempts) == (False, False, 3)
    assert o.error.startswith("máy chủ tạm thời từ chối người nhận (451 4.7.1")
    assert rec.sleeps == [0.5, 2.0] and smtp_server.messages == []


def test_data_refusal_permanent_or_temporary_by_code(smtp_server):
    smtp_server.data_reply("554 5.7.1 Message rejected as spam", times=1)
    rec = Recorder()
    out = send([delivery("A", ["a@xuantruong.gov.vn", "b@xuantruong.gov.vn"])], settings(smtp_server), rec)
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 1)] * 2
    assert out[0].error == "máy chủ từ chối nội dung thư (554 5.7.1 Message rejected as spam)"
    smtp_server.data_reply("452 4.3.1 Insufficient system storage", times=1)
    out = send([delivery("B", ["a@xuantruong.gov.vn"])], settings(smtp_server), rec)
    assert [(o.ok, o.attempts) for o in out] == [(True, 2)] and rec.sleeps == [1.0]


def test_connection_dropped_mid_transaction_reconnects(smtp_server):
    smtp_server.drop_after_data(times=1)  # closed at the end of DATA, before any reply
    rec = Recorder()
    out = send([delivery("A"), delivery("B", ["b@xuantruong.gov.vn"])], settings(smtp_server), rec)
    assert [(o.unit, o.ok, o.attempts) for o in out] == [("A", True, 2), ("B", True, 1)]
    assert rec.sleeps == [1.0]
    assert [m.message["Subject"].split(":")[0] for m in smtp_server.messages] == ["[tthc] A", "[tthc] B"]
    assert smtp_server.connections == 2


def test_connection_closed_between_messages_reconnects_without_a_retry(smtp_server):
    smtp_server.drop_after_data(times=1, reply=True)  # 250, then the server hangs up
    rec = Recorder()
    out = send([delivery("A"), delivery("B", ["b@xuantruong.gov.vn"])], settings(smtp_server), rec)
    assert [(o.unit, o.ok, o.attempts) for o in out] == [("A", True, 1), ("B", True, 1)]
    assert rec.sleeps == [] and len(smtp_server.messages) == 2 and smtp_server.connections == 2


def test_server_not_running_is_a_temporary_failure_after_the_attempts():
    rec = Recorder()
    with closed_port() as port:
        out = send([delivery("A"), delivery("B", ["b@xuantruong.gov.vn"])], settings(port=port), rec)
    a, b = out
    assert (a.ok, a.permanent, a.attempts) == (False, False, 3)
    assert a.error.startswith(f"không kết nối được máy chủ thư 127.0.0.1:{port} (máy chủ từ chối kết nối")
    assert rec.sleeps == [1.0, 4.0]  # and not again for B: the server is down, B is reported without waiting
    assert (b.ok, b.permanent, b.attempts, b.error) == (False, False, 0, a.error)
    assert rec.progress == [(1, 2), (2, 2)]


def test_silent_server_times_out():
    rec = Recorder()
    with silent_port() as port:
        (o,) = send([delivery()], settings(port=port, timeout=0.2), rec, attempts=2)
    assert (o.ok, o.permanent, o.attempts) == (False, False, 2)
    assert o.error == f"không kết nối được máy chủ thư 127.0.0.1:{port} (hết thời gian chờ 0.2 giây)"


def test_header_with_line_break_is_refused(smtp_server):
    injected = message()
    injected.set_raw("X-Tthc-Unit", "TTPVHCC\r\nBcc: attacker@example.com")  # set_raw bypasses the policy
    legacy = email.message.Message()  # compat32 does not check values at all
    legacy["Subject"] = "Báo cáo\nBcc: attacker@example.com"
    legacy["From"] = "vp@xuantruong.gov.vn"
    legacy.set_payload("x")
    out = send([Delivery("A", ["a@xuantruong.gov.vn"], ["b@xuantruong.gov.vn"], injected),
                Delivery("B", ["b@xuantruong.gov.vn"], [], legacy)], settings(smtp_server))
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 0)] * 3
    assert "X-Tthc-Unit chứa ký tự xuống dòng" in out[0].error and "Subject" in out[2].error
    assert smtp_server.messages == [] and smtp_server.rcpt_log == []


def test_folded_header_of_a_parsed_message_is_not_an_injection(smtp_server):
    raw = message().as_bytes().replace(b"Subject: ", b"Subject: =?utf-8?q?B=C3=A1o_c=C3=A1o?=\r\n\t", 1)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert "\n" in dict(parsed.raw_items())["Subject"]
    (o,) = send([Delivery("A", ["a@xuantruong.gov.vn"], [], parsed)], settings(smtp_server))
    assert o.ok and smtp_server.messages[0].message["Subject"] == "Báo cáo\t" + SUBJECT


def test_login(smtp_server):
    smtp_server.require_auth("tthc@xuantruong.gov.vn", PASSWORD)
    out = send([delivery()], settings(smtp_server, user="tthc@xuantruong.gov.vn", password=PASSWORD))
    assert out[0].ok and smtp_server.logins == ["tthc@xuantruong.gov.vn"]
    # no user configured: the server's 530 says what to do, once for the run
    rec = Recorder()
    out = send([delivery("A"), delivery("B")], settings(smtp_server), rec)
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 1), (False, True, 0)]
    assert out[0].error.startswith("máy chủ thư yêu cầu đăng nhập") and rec.sleeps == []


def test_wrong_password_is_permanent_for_every_delivery_and_never_shown(smtp_server):
    smtp_server.require_auth("tthc@xuantruong.gov.vn", "the-right-one")
    rec = Recorder()
    st = settings(smtp_server, user="tthc@xuantruong.gov.vn", password=PASSWORD)
    out = send([delivery("A", ["a@xuantruong.gov.vn", "b@xuantruong.gov.vn"]), delivery("B")], st, rec)
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 1), (False, True, 1), (False, True, 0)]
    assert all(o.error.startswith(AUTH_FAILED) for o in out)
    assert "535" in out[0].error and rec.sleeps == [] and smtp_server.connections == 1
    assert rec.progress == [(1, 2), (2, 2)]
    shown = repr(st) + str(st) + repr(out) + "".join(o.error for o in out)
    assert PASSWORD not in shown and "******" in repr(st)


def test_password_echoed_by_a_server_is_masked(smtp_server):
    smtp_server.require_auth("tthc", PASSWORD)
    smtp_server.reject("a@xuantruong.gov.vn", reply=f"550 5.1.1 <{{addr}}> unknown (debug: {PASSWORD})")
    (o,) = send([delivery("A", ["a@xuantruong.gov.vn"])], settings(smtp_server, user="tthc", password=PASSWORD))
    assert o.permanent and PASSWORD not in o.error and "(debug: ******)" in o.error


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    made = make_cert(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("openssl is not installed")
    return made


def test_starttls_and_login(smtp_server, cert, monkeypatch):
    import ssl

    smtp_server.enable_starttls(*cert)
    smtp_server.require_auth("tthc", PASSWORD)
    st = settings(smtp_server, security="starttls", user="tthc", password=PASSWORD)
    # the test certificate is not trusted by the system: permanent, reported once for the run
    out = send([delivery("A"), delivery("B")], st)
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 1), (False, True, 0)]
    assert "chứng chỉ TLS của máy chủ không hợp lệ" in out[0].error
    # trusted: STARTTLS, then login, then the message
    monkeypatch.setattr(mailer, "_tls_context", lambda: ssl.create_default_context(cafile=str(cert[0])))
    out = send([delivery("A")], st)
    assert out[0].ok and smtp_server.logins == ["tthc"] and len(smtp_server.messages) == 1


def test_starttls_required_but_not_offered(smtp_server):
    (o,) = send([delivery()], settings(smtp_server, security="starttls"))
    assert (o.ok, o.permanent) == (False, True) and "không hỗ trợ STARTTLS" in o.error


def test_duplicates_and_non_ascii_addresses(smtp_server):
    d = Delivery("A", ["Chủ tịch <chutich@xuantruong.gov.vn>", "chutich@xuantruong.gov.vn"],
                 ["chutich@xuantruong.gov.vn", "nguyễn.văn.a@xuantruong.gov.vn"], message())
    out = send([d], settings(smtp_server))
    assert [(o.recipient, o.ok) for o in out] == [("Chủ tịch <chutich@xuantruong.gov.vn>", True),
                                                   ("chutich@xuantruong.gov.vn", True),
                                                   ("nguyễn.văn.a@xuantruong.gov.vn", True)]
    (m,) = smtp_server.messages
    assert m.rcpt_tos == ["chutich@xuantruong.gov.vn", "nguyễn.văn.a@xuantruong.gov.vn"]
    assert "SMTPUTF8" in m.mail_options and m.message["Subject"] == SUBJECT


def test_login_configured_but_not_offered(smtp_server):
    smtp_server.without("AUTH")
    out = send([delivery("A"), delivery("B")], settings(smtp_server, user="tthc", password=PASSWORD))
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(False, True, 1), (False, True, 0)]
    assert "máy chủ không hỗ trợ đăng nhập (AUTH)" in out[0].error


def test_bad_host_name_is_a_configuration_error():
    (o,) = send([delivery()], settings(port=25, host="smtp..xuantruong.gov.vn"))
    assert (o.ok, o.permanent) == (False, True) and "tên máy chủ không hợp lệ" in o.error


def test_server_without_8bitmime_or_smtputf8(smtp_server):
    smtp_server.without("8BITMIME", "SMTPUTF8")
    d = Delivery("A", ["chutich@xuantruong.gov.vn", "nguyễn.văn.a@xuantruong.gov.vn"], [], message())
    out = send([d], settings(smtp_server))
    assert [(o.ok, o.permanent, o.attempts) for o in out] == [(True, False, 1), (False, True, 1)]
    assert out[1].error == "máy chủ thư không hỗ trợ địa chỉ thư có dấu (SMTPUTF8)"
    (m,) = smtp_server.messages
    assert m.data.isascii() and not any(o.startswith("BODY") for o in m.mail_options)
    body = m.message.get_body(("plain",))
    assert body["Content-Transfer-Encoding"] != "8bit" and "QUÁ HẠN (9)" in body.get_content()
    assert d.message.get_body(("plain",))["Content-Transfer-Encoding"] == "8bit"  # the caller's message unchanged


def test_settings_repr_masks_the_password():
    st = SmtpSettings(host="smtp.xuantruong.gov.vn", security="ssl", user="u", password=PASSWORD, sender=SENDER)
    assert (st.port, st.timeout, st.data_timeout) == (465, 300, 600)  # RFC 5321 4.5.3.2: 5 and 10 minutes
    assert PASSWORD not in repr(st) and "password='******'" in repr(st)
    assert "password=None" in repr(st.replace(password=None))
    with pytest.raises(ValueError):
        SmtpSettings(host="x", security="tls")
