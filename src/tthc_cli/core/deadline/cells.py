"""A deadline cell as written in a plan: one duty, or several (milestones).

Parts are split at new lines, bullets ("- "), ". -" and ";". A part is "label:
phrase" or a bare phrase; in a cell of several duties, the words in front of a
part's time expression name it ("báo cáo kết quả trước ngày 10/12/2026"). A
";"-part with nothing about time in it continues the part before ("ngay sau khi
có chỉ đạo của Chính phủ; Thủ tướng Chính phủ").
"""

from __future__ import annotations

import re

from tthc_cli.core.deadline.lexer import normalise
from tthc_cli.core.deadline.model import Milestone, Period, Resolution
from tthc_cli.core.deadline.phrase import Duty, has_time, read_duty
from tthc_cli.core.text import clean

_SPLIT = re.compile(r"(?:^|(?<=[.;]))\s*[\-–•+]\s+|\s+[\-–]\s+(?=[^\d\s:;,][^:;]{1,80}:\s)")
_BULLET = re.compile(r"^[\-–•+*·]")
_WINDOW_LABEL = re.compile(r"^(?:thời kỳ báo cáo|kỳ báo cáo|thời gian chốt số liệu|thời điểm chốt số liệu|chốt số liệu|"
                           r"số liệu|phạm vi số liệu)\b", re.IGNORECASE)
_HEDGE_START = re.compile(r"^(?:[^:]*\b)?(?:dự kiến|phấn đấu|khoảng)\b", re.IGNORECASE)
_LIMIT_START = re.compile(r"^(?:[^:]*\b)?(?:chậm nhất|muộn nhất|không quá|hạn chót|hạn cuối|trễ nhất)\b", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[^:]{2,160}?)\s*:\s+(?P<rest>.+)$")
_ELLIPTIC = re.compile(r"^(?:(?:tháng|quý)\s+)?(?:[IVX]{1,4}|\d{1,2})(?:\s*/\s*\d{4}|\s*năm\s+\d{4})?\s*$", re.IGNORECASE)
_LIST_HEAD = re.compile(r"\b(?:[Qq]u[ýy]|[Tt]háng)\b[^;]*$")
_DAY_ITEM = re.compile(r"^(?:trước\s+)?(?:ngày\s+)?\d{1,2}/\d{1,2}(?:/\d{4})?$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20|21)\d\d\b")
_ONGOING_HEAD = re.compile(r"^(?P<head>(?:thường xuyên|liên tục)(?:[ ,]+liên tục)?(?:\s+(?:trong|cả|suốt)\s+năm"
                           r"(?:\s+\d{4})?)?)\s*[,.]\s*(?P<rest>.+)$")
# a line that ends like this goes on on the next line (a soft line break inside one phrase)
_OPEN_END = re.compile(r"(?:\b(?:ngày|tháng|năm|quý|trước|từ|đến|chậm nhất|hạn|vào|trong|hằng|mỗi|định kỳ|kể từ)|[,\-–])\s*$",
                       re.IGNORECASE)
_FREQ_ONLY = re.compile(r"^(?:định kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:tháng|quý|năm)$|^định kỳ(?:\s+\S+){0,2}$", re.IGNORECASE)
_PIN_START = re.compile(r"^(?:chậm nhất|trước|vào|trong|ngày|muộn nhất)\b", re.IGNORECASE)


def _lines(text: str) -> list[str]:
    """The lines of a cell, with soft line breaks inside one phrase joined again ("Trước ngày\n15/12/2026",
    "Tháng 6\nnăm 2026"): a line goes on when it ends open, or the next starts with a small letter or a digit."""
    out: list[str] = []
    for raw in str(text).replace("\r", "\n").split("\n"):
        line = clean(raw)
        if not line:
            continue
        if out and not _BULLET.match(line) and not re.search(r"[.;:]$", out[-1]) and (
                _OPEN_END.search(out[-1]) or line[0].islower() or line[0].isdigit() or line[0] in "/(,"):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _parts(text: str) -> tuple[list[str], bool]:
    """The duties of a cell, and whether it is written as a list (bullets or several lines)."""
    parts: list[str] = []
    listed = False
    lines = _lines(text)
    for line in lines:
        bullets = _SPLIT.split(line)
        listed = listed or len(bullets) > 1 or bool(_BULLET.match(line)) or len(lines) > 1
        for b, bullet in enumerate(bullets):
            pieces = [normalise(x) for x in bullet.split(";")]
            for k, p in enumerate(pieces):
                if not p:
                    continue
                new_line = k == 0 and b == 0 and not _BULLET.match(line)
                if parts and (k > 0 or new_line) and not has_time(p):
                    parts[-1] = f"{parts[-1]}{'; ' if k else ' '}{p}"  # a continuation, not a duty of its own
                elif parts and k > 0 and not _YEAR.search(parts[-1]) and (
                        _ELLIPTIC.match(p) and _LIST_HEAD.search(parts[-1])
                        or _DAY_ITEM.match(p) and _DAY_ITEM.match(parts[-1])):
                    parts[-1] = f"{parts[-1]}, {p}"  # "Quý II; III/2026", "tháng 3; tháng 9/2027": one list
                elif parts and k > 0 and _FREQ_ONLY.match(parts[-1]) and _PIN_START.match(p):
                    parts[-1] = f"{parts[-1]} {p}"  # "Định kỳ hằng quý; trước ngày 20 của tháng cuối quý": one duty
                else:
                    parts.append(p)
    return parts, listed


def _label_of(prefix: str) -> str | None:
    label = prefix.strip(" ,.;:-–(")
    return label or None


_REPORT_LABEL = re.compile(r"^(?:báo cáo|tờ khai|khai thuế|số liệu|thống kê|quyết toán|theo)\s+(tháng|quý|năm|6 tháng|"
                           r"sáu tháng)$", re.IGNORECASE)


def _with_label_period(label: str, rest: str) -> str:
    """ "Báo cáo quý: trước ngày 10 tháng sau": the label says which period repeats; give it to the phrase."""
    m = _REPORT_LABEL.match(label.strip())
    if m and re.search(r"tháng (?:sau|tiếp theo|kế tiếp|liền kề)|quý sau|cuối (?:quý|kỳ)|đầu quý", rest, re.IGNORECASE):
        return f"hằng {m.group(1).lower()} {rest}"
    return rest


def _segment(seg: str, period: Period | None, several: bool, listed: bool) -> list[Milestone]:
    """One part of a cell as milestones (usually one; an ongoing duty with a dated report after a comma, two)."""
    m = _LABEL.match(seg)
    if m and has_time(m.group("label")) and read_duty(m.group("label"), period).kind != "unknown":
        m = None  # "Năm 2026: 3/5 xã": the part before the colon is the date, not a name
    if m and (several or listed):
        rest = m.group("rest").rstrip(" .;,")
        duty = read_duty(_with_label_period(m.group("label"), rest), period)
        if duty.kind != "unknown" or not has_time(m.group("label")):
            return [Milestone(m.group("label").strip(), _res(duty))]
    duty = read_duty(seg, period)
    if m and _REPORT_LABEL.match(m.group("label").strip()) and duty.kind == "recurring":
        duty = read_duty(_with_label_period(m.group("label"), m.group("rest").rstrip(" .;,")), period)
    if duty.kind == "unknown" and m and not re.search(r"\d", m.group("label")):
        rest = read_duty(_with_label_period(m.group("label"), m.group("rest").rstrip(" .;,")), period)
        if rest.kind != "unknown":  # "Kế hoạch CCHC năm của UBND xã: Trước ngày 05/01 hằng năm": a heading
            rest.explain.insert(0, f"“{m.group('label').strip()}:” là tiêu đề, không phải thời hạn")
            return [Milestone(None, _res(rest))]
    if duty.kind == "unknown":
        head = _ONGOING_HEAD.match(seg.lower())
        if head:
            cut = len(seg) - len(head.group("rest"))
            first, second = read_duty(seg[:cut].strip(" ,."), period), read_duty(seg[cut:], period)
            if first.kind == "ongoing" and second.kind != "unknown":
                return [Milestone(None, _res(first)), Milestone(_label_of(second.prefix), _res(second))]
    label = _label_of(duty.prefix) if several and duty.kind != "unknown" else None
    return [Milestone(label, _res(duty))]


def _res(duty: Duty) -> Resolution:
    return duty.resolution()


def resolve_cell(text: str, period: Period | None) -> Resolution:
    """Resolve a whole deadline cell."""
    shown = clean(str(text))
    parts, listed = _parts(text)
    if not parts:
        return Resolution(shown, "unknown")
    milestones: list[Milestone] = []
    for seg in parts:
        milestones.extend(_segment(seg, period, len(parts) > 1, listed))
    if len(milestones) == 1 and milestones[0].label is None:
        return milestones[0].resolution.replace(text=shown)
    windows = [ms for ms in milestones if ms.label and _WINDOW_LABEL.match(ms.label)]
    if windows and len(windows) < len(milestones):
        milestones = [ms for ms in milestones if ms not in windows]  # the period a report covers, not its deadline
    hedged = [ms for ms in milestones if _HEDGE_START.match(ms.resolution.text) or ms.label and _HEDGE_START.match(ms.label)]
    limits = [ms for ms in milestones if _LIMIT_START.match(ms.resolution.text) or ms.label and _LIMIT_START.match(ms.label)]
    if hedged and limits and len(hedged) + len(limits) == len(milestones):
        milestones = limits  # "Dự kiến ngày 10/8/2026; chậm nhất ngày 15/8/2026": the hard limit
    if len(milestones) == 1 and milestones[0].label is None:
        return milestones[0].resolution.replace(text=shown)
    occs, warnings, explain = [], [], []
    for ms in milestones:
        occs.extend(ms.resolution.occurrences)
        warnings.extend(f"{ms.label}: {w}" if ms.label else w for w in ms.resolution.warnings)
        explain.append(f"mốc “{ms.label or '(không nhãn)'}”: {ms.resolution.text}")
        explain.extend(f"  {line}" for line in ms.resolution.explain)
    if all(ms.resolution.kind == "unknown" for ms in milestones):
        return Resolution(shown, "unknown", warnings=tuple(warnings), explain=tuple(explain))
    return Resolution(shown, "milestones", tuple(occs), milestones=tuple(milestones), warnings=tuple(warnings),
                      explain=tuple(explain))
