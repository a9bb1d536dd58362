"""Hostile input to the mailer (issue 9): addresses with header syntax, servers that quote the
credentials back, and servers slow to answer the end of DATA. Everything goes through the real
aiosmtpd server on loopback (tests/smtp_server.py) or the real `tthc` command."""

from __future__ import annotations

import base64
import shutil
import sqlite3
import time
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import parseaddr

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from conftest import PLANS, write
from tthc_cli.errors import ConfigError, DeliveryError
from smtp_server import smtp_server  # noqa: F401  (the fixture)
from tthc_cli.io import config
from tthc_cli.core.addresses import mailbox, parse_mailbox
from tthc_cli.io.config import check_address
from tthc_cli.io.mailer import AUTH_FAILED, MASK, Delivery, SmtpSettings, mask_secrets, send_all

SEED = "xuan-truong-cchc-2026"
SENDER = "Văn phòng HĐND và UBND xã <vp@xuantruong.gov.vn>"
REPRODUCER = "Ông A Bcc: x@y <a@b>"  # parseaddr reads it as x@y


class Recorder:
    def __init__(self):
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def message(to=("ttpvhcc@xuantruong.gov.vn",), subject="[tthc] TTPVHCC: 9 quá hạn") -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = mailbox(SENDER)
    msg["To"] = [mailbox(a) for a in to]
    msg.set_content("Kính gửi Trung tâm Phục vụ hành chính công.\nQUÁ HẠN (9)\n")
    return msg


def settings(server, **kw) -> SmtpSettings:
    base = {"host": "127.0.0.1", "port": server.port, "security": "none", "sender": SENDER, "timeout": 5}
    base.update(kw)
    return SmtpSettings(**base)


def send(deliveries, st_, rec=None, **kw):
    rec = rec or Recorder()
    return send_all(deliveries, st_, sleep=rec.sleep, **kw)


@pytest.fixture
def site(tmp_path, tthc):
    """A working folder with the Xuân Trường plan and a tthc.yaml whose smtp: block is `smtp`."""
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / f"{SEED}.yaml", tmp_path / "plans")

    def configure(recipients: str, smtp: str):
        write(tmp_path / "tthc.yaml", f"plans: plans\nrecipients:\n{recipients}\nsmtp:\n{smtp}")

    def run(*args, env=None):
        return tthc(*args, cwd=tmp_path, env={"TTHC_TODAY": "2026-11-22", **(env or {})})

    run.configure = configure
    run.dir = tmp_path
    return run


def _smtp_block(port, extra=""):
    return (f"  host: 127.0.0.1\n  port: {port}\n  security: none\n  sender: \"{SENDER}\"\n"
            f"  retry_delays: [0, 0]\n{extra}")


# --- 1. one mailbox per entry, strictly ---------------------------------------------------------------------------


def test_the_reproducer_is_a_config_error_and_nothing_is_sent(site, smtp_server):
    site.configure(f'  TTPVHCC: {{to: ["{REPRODUCER}"]}}', _smtp_block(smtp_server.port))
    r = site("config", "check")
    assert r.code == ConfigError.exit_code
    assert ('recipients.TTPVHCC.to[0]: địa chỉ thư không hợp lệ: "Ông A Bcc: x@y <a@b>" '
            '(tên hiển thị không được chứa ":")') in r.out
    sent = site("digest", "--unit", "TTPVHCC", "--send")
    assert sent.code == ConfigError.exit_code and "recipients.TTPVHCC.to[0]" in sent.err and "Traceback" not in sent.err
    assert smtp_server.connections == 0 and smtp_server.rcpt_log == []


@pytest.mark.parametrize("value, reason", [
    (REPRODUCER, 'tên hiển thị không được chứa ":"'),
    ("Ông A; x@y.vn <a@b.vn>", 'tên hiển thị không được chứa ";"'),
    ("Nguyễn, Văn A <a@b.vn>", 'tên hiển thị không được chứa ","'),
    ("vp@xa.gov.vn <a@b.vn>", 'tên hiển thị không được chứa "@"'),
    ('"Ông A <x@y.vn>" <a@b.vn>', "mỗi mục chỉ được ghi một địa chỉ trong <…>"),
    ("Ông A <a@b.vn> <x@y.vn>", "mỗi mục chỉ được ghi một địa chỉ trong <…>"),
    ("Ông A <a@b.vn>, x@y.vn", 'địa chỉ trong <…> phải đứng cuối, có đủ dấu "<" và ">"'),
    ("a@b.vn, x@y.vn", "mỗi mục chỉ được ghi một địa chỉ; nhiều người nhận thì dùng danh sách [a@…, b@…]"),
    ("a@b.vn; x@y.vn", "mỗi mục chỉ được ghi một địa chỉ; nhiều người nhận thì dùng danh sách [a@…, b@…]"),
    ("Ông A a@b.vn", "tên hiển thị phải đứng trước địa chỉ trong <…>, ví dụ: Văn phòng <vp@xa.gov.vn>"),
    ('"Ông A <a@b.vn>', 'dấu ngoặc kép (") không cân hoặc đặt sai chỗ: tên hiển thị phải nằm trọn trong một cặp '
                         'ngoặc kép'),
    ('Ông "A" <a@b.vn>', 'dấu ngoặc kép (") không cân hoặc đặt sai chỗ: tên hiển thị phải nằm trọn trong một cặp '
                         'ngoặc kép'),
    ('"Ông \\" A" <a@b.vn>', 'dấu ngoặc kép (") không cân hoặc đặt sai chỗ: tên hiển thị phải nằm trọn trong một '
                             'cặp ngoặc kép'),
    ('"Ông \\ A" <a@b.vn>', 'tên hiển thị không được chứa "\\"'),
    ("Trung tâm (Phục vụ <a@b.vn>", "dấu ngoặc đơn trong tên hiển thị không cân"),
    ("Ông A <a@b.vn", 'địa chỉ trong <…> phải đứng cuối, có đủ dấu "<" và ">"'),
    ("vp@xa.gov.vn\r\nBcc: x@y.vn", "chứa ký tự điều khiển hoặc xuống dòng (U+000D)"),
    ("Ông A\n<a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+000A)"),
    ("Ông A\t<a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+0009)"),
    ("Ông A\u2028Bcc: x@y.vn <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+2028)"),
    ("Ông A\u2029 <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+2029)"),
    ("Ông A\x85 <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+0085)"),
    ("Ông A\x00 <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+0000)"),
    ("Ông A\x1b[2J <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+001B)"),
    ("Ông A\u202e <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+202E)"),
    ("Ông\u00a0A <a@b.vn>", "chứa ký tự điều khiển hoặc xuống dòng (U+00A0)"),
    ("x@y", 'tên miền "y" không hợp lệ'),
    ("a@@b.vn", "địa chỉ phải có đúng một dấu @"),
    ("a@b.vn@c.vn", "địa chỉ phải có đúng một dấu @"),
    ("ab.vn", "địa chỉ phải có đúng một dấu @"),
    ("@b.vn", 'phần trước @ ("") không hợp lệ'),
    (".a@b.vn", 'phần trước @ (".a") không hợp lệ'),
    ("a..b@b.vn", 'phần trước @ ("a..b") không hợp lệ'),
    ("a@b..vn", 'tên miền "b..vn" không hợp lệ'),
    ("a@-b.vn", 'tên miền "-b.vn" không hợp lệ'),
    ("a@[127.0.0.1]", 'tên miền "[127.0.0.1]" không hợp lệ'),
    ("Ông A <>", "thiếu địa chỉ"),
    ("nhóm: a@b.vn;", "mỗi mục chỉ được ghi một địa chỉ; nhiều người nhận thì dùng danh sách [a@…, b@…]"),
    ("   ", "trống"),
])
def test_hostile_or_broken_addresses_are_refused_with_the_reason(value, reason):
    with pytest.raises(ValueError) as exc:
        parse_mailbox(value)
    assert str(exc.value) == reason
    with pytest.raises(ConfigError) as cfg:
        check_address(value, "recipients.VP.to[0]")
    message = cfg.value.message
    assert message.startswith("recipients.VP.to[0]: địa chỉ thư không hợp lệ: ") and message.endswith(f"({reason})")
    assert not any(c in message for c in "\r\n\t\x00\x1b\x85\u2028\u2029\u202e")  # shown escaped, not acted on


@pytest.mark.parametrize("value, name, addr, kept", [
    ("vp@xuantruong.gov.vn", "", "vp@xuantruong.gov.vn", "vp@xuantruong.gov.vn"),
    ("<vp@xuantruong.gov.vn>", "", "vp@xuantruong.gov.vn", "<vp@xuantruong.gov.vn>"),
    ("Văn phòng HĐND và UBND xã <vp@xuantruong.gov.vn>", "Văn phòng HĐND và UBND xã", "vp@xuantruong.gov.vn",
     "Văn phòng HĐND và UBND xã <vp@xuantruong.gov.vn>"),
    ('"Văn phòng HĐND và UBND xã" <vp@xuantruong.gov.vn>', "Văn phòng HĐND và UBND xã", "vp@xuantruong.gov.vn",
     '"Văn phòng HĐND và UBND xã" <vp@xuantruong.gov.vn>'),
    ("Trung tâm Phục vụ hành chính công <ttpvhcc@xuantruong.gov.vn>", "Trung tâm Phục vụ hành chính công",
     "ttpvhcc@xuantruong.gov.vn", "Trung tâm Phục vụ hành chính công <ttpvhcc@xuantruong.gov.vn>"),
    ("Phòng Tư pháp – Hộ tịch (TP) <tp@xa.gov.vn>", "Phòng Tư pháp – Hộ tịch (TP)", "tp@xa.gov.vn",
     "Phòng Tư pháp – Hộ tịch (TP) <tp@xa.gov.vn>"),
    ("Nguyễn V. A <a.b-c+d@sub.xa.gov.vn>", "Nguyễn V. A", "a.b-c+d@sub.xa.gov.vn",
     "Nguyễn V. A <a.b-c+d@sub.xa.gov.vn>"),
    ("nguyễn.văn.a@xuantruong.gov.vn", "", "nguyễn.văn.a@xuantruong.gov.vn", "nguyễn.văn.a@xuantruong.gov.vn"),
    ("  Chủ tịch <chutich@xuantruong.gov.vn>  ", "Chủ tịch", "chutich@xuantruong.gov.vn",
     "Chủ tịch <chutich@xuantruong.gov.vn>"),
    # parseaddr would read the comment elsewhere ("Trung tâm HCC (Phục vụ)"): the canonical form is quoted
    ("Trung tâm (Phục vụ) HCC <a@b.vn>", "Trung tâm (Phục vụ) HCC", "a@b.vn", '"Trung tâm (Phục vụ) HCC" <a@b.vn>'),
])
def test_valid_forms_are_kept_and_read_back_exactly(value, name, addr, kept):
    assert parse_mailbox(value) == (name, addr)
    assert check_address(value, "smtp.sender") == kept
    assert parseaddr(kept) == (name, addr)  # what digest.build reads back to build the headers


_NAME_CHARS = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠẦẤẨẪẬĐ0123456789 .-()'&/_–")
                              + [":", ";", ",", "<", ">", "@", '"', "\\", "\r", "\n", "\u2028", "\x85", "\t"])
_ADDRS = st.sampled_from(["a@b.vn", "vp@xuantruong.gov.vn", "x@y", "nguyễn@xa.gov.vn", "a@b.vn>", "<a@b.vn"])


@hsettings(max_examples=300, deadline=None, database=None)
@given(st.text(_NAME_CHARS, max_size=24), _ADDRS, st.booleans())
def test_an_accepted_entry_is_one_mailbox_and_nothing_else(name, addr, quote):
    """Whatever passes the check builds a header with exactly that one mailbox: no display name can add,
    hide or replace a recipient."""
    value = f'"{name}" <{addr}>' if quote else f"{name} <{addr}>"
    try:
        checked = check_address(value, "recipients.X.to[0]")
    except ConfigError:
        return
    parsed = parse_mailbox(value)
    assert parseaddr(checked) == parsed
    assert not any(c in parsed[0] for c in ':;,<>@"\\\r\n\t\x85\u2028')
    msg = EmailMessage()
    msg["To"] = [mailbox(checked)]
    header = HeaderRegistry()("To", str(msg["To"]))
    assert [(a.display_name, a.addr_spec) for a in header.addresses] == [parsed]
    assert [g.display_name for g in header.groups] == [None]


def test_the_mailer_parses_recipients_as_strictly(smtp_server):
    d = Delivery("A", ["Chủ tịch <chutich@xuantruong.gov.vn>", REPRODUCER], ["Ông B\u2028 <b@xuantruong.gov.vn>"],
                 message(["Chủ tịch <chutich@xuantruong.gov.vn>"]))
    good, bad, sep = send([d], settings(smtp_server))
    assert (good.ok, good.attempts) == (True, 1)
    assert (bad.ok, bad.permanent, bad.attempts) == (False, True, 0)
    assert bad.error == f'địa chỉ người nhận không hợp lệ: "{REPRODUCER}" (tên hiển thị không được chứa ":")'
    assert (sep.ok, sep.permanent, sep.attempts) == (False, True, 0)
    assert sep.error == ('địa chỉ người nhận không hợp lệ: "Ông B\\u2028 <b@xuantruong.gov.vn>" '
                         "(chứa ký tự điều khiển hoặc xuống dòng (U+2028))")
    assert [a for a, _ in smtp_server.rcpt_log] == ["chutich@xuantruong.gov.vn"]  # never x@y, a@b or b@…


def test_a_sender_with_header_syntax_is_refused_before_connecting(smtp_server):
    (o,) = send([Delivery("A", ["a@xuantruong.gov.vn"], [], message(["a@xuantruong.gov.vn"]))],
                settings(smtp_server, sender="Văn phòng Bcc: x@y.vn <vp@xuantruong.gov.vn>"))
    assert (o.ok, o.permanent, o.attempts) == (False, True, 0)
    assert o.error == ('địa chỉ gửi không hợp lệ: "Văn phòng Bcc: x@y.vn <vp@xuantruong.gov.vn>" '
                       '(smtp.sender: tên hiển thị không được chứa ":")')
    assert smtp_server.connections == 0


@pytest.mark.parametrize("header, why", [
    (REPRODUCER, "chứa nhóm địa chỉ"),
    ("undisclosed-recipients:;", "chứa nhóm địa chỉ"),
    ("a@xuantruong.gov.vn x@evil.example", "không đọc được thành danh sách địa chỉ"),
    ("=?utf-8?q?=C3=94ng_A_Bcc=3A_x=40y?= <a@xuantruong.gov.vn>", "có địa chỉ không hợp lệ"),
])
def test_a_message_whose_address_headers_are_not_plain_mailboxes_is_not_sent(smtp_server, header, why):
    msg = message()
    del msg["To"]
    msg["To"] = header  # a raw string: parsed by the policy, as a careless caller would leave it
    (o,) = send([Delivery("A", ["a@xuantruong.gov.vn"], [], msg)], settings(smtp_server))
    assert (o.ok, o.permanent, o.attempts) == (False, True, 0)
    assert o.error.startswith("tiêu đề thư To ") and why in o.error and o.error.endswith("; không gửi")
    assert smtp_server.rcpt_log == [] and smtp_server.messages == []


def test_the_sent_message_carries_exactly_the_configured_mailboxes(site, smtp_server):
    site.configure('  TTPVHCC: {to: ["Trung tâm (Phục vụ) HCC <ttpvhcc@xuantruong.gov.vn>"], '
                   "cc: [\"Chủ tịch UBND xã <chutich@xuantruong.gov.vn>\"]}", _smtp_block(smtp_server.port))
    r = site("digest", "--unit", "TTPVHCC", "--send")
    assert r.code == 0, r.out + r.err
    (m,) = smtp_server.messages
    assert m.rcpt_tos == ["ttpvhcc@xuantruong.gov.vn", "chutich@xuantruong.gov.vn"]
    parsed = m.message
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        ("Trung tâm (Phục vụ) HCC", "ttpvhcc@xuantruong.gov.vn")]
    assert [(a.display_name, a.addr_spec) for a in parsed["Cc"].addresses] == [
        ("Chủ tịch UBND xã", "chutich@xuantruong.gov.vn")]
    assert [(a.display_name, a.addr_spec) for a in parsed["From"].addresses] == [
        ("Văn phòng HĐND và UBND xã", "vp@xuantruong.gov.vn")]


# --- 2. credentials quoted back by a server -----------------------------------------------------------------------

USER = "tthc@xuantruong.gov.vn"
SPACED = "mat khau  bi  mat 42"  # ASCII with runs of spaces: smtplib's AUTH PLAIN, then AUTH LOGIN
VIETNAMESE = "Mật-khẩu bí mật 42"  # non-ASCII: tthc's own AUTH PLAIN in UTF-8


def _b64(raw: str) -> str:
    return base64.b64encode(raw.encode("utf-8")).decode("ascii")


def _forms(user: str, password: str) -> list[str]:
    """Every way the credentials may come back, written out independently of the mailer."""
    squeezed, collapsed = "".join(password.split()), " ".join(password.split())
    out = [password, squeezed, collapsed, password.upper()]
    for p in (password, squeezed):
        for raw in (f"\0{user}\0{p}", f"{user}\0{user}\0{p}", f"{user}\0{p}", p, user + p):
            out += [_b64(raw), _b64(raw).rstrip("=")]
    return out


def _leaks(text: str, user: str, password: str) -> list[str]:
    flat = "".join(text.split())  # a folded reply must not hide a secret either
    return [f for f in _forms(user, password) if f in text or "".join(f.split()) in flat]


def _fold(text: str) -> str:
    half = len(text) // 2
    return f"535-5.7.8 rejected {text[:half]}\r\n535 5.7.8 {text[half:]} end"


@pytest.mark.parametrize("mechanisms, password, reply", [
    (("PLAIN",), VIETNAMESE, "535 5.7.8 bad credentials: {password}"),
    (("PLAIN",), VIETNAMESE, "535 5.7.8 bad credentials: AUTH PLAIN {received}"),
    (("PLAIN",), SPACED, "535 5.7.8 bad credentials: {password}"),  # collapsed to single spaces on the way
    (("PLAIN",), SPACED, "535 5.7.8 password {squeezed} is wrong"),  # the server dropped the spaces
    (("PLAIN",), SPACED, "535 5.7.8 AUTH PLAIN {received}"),
    (("LOGIN",), SPACED, "535 5.7.8 AUTH LOGIN {received}"),  # the user's and the password's base64
    (("LOGIN",), SPACED, "535 5.7.8 {received}"),
    (("PLAIN",), VIETNAMESE, lambda mech, user, pw: _fold(_b64(f"\0{user}\0{pw}"))),  # folded across lines
    (("PLAIN",), VIETNAMESE, lambda mech, user, pw: _fold(pw)),
    (("LOGIN",), SPACED, lambda mech, user, pw: f"535 5.7.8 {_b64(user + pw)} {_b64(user + chr(0) + pw)}"),
    (("PLAIN",), SPACED, lambda mech, user, pw: "535 5.7.8 " + _b64(pw).rstrip("=")),  # padding stripped
])
def test_a_server_quoting_the_credentials_never_gets_them_shown(smtp_server, mechanisms, password, reply):
    smtp_server.require_auth(USER, "the-right-one", reply=reply)
    smtp_server.only_auth(*mechanisms)
    rec = Recorder()
    out = send([Delivery("A", ["a@xuantruong.gov.vn"], [], message()),
                Delivery("B", ["b@xuantruong.gov.vn"], [], message())], settings(smtp_server, user=USER,
                                                                           password=password), rec)
    assert [(o.ok, o.permanent) for o in out] == [(False, True), (False, True)]
    error = out[0].error
    assert error.startswith(f"{AUTH_FAILED}; máy chủ trả lời 535") and MASK in error
    shown = " ".join(o.error for o in out) + repr(out)
    assert _leaks(shown, USER, password) == []
    assert password[:5] not in shown  # nothing of it either, where a long reply is cut
    assert smtp_server.logins == [] and rec.sleeps == []


def test_a_long_reply_is_masked_before_it_is_cut(smtp_server):
    smtp_server.require_auth(USER, "the-right-one", reply="535 5.7.8 " + "x" * 190 + "{password} end")
    (o,) = send([Delivery("A", ["a@xuantruong.gov.vn"], [], message())],
                settings(smtp_server, user=USER, password=VIETNAMESE))
    # cut after 199 characters of the reply: through the mask, never through the password
    assert o.error == f"{AUTH_FAILED}; máy chủ trả lời 535 " + ("5.7.8 " + "x" * 190 + MASK)[:199] + "…"


def test_mask_secrets_covers_every_form_and_leaves_the_rest():
    for form in _forms(USER, SPACED):
        text = f"535 5.7.8 <{form}> rejected for {USER}"
        assert mask_secrets(text, USER, SPACED) == f"535 5.7.8 <{MASK}> rejected for {USER}", form
    spread = "535 " + " ".join(_b64(f"\0{USER}\0{SPACED}"))  # a space between every character
    assert mask_secrets(spread, USER, SPACED) == f"535 {MASK}"
    assert mask_secrets("550 5.1.1 unknown user", USER, SPACED) == "550 5.1.1 unknown user"
    assert mask_secrets("535 mat khau", USER, None) == "535 mat khau"


@pytest.mark.parametrize("quote", [
    lambda user, pw: _b64(f"\0{user}\0{pw}")[: len(_b64(f"\0{user}\0{pw}")) * 3 // 4],  # a reply cut short
    lambda user, pw: pw.encode("utf-8").hex(),
    lambda user, pw: pw.encode("utf-8").hex().upper(),
    lambda user, pw: __import__("urllib.parse").parse.quote(pw, safe=""),
    lambda user, pw: __import__("json").dumps(pw)[1:-1],
    lambda user, pw: pw[: len(pw) * 2 // 3].rstrip(),
])
def test_partial_and_encoded_echoes_are_masked(quote):
    """Found by re-attacking: a server quoting 3/4 of the AUTH PLAIN token, or the password in hex, URL or JSON
    escapes, leaked most of the secret."""
    echo = quote(USER, VIETNAMESE)
    masked = mask_secrets(f"535 5.7.8 saw <{echo}>", USER, VIETNAMESE)
    assert masked == f"535 5.7.8 saw <{MASK}>", echo


def test_escape_sequences_in_a_reply_never_reach_the_terminal(smtp_server):
    smtp_server.require_auth(USER, "the-right-one", reply="535 5.7.8 \x1b[2J\x1b]0;pwned\x07 bad \u202e reversed")
    (o,) = send([Delivery("A", ["a@xuantruong.gov.vn"], [], message())],
                settings(smtp_server, user=USER, password=VIETNAMESE))
    assert "\x1b" not in o.error and "\x07" not in o.error and "\u202e" not in o.error
    assert "bad" in o.error and "reversed" in o.error


def test_the_terminal_and_the_store_never_see_a_quoted_password(site, smtp_server):
    smtp_server.require_auth(USER, "the-right-one", reply="535-5.7.8 got {received}\r\n535 5.7.8 i.e. {password}")
    site.configure("  TTPVHCC: ttpvhcc@xuantruong.gov.vn", _smtp_block(smtp_server.port, f"  user: {USER}\n"))
    r = site("digest", "--unit", "TTPVHCC", "--send", env={"TTHC_SMTP_PASSWORD": VIETNAMESE})
    assert r.code == DeliveryError.exit_code and AUTH_FAILED in r.out and MASK in r.out
    assert _leaks(r.out + r.err, USER, VIETNAMESE) == []
    rows = sqlite3.connect(site.dir / ".tthc" / "progress.db").execute("SELECT ok, error FROM sent").fetchall()
    assert [ok for ok, _ in rows] == [0] and rows[0][1].startswith(AUTH_FAILED)
    assert _leaks(rows[0][1], USER, VIETNAMESE) == []


# --- 3. RFC 5321 timeouts -----------------------------------------------------------------------------------------


def test_a_slow_reply_to_the_end_of_data_is_waited_for_and_nothing_is_sent_twice(smtp_server):
    smtp_server.delay_data_reply(2.0, times=1)
    rec = Recorder()
    a = Delivery("A", ["a@xuantruong.gov.vn", "b@xuantruong.gov.vn"], ["c@xuantruong.gov.vn"],
                 message(["a@xuantruong.gov.vn", "b@xuantruong.gov.vn"]))
    b = Delivery("B", ["d@xuantruong.gov.vn"], [], message(["d@xuantruong.gov.vn"]))
    started = time.monotonic()
    out = send([a, b], settings(smtp_server, timeout=1, data_timeout=5), rec)
    assert time.monotonic() - started >= 2.0  # the reply did come late
    assert [(o.recipient, o.ok, o.attempts, o.error) for o in out] == [
        ("a@xuantruong.gov.vn", True, 1, None), ("b@xuantruong.gov.vn", True, 1, None),
        ("c@xuantruong.gov.vn", True, 1, None), ("d@xuantruong.gov.vn", True, 1, None)]
    assert [m.rcpt_tos for m in smtp_server.messages] == [
        ["a@xuantruong.gov.vn", "b@xuantruong.gov.vn", "c@xuantruong.gov.vn"], ["d@xuantruong.gov.vn"]]
    assert rec.sleeps == [] and smtp_server.connections == 1  # the session goes on with the command timeout


def test_no_reply_to_the_end_of_data_is_not_retried(smtp_server):
    smtp_server.delay_data_reply(2.0, times=1)  # the server keeps the message, then is slow to say so
    rec = Recorder()
    a = Delivery("A", ["a@xuantruong.gov.vn"], ["c@xuantruong.gov.vn"], message(["a@xuantruong.gov.vn"]))
    b = Delivery("B", ["d@xuantruong.gov.vn"], [], message(["d@xuantruong.gov.vn"]))
    out = send([a, b], settings(smtp_server, timeout=1, data_timeout=0.5), rec, attempts=3)
    uncertain = ("máy chủ thư không trả lời sau khi đã nhận hết nội dung thư (chờ 0.5 giây): thư có thể đã đến "
                 "người nhận nên không gửi lại tự động; hỏi lại người nhận trước khi gửi lại")
    assert [(o.recipient, o.ok, o.permanent, o.attempts, o.error) for o in out] == [
        ("a@xuantruong.gov.vn", False, False, 1, uncertain), ("c@xuantruong.gov.vn", False, False, 1, uncertain),
        ("d@xuantruong.gov.vn", True, False, 1, None)]
    assert rec.sleeps == []  # no retry of A
    assert [m.rcpt_tos for m in smtp_server.messages] == [["a@xuantruong.gov.vn", "c@xuantruong.gov.vn"],
                                                          ["d@xuantruong.gov.vn"]]
    assert [a for a, _ in smtp_server.rcpt_log] == ["a@xuantruong.gov.vn", "c@xuantruong.gov.vn",
                                                    "d@xuantruong.gov.vn"]


def test_a_slow_server_through_the_command_gets_each_recipient_one_copy(site, smtp_server):
    smtp_server.delay_data_reply(2.0, times=5)
    site.configure("  TTPVHCC: {to: [ttpvhcc@xuantruong.gov.vn], cc: [chutich@xuantruong.gov.vn]}",
                   _smtp_block(smtp_server.port, "  timeout: 1\n  data_timeout: 5\n"))
    assert site("config", "check").code == 0
    r = site("digest", "--unit", "TTPVHCC", "--send")
    assert r.code == 0, r.out + r.err
    assert "TTPVHCC: gửi 2/2 người nhận" in r.out
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ttpvhcc@xuantruong.gov.vn", "chutich@xuantruong.gov.vn"]]


def _smtp_config(**smtp):
    return config.parse({"smtp": {"host": "mail.xuantruong.gov.vn", "sender": SENDER, **smtp}}, None).smtp


def test_timeouts_default_to_rfc_5321_and_old_files_keep_working():
    assert (_smtp_config()["timeout"], _smtp_config()["data_timeout"]) == (300, 600)
    assert (_smtp_config(timeout=30)["timeout"], _smtp_config(timeout=30)["data_timeout"]) == (30, 600)
    assert _smtp_config(timeout=900)["data_timeout"] == 900  # never shorter than a longer command timeout
    assert (_smtp_config(timeout=0.5, data_timeout=120.5)["timeout"],
            _smtp_config(timeout=0.5, data_timeout=120.5)["data_timeout"]) == (0.5, 120.5)
    st_ = SmtpSettings.from_config(_smtp_config(timeout=1, data_timeout=5), "pw")
    assert (st_.host, st_.port, st_.timeout, st_.data_timeout, st_.password) == ("mail.xuantruong.gov.vn", 587, 1, 5,
                                                                                "pw")
    assert SmtpSettings(host="h", timeout=30).data_timeout == 600


@pytest.mark.parametrize("key", ["timeout", "data_timeout"])
@pytest.mark.parametrize("value", [0, -5, 3601, float("inf"), float("nan"), "30", True, None, [30]])
def test_bad_timeouts_are_config_errors_naming_the_key(key, value):
    with pytest.raises(ConfigError) as exc:
        _smtp_config(**{key: value})
    default = 300 if key == "timeout" else 600
    assert exc.value.message == f"smtp.{key} phải là số giây, lớn hơn 0 và tối đa 3600 (mặc định {default})"
