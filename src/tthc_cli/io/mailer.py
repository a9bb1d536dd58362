"""Delivering composed messages over SMTP: the only place that talks to a mail server.

`send_all` opens one connection (SMTP or SMTP_SSL, STARTTLS, login) and keeps
it for every delivery, checking it with NOOP before reuse and reconnecting
when it has dropped. Each recipient gets one `Outcome`:

- accepted: ok;
- refused with a 5xx reply: permanent, not retried;
- refused with a 4xx reply, or the connection dropped or timed out: retried,
  for those recipients only, up to `attempts` times in all, sleeping
  `backoff[i]` between attempts;
- no reply to the end of DATA within `data_timeout`: failed, not retried (the
  server may have accepted the message: see `_Run._lost`).

Timeouts follow RFC 5321 4.5.3.2: `timeout` (default 5 minutes) for the
greeting and each command, `data_timeout` (default 10 minutes) for the reply
to the end of the message, when the server may be checking it.

Failures that would repeat for every message stop the run early instead of
waiting through every retry again: a rejected login, a server without
STARTTLS or AUTH, an untrusted certificate (permanent), and a server that
could not be reached for a whole delivery (temporary). The deliveries after
that are not tried and get the same error with `attempts=0`.

No exception leaves `send_all` except programming errors. Error texts are
Vietnamese, carry the server's reply, and never contain the password in any
form a server could quote (`mask_secrets`).

Addresses are checked as strictly as the configuration checks them
(`core.addresses.parse_mailbox`): the envelope gets exactly the parsed addr-spec of
each recipient, and a message whose address headers hold anything but plain
mailboxes (a group, an unparsable entry, header syntax in a display name) is
not sent.
"""

from __future__ import annotations

import base64
import copy
import functools
import io
import re
import smtplib
import socket
import ssl
import time
from email.generator import BytesGenerator
from email.message import EmailMessage

from tthc_cli.core.addresses import parse_mailbox, quoted
from tthc_cli.io.config import DATA_TIMEOUT, DEFAULT_PORTS, SECURITIES, TIMEOUT
from tthc_cli.core.value import Value

MASK = "******"

AUTH_FAILED = "đăng nhập máy chủ thư thất bại: kiểm tra user và mật khẩu (TTHC_SMTP_PASSWORD)"
DROPPED = "mất kết nối giữa chừng"
NO_SMTPUTF8 = "máy chủ thư không hỗ trợ địa chỉ thư có dấu (SMTPUTF8)"


class SmtpSettings(Value):
    """Where and how to connect; `repr` never shows the password.

    `timeout`: seconds to wait for the greeting and for the reply to each command;
    `data_timeout`: for the reply to the end of DATA (None: 600 s, or `timeout` if longer).
    """

    __slots__ = ("host", "port", "security", "user", "password", "sender", "timeout", "data_timeout")

    def __init__(self, host: str, port: int | None = None, security: str = "starttls", user: str | None = None,
                 password: str | None = None, sender: str = "", timeout: float = TIMEOUT,
                 data_timeout: float | None = None):
        if security not in SECURITIES:
            raise ValueError(f"security must be one of {SECURITIES}, not {security!r}")
        self.host = host
        self.port = DEFAULT_PORTS[security] if port is None else port
        self.security = security
        self.user = user
        self.password = password
        self.sender = sender
        self.timeout = timeout
        self.data_timeout = max(DATA_TIMEOUT, timeout) if data_timeout is None else data_timeout

    @classmethod
    def from_config(cls, smtp: dict, password: str | None) -> SmtpSettings:
        """The settings of a checked `smtp:` configuration entry (config._smtp) and the password."""
        return cls(host=smtp["host"], port=smtp.get("port"), security=smtp.get("security") or "starttls",
                   user=smtp.get("user"), password=password, sender=smtp.get("sender") or "",
                   timeout=smtp.get("timeout") or TIMEOUT, data_timeout=smtp.get("data_timeout"))

    def __repr__(self) -> str:
        return (f"SmtpSettings(host={self.host!r}, port={self.port!r}, security={self.security!r}, "
                f"user={self.user!r}, password={MASK if self.password else None!r}, sender={self.sender!r}, "
                f"timeout={self.timeout!r}, data_timeout={self.data_timeout!r})")


class Delivery(Value):
    """One composed message and the recipients it still has to reach."""

    __slots__ = ("unit", "to", "cc", "message")

    def __init__(self, unit: str, to: list[str], cc: list[str], message: EmailMessage):
        self.unit = unit
        self.to = list(to)
        self.cc = list(cc)
        self.message = message


class Outcome(Value):
    """What happened to one recipient of one delivery."""

    __slots__ = ("unit", "recipient", "ok", "permanent", "error", "attempts")

    def __init__(self, unit: str, recipient: str, ok: bool, permanent: bool = False, error: str | None = None,
                 attempts: int = 1):
        self.unit = unit
        self.recipient = recipient
        self.ok = ok
        self.permanent = permanent
        self.error = error
        self.attempts = attempts


def send_all(deliveries, settings: SmtpSettings, *, attempts: int = 3, backoff=(1.0, 4.0), sleep=time.sleep,
             progress=None, record=None) -> list[Outcome]:
    """Send every delivery; one Outcome per recipient (to, then cc) per delivery, in order.

    `progress(done, total)` is called after each delivery, and `record(outcomes)`
    with that delivery's outcomes as soon as they are known (so a run stopped
    midway has logged what it delivered).
    """
    deliveries = list(deliveries)
    total = len(deliveries)
    run = _Run(settings, max(1, int(attempts)), tuple(backoff), sleep)
    outcomes: list[Outcome] = []
    try:
        for done, delivery in enumerate(deliveries, 1):
            new = run.deliver(delivery)
            outcomes.extend(new)
            if record is not None:
                record(new)
            if progress is not None:
                progress(done, total)
    finally:
        run.connection.close()
    return outcomes


# ---------------------------------------------------------------------------------------------------------------


class _Failure(Exception):
    """An attempt that failed for every pending recipient of a delivery.

    `fatal`: it would fail the same way for every other delivery of the run.
    `connect`: it happened while connecting (the server may be unreachable).
    `retry`: False when trying again could deliver the message twice.
    """

    def __init__(self, text: str, permanent: bool, *, fatal: bool = False, connect: bool = False,
                 retry: bool = True):
        super().__init__(text)
        self.text = text
        self.permanent = permanent
        self.fatal = fatal
        self.connect = connect
        self.retry = retry


class _Recipient:
    __slots__ = ("given", "addr", "problem")

    def __init__(self, given: str, addr: str, problem: str | None = None):
        self.given = given  # as the caller wrote it: the Outcome reports this string
        self.addr = addr  # the parsed addr-spec for RCPT TO ("" when it does not parse)
        self.problem = problem  # why it does not parse


class _Run:
    def __init__(self, settings: SmtpSettings, attempts: int, backoff: tuple, sleep):
        self.settings = settings
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep
        self.connection = _Connection(settings)
        self.stopped: _Failure | None = None  # set once a failure makes further deliveries pointless

    def deliver(self, d: Delivery) -> list[Outcome]:
        recipients = _recipients(list(d.to) + list(d.cc))
        if not recipients:
            return []
        final: dict[str, Outcome] = {}
        pending: list[_Recipient] = []
        for r in recipients:
            if r.problem is not None:
                final[r.given] = self._outcome(d, r, False, True,
                                               f"địa chỉ người nhận không hợp lệ: {_shown(r.given)} ({r.problem})", 0)
            else:
                pending.append(r)
        if pending and self.stopped is not None:
            for r in pending:
                final[r.given] = self._outcome(d, r, False, self.stopped.permanent, self.stopped.text, 0)
            pending = []
        if pending:
            problem = _header_problem(d.message) or _address_problem(d.message) or self._sender_problem()
            if problem:
                for r in pending:
                    final[r.given] = self._outcome(d, r, False, True, problem, 0)
                pending = []
        payloads: dict = {}
        for attempt in range(1, self.attempts + 1):
            if not pending:
                break
            if attempt > 1 and self.backoff:
                self.sleep(self.backoff[min(attempt - 2, len(self.backoff) - 1)])
            results, failure = self._attempt(d, pending, payloads)
            still = []
            for r in pending:
                ok, permanent, error = results[r.addr]
                final_try = failure is not None and not failure.retry
                if ok or permanent or final_try or attempt == self.attempts or self.stopped is not None:
                    final[r.given] = self._outcome(d, r, ok, permanent, error, attempt)
                else:
                    still.append(r)
            pending = still
            if failure is not None and failure.connect and not failure.permanent and not pending:
                # the last try of a delivery could not reach the server: do not wait through every other one
                self.stopped = failure
        return [final[r.given] for r in recipients]

    def _outcome(self, d, r, ok, permanent, error, attempts) -> Outcome:
        # every text leaving the mailer goes through here (the terminal, the store's sent.error)
        error = mask_secrets(error, self.settings.user, self.settings.password) if error else error
        return Outcome(d.unit, r.given, ok, False if ok else permanent, None if ok else error, attempts)

    def _sender_problem(self) -> str | None:
        problem = self.connection.sender_problem
        if problem is not None:
            return f"địa chỉ gửi không hợp lệ: {_shown(self.settings.sender or '')} (smtp.sender: {problem})"
        return None

    def _attempt(self, d: Delivery, pending: list[_Recipient], payloads: dict):
        """One try for the pending recipients: ({addr: (ok, permanent, error)}, failure or None)."""
        addrs = list(dict.fromkeys(r.addr for r in pending))
        try:
            smtp = self.connection.get()
            return self._transaction(smtp, d, addrs, payloads), None
        except _Failure as f:
            if f.fatal:
                self.stopped = f
            return {a: (False, f.permanent, f.text) for a in addrs}, f

    def _transaction(self, smtp: smtplib.SMTP, d: Delivery, addrs: list[str], payloads: dict) -> dict:
        """Send to `addrs`: {addr: (ok, permanent, error)}; a failure for all of them as _Failure."""
        sender = self.connection.envelope_from
        results = {}
        if not smtp.has_extn("smtputf8"):
            if not sender.isascii():
                raise _Failure(f"{NO_SMTPUTF8} (địa chỉ gửi {sender})", True, fatal=True)
            for a in addrs:
                if not a.isascii():
                    results[a] = (False, True, NO_SMTPUTF8)
            addrs = [a for a in addrs if a not in results]
            if not addrs:
                return results
        international = not all(a.isascii() for a in [sender, *addrs])
        data = _payload(d.message, payloads, utf8=international,
                        seven_bit=not (international or smtp.has_extn("8bitmime")))
        options = []
        if international:
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        elif not data.isascii():
            options = ["BODY=8BITMIME"]
        smtp.awaiting_end_of_data = False
        try:
            refused = smtp.sendmail(sender, addrs, data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as e:
            # nobody got the message; recipients not in the dict were never asked (a 421 ended the session)
            refused = dict(e.recipients)
            closing = next((v for v in refused.values() if v[0] == 421), None)
            for a in addrs:
                if a not in refused:
                    refused[a] = closing or (451, b"")
        except smtplib.SMTPSenderRefused as e:
            text = _reply(e.smtp_code, e.smtp_error, self.settings)
            if e.smtp_code == 530:
                raise _Failure(f"máy chủ thư yêu cầu đăng nhập: đặt smtp.user và mật khẩu ({text})", True,
                               fatal=True) from None
            raise _Failure(f"máy chủ từ chối địa chỉ gửi {sender} ({text})", _permanent(e.smtp_code)) from None
        except smtplib.SMTPDataError as e:
            if e.smtp_code == 421:
                self.connection.discard()
            raise _Failure(f"máy chủ từ chối nội dung thư ({_reply(e.smtp_code, e.smtp_error, self.settings)})",
                           _permanent(e.smtp_code)) from None
        except smtplib.SMTPNotSupportedError:
            raise _Failure(NO_SMTPUTF8, True) from None
        except smtplib.SMTPServerDisconnected as e:
            raise self._lost(smtp, e) from None
        except smtplib.SMTPResponseException as e:
            self.connection.discard()
            raise _Failure(f"máy chủ thư trả lời lỗi ({_reply(e.smtp_code, e.smtp_error, self.settings)})",
                           _permanent(e.smtp_code)) from None
        except (smtplib.SMTPException, OSError) as e:
            raise self._lost(smtp, e) from None
        for a in addrs:
            if a in refused:
                code, reply = refused[a]
                results[a] = (False, _permanent(code), _refused_text(code, reply, self.settings))
            else:
                results[a] = (True, False, None)
        return results

    def _lost(self, smtp: smtplib.SMTP, e: BaseException) -> _Failure:
        """The session broke (dropped or timed out) during a transaction."""
        awaiting = getattr(smtp, "awaiting_end_of_data", False)
        self.connection.discard()
        if awaiting and _timed_out(e):
            # The whole message went out and the server said nothing within data_timeout: it may well have
            # accepted it (a slow content filter), and sending it again is how 3 recipients got 11 copies.
            # So this is not retried in this run: the recipients are reported as failed, temporarily, with a
            # text saying the message may have arrived; sending again (a later run sends what was not
            # confirmed, or --resend) is the user's decision. The 10-minute default makes this rare. A
            # connection that drops at that point, without a timeout, is still retried, as RFC 5321 6.1
            # expects: the server has not taken the message over until it has said so.
            return _Failure(f"máy chủ thư không trả lời sau khi đã nhận hết nội dung thư (chờ "
                            f"{_seconds(self.settings.data_timeout)}): thư có thể đã đến người nhận nên không "
                            f"gửi lại tự động; hỏi lại người nhận trước khi gửi lại", False, retry=False)
        return _Failure(_dropped(e, self.settings), False)


class _Connection:
    """The one SMTP session of a run, opened on first use and reopened after a drop."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        try:
            self.envelope_from = parse_mailbox(settings.sender or "")[1]
            self.sender_problem: str | None = None
        except ValueError as e:
            self.envelope_from, self.sender_problem = "", str(e)

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def get(self) -> smtplib.SMTP:
        if self.smtp is not None:
            try:
                if self.smtp.noop()[0] == 250:
                    return self.smtp
            except (smtplib.SMTPException, OSError):
                pass
            self.discard()
        self.smtp = self._open()
        return self.smtp

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp = _SMTP_SSL(s.host, s.port, timeout=s.timeout, context=_tls_context())
            else:
                smtp = _SMTP(s.host, s.port, timeout=s.timeout)
            smtp.data_timeout = s.data_timeout
        except Exception as e:  # the constructor closes what it opened
            raise self._failure(e, "connect") from None
        step = "ehlo"
        try:
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                step = "starttls"
                smtp.starttls(context=_tls_context())
                smtp.ehlo()
            if s.user:
                step = "login"
                _login(smtp, s.user, s.password or "")
            return smtp
        except BaseException as e:
            _close_quietly(smtp)
            if isinstance(e, Exception):
                raise self._failure(e, step) from None
            raise

    def _failure(self, e: Exception, step: str) -> _Failure:
        where = f"không kết nối được máy chủ thư {self.where}"
        if isinstance(e, smtplib.SMTPAuthenticationError):
            text = f"{AUTH_FAILED}; máy chủ trả lời {_reply(e.smtp_code, e.smtp_error, self.settings)}"
            if _permanent(e.smtp_code):
                return _Failure(text, True, fatal=True, connect=True)
            return _Failure(text, False, connect=True)  # 454: a temporary authentication failure
        if isinstance(e, smtplib.SMTPNotSupportedError) or (step == "login" and type(e) is smtplib.SMTPException):
            if step == "starttls":
                text = f"{where}: máy chủ không hỗ trợ STARTTLS; kiểm tra smtp.security (starttls, ssl, none) và port"
            else:
                text = ("đăng nhập máy chủ thư thất bại: máy chủ không hỗ trợ đăng nhập (AUTH) theo cách này; "
                        "kiểm tra smtp.security và smtp.user")
            return _Failure(text, True, fatal=True, connect=True)
        if isinstance(e, ssl.SSLCertVerificationError):
            return _Failure(f"{where}: chứng chỉ TLS của máy chủ không hợp lệ ({e.verify_message or e})", True,
                            fatal=True, connect=True)
        if isinstance(e, smtplib.SMTPResponseException):
            return _Failure(f"{where} ({_reply(e.smtp_code, e.smtp_error, self.settings)})", _permanent(e.smtp_code),
                            fatal=_permanent(e.smtp_code), connect=True)
        if isinstance(e, smtplib.SMTPServerDisconnected) and not _timed_out(e):
            return _Failure(f"{where} (máy chủ đóng kết nối)", False, connect=True)
        if isinstance(e, ssl.SSLError):
            return _Failure(f"{where} (lỗi TLS: {e}; kiểm tra smtp.security và port)", False, connect=True)
        if isinstance(e, (OSError, smtplib.SMTPException)):
            return _Failure(f"{where} ({_os_reason(e, self.settings)})", False, connect=True)
        if isinstance(e, UnicodeError) and step == "connect":  # a host name IDNA cannot encode
            return _Failure(f"{where} (tên máy chủ không hợp lệ: {e}; kiểm tra smtp.host)", True, fatal=True,
                            connect=True)
        raise e  # a programming error

    def discard(self) -> None:
        """Forget a broken session without talking to the server."""
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            _close_quietly(smtp)

    def close(self) -> None:
        """End the session politely (QUIT)."""
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            _close_quietly(smtp)


class _EndOfDataTimeout:
    """smtplib's DATA, waiting `data_timeout` seconds (not the command timeout) for the reply to the final ".".

    `awaiting_end_of_data` is True from the moment the whole message has been sent until that reply has
    been read: a timeout then means the server may have taken the message.
    """

    data_timeout: float | None = None
    awaiting_end_of_data = False

    def data(self, msg):
        self.putcmd("data")
        code, repl = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, repl)
        if isinstance(msg, str):
            msg = re.sub(r"(?:\r\n|\n|\r(?!\n))", "\r\n", msg).encode("ascii")
        q = re.sub(rb"(?m)^\.", b"..", msg)  # dot-stuffing (RFC 5321 4.5.2), as smtplib does
        if q[-2:] != b"\r\n":
            q += b"\r\n"
        self.send(q + b".\r\n")
        self.awaiting_end_of_data = True
        if self.data_timeout is not None and self.sock is not None:
            self.sock.settimeout(self.data_timeout)
        try:
            reply = self.getreply()
        finally:
            if self.sock is not None:  # getreply closes the connection on a timeout
                self.sock.settimeout(self.timeout)
        self.awaiting_end_of_data = False
        return reply


class _SMTP(_EndOfDataTimeout, smtplib.SMTP):
    pass


class _SMTP_SSL(_EndOfDataTimeout, smtplib.SMTP_SSL):
    pass


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login, except that a non-ASCII user or password goes as UTF-8 in AUTH PLAIN (RFC 4616):
    smtplib encodes them as ASCII and would raise UnicodeEncodeError."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
        raise smtplib.SMTPException("No suitable authentication method found.")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _tls_context() -> ssl.SSLContext:
    """The TLS context for STARTTLS and SSL: the system's trusted certificates, host name checked."""
    return ssl.create_default_context()


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass


def _recipients(given: list[str]) -> list[_Recipient]:
    """Each distinct string once, in order, with its addr-spec parsed as strictly as the config does."""
    out, seen = [], set()
    for g in given:
        if g in seen:
            continue
        seen.add(g)
        try:
            out.append(_Recipient(g, parse_mailbox(g)[1]))
        except ValueError as e:
            out.append(_Recipient(g, "", str(e)))
    return out


def _shown(value) -> str:
    return quoted(value) if isinstance(value, str) else repr(value)


_ADDRESS_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc")


def _address_problem(message) -> str | None:
    """Why the message must not be sent: an address header that is not a plain list of mailboxes.

    A display name that reads as header syntax ("Ông A Bcc: x@y <a@b>" is a group holding x@y) could show or
    add recipients nobody configured; every mailbox must pass the same check as a configured address.
    """
    from email.errors import InvalidHeaderDefect
    from email.headerregistry import HeaderRegistry

    registry = None
    for name in _ADDRESS_HEADERS:
        for value in message.get_all(name) or []:
            if not hasattr(value, "groups"):  # compat32, or a raw value: parse it as the default policy would
                registry = registry or HeaderRegistry()
                value = registry(name, str(value))
            group = next((g for g in value.groups if g.display_name is not None), None)
            if group is not None:
                return f"tiêu đề thư {name} chứa nhóm địa chỉ {_shown(group.display_name)}; không gửi"
            defect = next((x for x in value.defects if isinstance(x, InvalidHeaderDefect)), None)
            if defect is not None:
                return f"tiêu đề thư {name} không đọc được thành danh sách địa chỉ ({defect}); không gửi"
            for group in value.groups:
                for a in group.addresses:
                    try:
                        parse_mailbox(a.addr_spec)
                        if a.display_name:
                            parse_mailbox(f'"{a.display_name}" <{a.addr_spec}>')
                    except ValueError as e:
                        return f"tiêu đề thư {name} có địa chỉ không hợp lệ {_shown(str(a))} ({e}); không gửi"
    return None


_FOLDING = re.compile(r"\r?\n[ \t]+(?=\S)")
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 ftext


def _header_problem(message) -> str | None:
    """Why the message must not be sent: a header that could add header lines (CR or LF in a value)."""
    if message is None:
        return "không có nội dung thư"
    for part in message.walk():
        for name, value in part.raw_items():  # what the generator writes, before any policy clean-up
            if not _FIELD_NAME.fullmatch(str(name)):
                return f"tiêu đề thư không hợp lệ: tên {str(name)!r}; không gửi"
            if not hasattr(value, "name"):  # a raw string (parsed or set_raw): folding is allowed, nothing else
                value = _FOLDING.sub(" ", str(value))
            if "\r" in str(value) or "\n" in str(value):
                return f"tiêu đề thư {name} chứa ký tự xuống dòng; không gửi (chống chèn tiêu đề)"
    return None


def _payload(message, cache: dict, *, utf8: bool, seven_bit: bool) -> bytes:
    """The message as bytes for DATA (CRLF, no Bcc), made once per form."""
    key = (utf8, seven_bit)
    if key not in cache:
        policy = message.policy.clone(linesep="\r\n")
        if utf8:
            # max_line_length: folding an 80-character Vietnamese subject in utf8 mode puts all of it on a
            # continuation line ("Subject:\r\n [tthc] ..."), which parses back with a leading space
            policy = (policy.clone(utf8=True) if hasattr(policy, "utf8") else _smtputf8_policy()).clone(
                max_line_length=998)
        elif seven_bit and hasattr(policy, "cte_type"):
            policy = policy.clone(cte_type="7bit")
        m = copy.copy(message)
        del m["Bcc"]
        del m["Resent-Bcc"]
        buf = io.BytesIO()
        try:
            BytesGenerator(buf, mangle_from_=False, policy=policy).flatten(m, linesep="\r\n")
        except (ValueError, LookupError) as e:
            raise _Failure(f"không tạo được nội dung thư ({e})", True) from None
        cache[key] = buf.getvalue()
    return cache[key]


def _smtputf8_policy():
    from email.policy import SMTPUTF8

    return SMTPUTF8


def _permanent(code) -> bool:
    return isinstance(code, int) and 500 <= code <= 599


def mask_secrets(text: str, user: str | None, password: str | None) -> str:
    """`text` with every form of the password a server could quote back replaced by MASK.

    The forms: the password itself; base64 of what AUTH PLAIN sends ("\\0user\\0pass", also with the user as
    authorization identity, and "user\\0pass"); base64 of the password and of user+password, as AUTH LOGIN
    sends them; each with the password also whitespace-collapsed, stripped and without whitespace. They are
    matched case-insensitively, with or without base64 padding, and with any whitespace (a folded or
    multi-line reply) or none between their characters, so a server that folds, strips or drops spaces
    does not get one past.
    """
    if not text or not password:
        return text
    return _secret_pattern(user or "", password).sub(MASK, text)


@functools.lru_cache(maxsize=4)
def _secret_pattern(user: str, password: str) -> re.Pattern:
    u = user.encode("utf-8")
    variants = {password, password.strip(), " ".join(password.split()), "".join(password.split())}
    import json
    from urllib.parse import quote, quote_plus

    texts, tokens = set(), set()
    for v in variants:
        if not v:
            continue
        p = v.encode("utf-8")
        texts.update({v, quote(v, safe=""), quote_plus(v), json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1],
                      p.hex()})
        for token in (b"\0" + u + b"\0" + p, u + b"\0" + u + b"\0" + p, u + b"\0" + p, p, u + p):
            tokens.add(base64.b64encode(token).decode("ascii").rstrip("="))
            texts.add(token.hex())
    # a reply cut short may quote only the start of a form: any start of at least half of it (8 characters
    # at least, 6 for the password itself) is masked too
    for form in list(tokens):
        tokens.update(form[:n] for n in range(max(8, (len(form) + 1) // 2), len(form)))
    for form in list(texts):
        texts.update(form[:n] for n in range(max(6, (len(form) + 1) // 2), len(form)))

    def spaced(form: str) -> str:  # the characters of `form`, any whitespace or none between them
        return r"\s*".join(re.escape(c) for c in "".join(form.split()))

    alternatives = [(len(t), spaced(t) + r"(?:\s*=)*") for t in tokens]  # with or without its padding
    alternatives += [(len(t), spaced(t)) for t in texts if "".join(t.split())]
    # longest first: a quoted AUTH PLAIN token is masked whole, not around the password's base64 inside it
    alternatives.sort(key=lambda a: (-a[0], a[1]))
    return re.compile("|".join(a for _, a in alternatives), re.IGNORECASE)


_ENHANCED = re.compile(r"[245]\.\d{1,3}\.\d{1,3}(?:\s+|$)")  # RFC 3463, at the start of a reply line


def _reply(code, text, settings: SmtpSettings | None = None) -> str:
    """The server's reply on one line, at most 200 characters; secrets masked before anything is cut."""
    from tthc_cli.core.text import clean_text  # a reply may carry escape sequences: they must not reach a terminal

    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = clean_text(str(text or "")).splitlines()
    # smtplib drops each line's "535-" but not its enhanced status code: in a multi-line reply the codes of
    # the continuation lines repeat the first one, and would sit inside a token the server wrapped
    text = " ".join([*lines[:1], *(_ENHANCED.sub("", line, count=1) for line in lines[1:])])
    if settings is not None:
        text = mask_secrets(text, settings.user, settings.password)
    text = " ".join(text.split())
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{code} {text}".strip() if code not in (None, -1) else (text or "không rõ")


def _refused_text(code, text, settings: SmtpSettings) -> str:
    if code == 421:
        return f"máy chủ thư tạm ngừng phục vụ ({_reply(code, text, settings)})"
    if _permanent(code):
        return f"máy chủ từ chối người nhận ({_reply(code, text, settings)})"
    return f"máy chủ tạm thời từ chối người nhận ({_reply(code, text, settings)})"


def _seconds(timeout) -> str:
    return f"{timeout:g} giây" if isinstance(timeout, (int, float)) else "quá lâu"


def _timed_out(e: BaseException) -> bool:
    """A timeout, also when smtplib reports it as "Connection unexpectedly closed: timed out"."""
    return isinstance(e, TimeoutError) or isinstance(e.__cause__ or e.__context__, TimeoutError)


def _os_reason(e: BaseException, settings: SmtpSettings) -> str:
    detail = str(e) or type(e).__name__
    if isinstance(e, ConnectionRefusedError):
        return f"máy chủ từ chối kết nối: {detail}"
    if isinstance(e, socket.gaierror):
        return f"không tìm thấy tên máy chủ: {detail}"
    if _timed_out(e):  # socket.timeout is TimeoutError
        return f"hết thời gian chờ {_seconds(settings.timeout)}"
    return detail


def _dropped(e: BaseException, settings: SmtpSettings) -> str:
    if _timed_out(e):
        return f"{DROPPED} (máy chủ không trả lời sau {_seconds(settings.timeout)})"
    detail = str(e)
    if isinstance(e, smtplib.SMTPServerDisconnected) or not detail:
        return DROPPED
    return f"{DROPPED} ({detail})"
