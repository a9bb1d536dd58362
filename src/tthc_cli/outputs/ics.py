"""Items as an iCalendar (RFC 5545) file that calendar programs can import or subscribe to.

One all-day event per item with a due date; undated items ("Thường xuyên",
"Chờ điều kiện", unresolved deadlines) have no day to sit on and are left out.

Decisions:

* UIDs depend only on what names an item: plan id, task id, milestone label
  and occurrence label (the same key progress events use). Re-exporting after
  a date, title or status change therefore updates the events a calendar
  already holds instead of adding duplicates.
* Done items stay in the calendar (dropping them would make a subscribed
  calendar delete the event, losing the record): the summary starts with
  "✓ ", STATUS stays CONFIRMED (the event itself, the due day, did happen;
  RFC 5545 has no "done" status for VEVENT), the description gives the day
  it was finished, and no alarm is attached — there is nothing left to remind.
* DTSTAMP is the `stamp` passed in (a naive datetime is taken as UTC); the
  module reads no clock, so the same items and stamp give the same bytes.
* All text is NFC-normalised; icalendar folds lines longer than 75 octets.

`icalendar` is imported inside `calendar_bytes`: it costs ~75 ms, and only
the export needs it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime, timedelta, timezone

from tthc_cli import __version__
from tthc_cli.core.deadline import fmt
from tthc_cli.core.queries import Item
from tthc_cli.outputs.items import plan_labels, title_cell

SUMMARY_MAX = 120
UID_DOMAIN = "tthc"
TIMEZONE = "Asia/Ho_Chi_Minh"
DONE_MARK = "✓ "


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def uid_of(item: Item) -> str:
    """A UID that survives re-exports: a hash of plan, task, milestone and occurrence only."""
    plan, task, milestone, occurrence = item.key
    return _uid(f"{plan}:{task}|{milestone}|{occurrence}")


def _uid(key: str) -> str:
    return hashlib.sha1(_nfc(key).encode("utf-8")).hexdigest() + "@" + UID_DOMAIN


def _shorten(text: str, width: int) -> str:
    """Cut at a word boundary and mark the cut with "…"."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.—-") + "…"


def _when(item: Item) -> str:
    """Which part of the task falls due: "Kế hoạch kiểm tra · Quý II/2026"."""
    return " · ".join(p for p in (item.milestone, item.occurrence) if p)


def summary_of(item: Item, label: str) -> str:
    """"[Xuân Trường] {title} — {occurrence or milestone}", shortened to about 120 characters."""
    prefix = (DONE_MARK if item.done is not None else "") + (f"[{label}] " if label else "")
    when = _when(item)
    suffix = f" — {when}" if when else ""
    title = " ".join((title_cell(item) or item.task.id).split())
    room = max(SUMMARY_MAX - len(prefix) - len(suffix), 20)
    return _nfc(prefix + _shorten(title, room) + suffix)


def description_of(item: Item) -> str:
    t = item.task
    plan = t.plan
    lines = [f"Kế hoạch: {plan.title} ({plan.id})" if plan.title else f"Kế hoạch: {plan.id}"]
    if plan.document:
        lines.append(f"Văn bản: {plan.document}")
    lines.append(f"Nhiệm vụ: {t.path_ids}" + (f" — {t.title}" if t.title else ""))
    if item.milestone:
        lines.append(f"Mốc: {item.milestone}")
    if item.occurrence:
        lines.append(f"Kỳ: {item.occurrence}")
    deadline = item.deadline_text or t.deadline
    if deadline:
        lines.append(f"Thời hạn: {deadline}")
    lines.append(f"Hạn: {fmt(item.due)}")
    if item.extension is not None:
        lines.append(f"Gia hạn từ {fmt(item.extended_from)}" + (f" theo {item.extension.evidence}"
                                                                  if item.extension.evidence else ""))
    if t.product:
        lines.append(f"Sản phẩm: {t.product}")
    if t.lead:
        lines.append("Chủ trì: " + "; ".join(r.text for r in t.lead))
    if t.support:
        lines.append("Phối hợp: " + "; ".join(r.text for r in t.support))
    lines.append(f"Tình trạng: {item.status}")
    if item.done is not None:
        lines.append(f"Hoàn thành: {fmt(item.done)}")
    if item.evidence:
        lines.append(f"Minh chứng: {item.evidence}")
    return _nfc("\n".join(lines))


def _lead_codes(item: Item) -> list[str]:
    codes: list[str] = []
    for r in item.task.lead:
        if r.unit is not None and r.unit.code not in codes:
            codes.append(r.unit.code)
    return codes


def _utc(stamp: datetime) -> datetime:
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc)


def calendar_bytes(items: list[Item], *, name: str, alarm_days: int | None = 3, stamp: datetime) -> bytes:
    """The items with a due date as an RFC 5545 calendar (CRLF lines, folded at 75 octets).

    `name` becomes X-WR-CALNAME; `alarm_days` adds a display alarm that many
    days before each open item's due day (None: no alarms; 0: on the day);
    `stamp` is every event's DTSTAMP. Items are written in the order given.
    See the module docstring for how UIDs and done items are handled.
    """
    if alarm_days is not None and alarm_days < 0:
        raise ValueError("alarm_days must be >= 0")
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//tthc//tthc {__version__}//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _nfc(name))
    cal.add("x-wr-timezone", TIMEZONE)

    dated = [i for i in items if i.due is not None]
    labels = plan_labels(list({i.task.plan.id: i.task.plan for i in dated}.values()))
    dtstamp = _utc(stamp)
    seen: dict[str, int] = {}
    for item in dated:
        base = uid_of(item)
        n = seen[base] = seen.get(base, 0) + 1
        # two items with the same key (not expected): keep both, the later ones numbered in order
        uid = base if n == 1 else _uid("{}:{}|{}|{}#{}".format(*item.key, n))
        summary = summary_of(item, labels.get(item.task.plan.id, item.task.plan.id))

        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", dtstamp)
        ev.add("dtstart", item.due)
        ev.add("dtend", item.due + timedelta(days=1))
        if item.revision:  # the deadline was extended (or an extension withdrawn): the same event, a new version
            ev.add("sequence", item.revision)
        ev.add("summary", summary)
        ev.add("description", description_of(item))
        codes = _lead_codes(item)
        if codes:
            ev.add("categories", codes)
        ev.add("status", "CONFIRMED")
        ev.add("transp", "TRANSPARENT")
        if alarm_days is not None and item.done is None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-alarm_days))
            alarm.add("description", summary)
            ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()
