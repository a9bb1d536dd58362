"""The nightly digest: one email per unit, built from its items (pure).

Each message has a plain-text part and an HTML part: overdue first, then due
today, then upcoming, each row with the task path, title, deadline as written,
due date, days late or left, expected product and cooperating units; ongoing
duties summarised in one line. Subjects and names are Vietnamese and encoded
by the email package; nothing from a plan reaches a header except through
`_header_safe`.
"""

from __future__ import annotations

import html
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from tthc_cli.core.deadline import fmt
from tthc_cli.core.queries import OVERDUE, TODAY, Item, count_undated, is_shared, sort_key
from tthc_cli.outputs.items import (days_text, deadline_cell, due_text, plan_labels, progress_text, title_cell,
                                    undated_line)
from tthc_cli.core.value import Value

SECTIONS = (("overdue", "Quá hạn"), ("today", "Đến hạn hôm nay"), ("upcoming", "Sắp tới"),
            ("shared", "Việc chung — các cơ quan, đơn vị có liên quan, đơn vị theo dõi"))


class Digest(Value):
    """One unit's email, before sending."""

    __slots__ = ("unit", "unit_name", "to", "cc", "message", "counts")

    def __init__(self, unit: str, unit_name: str, to: list[str], cc: list[str], message: EmailMessage,
                 counts: dict[str, int]):
        self.unit = unit
        self.unit_name = unit_name
        self.to = to
        self.cc = cc
        self.message = message
        self.counts = counts

    @property
    def empty(self) -> bool:
        return not any(self.counts[k] for k, _ in SECTIONS)

    def summary(self) -> str:
        c = self.counts
        shared = f", {c['shared']} việc chung" if c["shared"] else ""
        return f"{c['overdue']} quá hạn, {c['today']} đến hạn hôm nay, {c['upcoming']} sắp đến hạn{shared}"


def _header_safe(text: str) -> str:
    """One line: a title with line breaks or header-like text cannot add a header."""
    return " ".join(str(text).split())


def sections(items: list[Item], today: date, horizon: date) -> dict[str, list[Item]]:
    out = {k: [] for k, _ in SECTIONS}
    for it in sorted(items, key=sort_key):
        if it.due is None or not it.is_open:
            continue
        if is_shared(it.task):  # the coordinating unit's: overdue, due or soon, apart from its own
            if it.due <= horizon:
                out["shared"].append(it)
        elif it.status == OVERDUE:
            out["overdue"].append(it)
        elif it.status == TODAY:
            out["today"].append(it)
        elif it.due <= horizon:
            out["upcoming"].append(it)
    return out


def subject(unit: str, counts: dict[str, int], today: date) -> str:
    parts = [f"{counts['overdue']} quá hạn"]
    if counts["today"]:
        parts.append(f"{counts['today']} đến hạn hôm nay")
    parts.append(f"{counts['upcoming']} sắp đến hạn")
    return _header_safe(f"[tthc] {unit}: {', '.join(parts)} ({fmt(today)})")


def build(unit_code: str, unit_name: str, items: list[Item], *, today: date, horizon: date, sender: str,
          to: list[str], cc: list[str], commune: str | None = None, days=None,
          left_out: list[tuple[str, str]] = (), sent_at=None, message_id: str | None = None,
          key: str | None = None) -> Digest:
    """The digest email for one unit; `left_out` (file, why) names plan files missing from it, at its top.
    `key` names the digest where the unit code alone is not enough ("Xuân Trường/TTPVHCC": plans of several
    communes): in its subject, its file name and its delivery record.

    `sent_at` (an aware datetime) is the Date header and `message_id` the Message-ID: the edge gives the
    real time and a fresh id; without them (tests, golden files) both are fixed by the day and the unit."""
    groups = sections(items, today, horizon)
    counts = {k: len(v) for k, v in groups.items()}
    undated = count_undated(items)
    msg = EmailMessage()
    msg["Subject"] = subject(_header_safe(key or unit_code), counts, today)
    msg["From"] = _address(sender)
    msg["To"] = [_address(a) for a in to]
    if cc:
        msg["Cc"] = [_address(a) for a in cc]
    msg["Date"] = _date_header(today, sent_at)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "tthc.invalid"
    msg["Message-ID"] = message_id or f"<tthc.{ascii_id(key or unit_code)}.{today.isoformat()}@{domain}>"
    msg["X-Tthc-Unit"] = _header_safe(unit_code)
    msg["X-Tthc-Day"] = today.isoformat()
    text = _text(unit_code, unit_name, groups, undated, today, horizon, commune, days)
    body = _html(unit_code, unit_name, groups, undated, today, horizon, commune, days)
    if left_out:
        warning = gap_warning(left_out)
        text = "\n".join(warning) + "\n\n" + text
        e = html.escape
        body = body.replace("<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222\">",
                            "<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222\">"
                            f"<p style=\"color:#b00020;font-weight:bold\">{e(warning[0])}</p><ul>"
                            + "".join(f"<li style=\"color:#b00020\">{e(w.lstrip(' -'))}</li>" for w in warning[1:])
                            + "</ul>", 1)
    msg.set_content(text)
    msg.add_alternative(body, subtype="html")
    msg.set_boundary(f"==tthc.{ascii_id(key or unit_code)}.{today.isoformat()}==")  # not random: the same bytes each time
    return Digest(key or unit_code, unit_name, list(to), list(cc), msg, counts)


def ascii_id(code: str) -> str:
    """The unit code as Message-ID text: ASCII letters, digits, "-" and "_" (codes may have Vietnamese letters)."""
    import re

    from tthc_cli.core.text import fold_diacritics

    return re.sub(r"[^A-Za-z0-9_-]+", "_", fold_diacritics(code)) or "unit"


def gap_warning(left_out: list[tuple[str, str]]) -> list[str]:
    """Lines saying which plan files an answer lacks, and why: for the digest and the report."""
    return ([f"CẢNH BÁO: {len(left_out)} tệp kế hoạch không đọc được nên KHÔNG có trong nội dung dưới đây; "
             "hãy báo người quản lý kế hoạch sửa:"]
            + [f"  - {file}: {why}" for file, why in left_out])


def _address(value: str) -> Address:
    """The mailbox exactly as the config check parsed it: one address, nothing a display name could add."""
    from tthc_cli.core.addresses import mailbox

    return mailbox(value)


def _date_header(today: date, sent_at=None) -> str:
    from email.utils import format_datetime
    from datetime import datetime, time, timedelta, timezone

    when = sent_at if sent_at is not None else datetime.combine(today, time(6, 0), timezone(timedelta(hours=7)))
    return format_datetime(when)


def _units(refs) -> str:
    return ", ".join(r.text for r in refs) or "—"


def _plan_labels(groups) -> dict[str, str]:
    """The plans as the terminal names them: the commune ("Xuân Trường") when that is unambiguous, else the id."""
    return plan_labels({it.task.plan.id: it.task.plan for rows in groups.values() for it in rows}.values())


def _shown(groups):
    """(key, heading, items) of each section the mail shows: all but the shared duties, which only the
    coordinating unit follows and only its mail lists."""
    return [(key, heading, groups[key]) for key, heading in SECTIONS if key != "shared" or groups[key]]


def _text(code, name, groups, undated, today, horizon, commune, days) -> str:
    labels = _plan_labels(groups)
    lines = [f"Kính gửi: {name} ({code})" + (f" — {commune}" if commune else ""), "",
             f"Tình hình thực hiện nhiệm vụ đến ngày {fmt(today)} (sắp đến hạn: đến {fmt(horizon)}).", ""]
    for key, heading, rows in _shown(groups):
        lines.append(f"{heading.upper()} ({len(rows)})")
        if not rows:
            lines += ["  (không có)", ""]
            continue
        for it in rows:
            t = it.task
            lines.append(f"- [{t.path_ids}] {title_cell(it)}")
            lines.append(f"  Thời hạn: {deadline_cell(it).replace(chr(10), ' ')}; hạn {due_text(it.due, days)}, "
                         f"{days_text(it.days(today))}")
            doing = progress_text(it)
            if doing:
                lines.append(f"  Tiến độ: {doing}")
            if t.product:
                lines.append(f"  Sản phẩm: {t.product}")
            lines.append(f"  Phối hợp: {_units(t.support)}  ·  Kế hoạch: {t.plan.title} ({labels[t.plan.id]})")
        lines.append("")
    extra = undated_line(undated)
    if extra:
        lines += [extra, ""]
    lines.append("Thư này do tthc gửi tự động. Ghi nhận hoàn thành: tthc done MÃ-NHIỆM-VỤ --evidence \"…\".")
    return "\n".join(lines) + "\n"


_CSS = {
    "table": "border-collapse:collapse;width:100%;font-family:Arial,Helvetica,sans-serif;font-size:13px",
    "th": "background:#1f4e79;color:#fff;text-align:left;padding:6px;border:1px solid #c8d3df",
    "td": "padding:6px;border:1px solid #c8d3df;vertical-align:top",
    "overdue": "color:#b00020", "today": "color:#a65e00", "upcoming": "color:#1f4e79", "shared": "color:#6a1b9a",
}


def _html(code, name, groups, undated, today, horizon, commune, days) -> str:
    labels = _plan_labels(groups)
    e = html.escape
    out = ["<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"></head>",
           "<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222\">",
           f"<p>Kính gửi: <b>{e(name)}</b> ({e(code)}){' — ' + e(commune) if commune else ''}</p>",
           f"<p>Tình hình thực hiện nhiệm vụ đến ngày <b>{fmt(today)}</b> (sắp đến hạn: đến {fmt(horizon)}).</p>"]
    head = ("Vị trí", "Nhiệm vụ", "Thời hạn", "Hạn", "Còn/quá", "Sản phẩm", "Phối hợp", "Kế hoạch")
    for key, heading, rows in _shown(groups):
        out.append(f"<h3 style=\"{_CSS[key]}\">{e(heading)} ({len(rows)})</h3>")
        if not rows:
            out.append("<p>(không có)</p>")
            continue
        out.append(f"<table style=\"{_CSS['table']}\"><tr>" + "".join(
            f"<th style=\"{_CSS['th']}\">{e(h)}</th>" for h in head) + "</tr>")
        for it in rows:
            t = it.task
            cells = (t.path_ids, title_cell(it), deadline_cell(it).replace("\n", " "), due_text(it.due, days),
                     " — ".join(x for x in (days_text(it.days(today)), progress_text(it)) if x), t.product or "",
                     _units(t.support), labels[t.plan.id])
            out.append("<tr>" + "".join(f"<td style=\"{_CSS['td']}\">{e(c)}</td>" for c in cells) + "</tr>")
        out.append("</table>")
    extra = undated_line(undated)
    if extra:
        out.append(f"<p>{e(extra)}</p>")
    out.append("<p style=\"color:#666;font-size:12px\">Thư này do tthc gửi tự động.</p></body></html>")
    return "\n".join(out) + "\n"


__all__ = ["Digest", "build", "subject", "sections", "formataddr"]
