"""Delivering composed messages over SMTP: the only place that talks to a mail server.

`send_all` opens one connection (SMTP or SMTP_SSL, STARTTLS, login) and keeps
it for every delivery, checking it with NOOP before reuse and reconnecting
when it has dropped. Each recipient gets one `Outcome`:

- accepted: ok;
- refused with a 5xx reply: permanent, not retried;
- refused with a 4xx reply, or the connection dropped or timed out: retried,
  for those recipients only, up to `attempts` times in all, sleeping
  `backoff[i]` between attempts.

Failures that would repeat for every message stop the run early instead of
waiting through every retry again: a rejected login, a server without
STARTTLS or AUTH, an untrusted certificate (permanent), and a server that
could not be reached for a whole delivery (temporary). The deliveries after
that are not tried and get the same error with `attempts=0`.

No exception leaves `send_all` except programming errors. Error texts are
Vietnamese, carry the server's reply, and never contain the password.
"""

from __future__ import annotations

import base64
import copy
import io
import re
import smtplib
import socket
import ssl
import time
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import parseaddr

from tthc_cli.config import DEFAULT_PORTS, SECURITIES
from tthc_cli.value import Value

MASK = "******"

AUTH_FAILED = "đăng nhập máy chủ thư thất bại: kiểm tra user và mật khẩu (TTHC_SMTP_PASSWORD)"
DROPPED = "mất kết nối giữa chừng"
NO_SMTPUTF8 = "máy chủ thư không hỗ trợ địa chỉ thư có dấu (SMTPUTF8)"


class SmtpSettings(Value):
    """Where and how to connect; `repr` never shows the password."""

    __slots__ = ("host", "port", "security", "user", "password", "sender", "timeout")

    def __init__(self, host: str, port: int | None = None, security: str = "starttls", user: str | None = None,
                 password: str | None = None, sender: str = "", timeout: float = 30):
        if security not in SECURITIES:
            raise ValueError(f"security must be one of {SECURITIES}, not {security!r}")
        self.host = host
        self.port = DEFAULT_PORTS[security] if port is None else port
        self.security = security
        self.user = user
        self.password = password
        self.sender = sender
        self.timeout = timeout

    def __repr__(self) -> str:
        return (f"SmtpSettings(host={self.host!r}, port={self.port!r}, security={self.security!r}, "
                f"user={self.user!r}, password={MASK if self.password else None!r}, sender={self.sender!r}, "
                f"timeout={self.timeout!r})")


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
    """

    def __init__(self, text: str, permanent: bool, *, fatal: bool = False, connect: bool = False):
        super().__init__(text)
        self.text = text
        self.permanent = permanent
        self.fatal = fatal
        self.connect = connect


class _Recipient:
    __slots__ = ("given", "addr")

    def __init__(self, given: str, addr: str):
        self.given = given  # as the caller wrote it: the Outcome reports this string
        self.addr = addr  # the bare address for RCPT TO


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
            if not _plausible(r.addr):
                final[r.given] = self._outcome(d, r, False, True, f"địa chỉ người nhận không hợp lệ: {r.given!r}", 0)
            else:
                pending.append(r)
        if pending and self.stopped is not None:
            for r in pending:
                final[r.given] = self._outcome(d, r, False, self.stopped.permanent, self.stopped.text, 0)
            pending = []
        if pending:
            problem = _header_problem(d.message) or self._sender_problem()
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
                if ok or permanent or attempt == self.attempts or self.stopped is not None:
                    final[r.given] = self._outcome(d, r, ok, permanent, error, attempt)
                else:
                    still.append(r)
            pending = still
            if failure is not None and failure.connect and not failure.permanent and not pending:
                # the last try of a delivery could not reach the server: do not wait through every other one
                self.stopped = failure
        return [final[r.given] for r in recipients]

    def _outcome(self, d, r, ok, permanent, error, attempts) -> Outcome:
        if error and self.settings.password:
            error = error.replace(self.settings.password, MASK)
        return Outcome(d.unit, r.given, ok, False if ok else permanent, None if ok else error, attempts)

    def _sender_problem(self) -> str | None:
        if not _plausible(self.connection.envelope_from):
            return f"địa chỉ gửi không hợp lệ: {self.settings.sender!r} (smtp.sender)"
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
            text = _reply(e.smtp_code, e.smtp_error)
            if e.smtp_code == 530:
                raise _Failure(f"máy chủ thư yêu cầu đăng nhập: đặt smtp.user và mật khẩu ({text})", True,
                               fatal=True) from None
            raise _Failure(f"máy chủ từ chối địa chỉ gửi {sender} ({text})", _permanent(e.smtp_code)) from None
        except smtplib.SMTPDataError as e:
            if e.smtp_code == 421:
                self.connection.discard()
            raise _Failure(f"máy chủ từ chối nội dung thư ({_reply(e.smtp_code, e.smtp_error)})",
                           _permanent(e.smtp_code)) from None
        except smtplib.SMTPNotSupportedError:
            raise _Failure(NO_SMTPUTF8, True) from None
        except smtplib.SMTPServerDisconnected as e:
            self.connection.discard()
            raise _Failure(_dropped(e, self.settings), False) from None
        except smtplib.SMTPResponseException as e:
            self.connection.discard()
            raise _Failure(f"máy chủ thư trả lời lỗi ({_reply(e.smtp_code, e.smtp_error)})",
                           _permanent(e.smtp_code)) from None
        except (smtplib.SMTPException, OSError) as e:
            self.connection.discard()
            raise _Failure(_dropped(e, self.settings), False) from None
        for a in addrs:
            if a in refused:
                code, reply = refused[a]
                results[a] = (False, _permanent(code), _refused_text(code, reply))
            else:
                results[a] = (True, False, None)
        return results


class _Connection:
    """The one SMTP session of a run, opened on first use and reopened after a drop."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.envelope_from = parseaddr(settings.sender or "")[1]

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
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=_tls_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
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
            text = f"{AUTH_FAILED}; máy chủ trả lời {_reply(e.smtp_code, e.smtp_error)}"
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
            return _Failure(f"{where} ({_reply(e.smtp_code, e.smtp_error)})", _permanent(e.smtp_code),
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


def _plausible(addr: str) -> bool:
    """An address that can go into MAIL FROM / RCPT TO (the config checks it properly)."""
    return "@" in addr and not any(c in addr for c in "\r\n\t <>,")


def _recipients(given: list[str]) -> list[_Recipient]:
    """Each distinct string once, in order, with its bare address."""
    out, seen = [], set()
    for g in given:
        if g in seen:
            continue
        seen.add(g)
        out.append(_Recipient(g, parseaddr(g)[1] or g.strip()))
    return out


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


def _reply(code, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text or "").split())
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{code} {text}".strip() if code not in (None, -1) else (text or "không rõ")


def _refused_text(code, text) -> str:
    if code == 421:
        return f"máy chủ thư tạm ngừng phục vụ ({_reply(code, text)})"
    if _permanent(code):
        return f"máy chủ từ chối người nhận ({_reply(code, text)})"
    return f"máy chủ tạm thời từ chối người nhận ({_reply(code, text)})"


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
