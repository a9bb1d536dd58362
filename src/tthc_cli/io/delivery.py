"""`tthc digest`'s I/O: writing .eml files or sending the digests once a day, with a lock against overlapping runs and a delivery log in
the progress store so a second run sends only what failed."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from tthc_cli.errors import ConfigError



def write_eml(digests, folder: Path, day: date, force: bool = False) -> list[str]:
    """One .eml file per unit in `folder`, named from the day and the unit code (made safe: never a path)."""
    from tthc_cli.io.files import FileError, inside, kind_vi, os_reason, safe_name, write_file

    if folder.exists() and not folder.is_dir():
        raise FileError(f'không ghi được vào "{folder}": đó là {kind_vi(folder.stat().st_mode)}, --out cần một thư mục')
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f'không ghi được vào thư mục "{folder}": {os_reason(exc)}') from None
    names = [safe_name(d.unit) for d, skip in digests if not skip]
    paths = {}
    for d, skip in digests:
        if not skip:
            name = safe_name(d.unit)
            if names.count(name) > 1:  # two codes that differ only in unsafe characters: keep both files apart
                name = f"{name}-{_sha(d.unit)}"
            paths[d.unit] = path = inside(folder, f"{day.isoformat()}-{name}.eml")
            if not force and os.path.lexists(path):  # refuse before writing any: never half a run
                raise FileError(f'"{path}" đã có; thêm --force để ghi đè')
    lines = []
    for d, skip in digests:
        if skip:
            lines.append(f"{d.unit}: {skip}")
            continue
        path = paths[d.unit]
        write_file(path, bytes(d.message), force=force, what="thư")
        lines.append(f"{d.unit}: đã ghi {path} ({d.summary()})")
    return lines


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def send(session, digests, day: date, resend: bool, progress=None) -> tuple[list[str], int]:
    """Deliver the digests; returns summary lines and the number of failed recipients."""
    from tthc_cli.io.config import smtp_password

    smtp = session.config.smtp
    if not smtp or not smtp.get("host") or not smtp.get("sender"):
        raise ConfigError("chưa cấu hình máy chủ thư: cần smtp.host và smtp.sender trong tệp cấu hình")
    password = smtp_password(session.config)
    if smtp.get("user") and not password:
        raise ConfigError("thiếu mật khẩu máy chủ thư: đặt biến TTHC_SMTP_PASSWORD hoặc smtp.password_file")
    from tthc_cli.io.mailer import Delivery, SmtpSettings, send_all

    settings = SmtpSettings.from_config(smtp, password)  # RFC 5321 timeouts: 5 min a command, 10 for DATA
    lines: list[str] = []
    deliveries, by_unit = [], {}
    with session.store() as store:
        with store.run_lock("digest"):  # a file beside a SQLite store; an advisory lock in PostgreSQL
            already = set() if resend else store.delivered(day)
            for d, skip in digests:
                if skip:
                    lines.append(f"{d.unit}: {skip}")
                    continue
                if not d.to:
                    place, _, code = d.unit.rpartition("/")  # "Xuân Trường/TTPVHCC": plans of several communes
                    where = f"communes.{place}.recipients.{code}" if place else f"recipients.{code}"
                    lines.append(f"{d.unit}: bỏ qua: chưa cấu hình người nhận ({where})")
                    continue
                to = [a for a in d.to if (d.unit, a) not in already]
                cc = [a for a in d.cc if (d.unit, a) not in already]
                if not to and not cc:
                    lines.append(f"{d.unit}: đã gửi hôm nay, không gửi lại (thêm --resend để gửi lại)")
                    continue
                deliveries.append(Delivery(d.unit, to, cc, d.message))
                by_unit[d.unit] = d
            delays = smtp.get("retry_delays") or []

            def record(done):  # logged per delivery, as it happens
                store.record_sent(day, [(o.unit, o.recipient, o.ok, o.error, o.attempts,
                                         by_unit[o.unit].message["Message-ID"]) for o in done])

            outcomes = send_all(deliveries, settings, attempts=len(delays) + 1, backoff=tuple(delays) or (0,),
                                progress=progress, record=record) if deliveries else []
    failed = 0
    for unit, d in by_unit.items():
        mine = [o for o in outcomes if o.unit == unit]
        ok = [o for o in mine if o.ok]
        bad = [o for o in mine if not o.ok]
        failed += len(bad)
        line = f"{unit}: gửi {len(ok)}/{len(mine)} người nhận ({d.summary()})"
        for o in bad:
            line += f"; lỗi {o.recipient}: {o.error}"
        lines.append(line)
    return lines, failed
