"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, a free port, in a thread.

    from smtp_server import smtp_server  # noqa: F401  (the fixture)

    def test_x(smtp_server):
        smtp_server.reject("nobody@xa.gov.vn")            # 550 on RCPT, always
        smtp_server.tempfail("busy@xa.gov.vn", times=1)   # 451 on RCPT the first time, then accepted
        smtp_server.drop_after_data(times=1)              # close the connection instead of answering DATA
        smtp_server.drop_after_data(times=1, reply=True)  # answer 250, then close the connection
        smtp_server.data_reply("554 5.7.1 spam", times=1) # refuse the next message at the end of DATA
        smtp_server.without("8BITMIME", "SMTPUTF8")       # do not advertise these in EHLO
        smtp_server.require_auth("user", "secret")        # MAIL without AUTH gets 530
        smtp_server.require_auth("user", "secret", reply="535 5.7.8 bad {received}")  # a failed login quoted
        smtp_server.only_auth("LOGIN")                    # advertise only these AUTH mechanisms
        smtp_server.delay_data_reply(2.0, times=1)        # keep the next message, answer its DATA 2 s late
        smtp_server.enable_starttls(cert, key)            # offer STARTTLS (see make_cert)
        ... SmtpSettings(host=smtp_server.host, port=smtp_server.port, security="none", ...)
        smtp_server.messages[0].message["Subject"]

Every behaviour applies to connections and commands from the moment it is set;
the server keeps at most MAX_MESSAGES messages of at most DATA_LIMIT bytes,
closes idle sessions after IDLE_TIMEOUT seconds, and is stopped by the fixture.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HOST = "127.0.0.1"
MAX_MESSAGES = 500
DATA_LIMIT = 1 << 20
IDLE_TIMEOUT = 10.0
READY_TIMEOUT = 5.0


class Captured:
    """One accepted message: the envelope and the bytes as received (CRLF line ends)."""

    __slots__ = ("mail_from", "rcpt_tos", "mail_options", "data")

    def __init__(self, mail_from: str, rcpt_tos: list[str], mail_options: list[str], data: bytes):
        self.mail_from = mail_from
        self.rcpt_tos = rcpt_tos
        self.mail_options = mail_options
        self.data = data

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)

    def __repr__(self) -> str:
        return f"Captured(mail_from={self.mail_from!r}, rcpt_tos={self.rcpt_tos!r}, {len(self.data)} bytes)"


class SmtpServer:
    """The server, its captured messages and the behaviours tests switch on."""

    def __init__(self):
        self.host = HOST
        self.port: int | None = None
        self._lock = threading.Lock()
        self._messages: list[Captured] = []
        self._rcpt_log: list[tuple[str, int]] = []
        self._rejected: dict[str, str] = {}
        self._tempfail: dict[str, list] = {}  # address -> [times left, reply]
        self._drops: list[bool] = []  # one entry per message still to drop: reply first?
        self._data_replies: list[str] = []  # replies to give instead of accepting the next messages
        self._credentials: tuple[str, str] | None = None
        self._auth_reply = None  # the reply to a failed login: None (aiosmtpd's 535), a template or a callable
        self._auth_mechanisms: set[str] | None = None  # None: every mechanism aiosmtpd has (LOGIN, PLAIN)
        self._data_delays: list[float] = []  # seconds to wait before answering the end of DATA, per message
        self._hidden: set[str] = set()  # EHLO keywords not advertised
        self._logins: list[str] = []
        self._tls: ssl.SSLContext | None = None
        self.connections = 0
        self._controller: _Controller | None = None

    # -- behaviours ------------------------------------------------------------------------------------------------

    def reject(self, *addresses: str, reply: str = "550 5.1.1 <{addr}>: Recipient address rejected: User unknown"):
        """Refuse exactly these recipients at RCPT, every time (a permanent 5xx by default); reject() clears."""
        with self._lock:
            self._rejected = {a.lower(): reply for a in addresses}

    def tempfail(self, address: str, times: int = 1,
                 reply: str = "451 4.7.1 <{addr}>: Recipient address rejected: try again later"):
        """Refuse this recipient with a 4xx the first `times` RCPTs, then accept it."""
        with self._lock:
            self._tempfail[address.lower()] = [int(times), reply]

    def drop_after_data(self, times: int = 1, *, reply: bool = False):
        """Close the connection at the end of DATA of the next `times` messages.

        reply=False: before answering (the message is not kept: the client sees the
        connection drop mid-transaction). reply=True: after answering 250 (the
        message is kept; the client finds the connection gone at its next command).
        """
        with self._lock:
            self._drops = [reply] * int(times)

    def data_reply(self, reply: str, times: int = 1):
        """Answer the end of DATA of the next `times` messages with `reply` (e.g. "554 5.7.1 spam") and keep nothing."""
        with self._lock:
            self._data_replies = [reply] * int(times)

    def without(self, *extensions: str):
        """Do not advertise these EHLO extensions (e.g. "8BITMIME", "SMTPUTF8") on new EHLOs."""
        with self._lock:
            self._hidden = {e.upper() for e in extensions}

    def require_auth(self, user: str, password: str, *, reply=None):
        """MAIL FROM gets 530 until the client has logged in with these credentials (no TLS needed).

        `reply`: what a failed login gets instead of aiosmtpd's "535 5.7.8 Authentication credentials
        invalid", quoting what the client sent (a careless server's debug echo). Either a template with the
        fields {mechanism}, {login}, {password} (decoded, as received), {squeezed} (the password without
        whitespace) and {received} (the base64 the client sent: the AUTH PLAIN token, or for LOGIN the user's
        and the password's, space-separated), or a callable (mechanism, login, password) -> str. A reply
        may hold CRLF between the lines of a multi-line reply ("535-first" CRLF "535 last").
        """
        with self._lock:
            self._credentials = (user, password)
            self._auth_reply = reply

    def only_auth(self, *mechanisms: str):
        """Advertise and accept only these AUTH mechanisms ("LOGIN", "PLAIN") on new connections."""
        with self._lock:
            self._auth_mechanisms = {m.upper() for m in mechanisms}

    def delay_data_reply(self, seconds: float, times: int = 1):
        """Keep each of the next `times` messages at the end of DATA, then wait `seconds` before answering
        250 (a slow content filter): a client that gives up waiting has delivered it all the same."""
        with self._lock:
            self._data_delays = [float(seconds)] * int(times)

    def enable_starttls(self, certfile, keyfile):
        """Offer STARTTLS on new connections with this certificate."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(certfile), str(keyfile))
        with self._lock:
            self._tls = ctx

    # -- what happened ---------------------------------------------------------------------------------------------

    @property
    def messages(self) -> list[Captured]:
        with self._lock:
            return list(self._messages)

    @property
    def rcpt_log(self) -> list[tuple[str, int]]:
        """Every RCPT TO received, with the reply code given."""
        with self._lock:
            return list(self._rcpt_log)

    @property
    def logins(self) -> list[str]:
        """The user names of successful logins."""
        with self._lock:
            return list(self._logins)

    # -- life ------------------------------------------------------------------------------------------------------

    def start(self) -> "SmtpServer":
        self._controller = _Controller(self)
        self._controller.start()
        self.port = self._controller.port
        with self._lock:
            self.connections = 0  # not the controller's own start-up probe
        return self

    def stop(self):
        if self._controller is not None:
            controller, self._controller = self._controller, None
            controller.stop()

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- aiosmtpd hooks (run in the server's thread) ---------------------------------------------------------------

    def _new_session(self) -> SMTP:
        with self._lock:
            self.connections += 1
            tls = self._tls
            allowed = self._auth_mechanisms
        excluded = None if allowed is None else sorted({"LOGIN", "PLAIN"} - allowed)
        return SMTP(_Handler(self), hostname="smtp.test.invalid", data_size_limit=DATA_LIMIT, enable_SMTPUTF8=True,
                    timeout=IDLE_TIMEOUT, auth_require_tls=False, authenticator=self._authenticate,
                    tls_context=tls, command_call_limit=100, auth_exclude_mechanism=excluded)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        with self._lock:
            creds = self._credentials
            ok = (creds is not None and isinstance(auth_data, LoginPassword)
                  and (auth_data.login, auth_data.password) == (creds[0].encode(), creds[1].encode()))
            if ok:
                self._logins.append(creds[0])
            reply = self._auth_reply
        message = None
        if not ok and reply is not None and isinstance(auth_data, LoginPassword):
            message = _auth_echo(reply, mechanism, auth_data.login, auth_data.password)
        # handled=False: aiosmtpd then answers `message` (or its 535) itself; its default (handled=True) means
        # "the authenticator already replied", so a failed login would get no reply and the client would hang
        return AuthResult(success=ok, handled=False, message=message)


def _auth_echo(reply, mechanism: str, login: bytes, password: bytes) -> str:
    """A failed login's reply quoting the credentials: the base64 is what the client sent (standard base64
    of the decoded values, which is byte for byte what smtplib and tthc send)."""
    import base64

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    text_login, text_password = login.decode("utf-8", "replace"), password.decode("utf-8", "replace")
    if callable(reply):
        return reply(mechanism, text_login, text_password)
    received = b64(b"\0" + login + b"\0" + password) if mechanism == "PLAIN" else f"{b64(login)} {b64(password)}"
    return reply.format(mechanism=mechanism, login=text_login, password=text_password,
                        squeezed="".join(text_password.split()), received=received)


class _Handler:
    def __init__(self, owner: SmtpServer):
        self.owner = owner

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # the hook takes over this from aiosmtpd
        with self.owner._lock:
            hidden = self.owner._hidden
        return [r for r in responses if r[4:].split(" ")[0].upper() not in hidden]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        o = self.owner
        with o._lock:
            need_auth = o._credentials is not None
        if need_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        o = self.owner
        key = address.lower()
        with o._lock:
            if key in o._rejected:
                reply = o._rejected[key]
            elif o._tempfail.get(key, [0])[0] > 0:
                o._tempfail[key][0] -= 1
                reply = o._tempfail[key][1]
            else:
                reply = "250 OK"
            o._rcpt_log.append((address, int(reply[:3])))
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
        return reply.format(addr=address)

    async def handle_DATA(self, server, session, envelope):
        o = self.owner
        with o._lock:
            drop = o._drops.pop(0) if o._drops else None
            if drop is False:
                server.transport.close()  # the reply is written to a closed transport: it is lost
                return "451 4.3.0 dropped"
            if o._data_replies:
                return o._data_replies.pop(0)
            if len(o._messages) >= MAX_MESSAGES:
                return "452 4.3.1 test server full"
            o._messages.append(Captured(envelope.mail_from, list(envelope.rcpt_tos), list(envelope.mail_options),
                                        bytes(envelope.original_content)))
            delay = o._data_delays.pop(0) if o._data_delays else 0.0
        if delay:
            await asyncio.sleep(delay)  # kept already: the answer comes late, or to a client that has gone
        if drop is True:
            # after this reply has been written: the handler writes it before it next yields to the loop
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 2.0.0 OK queued"


class _Controller(Controller):
    def __init__(self, owner: SmtpServer):
        self.owner = owner
        super().__init__(_Handler(owner), hostname=HOST, port=0, ready_timeout=READY_TIMEOUT)

    def factory(self):
        return self.owner._new_session()

    def _trigger_server(self):
        # port 0 asks the OS for a free port; the controller's start-up probe needs the real one
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server():
    """A running SmtpServer on 127.0.0.1; stopped after the test."""
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def closed_port():
    """A loopback port where nothing listens (held bound, so nobody else takes it): connecting is refused."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((HOST, 0))
        yield s.getsockname()[1]
    finally:
        s.close()


def make_cert(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (openssl), or None when openssl is not installed."""
    openssl = shutil.which("openssl")
    if not openssl:
        return None
    cert, key = Path(directory) / "server.crt", Path(directory) / "server.key"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=30)
    return cert, key


@contextmanager
def silent_port():
    """A loopback port that accepts connections (in the kernel's backlog) but never says anything."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((HOST, 0))
        s.listen(8)
        yield s.getsockname()[1]
    finally:
        s.close()
